"""Candidate extraction, leave-one-source-out over the curated sources.

For each source: train on the others (`extract.train(leave_out=[source])`), extract its text, and
compare the candidates with its curated claims. A curated claim is found when a candidate covers at
least half of its quote and the quote covers at least a quarter of the candidate
(`ingest.matching`). Recall: found claims / curated claims. Precision: candidates that find a
curated claim / candidates. Field accuracy is over found claims, each with the candidate closest to
it (the most characters shared over those either covers: of a sentence proposed alone and joined to
the one before, the one the quote fills best); Cohen's kappa compares tool and curators on the same
pairs (an empty field is its own class). Attribution compares surnames ("article" is no speaker).
Quantities: exact when the candidate's (quantity, min, max, unit) set equals the curated one, over
found claims where either side states a quantity. Assertion: over found claims whose assertion
another source also uses (the only ones a model trained on the others can suggest). Seconds per
article: training and extraction of one source, wall and CPU (the CPU of this process, all threads).
Goals from issue 13.

Run: `.venv/bin/python benchmarks/extract.py` (needs the texts: ../shared/seeds or --corpus);
`--mismatches` also prints each found claim whose proposed quantities differ from the curated.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Sequence
from typing import Any

import pandas as pd
from sklearn.metrics import cohen_kappa_score

from massage_evidence import paths
from massage_evidence.evidence import load
from massage_evidence.ingest.extract import ARTICLE, extract, source_texts, train
from massage_evidence.ingest.matching import closeness, matches

FIELDS = ("category", "hedge", "basis", "comparator", "direction")
GOALS = {
    "recall": 0.90,
    "precision": 0.70,
    "hedge": 0.85,
    "quantities": 0.95,
    "attribution": 0.80,
    "category": 0.70,
}
NONE = "(none)"


def _surname(name: object) -> str:
    if name is None or name != name or name == ARTICLE:
        return NONE
    return str(name).replace(", M.D.", "").split()[-1].lower()


def _quantities(rows: Sequence[dict[str, Any]]) -> list[tuple]:
    def bound(value: object) -> float | None:
        return None if value is None or value != value else float(value)  # type: ignore[arg-type]

    found = [(str(q["quantity"]), bound(q["min"]), bound(q["max"]), str(q["unit"])) for q in rows]
    return sorted(found, key=repr)


def _label(value: object) -> str:
    return NONE if value is None or value != value else str(value)


def evaluate(source_id: str, text: str, ev: Any, corpus: Any) -> dict[str, Any]:
    """Train without `source_id`, extract its text and compare with its curated claims."""
    wall, cpu = time.perf_counter(), time.process_time()
    models, cues = train(corpus=corpus, leave_out=[source_id])
    candidates = extract(text, models, cues)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    claims = ev.claims[ev.claims["source_id"] == source_id]
    people = ev.people[ev.people["source_id"] == source_id].set_index("person_id")["name"]
    quantities = ev.quantities[ev.quantities["source_id"] == source_id]
    elsewhere = set(ev.claims.loc[ev.claims["source_id"] != source_id, "assertion_id"])
    pairs = []
    for claim in claims.itertuples(index=False):
        found = [c for c in candidates if matches(claim.start, claim.end, c["start"], c["end"])]
        if found:
            best = max(found, key=lambda c: closeness(claim.start, claim.end, c["start"], c["end"]))
            pairs.append((claim, best))
    hits = sum(
        any(matches(c.start, c.end, k["start"], k["end"]) for c in claims.itertuples())
        for k in candidates
    )
    row: dict[str, Any] = {
        "claims": len(claims),
        "candidates": len(candidates),
        "recall": len(pairs) / len(claims) if len(claims) else float("nan"),
        "precision": hits / len(candidates) if candidates else float("nan"),
        "pairs": pairs,
        "wall": wall,
        "cpu": cpu,
    }
    for name in FIELDS:
        gold = [_label(getattr(claim, name)) for claim, _ in pairs]
        tool = [_label(candidate[name]) for _, candidate in pairs]
        row[name] = sum(g == t for g, t in zip(gold, tool, strict=True)) / len(pairs)
        row[f"gold_{name}"], row[f"tool_{name}"] = gold, tool
    row["attribution"] = sum(
        _surname(people.get(claim.attributed_to)) == _surname(candidate["attributed_to"])
        for claim, candidate in pairs
    ) / len(pairs)
    stated = []
    row["quantity_mismatches"] = []
    for claim, candidate in pairs:
        curated = _quantities(
            quantities[quantities["claim_id"] == claim.claim_id].to_dict("records")
        )
        proposed = _quantities(candidate["quantities"])
        if curated or proposed:
            stated.append(curated == proposed)
        if curated != proposed:
            row["quantity_mismatches"].append((claim.claim_id, curated, candidate, proposed))
    row["quantities"] = sum(stated) / len(stated) if stated else float("nan")
    row["quantity_claims"] = len(stated)
    shared = [(c, k) for c, k in pairs if c.assertion_id in elsewhere]
    row["assertion"] = (
        sum(k["assertion"] == c.assertion_id for c, k in shared) / len(shared)
        if shared
        else float("nan")
    )
    return row


def table(rows: dict[str, dict[str, Any]]) -> pd.DataFrame:
    """One column per source and one for all of them; one row per measure, with its goal."""
    every = [pair for row in rows.values() for pair in row["pairs"]]
    total_claims = sum(r["claims"] for r in rows.values())
    total_candidates = sum(r["candidates"] for r in rows.values())
    columns: dict[str, dict[str, Any]] = {}
    for source_id, row in rows.items():
        columns[source_id.split("-")[0]] = {k: row[k] for k in _MEASURES if k in row}
    weighted = {
        "claims": total_claims,
        "candidates": total_candidates,
        "recall": sum(len(r["pairs"]) for r in rows.values()) / total_claims,
        "precision": sum(r["precision"] * r["candidates"] for r in rows.values())
        / total_candidates,
        "wall": sum(r["wall"] for r in rows.values()) / len(rows),
        "cpu": sum(r["cpu"] for r in rows.values()) / len(rows),
    }
    for name in (*FIELDS, "attribution"):
        weighted[name] = sum(r[name] * len(r["pairs"]) for r in rows.values()) / len(every)
    for name in FIELDS:
        gold = [g for r in rows.values() for g in r[f"gold_{name}"]]
        tool = [t for r in rows.values() for t in r[f"tool_{name}"]]
        weighted[f"kappa {name}"] = cohen_kappa_score(gold, tool)
    stated = sum(r["quantity_claims"] for r in rows.values())
    weighted["quantities"] = (
        sum(r["quantities"] * r["quantity_claims"] for r in rows.values() if r["quantity_claims"])
        / stated
    )
    weighted["quantity_claims"] = stated
    weighted["assertion"] = pd.Series([r["assertion"] for r in rows.values()]).mean()
    columns["all"] = weighted
    frame = pd.DataFrame(columns).reindex(_MEASURES)
    frame["goal"] = [f">= {GOALS[m]:.2f}" if m in GOALS else "" for m in frame.index]
    return frame


_MEASURES = (
    "claims",
    "candidates",
    "recall",
    "precision",
    "category",
    "hedge",
    "basis",
    "comparator",
    "direction",
    "attribution",
    "quantities",
    "quantity_claims",
    "assertion",
    "kappa category",
    "kappa hedge",
    "kappa basis",
    "kappa comparator",
    "kappa direction",
    "wall",
    "cpu",
)


def _format(frame: pd.DataFrame) -> str:
    def cell(measure: str, value: object) -> str:
        if isinstance(value, str):
            return value
        if value != value:  # NaN: nothing to measure
            return "-"
        if measure in ("claims", "candidates", "quantity_claims"):
            return f"{value:.0f}"
        if measure in ("wall", "cpu"):
            return f"{value:.2f} s"
        return f"{value:.2f}"

    shown = frame.copy().astype(object)
    for measure in frame.index:
        shown.loc[measure] = [cell(measure, v) for v in frame.loc[measure]]
    shown.index = [
        {
            "wall": "s/article wall",
            "cpu": "s/article CPU",
            "quantity_claims": "(found claims with a quantity)",
        }.get(m, m)
        for m in frame.index
    ]
    header = ["measure", *shown.columns]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for measure, values in shown.iterrows():
        lines.append("| " + " | ".join([str(measure), *map(str, values)]) + " |")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> None:
    options = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    options.add_argument("--corpus", metavar="DIR", help="folder of the source texts")
    options.add_argument(
        "--mismatches",
        action="store_true",
        help="also print each found claim whose proposed quantities differ from the curated ones",
    )
    args = options.parse_args(argv)
    corpus = paths.corpus_dir(args.corpus)
    ev = load(corpus=corpus)
    texts = source_texts(ev, corpus)
    train(corpus=corpus)  # imports and first-use costs, outside the timings
    rows = {source_id: evaluate(source_id, text, ev, corpus) for source_id, text in texts.items()}
    print(f"Candidate extraction, leave-one-source-out over {len(rows)} sources")
    print(_format(table(rows)))
    if args.mismatches:
        print(_mismatches(rows))


def _mismatches(rows: dict[str, dict[str, Any]]) -> str:
    """Each quantity mismatch: the curated claim, its quantities, the candidate's quote and its."""
    lines = ["", "Quantity mismatches (curated claim | candidate):"]
    for row in rows.values():
        for claim_id, curated, candidate, proposed in row["quantity_mismatches"]:
            lines.append(f"- {claim_id}: {curated or 'none'}")
            lines.append(f"  {candidate['id']} {candidate['quote']!r}: {proposed or 'none'}")
    if len(lines) == 2:
        lines.append("- none")
    return "\n".join(lines)


if __name__ == "__main__":
    main()
