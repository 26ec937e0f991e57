"""Reading YAML: the fast construction gives exactly what the safe loader gives, with places."""

from __future__ import annotations

import gc
import math
import os
import shutil
from pathlib import Path

import pytest
import yaml

from massage_evidence import store
from massage_evidence.store import Document, gc_paused, parse_yaml

from .conftest import EVIDENCE

TRICKY = {
    "scalars": "a: 1\nb: [1, 2.5, null, ~, true, no, 0o17, 017, 0x1f, 1_000, 1:20, .inf, -.nan]\n",
    "floats": "- [0.5, -1.25, +2.0, 1.5e+3, -.5, +.5, 1., 6.8_0, 1:20.5, .NaN, -.Inf, 1.0e5]\n",
    "dates": "d: 2012-06-24\nt: 2001-12-14t21:59:43.10-05:00\ns: '2012-06-24'\n",
    "merge key": "base: &b {x: 1, y: 2}\nother:\n  <<: *b\n  y: 3\n",
    "non-text keys": "1: one\n2: two\nnull: none\n",
    "duplicate key": "a: 1\na: 2\n",
    "explicit tags": "x: !!int '12'\ny: !!float '1'\nz: !!str 12\n",
    "set": "!!set {a, b}\n",
    "omap": "!!omap [a: 1, b: 2]\n",
    "binary": "!!binary aGVsbG8=\n",
    "nested": "- a\n- {b: [c, {d: e}], f: |\n    block\n}\n",
    "unhashable key": "? [1, 2]\n: v\n",
    "text tag on a list": "!!str [a]\n",
    "map tag on a list": "!!map [a]\n",
    "unknown tag": "a: {b: !custom 1}\n",
}


def _same(left: object, right: object) -> bool:
    if isinstance(left, float) and math.isnan(left):
        return isinstance(right, float) and math.isnan(right)
    if type(left) is not type(right):
        return False
    if isinstance(left, dict):
        return left.keys() == right.keys() and all(_same(left[k], right[k]) for k in left)
    if isinstance(left, list):
        return len(left) == len(right) and all(map(_same, left, right))
    return left == right


def _data(text: str) -> object:
    document = parse_yaml(text)
    return None if document is None else document.data


def _safe_load(text: str) -> tuple[str, object]:
    try:
        return "value", yaml.load(text, Loader=yaml.CSafeLoader)
    except yaml.YAMLError as error:
        return "error", type(error).__name__


@pytest.mark.parametrize(
    "text",
    [
        *TRICKY.values(),
        *(p.read_text(encoding="utf-8") for p in sorted(EVIDENCE.rglob("*.yaml"))),
    ],
    ids=[*TRICKY, *(p.relative_to(EVIDENCE).as_posix() for p in sorted(EVIDENCE.rglob("*.yaml")))],
)
def test_parse_yaml_builds_what_the_safe_loader_builds(text: str):
    expected = _safe_load(text)
    try:
        found: tuple[str, object] = "value", _data(text)
    except yaml.YAMLError as error:
        found = "error", type(error).__name__
    assert found[0] == expected[0]
    assert _same(found[1], expected[1]) if found[0] == "value" else found == expected


def test_aliases_give_the_same_object_and_may_be_recursive():
    shared = _data("a: &x [1, 2]\nb: *x\n")
    assert shared["a"] is shared["b"]
    looped = _data("&m {self: *m, items: &l [*l]}\n")
    assert looped["self"] is looped and looped["items"][0] is looped["items"]


def test_gc_paused_restores_the_collector_as_it_was():
    assert gc.isenabled()
    with gc_paused():
        assert not gc.isenabled()
        with gc_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()
    assert gc.isenabled()
    with pytest.raises(ValueError), gc_paused():
        raise ValueError
    assert gc.isenabled()


RECORDS = """\
# two records
- id: a
  quote: x
  quantities:
    - {min: 2}

    - {min: 3}
- id: b
"""


def _places(document: Document | None) -> tuple[list[int], list[dict[str, int]]]:
    assert document is not None
    items = document.data
    fields = [document.places[id(item)].fields for item in items]
    return document.places[id(items)].items, fields


@pytest.mark.parametrize(
    "text",
    [RECORDS, "%YAML 1.1\n---\n" + RECORDS.replace("id: b", "id: &b b")],
    ids=["plain data", "with an anchor (the loader's own way)"],
)
def test_parse_yaml_keeps_the_line_of_each_record_key_and_list_item(text: str):
    shift = 2 if text.startswith("%YAML") else 0
    items, fields = _places(parse_yaml(text))
    assert items == [2 + shift, 8 + shift]
    assert fields[0] == {
        "id": 2 + shift,
        "quote": 3 + shift,
        "quantities": 4 + shift,
        "quantities[0]": 5 + shift,
        "quantities[1]": 7 + shift,
    }
    assert fields[1] == {"id": 8 + shift}


def test_parse_yaml_gives_none_for_a_text_without_a_document():
    assert parse_yaml("# only a comment\n") is None
    document = parse_yaml("---\n")
    assert document is not None and document.data is None


def _as_read(raw: store.RawEvidence) -> tuple[object, ...]:
    records = [(r.file, r.line, r.data, r.field_lines) for r in raw.claims]
    return records, [str(p) for p in raw.problems], raw.claim_files


def test_claims_read_by_several_processes_are_what_one_process_reads(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    evidence = shutil.copytree(EVIDENCE, tmp_path / "evidence")
    claims = sorted((evidence / "claims").glob("*.yaml"))
    claims[1].write_text("claims: [\n", encoding="utf-8")  # a problem in the middle
    text = claims[2].read_text(encoding="utf-8")
    claims[2].write_text(text.replace("  - id:", "  - 7\n  - id:", 1), encoding="utf-8")
    serial = store.read(evidence)
    assert len(serial.problems) == 2 and len(serial.claims) > 100
    monkeypatch.setattr(store, "PARALLEL_BYTES", 0)
    monkeypatch.setattr(os, "sched_getaffinity", lambda _: {0, 1}, raising=False)
    spawned = []
    original = store.ProcessPoolExecutor

    def counting_pool(*args: object, **kwargs: object) -> object:
        spawned.append(args)
        return original(*args, **kwargs)

    monkeypatch.setattr(store, "ProcessPoolExecutor", counting_pool)
    parallel = store.read(evidence)
    assert spawned == [(2,)]
    assert _as_read(parallel) == _as_read(serial)
