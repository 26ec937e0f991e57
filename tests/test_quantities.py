import pytest
from hypothesis import given
from hypothesis import strategies as st

from massage_evidence.errors import QuantityError
from massage_evidence.quantities import Quantity, find, parse


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
    ("text", "expected"),
    [
        ("once or twice a week", Quantity(1, 2, "times_per_week")),
        ("two or three times a month", Quantity(2, 3, "times_per_month")),
        ("2-3 times a week", Quantity(2, 3, "times_per_week")),
        ("every two weeks", Quantity(0.5, 0.5, "times_per_week")),
        ("every week", Quantity(1, 1, "times_per_week")),
        ("every other day", Quantity(0.5, 0.5, "times_per_day")),
        ("every 4 months", Quantity(0.25, 0.25, "times_per_month")),
        ("within 48 hours", Quantity(None, 48, "hours")),
        ("less than ten minutes", Quantity(None, 10, "minutes")),
        ("one in three", Quantity(1 / 3, 1 / 3, "proportion")),
        ("1 out of 4", Quantity(0.25, 0.25, "proportion")),
        ("10 one-hour sessions", Quantity(10, 10, "sessions")),
        ("six 30-minute sessions", Quantity(6, 6, "sessions")),
        ("$50 to $100 an hour", Quantity(50, 100, "usd_per_hour")),
        ("$60-$90 per session", Quantity(60, 90, "usd_per_session")),
        ("$1,200", Quantity(1200, 1200, "usd")),
        ("more than four weeks", Quantity(4, None, "weeks")),
        ("over 2 years", Quantity(2, None, "years")),
        ("ten weeks", Quantity(10, 10, "weeks")),
        ("twenty minutes", Quantity(20, 20, "minutes")),
    ],
)
def test_parse_reads_the_forms_new_texts_use(text, expected):
    assert parse(text) == expected


@pytest.mark.parametrize(
    "text",
    ["every zero weeks", "three in two", "$100 to $50 an hour", "twice or once a week"],
)
def test_parse_refuses_impossible_new_forms(text):
    with pytest.raises(QuantityError):
        parse(text)


def test_find_locates_each_phrase_at_its_offsets():
    text = (
        "That yearly massage helps. Most pay $50 to $100 an hour, once or twice a week, "
        "and one in three feel better within 48 hours; take an hour a day to rest."
    )
    found = find(text)
    assert [f.text for f in found] == [
        "yearly",
        "$50 to $100 an hour",
        "once or twice a week",
        "one in three",
        "within 48 hours",
    ]
    for f in found:
        assert text[f.start : f.end] == f.text
        assert f.quantity == parse(f.text)


def test_find_prefers_the_longest_phrase_at_a_place():
    found = find("relief can take as many as four weeks")
    assert [(f.text, f.quantity) for f in found] == [
        ("as many as four weeks", Quantity(None, 4, "weeks"))
    ]


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
