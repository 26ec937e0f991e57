"""A parameter the evidence has no data for: the report says so in one sentence, once, instead of
an empty table and the same chart twice."""

from __future__ import annotations

import nbformat
import papermill

import massage_evidence as me

from .conftest import REPO


def outputs(path) -> list[dict]:
    cells = nbformat.read(path, as_version=4).cells
    return [output for cell in cells for output in cell.get("outputs", [])]


def test_a_condition_without_time_figures_says_so_in_one_sentence(tmp_path):
    ev = me.load()
    condition = "sciatica"
    assert me.time_to_relief(ev, condition=condition).empty  # the premise, from the evidence
    out = tmp_path / "02.ipynb"
    papermill.execute_notebook(
        REPO / "notebooks" / "02_time_to_relief.ipynb",
        out,
        parameters={"condition": condition},
        progress_bar=False,
        cwd=REPO / "notebooks",
    )
    shown = outputs(out)
    texts = [o.get("data", {}).get("text/plain", "") for o in shown]
    sentence = "The evidence holds no figure for how soon relief comes for sciatica."
    assert texts.count(sentence) == 1
    assert not any("<table" in o.get("data", {}).get("text/html", "") for o in shown)
    figures = [text for text in texts if text.startswith("Figure: ")]
    assert figures == ["Figure: How soon relief comes, by condition"]  # every condition, once


def test_a_threshold_no_assertion_meets_says_so_once_per_category_and_shows_no_empty_table(
    tmp_path,
):
    ev = me.load()
    too_many = len(ev.sources) + 1  # no assertion can be made by more sources than there are
    out = tmp_path / "05.ipynb"
    papermill.execute_notebook(
        REPO / "notebooks" / "05_safety.ipynb",
        out,
        parameters={"min_sources": too_many},
        progress_bar=False,
        cwd=REPO / "notebooks",
    )
    texts = [o.get("data", {}).get("text/plain", "") for o in outputs(out)]
    for category in ("safety", "contraindication", "red_flag"):
        label = ev.vocabulary.label("category", category).lower()
        sentence = f"The evidence holds no {label} assertion that at least {too_many} sources make."
        assert texts.count(sentence) == 1
    html = [o.get("data", {}).get("text/html", "") for o in outputs(out)]
    assert sum("<table" in h for h in html) == 1  # the tensions table, which has rows
