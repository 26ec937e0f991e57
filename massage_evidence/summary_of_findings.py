"""A GRADE summary of findings for one comparison: each result of `studies.yaml`, in words.

GRADEpro and Cochrane reviews set out a comparison as one row per outcome and time point: how
many participants (and studies) the result rests on, the effect with its 95% CI as the source
reports it, the certainty of the evidence, and a plain-language statement of what happens.
`findings` builds those rows from the results of `studies.yaml` (figures only from there, none
computed; where a result gives no participant count, its two arms' sizes at randomisation stand
beside each other; a figure missing there reads NOT_REPORTED), `table`
gives them as a report shows them, and `claims` lists the popular claims whose audit rests on a
result of the comparison, to be read beside it.

The plain-language rule (data: `evidence/summary_of_findings.yaml`, which cites its sources):

1. No statement where the sources we hold give no GRADE certainty for the result: GRADE words a
   finding only together with its certainty.
2. At very low certainty: "The evidence is very uncertain about the effect of … on …", whatever
   the size of the effect.
3. Otherwise the size of the effect picks the phrase (large, moderate, small, trivial: "results in
   a large reduction", "reduces", "reduces … slightly", "results in little to no difference")
   and the certainty how sure it sounds (high: as it is; moderate: "probably"; low: "may"). The
   size is judged from the point estimate: an SMD against Cohen's thresholds, a mean difference
   against the study's meaningful change of that outcome. Where neither applies (group means,
   P values, findings in words, no meaningful change) there is no statement either.
"""

from __future__ import annotations

import functools
import html
from pathlib import Path
from typing import Any

import pandas as pd

from . import links, paths, store, wording
from .audit import results
from .errors import ReportError
from .evidence import Evidence
from .wording import NOT_REPORTED

RULE_FILE = "summary_of_findings.yaml"
SIZES = ("large", "moderate", "small", "trivial")
VERY_LOW = "very_low"

FINDING_COLUMNS = (
    "result_id",
    "study",
    "comparison",
    "outcome",
    "time_point",
    "weeks",
    "arm",
    "arm_n",
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
    "participants",
    "studies",
    "certainty",
    "provenance",
    "finding",
    "effect_size",
    "outcome_text",
    "time_text",
    "compared_text",
    "participants_text",
    "effect_text",
    "certainty_text",
    "statement",
)
# The columns a report shows, with their headers.
TABLE_HEADERS = {
    "outcome_text": "Outcome",
    "time_text": "Time point",
    "compared_text": "Study: what is compared",
    "participants_text": "Participants (studies)",
    "effect_text": "Effect (95% CI), as reported",
    "certainty_text": "Certainty of the evidence (GRADE)",
    "statement": "What happens, in plain language",
    "finding": "What the source found",
}
CLAIM_COLUMNS = (
    "assertion_id",
    "assertion",
    "verdict",
    "claim_id",
    "source_id",
    "source",
    "quote",
)


@functools.lru_cache(maxsize=8)
def _read_rule(path: Path, stamp: tuple[int, int]) -> dict[str, Any]:
    try:
        document = store.parse_yaml(path.read_text(encoding="utf-8"))
    except Exception as error:  # unreadable or not plain YAML: one line, whatever its kind
        message = " ".join(str(error).split())[:200]
        raise ReportError(f"{path}: cannot read the plain-language rule ({message})") from None
    data = document.data if document is not None else None
    keys = ("source", "effect_size", "statements", "change", "outcome_words", "no_statement")
    if not isinstance(data, dict) or not all(key in data for key in keys):
        raise ReportError(f"{path}: the plain-language rule must give {', '.join(keys)}")
    return data


def rule(ev: Evidence) -> dict[str, Any]:
    """The plain-language rule: the evidence folder's own, else the bundled one."""
    path = ev.root / RULE_FILE
    if not path.is_file():
        path = paths.BUNDLED / "evidence" / RULE_FILE
    stat = path.stat()
    return _read_rule(path, (stat.st_mtime_ns, stat.st_size))


def effect_size(
    the_rule: dict[str, Any], estimate_type: str, value: float, meaningful_change: float | None
) -> str | None:
    """The size of an effect estimate (one of SIZES), or None when the rule cannot judge it."""
    thresholds = the_rule["effect_size"].get(estimate_type)
    if thresholds is None or pd.isna(value):
        return None
    scale = 1.0
    if estimate_type == "mean_difference":
        if meaningful_change is None or pd.isna(meaningful_change):
            return None
        scale = float(meaningful_change)
    size = abs(float(value)) / scale
    return next((name for name in SIZES[:-1] if size >= thresholds[name]), SIZES[-1])


def plain_statement(
    the_rule: dict[str, Any],
    certainty: str | None,
    size: str | None,
    value: float | None,
    subject: str,
    outcome: str,
) -> str:
    """The GRADE-style statement for one result, by the rule of the module's docstring."""
    if certainty is None or pd.isna(certainty):
        return the_rule["no_statement"]["no_certainty"]
    templates = the_rule["statements"][certainty]
    if isinstance(templates, dict):
        if size is None:
            return the_rule["no_statement"]["no_size"]
        templates = templates[size]
    lower = value is None or pd.isna(value) or value <= 0
    words = the_rule["change"]["lower" if lower else "higher"]
    text = templates.format(subject=_lower_first(subject), outcome=outcome, **words)
    return text[:1].upper() + text[1:]


# --- wording: how each cell of the summary is written (one place; see massage_evidence.wording)


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def _subject(row: pd.Series, ev: Evidence) -> str:
    """What is compared, as a statement's subject: the trial's arms, else the comparison."""
    if pd.notna(row["arm"]) and pd.notna(row["comparator_arm"]):
        return f"{row['arm']} compared with {_lower_first(row['comparator_arm'])}"
    label = ev.vocabulary.label("comparison", row["comparison"])
    return label.replace(" vs ", " compared with ")


def _compared_text(row: pd.Series, ev: Evidence) -> str:
    if pd.notna(row["arm"]) and pd.notna(row["comparator_arm"]):
        arm = f"{row['arm']} (n = {row['arm_n']})"
        return f"{row['study']}: {arm} vs {row['comparator_arm']} (n = {row['comparator_n']})"
    return f"{row['study']}: {ev.vocabulary.label('comparison', row['comparison'])}"


def _outcome_text(row: pd.Series, ev: Evidence, measures: dict[tuple[str, str], str]) -> str:
    if pd.isna(row["outcome"]):
        return "Overall (the source names no single outcome)"
    label = ev.vocabulary.label("outcome", row["outcome"])
    measure = measures.get((row["study_id"], row["outcome"]))
    return f"{label}: {measure}" if measure and measure.lower() not in label.lower() else label


def _time_text(row: pd.Series, ev: Evidence) -> str:
    if pd.isna(row["time_point"]):
        return NOT_REPORTED
    label = ev.vocabulary.label("time_point", row["time_point"])
    return f"{label} ({row['weeks']} weeks)" if pd.notna(row["weeks"]) else label


def _participants_text(row: pd.Series) -> str:
    """The result's own participants and studies, else the two arms randomised (one trial)."""
    if pd.notna(row["participants"]):
        studies = row["studies"]
        if pd.isna(studies):
            return f"{row['participants']} (studies: {NOT_REPORTED})"
        return f"{row['participants']} ({studies} {'study' if studies == 1 else 'studies'})"
    if pd.notna(row["arm_n"]) and pd.notna(row["comparator_n"]):
        return f"{row['arm_n']} + {row['comparator_n']} randomised (1 study)"
    return NOT_REPORTED


def _effect_text(row: pd.Series, ev: Evidence) -> str:
    """The result's figures as the source reports them (worded by `wording`, as everywhere);
    its kind where it has none."""
    vocabulary = ev.vocabulary
    figures = wording.estimate(row, vocabulary) or wording.share_range(row)
    figures = figures or vocabulary.label("estimate_type", str(row["estimate_type"]))
    text = "; ".join(part for part in (figures, wording.p_value(row, vocabulary)) if part)
    if row["provenance"] == "secondary":
        text += f" ({_lower_first(wording.provenance(row, vocabulary))})"
    return text


def _certainty_text(row: pd.Series, ev: Evidence) -> str:
    if pd.isna(row["certainty"]):
        return NOT_REPORTED
    term = row["certainty"]
    definition = ev.vocabulary.definition("grade_certainty", term)
    return f"{ev.vocabulary.label('grade_certainty', term)}: {_lower_first(definition)}"


def _outcome_words(the_rule: dict[str, Any], row: pd.Series, ev: Evidence) -> str:
    if pd.isna(row["outcome"]):
        return "back pain overall"
    words = the_rule["outcome_words"].get(row["outcome"])
    return words or _lower_first(ev.vocabulary.label("outcome", row["outcome"]))


# --- the tables


def _order(frame: pd.DataFrame, ev: Evidence) -> pd.DataFrame:
    """By outcome, then time point (vocabulary order, unstated last), then studies.yaml order."""
    rank = {
        field: {term: i for i, term in enumerate(ev.vocabulary.terms(field))}
        for field in ("outcome", "time_point")
    }
    keys = pd.DataFrame(
        {
            field: frame[field].astype("object").map(rank[field]).fillna(len(rank[field]))
            for field in rank
        }
    )
    keys["_position"] = range(len(frame))
    order = keys.sort_values(["outcome", "time_point", "_position"], kind="stable").index
    return frame.loc[order].reset_index(drop=True)


def findings(ev: Evidence, comparison: str) -> pd.DataFrame:
    """One row per result of `comparison`, ordered by outcome and time point.

    Columns are FINDING_COLUMNS: the result's own fields from `studies.yaml` (the study's label,
    the arms compared with their n, the figures, certainty and provenance; coded columns are
    categoricals), `effect_size` (one of SIZES, or missing where the rule cannot judge it) and the
    words a report shows: outcome and measure, time point, what is compared, participants
    (studies), the effect with its 95% CI, the certainty with its meaning, and the plain-language
    statement. An unknown comparison raises ParameterError naming the allowed ones.
    """
    found = results(ev, comparison=comparison)
    outcomes = ev.study_outcomes
    measures = {
        (s, o): m
        for s, o, m in zip(
            outcomes["study_id"], outcomes["outcome"], outcomes["measure"], strict=True
        )
    }
    meaningful = {
        (s, o): c
        for s, o, c in zip(
            outcomes["study_id"], outcomes["outcome"], outcomes["meaningful_change"], strict=True
        )
    }
    the_rule = rule(ev)
    sizes, words = [], {column: [] for column in FINDING_COLUMNS[-7:]}
    for _, row in found.iterrows():
        change = meaningful.get((row["study_id"], row["outcome"]))
        size = effect_size(the_rule, row["estimate_type"], row["value"], change)
        sizes.append(size)
        certainty = None if pd.isna(row["certainty"]) else str(row["certainty"])
        value = None if pd.isna(row["value"]) else float(row["value"])
        outcome = _outcome_words(the_rule, row, ev)
        statement = plain_statement(the_rule, certainty, size, value, _subject(row, ev), outcome)
        words["outcome_text"].append(_outcome_text(row, ev, measures))
        words["time_text"].append(_time_text(row, ev))
        words["compared_text"].append(_compared_text(row, ev))
        words["participants_text"].append(_participants_text(row))
        words["effect_text"].append(_effect_text(row, ev))
        words["certainty_text"].append(_certainty_text(row, ev))
        words["statement"].append(statement)
    table = found.assign(
        effect_size=pd.Categorical(sizes, categories=list(SIZES)),
        **{
            column: pd.Series(values, index=found.index, dtype="string")
            for column, values in words.items()
        },
    )
    return _order(table[list(FINDING_COLUMNS)], ev)


def table(found: pd.DataFrame) -> pd.DataFrame:
    """The summary of findings as a report shows it: the words of `findings`, under headers."""
    return found[list(TABLE_HEADERS)].rename(columns=TABLE_HEADERS).astype("string")


def no_results(ev: Evidence, comparison: str) -> str:
    """The one sentence a report shows for a comparison no result of studies.yaml makes."""
    label = ev.vocabulary.label("comparison", comparison)
    return f"No result in the research we hold compares this ({label}): nothing to summarise."


def rule_text(ev: Evidence) -> str:
    """The plain-language rule in a few sentences, with its source, for a report to show."""
    the_rule = rule(ev)
    smd = the_rule["effect_size"]["standardised_mean_difference"]
    md = the_rule["effect_size"]["mean_difference"]
    return (
        "How each statement is worded: no statement where the sources we hold give no GRADE "
        "certainty for the result; at very low certainty, that the evidence is very uncertain; "
        "otherwise the size of the effect picks the phrase and the certainty how sure it sounds "
        "(high: as it is; moderate: probably; low: may). Size: an SMD from "
        f"{smd['small']:g} is small, from {smd['moderate']:g} moderate, from {smd['large']:g} "
        "large (Cohen's rules of thumb); a mean difference in multiples of the study's "
        f"meaningful change for that outcome, from {md['small']:g} small, from "
        f"{md['moderate']:g} moderate, from {md['large']:g} large; below that, trivial "
        f"(little to no difference). Statements after: {the_rule['source']}"
    )


def claims(ev: Evidence, comparison: str) -> pd.DataFrame:
    """The popular claims the comparison touches: every claim of each audited assertion whose
    verdict rests on a result of `comparison`, in the order of `audit.yaml` then of the claims.

    Columns are CLAIM_COLUMNS: the assertion (id and statement), its verdict (categorical), and
    each claim's id, source id, source name (its publisher, else its title) and quote.
    """
    ids = set(results(ev, comparison=comparison)["result_id"])
    links_ = ev.audit_results
    touched = set(links_.loc[links_["result_id"].isin(ids), "assertion_id"])
    audited = ev.audit[ev.audit["assertion_id"].isin(touched)]
    statements = ev.assertions.set_index("assertion_id")["statement"]
    sources = ev.sources.set_index("source_id")
    names = sources["publisher"].fillna(sources["title"])
    rows = [
        {
            "assertion_id": entry.assertion_id,
            "assertion": statements[entry.assertion_id],
            "verdict": entry.verdict,
            "claim_id": claim.claim_id,
            "source_id": claim.source_id,
            "source": names[claim.source_id],
            "quote": claim.quote,
        }
        for entry in audited.itertuples(index=False)
        for claim in ev.claims[ev.claims["assertion_id"] == entry.assertion_id].itertuples()
    ]
    frame = pd.DataFrame(rows, columns=list(CLAIM_COLUMNS))
    strings = [c for c in CLAIM_COLUMNS if c != "verdict"]
    return frame.astype(
        {**dict.fromkeys(strings, "string"), "verdict": ev.vocabulary.dtype("verdict")}
    )


def claims_bundle(ev: Evidence, comparison: str) -> dict[str, str]:
    """HTML and plain text of `claims`: each assertion linked to its entry on the assertions page,
    its verdict linked to its claim-audit report, and each claim's quote linked to its span."""
    found = claims(ev, comparison)
    if found.empty:
        sentence = "No popular claim we hold has an audit that rests on this comparison."
        return {"text/html": f"<p>{html.escape(sentence)}</p>", "text/plain": sentence}
    parts, plain = ['<div class="sof-claims">'], []
    for assertion_id, group in found.groupby("assertion_id", sort=False):
        first = group.iloc[0]
        verdict = ev.vocabulary.label("verdict", first["verdict"])
        parts.append(
            f'<p><a href="{html.escape(links.assertion_href(assertion_id))}">'
            f"{html.escape(first['assertion'])}</a> — verdict: "
            f'<a href="{html.escape(links.audit_href(assertion_id))}">{html.escape(verdict)}</a>'
            "</p><ul>"
        )
        plain.append(f"{first['assertion']} (verdict: {verdict})")
        for claim in group.itertuples(index=False):
            href = links.claim_href(claim.source_id, claim.claim_id)
            parts.append(
                f"<li>“{html.escape(claim.quote)}” — {html.escape(claim.source)} "
                f'(<a href="{html.escape(href)}">{html.escape(claim.claim_id)}</a>)</li>'
            )
            plain.append(f"  “{claim.quote}” — {claim.source} ({claim.claim_id})")
        parts.append("</ul>")
    parts.append("</div>")
    return {"text/html": "".join(parts), "text/plain": "\n".join(plain)}


def show_claims(ev: Evidence, comparison: str) -> None:
    """Display `claims_bundle` in the running notebook."""
    from IPython.display import display

    display(claims_bundle(ev, comparison), raw=True)
