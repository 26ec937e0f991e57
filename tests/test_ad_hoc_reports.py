"""One-off reports from the command line: one parameter set outside the grid, marked ad hoc."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from massage_evidence.cli import main

from .conftest import MINI, said_after_the_folders
from .test_grid import write_notebook

FIXTURES = MINI.parent / "notebooks"


@pytest.fixture()
def notebooks(tmp_path: Path) -> Path:
    """A folder with one quick notebook (`label`, text) and one with a number (`top`)."""
    folder = tmp_path / "notebooks"
    folder.mkdir()
    shutil.copy(FIXTURES / "ok.ipynb", folder / "ok.ipynb")
    write_notebook(folder, "counts", "top = 3  # how many", sets=[{"top": 3}])
    return folder


def reports(notebooks: Path, out: Path, *options: str) -> int:
    return main(["reports", "--notebooks", str(notebooks), "--out", str(out), *options])


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (
            ["--notebook", "09_summary_of_findings", "-p", "comparison=usual_cre"],
            "unknown comparison 'usual_cre' (did you mean 'usual_care'?); allowed: ",
        ),
        (["--notebook", "summary_of_findings"], "unknown notebook 'summary_of_findings'"),
        (
            ["--notebook", "09_summary_of_findings", "-p", "comparsion=usual_care"],
            "unknown parameter 'comparsion' (did you mean 'comparison'?)",
        ),
        (["--notebook", "09_summary_of_findings", "-p", "usual_care"], "expected key=value"),
        (
            ["--notebook", "09", "-p", "comparison=acupuncture", "-p", "comparison=usual_care"],
            "parameter comparison is given twice",
        ),
        (["-p", "comparison=usual_care"], "-p needs --notebook NAME"),
        (["--notebook", "09_summary_of_findings", "--only", "09-*"], "does not take --only"),
    ],
)
def test_a_bad_one_off_report_is_one_line_and_exit_2_with_nothing_written(
    tmp_path, capsys, options, message
):
    out = tmp_path / "out"
    assert main(["reports", "--out", str(out), "--quiet", *options]) == 2
    lines = said_after_the_folders(capsys.readouterr().err)
    assert len(lines) == 1 and message in lines[0], lines
    assert lines[0].startswith("massage-evidence: ")
    assert not out.exists()


def test_a_value_is_read_as_its_defaults_type(notebooks, tmp_path, capsys):
    out = tmp_path / "out"
    assert reports(notebooks, out, "--notebook", "counts", "-p", "top=many") == 2
    lines = said_after_the_folders(capsys.readouterr().err)
    assert lines == [
        "massage-evidence: counts.ipynb: parameter top must be a whole number, not 'many'"
    ]
    assert not out.exists()


def test_a_one_off_report_joins_the_folder_and_index_marked_ad_hoc(notebooks, tmp_path, capsys):
    out = tmp_path / "out"
    assert reports(notebooks, out, "--notebook", "ok", "-p", "label=special") == 0
    said = capsys.readouterr().out
    assert f"ad hoc report: {out / 'ok--special.html'}" in said
    executed = json.loads((out / "notebooks" / "ok--special.ipynb").read_text(encoding="utf-8"))
    printed = [
        "".join(o["text"]) for c in executed["cells"] for o in c.get("outputs", []) if "text" in o
    ]
    assert printed == ["label: special\n"]
    assert (out / "ok--special.html").is_file()
    assert not (out / "ok.html").exists()  # only the one report was rendered
    index = (out / "index.html").read_text(encoding="utf-8")
    assert (
        '<a href="ok--special.html">ok--special</a> <span class="ad-hoc">(ad hoc)</span>' in index
    )
    assert "ok</td>" in index and '<span class="ad-hoc">' not in index.split("ok--special")[0]

    # A later run of the grid keeps it listed and current; the grid's own reports are not ad hoc.
    before = (out / "ok--special.html").read_bytes()
    assert reports(notebooks, out, "--quiet") == 0
    index = (out / "index.html").read_text(encoding="utf-8")
    assert index.count('<span class="ad-hoc">(ad hoc)</span>') == 1
    assert '<a href="ok.html">ok</a></td>' in index and '<a href="counts--3.html">' in index
    assert (out / "ok--special.html").read_bytes() == before
    assert json.loads((out / ".ad-hoc.json").read_text(encoding="utf-8")) == [
        {"notebook": "ok", "parameters": {"label": "special"}}
    ]


def test_a_parameter_set_of_the_grid_is_rendered_as_the_grids_own(notebooks, tmp_path, capsys):
    out = tmp_path / "out"
    assert reports(notebooks, out, "--notebook", "counts.ipynb", "-p", "top=3") == 0
    assert "ad hoc" not in capsys.readouterr().out
    assert (out / "counts--3.html").is_file() and not (out / ".ad-hoc.json").exists()
    assert '<span class="ad-hoc">' not in (out / "index.html").read_text(encoding="utf-8")


def test_an_ad_hoc_report_that_no_longer_checks_leaves_the_index_in_one_line(
    notebooks, tmp_path, capsys
):
    out = tmp_path / "out"
    assert reports(notebooks, out, "--notebook", "counts", "-p", "top=5", "--quiet") == 0
    (notebooks / "counts.ipynb").unlink()
    capsys.readouterr()
    assert reports(notebooks, out, "--quiet") == 0
    lines = said_after_the_folders(capsys.readouterr().err)
    assert len(lines) == 1 and "left out of the index: unknown notebook 'counts'" in lines[0]
    assert "counts--5" not in (out / "index.html").read_text(encoding="utf-8")
    assert json.loads((out / ".ad-hoc.json").read_text(encoding="utf-8")) == []
