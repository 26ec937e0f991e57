"""Reading the quantities that popular texts state in words: "2–3 sessions", "up to four weeks".

`parse` turns the verbatim phrase into a `Quantity` (min, max, unit). An open bound is None:
"up to four weeks" has no minimum, "at least one year" no maximum. Anything it cannot read
raises `QuantityError`, never a guess.
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
RATE_UNITS = {"week": "times_per_week", "month": "times_per_month", "year": "times_per_year"}
ADVERBIAL_RATES = {"weekly": "week", "monthly": "month", "yearly": "year", "annually": "year"}

_NUMBER = (
    r"(?:\d+(?:\.\d+)?|a couple of|"
    + "|".join(sorted((w for w in NUMBER_WORDS if w != "a couple of"), key=len, reverse=True))
    + ")"
)
_UNIT = r"(?P<unit>" + "|".join(UNIT_WORDS) + r")s?"
_PATTERNS = [
    ("range", rf"(?P<low>{_NUMBER})\s*(?:-|–|—|to)\s*(?P<high>{_NUMBER})\s+{_UNIT}"),
    ("or_more", rf"(?:(?:a|the first)\s+)?{_UNIT}\s+or\s+(?P<high>{_NUMBER})"),
    ("upper", rf"(?:up to|as many as|as much as|no more than)\s+(?P<high>{_NUMBER})\s+{_UNIT}"),
    ("lower", rf"(?:at least|as few as|no less than)\s+(?P<low>{_NUMBER})\s+{_UNIT}"),
    ("single", rf"(?:(?:about|around|approximately|roughly)\s+)?(?P<low>{_NUMBER})\s+{_UNIT}"),
    (
        "rate",
        r"(?:(?:about|around|approximately|roughly)\s+)?(?P<times>once|twice|thrice|"
        + _NUMBER
        + r"\s+times)\s+(?:a|an|per|each|every)\s+(?P<per>week|month|year)",
    ),
    ("adverbial_rate", r"(?P<adverb>" + "|".join(ADVERBIAL_RATES) + ")"),
]
_COMPILED = [
    (name, re.compile(rf"\s*{pattern}\s*", re.IGNORECASE | re.ASCII)) for name, pattern in _PATTERNS
]


@dataclass(frozen=True)
class Quantity:
    """A normalised quantity: bounds (None when open) and a unit term of the vocabulary."""

    min: float | None
    max: float | None
    unit: str


def _number(word: str) -> float:
    word = " ".join(word.lower().split())
    value = float(NUMBER_WORDS[word]) if word in NUMBER_WORDS else float(word)
    if not math.isfinite(value):
        raise QuantityError(f"number {word!r} is too large")
    return value


def _unit(word: str) -> str:
    return UNIT_WORDS[word.lower()]


def parse(text: str) -> Quantity:
    """Read one verbatim quantity phrase; raise QuantityError when it is not one we can read."""
    if not isinstance(text, str):
        raise QuantityError(f"quantity text must be a string, not {type(text).__name__}")
    for name, pattern in _COMPILED:
        match = pattern.fullmatch(text)
        if match is None:
            continue
        groups = match.groupdict()
        if name == "range":
            low, high = _number(groups["low"]), _number(groups["high"])
            if low > high:
                raise QuantityError(f"range {text!r} runs backwards")
            return Quantity(low, high, _unit(groups["unit"]))
        if name == "or_more":
            high = _number(groups["high"])
            if high < 1:
                raise QuantityError(f"{text!r} must name a number of at least one")
            return Quantity(1.0, high, _unit(groups["unit"]))
        if name == "upper":
            return Quantity(None, _number(groups["high"]), _unit(groups["unit"]))
        if name == "lower":
            return Quantity(_number(groups["low"]), None, _unit(groups["unit"]))
        if name == "single":
            value = _number(groups["low"])
            return Quantity(value, value, _unit(groups["unit"]))
        if name == "rate":
            times = groups["times"].lower()
            count = TIMES_WORDS.get(times) or _number(times.removesuffix("times").strip())
            return Quantity(float(count), float(count), RATE_UNITS[groups["per"].lower()])
        per = ADVERBIAL_RATES[groups["adverb"].lower()]
        return Quantity(1.0, 1.0, RATE_UNITS[per])
    raise QuantityError(f"cannot read {text!r} as a quantity with a unit")
