"""The batch of reports: the whole grid rendered into offline HTML, in parallel and incrementally.

`render()` checks every parameter set of the grid (see `grid`) before any kernel starts, skips the
reports whose receipt carries the same digest (of the notebook, its parameters, the evidence
files, the package's code and version, and the versions of the tools in TOOLS),
renders the others in worker processes (see `execute`) with a progress bar, and writes
`index.html`. A report that fails is marked failed; the others complete. Ctrl-C lets the reports
in progress finish, keeps every finished one, and the next run renders the rest.

Layout of the output folder:

    index.html                 every report: notebook, parameters, figures, status, link
    <report>.html              one report, code hidden unless --include-code
    notebooks/<report>.ipynb   the executed notebook
    assets/plotly.min.js       the one copy of plotly.js every report loads
    assets/report.css          the one stylesheet
    .receipts/<report>.json    digest, status, reason and figures of the last render
"""

from __future__ import annotations

import fnmatch
import hashlib
import html
import json
import multiprocessing
import os
import sys
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from . import grid
from ._version import __version__
from .errors import ParameterError
from .evidence import Evidence, load
from .execute import TEMPLATE, TEMPLATES, Job, Outcome, paths, start_worker
from .execute import render as render_one
from .fingerprint import Fingerprint
from .paths import resolve as resolve_project
from .store import write_atomic

DEFAULT_TIMEOUT = 300.0
TOOLS = ("plotly", "papermill", "nbconvert", "nbclient", "ipykernel")
RENDERED, UP_TO_DATE, FAILED, NOT_RENDERED, OUT_OF_DATE = (
    "rendered",
    "up to date",
    "failed",
    "not rendered",
    "out of date",
)


@dataclass(frozen=True)
class Entry:
    """One report of the grid, whether `only` selected it, and its status (one of the above)."""

    report: grid.Report
    selected: bool
    status: str
    reason: str = ""


@dataclass(frozen=True)
class Batch:
    """Every report of the grid, in grid order, and the index page that lists them."""

    entries: list[Entry]
    index: Path


def default_jobs() -> int:
    """All the cores this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1


def _shared_digest(ev: Evidence, include_code: bool) -> str:
    """What every report depends on: evidence files, package code and version, tools, options."""
    digest = Fingerprint("reports").add("massage-evidence", __version__)
    for tool in TOOLS:
        digest.add(tool, metadata.version(tool))
    digest.add("include_code", str(include_code))
    digest.add_files(ev.root, ev.root.rglob("*"))
    package = Path(__file__).parent
    digest.add_files(package, package.rglob("*"))
    return digest.hexdigest()


def fingerprint(report: grid.Report, shared: str) -> str:
    """The digest that decides whether `report` must be rendered again."""
    digest = hashlib.sha256(shared.encode())
    digest.update(report.notebook.path.read_bytes())
    digest.update(json.dumps(report.parameters, sort_keys=True).encode())
    return digest.hexdigest()


def _receipt(out: Path, slug: str) -> dict:
    try:
        return json.loads(paths(out, slug)["receipt"].read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def _labels(ev: Evidence, parameters: dict) -> dict[str, str]:
    """Each parameter value as a person reads it: the vocabulary label and the term."""
    labels = {}
    for name, value in parameters.items():
        if name in ev.vocabulary and value in ev.vocabulary.terms(name):
            labels[name] = f"{ev.vocabulary.label(name, value)} ({value})"
        else:
            labels[name] = str(value)
    return labels


def _copy_if_changed(source: Path, target: Path) -> None:
    data = source.read_bytes()
    if not target.is_file() or target.read_bytes() != data:
        write_atomic(target, data)


def write_assets(out: Path) -> None:
    """The one shared plotly.js (from the installed plotly package) and stylesheet."""
    import plotly

    plotly_js = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
    _copy_if_changed(plotly_js, out / "assets" / "plotly.min.js")
    _copy_if_changed(TEMPLATES / TEMPLATE / "static" / "report.css", out / "assets" / "report.css")


def _status_cell(entry: Entry, out: Path) -> str:
    if entry.status == FAILED:
        link = ""
        if paths(out, entry.report.slug)["notebook"].is_file():
            link = f' (<a href="notebooks/{entry.report.slug}.ipynb">executed notebook</a>)'
        return f'<span class="status-failed">failed</span>: {html.escape(entry.reason)}{link}'
    if entry.status in (NOT_RENDERED, OUT_OF_DATE):
        return f'<span class="status-pending">{entry.status}</span>'
    return '<span class="status-ok">ok</span>'


def index_html(ev: Evidence, entries: list[Entry], out: Path) -> str:
    """The index page: every report of the grid, grouped by notebook."""
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1.0">',
        "<title>Massage for back pain: reports</title>",
        '<link rel="stylesheet" href="assets/report.css">',
        "</head>",
        "<body>",
        "<main>",
        "<h1>Massage for back pain: what popular articles claim</h1>",
        f"<p>{len(entries)} reports from {len(ev.sources)} sources and {len(ev.claims)} claims "
        f"(massage-evidence {html.escape(__version__)}). Every page works offline.</p>",
    ]
    notebook = None
    for entry in entries:
        report = entry.report
        if report.notebook is not notebook:
            if notebook is not None:
                parts.append("</tbody></table>")
            notebook = report.notebook
            parts += [
                f'<h2 class="index-notebook">{html.escape(notebook.title)}</h2>',
                f"<p><code>{html.escape(notebook.path.name)}</code></p>",
                "<table><thead><tr><th>Report</th><th>Parameters</th><th>Figures</th>"
                "<th>Status</th></tr></thead><tbody>",
            ]
        receipt = _receipt(out, report.slug)
        slug = report.slug
        has_html = paths(out, slug)["html"].is_file()
        name = f'<a href="{slug}.html">{slug}</a>' if has_html else slug
        labels = _labels(ev, report.parameters)
        shown = (
            "<br>".join(f"{html.escape(k)} = {html.escape(v)}" for k, v in labels.items())
            or "defaults"
        )
        figures = "".join(
            f'<li><a href="{slug}.html#{html.escape(fid)}">{html.escape(title)}</a></li>'
            if has_html
            else f"<li>{html.escape(title)}</li>"
            for fid, title in receipt.get("figures", [])
        )
        parts.append(
            f"<tr><td>{name}</td><td>{shown}</td>"
            f'<td><ul class="index-figures">{figures}</ul></td>'
            f"<td>{_status_cell(entry, out)}</td></tr>"
        )
    if notebook is not None:
        parts.append("</tbody></table>")
    parts += ["</main>", "</body>", "</html>", ""]
    return "\n".join(parts)


def _run(
    jobs: list[Job],
    workers: int,
    environment: dict[str, str],
    progress: bool,
    finished: Callable[[Outcome], None],
) -> None:
    """Render `jobs` in `workers` processes, calling `finished` with each outcome.

    No more jobs are handed out than there are workers, so that on Ctrl-C nothing is queued:
    the reports in progress finish, nothing else starts, and KeyboardInterrupt is re-raised.
    """
    from tqdm import tqdm

    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else None)
    waiting = list(reversed(jobs))
    running: set[Future[Outcome]] = set()
    bar = tqdm(total=len(jobs), unit="report", desc="reports", disable=not progress)
    with ProcessPoolExecutor(
        max_workers=workers, mp_context=context, initializer=start_worker, initargs=(environment,)
    ) as executor:

        def collect(futures: set[Future[Outcome]]) -> None:
            for future in futures:
                running.discard(future)
                outcome = future.result()
                finished(outcome)
                bar.set_postfix_str(outcome.slug, refresh=False)
                bar.update()

        try:
            while waiting or running:
                while waiting and len(running) < workers:
                    running.add(executor.submit(render_one, waiting.pop()))
                done, _ = wait(running, return_when=FIRST_COMPLETED)
                collect(done)
        except KeyboardInterrupt:
            print("\ninterrupted: finishing the reports in progress…", file=sys.stderr)
            collect(set(wait(running).done))
            raise
        finally:
            bar.close()


def render(
    out: str | os.PathLike[str] | None = None,
    *,
    notebooks: str | os.PathLike[str] | None = None,
    evidence: str | os.PathLike[str] | None = None,
    corpus: str | os.PathLike[str] | None = None,
    only: str | None = None,
    force: bool = False,
    include_code: bool = False,
    jobs: int | None = None,
    timeout: float = DEFAULT_TIMEOUT,
    progress: bool = True,
) -> Batch:
    """Render every selected report of the grid that is out of date into `out`.

    `notebooks` is the folder of notebooks and `out` the output folder (default: those of the
    project found from the current folder, see `paths.resolve`). `only` is a glob over report
    names. Raises ParameterError (before any kernel starts) when a declared parameter is wrong,
    EvidenceError when the evidence is. `timeout` is the seconds any one cell may run.
    """
    project = resolve_project(evidence=evidence, notebooks=notebooks, reports=out, corpus=corpus)
    folder, target = project.notebooks, project.reports
    ev = load(project.evidence, corpus=project.corpus)
    everything = grid.reports(ev, grid.notebooks(folder))
    selected = [r for r in everything if only is None or fnmatch.fnmatchcase(r.slug, only)]
    if only is not None and not selected:
        names = ", ".join(r.slug for r in everything[:3])
        raise ParameterError(f"no report matches {only!r}; report names look like: {names}")
    shared = _shared_digest(ev, include_code)
    digests = {r.slug: fingerprint(r, shared) for r in everything}

    def current(report: grid.Report) -> bool:
        receipt = _receipt(target, report.slug)
        return (
            receipt.get("status") == "ok"
            and receipt.get("digest") == digests[report.slug]
            and paths(target, report.slug)["html"].is_file()
        )

    stale = [r for r in selected if force or not current(r)]
    write_assets(target)
    jobs_to_run = [
        Job(
            slug=r.slug,
            notebook=str(r.notebook.path.resolve()),
            title=r.notebook.title,
            parameters=r.parameters,
            labels=_labels(ev, r.parameters),
            digest=digests[r.slug],
            out=str(target.resolve()),
            include_code=include_code,
            timeout=timeout,
        )
        for r in stale
    ]
    environment = {"MASSAGE_EVIDENCE_DIR": str(ev.root)}
    if project.corpus is not None:
        environment["MASSAGE_EVIDENCE_CORPUS"] = str(project.corpus)
    outcomes: dict[str, Outcome] = {}
    try:
        if jobs_to_run:
            workers = max(1, min(jobs or default_jobs(), len(jobs_to_run)))
            _run(
                jobs_to_run,
                workers,
                environment,
                progress,
                lambda o: outcomes.setdefault(o.slug, o),
            )
    finally:
        entries = [
            _entry(r, r in selected, outcomes.get(r.slug), current(r), target) for r in everything
        ]
        write_atomic(target / "index.html", index_html(ev, entries, target))
    return Batch(entries, target / "index.html")


def _entry(
    report: grid.Report, selected: bool, outcome: Outcome | None, current: bool, out: Path
) -> Entry:
    """What this run did with `report`: its outcome if rendered, else what its receipt says."""
    if outcome is not None:
        status = RENDERED if outcome.status == "ok" else FAILED
        return Entry(report, selected, status, outcome.reason)
    if current:
        return Entry(report, selected, UP_TO_DATE)
    receipt = _receipt(out, report.slug)
    if receipt.get("status") == "failed":
        return Entry(report, selected, FAILED, receipt.get("reason", ""))
    return Entry(report, selected, OUT_OF_DATE if receipt else NOT_RENDERED)
