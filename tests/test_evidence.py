"""The bundled evidence, checked against the source texts themselves."""

from __future__ import annotations

import hashlib
import re
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
import yaml

import massage_evidence as me
from massage_evidence import schema
from massage_evidence.cli import main
from massage_evidence.quantities import parse

from .conftest import EVIDENCE

# Sentences of the source texts that carry no claim: page chrome, lead-ins to a list, and one
# introduction of a person.
NOT_CLAIMS = {
    "000_c2feff418903ba5a.txt": ["If you'd like to visit a massage therapist"],
    "001_bb7f40cfed3e035b.txt": ["Find out how to incorporate", "Read all of the expert tips"],
    "002_ac81173789b6eb74.txt": [
        "Our website was designed",
        "Find the latest versions",
        "You can also install Google Chrome Frame",
    ],
    "003_4f78bcaabf6d45b5.txt": ["As a service to our readers"],
    "004_e9c7ccd7d470b56b.txt": ["If you are interested in using back massages"],
}


def _yaml(path: Path):
    return yaml.safe_load(path.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def sources() -> list[dict]:
    return _yaml(EVIDENCE / "sources.yaml")


@pytest.fixture(scope="module")
def claim_files() -> dict[str, dict]:
    return {p.stem: _yaml(p) for p in sorted((EVIDENCE / "claims").glob("*.yaml"))}


def test_every_source_has_a_claims_file_and_its_text(sources, claim_files, seeds):
    assert sorted(s["id"] for s in sources) == sorted(claim_files)
    for source in sources:
        text = (seeds / source["file"]).read_bytes()
        assert hashlib.sha256(text).hexdigest() == source["sha256"], source["id"]


def test_every_quote_is_verbatim_at_its_offsets(sources, claim_files, seeds):
    files = {s["id"]: s["file"] for s in sources}
    for source_id, document in claim_files.items():
        text = (seeds / files[source_id]).read_text(encoding="utf-8")
        for claim in document["claims"]:
            assert text[claim["start"] : claim["end"]] == claim["quote"], claim["id"]


def test_every_claim_has_every_field(claim_files):
    expected = set(schema.CLAIM) - {"source"}
    for document in claim_files.values():
        for claim in document["claims"]:
            assert set(claim) == expected, claim["id"]
            for field in ("quote", "statement", "category", "hedge", "basis", "assertion"):
                assert claim[field], (claim["id"], field)


def test_statements_are_our_own_words(claim_files):
    """A paraphrase that repeats the whole quote is a copy, not a statement."""
    for document in claim_files.values():
        for claim in document["claims"]:
            assert claim["statement"].strip(". ").lower() != claim["quote"].strip(". ").lower(), (
                claim["id"]
            )


def _paragraphs(text: str):
    """Lines of prose: six words or more, ending as a sentence ends (not headings or lead-ins)."""
    for match in re.finditer(r"[^\n]+", text):
        line = match.group().strip()
        if len(line.split()) >= 6 and line.endswith((".", '."', ".”", "!")):
            yield match.start(), match.end(), line


def test_claims_cover_every_paragraph_of_every_text(sources, claim_files, seeds):
    """Coverage, not a sample: each paragraph of substance holds at least one claim's quote."""
    for source in sources:
        text = (seeds / source["file"]).read_text(encoding="utf-8")
        spans = [(c["start"], c["end"]) for c in claim_files[source["id"]]["claims"]]
        skipped = NOT_CLAIMS[source["file"]]
        for start, end, paragraph in _paragraphs(text):
            if any(paragraph.startswith(prefix) for prefix in skipped):
                continue
            assert any(s < end and e > start for s, e in spans), (source["id"], paragraph[:60])


def test_more_than_a_hundred_claims_across_the_five_sources(claim_files):
    counts = {source: len(doc["claims"]) for source, doc in claim_files.items()}
    assert len(counts) == 5
    assert sum(counts.values()) > 100
    assert min(counts.values()) >= 15


def test_every_stored_quantity_is_what_the_parser_reads(claim_files):
    for document in claim_files.values():
        for claim in document["claims"]:
            for quantity in claim["quantities"]:
                parsed = parse(quantity["text"])
                stored = (quantity["min"], quantity["max"], quantity["unit"])
                assert (parsed.min, parsed.max, parsed.unit) == stored, claim["id"]
                assert quantity["text"] in claim["quote"], claim["id"]


def test_headline_quantities_match_the_lifescript_text(seeds):
    ev = me.load()
    text = (seeds / "001_bb7f40cfed3e035b.txt").read_text(encoding="utf-8")
    assert "relieve back pain in 2-3 sessions" in text and "as many as four weeks" in text
    q = ev.quantities.set_index("text")
    two_three = q.loc["2-3 sessions"]
    assert (two_three["min"], two_three["max"], two_three["unit"]) == (2, 3, "sessions")
    four_weeks = q.loc["as many as four weeks"]
    assert pd.isna(four_weeks["min"]) and four_weeks["max"] == 4 and four_weeks["unit"] == "weeks"


def test_load_returns_tidy_typed_tables(claim_files):
    ev = me.load()
    assert len(ev.claims) == sum(len(d["claims"]) for d in claim_files.values())
    assert ev.claims["claim_id"].is_unique
    for column in (
        "category",
        "intervention",
        "condition",
        "comparator",
        "outcome",
        "direction",
        "hedge",
        "basis",
    ):
        dtype = ev.claims[column].dtype
        assert isinstance(dtype, pd.CategoricalDtype), column
        assert list(dtype.categories) == ev.vocabulary.terms(column)
    assert isinstance(ev.quantities["unit"].dtype, pd.CategoricalDtype)
    assert str(ev.claims["start"].dtype) == "Int64"
    assert str(ev.quantities["max"].dtype) == "Float64"
    assert set(ev.quantities["claim_id"]) <= set(ev.claims["claim_id"])
    assert set(ev.claims["assertion_id"]) <= set(ev.assertions["assertion_id"])
    assert not ev.claims[["category", "hedge", "basis"]].isna().any().any()


def test_load_works_from_any_working_directory(tmp_path):
    code = "import massage_evidence as me; print(len(me.load().claims))"
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    assert int(result.stdout) > 100


def test_load_raises_listing_every_problem(mini):
    claims = mini / "evidence" / "claims" / "mini-source.yaml"
    claims.write_text(claims.read_text().replace("hedge: certain", "hedge: sure"))
    with pytest.raises(me.EvidenceError) as raised:
        me.load(mini / "evidence", corpus=mini / "corpus")
    assert raised.value.problems == [
        "evidence/claims/mini-source.yaml:33: claim mini-002: hedge: unknown hedge 'sure' [unknown-term]"
    ]
    table = raised.value.table()
    assert table.to_dict("records") == [
        {
            "file": "evidence/claims/mini-source.yaml",
            "line": 33,
            "record": "claim mini-002",
            "field": "hedge",
            "code": "unknown-term",
            "message": "unknown hedge 'sure'",
        }
    ]
    assert str(table["line"].dtype) == "Int64" and str(table["code"].dtype) == "string"


def test_validate_command_checks_the_bundled_evidence_against_the_texts(capsys, seeds):
    assert main(["validate", "--corpus", str(seeds)]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"ok: {EVIDENCE}: 5 sources, ")
    assert f"quotes and checksums checked against {seeds.resolve()}" in out


def test_the_console_script_is_installed():
    result = subprocess.run(
        [Path(sys.executable).parent / "massage-evidence", "validate"],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_atomic_writes_leave_a_file_readable_like_any_new_file(tmp_path):
    import os

    from massage_evidence.store import write_atomic

    target = tmp_path / "out.txt"
    write_atomic(target, "whole")
    mask = os.umask(0)
    os.umask(mask)
    assert target.read_text() == "whole"
    assert target.stat().st_mode & 0o777 == 0o666 & ~mask
    assert [p.name for p in tmp_path.iterdir()] == ["out.txt"]
