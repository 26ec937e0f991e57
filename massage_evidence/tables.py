"""The tables the reports show, as a person reads them: labels, not codes, and links.

Each function takes the evidence and a frame of `synthesis` (or of the evidence) and returns a
`display.Table`: headers in words, vocabulary terms as their labels, quantities as they read
("2–3 sessions", "up to 4 weeks", "$50–$100 an hour"), who says a claim with role and publisher
("Davis Reyes, physical therapist — Lifescript", or "the article (Harvard Health Publishing)"),
sources by their one short name and in their one order (`sources_order`). Claim ids link to
their marked span on the source's reader page, assertions to the assertions page, and beside an
audited assertion its verdict links to its claim-audit report (addresses from `links`).

Quantities, people and verdicts are worded by `wording`, the one module that words a result.
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from . import links, wording
from .display import Cell, Link, Table
from .evidence import Evidence
from .sources_order import short_names, source_dtype, source_order
from .vocabulary import Vocabulary

ARTICLE = "article"  # `attributed_to` of a claim the article makes in its own voice


# --- cells -----------------------------------------------------------------------------------


def _label(vocabulary: Vocabulary, field: str, term: object) -> str:
    return "" if wording.missing(term) else vocabulary.label(field, str(term))


def _claim_sources(ev: Evidence) -> dict[str, str]:
    return dict(zip(ev.claims["claim_id"], ev.claims["source_id"].astype(str), strict=True))


def _claim_links(claim_ids: Iterable[str], sources: dict[str, str]) -> Cell:
    """Claim ids, comma-separated, each a link to its span on its source's reader page."""
    parts: list[Link] = []
    for claim_id in claim_ids:
        if parts:
            parts.append(Link(", "))
        parts.append(Link(claim_id, links.claim_href(sources[claim_id], claim_id)))
    return Cell(tuple(parts))


def _assertion_link(assertion_id: str, text: str | None = None) -> Cell:
    return Cell((Link(text or assertion_id, links.assertion_href(assertion_id)),))


def _verdict_link(ev: Evidence, assertion_id: str) -> Cell | str:
    """The verdict's label linking to the assertion's claim-audit report; "not audited" else."""
    verdict = _verdicts(ev).get(assertion_id)
    if verdict is None:
        return wording.NOT_AUDITED
    label = wording.verdict(verdict, ev.vocabulary)
    return Cell((Link(label, links.audit_href(assertion_id)),))


def _verdicts(ev: Evidence) -> dict[str, str]:
    return dict(zip(ev.audit["assertion_id"], ev.audit["verdict"].astype(str), strict=True))


def _who(ev: Evidence, claims: pd.DataFrame) -> list[str]:
    """`wording.who` for each row of `claims` (source_id and attributed_to)."""
    names = short_names(ev.sources)
    people = {
        (source, person): (name, role)
        for source, person, name, role in zip(
            ev.people["source_id"],
            ev.people["person_id"],
            ev.people["name"],
            ev.people["role"],
            strict=True,
        )
    }
    rows = []
    for source, person in zip(claims["source_id"], claims["attributed_to"], strict=True):
        name, role = people.get((source, person), (None, None))
        rows.append(wording.who(name, role, names[str(source)]))
    return rows


def _with_claim_fields(ev: Evidence, frame: pd.DataFrame, fields: list[str]) -> pd.DataFrame:
    """`frame` with the claim's `fields` it lacks, looked up by claim_id."""
    missing = [f for f in fields if f not in frame.columns]
    if not missing:
        return frame
    looked_up = ev.claims.set_index("claim_id")[missing]
    return frame.join(looked_up, on="claim_id")


# --- tables ----------------------------------------------------------------------------------


def per_source(ev: Evidence, counts: pd.DataFrame) -> Table:
    """The sources (`summary.per_source`), one row each in the one order: short name, title,
    date and counts."""
    table = counts.merge(ev.sources[["source_id", "published"]], on="source_id", how="left")
    table = _in_source_order(ev, table)
    names = short_names(ev.sources)
    frame = pd.DataFrame(
        {
            "Source": [names[s] for s in table["source_id"].astype(str)],
            "Title": table["title"].tolist(),
            "Published": [_text_or(value, "not given") for value in table["published"]],
            "Claims": table["claims"].tolist(),
            "Assertions": table["assertions"].tolist(),
            "Quantities": table["quantities"].tolist(),
        }
    )
    return Table(frame, "sources")


def _text_or(value: object, otherwise: str) -> str:
    return otherwise if wording.missing(value) else str(value)


def _in_source_order(
    ev: Evidence,
    frame: pd.DataFrame,
    before: list[str] | None = None,
    after: list[str] | None = None,
) -> pd.DataFrame:
    """`frame` sorted by the columns `before`, then its source in the one order, then `after`."""
    key = frame["source_id"].astype(str).astype(source_dtype(ev.sources))
    columns = [*(before or []), "_source", *(after or [])]
    ordered = frame.assign(_source=key).sort_values(columns, kind="stable")
    return ordered.drop(columns="_source")


def assertions(ev: Evidence, consensus: pd.DataFrame, name: str = "assertions") -> Table:
    """Assertions of `synthesis.consensus`, in its order: the statement linking to the claims
    that make it, its category (when the rows have more than one), how often it is repeated,
    its best basis, the claim audit's verdict (linking to the audit) and its claims' ids."""
    vocabulary, sources = ev.vocabulary, _claim_sources(ev)
    order = {source_id: i for i, source_id in enumerate(source_order(ev.sources))}
    columns = {
        "Assertion": [
            _assertion_link(a, s)
            for a, s in zip(consensus["assertion_id"], consensus["statement"], strict=True)
        ]
    }
    if consensus["category"].nunique() > 1:
        columns["Category"] = [_label(vocabulary, "category", c) for c in consensus["category"]]
    columns["Repetition"] = consensus["support_label"].astype(object).tolist()
    columns["Best basis"] = [_label(vocabulary, "basis", b) for b in consensus["best_basis"]]
    columns["Verdict"] = [_verdict_link(ev, a) for a in consensus["assertion_id"]]
    columns["Claims"] = [
        _claim_links(sorted(ids.split(", "), key=lambda c: (order[sources[c]], c)), sources)
        for ids in consensus["claim_ids"].astype(str)
    ]
    return Table(pd.DataFrame(columns), name)


def _cited_columns(ev: Evidence, frame: pd.DataFrame) -> dict[str, list]:
    """The columns every claim table ends with: who, basis, hedge, the quote, the assertion and
    its verdict."""
    vocabulary = ev.vocabulary
    return {
        "Who says it": _who(ev, frame),
        "Basis": [_label(vocabulary, "basis", b) for b in frame["basis"]],
        "Hedge": [_label(vocabulary, "hedge", h) for h in frame["hedge"]],
        "Quote": frame["quote"].astype(object).tolist(),
        "Assertion": [_assertion_link(a) for a in frame["assertion_id"]],
        "Verdict": [_verdict_link(ev, a) for a in frame["assertion_id"]],
    }


def _claim_column(ev: Evidence, frame: pd.DataFrame) -> list[Cell]:
    sources = _claim_sources(ev)
    return [_claim_links([c], sources) for c in frame["claim_id"]]


def time_figures(ev: Evidence, figures: pd.DataFrame) -> Table:
    """The time figures of `synthesis.time_to_relief` by condition and what they measure, then
    source in the one order: the claim, what the figure
    measures, the figure as it reads and in the text's own words, then who, basis, hedge, the
    quote and the claim's assertion with its verdict."""
    vocabulary = ev.vocabulary
    frame = _with_claim_fields(ev, figures, ["attributed_to"])
    frame = _in_source_order(ev, frame, ["condition", "quantity"], ["claim_id"])
    columns = {
        "Claim": _claim_column(ev, frame),
        "What": [_label(vocabulary, "quantity", q) for q in frame["quantity"]],
        "Figure": [
            wording.quantity(low, high, str(unit), vocabulary)
            for low, high, unit in zip(frame["min"], frame["max"], frame["unit"], strict=True)
        ],
        "In the text": frame["text"].astype(object).tolist(),
        **_cited_columns(ev, frame),
    }
    return Table(pd.DataFrame(columns), "time-figures")


def comparisons(ev: Evidence, compared: pd.DataFrame) -> Table:
    """The claims of `synthesis.comparisons` by comparator, then source in the one order: the
    claim, which way it points, on
    what outcome, its statement, then who, basis, hedge, the quote and its assertion's verdict."""
    vocabulary = ev.vocabulary
    frame = _with_claim_fields(ev, compared, ["attributed_to"])
    frame = _in_source_order(ev, frame, ["comparator"], ["claim_id"])
    columns = {
        "Claim": _claim_column(ev, frame),
        "Compared with": [
            _text_or(_label(vocabulary, "comparator", c) or None, "not named")
            for c in frame["comparator"]
        ],
        "Direction": [
            _text_or(_label(vocabulary, "direction", d) or None, "not stated")
            for d in frame["direction"]
        ],
        "Outcome": [_label(vocabulary, "outcome", o) for o in frame["outcome"]],
        "Statement": frame["statement"].astype(object).tolist(),
        **_cited_columns(ev, frame),
    }
    return Table(pd.DataFrame(columns), "comparisons")


def claims(ev: Evidence, chosen: pd.DataFrame, name: str = "claims") -> Table:
    """Claims (rows of `ev.claims`) in the order given: the claim, its category and statement,
    then who, basis, hedge, the quote and its assertion with its verdict."""
    vocabulary = ev.vocabulary
    columns = {
        "Claim": _claim_column(ev, chosen),
        "Category": [_label(vocabulary, "category", c) for c in chosen["category"]],
        "Statement": chosen["statement"].astype(object).tolist(),
        **_cited_columns(ev, chosen),
    }
    return Table(pd.DataFrame(columns), name)


def source(ev: Evidence, source_id: str) -> Table:
    """One source: its short name, its citation, what kind of document it is, its text file."""
    from .export.citations import formatted

    row = ev.sources[ev.sources["source_id"] == source_id]
    frame = pd.DataFrame(
        {
            "Source": [short_names(ev.sources)[source_id]],
            "Citation": [formatted(ev)[source_id]],
            "Kind": [_label(ev.vocabulary, "source_kind", k) for k in row["kind"]],
            "Text file": row["file"].astype(object).tolist(),
        }
    )
    return Table(frame, "source")


def people(ev: Evidence, source_id: str) -> Table:
    """The people one source names, with role and affiliation as the text states them."""
    named = ev.people[ev.people["source_id"] == source_id]
    frame = pd.DataFrame(
        {
            "Name": named["name"].astype(object).tolist(),
            "Role": [_text_or(r, "not stated") for r in named["role"]],
            "Affiliation": [_text_or(a, "not stated") for a in named["affiliation"]],
        }
    )
    return Table(frame, "people")


def _side(ev: Evidence, rows: pd.DataFrame) -> Cell:
    """One side of a tension: the assertion (linked) and its verdict, then each claim's quote
    with who says it and the claim id (linked), one per line."""
    first = rows.iloc[0]
    assertion_id = str(first["assertion_id"])
    parts = [Link(str(first["statement"]), links.assertion_href(assertion_id))]
    verdict = _verdicts(ev).get(assertion_id)
    if verdict is not None:
        label = wording.verdict(verdict, ev.vocabulary)
        parts += [Link(" (verdict: "), Link(label, links.audit_href(assertion_id)), Link(")")]
    said = _in_source_order(ev, rows[rows["claim_id"].notna()], after=["claim_id"])
    sources = _claim_sources(ev)
    for (_, row), who in zip(said.iterrows(), _who(ev, said), strict=True):
        claim_id = str(row["claim_id"])
        parts += [
            Link(f"\n“{row['quote']}” — {who} ("),
            Link(claim_id, links.claim_href(sources[claim_id], claim_id)),
            Link(")"),
        ]
    if said.empty:
        parts.append(Link("\nNo claim makes this assertion."))
    return Cell(tuple(parts))


def tensions(ev: Evidence, table: pd.DataFrame) -> Table:
    """The tensions of `synthesis.tensions`, one row each in its order: the kind and the reason
    once, then each side in its own column: the assertion with its verdict and every claim that
    makes it (quote, who, claim id)."""
    frame = table.merge(ev.claims[["claim_id", "attributed_to"]], on="claim_id", how="left")
    rows: dict[str, list] = {"Tension": [], "One side": [], "The other side": []}
    for _, group in frame.groupby("tension_id", sort=False):
        first = group.iloc[0]
        kind = _label(ev.vocabulary, "tension_kind", first["kind"])
        rows["Tension"].append(f"{kind}: {first['reason']}")
        rows["One side"].append(_side(ev, group[group["side"] == "first"]))
        rows["The other side"].append(_side(ev, group[group["side"] == "second"]))
    return Table(pd.DataFrame(rows), "tensions")


def studies(ev: Evidence) -> Table:
    """The primary research we hold, in the order of `studies.yaml`: the study, its design, its
    citation and where its figures were checked."""
    from .export.citations import formatted

    citations = formatted(ev)
    frame = pd.DataFrame(
        {
            "Study": ev.studies["study_id"].astype(object).tolist(),
            "Design": [_label(ev.vocabulary, "study_design", d) for d in ev.studies["design"]],
            "Citation": [citations[s] for s in ev.studies["study_id"]],
            "Checked in": ev.studies["verified_in"].astype(object).tolist(),
        }
    )
    return Table(frame, "studies")


def audited(ev: Evidence, audit: pd.DataFrame) -> Table:
    """The audited assertions (rows of `audit.audit`) in its order: the statement linking to its
    claims, how many claims make it and in which sources (short names, in the one order), the
    verdict linking to the assertion's own audit report, and how many results it rests on."""
    names = short_names(ev.sources)
    frame = pd.DataFrame(
        {
            "Assertion": [
                _assertion_link(a, s)
                for a, s in zip(audit["assertion_id"], audit["statement"], strict=True)
            ],
            "Claims": audit["claims"].tolist(),
            "Sources": [
                ", ".join(names[s] for s in names if s in ids.split(", "))
                for ids in audit["sources"].astype(str)
            ],
            "Verdict": [_verdict_link(ev, a) for a in audit["assertion_id"]],
            "Results": audit["results"].tolist(),
        }
    )
    return Table(frame, "audited assertions")
