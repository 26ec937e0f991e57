"""Loading and consensus on synthetic evidence: 10k claims over 500 sources, 100k over 5k.

The evidence is generated from the real vocabulary, with a synthetic text per source written to a
temporary corpus, so quotes, offsets and checksums are real and validation checks them all. Each
size is loaded twice with a fresh cache folder: the cold load reads the YAML with the strict
loader, validates and builds the tables (in this one process) and keeps them in the cache; the warm
load finds the files unchanged and reads the tables back. Both sizes run in this one process, one
after the other, so the growth with 10x the data is measured side by side.
Goals: warm load at 100k <= 1 s and <= 1/10 of the cold load; cold load at 100k <= 20 s;
growth 10k -> 100k <= 11x for both.
"""

from __future__ import annotations

import gc
import hashlib
import json
import os
import random
import tempfile
import time
from pathlib import Path

import massage_evidence as me
from massage_evidence import paths, schema, store
from massage_evidence.evidence import CACHE_ENV
from massage_evidence.quantities import parse
from massage_evidence.vocabulary import Vocabulary

SIZES = ((500, 10_000), (5_000, 100_000))
CLAIMS_PER_ASSERTION = 5
QUANTITIES = {
    "sessions_to_relief": "2-3 sessions",
    "time_to_benefit": "up to four weeks",
    "soreness_duration": "a day or two",
    "visit_frequency": "about twice a month",
}


# The reference fields of a web page no one has read the details of (schema.citation).
REFERENCE = "".join(
    f"  {name}: {value}\n"
    for name, value in {
        **dict.fromkeys(schema.citation("source_author"), "null"),
        "reference_type": "web_page",
        "authors": "[]",
        "et_al": "false",
    }.items()
)


def _q(text: str) -> str:
    """A YAML double-quoted scalar (JSON's string syntax is valid YAML)."""
    return json.dumps(text, ensure_ascii=False)


def generate(root: Path, sources: int, claims: int, vocabulary: Vocabulary) -> None:
    """Write an evidence folder (`root/evidence`) and its corpus (`root/corpus`)."""
    rng = random.Random(sources)
    evidence, corpus = root / "evidence", root / "corpus"
    (evidence / "claims").mkdir(parents=True)
    corpus.mkdir()
    terms = {field: vocabulary.terms(field) for field in vocabulary.fields}
    labels = {field: vocabulary.labels(field) for field in vocabulary.fields}
    (evidence / "vocabulary.yaml").write_bytes(
        (paths.evidence_dir() / "vocabulary.yaml").read_bytes()
    )
    assertions = claims // CLAIMS_PER_ASSERTION
    lines = []
    for a in range(assertions):
        category = terms["category"][a % len(terms["category"])]
        lines += [
            f"- id: a{a}",
            f"  statement: Synthetic assertion {a}.",
            f"  category: {category}",
        ]
    (evidence / "assertions.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    lines = []
    for t in range(assertions // 20):
        lines += [
            f"- id: t{t}",
            f"  first: a{2 * t}",
            f"  second: a{2 * t + 1}",
            f"  kind: {rng.choice(terms['tension_kind'])}",
            f"  reason: Synthetic tension {t}.",
        ]
    (evidence / "tensions.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    source_lines = []
    per_source = claims // sources
    for s in range(sources):
        source_id = f"s{s}"
        sentences, records, offset = [], [], 0
        for c in range(per_source):
            intervention = rng.choice(terms["intervention"])
            condition = rng.choice(terms["condition"])
            quantity = rng.choice([None, None, None, *QUANTITIES])
            quote = (
                f"Claim {c} of source {s}: {labels['intervention'][intervention]} helps "
                f"{labels['condition'][condition]}"
            )
            if quantity:
                quote += f" in {QUANTITIES[quantity]}"
            quote += "."
            sentences.append(quote)
            start, end = offset, offset + len(quote)
            offset = end + 1
            if quantity:
                parsed = parse(QUANTITIES[quantity])
                low, high = (json.dumps(v) for v in (parsed.min, parsed.max))
                quantities = (
                    f"\n      - {{quantity: {quantity}, min: {low}, max: {high}, "
                    f"unit: {parsed.unit}, text: {_q(QUANTITIES[quantity])}}}"
                )
            else:
                quantities = " []"
            records.append(
                f"  - id: {source_id}-c{c}\n"
                f"    quote: {_q(quote)}\n"
                f"    start: {start}\n"
                f"    end: {end}\n"
                f"    statement: Synthetic claim {c} of source {s}.\n"
                f"    category: {rng.choice(terms['category'])}\n"
                f"    intervention: {intervention}\n"
                f"    condition: {condition}\n"
                f"    comparator: {rng.choice([*terms['comparator'], 'null', 'null'])}\n"
                f"    outcome: {rng.choice([*terms['outcome'], 'null'])}\n"
                f"    direction: {rng.choice([*terms['direction'], 'null'])}\n"
                f"    quantities:{quantities}\n"
                f"    hedge: {rng.choice(terms['hedge'])}\n"
                f"    attributed_to: {rng.choice(['article', f'p{s}a', f'p{s}b'])}\n"
                f"    basis: {rng.choice(terms['basis'])}\n"
                f"    assertion: a{rng.randrange(assertions)}\n"
            )
        text = "\n".join(sentences) + "\n"
        file = f"{s:05d}.txt"
        (corpus / file).write_text(text, encoding="utf-8")
        digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
        source_lines.append(
            f"- id: {source_id}\n  file: {file}\n  sha256: {digest}\n"
            f"  title: Synthetic source {s}\n  publisher: null\n  published: 2020-01-01\n"
            f"  kind: {terms['source_kind'][0]}\n{REFERENCE}  people:\n"
            f"    - {{id: p{s}a, name: Person A{s}, role: null, affiliation: null}}\n"
            f"    - {{id: p{s}b, name: Person B{s}, role: therapist, affiliation: null}}\n"
        )
        claims_file = f"source: {source_id}\nclaims:\n" + "".join(records)
        (evidence / "claims" / f"{source_id}.yaml").write_text(claims_file, encoding="utf-8")
    (evidence / "sources.yaml").write_text("".join(source_lines), encoding="utf-8")
    for table in schema.TABLES.values():  # tables this benchmark does not fill stay empty
        if table.file and not (evidence / table.file).exists():
            (evidence / table.file).write_text("[]\n", encoding="utf-8")


def _cpu() -> float:
    """CPU seconds of this process (everything runs in it)."""
    times = os.times()
    return times.user + times.system


def timed(function, *args, **kwargs):
    """The result, then wall-clock and CPU seconds (CPU time hardly moves when other jobs share
    the machine; wall-clock time is what the goals are about)."""
    wall, cpu = time.perf_counter(), _cpu()
    result = function(*args, **kwargs)
    return result, (time.perf_counter() - wall, _cpu() - cpu)


def measure(root: Path) -> dict[str, tuple[float, float]]:
    """Wall-clock and CPU seconds of a cold load, a warm load and the consensus."""
    os.environ[CACHE_ENV] = str(root / "cache")  # fresh: the first load reads everything
    evidence, corpus = root / "evidence", root / "corpus"
    cold_ev, cold = timed(me.load, evidence, corpus=corpus)
    del cold_ev
    gc.collect()
    ev, warm = timed(me.load, evidence, corpus=corpus)
    _, consensus = timed(me.consensus, ev)
    return {"cold load (strict loader)": cold, "warm load (cache)": warm, "consensus": consensus}


def main() -> None:
    vocabulary = Vocabulary.from_mapping(store.read().vocabulary)
    results = []
    with tempfile.TemporaryDirectory() as scratch:
        for sources, claims in SIZES:
            root = Path(scratch) / f"{claims}"
            _, (generated, _) = timed(generate, root, sources, claims, vocabulary)
            files = sorted((root / "evidence" / "claims").glob("*.yaml"))
            megabytes = sum(file.stat().st_size for file in files) / 2**20
            print(
                f"generated {claims} claims over {sources} sources in {generated:.1f} s: "
                f"{megabytes:.0f} MB of claims files"
            )
            results.append(measure(root))
    small, large = results
    header = ("10k wall", 10), ("100k wall", 11), ("growth", 8), ("10k cpu", 9), ("100k cpu", 10)
    print(f"\n{'seconds':<27}" + "".join(f"{name:>{width}}" for name, width in header))
    for step in small:
        (wall, cpu), (big_wall, big_cpu) = small[step], large[step]
        print(
            f"{step:<27}{wall:>10.2f}{big_wall:>11.2f}{big_wall / wall:>8.1f}"
            f"{cpu:>9.2f}{big_cpu:>10.2f}"
        )
    cold, warm = large["cold load (strict loader)"][0], large["warm load (cache)"][0]
    cold_growth = cold / small["cold load (strict loader)"][0]
    warm_growth = warm / small["warm load (cache)"][0]
    print(
        f"\n100k: warm {warm:.2f} s (goal <= 1 s), {warm / cold:.3f} of the cold load "
        f"(goal <= 0.1); cold {cold:.1f} s (goal <= 20 s); growth 10k -> 100k: cold "
        f"{cold_growth:.1f}x, warm {warm_growth:.1f}x (goal <= 11x)"
    )


if __name__ == "__main__":
    main()
