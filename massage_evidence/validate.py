"""Validation of the evidence: declarative schemas (pandera) and cross-references.

Every problem is collected, never just the first, each as one line
`file:line: record: field: message`. Validation only reads; it never changes a file.
"""

from __future__ import annotations

import datetime
import difflib
import hashlib
import re
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path

import pandas as pd
import pandera.pandas as pa

from . import schema
from .errors import Problem, QuantityError
from .quantities import parse
from .store import RawEvidence, Record, gc_paused
from .vocabulary import Vocabulary

TYPE_NAMES = {
    str: "text",
    int: "a whole number",
    list: "a list",
    bool: "true or false",
    schema.NUMBER: "a number",
    schema.DATE: "an ISO date",
}


def _suggest(value: object, choices: Iterable[str]) -> str:
    matches = difflib.get_close_matches(str(value), list(choices), n=1, cutoff=0.75)
    return f" (did you mean {matches[0]!r}?)" if matches else ""


# What pandas infers for a column whose every value (nulls aside) has one of a field's types.
_INFERRED = {
    str: {"string", "empty"},
    int: {"integer", "empty"},
    schema.NUMBER: {"integer", "floating", "mixed-integer-float", "empty"},
}


def _is_kind(kind: type | tuple[type, ...]) -> Callable[[pd.Series], pd.Series]:
    """A vectorised type check: exact types, so a bool is not taken for a number. Nulls pass:
    whether a field may be null is the nullable check's concern. A column pandas already sees as
    all of the right type passes whole, without a look at each value."""
    kinds = (*(kind if isinstance(kind, tuple) else (kind,)), type(None))
    inferred = _INFERRED.get(kind, set())

    def check(values: pd.Series) -> pd.Series:
        if pd.api.types.infer_dtype(values, skipna=True) in inferred:
            return pd.Series(True, index=values.index)
        return values.map(type).isin(kinds)

    return check


def _matches(pattern: str) -> Callable[[object], bool]:
    compiled = re.compile(pattern)

    def check(value: object) -> bool:
        text = value.isoformat() if isinstance(value, datetime.date) else value
        return not isinstance(text, str) or compiled.fullmatch(text) is not None

    return check


def _dataframe_schema(
    fields: Mapping[str, schema.Field], vocabulary: Vocabulary
) -> pa.DataFrameSchema:
    """The declared fields as a pandera schema over columns of raw values.

    Checks see nulls (ignore_na=False) and let them pass: dropping them first would scan each
    column of Python objects for nulls once per check, the largest cost at 100k claims.
    """
    columns = {}
    for name, spec in fields.items():
        checks = [pa.Check(_is_kind(spec.kind), ignore_na=False, name="type")]
        if spec.pattern:
            checks.append(
                pa.Check(_matches(spec.pattern), element_wise=True, ignore_na=False, name="pattern")
            )
        if spec.vocabulary:
            terms = frozenset([*vocabulary.terms(spec.vocabulary), None])
            checks.append(
                pa.Check(
                    lambda values, terms=terms: values.isin(terms),
                    ignore_na=False,
                    name="vocabulary",
                )
            )
        columns[name] = pa.Column(
            object,
            nullable=spec.nullable,
            unique=spec.unique,
            report_duplicates="exclude_first",
            checks=checks,
        )
    return pa.DataFrameSchema(columns, strict=False)


class _Table:
    """Records of one kind with their places, checked against a field declaration."""

    def __init__(
        self,
        kind: str,
        fields: Mapping[str, schema.Field],
        rows: list[tuple[Record, str, Mapping[str, object], str]],
    ) -> None:
        self.kind = kind
        self.fields = fields
        self.rows = rows  # (record, label, data, field prefix)

    def problem(self, position: int, field: str | None, message: str) -> Problem:
        record, label, _, prefix = self.rows[position]
        if prefix:
            container = prefix[:-1]
            return Problem(
                record.file, record.line_of(container), label, f"{prefix}{field}", message
            )
        line = record.line_of(field) if field else record.line
        return Problem(record.file, line, label, field, message)

    def check(self, vocabulary: Vocabulary) -> tuple[list[Problem], set[int]]:
        """Problems of structure and schema, and the positions of rows with any problem."""
        self._vocabulary = vocabulary
        problems: list[Problem] = []
        bad: set[int] = set()
        missing: set[tuple[int, str]] = set()
        declared = self.fields.keys()
        for position, (_, _, data, _) in enumerate(self.rows):
            if data.keys() == declared:
                continue
            for name in self.fields:
                if name not in data:
                    missing.add((position, name))
                    problems.append(self.problem(position, name, "required field is missing"))
                    bad.add(position)
            for name in data:
                if name not in self.fields:
                    hint = _suggest(name, self.fields)
                    problems.append(self.problem(position, str(name), f"unknown field{hint}"))
                    bad.add(position)
        frame = pd.DataFrame(  # a missing field reads as NaN here, reported above
            [data for _, _, data, _ in self.rows], columns=list(self.fields), dtype=object
        )
        try:
            _dataframe_schema(self.fields, vocabulary).validate(frame, lazy=True)
        except pa.errors.SchemaErrors as errors:
            for failure in errors.failure_cases.itertuples(index=False):
                position = int(failure.index)
                column = str(failure.column)
                if (position, column) in missing:
                    continue
                bad.add(position)
                message = self._message(str(failure.check), column, failure.failure_case)
                problems.append(self.problem(position, column, message))
        return problems, bad

    def _message(self, check: str, column: str, value: object) -> str:
        spec = self.fields[column]
        if check == "not_nullable":
            return "must not be null"
        if check == "field_uniqueness":
            return f"duplicate {column} {value!r}"
        if check == "type":
            return f"must be {TYPE_NAMES[spec.kind]}, not {value!r}"
        if check == "pattern":
            return f"must be {spec.form}, not {value!r}"
        if check == "vocabulary":
            return f"unknown {spec.vocabulary} {value!r}{_suggest(value, self._terms(spec))}"
        return f"{check} failed for {value!r}"

    def _terms(self, spec: schema.Field) -> list[str]:
        return self._vocabulary.terms(spec.vocabulary) if spec.vocabulary else []


def _label(kind: str, data: Mapping[str, object], position: int) -> str:
    identifier = data.get("id")
    return f"{kind} {identifier}" if isinstance(identifier, str) else f"{kind} #{position + 1}"


def _simple_table(kind: str, fields: Mapping[str, schema.Field], records: list[Record]) -> _Table:
    rows = [(r, _label(kind, r.data, i), r.data, "") for i, r in enumerate(records)]
    return _Table(kind, fields, rows)


def _nested_table(
    kind: str,
    fields: Mapping[str, schema.Field],
    parents: list[tuple[Record, str]],
    key: str,
) -> tuple[_Table, list[Problem]]:
    """Items of a list field (a claim's quantities, a source's people) as a table of their own."""
    rows = []
    problems = []
    for record, label in parents:
        items = record.data.get(key)
        if not isinstance(items, list):
            continue
        for position, item in enumerate(items):
            prefix = f"{key}[{position}]."
            if isinstance(item, dict):
                rows.append((record, label, item, prefix))
            else:
                line = record.line_of(f"{key}[{position}]")
                problems.append(Problem(record.file, line, label, prefix[:-1], "must be a mapping"))
    return _Table(kind, fields, rows), problems


def _vocabulary(raw: RawEvidence) -> tuple[Vocabulary | None, list[Problem]]:
    path = f"{raw.root.name}/vocabulary.yaml"
    problems = []
    data = raw.vocabulary
    for field in schema.vocabulary_fields():
        terms = data.get(field)
        field_line = raw.vocabulary_line(data, field)
        if not isinstance(terms, dict) or not terms:
            problems.append(
                Problem(path, field_line, None, field, "vocabulary field is missing or empty")
            )
            continue
        for term, entry in terms.items():
            label, term_line = f"term {term}", raw.vocabulary_line(terms, term)
            if not isinstance(entry, dict):
                problems.append(Problem(path, term_line, label, field, "must be a mapping"))
                continue
            for key in schema.TERM:
                if not isinstance(entry.get(key), str):
                    line = raw.vocabulary_line(entry, key) or term_line
                    problems.append(Problem(path, line, label, f"{field}.{key}", "must be text"))
            for key in set(entry) - set(schema.TERM):
                message = f"unknown key {key!r} (an unquoted comma in a flow mapping?)"
                line = raw.vocabulary_line(entry, key) or term_line
                problems.append(Problem(path, line, label, field, message))
    if problems or not data:
        return None, problems
    return Vocabulary.from_mapping(data), problems


def _check_texts(
    corpus: Path, sources: Mapping[str, Record], claims: list[Record]
) -> list[Problem]:
    problems = []
    texts: dict[str, str] = {}
    for source_id, record in sources.items():
        path = corpus / str(record.data["file"])
        if not path.is_file():
            problems.append(
                Problem(
                    record.file,
                    record.line_of("file"),
                    f"source {source_id}",
                    "file",
                    f"not found in the corpus {corpus}",
                )
            )
            continue
        content = path.read_bytes()
        digest = hashlib.sha256(content).hexdigest()
        if digest != record.data["sha256"]:
            problems.append(
                Problem(
                    record.file,
                    record.line_of("sha256"),
                    f"source {source_id}",
                    "sha256",
                    f"does not match the text (its sha256 is {digest})",
                )
            )
        texts[source_id] = content.decode("utf-8")
    for record in claims:
        text = texts.get(str(record.data["source"]))
        if text is None:
            continue
        label = f"claim {record.data['id']}"
        start, end, quote = record.data["start"], record.data["end"], record.data["quote"]
        if not 0 <= start < end <= len(text):
            field = "start" if not 0 <= start < len(text) else "end"
            problems.append(
                Problem(
                    record.file,
                    record.line_of(field),
                    label,
                    field,
                    f"offsets {start}:{end} are out of range for a text of {len(text)} characters",
                )
            )
        elif text[start:end] != quote:
            found = text.find(quote)
            where = (
                f"it is at {found}:{found + len(quote)}" if found >= 0 else "it is not in the text"
            )
            problems.append(
                Problem(
                    record.file,
                    record.line_of("quote"),
                    label,
                    "quote",
                    f"not found at {start}:{end} ({where})",
                )
            )
    return problems


def _number(value: object) -> str:
    return "null" if value is None else f"{value:g}"


def _bounds(low: object, high: object, unit: object) -> str:
    return f"min {_number(low)}, max {_number(high)}, unit {unit}"


def _check_quantities(table: _Table, bad: set[int]) -> list[Problem]:
    problems = []
    for position, (record, _, data, _) in enumerate(table.rows):
        if position in bad:
            continue
        low, high, text = data["min"], data["max"], data["text"]
        if low is not None and high is not None and low > high:
            message = f"min {_number(low)} is greater than max {_number(high)}"
            problems.append(table.problem(position, "min", message))
            continue
        quote = record.data.get("quote")
        if isinstance(quote, str) and text not in quote:
            problems.append(table.problem(position, "text", f"{text!r} is not inside the quote"))
        try:
            parsed = parse(text)
        except QuantityError as error:
            problems.append(table.problem(position, "text", str(error)))
            continue
        stored = (low, high, data["unit"])
        if (parsed.min, parsed.max, parsed.unit) != stored:
            problems.append(
                table.problem(
                    position,
                    "text",
                    f"{text!r} reads as {_bounds(parsed.min, parsed.max, parsed.unit)}, "
                    f"not {_bounds(low, high, data['unit'])}",
                )
            )
    return problems


# Figures of a result that mean something only together, and the pairs that are intervals.
_PAIRS = (
    ("ci_low", "ci_high"),
    ("range_low", "range_high"),
    ("arm_mean", "comparator_mean"),
    ("p_value", "p_relation"),
)
_INTERVALS = (("ci_low", "ci_high"), ("range_low", "range_high"))


def _check_figures(table: _Table, position: int, data: Mapping[str, object]) -> list[Problem]:
    """Paired figures come together, intervals are in order, and a value lies in its interval."""
    problems = []
    for first, second in _PAIRS:
        if (data[first] is None) != (data[second] is None):
            given, missing = (first, second) if data[second] is None else (second, first)
            problems.append(table.problem(position, missing, f"must be given when {given} is"))
    for low_name, high_name in _INTERVALS:
        low, high = data[low_name], data[high_name]
        if low is not None and high is not None and low > high:
            message = f"{low_name} {_number(low)} is greater than {high_name} {_number(high)}"
            problems.append(table.problem(position, low_name, message))
    value, low, high = data["value"], data["ci_low"], data["ci_high"]
    if None not in (value, low, high) and low <= high and not low <= value <= high:
        message = (
            f"value {_number(value)} is outside its confidence interval "
            f"{_number(low)} to {_number(high)}"
        )
        problems.append(table.problem(position, "value", message))
    return problems


def _check_results(table: _Table, bad: set[int], arm_ids: set[object]) -> list[Problem]:
    """A study's results are internally consistent and compare arms of that same study."""
    problems = []
    for position, (record, label, data, _) in enumerate(table.rows):
        if position in bad:
            continue
        problems += _check_figures(table, position, data)
        arms = record.data.get("arms")
        if not isinstance(arms, list):
            continue
        own = [arm.get("id") for arm in arms if isinstance(arm, dict)]
        for field in ("arm", "comparator_arm"):
            arm = data[field]
            if arm in arm_ids and arm not in own:
                allowed = ", ".join(str(a) for a in own) or "none"
                message = f"{arm!r} is not an arm of {label} (its arms: {allowed})"
                problems.append(table.problem(position, field, message))
    return problems


def _check_attribution(claims: list[Record], people_of: Mapping[str, set[object]]) -> list[Problem]:
    """A claim is attributed to `article` or to a person its own source names."""
    problems = []
    for record in claims:
        source_id, attributed = record.data["source"], record.data["attributed_to"]
        people = people_of.get(source_id)
        if people is not None and attributed != "article" and attributed not in people:
            allowed = ", ".join([*sorted(str(p) for p in people), "article"])
            message = f"{attributed!r} is not a person of source {source_id} (allowed: {allowed})"
            line = record.line_of("attributed_to")
            label = f"claim {record.data['id']}"
            problems.append(Problem(record.file, line, label, "attributed_to", message))
    return problems


def _check_claim_files(raw: RawEvidence, known_sources: set[object]) -> list[Problem]:
    """Each claims file must declare a known source and be named after it."""
    problems = []
    names = sorted(s for s in known_sources if isinstance(s, str))
    for declared in raw.claim_files:
        source = declared.source
        if source not in known_sources:
            message = (
                f"unknown source {source!r}{_suggest(source, names)}: it is not in sources.yaml"
            )
            problems.append(Problem(declared.file, declared.line, None, "source", message))
        elif Path(declared.file).name != f"{source}.yaml":
            message = f"claims of source {source!r} belong in claims/{source}.yaml"
            problems.append(Problem(declared.file, declared.line, None, "source", message))
    return problems


def _check_table_references(
    table: _Table, bad: set[int], ids: Mapping[str, set[object]]
) -> list[Problem]:
    """Every field declared as a reference names a record that exists."""
    problems = []
    for name, spec in table.fields.items():
        if spec.references is None:
            continue
        known = ids.get(spec.references, set())
        names = sorted(i for i in known if isinstance(i, str))
        for position, (_, _, data, _) in enumerate(table.rows):
            if position in bad:
                continue
            value = data[name]
            for target in value if isinstance(value, list) else [value]:
                if target is not None and target not in known:
                    hint = _suggest(target, names)
                    message = f"unknown {spec.references} {target!r}{hint}"
                    problems.append(table.problem(position, name, message))
    return problems


@gc_paused()
def problems(raw: RawEvidence, corpus: Path | None = None) -> list[Problem]:
    """Every problem in the evidence read into `raw`; texts are checked when `corpus` is given."""
    found = list(raw.problems)
    vocabulary, vocabulary_problems = _vocabulary(raw)
    found += vocabulary_problems
    if vocabulary is None:
        return found

    checked: dict[str, tuple[_Table, set[int]]] = {}
    for name, declaration in schema.TABLES.items():
        table = _simple_table(declaration.record, declaration.fields, raw.tables[name])
        table_problems, bad = table.check(vocabulary)
        found += table_problems
        checked[declaration.record] = (table, bad)
        for key, spec in declaration.fields.items():
            if spec.items is None or spec.item is None:
                continue
            parents = [(record, label) for record, label, _, _ in table.rows]
            nested, shape_problems = _nested_table(spec.item, spec.items, parents, key)
            nested_problems, nested_bad = nested.check(vocabulary)
            found += shape_problems + nested_problems
            checked[spec.item] = (nested, nested_bad)

    ids = {
        kind: {data.get("id") for _, _, data, _ in table.rows}
        for kind, (table, _) in checked.items()
    }
    for table, bad in checked.values():
        found += _check_table_references(table, bad, ids)

    sources, bad_sources = checked["source"]
    good_sources = {
        str(r.data["id"]): r for i, (r, *_) in enumerate(sources.rows) if i not in bad_sources
    }
    people_of = {
        source_id: {p.get("id") for p in record.data["people"] if isinstance(p, dict)}
        for source_id, record in good_sources.items()
    }
    known_sources = ids["source"]
    found += _check_claim_files(raw, known_sources)
    claims, bad_claims = checked["claim"]
    good_claims = [
        record
        for position, (record, *_) in enumerate(claims.rows)
        if position not in bad_claims and record.data.get("source") in known_sources
    ]
    found += _check_attribution(good_claims, people_of)
    found += _check_quantities(*checked["quantity"])
    found += _check_results(*checked["result"], ids["arm"])
    if corpus is not None:
        in_good_sources = [c for c in good_claims if c.data["source"] in good_sources]
        found += _check_texts(corpus, good_sources, in_good_sources)
    return sorted(found, key=lambda problem: (problem.file, problem.line or 0, str(problem)))
