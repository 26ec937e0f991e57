"""Reading and writing the `evidence/` files.

YAML is read with libyaml's C loader in safe mode (no Python objects are ever constructed), keeping
the line of every record and field so that problems can point at them. Reading never fails on bad
content: problems of form (syntax, empty file, wrong layout) are collected for the validator.
Files are written atomically: a temporary file in the same folder, then a rename.
"""

from __future__ import annotations

import gc
import hashlib
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from . import schema
from .errors import Problem

try:
    from yaml import CSafeLoader as SafeLoader
except ImportError:  # pragma: no cover - PyYAML built without libyaml
    from yaml import SafeLoader  # type: ignore[assignment]

PACKAGE_ROOT = Path(__file__).resolve().parent.parent
EVIDENCE_ENV = "MASSAGE_EVIDENCE_DIR"
CORPUS_ENV = "MASSAGE_EVIDENCE_CORPUS"


def evidence_dir(path: str | os.PathLike[str] | None = None) -> Path:
    """The evidence folder: `path`, else $MASSAGE_EVIDENCE_DIR, else the bundled `evidence/`."""
    if path is not None:
        return Path(path).resolve()
    if os.environ.get(EVIDENCE_ENV):
        return Path(os.environ[EVIDENCE_ENV]).resolve()
    return PACKAGE_ROOT / "evidence"


def corpus_dir(path: str | os.PathLike[str] | None = None) -> Path | None:
    """The folder of full source texts, or None when none is available.

    `path`, else $MASSAGE_EVIDENCE_CORPUS, else `../shared/seeds` beside the repository.
    """
    if path is not None:
        return Path(path).resolve()
    if os.environ.get(CORPUS_ENV):
        return Path(os.environ[CORPUS_ENV]).resolve()
    default = PACKAGE_ROOT.parent / "shared" / "seeds"
    return default if default.is_dir() else None


@dataclass
class Record:
    """One list item of an evidence file, with where it stands."""

    file: str
    line: int
    data: dict[str, Any]
    field_lines: dict[str, int]

    def line_of(self, name: str) -> int:
        return self.field_lines.get(name, self.line)


@dataclass(frozen=True)
class ClaimsFile:
    """A claims file's name and the source it declares, with the line of that declaration."""

    file: str
    source: object
    line: int


@dataclass
class RawEvidence:
    """The evidence as read, before validation: plain records and the problems of form met."""

    root: Path
    vocabulary: dict[str, Any]
    tables: dict[str, list[Record]]
    claim_files: list[ClaimsFile] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    files: list[Path] = field(default_factory=list)

    @property
    def sources(self) -> list[Record]:
        return self.tables["sources"]

    @property
    def claims(self) -> list[Record]:
        return self.tables["claims"]

    @property
    def assertions(self) -> list[Record]:
        return self.tables["assertions"]


@contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector (also as a decorator: `@gc_paused()`).

    Reading and validating build millions of small objects that stay alive, and every collection
    scans them all again: at 100k claims that cost more than the parsing. Reference counting
    still frees what is dropped; the collector resumes afterwards, as it was.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def display_path(path: Path, root: Path) -> str:
    """The path as problems show it: relative to the folder that holds the evidence folder."""
    try:
        return path.relative_to(root.parent).as_posix()
    except ValueError:
        return path.as_posix()


def _read_text(path: Path) -> str:
    return path.read_text(encoding="utf-8-sig")


_STR, _NULL = "tag:yaml.org,2002:str", "tag:yaml.org,2002:null"
_SEQ, _MAP = "tag:yaml.org,2002:seq", "tag:yaml.org,2002:map"


def _construct(loader: Any, node: yaml.Node, built: dict[int, Any]) -> Any:
    """The node's value, as the safe loader builds it.

    Text, nulls, lists and mappings with text keys are built here, the rest by the loader:
    its generic path costs more than parsing the text, which matters at 100k claims. A node met
    again through an alias gives the same object, as in the loader.
    """
    if isinstance(node, yaml.ScalarNode):
        if node.tag == _STR:
            return node.value
        return None if node.tag == _NULL else loader.construct_object(node, deep=True)
    if id(node) in built:
        return built[id(node)]
    if isinstance(node, yaml.SequenceNode) and node.tag == _SEQ:
        items: list[Any] = []
        built[id(node)] = items
        items.extend(_construct(loader, item, built) for item in node.value)
        return items
    if isinstance(node, yaml.MappingNode) and node.tag == _MAP:
        mapping: dict[str, Any] = {}
        built[id(node)] = mapping
        for key, value in node.value:
            if not (isinstance(key, yaml.ScalarNode) and key.tag == _STR):
                del built[id(node)]
                return loader.construct_object(node, deep=True)
            if isinstance(value, yaml.ScalarNode) and value.tag == _STR:
                mapping[key.value] = value.value  # most values: text, built without a call
            else:
                mapping[key.value] = _construct(loader, value, built)
        return mapping
    return loader.construct_object(node, deep=True)


def parse_yaml(text: str) -> tuple[Any, yaml.Node | None]:
    """Parse one YAML document safely; return the data and its node tree (for line numbers)."""
    loader = SafeLoader(text)
    try:
        node = loader.get_single_node()
        data = _construct(loader, node, {}) if node is not None else None
    finally:
        loader.dispose()
    return data, node


def _records(
    node: yaml.Node, data: list[Any], file: str, problems: list[Problem], what: str
) -> Iterator[Record]:
    for item_node, item in zip(node.value, data, strict=True):
        line = item_node.start_mark.line + 1
        if not isinstance(item, dict) or not isinstance(item_node, yaml.MappingNode):
            problems.append(Problem(file, line, None, None, f"each {what} must be a mapping"))
            continue
        lines: dict[str, int] = {}
        for key, value in item_node.value:
            lines[key.value] = key.start_mark.line + 1
            if isinstance(value, yaml.SequenceNode):
                for position, element in enumerate(value.value):
                    lines[f"{key.value}[{position}]"] = element.start_mark.line + 1
        yield Record(file, line, item, lines)


def _load_file(path: Path, root: Path, problems: list[Problem]) -> tuple[Any, yaml.Node | None]:
    file = display_path(path, root)
    try:
        text = _read_text(path)
    except UnicodeDecodeError as exc:
        problems.append(Problem(file, None, None, None, f"not UTF-8 text ({exc.reason})"))
        return None, None
    except OSError as exc:
        problems.append(Problem(file, None, None, None, f"cannot read: {exc.strerror}"))
        return None, None
    try:
        data, node = parse_yaml(text)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        message = " ".join(str(exc.problem or exc.context or "invalid YAML").split())
        problems.append(Problem(file, line, None, None, f"YAML: {message}"))
        return None, None
    except yaml.YAMLError as exc:
        problems.append(Problem(file, None, None, None, f"YAML: {' '.join(str(exc).split())}"))
        return None, None
    if node is None:
        problems.append(Problem(file, None, None, None, "file is empty"))
    return data, node


def _list_file(path: Path, root: Path, problems: list[Problem], what: str) -> list[Record]:
    data, node = _load_file(path, root, problems)
    if node is None:
        return []
    if not isinstance(data, list):
        file = display_path(path, root)
        problems.append(Problem(file, 1, None, None, f"must be a list of {what}s"))
        return []
    return list(_records(node, data, display_path(path, root), problems, what))


def _claims_file(
    path: Path, root: Path, problems: list[Problem], files: list[ClaimsFile]
) -> list[Record]:
    data, node = _load_file(path, root, problems)
    if node is None:
        return []
    file = display_path(path, root)
    if not isinstance(data, dict) or "claims" not in data or "source" not in data:
        problems.append(
            Problem(file, 1, None, None, "must be a mapping with `source` and `claims`")
        )
        return []
    claims_node = next(value for key, value in node.value if key.value == "claims")
    if not isinstance(data["claims"], list):
        problems.append(
            Problem(file, claims_node.start_mark.line + 1, None, "claims", "must be a list")
        )
        return []
    records = list(_records(claims_node, data["claims"], file, problems, "claim"))
    source_line = next(key.start_mark.line + 1 for key, _ in node.value if key.value == "source")
    files.append(ClaimsFile(file, data["source"], source_line))
    for record in records:
        record.data = {"source": data["source"], **record.data}
        record.field_lines.setdefault("source", source_line)
    return records


@gc_paused()
def read(path: str | os.PathLike[str] | None = None) -> RawEvidence:
    """Read every evidence file under `path` (default: the bundled evidence) without judging it."""
    root = evidence_dir(path)
    problems: list[Problem] = []
    vocabulary_path = root / "vocabulary.yaml"
    vocabulary, _ = _load_file(vocabulary_path, root, problems)
    if vocabulary is not None and not isinstance(vocabulary, dict):
        problems.append(
            Problem(display_path(vocabulary_path, root), 1, None, None, "must be a mapping")
        )
        vocabulary = None
    files = [vocabulary_path]
    tables: dict[str, list[Record]] = {}
    for name, table in schema.TABLES.items():
        if table.file is not None:
            files.append(root / table.file)
            tables[name] = _list_file(root / table.file, root, problems, table.record)
    claim_files = sorted((root / "claims").glob("*.yaml"))
    files += claim_files
    declared: list[ClaimsFile] = []
    tables["claims"] = [
        record for file in claim_files for record in _claims_file(file, root, problems, declared)
    ]
    return RawEvidence(root, vocabulary or {}, tables, declared, problems, files)


def sha256_of(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_atomic(path: str | os.PathLike[str], content: str | bytes) -> None:
    """Write `content` to `path` so that readers see the old file or the new one, never a part.

    The file gets the permissions of any new file (0666 less the umask), not mkstemp's 0600.
    """
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    data = content.encode("utf-8") if isinstance(content, str) else content
    fd, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        os.fchmod(fd, 0o666 & ~_umask())
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
