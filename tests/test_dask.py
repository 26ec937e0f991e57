"""The batch on Dask: a local cluster, and a real scheduler with two workers on loopback.

The scheduler and the workers are `dask` command-line processes started here and stopped by their
PIDs. Reports rendered on Dask must be the same bytes as those of the process pool (`rendered`).
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from massage_evidence import executors, grid, reports
from massage_evidence.cli import main

from .conftest import SMALL_BATCH, said_after_the_folders
from .test_grid import write_notebook
from .test_reports import files, no_temporary_files, receipt, statuses

BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def kernels_of(pid: int) -> list[int]:
    """The kernel processes started by process `pid` (they carry JPY_PARENT_PID), still alive."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            environ = (entry / "environ").read_bytes().split(b"\0")
            state = (entry / "stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if f"JPY_PARENT_PID={pid}".encode() in environ and state != "Z":
            found.append(int(entry.name))
    return found


def wait_until(condition, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return condition()


class Cluster:
    """`dask scheduler` and two `dask worker` processes (one thread each, no nanny) on 127.0.0.1."""

    def __init__(self, workers: int = 2) -> None:
        self.address = f"tcp://127.0.0.1:{free_port()}"
        port = self.address.rsplit(":", 1)[1]
        quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL}
        self.scheduler = subprocess.Popen(
            [BIN / "dask", "scheduler", "--host", "127.0.0.1", "--port", port, "--no-dashboard"],
            **quiet,
        )
        worker = [BIN / "dask", "worker", self.address, "--host", "127.0.0.1", "--nthreads", "1"]
        worker += ["--no-nanny", "--no-dashboard"]
        self.workers = [subprocess.Popen(worker, **quiet) for _ in range(workers)]
        from distributed import Client

        with Client(self.address, timeout=60) as client:
            client.wait_for_workers(workers, timeout=120)

    def stop(self) -> None:
        processes = [*self.workers, self.scheduler]
        for process in processes:
            if process.poll() is None:
                os.kill(process.pid, signal.SIGTERM)
        for process in processes:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.kill(process.pid, signal.SIGKILL)
                process.wait()
        for worker in self.workers:
            assert wait_until(lambda w=worker: not kernels_of(w.pid), 10), (
                "a kernel outlived its worker"
            )


@pytest.fixture()
def cluster() -> Iterator[Cluster]:
    started = Cluster()
    try:
        yield started
    finally:
        started.stop()


def slow_notebook(folder: Path, names: tuple[str, ...], seconds: float = 2.0) -> None:
    """A notebook with one report per name, each sleeping `seconds`."""
    write_notebook(folder, "slow", 'label = "x"  # any text', [{"label": n} for n in names])
    notebook = json.loads((folder / "slow.ipynb").read_text(encoding="utf-8"))
    notebook["cells"].append(
        {
            "cell_type": "code",
            "id": "c",
            "metadata": {},
            "source": ["import time\n", "\n", f"time.sleep({seconds})\n", "print(label)"],
            "outputs": [],
            "execution_count": None,
        }
    )
    (folder / "slow.ipynb").write_text(json.dumps(notebook), encoding="utf-8")


def test_a_local_dask_cluster_renders_the_same_bytes_as_the_process_pool(rendered, tmp_path):
    batch = reports.render(tmp_path, only=SMALL_BATCH, executor="dask", jobs=2, progress=False)
    assert statuses(batch) == statuses(rendered)
    assert files(tmp_path) == files(rendered.index.parent)


def test_a_scheduler_and_two_workers_render_the_same_bytes(rendered, tmp_path, cluster):
    batch = reports.render(tmp_path, only=SMALL_BATCH, scheduler=cluster.address, progress=False)
    assert statuses(batch) == statuses(rendered)
    assert files(tmp_path) == files(rendered.index.parent)


def batch_command(notebooks: Path, out: Path, *options: str) -> list[str]:
    command = [sys.executable, "-m", "massage_evidence.cli", "reports", "--quiet"]
    return [*command, "--notebooks", str(notebooks), "--out", str(out), *options]


def first_receipt(out: Path, seconds: float = 300) -> bool:
    return wait_until(lambda: any((out / ".receipts").glob("*.json")), seconds)


def test_a_worker_killed_mid_batch_has_its_reports_rendered_elsewhere(tmp_path, cluster):
    names = ("one", "two", "three", "four", "five", "six")
    slow_notebook(tmp_path, names)
    out = tmp_path / "reports"
    batch = subprocess.Popen(
        batch_command(tmp_path, out, "--scheduler", cluster.address),
        stderr=subprocess.PIPE,
        text=True,
    )
    assert first_receipt(out)
    victim = cluster.workers[0]
    os.kill(victim.pid, signal.SIGKILL)  # mid-batch: both workers are busy with a report
    victim.wait()
    _, error = batch.communicate(timeout=600)
    assert batch.returncode == 0, error
    for name in names:
        slug = grid.slug("slow", {"label": name})
        assert receipt(out, slug)["status"] == "ok"
        assert (out / f"{slug}.html").read_text("utf-8").endswith("</html>\n")
    no_temporary_files(out)
    assert wait_until(lambda: not kernels_of(victim.pid), 10)  # its kernel went with it


def test_a_scheduler_gone_mid_batch_keeps_the_finished_reports_and_exits_1(tmp_path, cluster):
    names = ("one", "two", "three", "four", "five", "six")
    slow_notebook(tmp_path, names, seconds=3)
    out = tmp_path / "reports"
    batch = subprocess.Popen(
        batch_command(tmp_path, out, "--scheduler", cluster.address),
        stderr=subprocess.PIPE,
        text=True,
    )
    assert first_receipt(out)
    os.kill(cluster.scheduler.pid, signal.SIGKILL)
    _, error = batch.communicate(timeout=120)
    assert batch.returncode == 1, error
    (error,) = said_after_the_folders(error)
    assert error.startswith(f"massage-evidence: lost the Dask scheduler at {cluster.address}; ")
    index = (out / "index.html").read_text(encoding="utf-8")
    kept = [
        s for s in (grid.slug("slow", {"label": n}) for n in names) if f'href="{s}.html"' in index
    ]
    assert 1 <= len(kept) < len(names)
    for slug in kept:
        assert receipt(out, slug)["status"] == "ok"
    assert index.count('class="status-pending">not rendered') == len(names) - len(kept)


def test_an_unreachable_scheduler_is_one_line_and_exit_2_within_seconds(tmp_path, capsys):
    address = f"tcp://127.0.0.1:{free_port()}"  # nothing listens there
    code = main(["reports", "--scheduler", address, "--only", "01-*", "--out", str(tmp_path)])
    assert code == 2
    (error,) = said_after_the_folders(capsys.readouterr().err)
    assert error.startswith(f"massage-evidence: cannot reach the Dask scheduler at {address} (")
    assert not list(tmp_path.glob("*.html"))


def test_an_unreachable_scheduler_is_given_up_within_seconds():
    address = f"tcp://127.0.0.1:{free_port()}"
    start = time.monotonic()
    with pytest.raises(executors.ExecutorError), executors.dask_cluster(1, address):
        pass
    assert time.monotonic() - start < executors.CONNECT_TIMEOUT + 5


def test_without_dask_the_dask_executor_is_one_line_and_exit_2(tmp_path, capsys, monkeypatch):
    monkeypatch.setitem(sys.modules, "distributed", None)  # as if the extra were not installed
    code = main(["reports", "--executor", "dask", "--only", "01-*", "--out", str(tmp_path)])
    assert code == 2
    assert said_after_the_folders(capsys.readouterr().err) == [
        "massage-evidence: --executor dask needs Dask: pip install 'massage-evidence[dask]'"
    ]
