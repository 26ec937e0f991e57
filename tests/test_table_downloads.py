"""Every table a report shows is a CSV file beside it: linked, recorded, kept in step."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pytest

from massage_evidence import reports
from massage_evidence._version import __version__

from .conftest import EVIDENCE
from .test_grid import write_notebook

SHOW = """from massage_evidence import display
import pandas as pd

first = pd.DataFrame({"Claim": ["x-001", "x-002"], "Quote": ['He said "no", twice', None]})
display.table(first.head(rows))
if second:
    display.table(display.Table(pd.DataFrame({"n": [1.5, 2]}), "Second one"))
"""


def _notebook(folder: Path, rows: int, second: bool) -> None:
    path = write_notebook(folder, "tabled", f"rows = {rows}\nsecond = {second}")
    notebook = json.loads(path.read_text(encoding="utf-8"))
    notebook["cells"].append(
        {"cell_type": "code", "id": "c", "metadata": {}, "source": [SHOW], "outputs": [],
         "execution_count": None}
    )  # fmt: skip
    path.write_text(json.dumps(notebook), encoding="utf-8")


@pytest.fixture()
def out(tmp_path: Path) -> Path:
    return tmp_path / "out"


def _render(tmp_path: Path, out: Path) -> str:
    batch = reports.render(out, notebooks=tmp_path, evidence=EVIDENCE, progress=False)
    [entry] = [e for e in batch.entries if e.selected]
    assert entry.status != reports.FAILED, entry.reason
    return entry.status


def test_each_table_is_written_linked_and_recorded_and_follows_the_report(tmp_path, out):
    _notebook(tmp_path, rows=2, second=True)
    assert _render(tmp_path, out) == reports.RENDERED
    data = out / "data" / "tabled"
    assert sorted(p.name for p in data.iterdir()) == ["01-table.csv", "02-second-one.csv"]
    assert (data / "01-table.csv").read_bytes() == (
        b'Claim,Quote\nx-001,"He said ""no"", twice"\nx-002,\n'
    )
    assert (data / "02-second-one.csv").read_text(encoding="utf-8") == "n\n1.5\n2.0\n"
    page = (out / "tabled.html").read_text(encoding="utf-8")
    hrefs = re.findall(r'<p class="table-download"><a [^>]*href="([^"]+)"', page)
    assert hrefs == ["data/tabled/01-table.csv", "data/tabled/02-second-one.csv"]
    receipt = json.loads((out / ".receipts" / "tabled.json").read_text(encoding="utf-8"))
    assert set(receipt["files"]) == {"html", "notebook", *hrefs}

    assert _render(tmp_path, out) == reports.UP_TO_DATE
    (data / "02-second-one.csv").unlink()  # a missing download is noticed
    assert _render(tmp_path, out) == reports.RENDERED
    (data / "01-table.csv").write_text("Claim,Quote\n", encoding="utf-8")  # and an altered one
    assert _render(tmp_path, out) == reports.RENDERED
    assert (data / "01-table.csv").read_text(encoding="utf-8").count("\n") == 3

    _notebook(tmp_path, rows=1, second=False)  # the report now shows one table: one file
    assert _render(tmp_path, out) == reports.RENDERED
    assert [p.name for p in data.iterdir()] == ["01-table.csv"]
    assert (data / "01-table.csv").read_bytes() == b'Claim,Quote\nx-001,"He said ""no"", twice"\n'


def test_a_report_is_stamped_with_version_evidence_and_commit_and_no_time(tmp_path, out):
    _notebook(tmp_path, rows=1, second=False)
    _render(tmp_path, out)
    page = (out / "tabled.html").read_text(encoding="utf-8")
    [footer] = re.findall(r'<footer class="report-stamp">([^<]*)</footer>', page)
    assert footer.startswith(f"Built by massage-evidence {__version__} · evidence sha256 ")
    commit = subprocess.run(
        ["git", "-C", str(EVIDENCE), "log", "-1", "--format=%H", "--", "."],
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()
    if commit:  # a checkout of the repository: the stamp names the evidence's last commit
        assert f"evidence commit {commit[:12]}" in footer
    else:
        assert "commit" not in footer
    assert not re.search(r"\d{4}-\d\d-\d\d|\d\d:\d\d", footer)
