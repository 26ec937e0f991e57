"""Showing figures and tables in a notebook so that one notebook works everywhere.

A figure is displayed as one bundle of three representations of the same JSON:

- `application/vnd.plotly.v1+json`: JupyterLab's plotly extension (shipped in the plotly wheel)
  draws it interactively, offline;
- `text/html`: plotly's own `to_html` without plotly.js, a `<div>` and a script calling
  `Plotly.newPlot`. An HTML export picks this one; the report template loads one shared copy of
  plotly.js in the page head, so the script draws the figure without any network and without
  inlining 4.8 MB of plotly.js into every report;
- `text/plain`: the figure's title, for terminals and readable nbval diffs.

Nothing in a bundle depends on time, memory addresses or randomness: the div id is derived from
the figure's content (plotly's own would be random), so a notebook's stored outputs and the
reports are the same bytes on every run (nbval compares them strictly). `fig.show()` is never
used: it imports nbformat in the kernel (over a second) and stores only the JSON representation,
which HTML exports drop.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from html import escape, unescape
from typing import Any

import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio

PLOTLY_MIMETYPE = "application/vnd.plotly.v1+json"
CONFIG = {"displaylogo": False, "responsive": True}
DEFAULT_HEIGHT = 450


def figure_id(spec: dict[str, Any]) -> str:
    """A stable id for a figure: a digest of its JSON, so equal figures get equal ids."""
    text = json.dumps(spec, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    return f"fig-{hashlib.sha256(text.encode()).hexdigest()[:12]}"


def title_of(fig: go.Figure) -> str:
    """The figure's title as plain text (figures escape their text for plotly), or 'Figure'."""
    return unescape(fig.layout.title.text or "Figure")


def figure_bundle(fig: go.Figure) -> tuple[dict[str, Any], dict[str, Any]]:
    """The display data and metadata for `fig`: plotly JSON, HTML and a plain-text title."""
    spec = json.loads(pio.to_json(fig, validate=False))
    div_id = figure_id(spec)
    html = pio.to_html(
        fig,
        config=CONFIG,
        include_plotlyjs=False,
        include_mathjax=False,
        full_html=False,
        div_id=div_id,
        default_height=f"{DEFAULT_HEIGHT}px",
        validate=False,
    )
    data = {
        PLOTLY_MIMETYPE: {**spec, "config": CONFIG},
        "text/html": html,
        "text/plain": f"Figure: {title_of(fig)}",
    }
    metadata = {"massage_evidence": {"figure": div_id, "title": title_of(fig)}}
    return data, metadata


def show(fig: go.Figure) -> None:
    """Display `fig` in the running notebook (see the module docstring for what is stored)."""
    from IPython.display import display

    data, metadata = figure_bundle(fig)
    display(data, metadata=metadata, raw=True)


def note_bundle(text: str) -> dict[str, str]:
    """HTML (escaped) and plain text for one sentence, e.g. that a parameter has no data."""
    return {"text/html": f'<p class="evidence-note">{escape(text)}</p>', "text/plain": text}


def note(text: str) -> None:
    """Display one sentence in place of a figure or table that would be empty."""
    from IPython.display import display

    display(note_bundle(text), raw=True)


def table_bundle(frame: pd.DataFrame) -> dict[str, str]:
    """HTML (escaped, every text shown in full) and plain text for a table."""
    shown = frame.astype(object).where(frame.notna(), "")
    html = shown.to_html(index=False, escape=True, border=0, classes="evidence-table")
    return {"text/html": html, "text/plain": shown.to_string(index=False, max_colwidth=60)}


def table(frame: pd.DataFrame) -> None:
    """Display `frame` in full: no truncated quotes, missing values blank, no index column."""
    from IPython.display import display

    display(table_bundle(frame), raw=True)


def card_bundle(title: str, fields: Mapping[str, str]) -> dict[str, str]:
    """HTML (escaped) and plain text for a heading over labelled lines of text."""
    items = "".join(
        f'<dt style="font-weight:600">{escape(name)}</dt><dd>{escape(text)}</dd>'
        for name, text in fields.items()
    )
    html = f'<div class="evidence-card"><h3>{escape(title)}</h3><dl>{items}</dl></div>'
    plain = "\n".join([title, *(f"{name}: {text}" for name, text in fields.items())])
    return {"text/html": html, "text/plain": plain}


def card(title: str, fields: Mapping[str, str]) -> None:
    """Display a heading over labelled lines of text, e.g. a verdict and its reason."""
    from IPython.display import display

    display(card_bundle(title, fields), raw=True)


def _records(frame: pd.DataFrame) -> tuple[list[str], list[str]]:
    """Each row as HTML and as plain text: the first value as a heading, the second as the text,
    the others as notes labelled by their column."""
    shown = frame.astype(object).where(frame.notna(), "")
    names = [str(column).replace("_", " ") for column in frame.columns]
    html, plain = [], []
    for values in shown.itertuples(index=False):
        head, text, *rest = (str(value) for value in values)
        notes = " · ".join(f"{name}: {value}" for name, value in zip(names[2:], rest, strict=True))
        html.append(
            f'<div style="margin:0 0 0.9em"><b>{escape(head)}</b><br>{escape(text)}<br>'
            f'<small style="color:#59636e">{escape(notes)}</small></div>'
        )
        plain.append(f"{head}\n  {text}\n  {notes}")
    return html, plain


def side_by_side_bundle(tables: Mapping[str, pd.DataFrame]) -> dict[str, str]:
    """HTML placing each captioned table beside the next (stacked when narrow), and plain text.

    A row reads as a record, not a table row (see `_records`): two tables of long texts side by
    side stay readable. A table of fewer than two columns cannot be shown so; an empty one reads
    None.
    """
    columns, plain = [], []
    for caption, frame in tables.items():
        html, text = _records(frame) if len(frame) else (["<p>None.</p>"], ["None."])
        heading = f"<h4>{escape(caption)}</h4>"
        columns.append(f'<div style="flex:1 1 24em;min-width:0">{heading}{"".join(html)}</div>')
        plain.append("\n".join([caption, *text]))
    layout = "display:flex;flex-wrap:wrap;gap:0 32px"
    html = f'<div class="side-by-side" style="{layout}">{"".join(columns)}</div>'
    return {"text/html": html, "text/plain": "\n\n".join(plain)}


def side_by_side(tables: Mapping[str, pd.DataFrame]) -> None:
    """Display tables side by side, each under its caption (the key), a row as a record."""
    from IPython.display import display

    display(side_by_side_bundle(tables), raw=True)
