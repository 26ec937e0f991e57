"""Every figure of the real evidence: titled, labelled, citing each claim, and deterministic."""

from __future__ import annotations

import html
import json

import plotly.graph_objects as go
import plotly.io as pio
import pytest

import massage_evidence as me
from massage_evidence import figures


@pytest.fixture(scope="module")
def ev() -> me.Evidence:
    return me.load()


BUILDERS = {
    "evidence_map": lambda ev: figures.evidence_map(ev.claims, ev.sources, ev.vocabulary),
    "basis_by_source": lambda ev: figures.basis_by_source(ev.claims, ev.sources, ev.vocabulary),
    "agreement": lambda ev: figures.agreement(
        me.consensus(ev, min_sources=2), ev.claims, ev.sources, ev.vocabulary, "Shared"
    ),
    "source_profile": lambda ev: figures.source_profile(
        ev.claims, ev.sources, ev.vocabulary, "harvard-massage-back-on-feet"
    ),
    "safety_map": lambda ev: figures.safety_map(ev.claims, ev.sources, ev.vocabulary),
    "comparisons": lambda ev: figures.comparisons(
        me.comparisons(ev), ev.vocabulary, highlight="acupuncture"
    ),
    "tension_map": lambda ev: figures.tension_map(me.tensions(ev), ev.vocabulary),
    "time_to_relief": lambda ev: figures.time_to_relief(
        me.time_to_relief(ev), ev.vocabulary, highlight="new_localized_injury"
    ),
}


def hover_texts(fig: go.Figure) -> list[str]:
    return [text for trace in fig.data for text in trace.hovertext]


@pytest.mark.parametrize("name", BUILDERS)
def test_every_figure_has_a_title_labelled_axes_and_cites_each_claim(ev, name):
    fig = BUILDERS[name](ev)
    assert fig.layout.title.text
    axes = [fig.layout[key] for key in fig.layout if key.startswith(("xaxis", "yaxis"))]
    assert axes and all(axis.title.text for axis in axes)
    texts = hover_texts(fig)
    assert texts
    titles = {html.escape(t, quote=False) for t in ev.sources["title"]}
    claims = ev.claims.set_index("claim_id")
    for text in texts:
        claim_id = text.split("</b>")[0].removeprefix("<b>")
        quote = html.escape(claims.loc[claim_id, "quote"], quote=False)
        flat = text.replace("<br>", " ")
        assert quote.split()[0] in flat and quote.split()[-1] in flat, (name, claim_id)
        assert any(title.split()[0] in flat for title in titles), (name, claim_id)


@pytest.mark.parametrize("name", BUILDERS)
def test_every_figure_is_the_same_json_every_time(ev, name):
    assert pio.to_json(BUILDERS[name](ev)) == pio.to_json(BUILDERS[name](me.load()))


def test_the_evidence_map_draws_every_claim_once(ev):
    fig = figures.evidence_map(ev.claims, ev.sources, ev.vocabulary)
    drawn = [text.split("</b>")[0].removeprefix("<b>") for text in hover_texts(fig)]
    assert sorted(drawn) == sorted(ev.claims["claim_id"])
    assert {trace.name for trace in fig.data} <= set(ev.vocabulary.labels("basis").values())


def test_time_to_relief_for_one_condition_names_it_in_the_title(ev):
    table = me.time_to_relief(ev, condition="widespread_longstanding_pain")
    fig = figures.time_to_relief(table, ev.vocabulary, highlight="widespread_longstanding_pain")
    assert fig.layout.title.text == "Time to relief: Longer-lasting, widespread pain"
    (trace,) = fig.data
    assert trace.x == (0.0, 4.0) and trace.line.dash == "dot"  # "as many as four weeks"
    assert fig.layout.xaxis.title.text == "weeks"


def test_a_highlighted_comparator_keeps_its_colour_and_greys_the_rest(ev):
    fig = figures.comparisons(me.comparisons(ev), ev.vocabulary, highlight="acupuncture")
    colours = {
        text.split("</b>")[0].removeprefix("<b>"): colour
        for trace in fig.data
        for text, colour in zip(trace.hovertext, trace.marker.color, strict=True)
    }
    assert colours["harvard-014"] != figures.MUTED
    assert colours["harvard-013"] == figures.MUTED


def test_text_from_the_evidence_is_escaped(ev):
    hostile = "<script>window.__pwned=1</script>"
    claims = ev.claims.copy()
    claims["quote"] = claims["quote"].astype(object)
    claims.loc[claims.index[0], "quote"] = hostile
    fig = figures.evidence_map(claims, ev.sources, ev.vocabulary)
    spec = json.dumps(fig.to_plotly_json(), default=str)
    assert "<script>" not in spec and "&lt;script&gt;" in spec


def test_an_empty_table_still_gives_a_titled_figure(ev):
    fig = figures.comparisons(me.comparisons(ev).iloc[:0], ev.vocabulary)
    assert fig.layout.title.text and fig.layout.annotations[0].text == "No claims in the evidence"
