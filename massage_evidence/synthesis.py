"""What the sources agree on, where they pull apart, and how much each statement rests on.

Pure functions from `Evidence` to tidy DataFrames; each docstring lists its columns. Coded columns
are categoricals over the vocabulary, parameters are checked against it, and rows come in a fixed
order, so the same evidence always gives the same tables.
"""

from __future__ import annotations

import difflib
from collections import defaultdict
from numbers import Integral

import numpy as np
import pandas as pd

from .errors import ParameterError
from .evidence import Evidence

# The support rule's terms (vocabulary: support) and the terms of other fields the rules test.
ANECDOTE_ONLY, REPEATED, ONE_SOURCE = "anecdote_only", "repeated", "one_source"
ANECDOTE = "anecdote"  # basis
TIME_COURSE, COMPARISON = "time_course", "comparison"  # category
PLATITUDE = "platitude"  # category: no testable content, never counted towards consensus

SUPPORT_RULE = (
    "An assertion's support says how often it is repeated, not whether it is true: the first of "
    "these that fits its claims: anecdote_only when every claim rests on one person's anecdote "
    "(basis anecdote); repeated when two or more distinct sources say it; one_source otherwise. "
    "Sources are counted as distinct, not as independent: the texts do not say whether one copied "
    "another. Claims of category platitude (no testable content) are not counted. Apart from "
    "support, best_basis is the strongest basis any of its claims gives, strongest being first in "
    "the basis vocabulary, and verdict is the claim audit's verdict where the assertion is audited."
)

SIDES = pd.CategoricalDtype(["first", "second"])


def _cited(ev: Evidence) -> pd.DataFrame:
    """The claims with what citing one needs: the source's title and who says it, with role.

    `who` is the named person, or the source's title when the article speaks in its own voice.
    """
    sources = ev.sources[["source_id", "title"]].rename(columns={"title": "source_title"})
    people = ev.people[["source_id", "person_id", "name", "role"]].rename(
        columns={"person_id": "attributed_to", "name": "who"}
    )
    view = ev.claims.merge(sources, on="source_id", how="left").merge(
        people, on=["source_id", "attributed_to"], how="left"
    )
    view["who"] = view["who"].fillna(view["source_title"])
    return view


def _tally(claims: pd.DataFrame, by: str, field: str, terms: list[str]) -> pd.DataFrame:
    """Claims counted per `by` and per term of `field`: one column `<field>_<term>` per term."""
    counts = claims.groupby([by, field], observed=True).size().unstack(fill_value=0)
    counts.columns = counts.columns.astype(str)
    counts = counts.reindex(columns=terms, fill_value=0).astype("int64")
    counts.columns = [f"{field}_{term}" for term in terms]
    return counts


def _joined(claims: pd.DataFrame, column: str) -> pd.Series:
    """Per assertion, the distinct values of `column`, sorted and joined by commas."""
    values: defaultdict[str, set[str]] = defaultdict(set)
    for assertion, value in zip(
        claims["assertion_id"].tolist(), claims[column].tolist(), strict=True
    ):
        values[assertion].add(value)
    joined = {assertion: ", ".join(sorted(group)) for assertion, group in values.items()}
    return pd.Series(joined, dtype="string")


def _counted(claims: pd.DataFrame) -> pd.DataFrame:
    """The claims that count towards consensus: all but platitudes (no testable content)."""
    return claims[claims["category"] != PLATITUDE]


def _repetition(support: str, sources: int) -> str:
    """The support label in words with its count: "repeated by 3 sources"."""
    if support == ANECDOTE_ONLY:
        return "only an anecdote"
    return f"repeated by {sources} sources" if support == REPEATED else "said by one source"


def _verdicts(ev: Evidence, assertion_ids: pd.Series) -> pd.Series:
    """The claim audit's verdict for each assertion id (vocabulary: verdict), <NA> if unaudited."""
    verdicts = ev.audit.set_index("assertion_id")["verdict"]
    return assertion_ids.map(verdicts).astype(ev.vocabulary.dtype("verdict"))


def _support(ev: Evidence, claims: pd.DataFrame) -> pd.DataFrame:
    """Per assertion of `claims`: support, sources, claims, their ids and hedge and basis counts."""
    groups = claims.groupby("assertion_id", sort=True)
    sources = groups["source_id"].nunique()
    anecdotal = (claims["basis"] == ANECDOTE).groupby(claims["assertion_id"], sort=True).all()
    label = np.where(anecdotal, ANECDOTE_ONLY, np.where(sources >= 2, REPEATED, ONE_SOURCE))
    best = claims["basis"].cat.codes.groupby(claims["assertion_id"], sort=True).min()
    table = pd.DataFrame(
        {
            "support": pd.Series(label, index=sources.index, dtype=ev.vocabulary.dtype("support")),
            "support_label": pd.Series(
                [_repetition(*pair) for pair in zip(label, sources.tolist(), strict=True)],
                index=sources.index,
                dtype="string",
            ),
            "sources": sources.astype("int64"),
            "claims": groups.size().astype("int64"),
            "source_ids": _joined(claims, "source_id"),
            "claim_ids": _joined(claims, "claim_id"),
        }
    )
    vocabulary = ev.vocabulary
    table = table.join(_tally(claims, "assertion_id", "hedge", vocabulary.terms("hedge")))
    table = table.join(_tally(claims, "assertion_id", "basis", vocabulary.terms("basis")))
    table["best_basis"] = pd.Categorical.from_codes(best.to_numpy(), dtype=claims["basis"].dtype)
    return table


def consensus(ev: Evidence, category: str | None = None, min_sources: int = 1) -> pd.DataFrame:
    """One row per assertion that at least `min_sources` distinct sources make.

    `category` keeps the assertions of that category (vocabulary: category). Claims of category
    platitude (no testable content) are not counted, so their assertions have no row. The support
    label follows `SUPPORT_RULE` and says how often an assertion is repeated, the first that fits:
    anecdote_only when every claim is an anecdote; repeated when two or more distinct sources make
    it; else one_source; support_label says it in words with the count ("repeated by 3 sources").
    best_basis is the strongest basis of its claims (the basis vocabulary lists them strongest
    first); verdict is the claim audit's verdict beside it, <NA> where it is not audited.
    Rows: most sources first, then category in vocabulary order, then assertion id.

    Columns: assertion_id, statement, category, support, support_label, sources (distinct
    sources), claims, source_ids and claim_ids (comma-separated, sorted), hedge_<term> for each
    hedge term and basis_<term> for each basis term (claim counts), best_basis, verdict.
    """
    if category is not None:
        ev.vocabulary.check("category", category, parameter="category")
    if isinstance(min_sources, bool) or not isinstance(min_sources, Integral) or min_sources < 1:
        raise ParameterError(
            f"min_sources must be a whole number of at least 1, not {min_sources!r}"
        )
    assertions = ev.assertions[ev.assertions["category"] != PLATITUDE]
    table = assertions.join(_support(ev, _counted(ev.claims)), on="assertion_id", how="inner")
    table["verdict"] = _verdicts(ev, table["assertion_id"])
    if category is not None:
        table = table[table["category"] == category]
    table = table[table["sources"] >= min_sources]
    table = table.sort_values(
        ["sources", "category", "assertion_id"], ascending=[False, True, True], kind="stable"
    )
    return table.reset_index(drop=True)


def tensions(ev: Evidence) -> pd.DataFrame:
    """Both sides of every curated tension, one row per claim on each side.

    Rows: tensions in the order of `tensions.yaml`, the first side before the second, then by
    source and claim id. A side whose assertion has no claim keeps one row with empty claim fields.

    Columns: tension_id, kind (vocabulary: tension_kind), reason, side (first | second),
    assertion_id, statement (the assertion's), claim_id, source_id, source_title, who, role,
    quote, hedge, basis.
    """
    order = pd.Series(range(len(ev.tensions)), index=ev.tensions.index, name="position")
    frames = [
        ev.tensions.assign(
            side=pd.Series(side, index=ev.tensions.index, dtype=SIDES),
            assertion_id=ev.tensions[f"{side}_assertion_id"],
            position=order,
        )
        for side in SIDES.categories
    ]
    sides = pd.concat(frames, ignore_index=True)
    cited = ["claim_id", "source_id", "source_title", "who", "role", "quote", "hedge", "basis"]
    claims = _cited(ev)[["assertion_id", *cited]]
    table = sides.merge(ev.assertions[["assertion_id", "statement"]], on="assertion_id", how="left")
    table = table.merge(claims, on="assertion_id", how="left")
    table = table.sort_values(["position", "side", "source_id", "claim_id"], kind="stable")
    columns = ["tension_id", "kind", "reason", "side", "assertion_id", "statement"]
    return table[columns + cited].reset_index(drop=True)


def time_to_relief(ev: Evidence, condition: str | None = None) -> pd.DataFrame:
    """Every time figure of the time-course claims: how soon relief comes, how long effects last,
    how often to go, per condition (only `condition` when given; vocabulary: condition).

    Rows: condition and quantity in vocabulary order, then source and claim id.

    Columns: condition, quantity, min, max, unit, text (verbatim), statement (the claim's), who
    (the person's name, or the source's title for the article's own voice), role, attributed_to,
    hedge, basis, quote, source_id, source_title, claim_id, assertion_id.
    """
    if condition is not None:
        ev.vocabulary.check("condition", condition, parameter="condition")
    claims = _cited(ev)
    claims = claims[claims["category"] == TIME_COURSE]
    if condition is not None:
        claims = claims[claims["condition"] == condition]
    table = ev.quantities.merge(claims, on=["claim_id", "source_id"], how="inner")
    table = table.sort_values(["condition", "quantity", "source_id", "claim_id"], kind="stable")
    columns = ["condition", "quantity", "min", "max", "unit", "text", "statement", "who", "role"]
    columns += ["attributed_to", "hedge", "basis", "quote", "source_id", "source_title"]
    return table[[*columns, "claim_id", "assertion_id"]].reset_index(drop=True)


def comparisons(ev: Evidence, comparator: str | None = None) -> pd.DataFrame:
    """Every claim that compares massage with something else: it names a comparator, or its
    category is comparison. With `comparator` (vocabulary: comparator), only claims naming it.

    Rows: comparator in vocabulary order (claims naming none last), then source and claim id.

    Columns: comparator, direction, outcome, intervention, condition, statement (the claim's),
    quote, hedge, basis, who, role, attributed_to, source_id, source_title, claim_id, assertion_id.
    """
    claims = _cited(ev)
    if comparator is None:
        claims = claims[claims["comparator"].notna() | (claims["category"] == COMPARISON)]
    else:
        ev.vocabulary.check("comparator", comparator, parameter="comparator")
        claims = claims[claims["comparator"] == comparator]
    claims = claims.sort_values(
        ["comparator", "source_id", "claim_id"], na_position="last", kind="stable"
    )
    columns = ["comparator", "direction", "outcome", "intervention", "condition", "statement"]
    columns += ["quote", "hedge", "basis", "who", "role", "attributed_to", "source_id"]
    return claims[[*columns, "source_title", "claim_id", "assertion_id"]].reset_index(drop=True)


def strength(ev: Evidence) -> pd.DataFrame:
    """How much each source's claims rest on research, opinion, anecdote or nothing stated, and
    how hedged they are: one row per source (in `sources.yaml` order), then one row for all
    sources together, whose source_id is <NA> and title "All sources". Platitudes (no testable
    content) are not counted.

    Columns: source_id, title, claims, basis_<term> for each basis term and hedge_<term> for each
    hedge term (claim counts).
    """
    vocabulary = ev.vocabulary
    claims = _counted(ev.claims)
    basis = _tally(claims, "source_id", "basis", vocabulary.terms("basis"))
    hedge = _tally(claims, "source_id", "hedge", vocabulary.terms("hedge"))
    counts = basis.join(hedge).reindex(ev.sources["source_id"], fill_value=0)
    counts.insert(0, "claims", counts[basis.columns].sum(axis=1))  # one basis per claim
    counts = pd.concat([counts, counts.sum().to_frame().T], ignore_index=True).astype("int64")
    overall = pd.DataFrame({"source_id": [pd.NA], "title": ["All sources"]})
    names = pd.concat([ev.sources[["source_id", "title"]], overall], ignore_index=True)
    return pd.concat([names.astype("string"), counts], axis=1)


def claim_card(ev: Evidence, assertion_id: str) -> pd.DataFrame:
    """Everything a report needs to cite one assertion: one row per claim that makes it.

    The assertion's fields repeat on every row. Rows: by source, then claim id. An unknown id
    raises ParameterError with the closest known id.

    Columns: assertion_id, statement (the assertion's), category, support, support_label,
    sources, best_basis, verdict (the claim audit's, <NA> if unaudited), claim_id, source_id,
    source_title, publisher, published, who, role, quote, hedge, basis. support, support_label,
    sources and best_basis count claims as consensus does: a platitude's card lists its claims
    with no support and 0 sources.
    """
    assertion = ev.assertions[ev.assertions["assertion_id"] == assertion_id]
    if assertion.empty:
        known = ev.assertions["assertion_id"].tolist()
        close = difflib.get_close_matches(str(assertion_id), known, n=1, cutoff=0.75)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        raise ParameterError(
            f"unknown assertion {assertion_id!r}{hint}; allowed: any of the {len(known)} ids "
            "in ev.assertions.assertion_id"
        )
    claims = _cited(ev)
    claims = claims[claims["assertion_id"] == assertion_id]
    summary = _support(ev, _counted(claims))[["support", "support_label", "sources", "best_basis"]]
    sources = ev.sources[["source_id", "publisher", "published"]]
    table = assertion.join(summary, on="assertion_id", how="left").merge(
        claims.merge(sources, on="source_id", how="left").drop(columns=["statement", "category"]),
        on="assertion_id",
        how="left",
    )
    table["sources"] = table["sources"].fillna(0).astype("int64")
    table["verdict"] = _verdicts(ev, table["assertion_id"])
    table = table.sort_values(["source_id", "claim_id"], kind="stable")
    columns = ["assertion_id", "statement", "category", "support", "support_label", "sources"]
    columns += ["best_basis", "verdict"]
    columns += ["claim_id", "source_id", "source_title", "publisher", "published", "who", "role"]
    return table[[*columns, "quote", "hedge", "basis"]].reset_index(drop=True)
