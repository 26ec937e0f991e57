"""The shape of every evidence record, declared once.

Each table lists its fields: the Python type a value must have, whether it may be null, whether it
must be unique, which vocabulary field its terms come from, the form or range its values keep to,
and which table its ids point into. Numbers are always finite, and whole numbers fit in 64 bits.
A list field may declare the fields of its items, which then form a table of their own (a claim's
quantities, a source's people). The validator turns these declarations into pandera schemas and
reference checks; `evidence.tables` turns them into typed DataFrame columns.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class Field:
    """One field of an evidence record."""

    kind: type | tuple[type, ...] = str
    nullable: bool = False
    unique: bool = False
    vocabulary: str | None = None
    pattern: str | None = None
    form: str | None = None
    minimum: float | None = None
    maximum: float | None = None
    references: str | None = None
    items: Mapping[str, Field] | None = None
    item: str | None = None
    description: str | None = None


@dataclass(frozen=True)
class Table:
    """A kind of record, the file that holds its list (None: one claims file per source)."""

    record: str
    file: str | None
    fields: Mapping[str, Field]


NUMBER = (int, float)
DATE = "date"  # text in ISO form (YYYY, YYYY-MM or YYYY-MM-DD) naming a real date

# Every id: lowercase letters and digits, in words joined by `-`, `_` or `.`.
ID_PATTERN = r"[a-z0-9]+(?:[-_.][a-z0-9]+)*"
ID_FORM = "an id (lowercase letters and digits, joined by - _ or .)"
# A vocabulary term: lowercase letters and digits, in words joined by `_`.
TERM_PATTERN = r"[a-z0-9]+(?:_[a-z0-9]+)*"


def identifier(**options: object) -> Field:
    """An id field: text of the one id form."""
    return Field(pattern=ID_PATTERN, form=ID_FORM, **options)  # type: ignore[arg-type]


PERSON = {
    "id": identifier(unique=True),
    "name": Field(),
    "role": Field(nullable=True),
    "affiliation": Field(nullable=True),
}

ISO_DATE = {
    "pattern": r"\d{4}(-\d{2}(-\d{2})?)?",
    "form": "an ISO date (YYYY, YYYY-MM or YYYY-MM-DD)",
}

# One author of a reference: a person (family and given name or initials, as the reference gives
# them) or, as `literal`, an organisation or a name that is not a person's ("@GleiberMD").
AUTHOR = {
    "family": Field(nullable=True, description="The author's family name."),
    "given": Field(
        nullable=True, description="Given names or initials, as the reference has them."
    ),
    "literal": Field(
        nullable=True, description="An organisation or a name that is not a person's."
    ),
}


def citation(item: str) -> dict[str, Field]:
    """The fields of a structured reference, shared by sources and studies. Each is a fact the
    reference itself or primary-research.md gives, or null: never guessed. `et_al`: the
    reference names only its first authors. `number`: an article or report number (CD001929)."""
    return {
        "reference_type": Field(vocabulary="reference_type"),
        "authors": Field(list, items=AUTHOR, item=item),
        "et_al": Field(bool, description="True when the reference names only its first authors."),
        "container": Field(nullable=True, description="The journal (as abbreviated) or website."),
        "volume": Field(nullable=True, description="The journal volume."),
        "issue": Field(nullable=True, description="The journal issue."),
        "pages": Field(nullable=True, description="The page range."),
        "number": Field(nullable=True, description="An article or report number."),
        "doi": Field(nullable=True, pattern=r"10\.\d{4,9}/\S+", form="a DOI (10.NNNN/...)"),
        "pmid": Field(nullable=True, pattern=r"\d{1,9}", form="a PubMed id (digits only)"),
        "url": Field(nullable=True, pattern=r"https?://\S+", form="an http(s) URL"),
        "accessed": Field(DATE, nullable=True, description="When the URL was read.", **ISO_DATE),
    }


SOURCE = {
    "id": identifier(unique=True),
    # The text's plain file name inside the corpus: no folders, nothing read outside it.
    "file": Field(
        unique=True,
        pattern=r"[A-Za-z0-9_][A-Za-z0-9._-]*",
        form="a plain file name in the corpus (letters, digits, . _ -)",
    ),
    "sha256": Field(pattern=r"[0-9a-f]{64}", form="64 lowercase hexadecimal digits"),
    "title": Field(),
    "publisher": Field(nullable=True),
    "published": Field(
        DATE,
        nullable=True,
        pattern=r"[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?",
        form="an ISO date (YYYY, YYYY-MM or YYYY-MM-DD)",
    ),
    "kind": Field(vocabulary="source_kind"),
    "people": Field(list, items=PERSON, item="person"),
    **citation("source_author"),
}

QUANTITY = {
    "quantity": Field(vocabulary="quantity"),
    "min": Field(NUMBER, nullable=True, minimum=0),
    "max": Field(NUMBER, nullable=True, minimum=0),
    "unit": Field(vocabulary="unit"),
    "text": Field(),
}

CLAIM = {
    "id": identifier(unique=True),
    "source": identifier(),
    "quote": Field(),
    "start": Field(int, minimum=0),
    "end": Field(int, minimum=0),
    "statement": Field(),
    "category": Field(vocabulary="category"),
    "intervention": Field(vocabulary="intervention"),
    "condition": Field(vocabulary="condition"),
    "comparator": Field(nullable=True, vocabulary="comparator"),
    "outcome": Field(nullable=True, vocabulary="outcome"),
    "direction": Field(nullable=True, vocabulary="direction"),
    "quantities": Field(list, items=QUANTITY, item="quantity"),
    "hedge": Field(vocabulary="hedge"),
    "attributed_to": identifier(),
    "basis": Field(vocabulary="basis"),
    "assertion": Field(references="assertion"),
}

ASSERTION = {
    "id": identifier(unique=True),
    "statement": Field(),
    "category": Field(vocabulary="category"),
}

TENSION = {
    "id": identifier(unique=True),
    "first": Field(references="assertion"),
    "second": Field(references="assertion"),
    "kind": Field(vocabulary="tension_kind"),
    "reason": Field(),
}

ARM = {
    "id": identifier(unique=True),
    "label": Field(),
    "n": Field(int, minimum=0),
}

STUDY_OUTCOME = {
    "outcome": Field(vocabulary="outcome"),
    "measure": Field(),
    "scale_min": Field(NUMBER, nullable=True),
    "scale_max": Field(NUMBER, nullable=True),
    "meaningful_change": Field(NUMBER, nullable=True),
}

# One reported result. `value`, `ci_low` and `ci_high` (95%) are massage minus comparator, so a
# negative value favours massage whatever the source's wording ("2.9 points lower" is -2.9).
RESULT = {
    "id": identifier(unique=True),
    "comparison": Field(nullable=True, vocabulary="comparison"),
    "arm": Field(nullable=True, references="arm"),
    "comparator_arm": Field(nullable=True, references="arm"),
    "condition": Field(vocabulary="condition"),
    "outcome": Field(nullable=True, vocabulary="outcome"),
    "time_point": Field(nullable=True, vocabulary="time_point"),
    "weeks": Field(int, nullable=True, minimum=0),
    "estimate_type": Field(vocabulary="estimate_type"),
    "value": Field(NUMBER, nullable=True),
    "ci_low": Field(NUMBER, nullable=True),
    "ci_high": Field(NUMBER, nullable=True),
    "arm_mean": Field(NUMBER, nullable=True),
    "comparator_mean": Field(NUMBER, nullable=True),
    "p_value": Field(NUMBER, nullable=True, minimum=0, maximum=1),
    "p_relation": Field(nullable=True, vocabulary="p_relation"),
    "range_low": Field(NUMBER, nullable=True),
    "range_high": Field(NUMBER, nullable=True),
    "participants": Field(int, nullable=True, minimum=0),
    "studies": Field(int, nullable=True, minimum=0),
    "certainty": Field(nullable=True, vocabulary="grade_certainty"),
    "direction": Field(nullable=True, vocabulary="direction"),
    "provenance": Field(vocabulary="provenance"),
    "finding": Field(),
}

STUDY = {
    "id": identifier(unique=True),
    "label": Field(unique=True),
    "title": Field(nullable=True, description="The title of the reference, where it is known."),
    "year": Field(int, nullable=True, minimum=1800, maximum=2100),
    "published": Field(DATE, nullable=True, description="The full date of issue.", **ISO_DATE),
    **citation("study_author"),
    "design": Field(vocabulary="study_design"),
    "population": Field(nullable=True),
    "participants": Field(int, nullable=True, minimum=0),
    "studies": Field(int, nullable=True, minimum=0),
    "sessions": Field(int, nullable=True, minimum=0),
    "treatment_weeks": Field(int, nullable=True, minimum=0),
    "follow_up": Field(nullable=True),
    "appraisal": Field(nullable=True),
    "conclusion": Field(nullable=True),
    "verified_in": Field(),
    "arms": Field(list, items=ARM, item="arm"),
    "outcomes": Field(list, items=STUDY_OUTCOME, item="study_outcome"),
    "results": Field(list, items=RESULT, item="result"),
}

AUDIT = {
    "assertion": Field(unique=True, references="assertion"),
    "verdict": Field(vocabulary="verdict"),
    "results": Field(list, references="result"),
    "reason": Field(),
}

TERM = {"label": Field(), "definition": Field()}

# Vocabulary fields that no record stores but the code computes (synthesis's support label).
COMPUTED_VOCABULARIES = ("support",)

TABLES: dict[str, Table] = {
    "sources": Table("source", "sources.yaml", SOURCE),
    "assertions": Table("assertion", "assertions.yaml", ASSERTION),
    "claims": Table("claim", None, CLAIM),
    "tensions": Table("tension", "tensions.yaml", TENSION),
    "studies": Table("study", "studies.yaml", STUDY),
    "audit": Table("audit", "audit.yaml", AUDIT),
}


def vocabulary_fields() -> list[str]:
    """Every vocabulary field that a declared field draws its terms from, or the code computes."""

    def walk(fields: Mapping[str, Field]):
        for spec in fields.values():
            if spec.vocabulary:
                yield spec.vocabulary
            if spec.items:
                yield from walk(spec.items)

    declared = {name for table in TABLES.values() for name in walk(table.fields)}
    return sorted(declared | set(COMPUTED_VOCABULARIES))
