"""The batch of reports: offline, deterministic, incremental, isolated failures, Ctrl-C safe.

The real notebooks are rendered once per session (a small batch, see `conftest.rendered`); the
behaviours that need many runs use tiny fixture notebooks, whose kernels start and finish fast.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import plotly
import pytest

import massage_evidence as me
from massage_evidence import audit, execute, grid, reports
from massage_evidence.cli import main
from massage_evidence.figures import NOTHING_TO_DRAW, drawable

from .conftest import EVIDENCE, MINI, REPO, SMALL_BATCH, said_after_the_folders
from .test_grid import write_notebook

FIXTURES = MINI.parent / "notebooks"
PLOTLY_JS = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
URL = re.compile(rb"https?://")
LINK = re.compile(r'(?:src|href)="([^"]*)"')


def files(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()
    }


def statuses(batch: reports.Batch) -> dict[str, str]:
    return {entry.report.slug: entry.status for entry in batch.entries if entry.selected}


def receipt(out: Path, slug: str) -> dict:
    return json.loads((out / ".receipts" / f"{slug}.json").read_text(encoding="utf-8"))


def no_temporary_files(out: Path) -> None:
    leftovers = [p.name for p in out.rglob("*") if p.name.endswith((".tmp", ".partial.ipynb"))]
    assert not leftovers


def test_the_batch_renders_and_the_index_lists_the_whole_grid(rendered):
    out = rendered.index.parent
    assert set(statuses(rendered).values()) == {reports.RENDERED}
    assert len(statuses(rendered)) == 2
    index = rendered.index.read_text(encoding="utf-8")
    assert len(rendered.entries) >= 12
    for entry in rendered.entries:
        assert (
            f"<td>{entry.report.slug}</td>" in index or f'href="{entry.report.slug}.html"' in index
        )
        assert entry.report.notebook.title in index
    for slug in statuses(rendered):
        assert f'<a href="{slug}.html">{slug}</a>' in index
        for figure_id, title in receipt(out, slug)["figures"]:
            assert f'<a href="{slug}.html#{figure_id}">' in index and title in index
    assert index.count('class="status-pending">not rendered') == len(rendered.entries) - 2


def test_each_report_draws_its_figures_with_the_one_shared_plotly_js(rendered):
    out = rendered.index.parent
    parameters = {e.report.slug: e.report.parameters for e in rendered.entries if e.selected}
    assert (out / "assets" / "plotly.min.js").read_bytes() == PLOTLY_JS.read_bytes()
    for slug in statuses(rendered):
        page = (out / f"{slug}.html").read_text(encoding="utf-8")
        assert page.count('<script src="assets/plotly.min.js"></script>') == 1
        assert len(page) < 150_000 and "plotly.js v" not in page  # the library is not inlined
        figures = receipt(out, slug)["figures"]
        assert len(figures) >= 2
        for figure_id, _ in figures:
            assert re.search(f'<div class="plotly-graph-div" id="{figure_id}"', page)
            assert re.search(rf'Plotly\.newPlot\(\s*"{figure_id}",', page)
        executed = json.loads((out / "notebooks" / f"{slug}.ipynb").read_text(encoding="utf-8"))
        assert executed["metadata"]["papermill"] == {"parameters": parameters[slug]}


def test_code_is_hidden_unless_asked_for(rendered, tmp_path):
    page = (rendered.index.parent / f"{next(iter(statuses(rendered)))}.html").read_text("utf-8")
    assert "jp-InputArea-editor" not in page and "check_parameters" not in page
    args = ["reports", "--notebooks", str(FIXTURES), "--out", str(tmp_path), "--only", "ok"]
    assert main([*args, "--quiet"]) == 0
    assert "jp-InputArea-editor" not in (tmp_path / "ok.html").read_text("utf-8")
    assert main([*args, "--quiet", "--include-code"]) == 0  # another digest: rendered again
    page = (tmp_path / "ok.html").read_text("utf-8")
    assert "jp-InputArea-editor" in page and "print" in page


def _grid_pages() -> set[str]:
    """The page of every report of the bundled grid."""
    return {f"{r.slug}.html" for r in grid.reports(me.load(), grid.notebooks(REPO / "notebooks"))}


def assert_offline(out: Path) -> None:
    """No generated file refers to anything outside `out`, and every link inside it resolves,
    except a link to a report of the grid that this batch (a part of the grid) did not render:
    a verdict links to its claim-audit report wherever the assertion appears."""
    grid_pages = _grid_pages()
    for name, data in files(out).items():
        if name == "assets/plotly.min.js":
            # plotly.js, copied verbatim from the installed package: its URLs are map-tile and
            # chart-studio defaults of features the figures never use.
            assert data == PLOTLY_JS.read_bytes()
            continue
        assert not URL.search(data), name
        if name.endswith(".html"):
            for link in LINK.findall(data.decode("utf-8")):
                target = (out / Path(name).parent / link.split("#")[0]).resolve()
                assert target.is_relative_to(out.resolve()), (name, link)
                page = target.relative_to(out.resolve()).as_posix()
                assert target.exists() or page in grid_pages, (name, link)


def test_nothing_generated_refers_outside_the_reports_folder(rendered):
    assert_offline(rendered.index.parent)


def test_the_claim_audit_renders_offline_with_a_forest_per_audited_claim(tmp_path):
    slug = "07-claim-audit--all"
    batch = reports.render(tmp_path, only=slug, progress=False)
    assert statuses(batch) == {slug: reports.RENDERED}
    assert_offline(tmp_path)
    page = (tmp_path / f"{slug}.html").read_text(encoding="utf-8")
    assert page.count('<script src="assets/plotly.min.js"></script>') == 1
    ev = me.load()
    # One card per audited assertion (41 since the curation review), yet far below the ~4.8 MB
    # that an inlined plotly.js would add.
    assert len(page) < 12_000 * len(ev.audit) and "plotly.js v" not in page
    figures = receipt(tmp_path, slug)["figures"]
    statements = ev.assertions.set_index("assertion_id")["statement"]
    drawn = [a for a in ev.audit["assertion_id"] if not drawable(audit.basis(ev, a)).empty]
    assert 0 < len(drawn) < len(ev.audit)
    assert [title for _, title in figures] == [f"The research on: {statements[a]}" for a in drawn]
    assert page.count(NOTHING_TO_DRAW) == len(ev.audit) - len(drawn)  # said, not drawn empty
    for figure_id, _ in figures:
        assert f'<div class="plotly-graph-div" id="{figure_id}"' in page
        assert re.search(rf'Plotly\.newPlot\(\s*"{figure_id}",', page)
    for words in ("not reported in the sources we hold", "As reported by a secondary source"):
        assert words in page
    assert "basis: Expert opinion" in page and "Verdict" in page


def test_two_fresh_runs_give_byte_identical_reports(rendered, tmp_path):
    again = reports.render(tmp_path, only=SMALL_BATCH, progress=False)
    assert statuses(again) == statuses(rendered)
    assert files(tmp_path) == files(rendered.index.parent)


def test_an_unchanged_rerun_renders_nothing_and_force_renders_the_same_bytes(rendered, capsys):
    out = rendered.index.parent
    before = files(out)
    stamps = {p: p.stat().st_mtime_ns for p in out.glob("*.html") if p.name != "index.html"}
    start = time.perf_counter()
    assert main(["reports", "--out", str(out), "--only", SMALL_BATCH]) == 0
    assert time.perf_counter() - start < 10  # no kernel: a few tenths of a second here
    assert "2 reports: 0 rendered, 2 up to date, 0 failed" in capsys.readouterr().out
    assert {p: p.stat().st_mtime_ns for p in stamps} == stamps
    slug = next(iter(statuses(rendered)))
    forced = reports.render(out, only=slug, force=True, progress=False)
    assert statuses(forced) == {slug: reports.RENDERED}
    assert files(out) == before


def test_a_change_to_notebook_parameters_evidence_or_version_renders_again(tmp_path, monkeypatch):
    notebooks = tmp_path / "notebooks"
    notebooks.mkdir()
    shutil.copy(FIXTURES / "ok.ipynb", notebooks)
    evidence = tmp_path / "evidence"
    shutil.copytree(EVIDENCE, evidence)
    out = tmp_path / "reports"

    def run() -> dict[str, str]:
        batch = reports.render(out, notebooks=notebooks, evidence=evidence, progress=False)
        return statuses(batch)

    assert run() == {"ok": reports.RENDERED}
    assert run() == {"ok": reports.UP_TO_DATE}
    notebook = json.loads((notebooks / "ok.ipynb").read_text(encoding="utf-8"))
    notebook["cells"][2]["source"] = ['print(f"label is {label}")']
    (notebooks / "ok.ipynb").write_text(json.dumps(notebook), encoding="utf-8")
    assert run() == {"ok": reports.RENDERED}
    notebook["metadata"]["massage_evidence"] = {"parameter_sets": [{"label": "other"}]}
    (notebooks / "ok.ipynb").write_text(json.dumps(notebook), encoding="utf-8")
    assert run() == {"ok--other": reports.RENDERED}
    with (evidence / "sources.yaml").open("a", encoding="utf-8") as handle:
        handle.write("# a reviewer's note\n")
    assert run() == {"ok--other": reports.RENDERED}
    monkeypatch.setattr(reports, "__version__", "99.0")
    assert run() == {"ok--other": reports.RENDERED}
    assert run() == {"ok--other": reports.UP_TO_DATE}


@pytest.mark.parametrize(
    ("sets", "message"),
    [
        (
            [{"source": "../../etc"}],
            "massage-evidence: bad.ipynb: unknown source '../../etc'; allowed: webmd-massage-",
        ),
        (
            [{"sorce": "webmd-massage-best-approach"}],
            "massage-evidence: bad.ipynb: unknown parameter 'sorce' (did you mean 'source'?); "
            "allowed: source",
        ),
    ],
)
def test_a_wrong_parameter_exits_2_before_any_kernel_starts(tmp_path, capsys, sets, message):
    write_notebook(tmp_path, "bad", 'source = "webmd-massage-best-approach"  # a source', sets)
    out = tmp_path / "reports"
    assert main(["reports", "--notebooks", str(tmp_path), "--out", str(out)]) == 2
    (error,) = said_after_the_folders(capsys.readouterr().err)
    assert error.startswith(message)
    assert not out.exists()


def test_a_pattern_matching_no_report_exits_2(capsys):
    assert main(["reports", "--only", "no-such-report", "--out", "unused"]) == 2
    assert "no report matches 'no-such-report'" in capsys.readouterr().err
    assert not (REPO / "unused").exists()


def test_a_failing_report_is_marked_failed_and_the_others_complete(tmp_path, capsys):
    out = tmp_path / "reports"
    out.mkdir()
    (out / "raises.html").write_text("an old report of the notebook that now fails")
    code = main(
        ["reports", "--notebooks", str(FIXTURES), "--out", str(out), "--timeout", "3", "--quiet"]
    )
    assert code == 1
    reasons = {
        "raises": "cell [2] raised ValueError: deliberate failure for the test",
        "dies": "the kernel died",
        "sleeps": "a cell ran longer than the timeout of 3 s",
    }
    error = capsys.readouterr().err
    index = (out / "index.html").read_text(encoding="utf-8")
    for slug, reason in reasons.items():
        assert receipt(out, slug)["status"] == "failed"
        assert receipt(out, slug)["reason"] == reason
        assert f"failed: {slug}: {reason}" in error
        assert f'<span class="status-failed">failed</span>: {reason}' in index
        assert not (out / f"{slug}.html").exists()
    assert "deliberate failure" in (out / "notebooks" / "raises.ipynb").read_text("utf-8")
    assert receipt(out, "ok")["status"] == "ok" and (out / "ok.html").is_file()
    no_temporary_files(out)


def test_every_file_of_a_report_arrives_whole_under_its_name(tmp_path, monkeypatch):
    renames = []
    replace = os.replace
    monkeypatch.setattr(
        os, "replace", lambda a, b: renames.append((Path(a), Path(b))) or replace(a, b)
    )
    job = execute.Job(
        "ok", str(FIXTURES / "ok.ipynb"), "OK", {}, {}, "digest", str(tmp_path), False, 60
    )
    assert execute.render(job).status == "ok"
    written = {p for p in tmp_path.rglob("*") if p.is_file()}
    assert written == {target for _, target in renames}
    for temporary, target in renames:
        assert temporary.parent == target.parent and temporary.name.startswith(f".{target.name}.")
    no_temporary_files(tmp_path)


def test_ctrl_c_keeps_finished_reports_and_the_next_run_renders_the_rest(tmp_path):
    sets = [{"label": name} for name in ("one", "two", "three", "four")]
    write_notebook(tmp_path, "slow", 'label = "x"  # any text', sets)
    notebook = json.loads((tmp_path / "slow.ipynb").read_text(encoding="utf-8"))
    notebook["cells"].append(
        {
            "cell_type": "code",
            "id": "c",
            "metadata": {},
            "source": ["import time\n", "\n", "time.sleep(1.5)"],
            "outputs": [],
            "execution_count": None,
        }
    )
    (tmp_path / "slow.ipynb").write_text(json.dumps(notebook), encoding="utf-8")
    out = tmp_path / "reports"
    command = [sys.executable, "-m", "massage_evidence.cli", "reports", "--quiet", "--jobs", "1"]
    command += ["--notebooks", str(tmp_path), "--out", str(out)]
    batch = subprocess.Popen(command, start_new_session=True, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    while not list((out / ".receipts").glob("*.json")) and time.monotonic() < deadline:
        time.sleep(0.1)
    os.killpg(batch.pid, signal.SIGINT)  # as Ctrl-C in a terminal: the whole process group
    _, error = batch.communicate(timeout=60)
    assert batch.returncode == 130, error
    assert "run the same command again to render the rest" in error
    finished = sorted(p.stem for p in (out / ".receipts").glob("*.json"))
    assert 1 <= len(finished) < 4
    for slug in finished:
        assert receipt(out, slug)["status"] == "ok"
        assert (out / f"{slug}.html").read_text("utf-8").endswith("</html>\n")
    no_temporary_files(out)
    assert (out / "index.html").is_file()
    again = reports.render(out, notebooks=tmp_path, progress=False)
    expected = {grid.slug("slow", s): reports.RENDERED for s in sets}
    expected.update({slug: reports.UP_TO_DATE for slug in finished})
    assert statuses(again) == expected
