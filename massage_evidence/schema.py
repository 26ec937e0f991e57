"""The shape of every evidence record, declared once.

Each table lists its fields: the Python type a value must have, whether it may be null, whether it
must be unique, which vocabulary field its terms come from, and which table its ids point into.
A list field may declare the fields of its items, which then form a table of their own (a claim's
quantities, a source's people). The validator turns these declarations into pandera schemas and
reference checks; `evidence.tables` turns them into typed DataFrame columns.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class Field:
    """One field of an evidence record."""

    kind: type | tuple[type, ...] = str
    nullable: bool = False
    unique: bool = False
    vocabulary: str | None = None
    pattern: str | None = None
    form: str | None = None
    references: str | None = None
    items: Mapping[str, Field] | None = None
    item: str | None = None


@dataclass(frozen=True)
class Table:
    """A kind of record, the file that holds its list (None: one claims file per source)."""

    record: str
    file: str | None
    fields: Mapping[str, Field]


NUMBER = (int, float)
DATE = (str, datetime.date)

PERSON = {
    "id": Field(),
    "name": Field(),
    "role": Field(nullable=True),
    "affiliation": Field(nullable=True),
}

SOURCE = {
    "id": Field(unique=True),
    "file": Field(unique=True),
    "sha256": Field(pattern=r"[0-9a-f]{64}", form="64 lowercase hexadecimal digits"),
    "title": Field(),
    "publisher": Field(nullable=True),
    "published": Field(
        DATE,
        nullable=True,
        pattern=r"\d{4}(-\d{2}(-\d{2})?)?",
        form="an ISO date (YYYY, YYYY-MM or YYYY-MM-DD)",
    ),
    "kind": Field(vocabulary="source_kind"),
    "people": Field(list, items=PERSON, item="person"),
}

QUANTITY = {
    "quantity": Field(vocabulary="quantity"),
    "min": Field(NUMBER, nullable=True),
    "max": Field(NUMBER, nullable=True),
    "unit": Field(vocabulary="unit"),
    "text": Field(),
}

CLAIM = {
    "id": Field(unique=True),
    "source": Field(),
    "quote": Field(),
    "start": Field(int),
    "end": Field(int),
    "statement": Field(),
    "category": Field(vocabulary="category"),
    "intervention": Field(vocabulary="intervention"),
    "condition": Field(vocabulary="condition"),
    "comparator": Field(nullable=True, vocabulary="comparator"),
    "outcome": Field(nullable=True, vocabulary="outcome"),
    "direction": Field(nullable=True, vocabulary="direction"),
    "quantities": Field(list, items=QUANTITY, item="quantity"),
    "hedge": Field(vocabulary="hedge"),
    "attributed_to": Field(),
    "basis": Field(vocabulary="basis"),
    "assertion": Field(references="assertion"),
}

ASSERTION = {
    "id": Field(unique=True),
    "statement": Field(),
    "category": Field(vocabulary="category"),
}

TENSION = {
    "id": Field(unique=True),
    "first": Field(references="assertion"),
    "second": Field(references="assertion"),
    "kind": Field(vocabulary="tension_kind"),
    "reason": Field(),
}

TERM = {"label": Field(), "definition": Field()}

# Vocabulary fields that no record stores but the code computes (synthesis's support label).
COMPUTED_VOCABULARIES = ("support",)

TABLES: dict[str, Table] = {
    "sources": Table("source", "sources.yaml", SOURCE),
    "assertions": Table("assertion", "assertions.yaml", ASSERTION),
    "claims": Table("claim", None, CLAIM),
    "tensions": Table("tension", "tensions.yaml", TENSION),
}


def vocabulary_fields() -> list[str]:
    """Every vocabulary field that a declared field draws its terms from, or the code computes."""

    def walk(fields: Mapping[str, Field]):
        for spec in fields.values():
            if spec.vocabulary:
                yield spec.vocabulary
            if spec.items:
                yield from walk(spec.items)

    declared = {name for table in TABLES.values() for name in walk(table.fields)}
    return sorted(declared | set(COMPUTED_VOCABULARIES))
