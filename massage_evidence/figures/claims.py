"""Dot charts of the claims: one dot per claim, so nothing is hidden in an aggregate.

Each chart places claims in the cells of two coded dimensions and colours them by a third; dots
sharing a cell are packed in a fixed grid ordered by claim id. Every dot's hover text gives the
claim id, the verbatim quote, who says it and the source. Sources go by their short names on an
axis or in a legend, in the order of `sources.yaml`. Where a chart highlights one row, the other
rows turn grey and the legend says what grey means.

The claim tables are those of `massage_evidence.synthesis` (or `Evidence.claims`): each row has
claim_id, quote, hedge, basis and source_id (and source_title, else looked up in `sources`).
"""

from __future__ import annotations

import math
import textwrap
from dataclasses import dataclass

import pandas as pd
import plotly.graph_objects as go

from ..vocabulary import Vocabulary
from ..wording import NOT_STATED
from .style import (
    COLOURS,
    MUTED,
    NOTHING,
    claim_hover,
    esc,
    layout,
    legend_entry,
    say,
    short_names,
    terms,
    wrap,
)

SAFETY_CATEGORIES = ("safety", "contraindication", "red_flag")
PLOT_WIDTH, DOT = 760, 15  # the plotting width assumed when packing dots, and one dot's size (px)
X_WRAP, Y_WRAP = 40, 28  # characters per line of an x and a y tick label
LINE = 17  # px a line of a y tick label takes
UPRIGHT_CHARACTER = 7  # px a character of an x tick label takes when a narrow screen turns it 90°


@dataclass(frozen=True)
class _Axis:
    """One coded dimension of a dot chart: its column, its terms in order, labels and title."""

    column: str
    order: list[str]
    labels: dict[str, str]
    title: str

    def label(self, term: str) -> str:
        return self.labels.get(term, term)


def _with_sources(claims: pd.DataFrame, sources: pd.DataFrame) -> pd.DataFrame:
    """`claims` with each source's title (unless it has them) and its short name as `source`."""
    if "source_title" not in claims.columns:
        titles = sources.set_index("source_id")["title"]
        claims = claims.assign(source_title=claims["source_id"].map(titles).astype("string"))
    names = short_names(sources)
    return claims.assign(source=claims["source_id"].map(names).astype("string"))


def _sources(frame: pd.DataFrame, sources: pd.DataFrame) -> _Axis:
    """An axis (or legend) over the sources of `frame`, by short name, in the one source order."""
    present = set(frame["source_id"].astype(str))
    names = short_names(sources)
    return _Axis("source", [str(names[s]) for s in names.index if s in present], {}, "Source")


def _coded(vocabulary: Vocabulary, field: str, column: str, frame: pd.DataFrame) -> _Axis:
    """An axis over the vocabulary terms of `field` that occur in `frame[column]`."""
    present = set(frame[column].dropna().astype(str))
    order = [term for term in vocabulary.terms(field) if term in present]
    labels = vocabulary.labels(field)
    if frame[column].isna().any():
        order.append(NOT_STATED)
    return _Axis(column, order, labels, field.replace("_", " ").capitalize())


def _dot_chart(
    frame: pd.DataFrame,
    x: _Axis,
    y: _Axis,
    colour: _Axis,
    title: str,
    vocabulary: Vocabulary,
    highlight: str | None = None,
    muted: str = "",
) -> go.Figure:
    """One dot per claim in the cell (x term, y term), coloured by `colour`'s term.

    With `highlight`, only the y row of that term keeps its colours; the others are grey, and a
    legend line `muted` says what grey stands for.
    """
    frame = frame.assign(
        _x=terms(frame, x.column), _y=terms(frame, y.column), _c=terms(frame, colour.column)
    ).sort_values(["_x", "_y", "claim_id"], kind="stable")
    frame["_rank"] = frame.groupby(["_x", "_y"]).cumcount()
    most = int(frame.groupby(["_x", "_y"]).size().max()) if len(frame) else 1
    across = max(1, min(most, PLOT_WIDTH // (DOT * max(len(x.order), 1))))
    lines = math.ceil(most / across)
    x_pos = {term: i for i, term in enumerate(x.order)}
    y_pos = {term: i for i, term in enumerate(y.order)}
    x_step, y_step = 0.8 / across, 0.8 / lines
    # astype(float): an empty column keeps its string dtype through map (pyarrow strings fail then)
    frame["_px"] = (
        frame["_x"].map(x_pos).astype(float) + (frame["_rank"] % across - (across - 1) / 2) * x_step
    )
    frame["_py"] = (
        frame["_y"].map(y_pos).astype(float) + (frame["_rank"] // across - (lines - 1) / 2) * y_step
    )

    fig = go.Figure()
    for i, term in enumerate(colour.order):
        dots = frame[frame["_c"] == term]
        if dots.empty:
            continue
        colours = [
            COLOURS[i % len(COLOURS)] if highlight in (None, row) else MUTED for row in dots["_y"]
        ]
        fig.add_trace(
            go.Scatter(
                x=dots["_px"].round(4).tolist(),
                y=dots["_py"].round(4).tolist(),
                mode="markers",
                name=esc(colour.label(term)),
                marker={"size": 10, "color": colours, "line": {"width": 1, "color": "white"}},
                hovertext=[claim_hover(row, vocabulary) for _, row in dots.iterrows()],
                hovertemplate="%{hovertext}<extra></extra>",
            )
        )
    if highlight is not None and (frame["_y"] != highlight).any():
        legend_entry(fig, muted, MUTED)
    fig.update_xaxes(
        tickvals=list(range(len(x.order))),
        ticktext=[wrap(x.label(term), X_WRAP) for term in x.order],
        range=[-0.6, len(x.order) - 0.4],
        showgrid=False,
        zeroline=False,
    )
    fig.update_yaxes(
        tickvals=list(range(len(y.order))),
        ticktext=[wrap(y.label(term), Y_WRAP) for term in y.order],
        range=[len(y.order) - 0.4, -0.6],
        showgrid=False,
        zeroline=False,
    )
    for i in range(len(y.order) - 1):
        fig.add_hline(y=i + 0.5, line={"color": "#EEEEEE", "width": 1})
    if frame.empty:
        say(fig, NOTHING)
    fig.update_layout(
        legend_title_text=esc(colour.title),
        xaxis_title=esc(x.title),
        yaxis_title=esc(y.title),
    )
    label_lines = max((len(textwrap.wrap(y.label(term), Y_WRAP)) for term in y.order), default=1)
    row = max(lines * DOT, label_lines * LINE) + 16
    # room for the x labels turned upright on a narrow screen, so the rows keep their height
    upright = max((len(x.label(term)[:X_WRAP]) for term in x.order), default=0) * UPRIGHT_CHARACTER
    return layout(fig, title, max(200 + upright + len(y.order) * row, 360))


def evidence_map(claims: pd.DataFrame, sources: pd.DataFrame, vocabulary: Vocabulary) -> go.Figure:
    """Every claim by source (x) and category (y), coloured by what it rests on (basis)."""
    frame = _with_sources(claims, sources)
    return _dot_chart(
        frame,
        _sources(frame, sources),
        _coded(vocabulary, "category", "category", frame),
        _coded(vocabulary, "basis", "basis", frame),
        f"Evidence map: {len(frame)} claims of {frame['source_id'].nunique()} sources",
        vocabulary,
    )


def basis_by_source(
    claims: pd.DataFrame, sources: pd.DataFrame, vocabulary: Vocabulary
) -> go.Figure:
    """What each source's claims rest on: source (x) by basis (y), coloured by how hedged."""
    frame = _with_sources(claims, sources)
    return _dot_chart(
        frame,
        _sources(frame, sources),
        _coded(vocabulary, "basis", "basis", frame),
        _coded(vocabulary, "hedge", "hedge", frame),
        "What the claims rest on, source by source",
        vocabulary,
    )


def agreement(
    consensus: pd.DataFrame,
    claims: pd.DataFrame,
    sources: pd.DataFrame,
    vocabulary: Vocabulary,
    title: str,
) -> go.Figure:
    """Which sources make each assertion of `consensus` (rows, in its order): one dot per claim."""
    frame = _with_sources(claims, sources)
    statements = consensus.set_index("assertion_id")["statement"]
    frame = frame[frame["assertion_id"].isin(statements.index)]
    frame = frame.assign(assertion=frame["assertion_id"].map(statements).astype("string"))
    drawn = set(frame["assertion_id"])
    order = [str(statements[a]) for a in consensus["assertion_id"] if a in drawn]
    y = _Axis("assertion", order, {}, "Assertion")
    x = _sources(frame, sources)
    return _dot_chart(frame, x, y, _coded(vocabulary, "hedge", "hedge", frame), title, vocabulary)


def source_profile(
    claims: pd.DataFrame, sources: pd.DataFrame, vocabulary: Vocabulary, source: str
) -> go.Figure:
    """The claims of `source` by basis (x) and category (y), coloured by hedge."""
    frame = _with_sources(claims[claims["source_id"] == source], sources)
    name = short_names(sources)[source]
    return _dot_chart(
        frame,
        _coded(vocabulary, "basis", "basis", frame),
        _coded(vocabulary, "category", "category", frame),
        _coded(vocabulary, "hedge", "hedge", frame),
        f"What {name} claims, and on what basis",
        vocabulary,
    )


def safety_map(claims: pd.DataFrame, sources: pd.DataFrame, vocabulary: Vocabulary) -> go.Figure:
    """Safety, contraindication and red-flag claims by category (x) and condition (y)."""
    frame = _with_sources(claims, sources)
    frame = frame[frame["category"].isin(SAFETY_CATEGORIES)]
    return _dot_chart(
        frame,
        _coded(vocabulary, "category", "category", frame),
        _coded(vocabulary, "condition", "condition", frame),
        _sources(frame, sources),
        "Safety, contraindications and red flags, by condition",
        vocabulary,
    )


def comparisons(
    table: pd.DataFrame,
    sources: pd.DataFrame,
    vocabulary: Vocabulary,
    highlight: str | None = None,
) -> go.Figure:
    """Comparison claims (a `synthesis.comparisons` table): comparator (y) by direction (x).

    `highlight` (a comparator) keeps its row coloured and greys the others.
    """
    frame = _with_sources(table, sources)
    comparator = _coded(vocabulary, "comparator", "comparator", frame)
    name = comparator.label(highlight) if highlight else None
    title = f"Massage compared with {name.lower()}" if name else "What massage is compared with"
    if highlight and set(frame["comparator"].dropna().astype(str)) != {highlight}:
        title = f"Every comparison, {name.lower()} highlighted"
    return _dot_chart(
        frame,
        _coded(vocabulary, "direction", "direction", frame),
        comparator,
        _sources(frame, sources),
        title,
        vocabulary,
        highlight=highlight,
        muted="Grey: other comparators",
    )


def tension_map(table: pd.DataFrame, vocabulary: Vocabulary) -> go.Figure:
    """The claims on each side of each curated tension (a `synthesis.tensions` table)."""
    frame = table[table["claim_id"].notna()]
    reasons = dict(zip(frame["tension_id"].astype(str), frame["reason"].astype(str), strict=False))
    y = _Axis("tension_id", list(reasons), {}, "Tension")
    x = _Axis("side", ["first", "second"], {"first": "First side", "second": "Second side"}, "Side")
    return _dot_chart(
        frame,
        x,
        y,
        _coded(vocabulary, "tension_kind", "kind", frame),
        f"{len(reasons)} curated tensions: the claims on each side",
        vocabulary,
    )
