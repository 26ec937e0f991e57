"""The claim audit: what the popular articles assert, set beside what the primary research found.

`results` gives the reported results of `evidence/studies.yaml` as one tidy table; `audit` gives
one row per audited assertion (`evidence/audit.yaml`): the articles' quotes, the research
results the verdict rests on, and the verdict with its reason.
"""

from __future__ import annotations

import pandas as pd

from .evidence import Evidence

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


def results(
    ev: Evidence, comparison: str | None = None, outcome: str | None = None
) -> pd.DataFrame:
    """Every reported result, one row each, in the order of `studies.yaml`.

    Columns are RESULT_COLUMNS: the study (`study` is its label) and the arms compared (label and
    n) beside the result's own fields; coded columns are categoricals over the vocabulary.
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
    keep = pd.Series(True, index=table.index)
    if comparison is not None:
        keep &= table["comparison"] == comparison
    if outcome is not None:
        keep &= table["outcome"] == outcome
    return table.loc[keep, list(RESULT_COLUMNS)].reset_index(drop=True)


def _numbers(*values: float) -> list[str]:
    """Figures printed alike, to the most decimals any of them has (-4.0 beside -2.9, not -4)."""
    decimals = max(len(f"{v:g}".partition(".")[2]) for v in values)
    return [f"{v:.{decimals}f}".replace("-", "−") for v in values]


def _p(value: float) -> str:
    """A P value as journals print it: .01, not 0.01."""
    return f"{value:g}".removeprefix("0")


def _figures(row: pd.Series, ev: Evidence) -> str:
    """The figures of one result in a short line; empty for a statement without figures."""
    parts = []
    if pd.notna(row["value"]):
        estimate = ev.vocabulary.label("estimate_type", row["estimate_type"])
        if pd.notna(row["ci_low"]):
            value, low, high = _numbers(row["value"], row["ci_low"], row["ci_high"])
            parts.append(f"{estimate} {value}; 95% CI {low} to {high}")
        else:
            parts.append(f"{estimate} {_numbers(row['value'])[0]}")
    if pd.notna(row["arm_mean"]):
        arm, comparator = _numbers(row["arm_mean"], row["comparator_mean"])
        parts.append(f"means {arm} vs {comparator}")
    if pd.notna(row["p_value"]):
        relation = ev.vocabulary.label("p_relation", row["p_relation"])
        parts.append(f"P {relation} {_p(row['p_value'])}")
    if pd.notna(row["range_low"]):
        low, high = (f"{v:g}" for v in (row["range_low"], row["range_high"]))
        parts.append(f"{low}% to {high}% of participants")
    if pd.notna(row["participants"]):
        parts.append(f"{row['participants']} participants")
    if pd.notna(row["studies"]):
        parts.append(f"{row['studies']} {'study' if row['studies'] == 1 else 'studies'}")
    if pd.notna(row["certainty"]):
        certainty = ev.vocabulary.label("grade_certainty", row["certainty"]).lower()
        parts.append(f"{certainty} certainty")
    if row["provenance"] == "secondary":
        parts.append("as reported by a secondary source")
    return "; ".join(parts)


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
