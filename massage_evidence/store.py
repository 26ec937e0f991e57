"""Reading and writing the `evidence/` files.

YAML is read with libyaml's C loader in safe mode (no Python objects are ever constructed), keeping
the line of every record and field so that problems can point at them. Reading never fails on bad
content: problems of form (syntax, empty file, wrong layout) are collected for the validator.
A large set of claims files is parsed by one process per core. Files are written atomically: a
temporary file in the same folder, then a rename.
"""

from __future__ import annotations

import functools
import gc
import itertools
import multiprocessing
import os
import tempfile
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any, NamedTuple

import yaml

from . import paths, schema
from .errors import Problem

try:
    from yaml import CSafeLoader as SafeLoader
except ImportError:  # pragma: no cover - PyYAML built without libyaml
    from yaml import SafeLoader  # type: ignore[assignment]


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
    vocabulary_places: dict[int, Place] = field(default_factory=dict)

    def vocabulary_line(self, container: object, key: str) -> int | None:
        """The line of `key` in a mapping of the vocabulary, when it has one."""
        place = self.vocabulary_places.get(id(container))
        return place.fields.get(key) if place is not None else None

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
_INT, _FLOAT = "tag:yaml.org,2002:int", "tag:yaml.org,2002:float"
_RESOLVER = yaml.resolver.Resolver()  # the safe loader's own resolver


@functools.lru_cache(maxsize=1 << 14)
def _plain_tag(text: str) -> str:
    """The tag the safe loader gives an untagged plain scalar: it depends on the text alone."""
    return _RESOLVER.resolve(yaml.ScalarNode, text, (True, False))


class Place(NamedTuple):
    """Where a mapping or a list of a document stands: its line, and the line of each key (with
    `key[i]` for the items of a list value) or of each item."""

    line: int
    fields: Mapping[str, int]
    items: Sequence[int]


_NO_FIELDS: Mapping[str, int] = MappingProxyType({})


@dataclass(frozen=True)
class Document:
    """A parsed YAML document: its data, and the place of each of its mappings and lists."""

    data: Any
    places: dict[int, Place]  # by id() of the mapping or list, alive as long as `data`


class _BeyondPlainData(Exception):
    """The document uses aliases, explicit tags, keys other than text or a second document."""


MAX_DEPTH = 64  # evidence nests a few levels; anything far deeper is a mistake, refused by us
TOO_DEEP = f"YAML: nested more than {MAX_DEPTH} levels deep"


class NestedTooDeeply(ValueError):
    """A document nests mappings and lists more than MAX_DEPTH levels deep."""


def _typed_scalar(loader: Any, event: yaml.ScalarEvent, tag: str) -> Any:
    """The value of a plain scalar the resolver did not take for text, as the loader builds it."""
    text = event.value
    if tag == _NULL:
        return None
    if tag == _INT and text.isascii() and text.isdigit() and (text[0] != "0" or text == "0"):
        return int(text)  # plain decimals; octal, 1_000 or 1:20 are left to the loader
    if tag == _FLOAT and text[-1:].isdigit() and "_" not in text and ":" not in text:
        return float(text)  # plain decimals; .inf, 1_0.5 or 1:20.5 are left to the loader
    node = yaml.ScalarNode(tag, text, event.start_mark, event.end_mark, event.style)
    return loader.construct_object(node, deep=True)


def _plain_document(loader: Any) -> Document | None:
    """The document built straight from the parser's events: the common case, made fast.

    PyYAML's composer makes a node of every value, which its constructor then visits again: at
    100k claims that was most of the reading time. Anything beyond plain data (an alias, an
    explicit tag, a key that is not text, a second document) raises _BeyondPlainData, for the
    loader's own way; an anchor no alias refers to changes nothing.
    """
    get_event, plain_tag = loader.get_event, _plain_tag
    places: dict[int, Place] = {}
    depth = 0

    def value_of(event: yaml.Event) -> Any:
        nonlocal depth
        kind = type(event)
        if getattr(event, "tag", None) is not None:
            raise _BeyondPlainData
        if kind is yaml.ScalarEvent:
            value = event.value
            if event.implicit[0]:
                tag = plain_tag(value)
                if tag != _STR:
                    return _typed_scalar(loader, event, tag)
            return value
        if kind is not yaml.MappingStartEvent and kind is not yaml.SequenceStartEvent:
            raise _BeyondPlainData
        depth += 1
        if depth > MAX_DEPTH:
            raise NestedTooDeeply
        build = mapping if kind is yaml.MappingStartEvent else sequence
        value = build(event.start_mark.line + 1)
        depth -= 1
        return value

    def mapping(line: int) -> dict[str, Any]:
        result: dict[str, Any] = {}
        fields: dict[str, int] = {}
        while True:
            event = get_event()
            kind = type(event)
            if kind is yaml.MappingEndEvent:
                places[id(result)] = Place(line, fields, ())
                return result
            if kind is not yaml.ScalarEvent or event.tag is not None:
                raise _BeyondPlainData
            key = event.value
            if event.implicit[0] and plain_tag(key) != _STR:
                raise _BeyondPlainData
            fields[key] = event.start_mark.line + 1
            event = get_event()
            kind = type(event)
            if kind is yaml.ScalarEvent and event.tag is None:  # most values: inline
                value = event.value
                if event.implicit[0]:
                    tag = plain_tag(value)
                    if tag != _STR:
                        value = _typed_scalar(loader, event, tag)
                result[key] = value
                continue
            result[key] = value = value_of(event)
            if kind is yaml.SequenceStartEvent:
                for position, item_line in enumerate(places[id(value)].items):
                    fields[f"{key}[{position}]"] = item_line

    def sequence(line: int) -> list[Any]:
        result: list[Any] = []
        lines: list[int] = []
        while True:
            event = get_event()
            if type(event) is yaml.SequenceEndEvent:
                places[id(result)] = Place(line, _NO_FIELDS, lines)
                return result
            lines.append(event.start_mark.line + 1)
            result.append(value_of(event))

    get_event()  # the start of the stream
    event = get_event()
    if type(event) is yaml.StreamEndEvent:
        return None
    root = value_of(get_event())
    if type(get_event()) is not yaml.DocumentEndEvent:
        raise _BeyondPlainData
    if type(get_event()) is not yaml.StreamEndEvent:
        raise _BeyondPlainData
    return Document(root, places)


def _walk(node: yaml.Node, value: Any, places: dict[int, Place]) -> None:
    """Record the places of what the loader built from `node`, walking both side by side."""
    if id(value) in places:
        return
    if isinstance(node, yaml.SequenceNode) and isinstance(value, list):
        lines = [item.start_mark.line + 1 for item in node.value]
        places[id(value)] = Place(node.start_mark.line + 1, _NO_FIELDS, lines)
        for item_node, item in zip(node.value, value, strict=False):
            _walk(item_node, item, places)
    elif isinstance(node, yaml.MappingNode) and isinstance(value, dict):
        fields: dict[str, int] = {}
        places[id(value)] = Place(node.start_mark.line + 1, fields, ())
        for key_node, value_node in node.value:
            key = key_node.value
            if not isinstance(key, str) or key not in value:
                continue
            fields[key] = key_node.start_mark.line + 1
            if isinstance(value_node, yaml.SequenceNode):
                for position, item_node in enumerate(value_node.value):
                    fields[f"{key}[{position}]"] = item_node.start_mark.line + 1
            _walk(value_node, value[key], places)


def _general_document(text: str) -> Document | None:
    """The document as the safe loader builds it: aliases, tags, merge keys, deep nesting."""
    loader = SafeLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        data = loader.construct_document(node)
    finally:
        loader.dispose()
    places: dict[int, Place] = {}
    _walk(node, data, places)
    return Document(data, places)


def _nests_too_deeply(text: str) -> bool:
    """Whether the text nests beyond MAX_DEPTH before any syntax error, by PyYAML's pure-Python
    parser: libyaml refuses deep flow collections with a limit and words of its own."""
    depth = 0
    try:
        for event in yaml.parse(text, Loader=yaml.SafeLoader):
            if isinstance(event, yaml.CollectionStartEvent):
                depth += 1
                if depth > MAX_DEPTH:
                    return True
            elif isinstance(event, yaml.CollectionEndEvent):
                depth -= 1
    except yaml.YAMLError:
        return False
    return False


def parse_yaml(text: str) -> Document | None:
    """Parse one YAML document as the safe loader does, keeping where each part stands.

    None when the text holds no document. Raises yaml.YAMLError as the loader does.
    """
    loader = SafeLoader(text)
    try:
        return _plain_document(loader)
    except _BeyondPlainData:
        pass
    finally:
        loader.dispose()
    return _general_document(text)


def _records(
    document: Document, items: list[Any], file: str, problems: list[Problem], what: str
) -> Iterator[Record]:
    for line, item in zip(document.places[id(items)].items, items, strict=True):
        if not isinstance(item, dict):
            problems.append(Problem(file, line, None, None, f"each {what} must be a mapping"))
            continue
        yield Record(file, line, item, document.places[id(item)].fields)


def _load_file(path: Path, root: Path, problems: list[Problem]) -> Document | None:
    file = display_path(path, root)
    try:
        text = _read_text(path)
    except UnicodeDecodeError as exc:
        problems.append(Problem(file, None, None, None, f"not UTF-8 text ({exc.reason})"))
        return None
    except OSError as exc:
        problems.append(Problem(file, None, None, None, f"cannot read: {exc.strerror}"))
        return None
    try:
        document = parse_yaml(text)
    except yaml.MarkedYAMLError as exc:
        if _nests_too_deeply(text):
            problems.append(Problem(file, None, None, None, TOO_DEEP))
            return None
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        message = " ".join(str(exc.problem or exc.context or "invalid YAML").split())
        problems.append(Problem(file, line, None, None, f"YAML: {message}"))
        return None
    except yaml.YAMLError as exc:
        problems.append(Problem(file, None, None, None, f"YAML: {' '.join(str(exc).split())}"))
        return None
    except (NestedTooDeeply, RecursionError):
        problems.append(Problem(file, None, None, None, TOO_DEEP))
        return None
    if document is None:
        problems.append(Problem(file, None, None, None, "file is empty"))
    return document


def _list_file(path: Path, root: Path, problems: list[Problem], what: str) -> list[Record]:
    document = _load_file(path, root, problems)
    if document is None:
        return []
    file = display_path(path, root)
    if not isinstance(document.data, list):
        problems.append(Problem(file, 1, None, None, f"must be a list of {what}s"))
        return []
    return list(_records(document, document.data, file, problems, what))


def _claims_file(
    path: Path, root: Path, problems: list[Problem], files: list[ClaimsFile]
) -> list[Record]:
    document = _load_file(path, root, problems)
    if document is None:
        return []
    file, data = display_path(path, root), document.data
    if not isinstance(data, dict) or "claims" not in data or "source" not in data:
        problems.append(
            Problem(file, 1, None, None, "must be a mapping with `source` and `claims`")
        )
        return []
    lines = document.places[id(data)].fields
    if not isinstance(data["claims"], list):
        line = lines.get("claims", 1)
        problems.append(Problem(file, line, None, "claims", "must be a list"))
        return []
    records = list(_records(document, data["claims"], file, problems, "claim"))
    source_line = lines.get("source", 1)
    files.append(ClaimsFile(file, data["source"], source_line))
    for record in records:
        record.data = {"source": data["source"], **record.data}
        record.field_lines.setdefault("source", source_line)
    return records


@gc_paused()
def read(path: str | os.PathLike[str] | None = None) -> RawEvidence:
    """Read every evidence file under `path` (default: the bundled evidence) without judging it."""
    root = paths.evidence_dir(path)
    claim_files = sorted((root / "claims").glob("*.yaml"))
    with _claims_reader(claim_files, root) as read_claims:  # large sets start in the background
        problems: list[Problem] = []
        vocabulary_path = root / "vocabulary.yaml"
        document = _load_file(vocabulary_path, root, problems)
        vocabulary = None if document is None else document.data
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
        tables["claims"], claims_problems, declared = read_claims()
    problems += claims_problems
    places = document.places if document is not None and vocabulary is not None else {}
    return RawEvidence(
        root, vocabulary or {}, tables, declared, problems, files + claim_files, places
    )


# Claims files of at least this many bytes in all are read by several processes: below it,
# starting them costs more than it saves (the bundled evidence is some 0.2 MB).
PARALLEL_BYTES = 8 * 2**20


def reading_processes(paths: list[Path]) -> int:
    """How many processes read these claims files: one per core when they are large, else one."""
    if sum(path.stat().st_size for path in paths) < PARALLEL_BYTES:
        return 1
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


_ClaimsRead = tuple[list[Record], list[Problem], list[ClaimsFile]]


@contextmanager
def _claims_reader(paths: list[Path], root: Path) -> Iterator[Callable[[], _ClaimsRead]]:
    """A function giving the claims files' records, problems and declarations in file order.

    Parsing YAML is most of the time `load()` takes on a large corpus, so many files are shared
    out among processes, one per core, in contiguous chunks: they start on entering, while the
    caller reads the other files, and the function joins their results in order.
    """
    workers = reading_processes(paths)
    if workers == 1:
        yield lambda: _claims_chunk(paths, root)
        return
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else None)
    step = -(-len(paths) // (4 * workers))  # a few chunks per worker, to share the work evenly
    chunks = [paths[start : start + step] for start in range(0, len(paths), step)]
    with ProcessPoolExecutor(workers, mp_context=context) as pool:
        results = pool.map(_claims_chunk_in_worker, chunks, itertools.repeat(root))

        def joined() -> _ClaimsRead:
            records: list[Record] = []
            problems: list[Problem] = []
            declared: list[ClaimsFile] = []
            for rows, chunk_problems, chunk_declared in results:
                records += [Record(*row) for row in rows]
                problems += chunk_problems
                declared += chunk_declared
            return records, problems, declared

        yield joined


def _claims_chunk(paths: list[Path], root: Path) -> _ClaimsRead:
    problems: list[Problem] = []
    declared: list[ClaimsFile] = []
    with gc_paused():
        records = [r for path in paths for r in _claims_file(path, root, problems, declared)]
    return records, problems, declared


def _claims_chunk_in_worker(
    paths: list[Path], root: Path
) -> tuple[list[tuple[str, int, dict[str, Any], dict[str, int]]], list[Problem], list[ClaimsFile]]:
    """A chunk read in a worker process, its records as plain tuples: pickle sends those faster."""
    records, problems, declared = _claims_chunk(paths, root)
    return [(r.file, r.line, r.data, r.field_lines) for r in records], problems, declared


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
