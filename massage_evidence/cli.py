"""The `massage-evidence` command: a thin shell over the Python API."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from . import store
from .errors import EvidenceError, ParameterError, ReportError

EXIT_OK, EXIT_FAILED, EXIT_INVALID, EXIT_INTERRUPTED = 0, 1, 2, 130


def _positive_int(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, not {value}")
    return value


def _validate(args: argparse.Namespace) -> int:
    from .validate import problems

    raw = store.read(args.evidence)
    corpus = store.corpus_dir(args.corpus)
    found = problems(raw, corpus)
    for problem in found:
        print(problem)
    if found:
        print(f"{len(found)} problem(s) found", file=sys.stderr)
        return EXIT_INVALID
    texts = (
        f"quotes and checksums checked against {corpus}"
        if corpus
        else ("no corpus found: quotes and checksums NOT checked (pass --corpus DIR)")
    )
    print(
        f"ok: {len(raw.sources)} sources, {len(raw.claims)} claims, "
        f"{len(raw.assertions)} assertions; {texts}"
    )
    return EXIT_OK


def _summary(args: argparse.Namespace) -> int:
    from .evidence import load
    from .summary import per_category, per_source

    ev = load(args.evidence, corpus=args.corpus)
    print(per_source(ev).to_string(index=False))
    print()
    print(per_category(ev).to_string(index=False))
    return EXIT_OK


def _reports(args: argparse.Namespace) -> int:
    from .executors import ExecutorError, LostExecutor
    from .reports import FAILED, RENDERED, UP_TO_DATE, OutputError, render

    try:
        batch = render(
            args.out,
            notebooks=args.notebooks,
            evidence=args.evidence,
            corpus=args.corpus,
            only=args.only,
            force=args.force,
            include_code=args.include_code,
            jobs=args.jobs,
            timeout=args.timeout,
            progress=not args.quiet,
            executor=args.executor,
            scheduler=args.scheduler,
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
    return EXIT_FAILED if failed else EXIT_OK


def parser() -> argparse.ArgumentParser:
    from .reports import DEFAULT_TIMEOUT

    main = argparse.ArgumentParser(
        prog="massage-evidence",
        description="Evidence about massage for back pain: validate, summarise, render reports.",
    )
    commands = main.add_subparsers(dest="command", required=True)

    def evidence_options(command: argparse.ArgumentParser) -> None:
        command.add_argument("--evidence", metavar="DIR", help="evidence folder (default: bundled)")
        command.add_argument(
            "--corpus",
            metavar="DIR",
            help="folder of source texts (default: $MASSAGE_EVIDENCE_CORPUS or ../shared/seeds)",
        )

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
    reports.add_argument("--out", metavar="DIR", help="output folder (default: reports/)")
    reports.add_argument(
        "--notebooks", metavar="DIR", help="folder of notebooks (default: the bundled notebooks/)"
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
        type=float,
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
    reports.set_defaults(run=_reports)
    return main


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        return args.run(args)
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
