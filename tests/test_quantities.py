import pytest
from hypothesis import given
from hypothesis import strategies as st

from massage_evidence.errors import QuantityError
from massage_evidence.quantities import Quantity, parse


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2-3 sessions", Quantity(2, 3, "sessions")),
        ("2–3 sessions", Quantity(2, 3, "sessions")),
        ("10-30 seconds", Quantity(10, 30, "seconds")),
        ("10–30 seconds", Quantity(10, 30, "seconds")),
        ("2 to 3 sessions", Quantity(2, 3, "sessions")),
        ("up to four weeks", Quantity(None, 4, "weeks")),
        ("up to two weeks", Quantity(None, 2, "weeks")),
        ("as many as four weeks", Quantity(None, 4, "weeks")),
        ("at least one year", Quantity(1, None, "years")),
        ("about three years", Quantity(3, 3, "years")),
        ("four weeks", Quantity(4, 4, "weeks")),
        ("1 session", Quantity(1, 1, "sessions")),
        ("twice a month", Quantity(2, 2, "times_per_month")),
        ("about twice a month", Quantity(2, 2, "times_per_month")),
        ("once a week", Quantity(1, 1, "times_per_week")),
        ("3 times a year", Quantity(3, 3, "times_per_year")),
        ("yearly", Quantity(1, 1, "times_per_year")),
        ("a day or two", Quantity(1, 2, "days")),
        ("day or two", Quantity(1, 2, "days")),
        ("a couple of days", Quantity(2, 2, "days")),
        ("Up To Four Weeks", Quantity(None, 4, "weeks")),
    ],
)
def test_parse_reads_the_forms_the_sources_use(text, expected):
    assert parse(text) == expected


@pytest.mark.parametrize(
    "text",
    ["several sessions", "weeks or months", "", "3-2 sessions", "four", "sessions", "1e999 days"],
)
def test_parse_refuses_what_it_cannot_read(text):
    with pytest.raises(QuantityError):
        parse(text)


@given(st.text(max_size=40))
def test_parse_never_crashes(text):
    try:
        result = parse(text)
    except QuantityError as error:
        assert str(error)
    else:
        assert result.min is not None or result.max is not None
        if result.min is not None and result.max is not None:
            assert result.min <= result.max


@given(st.integers(0, 10_000), st.integers(0, 10_000), st.sampled_from(["-", "–", " to "]))
def test_ranges_keep_their_bounds(low, high, dash):
    text = f"{low}{dash}{high} days"
    if low > high:
        with pytest.raises(QuantityError):
            parse(text)
    else:
        assert parse(text) == Quantity(low, high, "days")
