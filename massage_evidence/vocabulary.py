"""The controlled vocabulary, read from `evidence/vocabulary.yaml`: terms, labels and lookups."""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import pandas as pd

from .errors import UNKNOWN_VALUE, ParameterError


@dataclass(frozen=True)
class Term:
    """One controlled term with its human label and one-line definition."""

    name: str
    label: str
    definition: str


class Vocabulary:
    """Every controlled field and its terms, in the order the vocabulary file gives them."""

    def __init__(self, fields: Mapping[str, Mapping[str, Term]]) -> None:
        self._fields = {field: dict(terms) for field, terms in fields.items()}

    @classmethod
    def from_mapping(cls, data: Mapping[str, Mapping[str, Mapping[str, str]]]) -> Vocabulary:
        """Build from the parsed vocabulary file: field -> term -> {label, definition}."""
        fields = {
            field: {
                name: Term(name, str(entry["label"]), str(entry["definition"]))
                for name, entry in terms.items()
            }
            for field, terms in data.items()
        }
        return cls(fields)

    @property
    def fields(self) -> list[str]:
        return list(self._fields)

    def terms(self, field: str) -> list[str]:
        """The allowed terms of `field`, in vocabulary order."""
        return list(self._fields[field])

    def __contains__(self, field: object) -> bool:
        return field in self._fields

    def label(self, field: str, term: str) -> str:
        return self._fields[field][term].label

    def labels(self, field: str) -> dict[str, str]:
        return {name: term.label for name, term in self._fields[field].items()}

    def definition(self, field: str, term: str) -> str:
        return self._fields[field][term].definition

    def dtype(self, field: str) -> pd.CategoricalDtype:
        """A categorical dtype whose categories are the field's terms, in vocabulary order."""
        return pd.CategoricalDtype(self.terms(field), ordered=False)

    def suggest(self, field: str, value: object) -> str | None:
        """The closest allowed term to a misspelt `value`, or None when nothing is close."""
        matches = difflib.get_close_matches(str(value), self.terms(field), n=1, cutoff=0.75)
        return matches[0] if matches else None

    def check(self, field: str, value: object, *, parameter: str | None = None) -> str:
        """Return `value` when it is a term of `field`; else raise a one-line ParameterError."""
        if value in self._fields[field]:
            return str(value)
        raise ParameterError(
            self.unknown_message(field, value, parameter=parameter), code=UNKNOWN_VALUE
        )

    def check_all(self, field: str, values: Iterable[object]) -> list[str]:
        return [self.check(field, value) for value in values]

    def unknown_message(self, field: str, value: object, *, parameter: str | None = None) -> str:
        """One line: the unknown value, a close suggestion if any, and the allowed terms."""
        name = parameter or field
        hint = self.suggest(field, value)
        did_you_mean = f" (did you mean {hint!r}?)" if hint else ""
        allowed = ", ".join(self.terms(field))
        return f"unknown {name} {value!r}{did_you_mean}; allowed: {allowed}"

    def table(self) -> pd.DataFrame:
        """Every term as one row: field, term, label, definition."""
        rows = [
            (field, term.name, term.label, term.definition)
            for field, terms in self._fields.items()
            for term in terms.values()
        ]
        return pd.DataFrame(rows, columns=["field", "term", "label", "definition"]).astype(
            {"field": "category", "term": "string", "label": "string", "definition": "string"}
        )
