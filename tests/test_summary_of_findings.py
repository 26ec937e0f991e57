"""The GRADE summary of findings: its figures read back against studies.yaml, its rule, its claims."""

from __future__ import annotations

import dataclasses
import re

import pandas as pd
import pytest
import yaml

import massage_evidence as me
from massage_evidence import grid, links
from massage_evidence import summary_of_findings as sof
from massage_evidence.audit import NOT_REPORTED
from massage_evidence.errors import ParameterError

from .conftest import EVIDENCE, REPO

NOTEBOOK = REPO / "notebooks" / "09_summary_of_findings.ipynb"
NUMBER = re.compile(r"[−-]?(?:\d+(?:\.\d+)?|\.\d+)")


def numbers(text: str) -> list[float]:
    return [float(n.replace("−", "-")) for n in NUMBER.findall(text)]


@pytest.fixture(scope="module")
def ev() -> me.Evidence:
    return me.load()


@pytest.fixture(scope="module")
def studies() -> list[dict]:
    return yaml.safe_load((EVIDENCE / "studies.yaml").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def vocabulary() -> dict:
    return yaml.safe_load((EVIDENCE / "vocabulary.yaml").read_text(encoding="utf-8"))


def compared_results(studies: list[dict]) -> dict[str, list[tuple[dict, dict]]]:
    """Each comparison of studies.yaml with its (study, result) pairs, in file order."""
    found: dict[str, list[tuple[dict, dict]]] = {}
    for study in studies:
        for result in study["results"]:
            if result["comparison"] is not None:
                found.setdefault(result["comparison"], []).append((study, result))
    return found


def test_the_notebook_declares_one_report_per_comparison_of_studies_yaml(ev, studies):
    reports = grid.reports(ev, [grid.read_notebook(NOTEBOOK)])
    declared = [r.parameters["comparison"] for r in reports]
    assert sorted(declared) == sorted(compared_results(studies))
    assert len(declared) == len(set(declared))


def test_every_figure_of_the_table_reads_back_as_studies_yaml_gives_it(ev, studies, vocabulary):
    checked = 0
    for comparison, pairs in compared_results(studies).items():
        found = sof.findings(ev, comparison).set_index("result_id")
        assert sorted(found.index) == sorted(r["id"] for _, r in pairs)
        for study, result in pairs:
            row = found.loc[result["id"]]
            arms = {a["id"]: a for a in study["arms"]}
            effect = numbers(row["effect_text"].replace("95% CI", ""))
            if result["value"] is not None:
                assert effect[:3] == [result["value"], result["ci_low"], result["ci_high"]]
            elif result["arm_mean"] is not None:
                assert effect[:2] == [result["arm_mean"], result["comparator_mean"]]
            if result["p_value"] is not None:
                assert effect[-1] == result["p_value"]
                relation = vocabulary["p_relation"][result["p_relation"]]["label"]
                assert f"P {relation} " in row["effect_text"]
            if result["provenance"] == "secondary":
                assert "as reported by a secondary source" in row["effect_text"]
            if result["participants"] is not None:
                assert numbers(row["participants_text"]) == [
                    result["participants"],
                    result["studies"],
                ]
            elif result["arm"] in arms and result["comparator_arm"] in arms:
                sizes = [arms[result["arm"]]["n"], arms[result["comparator_arm"]]["n"], 1]
                assert numbers(row["participants_text"]) == sizes
            else:
                assert row["participants_text"] == NOT_REPORTED
            if result["certainty"] is None:
                assert row["certainty_text"] == NOT_REPORTED
                assert NOT_REPORTED in row["statement"]
            else:
                label = vocabulary["grade_certainty"][result["certainty"]]["label"]
                assert row["certainty_text"].startswith(f"{label}: ")
            if result["weeks"] is not None:
                assert f"({result['weeks']} weeks)" in row["time_text"]
            if result["time_point"] is None:
                assert row["time_text"] == NOT_REPORTED
            assert row["finding"] == result["finding"]
            assert row["study"] == study["label"]
            checked += 1
    assert checked == sum(len(pairs) for pairs in compared_results(studies).values()) > 10


def test_the_rows_run_by_outcome_then_time_point(ev, vocabulary):
    found = sof.findings(ev, "usual_care")
    outcomes = list(vocabulary["outcome"])
    order = [outcomes.index(o) for o in found["outcome"].astype(str)]
    assert order == sorted(order)
    for _, group in found.groupby("outcome", observed=True):
        times = group["time_point"].astype(str).tolist()
        assert times == sorted(times, key=list(vocabulary["time_point"]).index)


def test_a_missing_interval_or_participant_count_reads_not_reported(ev):
    results = ev.results.copy()
    first = results.index[results["result_id"] == "cherkin-2011-relaxation-function-10w"][0]
    results.loc[first, ["ci_low", "ci_high"]] = pd.NA
    arms = ev.arms.copy()
    arms.loc[arms["arm_id"] == "cherkin-2011-usual-care", "n"] = pd.NA
    changed = dataclasses.replace(ev, results=results, arms=arms)
    row = (
        sof.findings(changed, "usual_care")
        .set_index("result_id")
        .loc[results.at[first, "result_id"]]
    )
    assert row["effect_text"] == f"Mean difference −2.9 (95% CI {NOT_REPORTED})"
    assert row["participants_text"] == NOT_REPORTED


@pytest.mark.parametrize(
    ("certainty", "kind", "value", "change", "expected"),
    [
        (
            "high",
            "standardised_mean_difference",
            -0.9,
            None,
            "Massage compared with usual care results in a large reduction in pain.",
        ),
        (
            "high",
            "standardised_mean_difference",
            -0.1,
            None,
            "Massage compared with usual care results in little to no difference in pain.",
        ),
        (
            "moderate",
            "mean_difference",
            -1.7,
            1.5,
            "Massage compared with usual care probably reduces pain.",
        ),
        (
            "low",
            "mean_difference",
            -1.0,
            1.5,
            "Massage compared with usual care may reduce pain slightly.",
        ),
        (
            "low",
            "standardised_mean_difference",
            0.6,
            None,
            "Massage compared with usual care may increase pain.",
        ),
        (
            "very_low",
            "standardised_mean_difference",
            -1.24,
            None,
            "The evidence is very uncertain about the effect of massage compared with usual care on pain.",
        ),
    ],
)
def test_the_plain_language_rule_words_certainty_and_size(
    ev, certainty, kind, value, change, expected
):
    the_rule = sof.rule(ev)
    size = sof.effect_size(the_rule, kind, value, change)
    subject = "Massage compared with usual care"
    assert sof.plain_statement(the_rule, certainty, size, value, subject, "pain") == expected


def test_without_a_certainty_or_a_size_there_is_no_statement(ev):
    the_rule = sof.rule(ev)
    assert sof.effect_size(the_rule, "mean_difference", -2.9, None) is None
    assert sof.effect_size(the_rule, "group_means", -3.0, 2.0) is None
    none = sof.plain_statement(the_rule, None, "large", -0.9, "Massage", "pain")
    assert none.startswith("No GRADE statement") and NOT_REPORTED in none
    unsized = sof.plain_statement(the_rule, "low", None, -0.9, "Massage", "pain")
    assert unsized.startswith("No GRADE statement") and "size" in unsized


def test_the_reviews_very_low_certainty_results_get_the_very_uncertain_statement(ev):
    found = sof.findings(ev, "active_controls").set_index("result_id")
    assert found.at["cochrane-2015-active-pain-short", "statement"] == (
        "The evidence is very uncertain about the effect of massage compared with active "
        "controls on pain."
    )
    assert found.at["cochrane-2015-active-pain-short", "effect_size"] == "small"  # |−0.37| ≥ 0.2


def test_the_rule_is_shown_with_its_source(ev):
    text = sof.rule_text(ev)
    assert "GRADE guidelines 26" in text and "J Clin Epidemiol" in text


def test_the_report_table_has_labelled_headers_and_no_codes(ev):
    shown = sof.table(sof.findings(ev, "usual_care"))
    assert list(shown.columns) == list(sof.TABLE_HEADERS.values())
    assert not shown.isin(["usual_care", "function", "short_term", "mean_difference"]).any().any()


def test_an_unknown_comparison_is_one_line(ev):
    with pytest.raises(ParameterError) as raised:
        sof.findings(ev, "usual_cre")
    assert "\n" not in str(raised.value)
    assert "unknown comparison 'usual_cre' (did you mean 'usual_care'?)" in str(raised.value)


def test_the_claims_beside_are_those_whose_audit_rests_on_the_comparison(ev, studies):
    audit = yaml.safe_load((EVIDENCE / "audit.yaml").read_text(encoding="utf-8"))
    for comparison, pairs in compared_results(studies).items():
        ids = {result["id"] for _, result in pairs}
        expected = [a["assertion"] for a in audit if ids & set(a["results"])]
        found = sof.claims(ev, comparison)
        assert list(dict.fromkeys(found["assertion_id"])) == expected
        claims = ev.claims[ev.claims["assertion_id"].isin(expected)]
        assert sorted(found["claim_id"]) == sorted(claims["claim_id"])
        page = sof.claims_bundle(ev, comparison)["text/html"]
        for assertion in expected:
            assert f'href="{links.assertion_href(assertion)}"' in page
            assert f'href="{links.audit_href(assertion)}"' in page
        for claim in claims.itertuples():
            assert f'href="{links.claim_href(claim.source_id, claim.claim_id)}"' in page


def test_a_comparison_no_audit_rests_on_says_so_in_one_sentence(ev):
    empty = dataclasses.replace(ev, audit_results=ev.audit_results.iloc[0:0])
    bundle = sof.claims_bundle(empty, "usual_care")
    assert bundle["text/plain"] == (
        "No popular claim we hold has an audit that rests on this comparison."
    )
