"""Where the batch renders its reports: a pool of local processes, or a Dask cluster.

Both hand out standard `concurrent.futures` futures (Dask's through `Client.get_executor()`), so
the batch (`reports`) is written once against them. Every worker keeps warm kernels (see
`execute`): a process of the pool holds them itself; a Dask worker holds them in a worker plugin,
which stops them when the worker closes. Receipts, atomic writes and failure isolation are the
worker's own (`execute.render`), so a report is the same bytes wherever it was rendered.

A Dask worker that dies mid-batch loses nothing that was finished: the scheduler gives its
reports to another worker, and a report is never half-written (every file is renamed into
place, the receipt last). A scheduler that goes away ends the batch with `LostExecutor`.
"""

from __future__ import annotations

import logging
import multiprocessing
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import execute
from .errors import ReportError

PROCESS, DASK = "process", "dask"
EXECUTORS = (PROCESS, DASK)
CONNECT_TIMEOUT = 5.0
PLUGIN = "massage-evidence-warm-kernels"


@dataclass(frozen=True)
class Workers:
    """How to hand a report to the workers, and whether they are gone (for a cluster)."""

    submit: Callable[[execute.Job], Future[execute.Outcome]]
    where: str
    slots: int
    lost: Callable[[], bool] = lambda: False


class ExecutorError(ReportError):
    """The executor cannot be used at all (Dask not installed, scheduler unreachable, workers
    without the package): nothing was rendered."""


class LostExecutor(ReportError):
    """The executor went away mid-batch (the Dask scheduler stopped): finished reports are kept."""


@contextmanager
def process_pool(workers: int) -> Iterator[Workers]:
    """`workers` local processes, each with its warm kernels; they die with the batch."""
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else None)
    with ProcessPoolExecutor(
        max_workers=workers, mp_context=context, initializer=execute.start_worker
    ) as pool:
        yield Workers(
            lambda job: pool.submit(execute.render_in_pool, job), "the process pool", workers
        )


def _warm_kernel_plugin() -> Any:
    from distributed import WorkerPlugin

    class WarmKernelPlugin(WorkerPlugin):
        """The warm kernels of one Dask worker, stopped when the worker closes."""

        def setup(self, worker: Any) -> None:
            logging.getLogger("papermill").addHandler(logging.NullHandler())
            self.kernels = execute.Kernels()

        def teardown(self, worker: Any) -> None:
            self.kernels.stop_all()

    return WarmKernelPlugin()


def render_on_worker(job: execute.Job) -> execute.Outcome:
    """`execute.render` on a Dask worker, with the worker's warm kernels."""
    from distributed import get_worker

    for needed in (Path(job.notebook), Path(job.out), *map(Path, job.environment.values())):
        if not needed.exists():
            return execute.Outcome(
                job.slug,
                "failed",
                f"this Dask worker has no {needed}: every worker needs the notebooks, the "
                "evidence, the source texts and the output folder at the same paths",
            )
    return execute.render(job, get_worker().plugins[PLUGIN].kernels)


def _quiet_dask_logs() -> None:
    """Dask's own log lines (a lost connection, a retried task) stay out of the terminal: the
    batch says in one line what became of the reports."""
    for name in ["distributed", *logging.root.manager.loggerDict]:
        if name.startswith("distributed"):
            logging.getLogger(name).setLevel(logging.CRITICAL + 1)


@contextmanager
def dask_cluster(workers: int, address: str | None) -> Iterator[Workers]:
    """A Dask cluster: the one at `address` (as many reports at once as it has threads), or a
    LocalCluster of `workers` processes."""
    try:
        from distributed import Client, LocalCluster
    except ImportError:
        raise ExecutorError(
            "--executor dask needs Dask: pip install 'massage-evidence[dask]'"
        ) from None
    _quiet_dask_logs()
    cluster = None
    if address is None:
        cluster = LocalCluster(
            n_workers=workers,
            threads_per_worker=1,
            processes=True,
            dashboard_address=None,
            silence_logs=logging.CRITICAL,
        )
        client = Client(cluster)
    else:
        try:
            client = Client(address, timeout=CONNECT_TIMEOUT)
        except (OSError, TimeoutError, ValueError) as error:
            detail = " ".join(str(error).split())[:120]
            raise ExecutorError(
                f"cannot reach the Dask scheduler at {address} ({detail})"
            ) from None
    where = address or "the local Dask cluster"
    try:
        try:
            client.register_plugin(_warm_kernel_plugin(), name=PLUGIN)
        except Exception as error:
            raise ExecutorError(
                f"the workers of {where} cannot run reports ({type(error).__name__}: "
                f"{' '.join(str(error).split())[:120]}): install massage-evidence on every worker"
            ) from None
        pool = client.get_executor(pure=False)
        yield Workers(
            lambda job: pool.submit(render_on_worker, job),
            f"the Dask scheduler at {address}" if address else where,
            workers if address is None else max(1, sum(client.nthreads().values())),
            lambda: client.status != "running",
        )
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


@contextmanager
def executor(kind: str, workers: int, address: str | None) -> Iterator[Workers]:
    """The executor `kind` (PROCESS or DASK) with `workers` workers (or the cluster at
    `address`)."""
    if kind == DASK or address is not None:
        with dask_cluster(workers, address) as chosen:
            yield chosen
    else:
        with process_pool(workers) as chosen:
            yield chosen
