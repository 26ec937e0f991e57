"""Warm kernels: one kernel serves report after report, and no report sees another's traces."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from massage_evidence import execute, reports

from .conftest import SMALL_BATCH
from .test_reports import FIXTURES, files, receipt, statuses

ISOLATION = Path(__file__).parent / "fixtures" / "isolation"


def job(notebook: Path, out: Path, timeout: float = 60) -> execute.Job:
    return execute.Job(
        notebook.stem, str(notebook), notebook.stem, {}, {}, "d", str(out), False, timeout
    )


def kernel_pid(kernels: execute.Kernels) -> int:
    (kernel,) = kernels._kernels.values()
    return kernel.manager.provisioner.process.pid


def executed(out: Path, slug: str) -> dict:
    return json.loads((out / "notebooks" / f"{slug}.ipynb").read_text(encoding="utf-8"))


def test_a_report_in_a_used_kernel_sees_nothing_of_the_one_before(tmp_path):
    kernels = execute.Kernels()
    try:
        first = execute.render(job(ISOLATION / "1_leaks.ipynb", tmp_path), kernels)
        assert first.status == "ok", first.reason
        pid = kernel_pid(kernels)
        second = execute.render(job(ISOLATION / "2_checks.ipynb", tmp_path), kernels)
        assert second.status == "ok", second.reason  # every assertion of the notebook held
        assert kernel_pid(kernels) == pid  # the same kernel, reset rather than replaced
    finally:
        kernels.stop_all()
    cells = executed(tmp_path, "2_checks")["cells"]
    assert [c["execution_count"] for c in cells if c["cell_type"] == "code"] == [1, 2, 3, 4]
    assert "".join(cells[3]["outputs"][0]["text"]) == "isolated\n"
    assert "".join(cells[4]["outputs"][0]["text"]) == "history: 5 inputs, 0 outputs\n"


def test_the_leaking_notebook_really_leaks_without_the_reset(tmp_path, monkeypatch):
    """The check above can fail: with the reset skipped, the second notebook finds the leaks."""
    monkeypatch.setattr(execute.WarmKernel, "reset", lambda self: True)
    kernels = execute.Kernels()
    try:
        assert execute.render(job(ISOLATION / "1_leaks.ipynb", tmp_path), kernels).status == "ok"
        second = execute.render(job(ISOLATION / "2_checks.ipynb", tmp_path), kernels)
    finally:
        kernels.stop_all()
    assert second.status == "failed"
    # (the kernel's own count: the reset that renumbers was skipped too)
    assert re.fullmatch(r"cell \[\d+\] raised AssertionError: a variable leaked", second.reason)


def test_a_used_kernel_gives_the_same_bytes_as_a_fresh_one(rendered, tmp_path):
    """Two real reports in one worker (the second in a used kernel) against one per worker."""
    again = reports.render(tmp_path, only=SMALL_BATCH, jobs=1, progress=False)
    assert statuses(again) == statuses(rendered)
    assert files(tmp_path) == files(rendered.index.parent)


def test_a_kernel_is_replaced_after_a_failure_and_after_its_quota(tmp_path):
    kernels = execute.Kernels(reports_per_kernel=2)
    ok, raises = FIXTURES / "ok.ipynb", FIXTURES / "raises.ipynb"
    try:
        assert execute.render(job(ok, tmp_path), kernels).status == "ok"
        pid = kernel_pid(kernels)
        assert execute.render(job(ok, tmp_path), kernels).status == "ok"
        after_quota = kernel_pid(kernels)
        assert after_quota != pid
        assert execute.render(job(raises, tmp_path), kernels).status == "failed"
        after_failure = kernel_pid(kernels)
        assert after_failure != after_quota
        assert execute.render(job(ok, tmp_path), kernels).status == "ok"
        assert kernel_pid(kernels) == after_failure
    finally:
        kernels.stop_all()
    assert receipt(tmp_path, "ok")["status"] == "ok"


@pytest.mark.parametrize("dies_first", [True, False])
def test_a_kernel_that_died_or_hung_is_replaced_and_the_next_report_succeeds(tmp_path, dies_first):
    kernels = execute.Kernels()
    broken = FIXTURES / ("dies.ipynb" if dies_first else "sleeps.ipynb")
    try:
        failed = execute.render(job(broken, tmp_path, timeout=2), kernels)
        assert failed.status == "failed"
        assert failed.reason == (
            "the kernel died" if dies_first else "a cell ran longer than the timeout of 2 s"
        )
        assert (
            execute.render(job(FIXTURES / "ok.ipynb", tmp_path, timeout=30), kernels).status == "ok"
        )
    finally:
        kernels.stop_all()


def test_execution_counts_are_renumbered_from_one():
    import nbformat

    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_markdown_cell("# t"),
        nbformat.v4.new_code_cell("1", execution_count=17),
        nbformat.v4.new_code_cell("", execution_count=None),
        nbformat.v4.new_code_cell("2", execution_count=19),
    ]
    nb.cells[3].outputs = [
        nbformat.v4.new_output("execute_result", {"text/plain": "2"}, execution_count=19)
    ]
    execute.renumber(nb)
    assert [c.get("execution_count") for c in nb.cells] == [None, 1, None, 2]
    assert nb.cells[3].outputs[0]["execution_count"] == 2
