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

A table (a DataFrame, or a `Table` of readable cells from `massage_evidence.tables`) is displayed
as escaped HTML with its links, plain text, and its CSV text in the output's metadata: the batch
writes that CSV beside the report and links it under the table (see `execute`); JupyterLab
ignores it.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from html import escape, unescape
from typing import Any

import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio

PLOTLY_MIMETYPE = "application/vnd.plotly.v1+json"
CONFIG = {"displaylogo": False, "responsive": True}
DEFAULT_HEIGHT = 450
TABLES_KEY = "massage_evidence"  # the output metadata the batch reads (see execute.py)
FILTER_FROM = 10  # a table of more rows than this gets a filter box


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


@dataclass(frozen=True)
class Link:
    """A piece of a table cell's text, linked to `href` (a page of the output folder) or not."""

    text: str
    href: str | None = None


@dataclass(frozen=True)
class Cell:
    """A table cell made of pieces, some of them links; its text is theirs joined, a newline in
    it a line break. Tables, CSV files and plain text read the text; HTML shows the links."""

    parts: tuple[Link, ...]

    def __str__(self) -> str:
        return "".join(part.text for part in self.parts)


@dataclass(frozen=True)
class Table:
    """A table as a report shows it: readable headers and cells (text or `Cell`), and a short
    name for the file it downloads as (``<n>-<name>.csv``)."""

    frame: pd.DataFrame
    name: str = "table"


def _text(value: object) -> str:
    """A cell's text: blank when missing."""
    if isinstance(value, Cell):
        return str(value)
    return "" if value is None or pd.isna(value) else str(value)


def _cell_html(value: object) -> str:
    """A cell as escaped HTML: links as anchors, newlines as line breaks."""
    parts = value.parts if isinstance(value, Cell) else (Link(_text(value)),)
    html = []
    for part in parts:
        text = escape(part.text).replace("\n", "<br>")
        html.append(f'<a href="{escape(part.href)}">{text}</a>' if part.href else text)
    return "".join(html)


def table_csv(frame: pd.DataFrame) -> str:
    """The table as CSV text: the same headers and cell texts as shown, missing values blank,
    rows in the order shown, lines ending in \\n, so the same table gives the same bytes."""
    texts = frame.astype(object).map(_text) if len(frame) else frame.astype(object)
    return texts.to_csv(index=False, lineterminator="\n")


def table_bundle(table: Table | pd.DataFrame) -> tuple[dict[str, str], dict[str, Any]]:
    """HTML (escaped, every text shown in full, links kept), plain text, and as metadata the
    table's CSV text and name, which the batch writes beside the report as a download.

    A table of more than FILTER_FROM rows gets a filter box, hidden until the report's script
    (assets/tables.js) shows it: in JupyterLab, where no script runs, nothing appears.
    """
    table = table if isinstance(table, Table) else Table(table)
    frame = table.frame
    head = "".join(f"<th>{escape(str(column))}</th>" for column in frame.columns)
    rows = "".join(
        "<tr>" + "".join(f"<td>{_cell_html(value)}</td>" for value in values) + "</tr>\n"
        for values in frame.itertuples(index=False)
    )
    filter_box = ""
    if len(frame) > FILTER_FROM:
        filter_box = (
            f'<input type="search" class="table-filter" hidden placeholder="Filter the '
            f'{len(frame)} rows" aria-label="Filter the rows of this table">\n'
        )
    html = (
        f'<div class="evidence-table-wrap">\n{filter_box}'
        f'<table class="evidence-table">\n<thead><tr>{head}</tr></thead>\n'
        f"<tbody>\n{rows}</tbody>\n</table>\n</div>"
    )
    texts = frame.astype(object).map(_text) if len(frame) else frame.astype(object)
    plain = texts.to_string(index=False, max_colwidth=60)
    metadata = {TABLES_KEY: {"tables": [{"name": table.name, "csv": table_csv(frame)}]}}
    return {"text/html": html, "text/plain": plain}, metadata


def table(table: Table | pd.DataFrame) -> None:
    """Display a table in full: no truncated quotes, missing values blank, no index column,
    links kept (see `table_bundle`)."""
    from IPython.display import display

    data, metadata = table_bundle(table)
    display(data, metadata=metadata, raw=True)


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


def side_by_side_bundle(
    tables: Mapping[str, pd.DataFrame],
) -> tuple[dict[str, str], dict[str, Any]]:
    """HTML placing each captioned table beside the next (stacked when narrow), plain text, and
    as metadata each table's CSV text named by its caption (see `table_bundle`).

    A row reads as a record, not a table row (see `_records`): two tables of long texts side by
    side stay readable. A table of fewer than two columns cannot be shown so; an empty one reads
    None.
    """
    columns, plain, downloads = [], [], []
    for caption, frame in tables.items():
        html, text = _records(frame) if len(frame) else (["<p>None.</p>"], ["None."])
        heading = f"<h4>{escape(caption)}</h4>"
        columns.append(f'<div style="flex:1 1 24em;min-width:0">{heading}{"".join(html)}</div>')
        plain.append("\n".join([caption, *text]))
        downloads.append({"name": caption, "csv": table_csv(frame)})
    layout = "display:flex;flex-wrap:wrap;gap:0 32px"
    html = f'<div class="side-by-side" style="{layout}">{"".join(columns)}</div>'
    data = {"text/html": html, "text/plain": "\n\n".join(plain)}
    return data, {TABLES_KEY: {"tables": downloads}}


def side_by_side(tables: Mapping[str, pd.DataFrame]) -> None:
    """Display tables side by side, each under its caption (the key), a row as a record."""
    from IPython.display import display

    data, metadata = side_by_side_bundle(tables)
    display(data, metadata=metadata, raw=True)
