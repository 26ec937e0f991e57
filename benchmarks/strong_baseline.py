"""The strong baseline: what a competent user writes to render the grid without our batch.

One Python process; papermill's and nbconvert's Python APIs (imported once per worker, one
reused HTMLExporter per worker); a `multiprocessing.Pool` of all cores. Every report gets its
own fresh kernel, as `papermill.execute_notebook` starts one.

    python benchmarks/strong_baseline.py OUT_FOLDER
"""

from __future__ import annotations

import json
import multiprocessing
import os
import sys
from pathlib import Path

import nbconvert
import papermill

from massage_evidence import grid, load
from massage_evidence.paths import BUNDLED

NOTEBOOKS = BUNDLED / "notebooks"
exporter = nbconvert.HTMLExporter(exclude_input=True)


def render(task: tuple[str, str, dict, str]) -> None:
    notebook, slug, parameters, out = task
    executed = Path(out) / f"{slug}.ipynb"
    nb = papermill.execute_notebook(
        notebook, executed, parameters=parameters, progress_bar=False, cwd=NOTEBOOKS
    )
    body, _ = exporter.from_notebook_node(nb)
    (Path(out) / f"{slug}.html").write_text(body, encoding="utf-8")


def main() -> None:
    out = sys.argv[1]
    folder = Path(sys.argv[2]) if len(sys.argv) > 2 else NOTEBOOKS
    tasks = [
        (str(r.notebook.path), r.slug, r.parameters, out)
        for r in grid.reports(load(), grid.notebooks(folder))
    ]
    with multiprocessing.Pool(len(os.sched_getaffinity(0))) as pool:
        pool.map(render, tasks, chunksize=1)
    print(json.dumps({"reports": len(tasks)}))


if __name__ == "__main__":
    main()
