"""The claim audit: what the popular articles assert, set beside what the primary research found.

`results` gives the reported results of `evidence/studies.yaml` as one tidy table; `audit` gives
one row per audited assertion (`evidence/audit.yaml`): the articles' quotes, the research
results the verdict rests on, and the verdict with its reason. For one audited assertion, as a
report shows it: `basis` (the results, tidy), `quotes` and `research` (the two sides, in words)
and `verdict`. A figure the sources we hold do not give reads NOT_REPORTED, never a guess.
"""

from __future__ import annotations

import pandas as pd

from . import wording
from .errors import ParameterError
from .evidence import Evidence
from .synthesis import claim_card
from .wording import NOT_REPORTED

RESULT_COLUMNS = (
    "study_id",
    "study",
    "design",
    "result_id",
    "comparison",
    "condition",
    "outcome",
    "time_point",
    "weeks",
    "arm_id",
    "arm",
    "arm_n",
    "comparator_arm_id",
    "comparator_arm",
    "comparator_n",
    "estimate_type",
    "value",
    "ci_low",
    "ci_high",
    "arm_mean",
    "comparator_mean",
    "p_value",
    "p_relation",
    "range_low",
    "range_high",
    "participants",
    "studies",
    "certainty",
    "direction",
    "provenance",
    "finding",
    "measure",
    "scale_min",
    "scale_max",
)

AUDIT_COLUMNS = (
    "assertion_id",
    "statement",
    "category",
    "claims",
    "sources",
    "quotes",
    "verdict",
    "reason",
    "results",
    "result_ids",
    "research",
)
QUOTE_COLUMNS = ("claim_id", "quote", "said_by", "basis", "hedge", "source")
RESEARCH_COLUMNS = ("result_id", "finding", "study", "figures", "grade_certainty", "provenance")


def results(
    ev: Evidence, comparison: str | None = None, outcome: str | None = None
) -> pd.DataFrame:
    """Every reported result, one row each, in the order of `studies.yaml`.

    Columns are RESULT_COLUMNS: the study (`study` is its label) and the arms compared (label and
    n) beside the result's own fields, then the measure of its outcome in that study and the
    scale's range where the study gives them; coded columns are categoricals over the vocabulary.
    `value`, `ci_low` and `ci_high` (95%) are massage minus comparator: negative favours massage.
    `comparison` and `outcome` keep only the results with that term; an unknown term raises
    ParameterError naming the allowed ones.
    """
    if comparison is not None:
        ev.vocabulary.check("comparison", comparison, parameter="comparison")
    if outcome is not None:
        ev.vocabulary.check("outcome", outcome, parameter="outcome")
    studies = ev.studies[["study_id", "label", "design"]].rename(columns={"label": "study"})
    table = ev.results.merge(studies, on="study_id", how="left")
    arms = ev.arms.set_index("arm_id")
    for key, label, n in (
        ("arm_id", "arm", "arm_n"),
        ("comparator_arm_id", "comparator_arm", "comparator_n"),
    ):
        table[label] = table[key].map(arms["label"]).astype("string")
        table[n] = table[key].map(arms["n"]).astype("Int64")
    scales = ev.study_outcomes[["study_id", "outcome", "measure", "scale_min", "scale_max"]]
    scales = scales.drop_duplicates(["study_id", "outcome"])
    table = table.merge(scales, on=["study_id", "outcome"], how="left")
    keep = pd.Series(True, index=table.index)
    if comparison is not None:
        keep &= table["comparison"] == comparison
    if outcome is not None:
        keep &= table["outcome"] == outcome
    return table.loc[keep, list(RESULT_COLUMNS)].reset_index(drop=True)


def _figures(row: pd.Series, ev: Evidence) -> str:
    """The figures of one result in a short line, with its certainty and where it was seen;
    empty for a statement without figures."""
    parts = [wording.result(row, ev.vocabulary)]
    if pd.notna(row["certainty"]):
        parts.append(wording.certainty(row, ev.vocabulary))
    if row["provenance"] == "secondary":
        parts.append(wording.provenance(row, ev.vocabulary).lower())
    return "; ".join(part for part in parts if part)


def _research_line(row: pd.Series, ev: Evidence) -> str:
    figures = _figures(row, ev)
    return f"{row['study']}: {row['finding']}" + (f" [{figures}]" if figures else "")


def audit(ev: Evidence) -> pd.DataFrame:
    """One row per audited assertion, in the order of `audit.yaml`.

    Columns are AUDIT_COLUMNS: the assertion, how many claims assert it, their sources and quotes
    (one `“quote” (source)` per line), the verdict (categorical) and its reason, and the results it
    rests on: their ids and one line each naming the study, the finding and its figures.
    """
    found = results(ev).set_index("result_id", drop=False)
    assertions = ev.assertions.set_index("assertion_id")
    rows = []
    for entry in ev.audit.itertuples(index=False):
        claims = ev.claims[ev.claims["assertion_id"] == entry.assertion_id]
        links = ev.audit_results[ev.audit_results["assertion_id"] == entry.assertion_id]
        basis = found.loc[links["result_id"].tolist()]
        rows.append(
            {
                "assertion_id": entry.assertion_id,
                "statement": assertions.at[entry.assertion_id, "statement"],
                "category": assertions.at[entry.assertion_id, "category"],
                "claims": len(claims),
                "sources": ", ".join(dict.fromkeys(claims["source_id"])),
                "quotes": "\n".join(
                    f"“{quote}” ({source})"
                    for quote, source in zip(claims["quote"], claims["source_id"], strict=True)
                ),
                "verdict": entry.verdict,
                "reason": entry.reason,
                "results": len(basis),
                "result_ids": ", ".join(basis["result_id"]),
                "research": "\n".join(_research_line(row, ev) for _, row in basis.iterrows()),
            }
        )
    table = pd.DataFrame(rows, columns=list(AUDIT_COLUMNS))
    strings = ["assertion_id", "statement", "sources", "quotes", "reason", "result_ids", "research"]
    return table.astype(
        {
            **dict.fromkeys(strings, "string"),
            "category": ev.vocabulary.dtype("category"),
            "verdict": ev.vocabulary.dtype("verdict"),
            "claims": "int64",
            "results": "int64",
        }
    )


def _audited(ev: Evidence, assertion_id: str) -> None:
    """Raise a one-line ParameterError unless `assertion_id` is an audited assertion."""
    audited = ev.audit["assertion_id"].tolist()
    if assertion_id not in audited:
        raise ParameterError(
            f"unknown audited assertion {assertion_id!r}; allowed: {', '.join(audited)}"
        )


def basis(ev: Evidence, assertion_id: str) -> pd.DataFrame:
    """The results the verdict on `assertion_id` rests on: rows of `results(ev)`, in the order of
    `audit.yaml` (none for a claim no research measures)."""
    _audited(ev, assertion_id)
    links = ev.audit_results[ev.audit_results["assertion_id"] == assertion_id]
    found = results(ev).set_index("result_id", drop=False)
    return found.loc[links["result_id"].tolist()].reset_index(drop=True)


def quotes(ev: Evidence, assertion_id: str) -> pd.DataFrame:
    """The claims that make an audited assertion, as a report cites them: one row each, by source.

    Columns are QUOTE_COLUMNS: `said_by` is the person and their role as the source states them,
    or "the article"; `basis` and `hedge` are the vocabulary's labels, so that an expert's opinion
    reads as "Expert opinion".
    """
    _audited(ev, assertion_id)
    card = claim_card(ev, assertion_id)
    said_by = [
        "the article" if who == title else ", ".join(str(p) for p in (who, role) if pd.notna(p))
        for who, role, title in zip(card["who"], card["role"], card["source_title"], strict=True)
    ]
    vocabulary = ev.vocabulary
    table = pd.DataFrame(
        {
            "claim_id": card["claim_id"],
            "quote": card["quote"],
            "said_by": said_by,
            "basis": [vocabulary.label("basis", term) for term in card["basis"]],
            "hedge": [vocabulary.label("hedge", term) for term in card["hedge"]],
            "source": card["source_title"],
        }
    )
    return table.astype("string")


def research(ev: Evidence, assertion_id: str) -> pd.DataFrame:
    """The results an audited assertion's verdict rests on, as a report shows them: one row each.

    Columns are RESEARCH_COLUMNS, all words: `figures` (the estimate type's label for a result
    stated without figures), `grade_certainty` and `provenance` are the vocabulary's labels, a
    secondary figure reading "As reported by a secondary source"; a missing interval, P value or
    certainty reads NOT_REPORTED.
    """
    vocabulary = ev.vocabulary
    rows = [
        {
            "result_id": row["result_id"],
            "finding": row["finding"],
            "study": row["study"],
            "figures": wording.result(row, vocabulary)
            or vocabulary.label("estimate_type", row["estimate_type"]),
            "grade_certainty": vocabulary.label("grade_certainty", row["certainty"])
            if pd.notna(row["certainty"])
            else NOT_REPORTED,
            "provenance": vocabulary.label("provenance", row["provenance"]),
        }
        for _, row in basis(ev, assertion_id).iterrows()
    ]
    return pd.DataFrame(rows, columns=list(RESEARCH_COLUMNS)).astype("string")


def verdict(ev: Evidence, assertion_id: str) -> dict[str, str]:
    """What a report says of an audited assertion, field by field: the assertion id, the verdict
    (label: definition, from the vocabulary), the reason, and the GRADE certainty in words."""
    _audited(ev, assertion_id)
    entry = ev.audit.set_index("assertion_id").loc[assertion_id]
    term = str(entry["verdict"])
    label = ev.vocabulary.label("verdict", term)
    return {
        "Assertion": assertion_id,
        "Verdict": f"{label}: {ev.vocabulary.definition('verdict', term)}",
        "Why": str(entry["reason"]),
        "GRADE certainty": wording.certainty_summary(basis(ev, assertion_id), ev.vocabulary),
    }
