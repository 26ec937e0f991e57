"""The learned parts of the extractor: classical models trained at run time on the curated claims.

Trained on the evidence as it stands (no downloaded weights, no pretrained model): a logistic
regression says whether a span carries a claim; one per coded field predicts that field from the
span's words and its cues (hedge, research, attribution); the suggested assertion is the one of
the most similar curated claim. Every model is deterministic: same evidence, same predictions.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from scipy.sparse import csr_matrix, hstack
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics.pairwise import linear_kernel
from sklearn.multiclass import OneVsRestClassifier

from .cues import Cues
from .segment import HEADING, ITEM, Span

NULL = "<null>"  # the class a nullable field takes when it is empty
CODED_FIELDS = (
    "category",
    "hedge",
    "basis",
    "comparator",
    "direction",
    "intervention",
    "condition",
    "outcome",
)
# Fields a claim's topic decides: also learned from our own paraphrases (each claim's statement,
# each assertion's statement with its category), which name the topic in plainer words.
TOPIC_FIELDS = ("category", "intervention", "condition", "outcome", "comparator", "direction")
CLAIM_THRESHOLD = 0.35  # spans below this probability of carrying a claim are not proposed
ASSERTION_THRESHOLD = 0.15  # nearest curated claims less similar than this suggest no assertion


@dataclass
class Example:
    """A stretch of text with what is known about it: its span features and, for claims, fields."""

    text: str
    attributed: bool
    kind: str = "prose"
    block_text: str = ""
    position: int = 0
    labels: dict[str, str] = field(default_factory=dict)


@dataclass
class TrainingSet:
    """What the models learn from: spans (claim or not), curated claims, and their quantities."""

    spans: list[Example]
    is_claim: list[bool]
    claims: list[Example]
    assertion_ids: list[str]
    paraphrases: list[Example]
    quantity_contexts: list[str]
    quantity_kinds: list[str]


def cue_features(examples: Sequence[Example], cues: Cues) -> csr_matrix:
    """The cues of each example as numbers: hedges, research, attribution, form of the span."""
    rows = []
    for example in examples:
        text, block = example.text, example.block_text or example.text
        words = len(text.split())
        rows.append(
            [
                float(bool(cues.probable.search(text))),
                float(bool(cues.possible.search(text))),
                float(bool(cues.anecdotal.search(text))),
                float(bool(cues.research.search(text))),
                float(example.attributed),
                float(example.kind == HEADING),
                float(example.kind == ITEM),
                float(block.rstrip().endswith("?")),
                float(block.rstrip().endswith(":")),
                float(text[:1].islower()),
                float(example.position == 0),
                min(words, 40) / 40,
                float(words <= 4),
            ]
        )
    return csr_matrix(np.array(rows, dtype=float).reshape(len(rows), 13))


def _vectorizer() -> TfidfVectorizer:
    return TfidfVectorizer(ngram_range=(1, 2), min_df=1, sublinear_tf=True, lowercase=True)


def _classifier() -> OneVsRestClassifier:
    """One logistic regression per class (liblinear: fast and exact on a few hundred examples)."""
    return OneVsRestClassifier(
        LogisticRegression(
            C=4.0, solver="liblinear", max_iter=2000, class_weight="balanced", random_state=0
        )
    )


class Models:
    """Every learned part, fitted on one training set."""

    def __init__(self, training: TrainingSet, cues: Cues) -> None:
        self.cues = cues
        self.span_words = _vectorizer().fit([e.text for e in training.spans])
        self.span_model = self._fit(
            self._span_matrix(training.spans), [int(c) for c in training.is_claim]
        )
        everything = training.claims + training.paraphrases
        self.claim_words = _vectorizer().fit([e.text for e in everything])
        self.field_models = {}
        for name in CODED_FIELDS:
            examples = [
                e
                for e in (everything if name in TOPIC_FIELDS else training.claims)
                if name in e.labels
            ]
            labels = [e.labels[name] or NULL for e in examples]
            matrix = self._claim_matrix(examples, cued=name not in TOPIC_FIELDS)
            self.field_models[name] = self._fit(matrix, labels)
        self.neighbours = _vectorizer().fit([e.text for e in training.claims])
        self.neighbour_matrix = self.neighbours.transform([e.text for e in training.claims])
        self.assertion_ids = list(training.assertion_ids)
        self.quantity_words = _vectorizer().fit(training.quantity_contexts or ["none"])
        self.quantity_model = self._fit(
            self.quantity_words.transform(training.quantity_contexts or ["none"]),
            training.quantity_kinds or [NULL],
        )

    @staticmethod
    def _fit(matrix: csr_matrix, labels: list) -> OneVsRestClassifier | str:
        """A fitted classifier, or the one label when the training set has only one."""
        if len(set(labels)) < 2:
            return labels[0] if labels else NULL
        return _classifier().fit(matrix, labels)

    def _span_matrix(self, examples: Sequence[Example]) -> csr_matrix:
        words = self.span_words.transform([e.text for e in examples])
        return hstack([words, cue_features(examples, self.cues)]).tocsr()

    def _claim_matrix(self, examples: Sequence[Example], cued: bool) -> csr_matrix:
        """Words, and for fields of style (hedge, basis) the cues too."""
        words = self.claim_words.transform([e.text for e in examples])
        return hstack([words, cue_features(examples, self.cues)]).tocsr() if cued else words

    def claim_probability(self, examples: Sequence[Example]) -> list[float]:
        """How likely each span is to carry a claim."""
        if not examples:
            return []
        model = self.span_model
        if isinstance(model, str):
            return [float(model == 1)] * len(examples)
        column = list(model.classes_).index(1)
        return [float(p) for p in model.predict_proba(self._span_matrix(examples))[:, column]]

    def fields(self, examples: Sequence[Example]) -> list[dict[str, str | None]]:
        """The predicted coded fields of each example (None for an empty nullable field)."""
        if not examples:
            return []
        matrices = {cued: self._claim_matrix(examples, cued) for cued in (False, True)}
        predicted: dict[str, list[str]] = {}
        for name, model in self.field_models.items():
            if isinstance(model, str):
                predicted[name] = [model] * len(examples)
            else:
                matrix = matrices[name not in TOPIC_FIELDS]
                predicted[name] = [str(v) for v in model.predict(matrix)]
        return [
            {name: (None if values[i] == NULL else values[i]) for name, values in predicted.items()}
            for i in range(len(examples))
        ]

    def assertions(self, texts: Sequence[str]) -> list[tuple[str | None, float]]:
        """The assertion of the most similar curated claim, and that similarity, for each text."""
        if not texts or not self.assertion_ids:
            return [(None, 0.0)] * len(texts)
        similarity = linear_kernel(self.neighbours.transform(texts), self.neighbour_matrix)
        result: list[tuple[str | None, float]] = []
        for row in similarity:
            best = int(np.argmax(row))
            score = float(row[best])
            result.append(
                (self.assertion_ids[best] if score >= ASSERTION_THRESHOLD else None, score)
            )
        return result

    def quantity_kind(self, context: str) -> str | None:
        """The kind of quantity (vocabulary: quantity) a phrase in this context states."""
        model = self.quantity_model
        if isinstance(model, str):
            return None if model == NULL else model
        return str(model.predict(self.quantity_words.transform([context]))[0])


def quantity_context(sentence: str, unit: str) -> str:
    """The words a quantity's kind is learned from: its unit and its sentence."""
    return f"unit_{unit} {sentence}"


def span_example(span: Span, text: str, attributed: bool) -> Example:
    """A span of a text as the models see it."""
    block = text[span.block_start : span.block_end]
    return Example(span.text, attributed, span.kind, block, span.position)
