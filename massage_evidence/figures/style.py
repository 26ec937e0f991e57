"""What every figure shares: the template, the colours, escaping and wrapping of text, the title,
and the short names sources go by on an axis or in a legend.

Text from the evidence is HTML-escaped before plotly sees it, so it is always shown literally.
Tick labels are wrapped to a few words a line, and x tick labels turn (0° or 90°, chosen by
plotly.js from the width the page gives the figure) rather than overlap on a narrow screen.
"""

from __future__ import annotations

import html
import textwrap

import pandas as pd
import plotly.graph_objects as go

from .. import sources_order
from ..vocabulary import Vocabulary
from ..wording import NOT_STATED

COLOURS = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#999999", "#000000"]
MUTED = "#C8C8C8"
TEMPLATE = go.layout.Template(
    layout={
        "font": {"family": "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif", "size": 13},
        "paper_bgcolor": "white",
        "plot_bgcolor": "white",
        "hoverlabel": {"align": "left", "bgcolor": "white", "font": {"size": 12}},
        "legend": {
            "title": {"side": "top left"},
            "orientation": "h",
            "xref": "container",
            "yref": "container",
            "x": 0.0,
            "y": 0.0,
            "xanchor": "left",
            "yanchor": "bottom",
        },
        "margin": {"t": 70, "r": 30, "b": 70, "l": 30},
        "xaxis": {
            "automargin": "height",  # below the plot only: a wide title never narrows the plot
            "autotickangles": [0, 90],
            "gridcolor": "#EEEEEE",
            "title": {"standoff": 24},
        },
        "yaxis": {"automargin": True, "gridcolor": "#EEEEEE"},
    }
)
NOTHING = "No claims in the evidence"
LEGEND_LINE = 24  # px a legend entry takes when entries stack, one a line


def esc(value: object) -> str:
    """`value` as text plotly shows literally (HTML-escaped); empty for a missing value."""
    return "" if value is None or value is pd.NA else html.escape(str(value), quote=False)


def wrap(text: object, width: int = 64, italic: bool = False) -> str:
    """Escaped text broken into lines of at most `width` characters with <br>, each line in
    italics when `italic` (plotly's <i> does not span a line break)."""
    if text is None or text is pd.NA:
        return ""
    form = "<i>{}</i>" if italic else "{}"
    return "<br>".join(form.format(esc(line)) for line in textwrap.wrap(str(text), width))


def label(vocabulary: Vocabulary, field: str, term: object) -> object:
    """The vocabulary's label of `term`, or `term` itself when it is missing or not a term."""
    if term is None or term is pd.NA or str(term) not in vocabulary.labels(field):
        return term
    return vocabulary.label(field, str(term))


def terms(frame: pd.DataFrame, column: str) -> pd.Series:
    """The values of `frame[column]` as text, a missing one as NOT_STATED."""
    return frame[column].astype(object).where(frame[column].notna(), NOT_STATED).astype(str)


def claim_hover(row: pd.Series, vocabulary: Vocabulary, extra: str = "") -> str:
    """Claim id, quote, who says it and the source: the hover text of one claim. Basis and hedge
    read as the vocabulary labels them, so invoked research reads "Says studies show (none
    named)", never as a citation."""
    who = row.get("who")
    said_by = f"{esc(who)}, " if isinstance(who, str) and who != row["source_title"] else ""
    lines = [
        f"<b>{esc(row['claim_id'])}</b> {extra}".rstrip(),
        f"“{wrap(row['quote'])}”",
        f"— {said_by}<i>{wrap(row['source_title'])}</i>",
        f"basis: {esc(label(vocabulary, 'basis', row['basis']))} · "
        f"hedge: {esc(label(vocabulary, 'hedge', row['hedge']))}",
    ]
    return "<br>".join(lines)


def short_names(sources: pd.DataFrame) -> pd.Series:
    """Each source's short name, indexed by source id in the one order of the reports: the
    tables' names and order (`sources_order`), so that figures and tables read alike."""
    return pd.Series(sources_order.short_names(sources), dtype="string")


def layout(fig: go.Figure, title: str, height: int) -> go.Figure:
    """Apply the template, the title (escaped) and the height: `height` for the plot and its
    labels, and a line more for each legend entry, which a narrow screen stacks below the plot."""
    entries = sum(1 for trace in fig.data if trace.showlegend is not False and trace.name)
    fig.update_layout(
        template=TEMPLATE,
        title={"text": esc(title), "x": 0.01, "xanchor": "left"},
        height=height + LEGEND_LINE * entries,
    )
    return fig


def say(fig: go.Figure, text: str) -> None:
    """Write `text` in the middle of an empty figure."""
    fig.add_annotation(text=esc(text), x=0.5, y=0.5, xref="paper", yref="paper", showarrow=False)


def legend_entry(fig: go.Figure, name: str, colour: str, symbol: str = "circle") -> None:
    """A legend line for a colour that no trace names (a highlight's grey, a secondary figure):
    a marker-only trace with no data, which hover never reaches."""
    fig.add_trace(
        go.Scatter(
            x=[None],
            y=[None],
            mode="markers",
            name=esc(name),
            marker={"size": 10, "color": colour, "symbol": symbol},
            hoverinfo="skip",
            showlegend=True,
        )
    )
