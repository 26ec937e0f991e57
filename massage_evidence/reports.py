"""The batch of reports: the whole grid rendered into offline HTML, in parallel and incrementally.

`render()` checks every parameter set of the grid (see `grid`) before any kernel starts, skips the
reports whose receipt carries the same digest (of the notebook, its parameters, the evidence
files, the package's code and version, and the versions of the tools in TOOLS),
renders the others on the workers of an executor (a local process pool or a Dask cluster, see
`executors`; each worker keeps warm kernels, see `execute`) with a progress bar (one line per
finished report when the output is not a terminal), and writes `index.html`. A report that fails
is marked failed; the others complete. Ctrl-C or SIGTERM lets the reports in progress finish,
keeps every finished one, and the next run renders the rest; the workers and their kernels never
outlive the batch. A receipt that cannot be read, or a report file whose bytes differ from what
its receipt recorded, means the report is rendered again.

Layout of the output folder:

    index.html                 every report: notebook, parameters, figures, status, link
    <report>.html              one report, code hidden unless --include-code
    notebooks/<report>.ipynb   the executed notebook
    assets/plotly.min.js       the one copy of plotly.js every report loads
    assets/report.css          the one stylesheet (and pages.css for the pages below)
    assets/search.js           the index's search box, over assets/search-index.js
    sources/<source>.html      each source's text with its claims marked (see `reader`)
    assertions.html            every assertion, its verdict and its claims (see `pages`)
    assets/tables.js, .css     the filter box of long tables
    data/<report>/NN-name.csv  every table a report shows, as CSV (linked under the table)
    .receipts/<report>.json    digest, status, reason, figures and files of the last render
    .ad-hoc.json               the ad hoc reports of this folder (notebook and parameters)

The index, the reader pages, the assertions page and the search index are written after the
reports, each only when its bytes change.

An ad hoc report (`render(notebook=..., parameters=[...])`, the CLI's `--notebook NAME -p
key=value`) is one parameter set outside a notebook's declared grid, checked like the grid's and
rendered into the same folder. It is recorded in `.ad-hoc.json`, so that the index lists it,
marked ad hoc, and later runs keep it current like the grid's reports; one that no longer checks
(its notebook gone, a value no longer allowed) is dropped from the record with one line on stderr.
"""

from __future__ import annotations

import fnmatch
import hashlib
import json
import os
import re
import signal
import sys
import tempfile
import threading
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, wait
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, replace
from importlib import metadata
from pathlib import Path

from . import executors, grid, links, pages, provenance, reader, search
from ._version import __version__
from .errors import ParameterError, ReportError
from .evidence import Evidence, load
from .execute import TEMPLATE, TEMPLATES, Job, Outcome, file_digest, paths
from .fingerprint import Fingerprint
from .paths import resolve as resolve_project
from .sources_order import source_order
from .store import write_atomic, write_if_changed

DEFAULT_TIMEOUT = 300.0
AD_HOC_FILE = ".ad-hoc.json"
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


def _shared_digest(ev: Evidence, include_code: bool, stamp: str = "") -> str:
    """What every report depends on: evidence files, package code and version, tools, options,
    and the build stamp the reports carry."""
    digest = Fingerprint("reports").add("massage-evidence", __version__)
    digest.add("stamp", stamp)
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


class OutputError(ReportError):
    """The output folder cannot be used (it is a file, or cannot be written): nothing is run."""


def _receipt(out: Path, slug: str) -> dict:
    """The receipt of `slug`'s last render, or {} when it is missing or not one we wrote."""
    try:
        receipt = json.loads(paths(out, slug)["receipt"].read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(receipt, dict) or not all(
        isinstance(receipt.get(key), str) for key in ("digest", "status", "reason")
    ):
        return {}
    figures = receipt.get("figures")
    if not isinstance(figures, list) or not all(
        isinstance(f, list) and len(f) == 2 and all(isinstance(v, str) for v in f) for f in figures
    ):
        return {}
    return receipt


def _intact(out: Path, slug: str, receipt: dict) -> bool:
    """Whether the report's HTML, notebook and tables' CSV files are the very bytes its receipt
    recorded (a CSV file is recorded by its address, in the report's own data folder)."""
    recorded = receipt.get("files")
    if not isinstance(recorded, dict):
        return False
    where = paths(out, slug)
    data = f"{where['data'].relative_to(out).as_posix()}/"
    tables = [name for name in recorded if name not in ("html", "notebook")]
    if not all(name.startswith(data) and "/" not in name.removeprefix(data) for name in tables):
        return False
    try:
        return all(
            recorded.get(name) == file_digest(where[name] if name in where else out / name)
            for name in ("html", "notebook", *tables)
        )
    except OSError:
        return False


def matches(slug: str, pattern: str) -> bool:
    """Whether a report's name, with or without its notebook's `NN-` prefix, matches the glob."""
    bare = re.sub(r"^\d+-", "", slug)
    return fnmatch.fnmatchcase(slug, pattern) or fnmatch.fnmatchcase(bare, pattern)


def usable_output(target: Path) -> None:
    """Make sure `target` is a folder we can write in; OutputError in one line when not."""
    try:
        target.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=target, prefix=".probe-"):
            pass
    except FileExistsError:
        raise OutputError(f"--out {target}: not a folder") from None
    except OSError as error:
        raise OutputError(f"--out {target}: cannot write there ({error.strerror})") from None


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
    """The one shared plotly.js (from the installed plotly package), the stylesheets and the
    search script."""
    import plotly

    plotly_js = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
    _copy_if_changed(plotly_js, out / "assets" / "plotly.min.js")
    _copy_if_changed(TEMPLATES / TEMPLATE / "static" / "report.css", out / "assets" / "report.css")
    for name in pages.ASSETS:
        _copy_if_changed(pages.STATIC / name, out / "assets" / name)
    for name in ("tables.js", "tables.css"):  # the filter box of long tables
        _copy_if_changed(TEMPLATES / TEMPLATE / "static" / name, out / "assets" / name)


def _status(entry: Entry, out: Path) -> dict[str, str | None]:
    """How the index shows a report's status: ok, pending (with why) or failed (with why)."""
    if entry.status == FAILED:
        executed = paths(out, entry.report.slug)["notebook"]
        notebook = executed.relative_to(out).as_posix() if executed.is_file() else None
        return {"status": "failed", "reason": entry.reason, "notebook": notebook}
    if entry.status in (NOT_RENDERED, OUT_OF_DATE):
        return {"status": "pending", "reason": entry.status, "notebook": None}
    return {"status": "ok", "reason": "", "notebook": None}


def _reports_to_search(ev: Evidence, entries: list[Entry], out: Path) -> list[tuple[str, str, str]]:
    """(title, text, href) of every report whose page exists, for the search index."""
    found = []
    for entry in entries:
        report = entry.report
        if not paths(out, report.slug)["html"].is_file():
            continue
        shown = ", ".join(f"{k} = {v}" for k, v in _labels(ev, report.parameters).items())
        title = f"{report.notebook.title} ({shown})" if shown else report.notebook.title
        figures = [t for _, t in _receipt(out, report.slug).get("figures", [])]
        text = " · ".join([report.slug, *figures])
        found.append((title, text, links.report_href(report.notebook.name, report.parameters)))
    return found


def index_html(
    ev: Evidence,
    entries: list[Entry],
    out: Path,
    *,
    reader_pages: reader.ReaderPages,
    stamp: provenance.Stamp,
) -> str:
    """The index page: the search box, the sources and their reader pages, every report of the
    grid grouped by notebook, the build stamp and how to cite."""
    from .export.citations import formatted

    groups: list[dict] = []
    for entry in entries:
        report = entry.report
        if not groups or groups[-1]["notebook"] is not report.notebook:
            groups.append(
                {
                    "notebook": report.notebook,
                    "title": report.notebook.title,
                    "file": report.notebook.path.name,
                    "rows": [],
                }
            )
        slug = report.slug
        groups[-1]["rows"].append(
            {
                "slug": slug,
                "ad_hoc": report.ad_hoc,
                "href": links.report_href(report.notebook.name, report.parameters),
                "has_html": paths(out, slug)["html"].is_file(),
                "parameters": list(_labels(ev, report.parameters).items()),
                "figures": _receipt(out, slug).get("figures", []),
                **_status(entry, out),
            }
        )
    why = dict(reader_pages.not_built)
    claims = ev.claims["source_id"].value_counts()
    sources = [
        {
            "name": pages.source_name(source),
            "title": source["title"],
            "claims": int(claims.get(source["source_id"], 0)),
            "href": links.source_href(source["source_id"])
            if source["source_id"] in reader_pages.built
            else None,
            "why": why.get(source["source_id"]),
        }
        for _, source in ev.sources.set_index("source_id", drop=False)
        .loc[source_order(ev.sources)]
        .iterrows()
    ]
    # the articles only: the studies are cited in the claim-audit reports
    no_studies = {"studies": ev.studies.iloc[:0], "study_authors": ev.study_authors.iloc[:0]}
    citations = formatted(replace(ev, **no_studies))
    return pages.render(
        "index.html.j2",
        back="",
        entries=entries,
        sources=sources,
        claims=len(ev.claims),
        version=__version__,
        stamp=stamp.text(),
        reader=reader_pages,
        groups=groups,
        project=provenance.project_citation(stamp),
        citations=[citations[s] for s in source_order(ev.sources) if s in citations.index],
    )


class Progress:
    """A progress bar on a terminal; elsewhere (a CI log, a pipe) one line per finished report."""

    def __init__(self, total: int, shown: bool) -> None:
        from tqdm import tqdm

        self.total, self.done = total, 0
        self.lines = shown and not sys.stdout.isatty()
        self.bar = tqdm(total=total, unit="report", desc="reports", disable=not shown or self.lines)

    def update(self, outcome: Outcome) -> None:
        self.done += 1
        if self.lines:
            status = "ok" if outcome.status == "ok" else f"failed: {outcome.reason}"
            print(f"[{self.done}/{self.total}] {outcome.slug}: {status}", flush=True)
        self.bar.set_postfix_str(outcome.slug, refresh=False)
        self.bar.update()

    def close(self) -> None:
        self.bar.close()


@contextmanager
def _sigterm_as_ctrl_c() -> Iterator[None]:
    """SIGTERM (a service manager, `kill`) ends the batch as Ctrl-C does."""

    def interrupt(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGTERM, interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def _run(
    jobs: list[Job],
    pool: executors.Workers,
    progress: bool,
    finished: Callable[[Outcome], None],
) -> None:
    """Render `jobs` on the workers of `pool`, calling `finished` with each outcome.

    No more jobs are handed out than there are workers (on a cluster, than it has threads), so
    that on Ctrl-C nothing is queued: the reports in progress finish, nothing else starts, and
    KeyboardInterrupt is re-raised. A report whose worker failed without an outcome is failed
    with the reason; when the executor itself is gone, LostExecutor is raised.
    """
    waiting = list(reversed(jobs))
    running: dict[Future[Outcome], Job] = {}
    bar = Progress(len(jobs), progress)
    with _sigterm_as_ctrl_c():

        def failed(job: Job, error: BaseException) -> None:
            if pool.lost():
                raise executors.LostExecutor(f"lost {pool.where}") from None
            reason = " ".join(f"the worker failed: {type(error).__name__}: {error}".split())
            finished(outcome := Outcome(job.slug, "failed", reason[:300]))
            bar.update(outcome)

        def collect(futures: set[Future[Outcome]]) -> None:
            for future in futures:
                job = running.pop(future)
                try:
                    outcome = future.result()
                except Exception as error:
                    failed(job, error)
                    continue
                finished(outcome)
                bar.update(outcome)

        try:
            while waiting or running:
                while waiting and len(running) < pool.slots:
                    job = waiting.pop()
                    try:
                        running[pool.submit(job)] = job
                    except Exception as error:  # a broken pool: no worker will take it
                        failed(job, error)
                if not running:
                    continue
                done, _ = wait(running, return_when=FIRST_COMPLETED)
                collect(done)
        except KeyboardInterrupt:
            print("\ninterrupted: finishing the reports in progress…", file=sys.stderr)
            collect(set(wait(running).done))
            raise
        finally:
            bar.close()


def _recorded_ad_hoc(
    ev: Evidence, notebooks: list[grid.Notebook], target: Path, declared: set[str]
) -> list[grid.Report]:
    """The ad hoc reports recorded in `target` that still check (see the module's text)."""
    try:
        recorded = json.loads((target / AD_HOC_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    kept = []
    for item in recorded if isinstance(recorded, list) else []:
        try:
            name, parameters = item["notebook"], item["parameters"]
            if not isinstance(name, str) or not isinstance(parameters, dict):
                raise ParameterError("not a notebook name and its parameters")
            report = grid.ad_hoc_report(ev, grid.find_notebook(notebooks, name), parameters)
        except (ParameterError, KeyError, TypeError) as error:
            print(
                f"massage-evidence: {AD_HOC_FILE}: {item!r:.100} left out of the index: {error}",
                file=sys.stderr,
            )
            continue
        if report.ad_hoc and report.slug not in declared:
            kept.append(report)
    return kept


def _write_ad_hoc(target: Path, extra: list[grid.Report]) -> None:
    """Record the ad hoc reports of `target` (only when the record changes)."""
    path = target / AD_HOC_FILE
    if not extra and not path.exists():
        return
    listed = [{"notebook": r.notebook.name, "parameters": r.parameters} for r in extra]
    text = json.dumps(listed, indent=1, sort_keys=True, ensure_ascii=False) + "\n"
    try:
        unchanged = path.read_text(encoding="utf-8") == text
    except OSError:
        unchanged = False
    if not unchanged:
        write_atomic(path, text)


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
    executor: str | None = None,
    scheduler: str | None = None,
    notebook: str | None = None,
    parameters: Sequence[str] = (),
) -> Batch:
    """Render every selected report of the grid that is out of date into `out`.

    `notebooks` is the folder of notebooks and `out` the output folder (default: those of the
    project found from the current folder, see `paths.resolve`). `only` is a glob over report
    names, matched with or without the `NN-` prefix. Raises ParameterError (before any kernel
    starts) when a declared parameter is wrong, EvidenceError when the evidence is, OutputError
    when `out` cannot be written. `timeout` is the seconds any one cell may run. `executor` is
    "process" (a local process pool of `jobs` processes, the default) or "dask" (a local Dask
    cluster of `jobs` workers, or the cluster whose scheduler is at `scheduler`); ExecutorError
    when it cannot be
    used, LostExecutor (after the index is written) when it goes away mid-batch. `notebook` and
    `parameters` (`key=value` texts) render that one report only, an ad hoc one when the
    notebook does not declare that parameter set (see the module's text).
    """
    kind = executor or (executors.DASK if scheduler else executors.PROCESS)
    if kind not in executors.EXECUTORS:
        raise ParameterError(
            f"unknown executor {kind!r}; allowed: {', '.join(executors.EXECUTORS)}"
        )
    if scheduler is not None and kind != executors.DASK:
        raise ParameterError("--scheduler needs --executor dask")
    project = resolve_project(evidence=evidence, notebooks=notebooks, reports=out, corpus=corpus)
    folder, target = project.notebooks, project.reports
    if parameters and notebook is None:
        raise ParameterError("-p needs --notebook NAME: the notebook the parameters are for")
    if notebook is not None and only is not None:
        raise ParameterError("--notebook renders one report: it does not take --only")
    ev = load(project.evidence, corpus=project.corpus)
    found = grid.notebooks(folder)
    everything = grid.reports(ev, found)
    declared = {r.slug for r in everything}
    requested = grid.ad_hoc(ev, found, notebook, list(parameters)) if notebook else None
    extra = _recorded_ad_hoc(ev, found, target, declared)
    if requested is not None and requested.ad_hoc and requested.slug not in declared:
        extra = sorted(
            [*(r for r in extra if r.slug != requested.slug), requested], key=lambda r: r.slug
        )
    position = {n.path: i for i, n in enumerate(found)}
    everything = sorted([*everything, *extra], key=lambda r: position[r.notebook.path])
    if requested is not None:
        selected = [r for r in everything if r.slug == requested.slug]
    else:
        selected = [r for r in everything if only is None or matches(r.slug, only)]
    if only is not None and not selected:
        names = ", ".join(r.slug for r in everything[:3])
        raise ParameterError(f"no report matches {only!r}; report names look like: {names}")
    stamp = provenance.stamp(ev.root)
    shared = _shared_digest(ev, include_code, stamp.text())
    digests = {r.slug: fingerprint(r, shared) for r in everything}

    def current(report: grid.Report) -> bool:
        receipt = _receipt(target, report.slug)
        return (
            receipt.get("status") == "ok"
            and receipt.get("digest") == digests[report.slug]
            and _intact(target, report.slug, receipt)
        )

    usable_output(target)
    try:
        _write_ad_hoc(target, extra)
    except OSError as error:
        raise OutputError(f"--out {target}: cannot write there ({error.strerror})") from None
    stale = [r for r in selected if force or not current(r)]
    environment = {"MASSAGE_EVIDENCE_DIR": str(ev.root)}
    if project.corpus is not None:
        environment["MASSAGE_EVIDENCE_CORPUS"] = str(project.corpus)
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
            environment=environment,
            stamp=stamp.text(),
        )
        for r in stale
    ]
    outcomes: dict[str, Outcome] = {}
    workers = max(1, min(jobs or default_jobs(), len(jobs_to_run)))
    with ExitStack() as stack:
        # the workers first: an executor that cannot be used stops the batch before any write
        pool = stack.enter_context(executors.executor(kind, workers, scheduler)) if stale else None
        try:
            write_assets(target)
        except OSError as error:
            raise OutputError(f"--out {target}: cannot write there ({error.strerror})") from None
        try:
            if pool is not None:
                _run(jobs_to_run, pool, progress, lambda o: outcomes.setdefault(o.slug, o))
        finally:
            entries = _write_index(
                ev, everything, selected, outcomes, current, target, project.corpus, stamp
            )
    return Batch(entries, target / "index.html")


def _write_index(
    ev: Evidence,
    everything: list[grid.Report],
    selected: list[grid.Report],
    outcomes: dict[str, Outcome],
    current: Callable[[grid.Report], bool],
    target: Path,
    corpus: Path | None,
    stamp: provenance.Stamp,
) -> list[Entry]:
    """Write the reader pages, the assertions page, the search index and the index page; return
    the index's entries. A failure to write them is one line."""
    entries = [
        _entry(r, r in selected, outcomes.get(r.slug), current(r), target) for r in everything
    ]
    try:
        built = reader.write_reader_pages(ev, corpus, target, stamp.text())
        audits = (links.audit_href(a) for a in ev.audit["assertion_id"])
        audit_pages = {href for href in audits if (target / href).is_file()}
        assertions = pages.assertions_html(
            ev, reader_pages=built.built, audit_pages=audit_pages, stamp=stamp.text()
        )
        write_if_changed(target / links.ASSERTIONS_PAGE, assertions)
        found = search.entries(ev, _reports_to_search(ev, entries, target), built.built)
        write_if_changed(target / "assets" / search.FILE, search.index_script(found))
        page = index_html(ev, entries, target, reader_pages=built, stamp=stamp)
        write_if_changed(target / "index.html", page)
    except OSError as error:
        print(
            f"massage-evidence: could not write the index pages: {error.strerror}", file=sys.stderr
        )
    return entries


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
