"""Plotly figures of the evidence: pure functions from DataFrames to `go.Figure`.

Every figure has a title, labelled axes and, for each claim it draws, hover text with the claim id,
the verbatim quote, who says it and the source. Claims are drawn as dots, so nothing is hidden in
an aggregate; dots sharing a cell are packed in a fixed grid ordered by claim id. The same tables
always give the same figure, to the byte. Text from the evidence is HTML-escaped before plotly
sees it, so it is always shown literally.

The claim tables are those of `massage_evidence.synthesis` (or `Evidence.claims` with `sources`):
each row has claim_id, quote, hedge and basis, and source_title (or source_id to look it up).

`forest` draws the primary research instead of claims: the rows of `audit.results`, each result
with its study, comparison, outcome, time point, certainty and provenance in its label and hover.
"""

from __future__ import annotations

import html
import math
import textwrap
from dataclasses import dataclass

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from .audit import EFFECT_TYPES, NOT_REPORTED, format_numbers, format_p
from .vocabulary import Vocabulary

NOT_STATED = "not stated"
COLOURS = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#999999", "#000000"]
MUTED = "#C8C8C8"
TEMPLATE = go.layout.Template(
    layout={
        "font": {"family": "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif", "size": 13},
        "paper_bgcolor": "white",
        "plot_bgcolor": "white",
        "hoverlabel": {"align": "left", "bgcolor": "white", "font": {"size": 12}},
        "legend": {"title": {"side": "top"}},
        "margin": {"t": 70, "r": 30, "b": 70, "l": 30},
        "xaxis": {
            "automargin": True,
            "tickangle": 0,
            "gridcolor": "#EEEEEE",
            "title": {"standoff": 24},
        },
        "yaxis": {"automargin": True, "gridcolor": "#EEEEEE"},
    }
)
SAFETY_CATEGORIES = ("safety", "contraindication", "red_flag")
PLOT_WIDTH, DOT = 760, 15  # the plotting width assumed when packing dots, and one dot's size (px)
X_WRAP, Y_WRAP = 15, 44  # characters per line of an x and a y tick label


@dataclass(frozen=True)
class _Axis:
    """One coded dimension of a dot chart: its column, its terms in order, labels and title."""

    column: str
    order: list[str]
    labels: dict[str, str]
    title: str

    def label(self, term: str) -> str:
        return self.labels.get(term, term)


def _esc(value: object) -> str:
    return "" if value is None or value is pd.NA else html.escape(str(value), quote=False)


def _wrap(text: object, width: int = 64) -> str:
    """Escaped text broken into lines of at most `width` characters with <br>."""
    if text is None or text is pd.NA:
        return ""
    return "<br>".join(_esc(line) for line in textwrap.wrap(str(text), width)) or ""


def _hover(row: pd.Series, vocabulary: Vocabulary, extra: str = "") -> str:
    """Claim id, quote, who says it and the source: the hover text of one claim. Basis and hedge
    read as the vocabulary labels them, so invoked research reads "Says studies show (none
    named)", never as a citation."""
    who = row.get("who")
    said_by = f"{_esc(who)}, " if isinstance(who, str) and who != row["source_title"] else ""
    lines = [
        f"<b>{_esc(row['claim_id'])}</b> {extra}".rstrip(),
        f"“{_wrap(row['quote'])}”",
        f"— {said_by}<i>{_wrap(row['source_title'])}</i>",
        f"basis: {_esc(_label(vocabulary, 'basis', row['basis']))} · "
        f"hedge: {_esc(_label(vocabulary, 'hedge', row['hedge']))}",
    ]
    return "<br>".join(lines)


def _label(vocabulary: Vocabulary, field: str, term: object) -> object:
    """The vocabulary's label of `term`, or `term` itself when it is missing or not a term."""
    if term is None or term is pd.NA or str(term) not in vocabulary.labels(field):
        return term
    return vocabulary.label(field, str(term))


def _with_titles(claims: pd.DataFrame, sources: pd.DataFrame) -> pd.DataFrame:
    """`claims` with each source's title as source_title (unchanged when it has one)."""
    if "source_title" in claims.columns:
        return claims
    titles = sources.set_index("source_id")["title"]
    return claims.assign(source_title=claims["source_id"].map(titles).astype("string"))


def _coded(vocabulary: Vocabulary, field: str, column: str, frame: pd.DataFrame) -> _Axis:
    """An axis over the vocabulary terms of `field` that occur in `frame[column]`."""
    present = set(frame[column].dropna().astype(str))
    order = [term for term in vocabulary.terms(field) if term in present]
    labels = vocabulary.labels(field)
    if frame[column].isna().any():
        order.append(NOT_STATED)
    return _Axis(column, order, labels, field.replace("_", " ").capitalize())


def _listed(column: str, frame: pd.DataFrame, title: str) -> _Axis:
    """An axis over the values of `frame[column]` in order of first appearance."""
    order = list(dict.fromkeys(frame[column].astype(str)))
    return _Axis(column, order, {}, title)


def _terms(frame: pd.DataFrame, column: str) -> pd.Series:
    return frame[column].astype(object).where(frame[column].notna(), NOT_STATED).astype(str)


def _layout(fig: go.Figure, title: str, height: int) -> go.Figure:
    fig.update_layout(
        template=TEMPLATE,
        title={"text": _esc(title), "x": 0.01, "xanchor": "left"},
        height=height,
    )
    return fig


def _nothing(fig: go.Figure) -> None:
    fig.add_annotation(
        text="No claims in the evidence", x=0.5, y=0.5, xref="paper", yref="paper", showarrow=False
    )


def _dot_chart(
    frame: pd.DataFrame,
    x: _Axis,
    y: _Axis,
    colour: _Axis,
    title: str,
    vocabulary: Vocabulary,
    highlight: str | None = None,
) -> go.Figure:
    """One dot per claim in the cell (x term, y term), coloured by `colour`'s term.

    With `highlight`, only the y row of that term keeps its colours; the others are grey.
    """
    frame = frame.assign(
        _x=_terms(frame, x.column), _y=_terms(frame, y.column), _c=_terms(frame, colour.column)
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
                name=_esc(colour.label(term)),
                marker={"size": 10, "color": colours, "line": {"width": 1, "color": "white"}},
                hovertext=[_hover(row, vocabulary) for _, row in dots.iterrows()],
                hovertemplate="%{hovertext}<extra></extra>",
            )
        )
    fig.update_xaxes(
        tickvals=list(range(len(x.order))),
        ticktext=[_wrap(x.label(term), X_WRAP) for term in x.order],
        range=[-0.6, len(x.order) - 0.4],
        showgrid=False,
        zeroline=False,
    )
    fig.update_yaxes(
        tickvals=list(range(len(y.order))),
        ticktext=[_wrap(y.label(term), Y_WRAP) for term in y.order],
        range=[len(y.order) - 0.4, -0.6],
        showgrid=False,
        zeroline=False,
    )
    for i in range(len(y.order) - 1):
        fig.add_hline(y=i + 0.5, line={"color": "#EEEEEE", "width": 1})
    if frame.empty:
        _nothing(fig)
    fig.update_layout(
        legend_title_text=_esc(colour.title),
        xaxis_title=_esc(x.title),
        yaxis_title=_esc(y.title),
    )
    label_lines = max((len(textwrap.wrap(y.label(term), Y_WRAP)) for term in y.order), default=1)
    row = max(lines * DOT, label_lines * 16) + 16
    return _layout(fig, title, max(200 + len(y.order) * row, 360))


def evidence_map(claims: pd.DataFrame, sources: pd.DataFrame, vocabulary: Vocabulary) -> go.Figure:
    """Every claim by category (x) and source (y), coloured by what it rests on (basis)."""
    frame = _with_titles(claims, sources)
    return _dot_chart(
        frame,
        _listed("source_title", frame, "Source"),
        _coded(vocabulary, "category", "category", frame),
        _coded(vocabulary, "basis", "basis", frame),
        f"Evidence map: {len(frame)} claims of {frame['source_id'].nunique()} sources",
        vocabulary,
    )


def basis_by_source(
    claims: pd.DataFrame, sources: pd.DataFrame, vocabulary: Vocabulary
) -> go.Figure:
    """What each source's claims rest on (x) per source (y), coloured by how hedged they are."""
    frame = _with_titles(claims, sources)
    return _dot_chart(
        frame,
        _listed("source_title", frame, "Source"),
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
    frame = _with_titles(claims, sources)
    statements = consensus.set_index("assertion_id")["statement"]
    frame = frame[frame["assertion_id"].isin(statements.index)]
    frame = frame.assign(assertion=frame["assertion_id"].map(statements).astype("string"))
    drawn = set(frame["assertion_id"])
    order = [str(statements[a]) for a in consensus["assertion_id"] if a in drawn]
    y = _Axis("assertion", order, {}, "Assertion")
    x = _listed("source_title", frame.sort_values("source_id", kind="stable"), "Source")
    return _dot_chart(frame, x, y, _coded(vocabulary, "hedge", "hedge", frame), title, vocabulary)


def source_profile(
    claims: pd.DataFrame, sources: pd.DataFrame, vocabulary: Vocabulary, source: str
) -> go.Figure:
    """The claims of `source` by category (x) and basis (y), coloured by hedge."""
    frame = _with_titles(claims[claims["source_id"] == source], sources)
    name = sources.loc[sources["source_id"] == source, "title"].iloc[0]
    return _dot_chart(
        frame,
        _coded(vocabulary, "category", "category", frame),
        _coded(vocabulary, "basis", "basis", frame),
        _coded(vocabulary, "hedge", "hedge", frame),
        f"What “{name}” claims, and on what basis",
        vocabulary,
    )


def safety_map(claims: pd.DataFrame, sources: pd.DataFrame, vocabulary: Vocabulary) -> go.Figure:
    """Safety, contraindication and red-flag claims by category (x) and condition (y)."""
    frame = _with_titles(claims, sources)
    frame = frame[frame["category"].isin(SAFETY_CATEGORIES)]
    return _dot_chart(
        frame,
        _coded(vocabulary, "category", "category", frame),
        _coded(vocabulary, "condition", "condition", frame),
        _listed("source_title", frame.sort_values("source_id", kind="stable"), "Source"),
        "Safety, contraindications and red flags, by condition",
        vocabulary,
    )


def comparisons(
    table: pd.DataFrame, vocabulary: Vocabulary, highlight: str | None = None
) -> go.Figure:
    """Comparison claims (a `synthesis.comparisons` table): comparator (y) by direction (x).

    `highlight` (a comparator) keeps its row coloured and greys the others.
    """
    comparator = _coded(vocabulary, "comparator", "comparator", table)
    label = comparator.label(highlight) if highlight else None
    title = f"Massage compared with {label.lower()}" if label else "What massage is compared with"
    if highlight and set(table["comparator"].dropna().astype(str)) != {highlight}:
        title = f"Every comparison, {label.lower()} highlighted"
    return _dot_chart(
        table,
        _coded(vocabulary, "direction", "direction", table),
        comparator,
        _listed("source_title", table.sort_values("source_id", kind="stable"), "Source"),
        title,
        vocabulary,
        highlight=highlight,
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


def _range_rows(table: pd.DataFrame, vocabulary: Vocabulary, condition: str | None) -> list[dict]:
    rows = []
    for _, row in table.iterrows():
        low = None if pd.isna(row["min"]) else float(row["min"])
        high = None if pd.isna(row["max"]) else float(row["max"])
        rows.append(
            {
                "unit": str(row["unit"]),
                "label": (
                    f"{_esc(vocabulary.label('condition', str(row['condition'])))}: "
                    f"{_esc(vocabulary.label('quantity', str(row['quantity'])))}"
                    f" ({_esc(row['claim_id'])})"
                ),
                "start": 0.0 if low is None else low,
                "end": high if high is not None else low,
                "open_low": low is None,
                "open_high": high is None,
                "on": condition in (None, str(row["condition"])),
                "hover": _hover(row, vocabulary, f"· “{_esc(row['text'])}”"),
            }
        )
    return rows


def time_to_relief(
    table: pd.DataFrame, vocabulary: Vocabulary, highlight: str | None = None
) -> go.Figure:
    """The time figures of a `synthesis.time_to_relief` table: one bar from min to max per figure,
    in one panel per unit. An open bound ("up to four weeks") starts the bar at 0, dashed.

    `highlight` (a condition) keeps its bars coloured and greys the others.
    """
    rows = _range_rows(table, vocabulary, highlight)
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
            title_text=_esc(vocabulary.label("unit", unit)), rangemode="tozero", row=panel, col=1
        )
        fig.update_yaxes(title_text="Claim", autorange="reversed", row=panel, col=1)
    label = vocabulary.label("condition", highlight) if highlight else None
    if label and set(table["condition"].astype(str)) == {highlight}:
        title = f"Time to relief: {label}"
    elif label:
        title = f"Time figures for every condition, {label.lower()} highlighted"
    else:
        title = "Time figures for every condition"
    if not rows:
        _nothing(fig)
    return _layout(fig, title, 140 + 60 * max(sum(counts), 1) + 60 * len(units))


SMD, MEANS = "standardised_mean_difference", "group_means"
FOREST_LINE, FOREST_GAP, LABEL_WRAP = 16, 110, 56  # px a label line, px between panels, chars
NOTHING_TO_DRAW = "No figure: no result here reports an effect size or group means."
_SCALE_NOTES = {
    "mean_difference": "points on the outcome's scale; below 0 favours massage",
    SMD: "standard deviations; below 0 favours massage",
    MEANS: "each arm's mean on the outcome's scale",
}


def drawable(frame: pd.DataFrame) -> pd.DataFrame:
    """The results `forest` draws: those with an effect estimate, or the means of both arms."""
    effects = frame["estimate_type"].isin(EFFECT_TYPES) & frame["value"].notna()
    means = (frame["estimate_type"] == MEANS) & frame["arm_mean"].notna()
    return frame[effects | (means & frame["comparator_mean"].notna())]


def _forest_panels(
    frame: pd.DataFrame, vocabulary: Vocabulary
) -> list[tuple[str, str, pd.DataFrame]]:
    """(estimate type, outcome, results) of each panel, in vocabulary order: one panel for the
    SMDs, which share a scale; one per outcome for mean differences and for group means."""
    drawn = drawable(frame).assign(_outcome=lambda f: _terms(f, "outcome"))
    outcomes = [*vocabulary.terms("outcome"), NOT_STATED]
    panels = []
    for kind in vocabulary.terms("estimate_type"):
        rows = drawn[drawn["estimate_type"] == kind]
        if kind == SMD:
            panels.append((kind, "", rows))
        elif kind in (*EFFECT_TYPES, MEANS):
            panels += [(kind, o, rows[rows["_outcome"] == o]) for o in outcomes]
    return [panel for panel in panels if not panel[2].empty]


def _term_label(vocabulary: Vocabulary, field: str, term: object) -> str:
    return vocabulary.label(field, str(term)) if pd.notna(term) else NOT_STATED


def _compared(row: pd.Series, vocabulary: Vocabulary, counts: bool = False) -> str:
    """What a result compares: the trial's arms (with their n), else the comparison's label."""
    if pd.isna(row["arm"]) or pd.isna(row["comparator_arm"]):
        return _term_label(vocabulary, "comparison", row["comparison"])
    if counts:
        arm = f"{row['arm']} (n = {row['arm_n']})"
        return f"{arm} vs {row['comparator_arm']} (n = {row['comparator_n']})"
    return f"{row['arm']} vs {row['comparator_arm']}"


def _setting(row: pd.Series, vocabulary: Vocabulary) -> str:
    """Outcome, time point (with weeks where given) and condition of a result."""
    when = _term_label(vocabulary, "time_point", row["time_point"])
    if pd.notna(row["weeks"]):
        when += f" ({row['weeks']} weeks)"
    outcome = _term_label(vocabulary, "outcome", row["outcome"])
    return f"{outcome} · {when} · {_term_label(vocabulary, 'condition', row['condition'])}"


def _grade(row: pd.Series, vocabulary: Vocabulary) -> str:
    """The result's GRADE certainty in words (the vocabulary's label), or NOT_REPORTED."""
    if pd.isna(row["certainty"]):
        return f"GRADE certainty: {NOT_REPORTED}"
    return f"GRADE certainty: {vocabulary.label('grade_certainty', str(row['certainty']))}"


def _p_words(row: pd.Series, vocabulary: Vocabulary) -> str:
    if pd.isna(row["p_value"]):
        return f"P {NOT_REPORTED}"
    relation = vocabulary.label("p_relation", str(row["p_relation"]))
    return f"P {relation} {format_p(row['p_value'])}"


def _effect(row: pd.Series, vocabulary: Vocabulary) -> str:
    """The figures of a drawn result as the source gives them; a missing one is NOT_REPORTED."""
    estimate = vocabulary.label("estimate_type", str(row["estimate_type"]))
    if row["estimate_type"] == MEANS:
        arm, comparator = format_numbers(row["arm_mean"], row["comparator_mean"])
        return f"{estimate}: {arm} vs {comparator}, {_p_words(row, vocabulary)}"
    if pd.isna(row["ci_low"]):
        return f"{estimate} {format_numbers(row['value'])[0]}; 95% CI {NOT_REPORTED}"
    value, low, high = format_numbers(row["value"], row["ci_low"], row["ci_high"])
    return f"{estimate} {value} (95% CI {low} to {high})"


def _participants(row: pd.Series) -> str:
    """Who the result counts, for a pooled result; empty when its arms (with n) say it."""
    if pd.notna(row["participants"]):
        studies = row["studies"]
        pooled = "" if pd.isna(studies) else f" in {studies} stud{'y' if studies == 1 else 'ies'}"
        return f"{row['participants']} participants{pooled}"
    if pd.notna(row["arm_n"]):
        return ""
    return f"Participants: {NOT_REPORTED}"


def _forest_hover(row: pd.Series, vocabulary: Vocabulary) -> str:
    """Study, comparison, outcome, time point, figures, certainty and provenance of a result."""
    lines = [
        f"<b>{_esc(row['study'])}</b> · {_esc(row['result_id'])}",
        _esc(_compared(row, vocabulary, counts=True)),
        _esc(_setting(row, vocabulary)),
        _esc(_effect(row, vocabulary)),
        _esc(_participants(row)),
        _esc(_grade(row, vocabulary)),
        f"Source: {_esc(vocabulary.label('provenance', str(row['provenance'])))}",
        _wrap(row["finding"]),
    ]
    return "<br>".join(line for line in lines if line)


def _row_label(row: pd.Series, vocabulary: Vocabulary) -> str:
    """A result's label on the y axis: study and comparison; outcome, time and condition; P for
    group means; GRADE certainty; and "as reported by" for a secondary figure."""
    lines = [
        f"<b>{_esc(row['study'])}</b>: {_wrap(_compared(row, vocabulary), LABEL_WRAP)}",
        _wrap(_setting(row, vocabulary), LABEL_WRAP),
    ]
    if row["estimate_type"] == MEANS:
        lines.append(f"● massage, ○ comparator; {_esc(_p_words(row, vocabulary))}")
    lines.append(f"<i>{_esc(_grade(row, vocabulary))}</i>")
    if row["provenance"] != "primary":
        lines.append(f"<i>{_esc(vocabulary.label('provenance', str(row['provenance'])))}</i>")
    return "<br>".join(lines)


def _forest_trace(row: pd.Series, position: int, hover: str) -> go.Scatter:
    """One result: its estimate between the ends of its 95% CI (alone when the sources give no
    CI), or for group means each arm's mean, ● massage and ○ comparator, with no line between."""
    primary = row["provenance"] == "primary"
    colour = COLOURS[0] if primary else COLOURS[1]
    text = None
    if row["estimate_type"] == MEANS:
        x = [float(row["arm_mean"]), float(row["comparator_mean"])]
        symbols, mode, text = ["circle", "circle-open"], "markers+text", format_numbers(*x)
    elif pd.notna(row["ci_low"]):
        x = [float(row["ci_low"]), float(row["value"]), float(row["ci_high"])]
        symbols, mode = ["line-ns-open", "diamond", "line-ns-open"], "lines+markers"
    else:
        x, symbols, mode = [float(row["value"])], ["diamond"], "markers"
    return go.Scatter(
        x=x,
        y=[position] * len(x),
        mode=mode,
        customdata=[str(row["result_id"])] * len(x),
        line={"color": colour, "width": 2, "dash": None if primary else "dash"},
        marker={"size": 13, "symbol": symbols, "color": colour, "line": {"width": 2}},
        text=text,
        textposition="top center",
        cliponaxis=False,
        hovertext=[hover] * len(x),
        hovertemplate="%{hovertext}<extra></extra>",
        showlegend=False,
    )


def _forest_range(kind: str, rows: pd.DataFrame) -> list[float]:
    """A panel's x range: zero and every figure drawn, with a margin."""
    columns = ["arm_mean", "comparator_mean"] if kind == MEANS else ["ci_low", "value", "ci_high"]
    values = [0.0, *(float(v) for v in rows[columns].stack().dropna())]
    low, high = min(values), max(values)
    pad = (high - low) * 0.1 or 1.0
    return [round(low - (0 if kind == MEANS else pad), 4), round(high + pad, 4)]


def _axis_title(kind: str, outcome: str, vocabulary: Vocabulary) -> str:
    name = vocabulary.label("estimate_type", kind)
    if outcome:
        name += f": {vocabulary.labels('outcome').get(outcome, outcome)}"
    return f"{_esc(name)}<br><i>{_esc(_SCALE_NOTES[kind])}</i>"


def forest(results: pd.DataFrame, vocabulary: Vocabulary, title: str) -> go.Figure:
    """Forest-style plot of reported results (rows of `audit.results`), one row each.

    An effect (mean difference, SMD) is drawn between the ends of its 95% CI, or alone where the
    sources give none; group means are each arm's mean with P, never an interval. The SMDs have
    one panel; mean differences and group means one per outcome, as their scales differ; nothing
    is pooled. Each row names its study, comparison, outcome, time point, GRADE certainty (or that
    it is not reported) and "as reported by" for a secondary figure; hover text adds the figures
    and the finding. Results without figures (statements, P values alone, ranges) are not drawn.
    """
    panels = _forest_panels(results, vocabulary)
    if not panels:
        fig = go.Figure()
        fig.add_annotation(
            text=NOTHING_TO_DRAW, x=0.5, y=0.5, xref="paper", yref="paper", showarrow=False
        )
        fig.update_xaxes(visible=False)
        fig.update_yaxes(visible=False)
        return _layout(fig, title, 200)
    labels = [[_row_label(row, vocabulary) for _, row in rows.iterrows()] for *_, rows in panels]
    lines = max(label.count("<br>") + 1 for ticks in labels for label in ticks)
    counts = [len(rows) for *_, rows in panels]
    plot = sum(counts) * (lines * FOREST_LINE + 24) + FOREST_GAP * (len(panels) - 1)
    fig = make_subplots(
        rows=len(panels),
        cols=1,
        row_heights=counts,
        vertical_spacing=FOREST_GAP / plot if len(panels) > 1 else 0.0,
    )
    for panel, ((kind, outcome, rows), ticks) in enumerate(zip(panels, labels, strict=True), 1):
        for position, (_, row) in enumerate(rows.iterrows()):
            hover = _forest_hover(row, vocabulary)
            fig.add_trace(_forest_trace(row, position, hover), row=panel, col=1)
        if kind != MEANS:
            zero = {"color": "#888888", "width": 1, "dash": "dot"}
            fig.add_vline(x=0, line=zero, row=panel, col=1)
        fig.update_xaxes(
            title_text=_axis_title(kind, outcome, vocabulary),
            range=_forest_range(kind, rows),
            zeroline=False,
            row=panel,
            col=1,
        )
        fig.update_yaxes(
            tickvals=list(range(len(rows))),
            ticktext=ticks,
            range=[len(rows) - 0.5, -0.5],
            showgrid=False,
            zeroline=False,
            row=panel,
            col=1,
        )
    return _layout(fig, title, plot + 200)
