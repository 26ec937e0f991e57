"""The batch of reports, side by side with the loop a user would write.

(a) the naive loop: for each report of the grid, the `papermill` CLI, then `jupyter nbconvert
    --to html`, one report after the other;
(b) `massage-evidence reports --force` (all cores).

Prints both times and their ratio (goal: at least 6x), the time of an unchanged re-run (goal: at
most 2 s), and the median report size next to an nbconvert export of the same notebook with
plotly's `notebook` renderer (goal: at most 150 KB and at least 30x smaller). (b) runs three
times, before, halfway through and after (a), so that both see the same machine load; the ratio
uses the median of the three. Everything is written to a temporary folder.
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from massage_evidence import grid, load
from massage_evidence.reports import default_jobs
from massage_evidence.store import PACKAGE_ROOT

BIN = Path(sys.executable).parent
NOTEBOOKS = PACKAGE_ROOT / "notebooks"
# Prepended to a copy of a notebook: every figure shown through plotly's `notebook` renderer,
# which inlines plotly.js into the output, as `fig.show()` would after
# `pio.renderers.default = "notebook"`.
NOTEBOOK_RENDERER = """import plotly.io as pio
import massage_evidence.display

pio.renderers.default = "notebook"
massage_evidence.display.show = lambda fig: fig.show()"""


def timed(command: list[str], **kwargs) -> float:
    start = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, **kwargs)
    if done.returncode != 0:
        sys.exit(f"{' '.join(command)} failed:\n{done.stderr}")
    return time.perf_counter() - start


def naive_loop(reports: list[grid.Report], folder: Path) -> float:
    total = 0.0
    for report in reports:
        executed = folder / f"{report.slug}.ipynb"
        parameters = ["-y", json.dumps(report.parameters)] if report.parameters else []
        papermill = [str(BIN / "papermill"), str(report.notebook.path), str(executed), *parameters]
        total += timed(papermill, cwd=NOTEBOOKS)
        total += timed([str(BIN / "jupyter"), "nbconvert", "--to", "html", str(executed)])
    return total


def with_notebook_renderer(report: grid.Report, folder: Path) -> int:
    """The size of an nbconvert HTML export of `report` with figures shown the plotly way."""
    notebook = json.loads(report.notebook.path.read_text(encoding="utf-8"))
    cell = {"cell_type": "code", "id": "renderer", "metadata": {}, "outputs": []}
    notebook["cells"].insert(0, {**cell, "source": NOTEBOOK_RENDERER, "execution_count": None})
    source, executed = folder / "renderer.ipynb", folder / "renderer-executed.ipynb"
    source.write_text(json.dumps(notebook), encoding="utf-8")
    parameters = ["-y", json.dumps(report.parameters)] if report.parameters else []
    timed([str(BIN / "papermill"), str(source), str(executed), *parameters], cwd=NOTEBOOKS)
    timed([str(BIN / "jupyter"), "nbconvert", "--to", "html", str(executed)])
    return executed.with_suffix(".html").stat().st_size


def main() -> None:
    reports = grid.reports(load(), grid.notebooks(NOTEBOOKS))
    with tempfile.TemporaryDirectory() as temporary:
        folder = Path(temporary)
        (folder / "naive").mkdir()
        out = folder / "reports"
        command = [str(BIN / "massage-evidence"), "reports", "--quiet", "--out", str(out)]
        half = len(reports) // 2
        batches = [timed([*command, "--force"])]
        naive = naive_loop(reports[:half], folder / "naive")
        batches.append(timed([*command, "--force"]))
        naive += naive_loop(reports[half:], folder / "naive")
        batches.append(timed([*command, "--force"]))
        batch = statistics.median(batches)
        rerun = statistics.median(timed(command) for _ in range(3))
        sizes = {r.slug: (out / f"{r.slug}.html").stat().st_size for r in reports}
        median = statistics.median_low(sizes.values())
        typical = next(r for r in reports if sizes[r.slug] == median)
        plotly_way = with_notebook_renderer(typical, folder)
    jobs = default_jobs()
    print(f"reports: {len(reports)} from {len({r.notebook.path for r in reports})} notebooks")
    print(f"(a) naive loop, papermill CLI + jupyter nbconvert CLI per report: {naive:7.1f} s")
    runs = ", ".join(f"{b:.1f}" for b in batches)
    print(f"(b) massage-evidence reports --force ({jobs} jobs), median:          {batch:7.1f} s")
    print(f"    its three runs, before, halfway through and after (a): {runs} s")
    print(f"ratio: {naive / batch:.1f}x faster (goal >= 6x)")
    print(f"unchanged re-run: {rerun:.2f} s (median of 3; goal <= 2 s)")
    print(
        f"median report size: {median / 1000:.1f} KB ({typical.slug}; goal <= 150 KB); "
        f"the same notebook exported by nbconvert with plotly's 'notebook' renderer: "
        f"{plotly_way / 1000:.0f} KB, {plotly_way / median:.0f}x larger (goal >= 30x)"
    )


if __name__ == "__main__":
    main()
