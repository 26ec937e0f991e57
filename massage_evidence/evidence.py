"""The evidence as tidy pandas tables, validated: `load()` and the `Evidence` it returns.

The tables of evidence that validated are kept in a content-addressed cache: an entry is named by
the fingerprint of the evidence files (their names and bytes) and of the package's code and
version, and it records the fingerprint of the corpus texts it was checked against. An unchanged
load reads the tables back instead of reading the YAML; anything else reads, validates and builds
them again, in one process. An entry is a pickle of the tables (dtypes kept whole, no extra
dependency; read back in a fraction of a second at 100k claims): like any pickle it is trusted only
because the cache folder is the user's own. The folder is safe to delete at any time, and an entry
that cannot be read or is not what it should be is ignored with a one-line warning and written
again.
"""

from __future__ import annotations

import contextlib
import dataclasses
import os
import pickle
import warnings
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from . import paths, schema, store
from .errors import CorpusWarning, EvidenceError
from .fingerprint import Fingerprint
from .vocabulary import Vocabulary

CACHE_ENV = "MASSAGE_EVIDENCE_CACHE"
CACHE_FORMAT = "evidence tables 1"  # a new format makes every older entry a stranger


class CacheWarning(UserWarning):
    """A cache entry could not be used: the evidence is read again from its files."""


@dataclass(frozen=True)
class Evidence:
    """The evidence tables. Coded columns are categoricals over the vocabulary's terms."""

    sources: pd.DataFrame
    people: pd.DataFrame
    source_authors: pd.DataFrame
    claims: pd.DataFrame
    quantities: pd.DataFrame
    assertions: pd.DataFrame
    tensions: pd.DataFrame
    studies: pd.DataFrame
    study_authors: pd.DataFrame
    arms: pd.DataFrame
    study_outcomes: pd.DataFrame
    results: pd.DataFrame
    audit: pd.DataFrame
    audit_results: pd.DataFrame
    vocabulary: Vocabulary
    root: Path


def cache_dir() -> Path:
    """Where the cache is kept: $MASSAGE_EVIDENCE_CACHE, else the user's cache folder."""
    if os.environ.get(CACHE_ENV):
        return Path(os.environ[CACHE_ENV])
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "massage-evidence"


def _evidence_key(listing: store.Listing, corpus: Path | None) -> str:
    """The fingerprint of the evidence files and the code that reads them: an entry's name."""
    key = Fingerprint(CACHE_FORMAT).add_package()
    key.add("texts checked", "yes" if corpus is not None else "no")
    for file in listing.files:
        key.add(file.relative, file.content)
    return key.hexdigest()


def _texts_key(corpus: Path | None, names: list[str]) -> str | None:
    """The fingerprint of the corpus texts named; None when one cannot be read."""
    key = Fingerprint("corpus texts")
    if corpus is None:
        return key.hexdigest()
    for name in names:
        try:
            key.add(name, store.read_regular(corpus / name))
        except store.Unreadable:
            return None
    return key.hexdigest()


def _cached(path: Path, key: str, corpus: Path | None) -> Evidence | None:
    """The tables of the entry at `path`, when it is sound and its texts are unchanged."""
    try:
        content = path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as error:
        _warn(path, f"cannot be read ({error.strerror})")
        return None
    try:
        entry = pickle.loads(content)
        sound = (
            isinstance(entry, dict)
            and entry.get("key") == key
            and isinstance(entry.get("evidence"), Evidence)
            and isinstance(entry.get("texts"), list)
        )
    except Exception:  # a damaged pickle may fail in any way: it is never trusted
        sound = False
    if not sound:
        _warn(path, "is damaged")
        return None
    texts = _texts_key(corpus, entry["texts"])
    return entry["evidence"] if texts is not None and texts == entry["texts_key"] else None


def _warn(path: Path, why: str) -> None:
    message = f"cache entry {path.name} {why}: ignored, the evidence is read from its files"
    warnings.warn(message, CacheWarning, stacklevel=3)


def _store(path: Path, key: str, corpus: Path | None, evidence: Evidence) -> None:
    """Keep the tables; a cache that cannot be written only means the next load reads again."""
    names = [] if corpus is None else [str(name) for name in evidence.sources["file"]]
    texts = _texts_key(corpus, names)
    if texts is None:
        return
    entry = {"key": key, "texts": names, "texts_key": texts, "evidence": evidence}
    try:
        content = pickle.dumps(entry, protocol=pickle.HIGHEST_PROTOCOL)
    except pickle.PicklingError:  # e.g. arrays of a library that cannot be imported just now
        return
    with contextlib.suppress(OSError):
        store.write_atomic(path, content)


def _column(values: pd.Series, spec: schema.Field, vocabulary: Vocabulary) -> pd.Series:
    """A column of raw values (object dtype) in the dtype its declaration gives it."""
    if spec.vocabulary:
        return values.astype(vocabulary.dtype(spec.vocabulary))
    if spec.kind is int:
        return values.astype("Int64")
    if spec.kind is bool:
        return values.astype("boolean")
    if spec.kind == schema.NUMBER:
        return values.astype("Float64")
    return values.astype("string")


def _frame(
    rows: list[dict[str, object]],
    fields: dict[str, schema.Field],
    vocabulary: Vocabulary,
    rename: dict[str, str],
    leading: dict[str, list[object]] | None = None,
) -> pd.DataFrame:
    names = [name for name, spec in fields.items() if spec.kind is not list]
    raw = pd.DataFrame(rows, columns=names, dtype=object)
    columns = {name: pd.Series(values, dtype="string") for name, values in (leading or {}).items()}
    for name in names:
        columns[rename.get(name, name)] = _column(raw[name], fields[name], vocabulary)
    return pd.DataFrame(columns)


def _nested(
    studies: list[dict[str, object]],
    key: str,
    fields: dict[str, schema.Field],
    vocabulary: Vocabulary,
    rename: dict[str, str],
) -> pd.DataFrame:
    """The items of a list field of every study (its arms, outcomes, results), study id first."""
    pairs = [(study["id"], item) for study in studies for item in study[key]]
    return _frame(
        [item for _, item in pairs],
        fields,
        vocabulary,
        rename,
        {"study_id": [study_id for study_id, _ in pairs]},
    )


def _authors(records: list[dict[str, object]], key: str, vocabulary: Vocabulary) -> pd.DataFrame:
    """The authors of each reference in their order: the record's id, position (from 1), name."""
    rows = [(r["id"], n, a) for r in records for n, a in enumerate(r["authors"], start=1)]
    frame = _frame(
        [a for *_, a in rows], schema.AUTHOR, vocabulary, {}, {key: [r[0] for r in rows]}
    )
    frame.insert(1, "position", pd.Series([n for _, n, _ in rows], dtype="Int64"))
    return frame


def _research(raw: store.RawEvidence, vocabulary: Vocabulary) -> dict[str, pd.DataFrame]:
    """The tables of the primary research and of the claim audit."""
    studies = [r.data for r in raw.tables["studies"]]
    audit = [r.data for r in raw.tables["audit"]]
    links = [(a["assertion"], result) for a in audit for result in a["results"]]
    return {
        "studies": _frame(studies, schema.STUDY, vocabulary, {"id": "study_id"}),
        "study_authors": _authors(studies, "study_id", vocabulary),
        "arms": _nested(studies, "arms", schema.ARM, vocabulary, {"id": "arm_id"}),
        "study_outcomes": _nested(studies, "outcomes", schema.STUDY_OUTCOME, vocabulary, {}),
        "results": _nested(
            studies,
            "results",
            schema.RESULT,
            vocabulary,
            {"id": "result_id", "arm": "arm_id", "comparator_arm": "comparator_arm_id"},
        ),
        "audit": _frame(audit, schema.AUDIT, vocabulary, {"assertion": "assertion_id"}),
        "audit_results": pd.DataFrame(
            {
                "assertion_id": pd.Series([a for a, _ in links], dtype="string"),
                "result_id": pd.Series([r for _, r in links], dtype="string"),
            }
        ),
    }


@store.gc_paused()
def tables(raw: store.RawEvidence, vocabulary: Vocabulary) -> Evidence:
    """Turn validated raw records into the typed tables of `Evidence`."""
    sources = [r.data for r in raw.sources]
    people = [(s["id"], p) for s in sources for p in s["people"]]
    claims = [r.data for r in raw.claims]
    quantities = [(c["id"], c["source"], q) for c in claims for q in c["quantities"]]
    return Evidence(
        sources=_frame(sources, schema.SOURCE, vocabulary, {"id": "source_id"}),
        people=_frame(
            [p for _, p in people],
            schema.PERSON,
            vocabulary,
            {"id": "person_id"},
            {"source_id": [s for s, _ in people]},
        ),
        source_authors=_authors(sources, "source_id", vocabulary),
        claims=_frame(
            claims,
            schema.CLAIM,
            vocabulary,
            {"id": "claim_id", "source": "source_id", "assertion": "assertion_id"},
        ),
        quantities=_frame(
            [q for _, _, q in quantities],
            schema.QUANTITY,
            vocabulary,
            {},
            {"claim_id": [c for c, _, _ in quantities], "source_id": [s for _, s, _ in quantities]},
        ),
        assertions=_frame(
            [r.data for r in raw.assertions], schema.ASSERTION, vocabulary, {"id": "assertion_id"}
        ),
        tensions=_frame(
            [r.data for r in raw.tables["tensions"]],
            schema.TENSION,
            vocabulary,
            {"id": "tension_id", "first": "first_assertion_id", "second": "second_assertion_id"},
        ),
        **_research(raw, vocabulary),
        vocabulary=vocabulary,
        root=raw.root,
    )


def load(
    path: str | os.PathLike[str] | None = None,
    *,
    corpus: str | os.PathLike[str] | None = None,
) -> Evidence:
    """Load and validate the evidence (default: the bundled `evidence/`).

    Raises EvidenceError listing every problem. Quotes and checksums are checked against the
    source texts when a corpus is found (see `paths.resolve`); without one, a CorpusWarning says
    they were not. The tables of evidence that validated are kept in a cache (see this module's
    docstring), so loading the same evidence again reads them back.
    """
    project = paths.resolve(evidence=path, corpus=corpus)
    listing = store.list_files(project.evidence)
    corpus_path = project.corpus
    if corpus_path is None:
        warnings.warn(CorpusWarning(paths.NO_CORPUS), stacklevel=2)
    key = _evidence_key(listing, corpus_path)
    entry = cache_dir() / "tables" / f"{key}.pickle"
    cached = _cached(entry, key, corpus_path)
    if cached is not None:
        return dataclasses.replace(cached, root=listing.root)
    raw = store.read(listing=listing)
    from .validate import problems  # pandera is imported only when validation runs

    found = problems(raw, corpus_path)
    if found:
        raise EvidenceError(found)
    evidence = tables(raw, Vocabulary.from_mapping(raw.vocabulary))
    _store(entry, key, corpus_path, evidence)
    return evidence
