"""The floor of the batch: every report's cells run in one warm Python process, plus the export.

No kernel, no messaging, no parallelism: one IPython shell (imports done once) runs each
report's code cells with its parameters injected as papermill injects them, its namespace reset
between reports; then each executed notebook of a batch run (OUT_FOLDER/notebooks) is exported
with the report template, as the batch exports it. What a report cannot cost less than.

    python benchmarks/floor.py OUT_FOLDER
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import nbformat
from IPython.core.interactiveshell import InteractiveShell
from papermill.iorw import load_notebook_node
from papermill.parameterize import parameterize_notebook

from massage_evidence import execute, grid, load
from massage_evidence.paths import BUNDLED

NOTEBOOKS = BUNDLED / "notebooks"


def main() -> None:
    out = Path(sys.argv[1])
    reports = grid.reports(load(), grid.notebooks(NOTEBOOKS))
    os.chdir(NOTEBOOKS)
    shell = InteractiveShell.instance()
    shell.display_pub.publish = lambda *args, **kwargs: None  # outputs are not kept
    for report in reports:
        nb = load_notebook_node(str(report.notebook.path))  # as papermill reads it
        nb = parameterize_notebook(nb, report.parameters, report_mode=False)
        shell.reset(new_session=True)
        for cell in nb.cells:
            if cell.cell_type == "code":
                result = shell.run_cell(cell.source, store_history=True, silent=True)
                result.raise_error()
    for report in reports:
        executed = nbformat.read(out / "notebooks" / f"{report.slug}.ipynb", as_version=4)
        shown = {name: str(value) for name, value in report.parameters.items()}
        resources = {
            "metadata": {"name": report.notebook.title},
            "report": {"title": report.notebook.title, "slug": report.slug, "parameters": shown},
        }
        resources["report"]["notebook"] = report.notebook.path.name
        execute._exporter(False).from_notebook_node(executed, resources=resources)
    print(len(reports))


if __name__ == "__main__":
    main()
