"""The primary research (studies.yaml) against its verified reference, and the claim audit."""

from __future__ import annotations

import dataclasses
import datetime
import re
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
import yaml

import massage_evidence as me
from massage_evidence.audit import (
    AUDIT_COLUMNS,
    NOT_REPORTED,
    QUOTE_COLUMNS,
    RESEARCH_COLUMNS,
    RESULT_COLUMNS,
    audit,
    basis,
    quotes,
    research,
    results,
    verdict,
)

from .conftest import EVIDENCE, REPO

RESEARCH = REPO.parent / "shared" / "primary-research.md"
NUMBER = re.compile(r"−?(?:\d+(?:\.\d+)?|\.\d+)")
REQUIRED = {
    "massage-better-than-usual-care",
    "massage-better-than-acupuncture",
    "massage-proven-effective-chronic-low-back-pain",
    "relief-in-2-3-sessions-new-localized-injury",
    "relief-up-to-4-weeks-widespread-pain",
    "massage-generally-safe",
}


@pytest.fixture(scope="module")
def ev() -> me.Evidence:
    return me.load()


@pytest.fixture(scope="module")
def studies() -> list[dict]:
    return yaml.safe_load((EVIDENCE / "studies.yaml").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def sections() -> list[str]:
    """The reference file's `##` sections, without markdown emphasis."""
    assert RESEARCH.is_file(), f"the verified research figures are expected in {RESEARCH}"
    text = RESEARCH.read_text(encoding="utf-8").replace("*", "")
    return text.split("\n## ")[1:]


def _reference_facts(study: dict) -> list[str]:
    """The structured reference as the research file writes it: "Cherkin DC", the title, ..."""
    names = [
        a["literal"] or f"{a['family']} {a['given'].replace('.', '').replace(' ', '')}"
        for a in study["authors"]
    ]
    keys = ("title", "container", "volume", "issue", "pages", "number", "doi", "pmid")
    return names + [str(study[key]) for key in keys if study[key] is not None]


def _section(study: dict, sections: list[str]) -> str:
    facts = _reference_facts(study)
    matches = [s for s in sections if all(fact in s for fact in facts)]
    assert len(matches) == 1, f"{study['id']}: its reference is not in exactly one section"
    return matches[0]


def _forms(number: float) -> set[str]:
    """The ways the reference may print a number: 4.0 or 4, .01 or 0.01, with a unicode minus."""
    texts = {f"{number:.{d}f}" for d in range(4)} | {f"{number:g}"}
    texts |= {t.replace("0.", ".", 1) for t in texts if t.lstrip("-").startswith("0.")}
    return {t.replace("-", "−") for t in texts if float(t) == number}


def _any_in(text: str, pattern: str, **numbers: float) -> bool:
    """Whether `pattern` ({name} placeholders) occurs in `text` with some form of each number."""
    combos = [{}]
    for name, number in numbers.items():
        combos = [{**c, name: form} for c in combos for form in _forms(number)]
    return any(pattern.format(**combo) in text for combo in combos)


def _magnitudes(text: str) -> set[float]:
    return {abs(float(t.replace("−", "-"))) for t in NUMBER.findall(text)}


def _leaves(value: object) -> Iterator[object]:
    if isinstance(value, dict):
        for item in value.values():
            yield from _leaves(item)
    elif isinstance(value, list):
        for item in value:
            yield from _leaves(item)
    else:
        yield value


def test_every_number_in_studies_yaml_is_in_the_research_file(studies, sections):
    """Each number, also inside a text (citation, finding), appears in its study's section."""
    for study in studies:
        known = _magnitudes(_section(study, sections))
        for leaf in _leaves(study):
            if isinstance(leaf, bool) or leaf is None:
                continue
            if isinstance(leaf, datetime.date):  # written "30 November 2016"
                assert f"{leaf.day} {leaf:%B %Y}" in _section(study, sections), study["id"]
                continue
            if isinstance(leaf, int | float):
                assert abs(leaf) in known, (study["id"], leaf)
            else:
                for token in NUMBER.findall(str(leaf)):
                    assert abs(float(token)) in known, (study["id"], leaf, token)


def test_identifiers_arms_and_scales_are_as_the_research_file_gives_them(studies, sections):
    for study in studies:
        section = _section(study, sections)
        for key in ("doi", "pmid"):
            assert study[key] is None or study[key] in section, (study["id"], key)
        for arm in study["arms"]:
            assert f"{arm['label']} n={arm['n']}".lower() in section.lower(), arm["id"]
        for outcome in study["outcomes"]:
            if outcome["scale_min"] is not None:
                scale = f"{outcome['scale_min']:g}–{outcome['scale_max']:g}"
                assert scale in section, (study["id"], scale)
            if outcome["meaningful_change"] is not None:
                assert f"≥ {outcome['meaningful_change']:g} points" in section, study["id"]


def _check_result(result: dict, section: str) -> None:
    kind, value, low, high = (result[k] for k in ("estimate_type", "value", "ci_low", "ci_high"))
    if kind == "mean_difference":
        # Stored as massage minus comparator; the source says "2.9 points lower (1.8 to 4.0)".
        assert _any_in(section, "{v} points lower", v=-value) or _any_in(
            section, "{v} lower", v=-value
        )
        assert _any_in(section, "{a} to {b})", a=-high, b=-low)
    elif kind == "standardised_mean_difference":
        interval = {"v": value, "a": low, "b": high}
        assert _any_in(section, "SMD {v} ({a} to {b})", **interval) or _any_in(
            section, "SMD {v} (95% CI {a} to {b})", **interval
        )
    else:
        assert value is None and low is None and high is None
    if result["arm_mean"] is not None:
        means = {"a": result["arm_mean"], "b": result["comparator_mean"]}
        assert _any_in(section, "{a} vs {b}", **means)
    if result["p_value"] is not None:
        relation = {"equals": "=", "less_than": "<"}[result["p_relation"]]
        assert _any_in(section, f"P {relation} {{p}}", p=result["p_value"])
    if result["range_low"] is not None:
        bounds = {"a": result["range_low"], "b": result["range_high"]}
        assert _any_in(section, "{a}% to {b}%", **bounds)
    if result["participants"] is not None:
        count = {"n": result["participants"], "k": result["studies"]}
        assert _any_in(section, "{n} participants, {k} stud", **count)


def test_every_result_figure_stands_together_in_the_research_file(studies, sections):
    """Value with its interval, means with their P, participants with their studies."""
    for study in studies:
        section = _section(study, sections)
        for result in study["results"]:
            try:
                _check_result(result, section)
            except AssertionError as error:
                raise AssertionError(f"{result['id']}: not as in {RESEARCH.name}") from error


def test_figures_missing_from_the_research_file_are_null(ev):
    table = results(ev)
    cherkin_2001 = table[table["study_id"] == "cherkin-2001"]
    assert cherkin_2001[["value", "ci_low", "ci_high"]].isna().all().all()
    later = table[(table["study_id"] == "cherkin-2011") & (table["time_point"] == "long_term")]
    assert not later.empty and later[["value", "ci_low", "ci_high"]].isna().all().all()
    secondary = table[table["provenance"] == "secondary"]
    assert secondary["certainty"].isna().all()


def test_the_audit_covers_the_required_assertions(ev):
    assert set(audit(ev)["assertion_id"]) >= REQUIRED


def _verdict(ev: me.Evidence, assertion: str) -> tuple[str, pd.DataFrame]:
    row = audit(ev).set_index("assertion_id").loc[assertion]
    basis = ev.audit_results.loc[ev.audit_results["assertion_id"] == assertion, "result_id"]
    return row["verdict"], results(ev).set_index("result_id").loc[basis.tolist()]


def test_the_self_care_comparison_is_short_term_only(ev):
    self_care = results(ev, comparison="self_care_education")
    at_10_weeks = self_care[self_care["weeks"] == 10]
    at_1_year = self_care[self_care["weeks"] == 52]
    assert len(at_10_weeks) == 2 and (at_10_weeks["direction"] == "favours_massage").all()
    assert (at_10_weeks["p_value"] <= 0.01).all()
    assert list(at_1_year["direction"]) == ["no_difference"]
    verdict, basis = _verdict(ev, "massage-better-than-usual-care")
    assert verdict == "partly_supported_short_term"
    assert set(self_care["result_id"]) <= set(basis.index)


def test_time_to_relief_in_sessions_or_weeks_is_not_addressed_by_any_trial(ev):
    for assertion in (
        "relief-in-2-3-sessions-new-localized-injury",
        "relief-up-to-4-weeks-widespread-pain",
    ):
        verdict, basis = _verdict(ev, assertion)
        assert verdict == "not_addressed_by_research" and basis.empty
    trials = ev.studies[ev.studies["design"] == "randomized_controlled_trial"]
    assert set(trials["sessions"]) == {10} and set(trials["treatment_weeks"]) == {10}
    trial_results = results(ev).merge(trials[["study_id"]], on="study_id")
    assert trial_results["weeks"].min() == 10  # nothing reported after 2-3 sessions or 4 weeks


def test_proven_effective_is_overstated(ev):
    verdict, basis = _verdict(ev, "massage-proven-effective-chronic-low-back-pain")
    assert verdict == "overstated"
    assert set(basis["certainty"].dropna()) == {"very_low"}
    assert {"acp-2017-chronic", "nccih-chronic"} <= set(basis.index)


def test_massage_beat_acupuncture_in_one_trial_only(ev):
    verdict, basis = _verdict(ev, "massage-better-than-acupuncture")
    assert verdict == "supported_by_one_trial"
    assert set(basis["study_id"]) == {"cherkin-2001"}
    assert (basis["comparison"] == "acupuncture").all()
    assert (basis["direction"] == "favours_massage").all()


def test_safety_rests_on_adverse_event_results(ev):
    verdict, basis = _verdict(ev, "massage-generally-safe")
    assert verdict == "supported"
    assert (basis["outcome"] == "adverse_effects").all()
    assert "cochrane-2015-serious-adverse-events" in basis.index


def test_only_unaddressed_claims_rest_on_no_result(ev):
    table = audit(ev)
    unaddressed = table["verdict"] == "not_addressed_by_research"
    assert (table.loc[unaddressed, "results"] == 0).all()
    assert (table.loc[~unaddressed, "results"] > 0).all()


def test_audit_sets_every_quote_beside_the_research(ev):
    table = audit(ev)
    assert tuple(table.columns) == AUDIT_COLUMNS
    assert list(table["assertion_id"]) == list(ev.audit["assertion_id"])
    assert list(table["verdict"].dtype.categories) == ev.vocabulary.terms("verdict")
    for row in table.itertuples():
        claims = ev.claims[ev.claims["assertion_id"] == row.assertion_id]
        assert row.claims == len(claims) > 0
        assert all(quote in row.quotes for quote in claims["quote"])
        assert len(row.research.splitlines()) == row.results
    usual_care = table.set_index("assertion_id").loc["massage-better-than-usual-care", "research"]
    assert "Mean difference −2.9 (95% CI −4.0 to −1.8)" in usual_care
    assert "Group means with P: 3.41 vs 4.71; P = .01" in usual_care
    pd.testing.assert_frame_equal(table, audit(ev))


def test_results_are_tidy_typed_and_filterable(ev, capsys):
    table = results(ev)
    assert tuple(table.columns) == RESULT_COLUMNS
    assert table["result_id"].is_unique and len(table) == len(ev.results)
    for column, field in (
        ("comparison", "comparison"),
        ("outcome", "outcome"),
        ("estimate_type", "estimate_type"),
        ("certainty", "grade_certainty"),
        ("provenance", "provenance"),
    ):
        assert list(table[column].dtype.categories) == ev.vocabulary.terms(field), column
    assert str(table["value"].dtype) == "Float64" and str(table["arm_n"].dtype) == "Int64"
    relaxation = table.set_index("result_id").loc["cherkin-2011-relaxation-function-10w"]
    assert (relaxation["arm"], relaxation["arm_n"], relaxation["comparator_n"]) == (
        "Relaxation massage",
        136,
        133,
    )
    pain = results(ev, comparison="active_controls", outcome="pain_relief")
    assert list(pain["result_id"]) == [
        "cochrane-2015-active-pain-short",
        "cochrane-2015-active-pain-long",
    ]
    assert capsys.readouterr() == ("", "")


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (
            {"comparison": "usualcare"},
            "unknown comparison 'usualcare' (did you mean 'usual_care'?); allowed: usual_care, "
            "self_care_education, acupuncture, other_trial_arms, active_controls, inactive_controls",
        ),
        ({"outcome": "relief"}, "unknown outcome 'relief'; allowed: "),
    ],
)
def test_unknown_filter_values_raise_a_parameter_error(ev, arguments, message):
    with pytest.raises(me.ParameterError) as raised:
        results(ev, **arguments)
    assert str(raised.value).startswith(message)
    assert "\n" not in str(raised.value)


def test_the_audit_works_on_other_evidence(mini: Path):
    ev = me.load(mini / "evidence", corpus=mini / "corpus")
    row = audit(ev).iloc[0]
    assert row["verdict"] == "partly_supported_short_term"
    assert row["research"] == (
        "Mini trial: Less pain with massage than with rest at two weeks. "
        "[Mean difference −1.5 (95% CI −2.5 to −0.5); GRADE certainty: Low]"
    )


def test_quotes_say_who_makes_each_claim_and_on_what_basis(ev):
    table = quotes(ev, "relief-in-2-3-sessions-new-localized-injury")
    assert tuple(table.columns) == QUOTE_COLUMNS
    (row,) = table.itertuples()
    assert (row.claim_id, row.said_by, row.basis) == (
        "lifescript-024",
        "Davis Reyes, physical therapist",
        "Expert opinion",
    )
    article = quotes(ev, "massage-better-than-usual-care")
    assert list(article["said_by"]) == ["the article"]
    # "The best studies to date" names no study: the report says studies are invoked, not cited.
    assert list(article["basis"]) == ["Says studies show (none named)"]
    for assertion in ev.audit["assertion_id"]:
        claims = ev.claims[ev.claims["assertion_id"] == assertion]
        assert set(quotes(ev, assertion)["quote"]) == set(claims["quote"])


def test_research_gives_each_result_in_words_with_its_certainty_and_provenance(ev):
    table = research(ev, "massage-better-than-no-treatment").set_index("result_id")
    assert tuple(table.reset_index().columns) == RESEARCH_COLUMNS
    assert list(table.index) == list(basis(ev, "massage-better-than-no-treatment")["result_id"])
    assert set(table["provenance"]) == {"As reported by a secondary source"}
    assert set(table["grade_certainty"]) == {NOT_REPORTED}
    pooled = table.loc["cochrane-2015-inactive-pain-short", "figures"]
    assert pooled == (
        "Standardised mean difference (SMD) −0.75 (95% CI −0.90 to −0.60); "
        "761 participants in 7 studies"
    )
    assert table.loc["cochrane-2015-inactive-function-long", "figures"] == (
        "Statement without a figure"
    )
    usual_care = research(ev, "massage-better-than-usual-care").set_index("result_id")
    assert usual_care.loc["cochrane-2015-active-pain-short", "grade_certainty"] == "Very low"
    assert usual_care.loc["cochrane-2015-active-pain-short", "provenance"] == "Primary"
    assert research(ev, "relief-up-to-4-weeks-widespread-pain").empty


def test_a_figure_missing_from_the_sources_is_said_to_be_not_reported(ev):
    table = ev.results.copy()
    relaxation = table["result_id"] == "cherkin-2011-relaxation-function-10w"
    table.loc[relaxation, ["ci_low", "ci_high"]] = pd.NA
    means = table["result_id"] == "cherkin-2001-self-care-function-10w"
    table.loc[means, "p_value"] = pd.NA
    shown = research(dataclasses.replace(ev, results=table), "massage-better-than-usual-care")
    figures = shown.set_index("result_id")["figures"]
    assert figures["cherkin-2011-relaxation-function-10w"] == (
        "Mean difference −2.9 (95% CI not reported in the sources we hold)"
    )
    assert figures["cherkin-2001-self-care-function-10w"] == (
        "Group means with P: 5.88 vs 8.92; P not reported in the sources we hold"
    )


def test_the_verdict_is_labelled_defined_and_reasoned_with_its_certainty_in_words(ev):
    shown = verdict(ev, "massage-proven-effective-chronic-low-back-pain")
    assert list(shown) == ["Assertion", "Verdict", "Why", "GRADE certainty"]
    assert shown["Verdict"] == (
        "Overstated: The research points the same way but is far less certain or less broad "
        "than the claim."
    )
    assert shown["Why"].startswith("Trials favour massage mainly in the short term")
    assert shown["GRADE certainty"] == (
        "Very low for 2 of the 8 results (Very little confidence; the true effect is likely to "
        "differ substantially). Not reported in the sources we hold for 6 of the 8 results."
    )
    unaddressed = verdict(ev, "relief-in-2-3-sessions-new-localized-injury")
    assert unaddressed["Verdict"].startswith("Not addressed by research: ")
    assert unaddressed["GRADE certainty"] == (
        "No result to rate: no research we hold measures this claim."
    )


@pytest.mark.parametrize("function", [basis, quotes, research, verdict])
def test_an_assertion_that_is_not_audited_is_refused_in_one_line(ev, function):
    with pytest.raises(me.ParameterError) as raised:
        function(ev, "massage-is-magic")
    message = str(raised.value)
    assert message.startswith("unknown audited assertion 'massage-is-magic'; allowed: ")
    assert "massage-better-than-usual-care" in message and "\n" not in message
