"""Synthesis on the real evidence, checked against the source texts themselves."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pandas as pd
import pytest

import massage_evidence as me
from massage_evidence import synthesis


@pytest.fixture(scope="module")
def ev() -> me.Evidence:
    return me.load()


@pytest.fixture(scope="module")
def texts(ev: me.Evidence, seeds: Path) -> dict[str, str]:
    """Each source's full text, by source id."""
    return {
        row.source_id: (seeds / row.file).read_text(encoding="utf-8")
        for row in ev.sources.itertuples()
    }


def assert_quoted(table: pd.DataFrame, texts: dict[str, str]) -> None:
    """Every quote of `table` stands verbatim in the text of the source it is cited from."""
    assert not table.empty
    for row in table.dropna(subset=["quote"]).itertuples():
        assert row.quote in texts[row.source_id], (row.claim_id, row.quote)


def test_new_localized_injury_relief_in_2_3_sessions_by_davis_reyes(ev, texts):
    table = synthesis.time_to_relief(ev, condition="new_localized_injury")
    assert len(table) == 1
    row = table.iloc[0]
    text = texts[row.source_id]
    # The text itself: a relatively new injury confined to one area, 2-3 sessions, says Reyes,
    # a physical therapist; "you may find" is a hedge.
    assert f"{row.quote}, Reyes says" in text
    assert "relatively new and confined to one area" in row.quote
    assert "you may find" in row.quote
    assert row.text in row.quote and row.text == "2-3 sessions"
    assert "Davis Reyes, a physical therapist" in text
    assert (row["min"], row["max"], row.unit) == (2, 3, "sessions")
    assert (row.who, row.role, row.hedge) == ("Davis Reyes", "physical therapist", "probable")
    assert row.source_title == "Massage Treatment for Lower Back Pain"


def test_widespread_pain_up_to_four_weeks(ev, texts):
    table = synthesis.time_to_relief(ev, condition="widespread_longstanding_pain")
    assert_quoted(table, texts)
    row = table.iloc[0]
    assert "lasted longer and is more widespread" in row.quote
    assert "as many as four weeks" in row.quote
    assert pd.isna(row["min"]) and (row["max"], row.unit) == (4, "weeks")
    assert (row.who, row.hedge) == ("Davis Reyes", "probable")


@pytest.mark.parametrize(
    ("phrase", "quantity", "low", "high", "unit"),
    [
        ("sore for the first day or two", "soreness_duration", 1, 2, "days"),
        ("sore for a couple of days", "soreness_duration", 2, 2, "days"),
        ("relaxed for up to two weeks", "relaxation_duration", None, 2, "weeks"),
        ("about twice a month", "visit_frequency", 2, 2, "times_per_month"),
    ],
)
def test_the_other_time_figures_of_the_texts(ev, texts, phrase, quantity, low, high, unit):
    table = synthesis.time_to_relief(ev)
    assert_quoted(table, texts)
    rows = table[table["quote"].str.contains(phrase, regex=False)]
    assert len(rows) == 1, phrase
    row = rows.iloc[0]
    assert row.quantity == quantity and row.unit == unit
    assert (None if pd.isna(row["min"]) else row["min"], row["max"]) == (low, high)


def test_twice_a_month_is_anne_kanters_anecdote(ev, texts):
    table = synthesis.time_to_relief(ev, condition="recurrent_low_back_pain")
    row = table[table["text"] == "about twice a month"].iloc[0]
    assert "She sees Cohen about twice a month" in texts[row.source_id]
    assert "Anne Kanter is one of her satisfied customers" in texts[row.source_id]
    assert (row.who, row.hedge, row.basis) == ("Anne Kanter", "anecdotal", "anecdote")


def test_time_to_relief_holds_only_time_course_claims(ev):
    table = synthesis.time_to_relief(ev)
    categories = ev.claims.set_index("claim_id").loc[table["claim_id"], "category"]
    assert set(categories) == {"time_course"}
    assert "10-30 seconds" not in set(table["text"])  # a technique's hold time, not a time course


def test_swollen_inflamed_area_is_repeated_by_two_sources(ev, texts):
    table = synthesis.consensus(ev)
    row = table.set_index("assertion_id").loc["no-massage-on-swollen-inflamed-area"]
    assert row.sources >= 2 and row.support == "repeated"
    assert row.support_label == f"repeated by {row.sources} sources"
    for source_id in row.source_ids.split(", "):
        assert "swollen or inflamed" in texts[source_id], source_id
    assert {"Therapeutic Back Pain Massage", "Massage May Be Best Approach for Back Pain"} <= set(
        synthesis.claim_card(ev, "no-massage-on-swollen-inflamed-area")["source_title"]
    )


def test_usual_care_and_acupuncture_comparison_invokes_harvard_research(ev, texts):
    table = synthesis.comparisons(ev)
    assert_quoted(table, texts)
    phrase = "more relief than usual care"
    rows = table[
        table["quote"].str.contains(phrase, regex=False)
        & table["quote"].str.endswith("as well as acupuncture")
    ]
    assert len(rows) == 1
    row = rows.iloc[0]
    assert row.source_title == "Massage can help back pain sufferers get back on their feet faster"
    # Studies are invoked in the text's own words, but none is named: research invoked, not cited.
    assert "The best studies to date have found" in row.quote
    assert (row.basis, row.comparator, row.direction) == (
        "research_invoked",
        "acupuncture",
        "favours_massage",
    )
    usual_care = synthesis.comparisons(ev, comparator="usual_care")
    assert usual_care["quote"].str.contains(phrase, regex=False).any()
    assert set(usual_care["comparator"]) == {"usual_care"}


def test_tensions_show_both_sides_with_their_quotes(ev, texts):
    table = synthesis.tensions(ev)
    assert_quoted(table, texts)
    assert set(table["tension_id"]) == set(ev.tensions["tension_id"])
    sides = table.groupby("tension_id")["side"].agg(lambda s: set(s.astype(str)))
    assert all(found == {"first", "second"} for found in sides)

    def quotes(tension: str, side: str) -> str:
        picked = table[(table["tension_id"] == tension) & (table["side"] == side)]
        return " | ".join(picked["quote"])

    assert "2-3 sessions" in quotes("quick-relief-versus-ice-and-rest-first", "first")
    assert "requires ice and rest before massage" in quotes(
        "quick-relief-versus-ice-and-rest-first", "second"
    )
    assert "proven effective" in quotes("proven-versus-seems-helpful", "first")
    assert "generally seems to be helpful" in quotes("proven-versus-seems-helpful", "second")
    assert "worth a try" in quotes("proven-versus-worth-a-try", "second")
    # Pain as expected at first (002) against pain as an effect of massage not done properly (004).
    assert "may be painful at first" in quotes("painful-pressure-versus-improper-massage", "first")
    assert "if not done properly" in quotes("painful-pressure-versus-improper-massage", "second")
    assert "normal to be sore" in quotes("normal-soreness-versus-improper-massage", "first")


def test_strength_finds_research_invoked_only_where_the_text_invokes_it(ev, texts):
    table = synthesis.strength(ev)
    per_source = table.dropna(subset=["source_id"]).set_index("source_id")
    invokes = {s for s, text in texts.items() if "research to date" in text or "studies to" in text}
    assert set(per_source.index[per_source["basis_research_invoked"] > 0]) == invokes
    # No source names a study, a review or a guideline: nothing is research cited.
    assert (per_source["basis_research_cited"] == 0).all()
    overall = table[table["source_id"].isna()].iloc[0]
    platitudes = int((ev.claims["category"] == "platitude").sum())
    assert platitudes > 0
    assert overall.title == "All sources" and overall.claims == len(ev.claims) - platitudes
    basis = [f"basis_{term}" for term in ev.vocabulary.terms("basis")]
    hedge = [f"hedge_{term}" for term in ev.vocabulary.terms("hedge")]
    assert (per_source[basis].sum(axis=1) == per_source["claims"]).all()
    assert (per_source[hedge].sum(axis=1) == per_source["claims"]).all()
    assert list(table["source_id"].iloc[:-1]) == list(ev.sources["source_id"])


def test_anecdote_only_assertions_come_from_the_webmd_client_story(ev, texts):
    table = synthesis.consensus(ev)
    anecdotal = table[table["support"] == "anecdote_only"]
    assert (anecdotal["support_label"] == "only an anecdote").all()
    assert not anecdotal.empty
    for assertion_id in anecdotal["assertion_id"]:
        card = synthesis.claim_card(ev, assertion_id)
        assert_quoted(card, texts)
        assert set(card["who"]) == {"Anne Kanter"}


def test_claim_card_cites_every_claim_of_the_assertion(ev, texts):
    card = synthesis.claim_card(ev, "relief-in-2-3-sessions-new-localized-injury")
    assert_quoted(card, texts)
    assert len(card) == 1 and card.iloc[0].support == "one_source"
    assert card.iloc[0].support_label == "said by one source"
    assert card.iloc[0].verdict == "not_addressed_by_research"
    assert (
        card.iloc[0].published == "2012-06-24" and "June 24, 2012" in texts[card.iloc[0].source_id]
    )
    assert card.iloc[0].best_basis == "expert_opinion"


def test_consensus_filters_and_orders(ev):
    table = synthesis.consensus(ev, category="safety", min_sources=2)
    assert set(table["category"]) == {"safety"} and (table["sources"] >= 2).all()
    everything = synthesis.consensus(ev)
    counted = ev.claims[ev.claims["category"] != "platitude"]
    assert set(everything["assertion_id"]) == set(counted["assertion_id"])
    assert everything["sources"].is_monotonic_decreasing


def test_support_rule_terms_are_the_vocabulary(ev):
    rule = {synthesis.ANECDOTE_ONLY, synthesis.REPEATED, synthesis.ONE_SOURCE}
    assert rule == set(ev.vocabulary.terms("support"))
    assert all(term in synthesis.SUPPORT_RULE for term in rule)


CATEGORICAL = {
    "consensus": {
        "category": "category",
        "support": "support",
        "best_basis": "basis",
        "verdict": "verdict",
    },
    "tensions": {"kind": "tension_kind", "hedge": "hedge", "basis": "basis"},
    "time_to_relief": {
        "condition": "condition",
        "quantity": "quantity",
        "unit": "unit",
        "hedge": "hedge",
        "basis": "basis",
    },
    "comparisons": {"comparator": "comparator", "direction": "direction", "basis": "basis"},
    "claim_card": {"support": "support", "verdict": "verdict", "hedge": "hedge", "basis": "basis"},
}


@pytest.mark.parametrize("name", sorted(CATEGORICAL))
def test_coded_columns_are_vocabulary_categoricals(ev, name):
    function = getattr(synthesis, name)
    table = function(ev, "massage-generally-safe") if name == "claim_card" else function(ev)
    for column, field in CATEGORICAL[name].items():
        assert table[column].dtype == ev.vocabulary.dtype(field), (name, column)


def test_counts_are_integers_and_ids_are_strings(ev):
    table = synthesis.consensus(ev)
    assert table["sources"].dtype == "int64" and table["hedge_certain"].dtype == "int64"
    assert table["assertion_id"].dtype == "string"
    assert synthesis.tensions(ev)["side"].dtype == synthesis.SIDES
    assert synthesis.time_to_relief(ev)["max"].dtype == "Float64"


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (
            lambda ev: synthesis.time_to_relief(ev, condition="new_injury"),
            "unknown condition 'new_injury'; allowed: back_pain_general, new_localized_injury,",
        ),
        (
            lambda ev: synthesis.comparisons(ev, comparator="usualcare"),
            "unknown comparator 'usualcare' (did you mean 'usual_care'?); allowed: usual_care,",
        ),
        (
            lambda ev: synthesis.consensus(ev, category="safty"),
            "unknown category 'safty' (did you mean 'safety'?); allowed: efficacy, time_course,",
        ),
        (
            lambda ev: synthesis.consensus(ev, min_sources=0),
            "min_sources must be a whole number of at least 1, not 0",
        ),
        (
            lambda ev: synthesis.consensus(ev, min_sources="2"),
            "min_sources must be a whole number of at least 1, not '2'",
        ),
        (
            lambda ev: synthesis.claim_card(ev, "massage-generaly-safe"),
            "unknown assertion 'massage-generaly-safe' (did you mean 'massage-generally-safe'?)",
        ),
    ],
)
def test_bad_parameters_raise_one_line_parameter_error(ev, call, message):
    with pytest.raises(me.ParameterError) as raised:
        call(ev)
    text = str(raised.value)
    assert text.startswith(message) and "\n" not in text


def test_unknown_value_message_names_every_allowed_term(ev):
    with pytest.raises(me.ParameterError) as raised:
        synthesis.comparisons(ev, comparator="massage")
    assert str(raised.value).endswith(", ".join(ev.vocabulary.terms("comparator")))


def test_functions_are_pure_and_deterministic(ev):
    before = {name: getattr(ev, name).copy() for name in ("claims", "quantities", "tensions")}
    for function in (synthesis.consensus, synthesis.tensions, synthesis.time_to_relief):
        pd.testing.assert_frame_equal(function(ev), function(ev))
    for name, table in before.items():
        pd.testing.assert_frame_equal(getattr(ev, name), table)


def test_assertion_without_claims_keeps_an_empty_card_and_tension_side(ev):
    bare = dataclasses.replace(
        ev, claims=ev.claims[ev.claims["assertion_id"] != "rice-for-new-back-injury"]
    )
    card = synthesis.claim_card(bare, "rice-for-new-back-injury")
    assert len(card) == 1 and card.iloc[0].sources == 0 and pd.isna(card.iloc[0].quote)
    side = synthesis.tensions(bare).query("assertion_id == 'rice-for-new-back-injury'")
    assert len(side) == 1 and pd.isna(side.iloc[0].claim_id)
