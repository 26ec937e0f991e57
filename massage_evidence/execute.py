"""Rendering one report, in a worker process: papermill executes, nbconvert exports.

Both are used through their Python APIs and imported once per worker, not once per report (a
fresh `import nbformat` alone costs over a second here). Each worker keeps one kernel started
ahead: it boots, and imports the package, while the worker renders the current report, so a
report does not wait for its kernel (it is a fresh kernel all the same: nothing is reused from
one report to the next, and the warm-up binds no name). The executed notebook is made
deterministic before anything is written: papermill's and nbclient's timestamps, durations and
paths are dropped and the injected-parameters cell gets a fixed id. Every file is written to a
temporary name and renamed into place; the receipt, written last, marks the report complete.
"""

from __future__ import annotations

import functools
import json
import os
import subprocess
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from .store import write_atomic

TEMPLATES = Path(__file__).parent / "templates"
TEMPLATE = "report"
KERNEL = "python3"
INJECTED_TAG = "injected-parameters"
FIGURE_KEY = "massage_evidence"
KERNEL_ARGUMENTS = [
    "--HistoryManager.hist_file=:memory:",
    "--IPKernelApp.exec_lines=import massage_evidence.display, massage_evidence.figures",
    "--IPKernelApp.exec_lines=del massage_evidence",
]


@dataclass(frozen=True)
class Job:
    """Everything a worker needs to render one report; plain data, so it crosses processes."""

    slug: str
    notebook: str
    title: str
    parameters: dict[str, Any]
    labels: dict[str, str]
    digest: str
    out: str
    include_code: bool
    timeout: float


@dataclass(frozen=True)
class Outcome:
    """What became of one report: `ok` or `failed` (with a one-line reason), and its figures."""

    slug: str
    status: str
    reason: str = ""
    figures: tuple[tuple[str, str], ...] = ()


def paths(out: Path, slug: str) -> dict[str, Path]:
    """Where a report's files live under `out`."""
    return {
        "html": out / f"{slug}.html",
        "notebook": out / "notebooks" / f"{slug}.ipynb",
        "receipt": out / ".receipts" / f"{slug}.json",
    }


def clean(nb: Any) -> Any:
    """Drop what changes from run to run: timings, paths, the injected cell's random id."""
    kept = nb.metadata.get("papermill", {}).get("parameters", {})
    nb.metadata["papermill"] = {"parameters": kept}
    for cell in nb.cells:
        cell.metadata.pop("papermill", None)
        cell.metadata.pop("execution", None)
        if INJECTED_TAG in cell.metadata.get("tags", []):
            cell.id = INJECTED_TAG
    return nb


def figures(nb: Any) -> tuple[tuple[str, str], ...]:
    """(div id, title) of every figure `massage_evidence.display.show` put in the notebook."""
    found = []
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            shown = output.get("metadata", {}).get(FIGURE_KEY)
            if shown:
                found.append((shown["figure"], shown["title"]))
    return tuple(found)


_exporters: dict[bool, Any] = {}


def _exporter(include_code: bool) -> Any:
    """One HTML exporter per worker and setting: building one loads templates and pygments."""
    if include_code not in _exporters:
        from nbconvert import HTMLExporter

        _exporters[include_code] = HTMLExporter(
            extra_template_basedirs=[str(TEMPLATES)],
            template_name=TEMPLATE,
            exclude_input=not include_code,
            exclude_input_prompt=True,
            exclude_output_prompt=True,
        )
    return _exporters[include_code]


def _reason(error: BaseException, timeout: float) -> str:
    """One line saying why a report failed."""
    from nbclient.exceptions import CellTimeoutError, DeadKernelError
    from papermill.exceptions import PapermillExecutionError

    if isinstance(error, PapermillExecutionError):
        value = " ".join(str(error.evalue).split())
        return f"cell [{error.exec_count}] raised {error.ename}: {value}"[:300]
    if isinstance(error, CellTimeoutError):
        return f"a cell ran longer than the timeout of {timeout:g} s"
    if isinstance(error, DeadKernelError):
        return "the kernel died"
    return f"{type(error).__name__}: {' '.join(str(error).split())}"[:300]


@functools.cache
def _quiet_kernel_manager() -> type:
    """A kernel manager whose kernels' own log lines stay out of the terminal (the notebook's
    outputs are unaffected: they travel over the kernel's channels, not its stdout/stderr)."""
    from jupyter_client.manager import AsyncKernelManager

    class QuietKernelManager(AsyncKernelManager):
        async def start_kernel(self, **kw: Any) -> None:
            kw.setdefault("stdout", subprocess.DEVNULL)
            kw.setdefault("stderr", subprocess.DEVNULL)
            await super().start_kernel(**kw)

    return QuietKernelManager


def _start_kernel(cwd: Path) -> Any:
    """A kernel launched in `cwd`; this returns at once, while the kernel boots."""
    from jupyter_core.utils import run_sync

    manager = _quiet_kernel_manager()(kernel_name=KERNEL)
    run_sync(manager.start_kernel)(cwd=str(cwd), extra_arguments=KERNEL_ARGUMENTS)
    return manager


def _stop_kernel(manager: Any) -> None:
    from jupyter_core.utils import run_sync

    if run_sync(manager.is_alive)():
        run_sync(manager.shutdown_kernel)(now=True)
    else:
        run_sync(manager.cleanup_resources)()


_spare: dict[Path, Any] = {}


def _kernel(cwd: Path) -> Any:
    """The kernel started ahead for `cwd` (or a new one), and another started for the next."""
    ready = _spare.pop(cwd, None)
    for other in list(_spare):
        _stop_kernel(_spare.pop(other))
    _spare[cwd] = _start_kernel(cwd)
    return ready if ready is not None else _start_kernel(cwd)


def _stop_spare() -> None:
    while _spare:
        _stop_kernel(_spare.popitem()[1])


def _write_notebook(nb: Any, path: Path) -> None:
    import nbformat

    write_atomic(path, nbformat.writes(nb) + "\n")


def render(job: Job) -> Outcome:
    """Execute `job`'s notebook with its parameters and write its HTML, notebook and receipt.

    A failure of the notebook (a cell raises, the kernel dies, a cell exceeds the timeout) is an
    outcome, not an exception: the report is marked failed with a one-line reason, the executed
    notebook is kept when there is one, and no stale HTML is left under the report's name.
    """
    import nbformat
    import papermill

    out = Path(job.out)
    where = paths(out, job.slug)
    notebook = Path(job.notebook)
    partial = where["notebook"].with_name(f".{job.slug}.partial.ipynb")
    partial.parent.mkdir(parents=True, exist_ok=True)
    kernel = _kernel(notebook.parent)
    try:
        nb = papermill.execute_notebook(
            notebook,
            partial,
            parameters=job.parameters,
            kernel_name=KERNEL,
            progress_bar=False,
            request_save_on_cell_execute=False,
            execution_timeout=job.timeout,
            cwd=notebook.parent,
            km=kernel,
        )
        resources = {
            "metadata": {"name": job.title},
            "report": {
                "title": job.title,
                "slug": job.slug,
                "notebook": notebook.name,
                "parameters": job.labels,
            },
        }
        body, _ = _exporter(job.include_code).from_notebook_node(clean(nb), resources=resources)
        write_atomic(where["html"], body)
        _write_notebook(nb, where["notebook"])
        outcome = Outcome(job.slug, "ok", figures=figures(nb))
    except Exception as error:  # a failed report is reported, never raised
        where["html"].unlink(missing_ok=True)
        if partial.exists():
            _write_notebook(clean(nbformat.read(partial, as_version=4)), where["notebook"])
        else:
            where["notebook"].unlink(missing_ok=True)
        outcome = Outcome(job.slug, "failed", _reason(error, job.timeout))
    finally:
        _stop_kernel(kernel)
        partial.unlink(missing_ok=True)
    receipt = {"digest": job.digest, **asdict(outcome)}
    write_atomic(where["receipt"], json.dumps(receipt, indent=1, sort_keys=True) + "\n")
    return outcome


def start_worker(environment: dict[str, str]) -> None:
    """Prepare a worker process: the kernels' environment, and the imports every report needs."""
    import logging
    import signal
    from multiprocessing.util import Finalize

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    os.environ.update(environment)
    logging.getLogger("papermill").addHandler(logging.NullHandler())  # failures are outcomes
    Finalize(None, _stop_spare, exitpriority=10)
    import nbconvert  # noqa: F401
    import papermill  # noqa: F401
