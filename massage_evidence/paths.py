"""Where the evidence, the notebooks, the reports and the source texts are.

Like git or pytest finding their root, the commands work on the researcher's own project: the
current folder or the nearest parent holding `evidence/vocabulary.yaml`. Without one they fall
back to the bundled evidence and notebooks: the top-level folders of a checkout, or their copies
inside an installed wheel. An explicit argument, then an environment variable, wins over both.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

EVIDENCE_ENV = "MASSAGE_EVIDENCE_DIR"
CORPUS_ENV = "MASSAGE_EVIDENCE_CORPUS"
MARKER = Path("evidence") / "vocabulary.yaml"
NO_CORPUS = (
    "no corpus found: quotes and checksums NOT checked "
    f"(pass --corpus DIR, set ${CORPUS_ENV}, or add a corpus/ folder beside evidence/)"
)

_PACKAGE = Path(__file__).resolve().parent
# An installed wheel carries copies of the top-level folders inside the package.
BUNDLED = _PACKAGE / "bundled" if (_PACKAGE / "bundled" / MARKER).is_file() else _PACKAGE.parent


def project_root(start: str | os.PathLike[str] | None = None) -> Path | None:
    """The nearest folder from `start` (default: the current folder) up that holds an evidence
    project, or None."""
    here = Path(start if start is not None else Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / MARKER).is_file():
            return folder
    return None


@dataclass(frozen=True)
class Project:
    """The folders one command works on, and whether they are the researcher's or bundled."""

    root: Path
    evidence: Path
    notebooks: Path
    reports: Path
    corpus: Path | None
    found: bool  # True for a project found from the current folder, False for the bundled one


def _env_path(name: str) -> Path | None:
    value = os.environ.get(name)
    return Path(value).resolve() if value else None


def default_corpus(root: Path) -> Path | None:
    """The source texts of a project: its `corpus/` folder, else `../shared/seeds` beside it."""
    for candidate in (root / "corpus", root.parent / "shared" / "seeds"):
        if candidate.is_dir():
            return candidate
    return None


def resolve(
    *,
    evidence: str | os.PathLike[str] | None = None,
    notebooks: str | os.PathLike[str] | None = None,
    reports: str | os.PathLike[str] | None = None,
    corpus: str | os.PathLike[str] | None = None,
    start: str | os.PathLike[str] | None = None,
) -> Project:
    """The folders to use: arguments first, then $MASSAGE_EVIDENCE_DIR and
    $MASSAGE_EVIDENCE_CORPUS, then the project found from `start`, then the bundled data."""
    found = project_root(start)
    root = found or BUNDLED
    evidence_path = Path(evidence).resolve() if evidence is not None else _env_path(EVIDENCE_ENV)
    if evidence_path is None:
        evidence_path = root / "evidence"
    if corpus is not None:
        corpus_path: Path | None = Path(corpus).resolve()
    else:
        corpus_path = _env_path(CORPUS_ENV) or default_corpus(evidence_path.parent)
    notebook_path = Path(notebooks).resolve() if notebooks is not None else root / "notebooks"
    if reports is not None:
        report_path = Path(reports).resolve()
    else:
        report_path = (found or Path.cwd().resolve()) / "reports"
    return Project(root, evidence_path, notebook_path, report_path, corpus_path, found is not None)


def evidence_dir(path: str | os.PathLike[str] | None = None) -> Path:
    """The evidence folder: `path`, else $MASSAGE_EVIDENCE_DIR, else the project's, else bundled."""
    return resolve(evidence=path).evidence


def corpus_dir(path: str | os.PathLike[str] | None = None) -> Path | None:
    """The folder of full source texts, or None when none is available.

    `path`, else $MASSAGE_EVIDENCE_CORPUS, else the evidence project's `corpus/`, else
    `../shared/seeds` beside it.
    """
    return resolve(corpus=path).corpus
