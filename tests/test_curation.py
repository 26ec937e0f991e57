"""The curation review (issue 12) pinned on the real evidence, each point checked against the texts.

Assertions are bare propositions: claims that differ only in certainty or detail share one, and
consensus counts their sources together; claims that pull against each other or that the audit
judges differently do not. Platitudes never make consensus. Research a text only invokes is never
labelled as cited. Every mechanism and safety assertion has an audit entry.
"""

from __future__ import annotations

import itertools
import re
from pathlib import Path

import pandas as pd
import pytest

import massage_evidence as me
from massage_evidence import synthesis

from .conftest import REPO

RESEARCH = REPO.parent / "shared" / "primary-research.md"


@pytest.fixture(scope="module")
def ev() -> me.Evidence:
    return me.load()


@pytest.fixture(scope="module")
def texts(ev: me.Evidence, seeds: Path) -> dict[str, str]:
    return {
        row.source_id: (seeds / row.file).read_text(encoding="utf-8")
        for row in ev.sources.itertuples()
    }


@pytest.fixture(scope="module")
def consensus(ev: me.Evidence) -> pd.DataFrame:
    return synthesis.consensus(ev).set_index("assertion_id")


def claims_of(ev: me.Evidence, assertion: str) -> pd.DataFrame:
    return ev.claims[ev.claims["assertion_id"] == assertion]


def source_with(texts: dict[str, str], phrase: str) -> str:
    (source,) = [s for s, text in texts.items() if phrase in text]
    return source


# --- Merged: the same proposition, whatever the certainty or the detail ---


@pytest.mark.parametrize(
    ("assertion", "phrases"),
    [
        (
            # "could help relieve chronic back pain" (001), "has been proven effective in
            # relieving chronic lower back pain" and "works well for people with chronic back
            # pain" (004), and the client whose back problems massage helped (000).
            "massage-relieves-back-pain",
            [
                "could help relieve chronic back pain",
                "proven effective in relieving chronic lower back pain",
                "works well for people with chronic back pain",
                "could also help her recurring lower back problems",
            ],
        ),
        (
            # "more relaxed for up to two weeks" (002) is "relaxing back muscles" (004) with a
            # duration, which stays on the claim as a quantity.
            "massage-relaxes-muscles",
            ["muscles should feel more relaxed for up to two weeks", "relaxing back muscles"],
        ),
        (
            # Lactic acid causes soreness after activity (002) and, released from a knot,
            # discomfort (001).
            "lactic-acid-causes-soreness",
            ["Lactic acid causes soreness after physical activity", "causing discomfort"],
        ),
        (
            # "the most common type of massage offered" (003) and the first of "the most commonly
            # used back massage" (004).
            "swedish-most-common-massage",
            ["is the most common type of massage offered", "the most commonly used back massage"],
        ),
    ],
)
def test_merged_assertions_count_their_sources_together(ev, texts, consensus, assertion, phrases):
    claims = claims_of(ev, assertion)
    expected = {source_with(texts, phrase) for phrase in phrases}
    for phrase in phrases:
        assert any(phrase in quote or quote in phrase for quote in claims["quote"]), phrase
    assert set(claims["source_id"]) == expected
    row = consensus.loc[assertion]
    assert row.sources == len(expected) >= 2 and row.support == "repeated"
    assert row.support_label == f"repeated by {len(expected)} sources"


def test_the_general_efficacy_claim_is_no_longer_the_anecdotes_alone(ev, consensus):
    row = consensus.loc["massage-relieves-back-pain"]
    assert row.support != "anecdote_only" and row.basis_anecdote < row.claims
    for retired in (
        "massage-relieves-chronic-back-pain",
        "muscles-relaxed-up-to-two-weeks-after-massage",
        "lactic-acid-causes-soreness-after-activity",
        "massage-can-cause-discomfort-or-pain",
        "treatment-tailored-to-individual",
    ):
        assert retired not in set(ev.assertions["assertion_id"]), retired


def test_proven_stays_apart_because_the_audit_judges_it_differently(ev, consensus):
    """004's "has been proven effective" also claims a state of research, which the audit calls
    overstated: the same quote supports the bare proposition and the "proven" one."""
    proven = claims_of(ev, "massage-proven-effective-chronic-low-back-pain")
    bare = claims_of(ev, "massage-relieves-back-pain")
    assert set(proven["quote"]) <= set(bare["quote"])
    verdicts = ev.audit.set_index("assertion_id")["verdict"]
    assert verdicts["massage-proven-effective-chronic-low-back-pain"] == "overstated"
    assert verdicts["massage-relieves-back-pain"] == "partly_supported_short_term"
    assert consensus.loc["massage-relieves-back-pain", "verdict"] == "partly_supported_short_term"


def test_a_claim_of_two_propositions_counts_under_both(ev, texts, consensus):
    """ "works well for people with chronic back pain associated with soft tissues" is split into
    two claims with the same quote, one per assertion, and consensus counts the source twice."""
    quote = "works well for people with chronic back pain associated with soft tissues"
    claims = ev.claims[ev.claims["quote"].str.contains(quote, regex=False)]
    assert set(claims["assertion_id"]) == {
        "massage-helps-soft-tissue-back-pain",
        "massage-relieves-back-pain",
    }
    source = source_with(texts, quote)
    for assertion in claims["assertion_id"]:
        assert source in consensus.loc[assertion, "source_ids"].split(", ")
    # "Checking qualifications can be tricky because licensing requirements vary by state" (001)
    # says both that choosing is hard (003) and that licensing varies (003's training varies).
    for assertion in ("choosing-therapist-is-challenging", "therapist-training-and-licensing-vary"):
        assert consensus.loc[assertion, "sources"] == 2, assertion


# --- Split: claims that pull against each other do not share an assertion ---


def test_pain_expected_at_first_is_apart_from_pain_of_improper_massage(ev, texts):
    expected = claims_of(ev, "massage-pressure-can-be-painful")
    improper = claims_of(ev, "improper-massage-causes-adverse-effects")
    assert all("painful" in quote for quote in expected["quote"])
    assert set(expected["source_id"]) == {source_with(texts, "may be painful at first")}
    (quote,) = improper["quote"]
    assert "if not done properly" in quote and "pain" in quote
    assert not set(expected["claim_id"]) & set(improper["claim_id"])


def test_anecdote_and_exercise_claims_leave_the_combined_care_assertion(ev, texts):
    combined = claims_of(ev, "massage-combined-with-other-care")
    assert "anecdote" not in set(combined["basis"])
    assert not combined["quote"].str.contains("strengthening or stretching routines").any()
    assert not combined["quote"].str.contains("muscle strengthening exercises at home").any()


# --- Tensions ---


@pytest.mark.parametrize(
    ("tension", "first_phrase", "second_phrase"),
    [
        ("rapport-versus-credentials", "more important is how therapists respond", "credentials"),
        ("no-licensing-versus-check-licence", "have no requirements", "licensed to practice"),
        ("spasm-versus-referred-pain", "usually due to a muscle spasm", "referred pain"),
        ("painful-pressure-versus-improper-massage", "painful at first", "not done properly"),
        ("normal-soreness-versus-improper-massage", "normal to be sore", "not done properly"),
    ],
)
def test_new_tensions_exist_with_the_texts_on_each_side(ev, tension, first_phrase, second_phrase):
    table = synthesis.tensions(ev)
    rows = table[table["tension_id"] == tension]
    assert not rows.empty, tension
    first = " | ".join(rows.loc[rows["side"] == "first", "quote"].dropna())
    second = " | ".join(rows.loc[rows["side"] == "second", "quote"].dropna())
    assert first_phrase in first and second_phrase in second


def test_nuance_is_not_a_tension(ev):
    ids = set(ev.tensions["tension_id"])
    assert not {"safe-versus-soreness-afterwards", "safe-versus-discomfort-or-pain"} & ids
    pairs = {
        frozenset(p)
        for p in zip(
            ev.tensions["first_assertion_id"], ev.tensions["second_assertion_id"], strict=True
        )
    }
    assert (
        frozenset({"massage-generally-safe", "soreness-for-a-day-or-two-after-massage"})
        not in pairs
    )


# --- Platitudes ---


PLATITUDES = (
    "Everyone is different",
    "Every person is different",
    "Not everyone’s back pain is the same",
)


def test_platitudes_are_kept_but_marked(ev, texts):
    for sentence in PLATITUDES:
        assert any(sentence in text for text in texts.values()), sentence
        claims = ev.claims[ev.claims["quote"] == sentence]
        assert len(claims) == 1 and set(claims["category"]) == {"platitude"}, sentence
    platitude_claims = ev.claims[ev.claims["category"] == "platitude"]
    categories = ev.assertions.set_index("assertion_id")["category"]
    assert set(categories[platitude_claims["assertion_id"]]) == {"platitude"}


def test_no_assertion_is_supported_only_by_platitudes(ev, consensus):
    for assertion in consensus.index:
        claims = claims_of(ev, assertion)
        assert (claims["category"] != "platitude").any(), assertion
        counted = claims[claims["category"] != "platitude"]
        assert consensus.loc[assertion, "sources"] == counted["source_id"].nunique(), assertion
    assert "people-differ" not in consensus.index
    assert not (consensus["category"] == "platitude").any()


# --- Basis: research invoked is not research cited ---


NAMED_STUDY = re.compile(r"\b(19|20)\d{2}\b|et al\.|Cochrane|trial|review|guideline", re.IGNORECASE)
INVOKED = re.compile(r"\b(studies|study|research)\b", re.IGNORECASE)


def test_no_claim_without_a_named_study_carries_the_cited_basis(ev):
    cited = ev.claims[ev.claims["basis"] == "research_cited"]
    for row in cited.itertuples():
        assert NAMED_STUDY.search(row.quote), row.claim_id


def test_research_the_text_only_invokes_is_coded_invoked(ev, texts):
    invoked = ev.claims[ev.claims["basis"] == "research_invoked"]
    assert not invoked.empty
    for row in invoked.itertuples():
        text = texts[row.source_id]
        sentence_start = text.rfind("\n", 0, row.start) + 1
        sentence = text[sentence_start : text.find("\n", row.end)]
        assert INVOKED.search(sentence) and not NAMED_STUDY.search(sentence), row.claim_id
    # "has been proven effective" with no word of research is an unsupported assertion.
    proven = ev.claims[ev.claims["quote"].str.contains("proven effective", regex=False)]
    assert set(proven["basis"]) == {"unsupported_assertion"}


def test_invoked_research_ranks_below_cited_and_reads_as_invoked(ev):
    terms = ev.vocabulary.terms("basis")
    assert terms.index("research_cited") < terms.index("research_invoked")
    label = ev.vocabulary.label("basis", "research_invoked")
    assert "cited" not in label.lower() and "none named" in label
    assert (
        synthesis.consensus(ev)
        .set_index("assertion_id")
        .loc["massage-better-than-usual-care", "best_basis"]
        == "research_invoked"
    )


# --- Audit ---


MECHANISM_CLAIMS = (
    "massage-releases-lactic-acid",
    "lactic-acid-causes-soreness",
    "water-flushes-lactic-acid",
    "massage-breaks-down-scar-tissue",
    "scar-tissue-impairs-muscle-function",
    "massage-increases-blood-flow",
    "massage-alternative-to-back-surgery",
    "regular-massage-prevents-recurrence",
)


def test_every_mechanism_and_safety_assertion_has_an_audit_entry(ev):
    audited = set(ev.audit["assertion_id"])
    kinds = ev.assertions[ev.assertions["category"].isin(["mechanism", "safety"])]
    assert len(kinds) >= 10
    assert set(kinds["assertion_id"]) <= audited
    verdicts = ev.audit.set_index("assertion_id")
    for assertion in MECHANISM_CLAIMS:
        assert verdicts.loc[assertion, "verdict"] == "not_addressed_by_research", assertion


def test_audit_reasons_are_ours_and_their_figures_come_from_the_research_file(ev, texts):
    research = RESEARCH.read_text(encoding="utf-8")
    for row in ev.audit.itertuples():
        for number in re.findall(r"−?\d+(?:\.\d+)?%?", row.reason):
            assert number.rstrip("%") in research, (row.assertion_id, number)
        for text in texts.values():  # our own words: no long run copied from an article
            words = row.reason.split()
            assert not any(
                " ".join(words[i : i + 8]) in text for i in range(max(0, len(words) - 7))
            ), row.assertion_id


def test_tightened_reasons_mention_the_results_they_cite(ev):
    reasons = ev.audit.set_index("assertion_id")["reason"]
    assert "−0.37" in reasons["massage-among-best-treatments-for-back-pain"]
    relief = reasons["massage-relieves-back-pain"]
    assert "at least 6 months" in relief and "−0.40" in relief


# --- Single claims the review checked ---


def test_the_surgery_claim_is_flat_and_favours_massage(ev, texts):
    (row,) = ev.claims[ev.claims["quote"].str.contains("alternative to back surgery")].itertuples()
    assert "For some people" in row.quote and " may " not in row.quote and " can " not in row.quote
    assert (row.hedge, row.direction, row.comparator) == ("certain", "favours_massage", "surgery")
    assert "can " not in row.statement and "is an effective alternative" in row.statement


def test_rhetoric_is_not_a_quantity(ev):
    (claim,) = ev.claims[ev.claims["quote"].str.startswith("That yearly massage")].itertuples()
    assert claim.claim_id not in set(ev.quantities["claim_id"])


def test_limits_of_benefit_are_efficacy_and_superlatives_name_their_comparator(ev):
    limits = ev.claims[
        ev.claims["quote"].str.contains(
            "does not work for all back pain|may not always be the best"
        )
    ]
    assert len(limits) == 2 and set(limits["category"]) == {"efficacy"}
    assert limits["direction"].isna().all()
    comparisons = ev.claims[ev.claims["category"] == "comparison"]
    assert comparisons["comparator"].notna().all()


def test_list_items_quote_their_item_not_a_growing_prefix(ev, texts):
    offered = claims_of(ev, "therapist-uses-variety-of-techniques")
    source = source_with(texts, "Cohen offers stretching, muscle rotation")
    listed = offered[offered["source_id"] == source].sort_values("start")
    spans = list(zip(listed["start"], listed["end"], strict=True))
    assert len(spans) >= 5
    for (_, end), (start, _) in itertools.pairwise(spans):
        assert end <= start  # no two quotes of the list overlap
    for row in listed.itertuples():
        assert texts[source][row.start : row.end] == row.quote


def test_consensus_shows_the_audit_verdict_beside_every_audited_assertion(ev, consensus):
    verdicts = ev.audit.set_index("assertion_id")["verdict"]
    for assertion, row in consensus.iterrows():
        if assertion in verdicts.index:
            assert row.verdict == verdicts[assertion], assertion
        else:
            assert pd.isna(row.verdict), assertion
    # The label counts repetition and sits beside a verdict that may say the opposite.
    among_best = consensus.loc["massage-among-best-treatments-for-back-pain"]
    assert (among_best.support_label, among_best.verdict) == ("repeated by 2 sources", "overstated")
