"""The evidence as tidy pandas tables, validated: `load()` and the `Evidence` it returns."""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from . import __version__, schema, store
from .errors import EvidenceError
from .vocabulary import Vocabulary

CACHE_ENV = "MASSAGE_EVIDENCE_CACHE"
_VALIDATION_CODE = ("validate.py", "schema.py", "quantities.py", "store.py")


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
    """Where validation receipts are kept: $MASSAGE_EVIDENCE_CACHE, else the user's cache folder."""
    if os.environ.get(CACHE_ENV):
        return Path(os.environ[CACHE_ENV])
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "massage-evidence"


def _fingerprint(raw: store.RawEvidence, corpus: Path | None) -> str:
    """A digest of everything validation depends on: evidence, texts, and the validating code."""
    digest = hashlib.sha256(__version__.encode())
    package = Path(__file__).parent
    paths = [package / name for name in _VALIDATION_CODE] + list(raw.files)
    if corpus is not None:
        paths += sorted(corpus / str(r.data.get("file")) for r in raw.sources)
    digest.update(str(corpus).encode())
    for path in paths:
        digest.update(path.name.encode())
        digest.update(path.read_bytes() if path.is_file() else b"<missing>")
    return digest.hexdigest()


def _validate(raw: store.RawEvidence, corpus: Path | None) -> None:
    receipt = cache_dir() / "validated" / _fingerprint(raw, corpus)
    if receipt.exists():
        return
    from .validate import problems  # pandera is imported only when validation runs

    found = problems(raw, corpus)
    if found:
        raise EvidenceError(found)
    try:
        receipt.parent.mkdir(parents=True, exist_ok=True)
        receipt.touch()
    except OSError:
        pass


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
    if spec.kind == schema.DATE:
        values = values.map(lambda v: v.isoformat() if hasattr(v, "isoformat") else v)
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
    source texts when a corpus is found (see `store.corpus_dir`). A validation that passed is
    remembered by a digest of the evidence, the texts and the validating code, so loading the
    same evidence again does not repeat it.
    """
    raw = store.read(path)
    corpus_path = store.corpus_dir(corpus)
    _validate(raw, corpus_path)
    return tables(raw, Vocabulary.from_mapping(raw.vocabulary))
