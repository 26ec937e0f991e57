"""`massage-evidence init`: a new evidence project, the starting point for a researcher's question.

The project holds the bundled vocabulary, empty sources, claims and research files, a `corpus/`
folder for the source texts, and the bundled notebooks with their outputs cleared. It validates
and renders straight away. Everything is written in a hidden folder inside the project first and
moved into place at the end, so an error leaves no half-made project behind.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from pathlib import Path

from . import paths, schema
from .errors import ProjectError
from .store import write_atomic

PARTS = ("evidence", "notebooks", "corpus")

_EMPTY_LIST = """\
# {what}: one record per list item; see the bundled evidence/README.md for the fields.
[]
"""

_README = """\
# An evidence project

Made by `massage-evidence init`. Commands run inside this folder use it:

- `evidence/`: the vocabulary, `sources.yaml`, `claims/<source-id>.yaml`, `assertions.yaml`,
  `tensions.yaml`, `studies.yaml`, `audit.yaml`;
- `corpus/`: the full texts of the sources (named by `file` in `sources.yaml`);
- `notebooks/`: the analysis notebooks; `massage-evidence reports` renders them into `reports/`.

`massage-evidence validate` checks the evidence and names every problem in one line.
"""


def _cleared(notebook: Path) -> str:
    """The notebook's JSON without outputs or execution counts: they belong to other evidence."""
    data = json.loads(notebook.read_text(encoding="utf-8"))
    for cell in data.get("cells", []):
        if cell.get("cell_type") == "code":
            cell["outputs"] = []
            cell["execution_count"] = None
    return json.dumps(data, indent=1, ensure_ascii=False) + "\n"


def _fill(staging: Path) -> None:
    evidence = staging / "evidence"
    (evidence / "claims").mkdir(parents=True)
    shutil.copyfile(paths.BUNDLED / paths.MARKER, evidence / "vocabulary.yaml")
    for table in schema.TABLES.values():
        if table.file is not None:
            what = f"{table.record.capitalize()} records"
            write_atomic(evidence / table.file, _EMPTY_LIST.format(what=what))
    (staging / "corpus").mkdir()
    notebooks = staging / "notebooks"
    notebooks.mkdir()
    for notebook in sorted((paths.BUNDLED / "notebooks").glob("*.ipynb")):
        write_atomic(notebooks / notebook.name, _cleared(notebook))


def create(folder: str | os.PathLike[str]) -> Path:
    """Create an evidence project in `folder` (made if missing); return its resolved path.

    Raises ProjectError, writing nothing, when `folder` is a file or already holds one of the
    project's folders.
    """
    root = Path(folder).resolve()
    if root.exists() and not root.is_dir():
        raise ProjectError(f"{root} is a file, not a folder; nothing written")
    taken = [name for name in PARTS if (root / name).exists()]
    if taken:
        raise ProjectError(f"{root} already has {', '.join(taken)}; nothing written")
    root.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".init-", dir=root))
    try:
        _fill(staging)
        for name in PARTS:
            (staging / name).rename(root / name)
        for name, text in ((".gitignore", "reports/\n"), ("README.md", _README)):
            if not (root / name).exists():
                write_atomic(root / name, text)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return root
