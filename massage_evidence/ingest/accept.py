"""`accept`: reviewed candidates become claims, or nothing changes.

Candidates live in `evidence/candidates/<source-id>.yaml` (written by `extract --out`). Each one
accepted is checked against the text (its quote still `text[start:end]`), given the next claim
id of its source, its speaker resolved to a person of the source (a person the source does not
list yet is added to it, role and affiliation left for the researcher), and appended to
`claims/<source-id>.yaml`; the rest stay candidates. Then the evidence is validated: if it finds
any problem, every file is put back as it was and the problems are reported.
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from .. import paths, store
from ..validate import problems
from .extract import ARTICLE, HEADER
from .sources import SOURCES_FILE, corpus_for
from .texts import IngestError, read_text

CANDIDATES_FOLDER = "candidates"
CLAIM_FIELDS = (
    "id",
    "quote",
    "start",
    "end",
    "statement",
    "category",
    "intervention",
    "condition",
    "comparator",
    "outcome",
    "direction",
    "quantities",
    "hedge",
    "attributed_to",
    "basis",
    "assertion",
)


@dataclass(frozen=True)
class Accepted:
    """What `accept` did: the claim id each accepted candidate got, and the candidates left."""

    claim_ids: dict[str, str]
    remaining: list[str]


def candidates_path(source_id: str, evidence: str | os.PathLike[str] | None = None) -> Path:
    """Where the candidates of a source are kept."""
    return paths.evidence_dir(evidence) / CANDIDATES_FOLDER / f"{source_id}.yaml"


def read_candidates(path: Path) -> list[dict[str, Any]]:
    """The candidates of one file; IngestError when it is missing or not a list of candidates."""
    try:
        document = store.parse_yaml(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise IngestError(f"{path}: no candidates (run extract --out {path} first)") from None
    except (OSError, UnicodeDecodeError) as error:
        raise IngestError(f"{path}: cannot read ({error})") from None
    except Exception as error:  # a YAML error, whatever its kind: one line
        raise IngestError(
            f"{path}: not valid YAML ({' '.join(str(error).split())[:200]})"
        ) from None
    data = document.data if document is not None else None
    found = data.get("candidates") if isinstance(data, dict) else None
    if not isinstance(found, list) or not all(
        isinstance(c, dict) and isinstance(c.get("id"), str) for c in found
    ):
        raise IngestError(f"{path}: must hold `candidates:`, a list of mappings each with an id")
    return found


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower().replace(", m.d.", "")).strip("-")


def _person(name: object, people: list[dict[str, Any]]) -> str:
    """The person id for a speaker as a candidate names them, adding them to `people` if new."""
    if name is None or name == ARTICLE:
        return ARTICLE
    text = str(name)
    for person in people:
        if text in (person.get("id"), person.get("name")):
            return str(person["id"])
    surname = text.replace(", M.D.", "").split()[-1].lower()
    for person in people:
        known = str(person.get("name", "")).replace(", M.D.", "").split()
        if known and known[-1].lower() == surname:
            return str(person["id"])
    person_id = _slug(text) or "person"
    people.append({"id": person_id, "name": text, "role": None, "affiliation": None})
    return person_id


def _next_ids(source_id: str, taken: set[str], count: int) -> list[str]:
    ids: list[str] = []
    number = 1
    while len(ids) < count:
        candidate = f"{source_id}-{number:03d}"
        if candidate not in taken:
            ids.append(candidate)
        number += 1
    return ids


def _dump_items(items: list[dict[str, Any]]) -> str:
    body = yaml.safe_dump(items, sort_keys=False, allow_unicode=True, width=1000)
    return "".join(f"  {line}\n" if line else "\n" for line in body.splitlines())


def accept(
    source_id: str,
    candidate_ids: Sequence[str] = (),
    *,
    every: bool = False,
    evidence: str | os.PathLike[str] | None = None,
    corpus: str | os.PathLike[str] | None = None,
) -> Accepted:
    """Move the chosen candidates of `source_id` into its claims; IngestError, nothing written."""
    root = paths.evidence_dir(evidence)
    path = candidates_path(source_id, root)
    candidates = read_candidates(path)
    by_id = {c["id"]: c for c in candidates}
    chosen = list(by_id) if every else list(dict.fromkeys(candidate_ids))
    if not chosen:
        raise IngestError("name the candidates to accept, or pass --all")
    unknown = [c for c in chosen if c not in by_id]
    if unknown:
        raise IngestError(
            f"{path}: unknown candidate {unknown[0]!r}; the file holds {', '.join(by_id) or 'none'}"
        )
    raw = store.read(root)
    source = next((r for r in raw.sources if r.data.get("id") == source_id), None)
    if source is None:
        raise IngestError(f"unknown source {source_id!r}: add it first with add-source")
    folder = corpus_for(root, corpus)
    text, _ = read_text(folder / str(source.data.get("file")))
    for candidate_id in chosen:
        c = by_id[candidate_id]
        start, end = c.get("start"), c.get("end")
        if not (isinstance(start, int) and isinstance(end, int) and 0 <= start < end <= len(text)):
            raise IngestError(
                f"{path}: candidate {candidate_id}: start/end are not offsets of the text"
            )
        if text[start:end] != c.get("quote"):
            raise IngestError(
                f"{path}: candidate {candidate_id}: quote no longer matches the text "
                f"at {start}:{end}"
            )
    sources_path = root / SOURCES_FILE
    claims_path = root / "claims" / f"{source_id}.yaml"
    before = {
        p: p.read_text(encoding="utf-8") for p in (sources_path, claims_path, path) if p.exists()
    }
    people = [dict(p) for p in source.data.get("people") or [] if isinstance(p, dict)]
    known_people = len(people)
    taken = {str(r.data.get("id")) for r in raw.claims}
    new_ids = _next_ids(source_id, taken, len(chosen))
    claims = []
    for candidate_id, claim_id in zip(chosen, new_ids, strict=True):
        c = {**by_id[candidate_id], "id": claim_id}
        c["attributed_to"] = _person(c.get("attributed_to"), people)
        claims.append({name: c.get(name) for name in CLAIM_FIELDS})
    claims_text = before.get(claims_path)
    if claims_text is None or not any(r.data.get("source") == source_id for r in raw.claims):
        # no claim yet: the file add-source wrote, `claims: []` with its reason, starts afresh
        claims_text = f"# Claims of {source.data.get('title')!s}\nsource: {source_id}\nclaims:\n"
    claims_text = claims_text.rstrip("\n").removesuffix(" []") + "\n" + _dump_items(claims)
    remaining = [c for c in candidates if c["id"] not in chosen]
    try:
        if len(people) > known_people:
            store.write_atomic(sources_path, _with_people(before[sources_path], source, people))
        store.write_atomic(claims_path, claims_text)
        if remaining:
            document = {"source": source_id, "candidates": remaining}
            body = yaml.safe_dump(document, sort_keys=False, allow_unicode=True, width=100)
            store.write_atomic(path, HEADER + body)
        else:
            path.unlink()
        found = problems(store.read(root), folder)
    except BaseException:
        _restore(before, claims_path)
        raise
    if found:
        _restore(before, claims_path)
        names = dict(zip(new_ids, chosen, strict=True))
        lines = [_as_candidate(str(p), names) for p in found]
        more = f" (and {len(lines) - 1} more)" if len(lines) > 1 else ""
        raise IngestError(f"not accepted, nothing written: {lines[0]}{more}")
    return Accepted(dict(zip(chosen, new_ids, strict=True)), [c["id"] for c in remaining])


def _as_candidate(line: str, names: dict[str, str]) -> str:
    for claim_id, candidate_id in names.items():
        line = line.replace(f"claim {claim_id}:", f"candidate {candidate_id}:")
    return line


def _restore(before: dict[Path, str], claims_path: Path) -> None:
    for saved_path, content in before.items():
        store.write_atomic(saved_path, content)
    if claims_path not in before:
        claims_path.unlink(missing_ok=True)


def _with_people(sources_text: str, source: store.Record, people: list[dict[str, Any]]) -> str:
    """sources.yaml with the source's people list replaced by `people` (the rest kept as is)."""
    lines = sources_text.splitlines(keepends=True)
    start = source.line - 1  # the line of `- id: …`
    end = start + 1
    while end < len(lines) and not lines[end].startswith("- ") and not lines[end].startswith("#"):
        end += 1
    while end > start + 1 and not lines[end - 1].strip():
        end -= 1
    block = lines[start:end]
    cut = next((i for i, line in enumerate(block) if line.startswith("  people:")), len(block))
    after = next(
        (i for i in range(cut + 1, len(block)) if re.match(r"  [^\s-]", block[i])), len(block)
    )
    people_yaml = yaml.safe_dump(
        {"people": people}, sort_keys=False, allow_unicode=True, width=1000
    )
    indented = "".join(f"  {line}\n" for line in people_yaml.splitlines())
    return "".join(lines[:start] + block[:cut] + [indented] + block[after:] + lines[end:])
