"""The batch under faults: killed, out of disk, with damaged receipts or reports, a bad --out.

Also how it reports progress where nobody watches a terminal, and how --only finds reports.
"""

from __future__ import annotations

import errno
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from massage_evidence import execute, grid, reports
from massage_evidence.cli import main

from .conftest import said_after_the_folders
from .test_dask import kernels_of, slow_notebook, wait_until
from .test_reports import FIXTURES, files, no_temporary_files, receipt, statuses


def descendants(pid: int) -> set[int]:
    """Every living process below `pid`, from /proc."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            children.setdefault(int(stat[1]), []).append(int(entry.name))
    found, todo = set(), [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.add(child)
            todo.append(child)
    return found


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


NAMES = ("one", "two", "three", "four", "five", "six")


@pytest.mark.parametrize("how", [signal.SIGTERM, signal.SIGKILL])
def test_a_killed_batch_leaves_no_worker_or_kernel_behind(tmp_path, how):
    slow_notebook(tmp_path, NAMES, seconds=3)
    out = tmp_path / "reports"
    command = [sys.executable, "-m", "massage_evidence.cli", "reports", "--quiet", "--jobs", "2"]
    batch = subprocess.Popen(
        [*command, "--notebooks", str(tmp_path), "--out", str(out)],
        stderr=subprocess.PIPE,
        text=True,
    )
    assert wait_until(lambda: any((out / ".receipts").glob("*.json")), 300)
    below = descendants(batch.pid)
    workers = [p for p in below if kernels_of(p)]
    assert len(workers) == 2  # two workers, each with its warm kernel
    os.kill(batch.pid, how)  # the batch's process only, as a service manager or `kill` does
    _, error = batch.communicate(timeout=120)
    if how == signal.SIGTERM:  # handled like Ctrl-C: the reports in progress finish
        assert batch.returncode == 130, error
        assert "run the same command again to render the rest" in error
        assert (out / "index.html").is_file()
    assert wait_until(lambda: not any(alive(p) for p in below), 15), [p for p in below if alive(p)]
    if how == signal.SIGTERM:
        no_temporary_files(out)
    for path in (out / ".receipts").glob("*.json"):
        assert receipt(out, path.stem)["status"] == "ok"
        assert (out / f"{path.stem}.html").read_text("utf-8").endswith("</html>\n")


def test_a_write_error_fails_that_report_only(tmp_path, monkeypatch):
    """A full disk while one report is written: that report fails, the batch goes on."""
    slow_notebook(tmp_path, ("one", "two", "three"), seconds=0)
    full = grid.slug("slow", {"label": "two"})
    write = execute.write_atomic

    def write_atomic(path, data):
        if Path(path).name == f"{full}.html":
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(path))
        return write(path, data)

    monkeypatch.setattr(execute, "write_atomic", write_atomic)  # the pool's workers are forked
    out = tmp_path / "reports"
    batch = reports.render(out, notebooks=tmp_path, jobs=1, progress=False)
    assert statuses(batch) == {
        grid.slug("slow", {"label": "one"}): reports.RENDERED,
        full: reports.FAILED,
        grid.slug("slow", {"label": "three"}): reports.RENDERED,
    }
    reason = f"could not write {full}.html: No space left on device"
    assert receipt(out, full) == {
        "digest": receipt(out, full)["digest"],
        "figures": [],
        "files": {},
        "reason": reason,
        "slug": full,
        "status": "failed",
        "tables": [],
    }
    assert not (out / f"{full}.html").exists()
    assert (
        f'<span class="status-failed">failed</span>: {reason}' in (out / "index.html").read_text()
    )
    no_temporary_files(out)


@pytest.fixture(scope="module")
def three(tmp_path_factory) -> tuple[Path, Path, dict[str, bytes]]:
    """Three small reports, rendered once: their notebooks, output folder and files."""
    folder = tmp_path_factory.mktemp("three")
    slow_notebook(folder, ("one", "two", "three"), seconds=0)
    out = folder / "reports"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("MASSAGE_EVIDENCE_CACHE", str(tmp_path_factory.getbasetemp() / "cache"))
        batch = reports.render(out, notebooks=folder, progress=False)
    assert set(statuses(batch).values()) == {reports.RENDERED}
    return folder, out, files(out)


DAMAGE = {
    "receipt []": (".receipts/{slug}.json", b"[]"),
    "receipt null": (".receipts/{slug}.json", b"null"),
    "receipt garbage": (".receipts/{slug}.json", b"\x00\xff{not json"),
    "receipt of another shape": (".receipts/{slug}.json", b'{"digest": 1, "status": "ok"}'),
    "truncated report": ("{slug}.html", None),
    "emptied notebook": ("notebooks/{slug}.ipynb", b""),
}


@pytest.mark.parametrize("damage", DAMAGE)
def test_a_damaged_receipt_or_report_means_render_again(three, damage):
    folder, out, before = three
    slug = grid.slug("slow", {"label": "two"})
    name, data = DAMAGE[damage]
    path = out / name.format(slug=slug)
    path.write_bytes(data if data is not None else path.read_bytes()[:1000])
    batch = reports.render(out, notebooks=folder, progress=False)
    assert statuses(batch)[slug] == reports.RENDERED
    assert sorted(statuses(batch).values()).count(reports.UP_TO_DATE) == 2
    assert files(out) == before


@pytest.mark.parametrize("kind", ["a file", "under a file", "refused by the system"])
def test_an_unusable_out_is_one_line_and_exit_2(tmp_path, capsys, kind):
    (tmp_path / "taken").write_text("not a folder")
    out = {
        "a file": tmp_path / "taken",
        "under a file": tmp_path / "taken" / "reports",
        "refused by the system": Path("/sys/massage-evidence-reports"),  # even root cannot write
    }[kind]
    code = main(["reports", "--notebooks", str(FIXTURES), "--only", "ok", "--out", str(out)])
    assert code == 2
    error = capsys.readouterr().err
    expected = {
        "a file": f"massage-evidence: --out {out}: not a folder\n",
        "under a file": f"massage-evidence: --out {out}: cannot write there (Not a directory)\n",
        "refused by the system": f"massage-evidence: --out {out}: cannot write there (",
    }[kind]
    (said,) = said_after_the_folders(error)
    assert f"{said}\n".startswith(expected)
    assert (tmp_path / "taken").read_text() == "not a folder"


def test_without_a_terminal_each_finished_report_is_one_line(tmp_path, capsys):
    slow_notebook(tmp_path, ("one", "two"), seconds=0)
    out = tmp_path / "reports"
    assert main(["reports", "--notebooks", str(tmp_path), "--out", str(out), "--jobs", "1"]) == 0
    captured = capsys.readouterr()
    lines = captured.out.splitlines()
    assert lines[:2] == ["[1/2] slow--one: ok", "[2/2] slow--two: ok"]
    assert lines[2].startswith("2 reports: 2 rendered, 0 up to date, 0 failed; index: ")
    assert "\r" not in captured.out + captured.err  # no progress bar redrawn


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        ("time-to-relief*", True),
        ("02-time-to-relief*", True),
        ("*time-to-relief--sciatica", True),
        ("relief*", False),
        ("2-time-to-relief*", False),
    ],
)
def test_only_matches_a_name_with_or_without_its_number(pattern, expected):
    assert reports.matches("02-time-to-relief--sciatica", pattern) is expected


def test_the_readme_example_of_only_selects_the_time_to_relief_reports():
    readme = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
    assert "--only 'time-to-relief*'" in readme
    import massage_evidence as me
    from massage_evidence.paths import BUNDLED

    everything = grid.reports(me.load(), grid.notebooks(BUNDLED / "notebooks"))
    chosen = [r.slug for r in everything if reports.matches(r.slug, "time-to-relief*")]
    assert chosen and all(s.startswith("02-time-to-relief--") for s in chosen)
    assert len(chosen) == sum(r.notebook.path.name == "02_time_to_relief.ipynb" for r in everything)
