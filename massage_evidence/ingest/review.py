"""What the review notebook shows: a source's candidates as tables a person can judge.

Each candidate with its predicted fields and confidence; each in the context of its paragraph;
each suggested assertion beside the curated claims that already express it. Nothing here
changes a file: accepting is `massage-evidence accept`.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ..errors import ParameterError
from ..evidence import Evidence
from ..parameters import check
from .accept import CANDIDATES_FOLDER, read_candidates
from .sources import corpus_for
from .texts import IngestError, read_text

CANDIDATE_COLUMNS = [
    "candidate_id",
    "confidence",
    "quote",
    "category",
    "hedge",
    "basis",
    "comparator",
    "direction",
    "attributed_to",
    "quantities",
    "assertion",
]
MARK_OPEN, MARK_CLOSE = "[[", "]]"


def _folder(ev: Evidence) -> Path:
    return ev.root / CANDIDATES_FOLDER


def sources_with_candidates(ev: Evidence) -> list[str]:
    """The sources of the evidence that have a candidates file, in source order."""
    folder = _folder(ev)
    present = {p.stem for p in folder.glob("*.yaml")} if folder.is_dir() else set()
    return [str(s) for s in ev.sources["source_id"] if s in present]


def choose_source(ev: Evidence, source: str) -> str | None:
    """The source to review: `source`, or ("") the first with candidates, or None when none has.

    A source that is unknown or has no candidates is a one-line ParameterError.
    """
    if not source:
        found = sources_with_candidates(ev)
        return found[0] if found else None
    check(ev, "source", source)
    if source not in sources_with_candidates(ev):
        raise ParameterError(
            f"source {source!r} has no candidates: run massage-evidence extract TEXT_FILE "
            f"--source {source} --out evidence/{CANDIDATES_FOLDER}/{source}.yaml"
        )
    return source


def summary(ev: Evidence, source: str | None) -> str:
    """One line saying what is under review."""
    if source is None:
        return (
            "No source has candidates yet: add a text with `massage-evidence add-source`, then "
            "`massage-evidence extract TEXT_FILE --source ID --out "
            f"evidence/{CANDIDATES_FOLDER}/ID.yaml`."
        )
    count = len(_read(ev, source))
    return (
        f"Source {source}: {count} candidate claims in evidence/{CANDIDATES_FOLDER}/{source}.yaml. "
        "A person reviews every one before it is accepted."
    )


def _read(ev: Evidence, source: str) -> list[dict[str, object]]:
    try:
        return read_candidates(_folder(ev) / f"{source}.yaml")
    except IngestError as error:
        raise ParameterError(str(error)) from None


def candidates(ev: Evidence, source: str | None) -> pd.DataFrame:
    """One row per candidate: its quote, predicted fields, speaker, quantities and confidence."""
    rows = []
    for c in _read(ev, source) if source else []:
        quantities = c.get("quantities") or []
        rows.append(
            {
                "candidate_id": c.get("id"),
                "confidence": c.get("confidence"),
                "quote": c.get("quote"),
                **{name: c.get(name) for name in CANDIDATE_COLUMNS[3:9]},
                "quantities": "; ".join(
                    str(q.get("text")) for q in quantities if isinstance(q, dict)
                ),
                "assertion": c.get("assertion"),
            }
        )
    frame = pd.DataFrame(rows, columns=CANDIDATE_COLUMNS)
    return frame.astype({"confidence": "Float64"})


def in_context(ev: Evidence, source: str | None, corpus: Path | None = None) -> pd.DataFrame:
    """Each candidate in its paragraph, the quote marked [[like this]]."""
    rows = []
    if source:
        record = ev.sources.set_index("source_id").loc[source]
        text, _ = read_text(corpus_for(ev.root, corpus) / str(record["file"]))
        for c in _read(ev, source):
            start, end = int(c["start"]), int(c["end"])  # type: ignore[call-overload]
            before = text.rfind("\n", 0, start) + 1
            after = text.find("\n", end)
            after = len(text) if after < 0 else after
            paragraph = (
                text[before:start] + MARK_OPEN + text[start:end] + MARK_CLOSE + text[end:after]
            )
            rows.append({"candidate_id": c["id"], "paragraph": " ".join(paragraph.split())})
    return pd.DataFrame(rows, columns=["candidate_id", "paragraph"])


def shared_assertions(ev: Evidence, source: str | None) -> pd.DataFrame:
    """Each suggested assertion, its statement, and the curated claims that already express it."""
    columns = ["candidate_id", "assertion", "statement", "claim_id", "source_id", "quote"]
    found = candidates(ev, source)
    suggested = found.dropna(subset=["assertion"])[["candidate_id", "assertion"]]
    statements = ev.assertions[["assertion_id", "statement"]]
    claims = ev.claims[["assertion_id", "claim_id", "source_id", "quote"]]
    table = suggested.merge(statements, left_on="assertion", right_on="assertion_id", how="left")
    table = table.drop(columns="assertion_id").merge(
        claims, left_on="assertion", right_on="assertion_id", how="left"
    )
    return table.reindex(columns=columns).reset_index(drop=True)
