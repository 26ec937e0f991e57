"""The report grid: the bundled notebooks, their declared parameter sets, and wrong ones refused."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

import massage_evidence as me
from massage_evidence import ParameterError, grid

from .conftest import REPO

NOTEBOOKS = REPO / "notebooks"


@pytest.fixture(scope="module")
def ev() -> me.Evidence:
    return me.load()


def write_notebook(folder: Path, name: str, parameters: str, sets: list | None = None) -> Path:
    """A minimal notebook: a title, a parameters cell, and its declared parameter sets."""
    metadata = {
        "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
        "language_info": {"name": "python"},
    }
    if sets is not None:
        metadata["massage_evidence"] = {"parameter_sets": sets}
    cells = [
        {"cell_type": "markdown", "id": "a", "metadata": {}, "source": ["# A title"]},
        {
            "cell_type": "code",
            "id": "b",
            "metadata": {"tags": ["parameters"]},
            "source": [parameters],
            "outputs": [],
            "execution_count": None,
        },
    ]
    notebook = {"cells": cells, "metadata": metadata, "nbformat": 4, "nbformat_minor": 5}
    path = folder / f"{name}.ipynb"
    path.write_text(json.dumps(notebook), encoding="utf-8")
    return path


def test_the_bundled_grid_has_every_notebook_and_at_least_twelve_reports(ev):
    notebooks = grid.notebooks(NOTEBOOKS)
    reports = grid.reports(ev, notebooks)
    assert len(notebooks) >= 6 and len(reports) >= 12
    slugs = [r.slug for r in reports]
    assert len(set(slugs)) == len(slugs)
    assert all(re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*(--[a-z0-9]+(-[a-z0-9]+)*)*", s) for s in slugs)
    sources = {r.parameters["source"] for r in reports if "source" in r.parameters}
    assert sources == set(ev.sources["source_id"])
    comparators = {r.parameters["comparator"] for r in reports if "comparator" in r.parameters}
    assert {"usual_care", "acupuncture"} <= comparators
    conditions = {r.parameters["condition"] for r in reports if "condition" in r.parameters}
    assert set(me.time_to_relief(ev)["condition"].astype(str)) <= conditions


@pytest.mark.parametrize("path", sorted(NOTEBOOKS.glob("*.ipynb")), ids=lambda p: p.stem)
def test_each_notebook_opens_with_its_question_then_commented_parameters(path):
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    title, parameters = cells[0], cells[1]
    assert title["cell_type"] == "markdown"
    assert "".join(title["source"]).startswith("# ") and "**Question:**" in "".join(title["source"])
    assert parameters["metadata"]["tags"] == ["parameters"]
    lines = "".join(parameters["source"]).splitlines()
    assert lines and all(" = " in line and "  # " in line for line in lines)
    assert grid.read_notebook(path).defaults  # literal defaults that work


def test_a_notebook_without_declared_sets_gives_one_report_with_its_defaults(ev, tmp_path):
    write_notebook(tmp_path, "plain", 'label = "x"  # any text')
    (report,) = grid.reports(ev, grid.notebooks(tmp_path))
    assert (report.slug, report.parameters) == ("plain", {})
    assert report.notebook.title == "A title"


@pytest.mark.parametrize(
    ("parameters", "sets", "message"),
    [
        (
            'source = "webmd-massage-best-approach"  # a source',
            [{"source": "../../etc"}],
            "bad.ipynb: unknown source '../../etc'; allowed: webmd-massage-best-approach, ",
        ),
        (
            'condition = "sciatica"  # a condition',
            [{"condition": "sciatika"}],
            "bad.ipynb: unknown condition 'sciatika' (did you mean 'sciatica'?); allowed: ",
        ),
        (
            'condition = "sciatica"  # a condition',
            [{"conditon": "sciatica"}],
            "bad.ipynb: unknown parameter 'conditon' (did you mean 'condition'?); allowed: condition",
        ),
        ("top = 12  # how many", [{"top": "../../etc"}], "bad.ipynb: parameter top must be int"),
    ],
)
def test_a_wrong_parameter_set_is_refused_in_one_line(ev, tmp_path, parameters, sets, message):
    write_notebook(tmp_path, "bad", parameters, sets)
    with pytest.raises(ParameterError) as error:
        grid.reports(ev, grid.notebooks(tmp_path))
    assert str(error.value).startswith(message)
    assert "\n" not in str(error.value)


def test_free_text_becomes_a_safe_report_name(ev, tmp_path):
    write_notebook(tmp_path, "Free Text!", 'label = "x"  # any text', [{"label": "../../etc"}])
    (report,) = grid.reports(ev, grid.notebooks(tmp_path))
    assert report.slug == "free-text--etc"
    assert re.fullmatch(r"n--[0-9a-f]{8}", grid.slug("n", {"label": "../.."}))  # nothing left


def test_two_sets_with_the_same_report_name_are_refused(ev, tmp_path):
    write_notebook(
        tmp_path, "twice", 'label = "x"  # any text', [{"label": "a b"}, {"label": "a-b"}]
    )
    with pytest.raises(ParameterError, match="give the same report name 'twice--a-b'"):
        grid.reports(ev, grid.notebooks(tmp_path))


def test_the_claim_audit_renders_all_and_each_audited_assertion(ev):
    notebook = grid.read_notebook(NOTEBOOKS / "07_claim_audit.ipynb")
    assert notebook.defaults == {"assertion": "all"}
    reports = grid.reports(ev, [notebook])
    assert [r.parameters["assertion"] for r in reports] == ["all", *ev.audit["assertion_id"]]
    assert reports[0].slug == "07-claim-audit--all"
