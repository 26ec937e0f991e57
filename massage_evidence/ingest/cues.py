"""The extractor's cue words and patterns, read from `evidence/extraction.yaml`.

The rules are data a curator can read and extend; this module only reads and compiles them.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path

from .. import store
from .texts import IngestError

CUES_FILE = "extraction.yaml"


@dataclass(frozen=True)
class QuantityRule:
    """A kind of quantity, the units it comes in and the words that tell it (None: any)."""

    quantity: str
    units: frozenset[str]
    cues: re.Pattern[str] | None


@dataclass(frozen=True)
class Cues:
    """The compiled cues: each a pattern over words, or a plain list where order matters."""

    chrome: re.Pattern[str]
    abbreviations: tuple[str, ...]
    clause_breaks: tuple[str, ...]
    min_clause: int
    bullets: tuple[str, ...]
    probable: re.Pattern[str]
    possible: re.Pattern[str]
    anecdotal: re.Pattern[str]
    research: re.Pattern[str]
    attribution_verbs: tuple[str, ...]
    attribution_phrases: tuple[str, ...]
    speaker_lead: tuple[str, ...]
    not_names: frozenset[str]
    pronouns: frozenset[str]
    story: dict[str, str]
    quantity_kinds: tuple[QuantityRule, ...]
    not_claimed_quantities: tuple[re.Pattern[str], ...]
    points_back: re.Pattern[str]
    fragment_words: int
    fragment_openers: re.Pattern[str]
    min_characters: int

    def quantity_kind(self, unit: str, sentence: str, start: int, end: int) -> str | None:
        """The kind of the quantity at sentence[start:end]: a rule for its unit alone first,
        else the rule whose cue stands nearest the phrase; None when no rule applies."""
        nearest: tuple[int, str] | None = None
        for rule in self.quantity_kinds:
            if unit not in rule.units:
                continue
            if rule.cues is None:
                return rule.quantity
            for match in rule.cues.finditer(sentence):
                distance = max(match.start() - end, start - match.end(), 0)
                if nearest is None or distance < nearest[0]:
                    nearest = (distance, rule.quantity)
        return nearest[1] if nearest is not None else None

    def is_claimed_quantity(self, sentence: str, start: int, end: int) -> bool:
        """Whether the quantity phrase at sentence[start:end] is claimed, not rhetoric (a rule of
        `not_claimed_quantities` matches around it)."""
        return not any(
            match.span("phrase") == (start, end)
            for rule in self.not_claimed_quantities
            for match in rule.finditer(sentence)
        )


def _words(patterns: list[str]) -> re.Pattern[str]:
    """One pattern matching any of `patterns` as whole words."""
    return re.compile(r"\b(?:" + "|".join(patterns) + r")\b", re.IGNORECASE)


def _opening(patterns: list[str]) -> re.Pattern[str]:
    """One pattern matching any of `patterns` as the first words of a text."""
    return re.compile(r"(?:" + "|".join(patterns) + r")\b", re.IGNORECASE)


def _strings(data: dict[str, object], key: str, path: Path) -> list[str]:
    value = data.get(key)
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise IngestError(f"{path}: {key}: must be a list of text")
    return value


@functools.lru_cache(maxsize=8)
def load(evidence: Path) -> Cues:
    """Read and compile the cues of the evidence folder `evidence`."""
    path = evidence / CUES_FILE
    try:
        document = store.parse_yaml(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as error:
        raise IngestError(f"{path}: cannot read the extraction cues ({error})") from None
    except Exception as error:  # a YAML error: one line, whatever its kind
        message = " ".join(str(error).split())[:200]
        raise IngestError(f"{path}: not valid YAML ({message})") from None
    data = document.data if document is not None else None
    if not isinstance(data, dict):
        raise IngestError(f"{path}: must be a mapping of cue lists")
    hedge = data.get("hedge")
    if not isinstance(hedge, dict):
        raise IngestError(f"{path}: hedge: must map probable and anecdotal to lists of cues")
    minimum = _count(data, "min_characters", path)
    try:
        chrome = re.compile("|".join(f"(?:{p})" for p in _strings(data, "chrome", path)), re.I)
        return Cues(
            chrome=chrome,
            abbreviations=tuple(_strings(data, "abbreviations", path)),
            clause_breaks=tuple(_strings(data, "clause_breaks", path)),
            min_clause=_count(data, "min_clause", path),
            bullets=tuple(_strings(data, "bullets", path)),
            probable=_words(_strings(hedge, "probable", path)),
            possible=_words(_strings(hedge, "possible", path)),
            anecdotal=_words(_strings(hedge, "anecdotal", path)),
            research=_words(_strings(data, "research", path)),
            attribution_verbs=tuple(_strings(data, "attribution_verbs", path)),
            attribution_phrases=tuple(_strings(data, "attribution_phrases", path)),
            speaker_lead=tuple(_strings(data, "speaker_lead", path)),
            not_names=frozenset(_strings(data, "not_names", path)),
            pronouns=frozenset(_strings(data, "pronouns", path)),
            story=_fields(data.get("story"), "story", path),
            quantity_kinds=_quantity_rules(data.get("quantity_kinds"), path),
            not_claimed_quantities=_not_claimed(data.get("not_claimed_quantities"), path),
            points_back=_opening(_strings(data, "points_back", path)),
            fragment_words=_count(data, "fragment_words", path),
            fragment_openers=_opening(_strings(data, "fragment_openers", path)),
            min_characters=minimum,
        )
    except re.error as error:
        raise IngestError(f"{path}: a cue is not a valid pattern ({error})") from None


def _fields(value: object, key: str, path: Path) -> dict[str, str]:
    if not isinstance(value, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in value.items()
    ):
        raise IngestError(f"{path}: {key}: must map field names to terms")
    return dict(value)


def _count(data: dict[str, object], key: str, path: Path) -> int:
    value = data.get(key)
    if not isinstance(value, int) or isinstance(value, bool) or value < 1:
        raise IngestError(f"{path}: {key}: must be a whole number of at least 1")
    return value


def _quantity_rules(value: object, path: Path) -> tuple[QuantityRule, ...]:
    if not isinstance(value, list):
        raise IngestError(f"{path}: quantity_kinds: must be a list of rules")
    rules = []
    for position, rule in enumerate(value):
        where = f"{path}: quantity_kinds[{position}]"
        if not isinstance(rule, dict) or not isinstance(rule.get("quantity"), str):
            raise IngestError(f"{where}: must be a mapping with a quantity")
        units = _strings(rule, "units", path)
        cues = _words(_strings(rule, "cues", path)) if "cues" in rule else None
        rules.append(QuantityRule(rule["quantity"], frozenset(units), cues))
    return tuple(rules)


def _not_claimed(value: object, path: Path) -> tuple[re.Pattern[str], ...]:
    """Each rule as one pattern: its words before, the phrase (group `phrase`), its words after."""
    if not isinstance(value, list):
        raise IngestError(f"{path}: not_claimed_quantities: must be a list of rules")
    rules = []
    for position, rule in enumerate(value):
        parts = rule if isinstance(rule, dict) else {}
        if not all(isinstance(parts.get(k), str) for k in ("before", "phrase", "after")):
            where = f"{path}: not_claimed_quantities[{position}]"
            raise IngestError(f"{where}: must give the patterns before, phrase and after")
        pattern = f"(?:{parts['before']})(?P<phrase>{parts['phrase']})(?=(?:{parts['after']}))"
        rules.append(re.compile(pattern, re.IGNORECASE))
    return tuple(rules)
