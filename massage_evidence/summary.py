"""Counts that describe the evidence at a glance: per source and per category."""

from __future__ import annotations

import pandas as pd

from .evidence import Evidence


def per_source(ev: Evidence) -> pd.DataFrame:
    """One row per source: its title and how many claims, assertions and quantities it has."""
    claims = ev.claims.groupby("source_id", observed=True)
    counts = pd.DataFrame(
        {
            "claims": claims.size(),
            "assertions": claims["assertion_id"].nunique(),
            "quantities": ev.quantities.groupby("source_id", observed=True).size(),
        }
    )
    table = ev.sources[["source_id", "title"]].join(counts, on="source_id")
    return table.fillna({"claims": 0, "assertions": 0, "quantities": 0}).astype(
        {"claims": "int64", "assertions": "int64", "quantities": "int64"}
    )


def per_category(ev: Evidence) -> pd.DataFrame:
    """One row per category in vocabulary order: how many assertions, claims and sources."""
    claims = ev.claims.groupby("category", observed=False)
    assertions = ev.assertions.groupby("category", observed=False).size()
    table = pd.DataFrame(
        {
            "assertions": assertions,
            "claims": claims.size(),
            "sources": claims["source_id"].nunique(),
        }
    )
    table.index.name = "category"
    return table.reset_index()
