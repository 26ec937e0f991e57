"""Time figures of the claims (a `synthesis.time_to_relief` table): one bar per figure a quote
gives, from its smallest to its largest number, in one panel per unit.

How soon relief comes (`time_to_relief`) is drawn apart from every other time figure the sources
give, such as how long soreness or relaxation lasts or how often to go (`other_time_figures`):
each figure's title says which it shows. An open bound ("up to four weeks") starts the bar at 0,
dashed. With `highlight` (a condition), that condition's bars keep their colour and the others
turn grey; the legend says which is which.
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from ..vocabulary import Vocabulary
from .style import COLOURS, MUTED, claim_hover, esc, layout, legend_entry, say, wrap

# The quantities (vocabulary: quantity) that say how soon relief comes; every other time figure
# (soreness, relaxation, how often to go, …) is drawn apart from them.
RELIEF_QUANTITIES = ("sessions_to_relief", "time_to_benefit")
LABEL_WRAP = 34  # characters per line of a bar's label


def _bars(table: pd.DataFrame, vocabulary: Vocabulary, condition: str | None) -> list[dict]:
    rows = []
    for _, row in table.iterrows():
        low = None if pd.isna(row["min"]) else float(row["min"])
        high = None if pd.isna(row["max"]) else float(row["max"])
        name = (
            f"{vocabulary.label('condition', str(row['condition']))}: "
            f"{vocabulary.label('quantity', str(row['quantity']))} ({row['claim_id']})"
        )
        rows.append(
            {
                "unit": str(row["unit"]),
                "label": wrap(name, LABEL_WRAP),
                "start": 0.0 if low is None else low,
                "end": high if high is not None else low,
                "open_low": low is None,
                "on": condition in (None, str(row["condition"])),
                "hover": claim_hover(row, vocabulary, f"· “{esc(row['text'])}”"),
            }
        )
    return rows


def _present(table: pd.DataFrame, highlight: str | None) -> str | None:
    """`highlight` when the table has figures for that condition; else None (nothing to mark)."""
    return highlight if highlight in set(table["condition"].astype(str)) else None


def _chart(
    table: pd.DataFrame, vocabulary: Vocabulary, highlight: str | None, title: str, empty: str
) -> go.Figure:
    highlight = _present(table, highlight)
    rows = _bars(table, vocabulary, highlight)
    units = [u for u in vocabulary.terms("unit") if any(r["unit"] == u for r in rows)]
    counts = [sum(r["unit"] == u for r in rows) for u in units]
    fig = make_subplots(
        rows=max(len(units), 1),
        cols=1,
        row_heights=counts or None,
        vertical_spacing=0.12 if len(units) > 1 else 0.0,
    )
    for panel, unit in enumerate(units, start=1):
        for row in (r for r in rows if r["unit"] == unit):
            colour = COLOURS[0] if row["on"] else MUTED
            fig.add_trace(
                go.Scatter(
                    x=[row["start"], row["end"]],
                    y=[row["label"], row["label"]],
                    mode="lines+markers",
                    line={"color": colour, "width": 6, "dash": "dot" if row["open_low"] else None},
                    marker={"size": 12, "color": colour, "symbol": ["line-ns-open", "circle"]},
                    hovertext=[row["hover"], row["hover"]],
                    hovertemplate="%{hovertext}<extra></extra>",
                    showlegend=False,
                ),
                row=panel,
                col=1,
            )
        fig.update_xaxes(
            title_text=esc(vocabulary.label("unit", unit)), rangemode="tozero", row=panel, col=1
        )
        fig.update_yaxes(title_text="Claim", autorange="reversed", row=panel, col=1)
    if highlight and any(not r["on"] for r in rows):
        legend_entry(fig, vocabulary.label("condition", highlight), COLOURS[0])
        legend_entry(fig, "Grey: other conditions", MUTED)
    if not rows:
        fig.update_xaxes(visible=False)
        fig.update_yaxes(visible=False)
        say(fig, empty)
    height = 140 + 60 * max(sum(counts), 1) + 60 * len(units)
    return layout(fig, title, height)


def _title(what: str, table: pd.DataFrame, vocabulary: Vocabulary, highlight: str | None) -> str:
    """`what`, then the one condition the table holds, or "by condition" (and the highlight)."""
    highlight = _present(table, highlight)
    if not highlight:
        return f"{what}, by condition"
    name = vocabulary.label("condition", highlight)
    if set(table["condition"].astype(str)) == {highlight}:
        return f"{what}: {name}"
    return f"{what}, by condition: {name.lower()} highlighted"


def split_relief(table: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The rows of `table` saying how soon relief comes, and the other time figures."""
    relief = table["quantity"].isin(RELIEF_QUANTITIES)
    return table[relief], table[~relief]


def time_to_relief(
    table: pd.DataFrame, vocabulary: Vocabulary, highlight: str | None = None
) -> go.Figure:
    """How soon relief comes (the RELIEF_QUANTITIES of `table`), one bar per figure."""
    relief, _ = split_relief(table)
    what = "How soon relief comes"
    title = _title(what, relief, vocabulary, highlight)
    return _chart(relief, vocabulary, highlight, title, f"No figure in the evidence: {what}")


def other_time_figures(
    table: pd.DataFrame, vocabulary: Vocabulary, highlight: str | None = None
) -> go.Figure:
    """Every time figure of `table` but how soon relief comes (how long soreness or relaxation
    lasts, how often to go, …), titled by the quantities it draws."""
    _, other = split_relief(table)
    quantities = [
        q for q in vocabulary.terms("quantity") if q in set(other["quantity"].astype(str))
    ]
    names = [vocabulary.label("quantity", q) for q in quantities]
    what = ", ".join([names[0], *(n.lower() for n in names[1:])]) if names else "Other figures"
    title = _title(what, other, vocabulary, highlight)
    return _chart(other, vocabulary, highlight, title, "No other time figure in the evidence")
