"""Notebook parameters: the values each one may take, checked the same way inside and outside
a notebook.

The parameter's name says what it takes. A parameter named after a vocabulary field
(`condition`, `comparator`, `category`, …) takes that field's terms; `source` and `claim` take the
ids of the evidence, and `assertion` the ids of the audited assertions (`evidence/audit.yaml`) or
`all` of them. A wrong value raises a one-line ParameterError naming the allowed values. `expand`
turns the wildcard `*` of a declared parameter set into every value the evidence uses: in its
claims, or, for a field of the research results only (`comparison`), in those.
"""

from __future__ import annotations

import difflib

from .errors import UNKNOWN_VALUE, ParameterError
from .evidence import Evidence

EVERY = "*"
ALL = "all"
ID_DOMAINS = {
    "source": ("sources", "source_id"),
    "assertion": ("audit", "assertion_id"),
    "claim": ("claims", "claim_id"),
}
WORDS = {"assertion": [ALL]}  # values an id parameter takes besides the ids


def is_checked(ev: Evidence, name: str) -> bool:
    """Whether parameter `name` takes the terms of a vocabulary field or the ids of a table."""
    return name in ID_DOMAINS or name in ev.vocabulary


def allowed(ev: Evidence, name: str) -> list[str]:
    """Every value parameter `name` may take, in vocabulary or evidence order."""
    if name in ID_DOMAINS:
        table, column = ID_DOMAINS[name]
        return [*WORDS.get(name, []), *(str(value) for value in getattr(ev, table)[column])]
    return ev.vocabulary.terms(name)


def check(ev: Evidence, name: str, value: object) -> str:
    """Return `value` when parameter `name` (see `is_checked`) may take it; else raise a one-line
    ParameterError naming the allowed values."""
    if name not in ID_DOMAINS:
        return ev.vocabulary.check(name, value, parameter=name)
    values = allowed(ev, name)
    if value in values:
        return str(value)
    close = difflib.get_close_matches(str(value), values, n=1, cutoff=0.75)
    hint = f" (did you mean {close[0]!r}?)" if close else ""
    message = f"unknown {name} {value!r}{hint}; allowed: {', '.join(values)}"
    raise ParameterError(message, code=UNKNOWN_VALUE)


def check_parameters(ev: Evidence, **values: object) -> None:
    """Check every checked parameter among `values` (see `is_checked`); others pass unchanged."""
    for name, value in values.items():
        if is_checked(ev, name):
            check(ev, name, value)


def expand(ev: Evidence, name: str, value: object) -> list[object]:
    """`[value]`, or for `*` every value of `name` the evidence uses, in vocabulary order."""
    if value != EVERY:
        return [value]
    if not is_checked(ev, name):
        raise ParameterError(
            f"{name} takes no {EVERY!r}: it is neither a vocabulary field nor an id"
        )
    if name in ID_DOMAINS:
        return list(allowed(ev, name))
    for table in (ev.claims, ev.results):  # the claims' terms, else the research results'
        if name in table.columns:
            used = set(table[name].dropna().astype(str))
            return [term for term in allowed(ev, name) if term in used]
    return list(allowed(ev, name))
