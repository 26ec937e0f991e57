"""Forest-style plot of the primary research: the rows of `audit.results`, one result a row,
each with its study, comparison, outcome, time point, certainty and provenance in its label and
hover text, worded by `massage_evidence.wording` as every table words them.
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from .. import wording
from ..vocabulary import Vocabulary
from ..wording import EFFECT_TYPES, MEANS, NOT_STATED
from .style import COLOURS, esc, layout, legend_entry, say, terms, wrap

SMD = "standardised_mean_difference"
FOREST_LINE, FOREST_GAP, LABEL_WRAP = 17, 130, 28  # px a label line, px between panels, chars
AXIS_WRAP = 28  # characters per line of an axis title
NOTHING_TO_DRAW = "No figure: no result here reports an effect size or group means."
BELOW_ZERO = "below 0 favours massage"


def drawable(frame: pd.DataFrame) -> pd.DataFrame:
    """The results `forest` draws: those with an effect estimate, or the means of both arms."""
    effects = frame["estimate_type"].isin(EFFECT_TYPES) & frame["value"].notna()
    means = (frame["estimate_type"] == MEANS) & frame["arm_mean"].notna()
    return frame[effects | (means & frame["comparator_mean"].notna())]


def _panels(frame: pd.DataFrame, vocabulary: Vocabulary) -> list[tuple[str, str, pd.DataFrame]]:
    """(estimate type, outcome, results) of each panel, in vocabulary order: one panel for the
    SMDs, which share a scale; one per outcome for mean differences and for group means."""
    drawn = drawable(frame).assign(_outcome=lambda f: terms(f, "outcome"))
    outcomes = [*vocabulary.terms("outcome"), NOT_STATED]
    panels = []
    for kind in vocabulary.terms("estimate_type"):
        rows = drawn[drawn["estimate_type"] == kind]
        if kind == SMD:
            panels.append((kind, "", rows))
        elif kind in (*EFFECT_TYPES, MEANS):
            panels += [(kind, o, rows[rows["_outcome"] == o]) for o in outcomes]
    return [panel for panel in panels if not panel[2].empty]


def _hover(row: pd.Series, vocabulary: Vocabulary) -> str:
    """Study, comparison, outcome, time point, figures, certainty and provenance of a result."""
    counted = wording.participants(row)
    if not counted and pd.isna(row["arm_n"]):
        counted = f"Participants: {wording.NOT_REPORTED}"
    lines = [
        f"<b>{esc(row['study'])}</b> · {esc(row['result_id'])}",
        esc(wording.compared(row, vocabulary, counts=True)),
        esc(wording.setting(row, vocabulary)),
        esc(
            "; ".join(
                p
                for p in (wording.estimate(row, vocabulary), wording.p_value(row, vocabulary))
                if p
            )
        ),
        esc(counted),
        esc(wording.certainty(row, vocabulary)),
        f"Source: {esc(wording.provenance(row, vocabulary))}",
        wrap(row["finding"]),
    ]
    return "<br>".join(line for line in lines if line)


def _row_label(row: pd.Series, vocabulary: Vocabulary) -> str:
    """A result's label on the y axis: study and comparison; outcome, time and condition; P for
    group means; GRADE certainty; and "as reported by" for a secondary figure. Every line is
    wrapped, so that the plot keeps its width on a narrow screen."""
    lines = [
        f"<b>{wrap(row['study'], LABEL_WRAP)}</b>",
        wrap(wording.compared(row, vocabulary), LABEL_WRAP),
        wrap(wording.setting(row, vocabulary), LABEL_WRAP),
    ]
    if row["estimate_type"] == MEANS:
        lines.append(
            wrap(f"● massage, ○ comparator; {wording.p_value(row, vocabulary)}", LABEL_WRAP)
        )
    notes = [wording.certainty(row, vocabulary)]
    if row["provenance"] != "primary":
        notes.append(wording.provenance(row, vocabulary))
    lines += [wrap(note, LABEL_WRAP, italic=True) for note in notes]
    return "<br>".join(lines)


def _trace(row: pd.Series, position: int, hover: str) -> go.Scatter:
    """One result: its estimate between the ends of its 95% CI (alone when the sources give no
    CI), or for group means each arm's mean, ● massage and ○ comparator, with no line between."""
    primary = row["provenance"] == "primary"
    colour = COLOURS[0] if primary else COLOURS[1]
    text = None
    if row["estimate_type"] == MEANS:
        x = [float(row["arm_mean"]), float(row["comparator_mean"])]
        symbols, mode, text = ["circle", "circle-open"], "markers+text", wording.format_numbers(*x)
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


def _range(kind: str, rows: pd.DataFrame) -> list[float]:
    """A panel's x range: zero and every figure drawn, with a margin."""
    columns = ["arm_mean", "comparator_mean"] if kind == MEANS else ["ci_low", "value", "ci_high"]
    values = [0.0, *(float(v) for v in rows[columns].stack().dropna())]
    low, high = min(values), max(values)
    pad = (high - low) * 0.1 or 1.0
    return [round(low - (0 if kind == MEANS else pad), 4), round(high + pad, 4)]


def _axis_title(kind: str, outcome: str, rows: pd.DataFrame, vocabulary: Vocabulary) -> str:
    """The estimate (and outcome) a panel draws, over the scale it is on and which way is
    better: the measure and its range for group means, standard deviations for SMDs."""
    name = vocabulary.label("estimate_type", kind)
    if outcome:
        name += f": {vocabulary.labels('outcome').get(outcome, outcome)}"
    if kind == MEANS:
        note = f"each arm's mean on {wording.scale(rows)}"
    elif kind == SMD:
        note = f"standard deviations; {BELOW_ZERO}"
    else:
        measure = wording.scale(rows).partition("; ")[0]
        note = f"points on {measure}; {BELOW_ZERO}"
    return f"{wrap(name, AXIS_WRAP)}<br>{wrap(note, AXIS_WRAP, italic=True)}"


def forest(results: pd.DataFrame, vocabulary: Vocabulary, title: str) -> go.Figure:
    """Forest-style plot of reported results (rows of `audit.results`), one row each.

    An effect (mean difference, SMD) is drawn between the ends of its 95% CI, or alone where the
    sources give none; group means are each arm's mean with P, never an interval, on an axis
    naming the scale and which way is better. The SMDs have one panel; mean differences and
    group means one per outcome, as their scales differ; nothing is pooled. Each row names its
    study, comparison, outcome, time point, GRADE certainty (or that it is not reported) and "as
    reported by" for a secondary figure, drawn dashed in the second colour, which the legend
    names; hover text adds the figures and the finding. Results without figures (statements,
    P values alone, ranges) are not drawn.
    """
    panels = _panels(results, vocabulary)
    if not panels:
        fig = go.Figure()
        say(fig, NOTHING_TO_DRAW)
        fig.update_xaxes(visible=False)
        fig.update_yaxes(visible=False)
        return layout(fig, title, 200)
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
            fig.add_trace(_trace(row, position, _hover(row, vocabulary)), row=panel, col=1)
        if kind != MEANS:
            zero = {"color": "#888888", "width": 1, "dash": "dot"}
            fig.add_vline(x=0, line=zero, row=panel, col=1)
        fig.update_xaxes(
            title_text=_axis_title(kind, outcome, rows, vocabulary),
            range=_range(kind, rows),
            nticks=6,
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
    drawn = pd.concat([rows for *_, rows in panels])
    if (drawn["provenance"] != "primary").any():
        for term, colour in zip(vocabulary.terms("provenance"), COLOURS, strict=False):
            legend_entry(fig, vocabulary.label("provenance", term), colour, "diamond")
    return layout(fig, title, plot + 200)
