"""How a result is written in words, once: every table, card and figure words a figure alike.

A reported result (a row of `audit.results`) reads as its source gives it: the estimate with its
95% CI in brackets, "Mean difference −2.9 (95% CI −4.0 to −1.8)"; group means beside their P,
"Group means with P: 5.88 vs 8.92; P < .001"; who it counts, "761 participants in 7 studies";
its GRADE certainty, "GRADE certainty: Very low". A figure the sources we hold do not give reads
NOT_REPORTED, never a guess. The numbers of one result print to the same decimals (−4.0 beside
−2.9) with a true minus sign, and P values as journals print them (.01, not 0.01).

Labels come from the vocabulary; this module only decides how they are put together.
"""

from __future__ import annotations

import pandas as pd

from .vocabulary import Vocabulary

NOT_REPORTED = "not reported in the sources we hold"
NOT_STATED = "not stated"
# The estimate types (vocabulary: estimate_type) that the rules below test: an effect comes with
# a 95% CI (said to be not reported when the sources give none); group means with a P value.
EFFECT_TYPES = ("mean_difference", "standardised_mean_difference")
MEANS = "group_means"
NOT_AUDITED = "not audited"
PRICE_UNIT_PREFIX = "US dollars"  # the unit labels of prices start so: "$50 an hour"
COUNTED_UNITS = ("sessions", "seconds", "minutes", "hours", "days", "weeks", "months", "years")


def format_numbers(*values: float) -> list[str]:
    """Figures printed alike, to the most decimals any of them has (−4.0 beside −2.9, not −4)."""
    decimals = max(len(f"{v:g}".partition(".")[2]) for v in values)
    return [f"{v:.{decimals}f}".replace("-", "−") for v in values]


def format_p(value: float) -> str:
    """A P value as journals print it: .01, not 0.01."""
    return f"{value:g}".removeprefix("0")


def none_given(what: str) -> str:
    """The one sentence a report shows instead of an empty table or figure: "The evidence holds
    no claim comparing massage with surgery." (`what` is "claim comparing massage with surgery")."""
    return f"The evidence holds no {what}."


def term(vocabulary: Vocabulary, field: str, value: object) -> str:
    """The vocabulary's label of a coded value, or NOT_STATED when it is missing."""
    return vocabulary.label(field, str(value)) if pd.notna(value) else NOT_STATED


def estimate(row: pd.Series, vocabulary: Vocabulary) -> str:
    """The estimate of a result with its 95% CI, or the two arms' means; empty when it has none.

    An effect whose interval the sources do not give reads "(95% CI not reported …)".
    """
    label = vocabulary.label("estimate_type", str(row["estimate_type"]))
    if pd.notna(row["value"]):
        if pd.notna(row["ci_low"]):
            value, low, high = format_numbers(row["value"], row["ci_low"], row["ci_high"])
            return f"{label} {value} (95% CI {low} to {high})"
        value = format_numbers(row["value"])[0]
        if row["estimate_type"] in EFFECT_TYPES:
            return f"{label} {value} (95% CI {NOT_REPORTED})"
        return f"{label} {value}"
    if pd.notna(row["arm_mean"]):
        arm, comparator = format_numbers(row["arm_mean"], row["comparator_mean"])
        return f"{label}: {arm} vs {comparator}"
    return ""


def p_value(row: pd.Series, vocabulary: Vocabulary) -> str:
    """ "P < .001"; for group means without one, that it is not reported; else empty."""
    if pd.notna(row["p_value"]):
        relation = vocabulary.label("p_relation", str(row["p_relation"]))
        return f"P {relation} {format_p(row['p_value'])}"
    return f"P {NOT_REPORTED}" if row["estimate_type"] == MEANS else ""


def share_range(row: pd.Series) -> str:
    """ "1.5% to 25% of participants" for a range of shares; else empty."""
    if pd.isna(row["range_low"]):
        return ""
    low, high = (f"{v:g}" for v in (row["range_low"], row["range_high"]))
    return f"{low}% to {high}% of participants"


def participants(row: pd.Series) -> str:
    """Whom a pooled result counts, "761 participants in 7 studies"; empty when not given."""
    studies = row["studies"]
    counted = "" if pd.isna(studies) else f"{studies} stud{'y' if studies == 1 else 'ies'}"
    if pd.notna(row["participants"]):
        return f"{row['participants']} participants" + (f" in {counted}" if counted else "")
    return counted


def result(row: pd.Series, vocabulary: Vocabulary) -> str:
    """Every figure of a result in one line, "; " between them; empty for a statement."""
    parts = [
        estimate(row, vocabulary),
        p_value(row, vocabulary),
        share_range(row),
        participants(row),
    ]
    return "; ".join(part for part in parts if part)


def certainty(row: pd.Series, vocabulary: Vocabulary) -> str:
    """ "GRADE certainty: Very low", or that the sources we hold give none."""
    if pd.isna(row["certainty"]):
        return f"GRADE certainty: {NOT_REPORTED}"
    return f"GRADE certainty: {vocabulary.label('grade_certainty', str(row['certainty']))}"


def provenance(row: pd.Series, vocabulary: Vocabulary) -> str:
    """Where a figure was seen, as the vocabulary labels it: "As reported by a secondary source"."""
    return vocabulary.label("provenance", str(row["provenance"]))


def compared(row: pd.Series, vocabulary: Vocabulary, counts: bool = False) -> str:
    """What a result compares: the trial's arms (with their n), else the comparison's label."""
    if pd.isna(row["arm"]) or pd.isna(row["comparator_arm"]):
        return term(vocabulary, "comparison", row["comparison"])
    if counts:
        arm = f"{row['arm']} (n = {row['arm_n']})"
        return f"{arm} vs {row['comparator_arm']} (n = {row['comparator_n']})"
    return f"{row['arm']} vs {row['comparator_arm']}"


def setting(row: pd.Series, vocabulary: Vocabulary) -> str:
    """Outcome, time point (with weeks where given) and condition of a result."""
    when = term(vocabulary, "time_point", row["time_point"])
    if pd.notna(row["weeks"]):
        when += f" ({row['weeks']} weeks)"
    outcome = term(vocabulary, "outcome", row["outcome"])
    return f"{outcome} · {when} · {term(vocabulary, 'condition', row['condition'])}"


def certainty_summary(found: pd.DataFrame, vocabulary: Vocabulary) -> str:
    """The GRADE certainty of the results `found` in words: how many results each level rates,
    with its definition, and how many have none in the sources we hold."""
    if found.empty:
        return "No result to rate: no research we hold measures this claim."
    total = len(found)
    sentences = []
    for level in vocabulary.terms("grade_certainty"):
        count = int((found["certainty"] == level).sum())
        if count:
            label = vocabulary.label("grade_certainty", level)
            meaning = vocabulary.definition("grade_certainty", level).rstrip(".")
            sentences.append(f"{label} for {count} of the {total} results ({meaning}).")
    missing = int(found["certainty"].isna().sum())
    if missing:
        sentences.append(f"{NOT_REPORTED.capitalize()} for {missing} of the {total} results.")
    return " ".join(sentences)


def scale(rows: pd.DataFrame) -> str:
    """The scale group means are on, and which way is better, from the results `rows`.

    The scale is the measure the studies name, with its range where they give it
    ("Dysfunction (Roland disability), 0 to 23"). Which way is better follows from the results
    themselves: where a result favours one arm, that arm's mean is the better end. When the
    results do not show it (or disagree), the line says the direction is not given.
    """
    measures = []
    for measure, low, high in rows[["measure", "scale_min", "scale_max"]].itertuples(index=False):
        if pd.isna(measure):
            continue
        span = f", {low:g} to {high:g}" if pd.notna(low) and pd.notna(high) else ""
        measures.append(f"{measure}{span}")
    named = "; ".join(dict.fromkeys(measures)) or f"scale {NOT_REPORTED}"
    lower = set()
    for arm, other, direction in rows[["arm_mean", "comparator_mean", "direction"]].itertuples(
        index=False
    ):
        if pd.isna(arm) or pd.isna(other) or pd.isna(direction) or arm == other:
            continue
        if direction == "favours_massage":
            lower.add(bool(arm < other))
        elif direction == "favours_comparator":
            lower.add(bool(arm > other))
    if lower == {True}:
        better = "lower is better"
    elif lower == {False}:
        better = "higher is better"
    else:
        better = "which way is better is not given"
    return f"{named}; {better}"


# --- quantities, people and verdicts as the tables word them


def number(value: float) -> str:
    """A figure as people write it: 2, not 2.0; 2.5; 1,000."""
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}".rstrip("0")


def missing(value: object) -> bool:
    """Whether a cell holds no value (None, pandas' NA or NaN)."""
    return value is None or value is pd.NA or pd.isna(value)


def quantity(low: object, high: object, unit: str, vocabulary: Vocabulary) -> str:
    """A quantity from its bounds and unit, as it reads: "2–3 sessions", "4 weeks", "up to 4
    weeks" (no lower bound), "at least 2 sessions" (no upper bound), "once a week", "33%",
    "$50–$100 an hour". The unit's words come from the vocabulary's label."""
    if missing(low) and missing(high):
        return ""
    label = vocabulary.label("unit", unit)
    single = missing(low) or missing(high) or low == high
    only = high if missing(low) else low
    if unit == "proportion":
        figures = [f"{number(100 * v)}%" for v in (low, high) if not missing(v)]
        suffix = ""
    elif label.startswith(PRICE_UNIT_PREFIX):
        figures = [f"${number(v)}" for v in (low, high) if not missing(v)]
        suffix = label.removeprefix(PRICE_UNIT_PREFIX)
    else:
        figures = [number(v) for v in (low, high) if not missing(v)]
        suffix = f" {label}"
        if single and only == 1 and label.startswith("times "):
            figures, suffix = ["once"], label.removeprefix("times")
        elif single and only == 1 and unit in COUNTED_UNITS:
            suffix = f" {label.removesuffix('s')}"
    if missing(low):
        return f"up to {figures[0]}{suffix}"
    if missing(high):
        return f"at least {figures[0]}{suffix}"
    return f"{figures[0]}{suffix}" if low == high else f"{figures[0]}–{figures[1]}{suffix}"


def who(name: object, role: object, source: str) -> str:
    """Who asserts a claim: "Davis Reyes, physical therapist — Lifescript", "Hirt — WebMD", or
    for the article's own voice (no name) "the article (Harvard Health Publishing)"."""
    if missing(name):
        return f"the article ({source})"
    person = str(name) if missing(role) else f"{name}, {role}"
    return f"{person} — {source}"


def verdict(verdict: object, vocabulary: Vocabulary) -> str:
    """The claim audit's verdict by its label, or "not audited"."""
    return NOT_AUDITED if missing(verdict) else vocabulary.label("verdict", str(verdict))
