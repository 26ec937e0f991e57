"""Rendering one report, in a worker: papermill executes it in a warm kernel, nbconvert exports.

Both are used through their Python APIs and imported once per worker, not once per report (a
fresh `import nbformat` alone costs over a second here). Each worker keeps a kernel warm: booted,
with the imports every report needs done, and runs report after report in it. Booting a kernel
and importing pandas and plotly is most of what a report costs; the cells' own work is small.

Reports stay isolated by one rule. After a report that succeeded, the kernel is reset and checked
(`kernel_state.restore`: the user namespace, history and execution count, and the process-wide
settings a notebook may change). The kernel is replaced instead when the report failed (a cell
raised, the kernel died, a cell ran past the timeout and may still be running), when the reset
fails or finds something it cannot put back, when the report needs another working directory or
environment, and when it has served REPORTS_PER_KERNEL reports. A replacement is started at once,
so that it boots while the worker writes the report's files.

The executed notebook is made deterministic before anything is written: execution counts are
renumbered from 1 as a fresh kernel counts them, papermill's timestamps, durations and paths are
dropped (nbclient is asked to record none), and the injected-parameters cell gets a fixed id.
Every file is written to a temporary name and renamed into place; the receipt, written last,
marks the report complete and carries the digest of each file, so that a damaged file is noticed.
A file that cannot be written fails that report only.

Every table a report shows is also written as CSV beside it (`links.table_href`: numbered in the
order the report shows them), from the CSV text `display.table` put in the output's metadata, and
linked under the table; a re-render removes the report's CSV files it no longer writes. The report
carries the batch's build stamp (`provenance`) in its footer.
"""

from __future__ import annotations

import atexit
import contextlib
import ctypes
import functools
import hashlib
import html
import json
import logging
import os
import signal
import subprocess
import threading
from collections.abc import Collection
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from . import links
from .store import write_atomic

TEMPLATES = Path(__file__).parent / "templates"
TEMPLATE = "report"
KERNEL = "python3"
INJECTED_TAG = "injected-parameters"
FIGURE_KEY = "massage_evidence"
REPORTS_PER_KERNEL = 40
RESET_TIMEOUT = 30.0
KERNEL_ARGUMENTS = [
    "--HistoryManager.hist_file=:memory:",
    "--IPKernelApp.exec_lines=import massage_evidence.display, massage_evidence.figures",
    "--IPKernelApp.exec_lines=import massage_evidence.tables",
    "--IPKernelApp.exec_lines=import massage_evidence.kernel_state",
    "--IPKernelApp.exec_lines=massage_evidence.kernel_state.remember()",
    "--IPKernelApp.exec_lines=del massage_evidence",
]
RESET = "import massage_evidence.kernel_state as _k; _k.restore()"


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
    environment: dict[str, str] = field(default_factory=dict)
    stamp: str = ""


@dataclass(frozen=True)
class Outcome:
    """What became of one report: `ok` or `failed` (with a one-line reason), and its figures."""

    slug: str
    status: str
    reason: str = ""
    figures: tuple[tuple[str, str], ...] = ()
    tables: tuple[str, ...] = ()


def paths(out: Path, slug: str) -> dict[str, Path]:
    """Where a report's files live under `out` (its tables' CSV files: in "data")."""
    return {
        "html": out / f"{slug}.html",
        "notebook": out / "notebooks" / f"{slug}.ipynb",
        "receipt": out / ".receipts" / f"{slug}.json",
        "data": out / links.DATA_FOLDER / slug,
    }


def file_digest(path: Path) -> str:
    """The sha256 of a file's bytes, as receipts record it."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def renumber(nb: Any) -> Any:
    """Number the executed cells 1, 2, … as a fresh kernel does, whatever the kernel counted."""
    count = 0
    for cell in nb.cells:
        if cell.cell_type != "code" or cell.get("execution_count") is None:
            continue
        count += 1
        cell.execution_count = count
        for output in cell.get("outputs", []):
            if "execution_count" in output:
                output["execution_count"] = count
    return nb


def clean(nb: Any) -> Any:
    """Drop what changes from run to run: papermill's timings and paths, the injected cell's
    random id (nbclient records no timings: it runs with `record_timing=False`)."""
    kept = nb.metadata.get("papermill", {}).get("parameters", {})
    nb.metadata["papermill"] = {"parameters": kept}
    for cell in nb.cells:
        cell.metadata.pop("papermill", None)
        if INJECTED_TAG in cell.metadata.get("tags", []):
            cell.id = INJECTED_TAG
    return renumber(nb)


def figures(nb: Any) -> tuple[tuple[str, str], ...]:
    """(div id, title) of every figure `massage_evidence.display.show` put in the notebook."""
    found = []
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            shown = output.get("metadata", {}).get(FIGURE_KEY)
            if shown and "figure" in shown:
                found.append((shown["figure"], shown["title"]))
    return tuple(found)


DOWNLOAD = '<p class="table-download"><a href="{href}" download>Download {what} (CSV)</a></p>'


def tables(nb: Any, slug: str) -> dict[str, str]:
    """Each table's CSV text by its address (`links.table_href`), in the order the report shows
    them; a link to it is added under each table's HTML in `nb`."""
    found: dict[str, str] = {}
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            shown = output.get("metadata", {}).get(FIGURE_KEY) or {}
            downloads = []
            for table in shown.get("tables", []):
                href = links.table_href(slug, len(found) + 1, table["name"])
                found[href] = table["csv"]
                named = html.escape(f"“{table['name']}”")
                what = "this table" if len(shown["tables"]) == 1 else named
                downloads.append(DOWNLOAD.format(href=html.escape(href), what=what))
            if downloads and "text/html" in output.get("data", {}):
                shown_html = output["data"]["text/html"]
                shown_html = "".join(shown_html) if isinstance(shown_html, list) else shown_html
                output["data"]["text/html"] = "\n".join([shown_html, *downloads])
    return found


def _write_tables(out: Path, where: dict[str, Path], found: dict[str, str]) -> tuple[str, ...]:
    """Write the report's CSV files, each atomically, and remove the ones it no longer has."""
    for href, text in found.items():
        write_atomic(out / href, text)
    _remove_tables(where, keep={out / href for href in found})
    return tuple(found)


def _remove_tables(where: dict[str, Path], keep: Collection[Path] = ()) -> None:
    """Remove the report's CSV files, except those in `keep`."""
    if where["data"].is_dir():
        for path in where["data"].iterdir():
            if path not in keep and path.suffix == ".csv":
                path.unlink(missing_ok=True)


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


ENGINE = "massage-evidence-warm-kernel"


@functools.cache
def _engine() -> str:
    """papermill's nbclient engine on a kernel it does not own, registered under ENGINE.

    nbclient leaves the client's channels (and their heartbeat thread) open when it is handed a
    kernel manager; on a kernel that serves many reports they are closed after each one.
    """
    from papermill.clientwrap import PapermillNotebookClient
    from papermill.engines import NBClientEngine, papermill_engines

    class WarmKernelEngine(NBClientEngine):
        @classmethod
        def execute_managed_notebook(
            cls, nb_man: Any, kernel_name: str, execution_timeout: float, km: Any, **_: Any
        ) -> Any:
            client = PapermillNotebookClient(
                nb_man,
                km=km,
                kernel_name=kernel_name,
                timeout=execution_timeout,
                log=logging.getLogger("papermill"),
                record_timing=False,
            )
            try:
                return client.execute()
            finally:
                if client.kc is not None:
                    client.kc.stop_channels()

    papermill_engines.register(ENGINE, WarmKernelEngine)
    return ENGINE


class WarmKernel:
    """One kernel, started in `cwd` with `environment`, and how many reports it has served."""

    def __init__(self, cwd: Path, environment: dict[str, str]) -> None:
        from jupyter_core.utils import run_sync

        self.key = (cwd, tuple(sorted(environment.items())))
        self.served = 0
        self.manager = _quiet_kernel_manager()(kernel_name=KERNEL)
        run_sync(self.manager.start_kernel)(
            cwd=str(cwd), env={**os.environ, **environment}, extra_arguments=KERNEL_ARGUMENTS
        )  # returns at once, while the kernel boots

    def reset(self) -> bool:
        """Run `kernel_state.restore()` in the kernel; False when it failed or did not answer."""
        from jupyter_core.utils import run_sync

        if not run_sync(self.manager.is_alive)():
            return False
        client = self.manager.blocking_client()
        client.start_channels(hb=False, stdin=False, control=False)
        try:
            reply = client.execute_interactive(
                RESET,
                silent=True,
                store_history=False,
                timeout=RESET_TIMEOUT,
                output_hook=lambda message: None,
            )
            return reply["content"]["status"] == "ok"
        except TimeoutError:
            return False
        finally:
            client.stop_channels()

    def stop(self) -> None:
        from jupyter_core.utils import run_sync

        if run_sync(self.manager.is_alive)():
            run_sync(self.manager.shutdown_kernel)(now=True)
        else:
            run_sync(self.manager.cleanup_resources)()


class Kernels:
    """The warm kernels of one worker: one per thread that renders (a Dask worker may run
    several tasks at once; a process of the pool runs one)."""

    def __init__(self, reports_per_kernel: int = REPORTS_PER_KERNEL) -> None:
        self.reports_per_kernel = reports_per_kernel
        self._kernels: dict[int, WarmKernel] = {}
        self._lock = threading.Lock()

    def acquire(self, cwd: Path, environment: dict[str, str]) -> WarmKernel:
        """This thread's kernel, when it can serve a report in `cwd`; else a new one."""
        key = (cwd, tuple(sorted(environment.items())))
        with self._lock:
            kernel = self._kernels.pop(threading.get_ident(), None)
        if kernel is not None and kernel.key != key:
            kernel.stop()
            kernel = None
        kernel = kernel or WarmKernel(cwd, environment)
        with self._lock:
            self._kernels[threading.get_ident()] = kernel
        return kernel

    def release(self, kernel: WarmKernel, succeeded: bool) -> None:
        """Reset `kernel` for the next report, or replace it (see the module docstring)."""
        kernel.served += 1
        if succeeded and kernel.served < self.reports_per_kernel and kernel.reset():
            return
        kernel.stop()
        cwd, environment = kernel.key
        with self._lock:
            self._kernels[threading.get_ident()] = WarmKernel(cwd, dict(environment))

    def stop_all(self) -> None:
        with self._lock:
            kernels, self._kernels = list(self._kernels.values()), {}
        for kernel in kernels:
            kernel.stop()


_kernels = Kernels()
atexit.register(_kernels.stop_all)  # in-process use; a worker of the pool stops them on its own


def _write_notebook(nb: Any, path: Path) -> None:
    import nbformat

    write_atomic(path, nbformat.writes(nb) + "\n")


def _unwritable(error: OSError, path: Path) -> str:
    return f"could not write {path.name}: {error.strerror or error}"[:300]


def render(job: Job, kernels: Kernels | None = None) -> Outcome:
    """Execute `job`'s notebook with its parameters and write its HTML, notebook and receipt.

    A failure of the notebook (a cell raises, the kernel dies, a cell exceeds the timeout) or of
    a write is an outcome, not an exception: the report is marked failed with a one-line reason,
    the executed notebook is kept when there is one, and no stale HTML is left under the report's
    name. `kernels` are the worker's warm kernels (default: this process's).
    """
    import nbformat
    import papermill

    kernels = kernels if kernels is not None else _kernels
    out = Path(job.out)
    where = paths(out, job.slug)
    notebook = Path(job.notebook)
    partial = where["notebook"].with_name(f".{job.slug}.partial.ipynb")
    kernel = None
    try:
        partial.parent.mkdir(parents=True, exist_ok=True)
        kernel = kernels.acquire(notebook.parent, job.environment)
        nb = papermill.execute_notebook(
            notebook,
            partial,
            parameters=job.parameters,
            engine_name=_engine(),
            kernel_name=KERNEL,
            progress_bar=False,
            request_save_on_cell_execute=False,
            execution_timeout=job.timeout,
            km=kernel.manager,
        )
        kernels.release(kernel, succeeded=True)
        kernel = None
        resources = {
            "metadata": {"name": job.title},
            "report": {
                "title": job.title,
                "slug": job.slug,
                "notebook": notebook.name,
                "parameters": job.labels,
                "stamp": job.stamp,
            },
        }
        nb = clean(nb)
        written = _write_tables(out, where, tables(nb, job.slug))
        body, _ = _exporter(job.include_code).from_notebook_node(nb, resources=resources)
        write_atomic(where["html"], body)
        _write_notebook(nb, where["notebook"])
        outcome = Outcome(job.slug, "ok", figures=figures(nb), tables=written)
    except Exception as error:  # a failed report is reported, never raised
        if kernel is not None:
            kernels.release(kernel, succeeded=False)
        reason = _reason(error, job.timeout)
        if isinstance(error, OSError) and error.filename:
            reason = _unwritable(error, Path(error.filename))
        outcome = Outcome(job.slug, "failed", reason)
        try:
            where["html"].unlink(missing_ok=True)
            _remove_tables(where)
            if partial.exists():
                _write_notebook(clean(nbformat.read(partial, as_version=4)), where["notebook"])
            else:
                where["notebook"].unlink(missing_ok=True)
        except (OSError, ValueError):
            pass  # the outcome already says the report failed
    finally:
        with contextlib.suppress(OSError):
            partial.unlink(missing_ok=True)
    return _write_receipt(job, outcome, where)


def _write_receipt(job: Job, outcome: Outcome, where: dict[str, Path]) -> Outcome:
    """Write the receipt last; a report whose receipt cannot be written is failed, unrecorded."""
    try:
        files = {}
        if outcome.status == "ok":
            files = {name: file_digest(where[name]) for name in ("html", "notebook")}
            out = Path(job.out)
            files.update({href: file_digest(out / href) for href in outcome.tables})
        receipt = {"digest": job.digest, **asdict(outcome), "files": files}
        write_atomic(where["receipt"], json.dumps(receipt, indent=1, sort_keys=True) + "\n")
    except OSError as error:
        for name in ("html", "receipt"):
            with contextlib.suppress(OSError):
                where[name].unlink(missing_ok=True)
        return Outcome(job.slug, "failed", _unwritable(error, where["receipt"]))
    return outcome


PR_SET_PDEATHSIG = 1


def die_with_parent() -> None:
    """Ask Linux to kill this process when its parent dies, however the parent ends.

    The worker's kernels follow on their own: a kernel exits when its parent process is gone
    (ipykernel polls for it, see JPY_PARENT_PID).
    """
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):  # pragma: no cover - not Linux
        return
    if os.getppid() == 1:  # the parent is already gone
        os._exit(1)


def start_worker() -> None:
    """Prepare a worker process of the pool: it dies with the batch, leaves Ctrl-C to the
    batch, stops its kernels on the way out, and imports what every report needs."""
    from multiprocessing.util import Finalize

    die_with_parent()
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    signal.signal(signal.SIGTERM, signal.SIG_DFL)  # not the batch's handler, inherited by fork
    logging.getLogger("papermill").addHandler(logging.NullHandler())  # failures are outcomes
    Finalize(None, _kernels.stop_all, exitpriority=10)
    import nbconvert  # noqa: F401
    import papermill  # noqa: F401


def render_in_pool(job: Job) -> Outcome:
    """`render` in a process of the pool: nbclient sets SIGINT back to Python's default after
    each run, so the worker ignores it again (Ctrl-C is the batch's to handle)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    return render(job)
