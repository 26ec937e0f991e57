"""`add-source`: a new text into the corpus and its record into `sources.yaml`, validated.

The text is copied into the corpus folder under a name made of its number and checksum; its
record gets the sha256, a title (the text's first heading line when none is given), and
publisher and date only when given (never guessed). Nothing is written when anything is wrong:
both files are written atomically, and both are put back if the evidence does not validate.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from .. import paths, schema, store
from ..validate import problems
from . import cues as cue_file
from .segment import HEADING, segment
from .texts import IngestError, read_text, sha256

SOURCES_FILE = "sources.yaml"
ID_FORM = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,78}[a-z0-9])?")
DATE_FORM = re.compile(r"\d{4}(-\d{2}(-\d{2})?)?")
CORPUS_FOLDER = "corpus"  # a researcher's project keeps its texts here, beside evidence/


@dataclass(frozen=True)
class Added:
    """What `add_source` wrote: the source's record and where its text now is."""

    record: dict[str, object]
    text_path: Path
    sources_path: Path


def corpus_for(evidence: Path, corpus: str | os.PathLike[str] | None) -> Path:
    """Where texts go and are read: `corpus` when given; else the evidence project's corpus (see
    `paths.resolve`); else (a new project) the `corpus/` folder beside its `evidence/`."""
    if corpus is not None:
        return Path(corpus).resolve()
    return paths.resolve(evidence=evidence).corpus or evidence.parent / CORPUS_FOLDER


def first_heading(text: str, evidence: Path) -> str | None:
    """The text's first heading line (page chrome skipped), or its first line that is not chrome."""
    spans = segment(text, cue_file.load(evidence))
    heading = next((s for s in spans if s.kind == HEADING), None)
    chosen = heading or (spans[0] if spans else None)
    return chosen.text.lstrip("# ").strip() if chosen is not None else None


# A new source has no claim until its candidates are accepted: its claims file says so.
NO_CLAIMS_YET = """\
# Claims of {title}
source: {source}
claims: []
reason: No claim accepted yet (massage-evidence extract, a person's review, then accept).
"""


def _record_yaml(record: dict[str, object]) -> str:
    return "\n" + yaml.safe_dump([record], sort_keys=False, allow_unicode=True, width=100)


def _file_name(corpus: Path, digest: str) -> str:
    numbers = [int(p.name[:3]) for p in corpus.glob("[0-9][0-9][0-9]_*.txt")]
    return f"{max(numbers, default=-1) + 1:03d}_{digest[:16]}.txt"


def add_source(
    text_file: str | os.PathLike[str],
    source_id: str,
    *,
    title: str | None = None,
    publisher: str | None = None,
    published: str | None = None,
    url: str | None = None,
    evidence: str | os.PathLike[str] | None = None,
    corpus: str | os.PathLike[str] | None = None,
) -> Added:
    """Add the text of `text_file` as source `source_id`; IngestError (nothing written) if not."""
    text, content = read_text(text_file)
    if not ID_FORM.fullmatch(source_id):
        raise IngestError(
            f"--id {source_id!r}: use lowercase letters, digits and inner hyphens (at most 80)"
        )
    if published is not None and not DATE_FORM.fullmatch(published):
        raise IngestError(
            f"--published {published!r}: use an ISO date (YYYY, YYYY-MM or YYYY-MM-DD)"
        )
    root = paths.evidence_dir(evidence)
    sources_path = root / SOURCES_FILE
    raw = store.read(root)
    digest = sha256(content)
    for record in raw.sources:
        if record.data.get("id") == source_id:
            raise IngestError(
                f"{sources_path}:{record.line}: source id {source_id!r} is already used"
            )
        if record.data.get("sha256") == digest:
            other = record.data.get("id")
            raise IngestError(
                f"{text_file}: this text is already in the corpus as source {other!r}"
            )
    folder = corpus_for(root, corpus)
    name = _file_name(folder, digest) if folder.is_dir() else f"000_{digest[:16]}.txt"
    text_path = folder / name
    if text_path.exists() and text_path.read_bytes() != content:
        raise IngestError(f"{text_path}: a different text already has this name; nothing written")
    title = title or first_heading(text, root)
    if not title:
        raise IngestError(f"{text_file}: no heading line to take a title from; pass --title")
    record: dict[str, object] = {
        "id": source_id,
        "file": name,
        "sha256": digest,
        "title": title,
        "publisher": publisher,
        "published": published,
        "kind": "consumer_article",
        # The reference fields: a web page whose authors, container and date nobody has read yet.
        **dict.fromkeys(schema.citation("source_author")),
        "reference_type": "web_page",
        "authors": [],
        "et_al": False,
        "url": url,
        "people": [],
    }
    before = sources_path.read_text(encoding="utf-8")
    claims_path = root / "claims" / f"{source_id}.yaml"
    created = [path for path in (text_path, claims_path) if not path.exists()]
    store.write_atomic(text_path, content)
    if claims_path in created:
        store.write_atomic(claims_path, NO_CLAIMS_YET.format(title=title, source=source_id))
    kept = before.rstrip()
    kept = kept.removesuffix("[]").rstrip() if raw.sources == [] else kept  # `[]`: no sources yet
    store.write_atomic(sources_path, (kept + "\n" if kept else "") + _record_yaml(record))
    found = problems(store.read(root), folder)
    if found:
        store.write_atomic(sources_path, before)
        for path in created:
            path.unlink(missing_ok=True)
        more = f" (and {len(found) - 1} more)" if len(found) > 1 else ""
        raise IngestError(f"the evidence would not validate, nothing written: {found[0]}{more}")
    return Added(record, text_path, sources_path)
