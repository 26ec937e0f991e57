"""Proposing candidate claims for a new text: spans, their fields, quantities and speaker.

`train` fits the models on the curated evidence (optionally leaving sources out, as the benchmark
does); `extract` runs them over a text and returns candidates whose quotes are verbatim at their
offsets. Nothing here writes a file: `candidates_yaml` gives the text the CLI writes.
"""

from __future__ import annotations

import os
from collections.abc import Collection
from pathlib import Path
from typing import Any

import yaml

from .. import paths
from .. import quantities as quantity_grammar
from ..evidence import Evidence, load
from . import cues as cue_file
from .attribution import STORY, attribute
from .cues import Cues
from .matching import closeness, matches
from .models import (
    CLAIM_THRESHOLD,
    CODED_FIELDS,
    Example,
    Models,
    TrainingSet,
    quantity_context,
    span_example,
)
from .segment import segment
from .sources import corpus_for
from .texts import IngestError

ARTICLE = "article"


def source_texts(ev: Evidence, corpus: Path | None) -> dict[str, str]:
    """The text of each source found in the corpus, by source id."""
    if corpus is None:
        return {}
    texts = {}
    for source_id, file in zip(ev.sources["source_id"], ev.sources["file"], strict=True):
        path = corpus / str(file)
        if path.is_file():
            texts[str(source_id)] = path.read_text(encoding="utf-8")
    return texts


def training_set(
    ev: Evidence, texts: dict[str, str], cues: Cues, leave_out: Collection[str] = ()
) -> TrainingSet:
    """The spans, claims and quantities of every source with a text, but those left out."""
    training = TrainingSet([], [], [], [], [], [], [])
    claims = ev.claims[~ev.claims["source_id"].isin(list(leave_out))]
    claims = claims[claims["source_id"].isin(list(texts))]
    for source_id, group in claims.groupby("source_id", observed=True, sort=True):
        text = texts[str(source_id)]
        spans = segment(text, cues)
        speakers = attribute(spans, text, cues)
        bounds = list(zip(group["start"], group["end"], strict=True))
        for span, speaker in zip(spans, speakers, strict=True):
            training.spans.append(span_example(span, text, speaker.name is not None))
            training.is_claim.append(any(matches(s, e, span.start, span.end) for s, e in bounds))
        for claim in group.itertuples(index=False):
            labels = {name: _label(getattr(claim, name)) for name in CODED_FIELDS}
            attributed = claim.attributed_to != ARTICLE
            training.claims.append(Example(str(claim.quote), attributed, labels=labels))
            training.paraphrases.append(Example(str(claim.statement), attributed, labels=labels))
            training.assertion_ids.append(str(claim.assertion_id))
            covering = [s for s in spans if matches(claim.start, claim.end, s.start, s.end)]
            closest = sorted(
                covering, key=lambda s: -closeness(claim.start, claim.end, s.start, s.end)
            )
            for span in closest[:1]:
                example = span_example(span, text, attributed)
                example.labels = labels
                training.claims.append(example)
                training.assertion_ids.append(str(claim.assertion_id))
    for assertion in ev.assertions.itertuples(index=False):
        labels = {"category": _label(assertion.category)}
        training.paraphrases.append(Example(str(assertion.statement), False, labels=labels))
    quantities = ev.quantities.merge(claims[["claim_id", "quote"]], on="claim_id")
    for row in quantities.itertuples(index=False):
        training.quantity_contexts.append(quantity_context(str(row.quote), str(row.unit)))
        training.quantity_kinds.append(str(row.quantity))
    return training


def _label(value: object) -> str | None:
    return None if value is None or value != value else str(value)  # NaN != NaN


def train(
    evidence: str | os.PathLike[str] | None = None,
    corpus: str | os.PathLike[str] | None = None,
    leave_out: Collection[str] = (),
) -> tuple[Models, Cues]:
    """Fit the models on the curated evidence (its texts from the corpus), leaving out sources."""
    root = paths.evidence_dir(evidence)
    cues = cue_file.load(root)
    folder = corpus_for(root, corpus)
    if not folder.is_dir():
        raise IngestError(f"no folder of source texts at {folder} to learn from: pass --corpus DIR")
    ev = load(root, corpus=folder)
    texts = source_texts(ev, folder)
    if not texts:
        raise IngestError(f"no curated source has its text in {folder} to learn from")
    return Models(training_set(ev, texts, cues, leave_out), cues), cues


def extract(text: str, models: Models, cues: Cues) -> list[dict[str, Any]]:
    """Candidate claims of `text`, in text order, each quote exactly `text[start:end]`."""
    spans = segment(text, cues)
    speakers = attribute(spans, text, cues)
    examples = [
        span_example(span, text, speaker.name is not None)
        for span, speaker in zip(spans, speakers, strict=True)
    ]
    probabilities = models.claim_probability(examples)
    chosen = [i for i, p in enumerate(probabilities) if p >= CLAIM_THRESHOLD]
    fields = models.fields([examples[i] for i in chosen])
    suggestions = models.assertions([spans[i].text for i in chosen])
    candidates = []
    for number, (i, coded, (assertion, _)) in enumerate(
        zip(chosen, fields, suggestions, strict=True), start=1
    ):
        span = spans[i]
        if speakers[i].how == STORY:
            coded = {**coded, **cues.story}
        candidates.append(
            {
                "id": f"c-{number:03d}",
                "quote": span.text,
                "start": span.start,
                "end": span.end,
                "statement": None,
                **coded,
                "attributed_to": speakers[i].name,
                "quantities": _quantities(span.text, models, cues),
                "assertion": assertion,
                "confidence": round(probabilities[i], 2),
            }
        )
    return candidates


def _quantities(sentence: str, models: Models, cues: Cues) -> list[dict[str, Any]]:
    found = []
    for phrase in quantity_grammar.find(sentence):
        if not cues.is_claimed_quantity(sentence, phrase.start, phrase.end):
            continue
        q = phrase.quantity
        kind = cues.quantity_kind(q.unit, sentence, phrase.start, phrase.end)
        found.append(
            {
                "quantity": kind or models.quantity_kind(quantity_context(sentence, q.unit)),
                "min": _plain(q.min),
                "max": _plain(q.max),
                "unit": q.unit,
                "text": phrase.text,
            }
        )
    return found


def _plain(value: float | None) -> float | int | None:
    """A bound as a curator writes it: 2, not 2.0."""
    if value is None:
        return None
    return int(value) if float(value).is_integer() else value


HEADER = (
    "# Candidate claims proposed by `massage-evidence extract`: a person reviews every one.\n"
    "# Write each `statement`, correct any field, then `massage-evidence accept SOURCE_ID ...`.\n"
)


def candidates_yaml(candidates: list[dict[str, Any]], source: str | None = None) -> str:
    """The candidates as the YAML a researcher reviews (and `accept` reads back)."""
    document: dict[str, Any] = {}
    if source is not None:
        document["source"] = source
    document["candidates"] = candidates
    body = yaml.safe_dump(document, sort_keys=False, allow_unicode=True, width=100)
    return HEADER + body
