"""Reading the quantities that popular texts state in words: "2–3 sessions", "up to four weeks".

`parse` turns the verbatim phrase into a `Quantity` (min, max, unit). An open bound is None:
"up to four weeks" has no minimum, "at least one year" no maximum. Anything it cannot read
raises `QuantityError`, never a guess. `find` locates, in a longer text, every phrase `parse`
reads.

Rates are normalised to times per unit: "every two weeks" is 0.5 times a week. A share ("one in
three") is a proportion between 0 and 1. A price ("$50 to $100 an hour") is in US dollars, per
hour, session or visit when the text says so.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from .errors import QuantityError

NUMBER_WORDS = {
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "sixty": 60,
    "ninety": 90,
    "a": 1,
    "an": 1,
    "a couple of": 2,
}
TIMES_WORDS = {"once": 1, "twice": 2, "thrice": 3}
UNIT_WORDS = {
    "session": "sessions",
    "second": "seconds",
    "minute": "minutes",
    "hour": "hours",
    "day": "days",
    "week": "weeks",
    "month": "months",
    "year": "years",
}
RATE_UNITS = {
    "day": "times_per_day",
    "week": "times_per_week",
    "month": "times_per_month",
    "year": "times_per_year",
}
ADVERBIAL_RATES = {
    "daily": "day",
    "weekly": "week",
    "monthly": "month",
    "yearly": "year",
    "annually": "year",
}
PRICE_UNITS = {"hour": "usd_per_hour", "session": "usd_per_session", "visit": "usd_per_session"}
PRICE_UNIT = "usd"
PROPORTION_UNIT = "proportion"

_WORDS = sorted((w for w in NUMBER_WORDS if w != "a couple of"), key=len, reverse=True)
_NUMBER = r"(?:\d+(?:\.\d+)?|a couple of|" + "|".join(_WORDS) + ")"
_COUNT = r"(?:\d+|" + "|".join(w for w in _WORDS if w not in ("a", "an")) + ")"
_UNIT = r"(?P<unit>" + "|".join(UNIT_WORDS) + r")s?"
_APPROX = r"(?:(?:about|around|approximately|roughly)\s+)?"
_DASH = r"\s*(?:-|–|—|to)\s*"
_TIMES = rf"(?:once|twice|thrice|{_NUMBER}\s+times)"
_PER = r"(?:a|an|per|each|every)\s+(?P<per>day|week|month|year)"
_LENGTH = (
    rf"(?:{_COUNT}|a|an)-(?:{'|'.join(UNIT_WORDS)})\s+"  # "one-hour" in "10 one-hour sessions"
)
_DOLLARS = r"\$(?P<{name}>\d+(?:,\d{{3}})*(?:\.\d\d)?)"
_PATTERNS = [
    ("range", rf"(?P<low>{_NUMBER}){_DASH}(?P<high>{_NUMBER})\s+{_UNIT}"),
    ("or_more", rf"(?:(?:a|the first)\s+)?{_UNIT}\s+or\s+(?P<high>{_NUMBER})"),
    (
        "upper",
        r"(?:up to|as many as|as much as|no more than|within|less than|fewer than|under)\s+"
        rf"(?P<high>{_NUMBER})\s+{_UNIT}",
    ),
    (
        "lower",
        r"(?:at least|as few as|no less than|more than|longer than|over)\s+"
        rf"(?P<low>{_NUMBER})\s+{_UNIT}",
    ),
    ("single", rf"{_APPROX}(?P<low>{_NUMBER})\s+(?:{_LENGTH})?{_UNIT}"),
    ("rate_range", rf"{_APPROX}(?P<low>{_TIMES})(?:\s+or\s+|{_DASH})(?P<high>{_TIMES})\s+{_PER}"),
    ("rate", rf"{_APPROX}(?P<times>{_TIMES})\s+{_PER}"),
    (
        "count_rate_range",
        rf"{_APPROX}(?P<low>{_COUNT})(?:\s+or\s+|{_DASH})(?P<high>{_COUNT})\s+times\s+{_PER}",
    ),
    ("every", rf"every\s+(?:(?P<every>{_COUNT}|other)\s+)?(?P<per>day|week|month|year)s?"),
    ("adverbial_rate", r"(?P<adverb>" + "|".join(ADVERBIAL_RATES) + ")"),
    ("share", rf"(?P<part>{_COUNT})\s+(?:in|out of)\s+(?P<whole>{_COUNT})"),
    (
        "price",
        _DOLLARS.format(name="low")
        + rf"(?:{_DASH}{_DOLLARS.format(name='high')})?"
        + r"(?:\s+(?:a|an|per|each)\s+(?P<per>hour|session|visit))?",
    ),
]
_FLAGS = re.IGNORECASE | re.ASCII
_COMPILED = [(name, re.compile(rf"\s*{pattern}\s*", _FLAGS)) for name, pattern in _PATTERNS]
# Where `find` looks: each form, ending at a word edge.
_SEARCH = [(name, re.compile(rf"(?:{pattern})(?!\w)", _FLAGS)) for name, pattern in _PATTERNS]
_STARTS = re.compile(r"(?<![\w$])[\w$]", _FLAGS)


@dataclass(frozen=True)
class Quantity:
    """A normalised quantity: bounds (None when open) and a unit term of the vocabulary."""

    min: float | None
    max: float | None
    unit: str


@dataclass(frozen=True)
class Found:
    """A quantity phrase found in a longer text: its offsets, verbatim text and reading."""

    start: int
    end: int
    text: str
    quantity: Quantity


def _number(word: str) -> float:
    word = " ".join(word.lower().split())
    value = float(NUMBER_WORDS[word]) if word in NUMBER_WORDS else float(word.replace(",", ""))
    if not math.isfinite(value):
        raise QuantityError(f"number {word!r} is too large")
    return value


def _times(word: str) -> float:
    word = word.lower()
    return float(TIMES_WORDS.get(word) or _number(word.removesuffix("times").strip()))


def _unit(word: str) -> str:
    return UNIT_WORDS[word.lower()]


def _ordered(low: float, high: float, unit: str, text: str) -> Quantity:
    if low > high:
        raise QuantityError(f"range {text!r} runs backwards")
    return Quantity(low, high, unit)


def _reading(name: str, groups: dict[str, str | None], text: str) -> Quantity:
    """The quantity that pattern `name` matched with `groups` stands for."""
    per = (groups.get("per") or "").lower()
    if name == "range":
        low, high = _number(groups["low"] or ""), _number(groups["high"] or "")
        return _ordered(low, high, _unit(groups["unit"] or ""), text)
    if name == "or_more":
        high = _number(groups["high"] or "")
        if high < 1:
            raise QuantityError(f"{text!r} must name a number of at least one")
        return Quantity(1.0, high, _unit(groups["unit"] or ""))
    if name == "upper":
        return Quantity(None, _number(groups["high"] or ""), _unit(groups["unit"] or ""))
    if name == "lower":
        return Quantity(_number(groups["low"] or ""), None, _unit(groups["unit"] or ""))
    if name == "single":
        value = _number(groups["low"] or "")
        return Quantity(value, value, _unit(groups["unit"] or ""))
    if name in ("rate_range", "count_rate_range"):
        reader = _times if name == "rate_range" else _number
        low, high = reader(groups["low"] or ""), reader(groups["high"] or "")
        return _ordered(low, high, RATE_UNITS[per], text)
    if name == "rate":
        count = _times(groups["times"] or "")
        return Quantity(count, count, RATE_UNITS[per])
    if name == "every":
        every = (groups["every"] or "one").lower()
        interval = 2.0 if every == "other" else _number(every)
        if interval < 1:
            raise QuantityError(f"{text!r} must name an interval of at least one")
        return Quantity(1 / interval, 1 / interval, RATE_UNITS[per])
    if name == "share":
        part, whole = _number(groups["part"] or ""), _number(groups["whole"] or "")
        if not 0 < part <= whole:
            raise QuantityError(f"{text!r} is not a share of a whole")
        return Quantity(part / whole, part / whole, PROPORTION_UNIT)
    if name == "price":
        low = _number(groups["low"] or "")
        high = _number(groups["high"]) if groups.get("high") else low
        return _ordered(low, high, PRICE_UNITS.get(per, PRICE_UNIT), text)
    adverb = ADVERBIAL_RATES[(groups["adverb"] or "").lower()]
    return Quantity(1.0, 1.0, RATE_UNITS[adverb])


def parse(text: str) -> Quantity:
    """Read one verbatim quantity phrase; raise QuantityError when it is not one we can read."""
    if not isinstance(text, str):
        raise QuantityError(f"quantity text must be a string, not {type(text).__name__}")
    for name, pattern in _COMPILED:
        match = pattern.fullmatch(text)
        if match is not None:
            return _reading(name, match.groupdict(), text)
    raise QuantityError(f"cannot read {text!r} as a quantity with a unit")


def find(text: str) -> list[Found]:
    """Every quantity phrase of `text` that `parse` reads, longest first where two overlap.

    A bare article as the number ("a day", "an hour") is left out: alone it is rarely a quantity.
    """
    spans: list[tuple[int, int]] = []
    for edge in _STARTS.finditer(text):
        for _, pattern in _SEARCH:
            match = pattern.match(text, edge.start())
            if match is not None:
                spans.append((match.start(), match.end()))
    found: list[Found] = []
    taken = 0
    for start, end in sorted(spans, key=lambda span: (span[0], -span[1])):
        if start < taken:
            continue
        phrase = text[start:end]
        if re.fullmatch(r"(?:a|an)\s+\w+", phrase, _FLAGS):
            continue
        try:
            quantity = parse(phrase)
        except QuantityError:
            continue
        found.append(Found(start, end, phrase, quantity))
        taken = end
    return found
