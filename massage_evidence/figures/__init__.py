"""Plotly figures of the evidence: pure functions from DataFrames to `go.Figure`.

Every figure has a title saying what it shows, labelled axes and, for each claim or result it
draws, hover text citing it; every colour that marks something out is named in its legend. The
same tables always give the same figure, to the byte. By what they draw:

- `claims`: dot charts of the claims (evidence map, basis, agreement, a source's profile,
  safety, comparisons, tensions);
- `time`: the time figures, how soon relief comes apart from every other;
- `forest`: the primary research's results;
- `style`: what they share (template, colours, escaping, the sources' short names).
"""

from .claims import (
    SAFETY_CATEGORIES,
    agreement,
    basis_by_source,
    comparisons,
    evidence_map,
    safety_map,
    source_profile,
    tension_map,
)
from .forest import NOTHING_TO_DRAW, drawable, forest
from .style import COLOURS, MUTED, TEMPLATE
from .time import RELIEF_QUANTITIES, other_time_figures, split_relief, time_to_relief

__all__ = [
    "COLOURS",
    "MUTED",
    "NOTHING_TO_DRAW",
    "RELIEF_QUANTITIES",
    "SAFETY_CATEGORIES",
    "TEMPLATE",
    "agreement",
    "basis_by_source",
    "comparisons",
    "drawable",
    "evidence_map",
    "forest",
    "other_time_figures",
    "safety_map",
    "source_profile",
    "split_relief",
    "tension_map",
    "time_to_relief",
]
