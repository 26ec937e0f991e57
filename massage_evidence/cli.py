"""The `massage-evidence` command: a thin shell over the Python API."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from . import store
from .errors import EvidenceError, ParameterError, ReportError

EXIT_OK, EXIT_FAILED, EXIT_INVALID = 0, 1, 2


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


def parser() -> argparse.ArgumentParser:
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
