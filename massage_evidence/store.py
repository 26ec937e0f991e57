"""Reading and writing the `evidence/` files.

Reading is strict and never fails on bad content: every problem of form is collected for the
validator, one line each, with the line of the record or field it concerns. YAML is read by
PyYAML's own parts, libyaml's parser and composer, with our resolver and constructor, so that only
plain data comes through. The one rule for plain (unquoted) scalars, as in JSON:

- `null`, `~` or nothing is null; `true` and `false` are booleans; a decimal integer (`-12`) is an
  integer and a decimal number (`1.5`, `2e3`) a float;
- anything else is the text it shows. `1:26`, `0x56`, `017`, `1_000`, `yes`, `off`, `.inf` and
  `2020-02-30` are strings (YAML 1.1 makes numbers, booleans and dates of them), which the schema
  then judges: a date is checked as a date by the validator, not by the YAML library.

Anchors and aliases, explicit tags, keys that are not text, a key given twice and a document nested
more than 64 levels deep are problems. Only regular files of UTF-8 text are read. Files are written
atomically: a temporary file in the same folder, then a rename.
"""

from __future__ import annotations

import contextlib
import difflib
import functools
import gc
import os
import re
import stat
import tempfile
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any, NamedTuple

import yaml

from . import paths, schema
from .errors import Problem, shown


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


@dataclass(frozen=True)
class EvidenceFile:
    """One file of the evidence folder: its path relative to the folder (`claims/x.yaml`), how
    problems name it, and its bytes (None when it could not be read: `problem` says why)."""

    path: Path
    relative: str
    name: str
    content: bytes | None
    problem: Problem | None = None


@dataclass(frozen=True)
class Listing:
    """Every file of an evidence folder that the evidence consists of, read once, and the problems
    of the folder itself (a missing `claims/` folder, a file there that is not a claims file)."""

    root: Path
    files: list[EvidenceFile]
    problems: list[Problem]

    def file(self, relative: str) -> EvidenceFile:
        return next(f for f in self.files if f.relative == relative)

    @property
    def claims(self) -> list[EvidenceFile]:
        return [f for f in self.files if f.relative.startswith("claims/")]


@dataclass
class RawEvidence:
    """The evidence as read, before validation: plain records and the problems of form met."""

    root: Path
    vocabulary: dict[str, Any]
    tables: dict[str, list[Record]]
    claim_files: list[ClaimsFile] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    claims_file_names: set[str] = field(default_factory=set)
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


class Unreadable(Exception):
    """A file that is not a regular file of text: `message` says why, `code` is its problem code."""

    def __init__(self, message: str, code: str) -> None:
        super().__init__(message)
        self.message, self.code = message, code


_KINDS = (
    (stat.S_ISDIR, "a folder"),
    (stat.S_ISFIFO, "a named pipe"),
    (stat.S_ISCHR, "a device"),
    (stat.S_ISBLK, "a device"),
    (stat.S_ISSOCK, "a socket"),
)


def read_regular(path: Path) -> bytes:
    """The bytes of a regular file; Unreadable for anything else, at once (a pipe never blocks)."""
    try:
        if os.path.islink(path) and not os.path.exists(path):
            raise Unreadable("a symbolic link to nothing", "unreadable-file")
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except FileNotFoundError:
        raise Unreadable("file is missing", "missing-file") from None
    except OSError as error:
        raise Unreadable(f"cannot read: {error.strerror}", "unreadable-file") from None
    mode = os.fstat(fd).st_mode
    for test, kind in _KINDS:
        if test(mode):
            os.close(fd)
            raise Unreadable(f"not a regular file: {kind}", "unreadable-file")
    with open(fd, "rb") as handle:
        try:
            return handle.read()
        except OSError as error:
            raise Unreadable(f"cannot read: {error.strerror}", "unreadable-file") from None


def decode_text(content: bytes) -> str:
    """UTF-8 text (a byte order mark is dropped); Unreadable for binary or other encodings."""
    if b"\0" in content:
        raise Unreadable("binary, not text", "not-text")
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        byte = content[error.start]
        raise Unreadable(
            f"not UTF-8 text (byte {byte:#04x} at offset {error.start})", "not-utf8"
        ) from None


def list_files(path: str | os.PathLike[str] | None = None) -> Listing:
    """Read every file the evidence under `path` consists of (default: the bundled evidence)."""
    root = paths.evidence_dir(path)
    relatives = ["vocabulary.yaml"]
    relatives += [table.file for table in schema.TABLES.values() if table.file is not None]
    problems: list[Problem] = []
    folder = root / "claims"
    if not folder.is_dir():
        message = "folder is missing: each source's claims are in claims/<source id>.yaml"
        problems.append(Problem(f"{root.name}/claims", None, None, None, message, "missing-folder"))
    else:
        for name in sorted(os.listdir(folder)):
            if name.startswith("."):
                continue
            if name.endswith(".yaml"):
                relatives.append(f"claims/{name}")
            else:
                message = "not a claims file: claims files are named <source id>.yaml"
                where = f"{root.name}/claims/{name}"
                problems.append(Problem(where, None, None, None, message, "unexpected-file"))
    files = []
    for relative in relatives:
        file_path, name = root / relative, f"{root.name}/{relative}"
        try:
            files.append(EvidenceFile(file_path, relative, name, read_regular(file_path)))
        except Unreadable as error:
            problem = Problem(name, None, None, None, error.message, error.code)
            files.append(EvidenceFile(file_path, relative, name, None, problem))
    return Listing(root, files, problems)


_STR, _NULL, _BOOL = "tag:yaml.org,2002:str", "tag:yaml.org,2002:null", "tag:yaml.org,2002:bool"
_INT, _FLOAT = "tag:yaml.org,2002:int", "tag:yaml.org,2002:float"
_SEQ, _MAP = "tag:yaml.org,2002:seq", "tag:yaml.org,2002:map"
_PLAIN_TYPES = (  # the plain scalars that are not text: JSON's, spelt as YAML 1.2 spells them
    (_NULL, re.compile(r"~|null|Null|NULL|")),
    (_BOOL, re.compile(r"true|True|TRUE|false|False|FALSE")),
    (_INT, re.compile(r"[-+]?(?:0|[1-9][0-9]{0,39})")),
    (
        _FLOAT,
        re.compile(
            r"[-+]?(?:(?:0|[1-9][0-9]{0,39})(?:\.[0-9]{0,40})?|\.[0-9]{1,40})"
            r"(?:[eE][-+]?[0-9]{1,4})?"
        ),
    ),
)


@functools.lru_cache(maxsize=1 << 14)
def plain_tag(text: str) -> str:
    """The type of a plain scalar, by the one rule in this module's docstring."""
    for tag, pattern in _PLAIN_TYPES:
        if pattern.fullmatch(text):
            return tag
    return _STR


if yaml.__with_libyaml__:
    _Parser: Any = yaml.cyaml.CParser
else:  # pragma: no cover - PyYAML built without libyaml: its Python parts, same behaviour

    class _Parser(
        yaml.reader.Reader, yaml.scanner.Scanner, yaml.parser.Parser, yaml.composer.Composer
    ):
        def __init__(self, stream: str) -> None:
            yaml.reader.Reader.__init__(self, stream)
            yaml.scanner.Scanner.__init__(self)
            yaml.parser.Parser.__init__(self)
            yaml.composer.Composer.__init__(self)


class _Loader(_Parser, yaml.resolver.BaseResolver):
    """libyaml's parser and composer with a resolver that knows only plain data."""

    def __init__(self, text: str) -> None:
        _Parser.__init__(self, text)
        yaml.resolver.BaseResolver.__init__(self)

    # The composer calls these three for every node: kept as small as they can be.
    def resolve(
        self, kind: type, value: str, implicit: tuple[bool, bool], _scalar: type = yaml.ScalarNode
    ) -> str:
        if kind is _scalar:
            return plain_tag(value) if implicit[0] else _STR
        return _SEQ if kind is yaml.SequenceNode else _MAP

    def descend_resolver(self, parent: object, index: object) -> None:
        """No path resolvers: nothing to do."""

    def ascend_resolver(self) -> None:
        """No path resolvers: nothing to do."""


class Place(NamedTuple):
    """Where a mapping or a list of a document stands: its line, and the line of each key (with
    `key[i]` for the items of a list value) or of each item."""

    line: int
    fields: Mapping[str, int]
    items: Sequence[int]


_NO_FIELDS: Mapping[str, int] = MappingProxyType({})
MAX_DEPTH = 64  # evidence nests a few levels; anything far deeper is a mistake, refused by us


class Refused(Exception):
    """The text is beyond plain data (or not YAML): one problem, at `line` when known."""

    def __init__(self, line: int | None, message: str, code: str) -> None:
        super().__init__(message)
        self.line, self.message, self.code = line, message, code


def _too_deep(line: int | None = None) -> Refused:
    return Refused(line, f"YAML: nested more than {MAX_DEPTH} levels deep", "yaml-too-deep")


def _tag_name(tag: str) -> str:
    return "!!" + tag.removeprefix("tag:yaml.org,2002:") if tag.startswith("tag:yaml") else tag


def _explicit_tag(node: yaml.Node) -> Refused:
    message = f"YAML: explicit tag {shown(_tag_name(node.tag))} is not allowed (plain data only)"
    return Refused(node.start_mark.line + 1, message, "yaml-tag")


@dataclass(frozen=True)
class Document:
    """A parsed YAML document: its data, the place of each of its mappings and lists, and every
    key given twice in one mapping (its line, the key, the line where it was first given)."""

    data: Any
    places: dict[int, Place]  # by id() of the mapping or list, alive as long as `data`
    duplicates: list[tuple[int, str, int]]


class _Constructor:
    """Python values from the composed nodes: plain data only, with the place of each part."""

    def __init__(self) -> None:
        self.places: dict[int, Place] = {}
        self.duplicates: list[tuple[int, str, int]] = []

    @staticmethod
    def scalar(node: yaml.ScalarNode) -> Any:
        # Our resolver hands out the very tag objects below; a tag written in the text is a string
        # of its own, even when it spells the same tag: `is` tells the two apart.
        tag = node.tag
        if tag is _STR:
            return node.value
        if tag is _NULL:
            return None
        if tag is _INT:
            return int(node.value)
        if tag is _FLOAT:
            return float(node.value)
        if tag is _BOOL:
            return node.value[0] in "tT"
        raise _explicit_tag(node)

    def value(self, node: yaml.Node, depth: int) -> Any:
        kind = type(node)
        if kind is yaml.ScalarNode:
            return self.scalar(node)
        if depth >= MAX_DEPTH:
            raise _too_deep(node.start_mark.line + 1)
        if kind is yaml.MappingNode and node.tag is _MAP:
            return self.mapping(node, depth + 1)
        if kind is yaml.SequenceNode and node.tag is _SEQ:
            return self.sequence(node, depth + 1)
        raise _explicit_tag(node)

    def mapping(self, node: yaml.MappingNode, depth: int) -> dict[str, Any]:
        result: dict[str, Any] = {}
        fields: dict[str, int] = {}
        scalar, scalar_node = self.scalar, yaml.ScalarNode
        for key_node, value_node in node.value:
            line = key_node.start_mark.line + 1
            if key_node.tag is not _STR:  # a key is text, given as text
                raise self.key_refused(key_node, line)
            key = key_node.value
            if key in fields:
                self.duplicates.append((line, key, fields[key]))
                continue
            fields[key] = line
            if type(value_node) is scalar_node:
                result[key] = value_node.value if value_node.tag is _STR else scalar(value_node)
                continue
            result[key] = value = self.value(value_node, depth)
            if type(value) is list:
                for position, item_line in enumerate(self.places[id(value)].items):
                    fields[f"{key}[{position}]"] = item_line
        self.places[id(result)] = Place(node.start_mark.line + 1, fields, ())
        return result

    def key_refused(self, node: yaml.Node, line: int) -> Refused:
        if type(node) is not yaml.ScalarNode:
            return Refused(line, "YAML: a key must be text, not a list or mapping", "yaml-key")
        self.scalar(node)  # an explicit tag is refused as such
        return Refused(line, f"YAML: key {shown(node.value)} is not text (quote it)", "yaml-key")

    def sequence(self, node: yaml.SequenceNode, depth: int) -> list[Any]:
        result = [self.value(item, depth) for item in node.value]
        lines = [item.start_mark.line + 1 for item in node.value]
        self.places[id(result)] = Place(node.start_mark.line + 1, _NO_FIELDS, lines)
        return result


class _PythonParser(yaml.reader.Reader, yaml.scanner.Scanner, yaml.parser.Parser):
    """PyYAML's Python parser: slower than libyaml's, but it hands out the events of a deep
    nesting one by one where libyaml's scanner stops at its own limit first."""

    def __init__(self, text: str) -> None:
        yaml.reader.Reader.__init__(self, text)
        yaml.scanner.Scanner.__init__(self)
        yaml.parser.Parser.__init__(self)

    def dispose(self) -> None:
        pass


# A text libyaml refuses is looked at again by the Python parser, up to this many characters
# before the refusal, to tell a nesting deeper than ours from another mistake.
RESCAN_CHARACTERS = 2_000_000


def _check_events(text: str, parser: type = _Loader) -> None:
    """Look at the parser's events one by one: an anchor, an alias or nesting deeper than
    MAX_DEPTH is refused as soon as it is met, before any composing."""
    loader = parser(text)
    depth = 0
    try:
        while loader.check_event():
            event = loader.get_event()
            line = event.start_mark.line + 1
            if type(event) is yaml.AliasEvent or getattr(event, "anchor", None) is not None:
                message = "YAML: anchors and aliases are not allowed (plain data only)"
                raise Refused(line, message, "yaml-alias")
            if isinstance(event, yaml.CollectionStartEvent):
                depth += 1
                if depth > MAX_DEPTH:
                    raise _too_deep(line)
            elif isinstance(event, yaml.CollectionEndEvent):
                depth -= 1
    finally:
        loader.dispose()


def parse_yaml(text: str) -> Document | None:
    """Parse one YAML document of plain data, keeping where each part stands.

    None when the text holds no document. Raises Refused for anything beyond plain data (see
    the module's docstring) and yaml.YAMLError for text that is not YAML.
    """
    loader = _Loader(text)
    try:
        if "&" in text:  # anchors are rare: only then are the events looked at one by one
            _check_events(text)
        node = loader.get_single_node()
    except (yaml.YAMLError, RecursionError) as error:
        mark = getattr(error, "problem_mark", None)
        if mark is not None and mark.index <= RESCAN_CHARACTERS:
            with contextlib.suppress(yaml.YAMLError, RecursionError):
                _check_events(text[: mark.index + 1], _PythonParser)
        raise error from None
    finally:
        loader.dispose()
    if node is None:
        return None
    constructor = _Constructor()
    data = constructor.value(node, 0)
    return Document(data, constructor.places, constructor.duplicates)


def _records(
    document: Document, items: list[Any], file: str, problems: list[Problem], what: str
) -> Iterator[Record]:
    for line, item in zip(document.places[id(items)].items, items, strict=True):
        if not isinstance(item, dict):
            message = f"each {what} must be a mapping"
            problems.append(Problem(file, line, None, None, message, "wrong-layout"))
            continue
        yield Record(file, line, item, document.places[id(item)].fields)


def _load_file(file: EvidenceFile, problems: list[Problem]) -> Document | None:
    if file.content is None:
        assert file.problem is not None
        problems.append(file.problem)
        return None
    try:
        document = parse_yaml(decode_text(file.content))
    except Unreadable as error:
        problems.append(Problem(file.name, None, None, None, error.message, error.code))
        return None
    except Refused as error:
        problems.append(Problem(file.name, error.line, None, None, error.message, error.code))
        return None
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark else None
        message = f"YAML: {error.problem or error.context or 'not valid YAML'}"
        problems.append(Problem(file.name, line, None, None, message, "yaml-syntax"))
        return None
    except yaml.YAMLError as error:
        problems.append(Problem(file.name, None, None, None, f"YAML: {error}", "yaml-syntax"))
        return None
    if document is None:
        problems.append(Problem(file.name, None, None, None, "file is empty", "empty-file"))
        return None
    for line, key, first in document.duplicates:
        message = f"key {shown(key)} is given twice (lines {first} and {line})"
        problems.append(Problem(file.name, line, None, None, message, "duplicate-key"))
    return document


def _list_file(file: EvidenceFile, problems: list[Problem], what: str) -> list[Record]:
    document = _load_file(file, problems)
    if document is None:
        return []
    if not isinstance(document.data, list):
        message = f"must be a list of {what}s"
        problems.append(Problem(file.name, 1, None, None, message, "wrong-layout"))
        return []
    return list(_records(document, document.data, file.name, problems, what))


CLAIMS_FILE_KEYS = ("source", "claims", "reason")


def _claims_file(
    file: EvidenceFile, problems: list[Problem], declared: list[ClaimsFile]
) -> list[Record]:
    document = _load_file(file, problems)
    if document is None:
        return []
    data, name = document.data, file.name
    if not isinstance(data, dict):
        message = "must be a mapping with `source` and `claims`"
        problems.append(Problem(name, 1, None, None, message, "wrong-layout"))
        return []
    lines = document.places[id(data)].fields
    complete = True
    for key in data:
        if key not in CLAIMS_FILE_KEYS:
            matches = difflib.get_close_matches(key[:100], CLAIMS_FILE_KEYS, n=1, cutoff=0.6)
            hint = f" (did you mean {matches[0]!r}?)" if matches else ""
            message = f"unknown key {shown(key)}{hint} (allowed: source, claims, reason)"
            problems.append(Problem(name, lines[key], None, None, message, "unknown-field"))
            complete = False
    for key in ("source", "claims"):
        if key not in data:
            line = document.places[id(data)].line
            problems.append(
                Problem(name, line, None, key, "required key is missing", "missing-field")
            )
            complete = False
    claims = data.get("claims")
    if "claims" in data and not isinstance(claims, list):
        problems.append(
            Problem(name, lines["claims"], None, "claims", "must be a list", "wrong-type")
        )
        complete = False
    reason = data.get("reason")
    if claims == [] and not (isinstance(reason, str) and reason.strip()):
        line = lines.get("reason", lines["claims"])
        message = "a source without claims says why in `reason:`"
        problems.append(Problem(name, line, None, "reason", message, "missing-reason"))
    elif "reason" in data and claims:
        message = "`reason:` is only for a source without claims"
        problems.append(Problem(name, lines["reason"], None, "reason", message, "unknown-field"))
    if "source" in data:
        declared.append(ClaimsFile(name, data["source"], lines["source"]))
    if not complete:
        return []
    records = list(_records(document, claims, name, problems, "claim"))
    source_line = lines["source"]
    for record in records:
        record.data = {"source": data["source"], **record.data}
        record.field_lines.setdefault("source", source_line)
    return records


@gc_paused()
def read(
    path: str | os.PathLike[str] | None = None, *, listing: Listing | None = None
) -> RawEvidence:
    """Read every evidence file under `path` (default: the bundled evidence) without judging it,
    or the files of a `listing` already made."""
    if listing is None:
        listing = list_files(path)
    problems = list(listing.problems)
    vocabulary_file = listing.file("vocabulary.yaml")
    document = _load_file(vocabulary_file, problems)
    vocabulary = None if document is None else document.data
    if vocabulary is not None and not isinstance(vocabulary, dict):
        problems.append(
            Problem(vocabulary_file.name, 1, None, None, "must be a mapping", "wrong-layout")
        )
        vocabulary = None
    tables: dict[str, list[Record]] = {}
    for name, table in schema.TABLES.items():
        if table.file is not None:
            tables[name] = _list_file(listing.file(table.file), problems, table.record)
    declared: list[ClaimsFile] = []
    tables["claims"] = [
        record for file in listing.claims for record in _claims_file(file, problems, declared)
    ]
    places = document.places if document is not None and vocabulary is not None else {}
    names = {file.relative.removeprefix("claims/") for file in listing.claims}
    return RawEvidence(listing.root, vocabulary or {}, tables, declared, problems, names, places)


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


def write_if_changed(path: str | os.PathLike[str], content: str | bytes) -> bool:
    """`write_atomic`, unless the file already holds these bytes: an unchanged page keeps its
    modification time. Returns whether it wrote."""
    target = Path(path)
    data = content.encode("utf-8") if isinstance(content, str) else content
    try:
        if target.is_file() and target.read_bytes() == data:
            return False
    except OSError:
        pass  # unreadable: written again
    write_atomic(target, data)
    return True
