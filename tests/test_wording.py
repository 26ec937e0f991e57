"""One wording of a result: the audit's tables and the forest plot say the same figure alike."""

from __future__ import annotations

import html

import pandas as pd
import pytest

import massage_evidence as me
from massage_evidence import audit, figures, wording


@pytest.fixture(scope="module")
def ev() -> me.Evidence:
    return me.load()


@pytest.fixture(scope="module")
def results(ev) -> pd.DataFrame:
    return audit.results(ev).set_index("result_id", drop=False)


# Each figure as evidence/studies.yaml gives it, written out by hand.
EXPECTED = {
    "cherkin-2011-relaxation-function-10w": "Mean difference −2.9 (95% CI −4.0 to −1.8)",
    "cochrane-2015-inactive-pain-short": (
        "Standardised mean difference (SMD) −0.75 (95% CI −0.90 to −0.60); "
        "761 participants in 7 studies"
    ),
    "cherkin-2001-self-care-function-10w": "Group means with P: 5.88 vs 8.92; P < .001",
    "cherkin-2001-self-care-bothersomeness-10w": "Group means with P: 3.41 vs 4.71; P = .01",
    "cherkin-2001-medication-use": "P < .05",
    "cochrane-2015-increased-pain": "1.5% to 25% of participants",
    "cochrane-2015-inactive-function-long": "",  # a statement without a figure
}


@pytest.mark.parametrize("result_id", EXPECTED)
def test_a_result_reads_as_its_source_gives_it(ev, results, result_id):
    assert wording.result(results.loc[result_id], ev.vocabulary) == EXPECTED[result_id]


def test_a_figure_the_sources_do_not_give_is_said_to_be_not_reported(ev, results):
    row = results.loc["cherkin-2011-relaxation-function-10w"].copy()
    row[["ci_low", "ci_high"]] = pd.NA
    assert wording.result(row, ev.vocabulary) == (
        "Mean difference −2.9 (95% CI not reported in the sources we hold)"
    )
    means = results.loc["cherkin-2001-self-care-function-10w"].copy()
    means["p_value"] = pd.NA
    assert wording.result(means, ev.vocabulary).endswith("; P not reported in the sources we hold")
    assert wording.certainty(means, ev.vocabulary) == (
        "GRADE certainty: not reported in the sources we hold"
    )


def test_numbers_print_alike_with_a_true_minus_and_p_as_journals_print_it():
    assert wording.format_numbers(-4.0, -2.9, 10) == ["−4.0", "−2.9", "10.0"]
    assert wording.format_p(0.01) == ".01" and wording.format_p(0.001) == ".001"


def test_the_audit_and_the_forest_word_every_figure_of_a_result_alike(ev, results):
    checked = 0
    for assertion in ev.audit["assertion_id"]:
        shown = audit.research(ev, assertion).set_index("result_id")["figures"]
        fig = figures.forest(audit.basis(ev, assertion), ev.vocabulary, "Results")
        hovers = {
            trace.customdata[0]: html.unescape(trace.hovertext[0]).split("<br>")
            for trace in fig.data
            if trace.customdata is not None
        }
        for result_id, lines in hovers.items():
            for part in shown[result_id].split("; "):
                assert any(part in line for line in lines), (result_id, part, lines)
            checked += 1
    assert checked >= 10


def test_the_scale_of_group_means_and_which_way_is_better_come_from_the_results(ev, results):
    function = results.loc[["cherkin-2001-self-care-function-10w"]]
    assert wording.scale(function) == "Dysfunction (Roland disability), 0 to 23; lower is better"
    flipped = function.assign(direction="favours_comparator")
    assert wording.scale(flipped).endswith("; higher is better")
    unknown = function.assign(direction=pd.NA, measure=pd.NA)
    assert wording.scale(unknown) == (
        "scale not reported in the sources we hold; which way is better is not given"
    )
