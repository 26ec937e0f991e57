"""The review notebook's tables, and its place in the report grid (only where candidates exist)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import massage_evidence as me
from massage_evidence import grid, reports
from massage_evidence.errors import ParameterError
from massage_evidence.ingest import review
from massage_evidence.ingest.extract import candidates_yaml, extract, train

from .conftest import EVIDENCE, REPO

NOTEBOOK = REPO / "notebooks" / "08_review_candidates.ipynb"


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory, seeds: Path) -> Path:
    """A copy of the evidence (texts in corpus/ beside it) with candidates for one source."""
    root = tmp_path_factory.mktemp("project")
    shutil.copytree(EVIDENCE, root / "evidence")
    shutil.copytree(seeds, root / "corpus")
    ev = me.load(root / "evidence", corpus=root / "corpus")
    source = ev.sources.iloc[-1]
    text = (root / "corpus" / source["file"]).read_text(encoding="utf-8")
    models, cues = train(root / "evidence", root / "corpus")
    found = extract(text, models, cues)
    folder = root / "evidence" / "candidates"
    folder.mkdir(exist_ok=True)
    (folder / f"{source['source_id']}.yaml").write_text(
        candidates_yaml(found, source["source_id"]), encoding="utf-8"
    )
    return root


@pytest.fixture(scope="module")
def ev():
    return me.load()


def _ev(project: Path):
    return me.load(project / "evidence", corpus=project / "corpus")


def test_no_review_report_without_candidates(tmp_path, seeds):
    shutil.copytree(EVIDENCE, tmp_path / "evidence", ignore=shutil.ignore_patterns("candidates"))
    ev = me.load(tmp_path / "evidence", corpus=seeds)
    assert grid.reports(ev, [grid.read_notebook(NOTEBOOK)]) == []


def test_one_review_report_per_source_with_candidates(project):
    ev = _ev(project)
    (report,) = grid.reports(ev, [grid.read_notebook(NOTEBOOK)])
    assert report.parameters == {"source": ev.sources["source_id"].iloc[-1]}


def test_with_candidates_is_a_value_of_source_only(ev, tmp_path):
    path = tmp_path / "bad.ipynb"
    notebook = grid.Notebook(
        path, "Bad", {"condition": "sciatica"}, [{"condition": "*with_candidates"}]
    )
    with pytest.raises(ParameterError, match="a value of source only"):
        grid.reports(ev, [notebook])


def test_review_tables_show_each_candidate_in_its_paragraph(project):
    ev = _ev(project)
    source = review.choose_source(ev, "")
    table = review.candidates(ev, source)
    assert len(table) > 0 and table["confidence"].between(0, 1).all()
    context = review.in_context(ev, source)
    for quote, paragraph in zip(table["quote"], context["paragraph"], strict=True):
        assert f"[[{' '.join(quote.split())}]]" in paragraph
    shared = review.shared_assertions(ev, source)
    suggested = table.dropna(subset=["assertion"])
    assert set(shared["candidate_id"]) == set(suggested["candidate_id"])
    curated = ev.claims.set_index("claim_id")["assertion_id"]
    for row in shared.dropna(subset=["claim_id"]).itertuples():
        assert curated[row.claim_id] == row.assertion


def test_a_source_without_candidates_is_one_line(project):
    ev = _ev(project)
    other = ev.sources["source_id"].iloc[0]
    with pytest.raises(ParameterError, match=f"source '{other}' has no candidates"):
        review.choose_source(ev, other)
    assert review.choose_source(ev, "") == ev.sources["source_id"].iloc[-1]


def test_the_review_notebook_renders_in_the_grid(project, tmp_path):
    ev = _ev(project)
    source = ev.sources["source_id"].iloc[-1]
    batch = reports.render(
        tmp_path / "out",
        evidence=project / "evidence",
        corpus=project / "corpus",
        only="08-*",
        progress=False,
    )
    (entry,) = [e for e in batch.entries if e.selected]
    assert entry.status == reports.RENDERED, entry.reason
    html = (tmp_path / "out" / f"{entry.report.slug}.html").read_text(encoding="utf-8")
    assert f"Source {source}:" in html and "c-001" in html
