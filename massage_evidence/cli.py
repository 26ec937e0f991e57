"""The `massage-evidence` command: a thin shell over the Python API."""

from __future__ import annotations

import argparse
import math
import os
import sys
import warnings
from collections.abc import Sequence
from typing import TYPE_CHECKING

from . import paths, store
from ._version import __version__
from .errors import CorpusWarning, EvidenceError, ParameterError, ProjectError, ReportError

if TYPE_CHECKING:
    from .evidence import Evidence

EXIT_OK, EXIT_FAILED, EXIT_INVALID, EXIT_INTERRUPTED = 0, 1, 2, 130


class CommandError(Exception):
    """A problem with the command's arguments or folders: one line, exit 2."""


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a whole number, not {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, not {value}")
    return value


def _positive_seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a number of seconds, not {text!r}") from None
    if not math.isfinite(value) or value <= 0:
        raise argparse.ArgumentTypeError(
            f"must be a positive, finite number of seconds, not {text}"
        )
    return value


def _project(args: argparse.Namespace) -> paths.Project:
    """The folders this command works on, said once on stderr; a missing evidence folder stops."""
    project = paths.resolve(
        evidence=args.evidence,
        corpus=args.corpus,
        notebooks=getattr(args, "notebooks", None),
        reports=getattr(args, "out", None),
    )
    folder = project.evidence
    if not folder.is_dir():
        raise CommandError(f"evidence folder not found: {folder}")
    if not os.access(folder, os.R_OK | os.X_OK):
        raise CommandError(f"evidence folder not readable: {folder}")
    whose = "project" if project.found or args.evidence else "bundled"
    texts = str(project.corpus) if project.corpus else paths.NO_CORPUS
    print(f"evidence: {folder} ({whose}); corpus: {texts}", file=sys.stderr)
    return project


def _validate(args: argparse.Namespace) -> int:
    from .validate import problems

    project = _project(args)
    raw = store.read(project.evidence)
    corpus = project.corpus
    found = problems(raw, corpus)
    for problem in found:
        print(problem)
    if found:
        print(f"{len(found)} problem(s) found", file=sys.stderr)
        return EXIT_INVALID
    texts = f"quotes and checksums checked against {corpus}" if corpus else paths.NO_CORPUS
    print(
        f"ok: {project.evidence}: {len(raw.sources)} sources, {len(raw.claims)} claims, "
        f"{len(raw.assertions)} assertions; {texts}"
    )
    return EXIT_OK


def _summary(args: argparse.Namespace) -> int:
    from .evidence import load
    from .summary import per_category, per_source

    project = _project(args)
    ev = load(project.evidence, corpus=project.corpus)
    print(per_source(ev).to_string(index=False))
    print()
    print(per_category(ev).to_string(index=False))
    return EXIT_OK


def _reports(args: argparse.Namespace) -> int:
    from .executors import ExecutorError, LostExecutor
    from .reports import FAILED, RENDERED, UP_TO_DATE, OutputError, render

    project = _project(args)
    try:
        batch = render(
            project.reports,
            notebooks=project.notebooks,
            evidence=project.evidence,
            corpus=project.corpus,
            only=args.only,
            force=args.force,
            include_code=args.include_code,
            jobs=args.jobs,
            timeout=args.timeout,
            progress=not args.quiet,
            executor=args.executor,
            scheduler=args.scheduler,
            notebook=args.notebook,
            parameters=args.parameter or (),
        )
    except (ExecutorError, OutputError) as error:
        print(f"massage-evidence: {error}", file=sys.stderr)
        return EXIT_INVALID
    except LostExecutor as error:
        print(
            f"massage-evidence: {error}; finished reports are kept, the rest are marked not "
            "rendered: run the same command again to render them",
            file=sys.stderr,
        )
        return EXIT_FAILED
    except KeyboardInterrupt:
        print(
            "massage-evidence: interrupted; finished reports are kept, "
            "run the same command again to render the rest",
            file=sys.stderr,
        )
        return EXIT_INTERRUPTED
    chosen = [e for e in batch.entries if e.selected]
    failed = [e for e in chosen if e.status == FAILED]
    for entry in failed:
        print(f"failed: {entry.report.slug}: {entry.reason}", file=sys.stderr)
    if not args.quiet or failed:
        counts = {s: sum(e.status == s for e in chosen) for s in (RENDERED, UP_TO_DATE, FAILED)}
        summary = ", ".join(f"{n} {status}" for status, n in counts.items())
        print(f"{len(chosen)} reports: {summary}; index: {batch.index}")
    for entry in chosen:
        if entry.report.ad_hoc and not args.quiet:
            print(f"ad hoc report: {batch.index.parent / entry.report.slug}.html")
    return EXIT_FAILED if failed else EXIT_OK


def _init(args: argparse.Namespace) -> int:
    from .scaffold import create

    root = create(args.folder)
    print(f"created an evidence project in {root}: cd there and run `massage-evidence validate`")
    return EXIT_OK


def _loaded(args: argparse.Namespace) -> Evidence:
    """The evidence of the project this command works on, validated."""
    from .evidence import load

    project = _project(args)
    return load(project.evidence, corpus=project.corpus)


def _export(args: argparse.Namespace) -> int:
    from .export import ExportError
    from .export.package import export

    try:
        target = export(_loaded(args), args.out, args.format)
    except ExportError as error:
        print(f"massage-evidence: {error}", file=sys.stderr)
        return EXIT_INVALID
    print(f"exported: {target}")
    return EXIT_OK


def _cite(args: argparse.Namespace) -> int:
    from .export.citations import write

    text = write(_loaded(args), args.format)
    if args.out is None:
        sys.stdout.write(text)
        return EXIT_OK
    try:
        store.write_atomic(args.out, text)
    except OSError as error:
        print(f"massage-evidence: {args.out}: cannot write: {error.strerror}", file=sys.stderr)
        return EXIT_INVALID
    return EXIT_OK


def _add_source(args: argparse.Namespace) -> int:
    """add-source: copy a text into the corpus and record it in sources.yaml (issue 13)."""
    from .ingest.sources import add_source
    from .ingest.texts import IngestError

    project = _project(args)
    try:
        added = add_source(
            args.text_file,
            args.id,
            title=args.title,
            publisher=args.publisher,
            published=args.published,
            url=args.url,
            evidence=project.evidence,
            corpus=args.corpus,
        )
    except IngestError as error:
        print(f"massage-evidence: {error}", file=sys.stderr)
        return EXIT_INVALID
    print(f"added source {args.id}: {added.text_path} recorded in {added.sources_path}")
    return EXIT_OK


def _extract(args: argparse.Namespace) -> int:
    """extract: propose candidate claims of a text, as YAML (issue 13)."""
    from .ingest.extract import candidates_yaml, extract, train
    from .ingest.texts import IngestError, read_text

    project = _project(args)
    try:
        text, _ = read_text(args.text_file)
        models, cues = train(project.evidence, args.corpus)
        found = extract(text, models, cues)
        document = candidates_yaml(found, args.source)
        if args.out is None:
            sys.stdout.write(document)
        else:
            store.write_atomic(args.out, document)
            print(f"{len(found)} candidates written to {args.out}", file=sys.stderr)
    except IngestError as error:
        print(f"massage-evidence: {error}", file=sys.stderr)
        return EXIT_INVALID
    return EXIT_OK


def _accept(args: argparse.Namespace) -> int:
    """accept: move reviewed candidates into the claims of their source (issue 13)."""
    from .ingest.accept import accept
    from .ingest.texts import IngestError

    if bool(args.candidates) == args.all:
        print("massage-evidence: name the candidates to accept, or pass --all", file=sys.stderr)
        return EXIT_INVALID
    project = _project(args)
    try:
        done = accept(
            args.id, args.candidates, every=args.all, evidence=project.evidence, corpus=args.corpus
        )
    except IngestError as error:
        print(f"massage-evidence: {error}", file=sys.stderr)
        return EXIT_INVALID
    for candidate_id, claim_id in done.claim_ids.items():
        print(f"accepted {candidate_id} as {claim_id}")
    print(f"{len(done.claim_ids)} accepted, {len(done.remaining)} candidates left")
    return EXIT_OK


def parser() -> argparse.ArgumentParser:
    from .reports import DEFAULT_TIMEOUT

    main = argparse.ArgumentParser(
        prog="massage-evidence",
        description="Evidence about massage for back pain: validate, summarise, render reports. "
        "Commands work on the evidence project of the current folder (the nearest folder up "
        "holding evidence/vocabulary.yaml), else on the bundled evidence.",
    )
    main.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = main.add_subparsers(dest="command", required=True)

    def evidence_options(command: argparse.ArgumentParser) -> None:
        command.add_argument(
            "--evidence",
            metavar="DIR",
            help=f"evidence folder (default: ${paths.EVIDENCE_ENV}, the project's, or bundled)",
        )
        command.add_argument(
            "--corpus",
            metavar="DIR",
            help=f"folder of source texts (default: ${paths.CORPUS_ENV}, corpus/ beside the "
            "evidence folder, or ../shared/seeds beside the project)",
        )

    init = commands.add_parser(
        "init",
        help="create a new evidence project: vocabulary, empty sources and claims, the notebooks",
    )
    init.add_argument("folder", metavar="DIR", help="the project folder (created if missing)")
    init.set_defaults(run=_init)

    validate = commands.add_parser("validate", help="check the evidence; exit 2 listing problems")
    evidence_options(validate)
    validate.set_defaults(run=_validate)
    summary = commands.add_parser("summary", help="validate and print counts per source/category")
    evidence_options(summary)
    summary.set_defaults(run=_summary)
    reports = commands.add_parser(
        "reports",
        help="render every notebook for every parameter set into offline HTML reports",
        description="Render the grid (every notebook x its declared parameter sets) into offline "
        "HTML reports with an index. Only reports whose notebook, parameters, evidence or code "
        "changed are rendered again. Exit 0 when every report rendered, 1 when one failed, 2 "
        "when a parameter or the evidence is wrong (nothing is run).",
    )
    evidence_options(reports)
    reports.add_argument(
        "--out", metavar="DIR", help="output folder (default: the project's reports/)"
    )
    reports.add_argument(
        "--notebooks", metavar="DIR", help="folder of notebooks (default: the project's notebooks/)"
    )
    reports.add_argument(
        "--only", metavar="PATTERN", help="render only the reports whose name matches this glob"
    )
    reports.add_argument("--force", action="store_true", help="render even up-to-date reports")
    reports.add_argument(
        "--include-code", action="store_true", help="show the code cells (hidden by default)"
    )
    reports.add_argument(
        "--jobs",
        type=_positive_int,
        metavar="N",
        help="reports rendered at once (default: all cores)",
    )
    reports.add_argument(
        "--timeout",
        type=_positive_seconds,
        default=DEFAULT_TIMEOUT,
        metavar="SECONDS",
        help=f"the longest any one cell may run (default: {DEFAULT_TIMEOUT:g})",
    )
    reports.add_argument(
        "--quiet", action="store_true", help="no progress bar; print only failures"
    )
    reports.add_argument(
        "--executor",
        choices=("process", "dask"),
        help="where reports render: a local process pool (default) or a Dask cluster "
        "(needs massage-evidence[dask])",
    )
    reports.add_argument(
        "--scheduler",
        metavar="ADDRESS",
        help="the Dask scheduler to render on, e.g. tcp://10.0.0.5:8786 (default with --executor "
        "dask: a local cluster of --jobs workers)",
    )
    reports.add_argument(
        "--notebook",
        metavar="NAME",
        help="render one report of this notebook (e.g. 09_summary_of_findings) with the "
        "parameters given by -p, outside its declared grid if need be: into the same folder and "
        "index, marked ad hoc there",
    )
    reports.add_argument(
        "-p",
        "--parameter",
        action="append",
        metavar="KEY=VALUE",
        help="a parameter of --notebook (repeat for more); the others keep their defaults",
    )
    reports.set_defaults(run=_reports)

    export = commands.add_parser(
        "export",
        help="write every table and a Frictionless datapackage.json into a folder",
        description="Write every evidence table and the synthesis tables as CSV or Parquet with a "
        "datapackage.json describing them (types, enums, keys). The folder is written beside "
        "--out and renamed into place; an existing --out is replaced only when it is an earlier "
        "export. Exit 2 when --out cannot be used (nothing is changed).",
    )
    from .export.citations import FORMATS as CITATION_FORMATS
    from .export.package import FORMATS as EXPORT_FORMATS

    evidence_options(export)
    export.add_argument("--format", choices=EXPORT_FORMATS, default="csv")
    export.add_argument("--out", metavar="DIR", required=True, help="folder to write")
    export.set_defaults(run=_export)

    cite = commands.add_parser(
        "cite", help="write the references of every source and study (CSL-JSON, BibTeX, RIS)"
    )
    evidence_options(cite)
    cite.add_argument("--format", choices=CITATION_FORMATS, default="csl-json")
    cite.add_argument("--out", metavar="FILE", help="file to write (default: standard output)")
    cite.set_defaults(run=_cite)

    add = commands.add_parser(
        "add-source",
        help="copy a new text into the corpus and record it in sources.yaml",
        description="Copy TEXT_FILE into the corpus and record it in sources.yaml with its "
        "sha256. The title is the text's first heading unless given; publisher and date stay "
        "null unless given. Exit 2 (nothing written) on a bad text or an id or text already used.",
    )
    evidence_options(add)
    add.add_argument("text_file", metavar="TEXT_FILE", help="the new source's text (UTF-8)")
    add.add_argument("--id", required=True, help="the source's id, e.g. nhs-back-pain-massage")
    add.add_argument("--title", help="its title (default: the text's first heading line)")
    add.add_argument("--publisher", help="who published it (default: null)")
    add.add_argument("--published", metavar="DATE", help="ISO date, YYYY[-MM[-DD]] (default: null)")
    add.add_argument("--url", help="where it was found, http(s) (default: null)")
    add.set_defaults(run=_add_source)

    extract = commands.add_parser(
        "extract",
        help="propose candidate claims of a text as YAML, for a person to review",
        description="Propose candidate claims of TEXT_FILE (quotes verbatim at their offsets, "
        "coded fields, quantities, speaker, a suggested assertion) using models trained on the "
        "curated claims. A person reviews every candidate before `accept`.",
    )
    evidence_options(extract)
    extract.add_argument("text_file", metavar="TEXT_FILE", help="the text to read")
    extract.add_argument("--out", metavar="FILE", help="write here (default: standard output)")
    extract.add_argument(
        "--source", metavar="ID", help="the source id to record in the file (for accept)"
    )
    extract.set_defaults(run=_extract)

    accept = commands.add_parser(
        "accept",
        help="move reviewed candidates from evidence/candidates/ID.yaml into claims/ID.yaml",
        description="Accept the named candidates (or --all) of source ID: each gets a claim id "
        "and moves into claims/ID.yaml; the rest stay candidates. Exit 2, nothing written, when "
        "a candidate is unknown, its quote no longer matches, or the evidence would not validate.",
    )
    evidence_options(accept)
    accept.add_argument("id", metavar="ID", help="the source whose candidates to accept")
    accept.add_argument("candidates", metavar="CANDIDATE_ID", nargs="*", help="e.g. c-001 c-004")
    accept.add_argument("--all", action="store_true", help="accept every candidate of the file")
    accept.set_defaults(run=_accept)
    return main


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    warnings.simplefilter("ignore", CorpusWarning)  # each command says so once, in its own line
    try:
        return args.run(args)
    except (CommandError, ProjectError) as error:
        print(f"massage-evidence: {error}", file=sys.stderr)
        return EXIT_INVALID
    except EvidenceError as error:
        print("\n".join(error.problems), file=sys.stdout)
        print(f"{len(error.problems)} problem(s) found", file=sys.stderr)
        return EXIT_INVALID
    except ParameterError as error:
        print(f"massage-evidence: {error}", file=sys.stderr)
        return EXIT_INVALID
    except ReportError as error:
        print(f"massage-evidence: {error}", file=sys.stderr)
        return EXIT_FAILED


if __name__ == "__main__":
    sys.exit(main())
