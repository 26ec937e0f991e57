"""The batch of reports, side by side with what a user would run instead, in one run.

On the same reports (the grid of the bundled notebooks), each contender in its own process, wall
and CPU seconds (its children included: workers, kernels):

(a) the naive loop: per report, the `papermill` CLI, then `jupyter nbconvert --to html`;
(b) the strong baseline (`strong_baseline.py`): one process, papermill's and nbconvert's Python
    APIs, a `multiprocessing.Pool` of all cores, a fresh kernel per report;
(c) the floor (`floor.py`): every report's cells in one warm process, plus the HTML export;
(d) `massage-evidence reports --force` with the process pool (all cores, warm kernels);
(e) the same on a local Dask cluster (`--executor dask`, as many workers as cores);
(f) (d) on twice the reports: every notebook twice, in a temporary folder, to show the growth.

Each line is printed as soon as it is measured; the naive loop, the slowest, runs last.
Goals: (d) CPU <= 2x the floor; (d) >= 3x faster than (b) in CPU and wall; (f) <= 2.1x (d);
(e) wall <= 1.3x (d). Then, for continuity, an unchanged re-run and the median report size
next to an nbconvert export of the same notebook with plotly's `notebook` renderer, and the
sizes of the pages left out of that median (source reader pages, assertions page, search index).
The machine is shared: figures move with its load. Everything is written to a temporary folder.
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from massage_evidence import grid, links, load, search
from massage_evidence.paths import BUNDLED
from massage_evidence.reports import default_jobs

BIN = Path(sys.executable).parent
HERE = Path(__file__).parent
NOTEBOOKS = BUNDLED / "notebooks"
# Prepended to a copy of a notebook: every figure shown through plotly's `notebook` renderer,
# which inlines plotly.js into the output, as `fig.show()` would after
# `pio.renderers.default = "notebook"`.
NOTEBOOK_RENDERER = """import plotly.io as pio
import massage_evidence.display

pio.renderers.default = "notebook"
massage_evidence.display.show = lambda fig: fig.show()"""


class Cost:
    """Wall and CPU seconds of everything run between `start()` and `stop()` (children
    included: every process here is a waited-for child)."""

    def __init__(self) -> None:
        self.wall = self.cpu = 0.0

    def __enter__(self) -> Cost:
        self._wall = time.perf_counter()
        usage = resource.getrusage(resource.RUSAGE_CHILDREN)
        self._cpu = usage.ru_utime + usage.ru_stime
        return self

    def __exit__(self, *exc: object) -> None:
        usage = resource.getrusage(resource.RUSAGE_CHILDREN)
        self.cpu += usage.ru_utime + usage.ru_stime - self._cpu
        self.wall += time.perf_counter() - self._wall

    def __str__(self) -> str:
        return f"{self.wall:7.1f} s wall {self.cpu:7.1f} s CPU"


def run(command: list[str], **kwargs) -> None:
    done = subprocess.run([str(c) for c in command], capture_output=True, text=True, **kwargs)
    if done.returncode != 0:
        sys.exit(f"{' '.join(map(str, command))} failed:\n{done.stderr[-2000:]}")


def naive_loop(reports: list[grid.Report], folder: Path) -> Cost:
    cost = Cost()
    for report in reports:
        executed = folder / f"{report.slug}.ipynb"
        parameters = ["-y", json.dumps(report.parameters)] if report.parameters else []
        with cost:
            run([BIN / "papermill", report.notebook.path, executed, *parameters], cwd=NOTEBOOKS)
            run([BIN / "jupyter", "nbconvert", "--to", "html", executed])
    return cost


def batch(out: Path, *options: str | Path) -> Cost:
    with Cost() as cost:
        run([BIN / "massage-evidence", "reports", "--quiet", "--force", "--out", out, *options])
    return cost


def doubled(folder: Path) -> Path:
    """Every notebook twice (the copy under another name): a grid of twice the reports."""
    target = folder / "doubled"
    target.mkdir()
    for path in sorted(NOTEBOOKS.glob("*.ipynb")):
        shutil.copy(path, target / path.name)
        shutil.copy(path, target / f"{path.stem}_again.ipynb")
    return target


def with_notebook_renderer(report: grid.Report, folder: Path) -> int:
    """The size of an nbconvert HTML export of `report` with figures shown the plotly way."""
    notebook = json.loads(report.notebook.path.read_text(encoding="utf-8"))
    cell = {"cell_type": "code", "id": "renderer", "metadata": {}, "outputs": []}
    notebook["cells"].insert(0, {**cell, "source": NOTEBOOK_RENDERER, "execution_count": None})
    source, executed = folder / "renderer.ipynb", folder / "renderer-executed.ipynb"
    source.write_text(json.dumps(notebook), encoding="utf-8")
    parameters = ["-y", json.dumps(report.parameters)] if report.parameters else []
    run([BIN / "papermill", source, executed, *parameters], cwd=NOTEBOOKS)
    run([BIN / "jupyter", "nbconvert", "--to", "html", executed])
    return executed.with_suffix(".html").stat().st_size


def receipt_figures(out: Path, slug: str) -> list:
    """The figures a rendered report's receipt lists."""
    return json.loads((out / ".receipts" / f"{slug}.json").read_text(encoding="utf-8"))["figures"]


def ratio(a: float, b: float) -> str:
    return f"{a / b:.2f}x"


def say(text: str) -> None:
    print(text, flush=True)


def main() -> None:
    """Each line as soon as it is measured (the naive loop, slowest, last)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--without-naive-loop",
        action="store_true",
        help="stop before (a), which takes longer than all the others together",
    )
    options = parser.parse_args()
    reports = grid.reports(load(), grid.notebooks(NOTEBOOKS))
    jobs = default_jobs()
    say(f"reports: {len(reports)} from {len({r.notebook.path for r in reports})} notebooks")
    with tempfile.TemporaryDirectory() as temporary:
        folder = Path(temporary)
        for name in ("naive", "strong", "dask", "sixty"):
            (folder / name).mkdir()
        out = folder / "reports"
        pool = batch(out)
        say(f"(d) massage-evidence reports --force, process pool ({jobs}): {pool}")
        with Cost() as floor:
            run([sys.executable, HERE / "floor.py", out])
        say(f"(c) floor, cells in one warm process + export:            {floor}")
        say(f"(d) CPU over the floor: {ratio(pool.cpu, floor.cpu)} (goal <= 2x)")
        with Cost() as strong:
            run([sys.executable, HERE / "strong_baseline.py", folder / "strong"])
        say(f"(b) strong baseline, Python APIs + Pool({jobs}), fresh kernels: {strong}")
        say(
            f"(b) over (d): {ratio(strong.cpu, pool.cpu)} CPU, {ratio(strong.wall, pool.wall)} "
            "wall (goal >= 3x both)"
        )
        on_dask = batch(folder / "dask", "--executor", "dask")
        say(f"(e) the same on a local Dask cluster ({jobs} workers):      {on_dask}")
        say(
            f"Dask over the process pool: {ratio(on_dask.wall, pool.wall)} wall (goal <= 1.3x), "
            f"{ratio(on_dask.cpu, pool.cpu)} CPU"
        )
        sixty = batch(folder / "sixty", "--notebooks", doubled(folder))
        say(f"(f) (d) on {2 * len(reports)} reports (every notebook twice):             {sixty}")
        say(
            f"{2 * len(reports)} over {len(reports)} reports: {ratio(sixty.cpu, pool.cpu)} CPU, "
            f"{ratio(sixty.wall, pool.wall)} wall (goal <= 2.1x)"
        )
        with Cost() as rerun:
            run([BIN / "massage-evidence", "reports", "--quiet", "--out", out])
        say(f"unchanged re-run: {rerun.wall:.2f} s wall, {rerun.cpu:.2f} s CPU (goal <= 2 s)")
        tables = sorted((out / links.DATA_FOLDER).rglob("*.csv"))
        say(
            f"not in the median: {len(tables)} CSV downloads of the tables, "
            f"{sum(p.stat().st_size for p in tables) / 1000:.1f} KB in all (largest "
            f"{max((p.stat().st_size for p in tables), default=0) / 1000:.1f} KB)"
        )
        sizes = {r.slug: (out / f"{r.slug}.html").stat().st_size for r in reports}
        median = statistics.median_low(sizes.values())
        say(f"median report size: {median / 1000:.1f} KB (goal <= 150 KB)")
        # plotly's renderer inlines plotly.js with the first figure: compare a report that has one
        drawing = [r for r in reports if receipt_figures(out, r.slug)]
        typical_size = statistics.median_low(sizes[r.slug] for r in drawing)
        typical = next(r for r in drawing if sizes[r.slug] == typical_size)
        plotly_way = with_notebook_renderer(typical, folder)
        say(
            f"median size of the {len(drawing)} reports that draw a figure: "
            f"{typical_size / 1000:.1f} KB ({typical.slug}); the same notebook exported by "
            f"nbconvert with plotly's 'notebook' renderer: {plotly_way / 1000:.0f} KB, "
            f"{plotly_way / typical_size:.0f}x larger (goal >= 30x)"
        )
        readers = sorted((out / links.SOURCES_FOLDER).glob("*.html"))
        say(
            f"not in the median: {len(readers)} source reader pages, "
            f"{sum(p.stat().st_size for p in readers) / 1000:.1f} KB in all (largest "
            f"{max((p.stat().st_size for p in readers), default=0) / 1000:.1f} KB); assertions "
            f"page {(out / links.ASSERTIONS_PAGE).stat().st_size / 1000:.1f} KB; search index "
            f"{(out / 'assets' / search.FILE).stat().st_size / 1000:.1f} KB"
        )
        if options.without_naive_loop:
            return
        naive = naive_loop(reports, folder / "naive")
        say(f"(a) naive loop, papermill CLI + nbconvert CLI per report:   {naive}")
        say(f"(a) over (d): {ratio(naive.cpu, pool.cpu)} CPU, {ratio(naive.wall, pool.wall)} wall")


if __name__ == "__main__":
    main()
