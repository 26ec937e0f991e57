"""Every figure of the real evidence: titled, labelled, citing each claim, and deterministic."""

from __future__ import annotations

import html
import json
import re

import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio
import pytest
import yaml

import massage_evidence as me
from massage_evidence import audit, figures

from .conftest import EVIDENCE


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
        me.comparisons(ev), ev.sources, ev.vocabulary, highlight="acupuncture"
    ),
    "tension_map": lambda ev: figures.tension_map(me.tensions(ev), ev.vocabulary),
    "time_to_relief": lambda ev: figures.time_to_relief(
        me.time_to_relief(ev), ev.vocabulary, highlight="new_localized_injury"
    ),
    "other_time_figures": lambda ev: figures.other_time_figures(
        me.time_to_relief(ev), ev.vocabulary, highlight="back_pain_general"
    ),
}


def data_traces(fig: go.Figure) -> list[go.Scatter]:
    """The traces that draw something (not the marker-only lines of a legend)."""
    return [trace for trace in fig.data if trace.hoverinfo != "skip"]


def plain(text: str) -> str:
    """A label as it reads: its lines joined by spaces, without bold or italics."""
    return " ".join(re.sub(r"</?[bi]>", "", text).replace("<br>", " ").split())


def hover_texts(fig: go.Figure) -> list[str]:
    return [text for trace in data_traces(fig) for text in trace.hovertext]


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
    assert fig.layout.title.text == "How soon relief comes: Longer-lasting, widespread pain"
    (trace,) = fig.data
    assert trace.x == (0.0, 4.0) and trace.line.dash == "dot"  # "as many as four weeks"
    assert fig.layout.xaxis.title.text == "weeks"


def test_a_highlighted_comparator_keeps_its_colour_and_greys_the_rest(ev):
    fig = figures.comparisons(
        me.comparisons(ev), ev.sources, ev.vocabulary, highlight="acupuncture"
    )
    colours = {
        text.split("</b>")[0].removeprefix("<b>"): colour
        for trace in data_traces(fig)
        for text, colour in zip(trace.hovertext, trace.marker.color, strict=True)
    }
    assert colours["harvard-014"] != figures.MUTED
    assert colours["harvard-013"] == figures.MUTED
    (grey,) = [trace for trace in fig.data if trace.hoverinfo == "skip"]
    assert (grey.name, grey.marker.color, grey.showlegend) == (
        "Grey: other comparators",
        figures.MUTED,
        True,
    )


def test_text_from_the_evidence_is_escaped(ev):
    hostile = "<script>window.__pwned=1</script>"
    claims = ev.claims.copy()
    claims["quote"] = claims["quote"].astype(object)
    claims.loc[claims.index[0], "quote"] = hostile
    fig = figures.evidence_map(claims, ev.sources, ev.vocabulary)
    spec = json.dumps(fig.to_plotly_json(), default=str)
    assert "<script>" not in spec and "&lt;script&gt;" in spec


def test_an_empty_table_still_gives_a_titled_figure(ev):
    fig = figures.comparisons(me.comparisons(ev).iloc[:0], ev.sources, ev.vocabulary)
    assert fig.layout.title.text and fig.layout.annotations[0].text == "No claims in the evidence"


EFFECTS = ("mean_difference", "standardised_mean_difference")


def forest_of(ev: me.Evidence, table=None) -> go.Figure:
    return figures.forest(audit.results(ev) if table is None else table, ev.vocabulary, "Results")


def drawn(fig: go.Figure) -> dict[str, go.Scatter]:
    return {trace.customdata[0]: trace for trace in data_traces(fig)}


def test_the_forest_draws_every_figure_exactly_as_studies_yaml_gives_it(ev):
    studies = yaml.safe_load((EVIDENCE / "studies.yaml").read_text(encoding="utf-8"))
    expected = {}
    for result in (r for study in studies for r in study["results"]):
        if result["estimate_type"] in EFFECTS:
            ends = (result["ci_low"], result["value"], result["ci_high"])
            expected[result["id"]] = tuple(v for v in ends if v is not None)
        elif result["estimate_type"] == "group_means":
            expected[result["id"]] = (result["arm_mean"], result["comparator_mean"])
    traces = drawn(forest_of(ev))
    assert {result_id: trace.x for result_id, trace in traces.items()} == expected
    for result_id, trace in traces.items():
        assert trace.y == (trace.y[0],) * len(trace.x)  # one row per result
        means = len(expected[result_id]) == 2
        assert trace.mode == ("markers+text" if means else "lines+markers"), result_id


def test_mean_differences_and_smds_never_share_a_panel(ev):
    fig = forest_of(ev)
    coded = audit.results(ev).set_index("result_id")
    panels: dict[str, set[tuple[str, str]]] = {}
    for result_id, trace in drawn(fig).items():
        kind = (coded.loc[result_id, "estimate_type"], coded.loc[result_id, "outcome"])
        panels.setdefault(trace.xaxis, set()).add(kind)
    smd_panels = 0
    for axis, kinds in panels.items():
        (estimate,) = {estimate for estimate, _ in kinds}  # one estimate type per panel
        title = plain(fig.layout["xaxis" + axis[1:]].title.text)
        assert title.startswith(ev.vocabulary.label("estimate_type", estimate)), title
        if estimate == "standardised_mean_difference":
            smd_panels += 1
        else:
            assert len(kinds) == 1, kinds  # mean differences and group means: one outcome each
    assert smd_panels == 1 and len(panels) == 5


def test_each_row_and_hover_names_what_the_result_is_and_where_it_comes_from(ev):
    fig = forest_of(ev)
    traces = drawn(fig)
    secondary = traces["cochrane-2015-inactive-pain-short"].hovertext[0]
    for part in (
        "<b>Cochrane 2015 (Furlan)</b>",
        "Massage vs inactive controls",
        "Pain relief · Short term · Sub-acute or chronic low back pain",
        "Standardised mean difference (SMD) −0.75 (95% CI −0.90 to −0.60)",
        "761 participants in 7 studies",
        "GRADE certainty: not reported in the sources we hold",
        "Source: As reported by a secondary source",
    ):
        assert part in secondary, part
    trial = traces["cherkin-2011-relaxation-function-10w"].hovertext[0]
    assert "Relaxation massage (n = 136) vs Usual care (n = 133)" in trial
    assert "Short term (10 weeks)" in trial and "Source: Primary" in trial
    means = traces["cherkin-2001-self-care-function-10w"].hovertext[0]
    assert "Group means with P: 5.88 vs 8.92; P &lt; .001" in means
    labels = [
        label for key in fig.layout if key.startswith("yaxis") for label in fig.layout[key].ticktext
    ]
    labels = [plain(label) for label in labels]
    assert sum("As reported by a secondary source" in label for label in labels) == 3
    assert sum("GRADE certainty: Very low" in label for label in labels) == 2
    assert sum("● massage, ○ comparator; P" in label for label in labels) == 5


def test_a_missing_interval_or_certainty_is_said_to_be_not_reported(ev):
    table = audit.results(ev)
    row = table["result_id"] == "cochrane-2015-active-pain-short"
    table.loc[row, ["ci_low", "ci_high", "participants", "studies"]] = pd.NA
    table.loc[row, "certainty"] = pd.NA
    trace = drawn(forest_of(ev, table))["cochrane-2015-active-pain-short"]
    assert trace.x == (-0.37,) and trace.mode == "markers"  # no interval is drawn or invented
    hover = trace.hovertext[0]
    assert "−0.37 (95% CI not reported in the sources we hold)" in hover
    assert "Participants: not reported in the sources we hold" in hover
    assert "GRADE certainty: not reported in the sources we hold" in hover


def test_a_forest_of_results_without_figures_says_there_is_nothing_to_draw(ev):
    safety = audit.basis(ev, "massage-generally-safe")
    assert len(safety) == 4 and figures.drawable(safety).empty
    fig = forest_of(ev, safety)
    assert not fig.data and fig.layout.title.text == "Results"
    assert fig.layout.annotations[0].text == figures.NOTHING_TO_DRAW


def test_the_forest_is_the_same_json_every_time_and_escapes_the_evidence(ev):
    assert pio.to_json(forest_of(ev)) == pio.to_json(forest_of(me.load()))
    table = audit.results(ev)
    table["finding"] = table["finding"].astype(object)
    table.loc[table.index[9], "finding"] = "<script>window.__pwned=1</script>"
    spec = json.dumps(forest_of(ev, table).to_plotly_json(), default=str)
    assert "<script>" not in spec and "&lt;script&gt;" in spec


def test_hover_names_the_basis_by_its_label_so_invoked_research_never_reads_as_cited(ev):
    texts = hover_texts(figures.evidence_map(ev.claims, ev.sources, ev.vocabulary))
    (best_studies,) = [t for t in texts if t.startswith("<b>harvard-014</b>")]
    assert "basis: Says studies show (none named) · hedge: Certain" in best_studies
    assert not any("Research cited" in t or "research_cited" in t for t in texts)


RELIEF = {"sessions_to_relief", "time_to_benefit"}  # how soon relief comes (vocabulary: quantity)


def drawn_claims(fig: go.Figure) -> set[str]:
    return {text.split("</b>")[0].removeprefix("<b>") for text in hover_texts(fig)}


def test_relief_is_drawn_apart_from_the_other_time_figures_and_each_is_titled_for_it(ev):
    table = me.time_to_relief(ev)
    quantity = table.set_index("claim_id")["quantity"].astype(str)
    relief = figures.time_to_relief(table, ev.vocabulary)
    other = figures.other_time_figures(table, ev.vocabulary)
    assert {quantity[c] for c in drawn_claims(relief)} == RELIEF
    assert drawn_claims(relief) | drawn_claims(other) == set(table["claim_id"])
    assert not RELIEF & {quantity[c] for c in drawn_claims(other)}
    assert relief.layout.title.text == "How soon relief comes, by condition"
    # Soreness and relaxation last a day or two and up to two weeks: the title names them.
    title = other.layout.title.text
    assert title.startswith("Visit frequency, soreness duration, relaxation duration"), title
    assert "relief" not in title.lower()


def test_a_condition_without_relief_figures_highlights_nothing_in_the_relief_figure(ev):
    fig = figures.time_to_relief(me.time_to_relief(ev), ev.vocabulary, highlight="sciatica")
    assert fig.layout.title.text == "How soon relief comes, by condition"
    assert {trace.line.color for trace in data_traces(fig)} == {figures.COLOURS[0]}
    assert len(data_traces(fig)) == len(fig.data)  # no legend for a highlight that is not there


def test_every_grey_highlight_and_second_colour_is_named_in_the_legend(ev):
    time = figures.time_to_relief(
        me.time_to_relief(ev), ev.vocabulary, highlight="new_localized_injury"
    )
    legend = {trace.name: trace.marker.color for trace in time.data if trace.showlegend}
    assert legend == {
        "New, localised injury": figures.COLOURS[0],
        "Grey: other conditions": figures.MUTED,
    }
    forest = forest_of(ev)
    legend = {trace.name: trace.marker.color for trace in forest.data if trace.showlegend}
    assert legend == {
        "Primary": figures.COLOURS[0],
        "As reported by a secondary source": figures.COLOURS[1],
    }
    for trace in data_traces(forest):
        secondary = trace.line.dash == "dash"
        assert trace.marker.color == figures.COLOURS[1 if secondary else 0]


def test_a_group_means_panel_names_its_scale_and_which_way_is_better(ev):
    fig = forest_of(ev, audit.basis(ev, "massage-better-than-usual-care"))
    titles = [plain(fig.layout[key].title.text) for key in fig.layout if key.startswith("xaxis")]
    means = [title for title in titles if title.startswith("Group means with P")]
    assert means, titles
    # Cherkin 2001 (studies.yaml): function on the Roland scale, 0 to 23; massage 5.88 against
    # 8.92 with self-care, favouring massage, so a lower mean is better.
    function = next(title for title in means if ": Function" in title)
    assert "Dysfunction (Roland disability), 0 to 23; lower is better" in function
    for title in titles:
        if title.startswith("Mean difference"):
            assert "below 0 favours massage" in title


def test_sources_go_by_their_short_names_in_the_order_of_the_tables(ev):
    fig = figures.evidence_map(ev.claims, ev.sources, ev.vocabulary)
    names = [html.unescape(t.replace("<br>", " ")) for t in fig.layout.xaxis.ticktext]
    # the publisher without ".com", else the title up to its colon; alphabetical
    assert names == [
        "Harvard Health Publishing",
        "Lifescript",
        "Massage Therapy for Back Pain",
        "Therapeutic Back Pain Massage",
        "WebMD",
    ]
