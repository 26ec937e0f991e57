"""Validation of the evidence: declarative schemas (pandera) and cross-references.

Every problem is collected, never just the first, each as one bounded line
`file:line: record: field: message [code]`. Validation only reads; it never changes a file.
"""

from __future__ import annotations

import datetime
import difflib
import hashlib
import math
import re
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path

import pandas as pd
import pandera.pandas as pa

from . import schema
from .errors import Problem, QuantityError, shown
from .quantities import parse
from .store import RawEvidence, Record, Unreadable, decode_text, gc_paused, read_regular
from .vocabulary import Vocabulary

TYPE_NAMES = {
    str: "text",
    int: "a whole number",
    list: "a list",
    bool: "true or false",
    schema.NUMBER: "a number",
    schema.DATE: "an ISO date as text",
}
INT64 = (-(2**63), 2**63 - 1)  # the whole numbers a table column holds


def _suggest(value: object, choices: Iterable[str]) -> str:
    if not isinstance(value, str) or len(value) > 100:
        return ""
    matches = difflib.get_close_matches(value, list(choices), n=1, cutoff=0.75)
    return f" (did you mean {matches[0]!r}?)" if matches else ""


def _python_kind(kind: object) -> type | tuple[type, ...]:
    return str if kind == schema.DATE else kind  # type: ignore[return-value]


# What pandas infers for a column whose every value (nulls aside) has one of a field's types.
_INFERRED = {
    str: {"string", "empty"},
    int: {"integer", "empty"},
    schema.NUMBER: {"integer", "floating", "mixed-integer-float", "empty"},
}


def _of_kind(values: pd.Series, kind: type | tuple[type, ...]) -> pd.Series:
    """A vectorised type check: exact types, so a bool is not taken for a number. Nulls pass:
    whether a field may be null is the nullable check's concern. A column pandas already sees as
    all of the right type passes whole, without a look at each value."""
    kinds = (*(kind if isinstance(kind, tuple) else (kind,)), type(None))
    if pd.api.types.infer_dtype(values, skipna=True) in _INFERRED.get(kind, set()):
        return pd.Series(True, index=values.index)
    return values.map(type).isin(kinds)


def _real_date(text: str) -> bool:
    """An ISO date of the calendar: 2020-02-30 and 2020-13 are not."""
    parts = [int(part) for part in text.split("-")]
    parts += [1] * (3 - len(parts))
    try:
        datetime.date(*parts)
    except ValueError:
        return False
    return True


def _matches(pattern: str, date: bool) -> Callable[[object], bool]:
    compiled = re.compile(pattern)

    def check(value: object) -> bool:
        if not isinstance(value, str):
            return True
        return compiled.fullmatch(value) is not None and (not date or _real_date(value))

    return check


def _bounds(spec: schema.Field) -> tuple[float, float]:
    low = -math.inf if spec.minimum is None else spec.minimum
    high = math.inf if spec.maximum is None else spec.maximum
    if spec.kind is int:
        low, high = max(low, INT64[0]), min(high, INT64[1])
    return low, high


def _in_range(spec: schema.Field) -> Callable[[object], bool]:
    low, high = _bounds(spec)

    def check(value: object) -> bool:
        if value is None or isinstance(value, bool) or not isinstance(value, int | float):
            return True
        return math.isfinite(value) and low <= value <= high

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
        checks = []
        if spec.pattern:
            check = _matches(spec.pattern, spec.kind == schema.DATE)
            checks.append(pa.Check(check, element_wise=True, ignore_na=False, name="pattern"))
        if spec.kind in (int, schema.NUMBER):
            checks.append(
                pa.Check(_in_range(spec), element_wise=True, ignore_na=False, name="range")
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

    def problem(self, position: int, field: str | None, message: str, code: str) -> Problem:
        record, label, _, prefix = self.rows[position]
        if prefix:
            container = prefix[:-1]
            where = record.line_of(container)
            return Problem(record.file, where, label, f"{prefix}{field}", message, code)
        line = record.line_of(field) if field else record.line
        return Problem(record.file, line, label, field, message, code)

    def check(self, vocabulary: Vocabulary) -> tuple[list[Problem], set[int]]:
        """Problems of structure and schema, and the positions of rows with any problem."""
        self._vocabulary = vocabulary
        problems: list[Problem] = []
        bad: set[int] = set()
        reported: set[tuple[int, str]] = set()  # a missing or mistyped field: said once
        declared = self.fields.keys()
        for position, (_, _, data, _) in enumerate(self.rows):
            if data.keys() == declared:
                continue
            for name in self.fields:
                if name not in data:
                    reported.add((position, name))
                    problems.append(
                        self.problem(position, name, "required field is missing", "missing-field")
                    )
                    bad.add(position)
            for name in data:
                if name not in self.fields:
                    hint = _suggest(name, self.fields)
                    message = f"unknown field{hint}"
                    problems.append(self.problem(position, name, message, "unknown-field"))
                    bad.add(position)
        frame = pd.DataFrame(  # a missing field reads as NaN here, reported above
            [data for _, _, data, _ in self.rows], columns=list(self.fields), dtype=object
        )
        for name, spec in self.fields.items():
            kind = _python_kind(spec.kind)
            wrong = ~_of_kind(frame[name], kind)
            for position in wrong[wrong].index:
                if (position, name) in reported:
                    continue
                value = frame.at[position, name]
                message = f"must be {TYPE_NAMES[spec.kind]}, not {shown(value)}"
                problems.append(self.problem(position, name, message, "wrong-type"))
                reported.add((position, name))
                bad.add(position)
            if wrong.any():  # the other checks see a value of the right type, or none
                frame.loc[wrong, name] = None
        try:
            _dataframe_schema(self.fields, vocabulary).validate(frame, lazy=True)
        except pa.errors.SchemaErrors as errors:
            for failure in errors.failure_cases.itertuples(index=False):
                position = int(failure.index)
                column = str(failure.column)
                if (position, column) in reported:
                    continue
                bad.add(position)
                message, code = self._message(str(failure.check), column, failure.failure_case)
                problems.append(self.problem(position, column, message, code))
        return problems, bad

    def _message(self, check: str, column: str, value: object) -> tuple[str, str]:
        spec = self.fields[column]
        if check == "not_nullable":
            return "must not be null", "null-value"
        if check == "field_uniqueness":
            code = "duplicate-id" if column == "id" else "duplicate-value"
            return f"duplicate {column} {shown(value)}", code
        if check == "pattern":
            return f"must be {spec.form}, not {shown(value)}", "bad-format"
        if check == "range":
            if isinstance(value, float) and not math.isfinite(value):
                return f"must be a finite number, not {shown(value)}", "not-finite"
            return f"must be {_range_text(spec)}, not {shown(value)}", "out-of-range"
        if check == "vocabulary":
            hint = _suggest(value, self._terms(spec))
            return f"unknown {spec.vocabulary} {shown(value)}{hint}", "unknown-term"
        return f"{check} failed for {shown(value)}", "invalid-value"

    def _terms(self, spec: schema.Field) -> list[str]:
        return self._vocabulary.terms(spec.vocabulary) if spec.vocabulary else []


def _limit(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


def _range_text(spec: schema.Field) -> str:
    low, high = _bounds(spec)
    if math.isfinite(low) and math.isfinite(high):
        return f"from {_limit(low)} to {_limit(high)}"
    return f"at least {_limit(low)}" if math.isfinite(low) else f"at most {_limit(high)}"


_ID = re.compile(schema.ID_PATTERN)


def _label(kind: str, data: Mapping[str, object], position: int) -> str:
    identifier = data.get("id")
    if isinstance(identifier, str) and len(identifier) <= 80 and _ID.fullmatch(identifier):
        return f"{kind} {identifier}"
    return f"{kind} #{position + 1}"


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
                message = "must be a mapping"
                problems.append(
                    Problem(record.file, line, label, prefix[:-1], message, "wrong-layout")
                )
    return _Table(kind, fields, rows), problems


_TERM = re.compile(schema.TERM_PATTERN)


def _vocabulary(raw: RawEvidence) -> tuple[Vocabulary | None, list[Problem]]:
    path = f"{raw.root.name}/vocabulary.yaml"
    problems: list[Problem] = []
    data = raw.vocabulary
    if not data and any(problem.file == path for problem in raw.problems):
        return None, problems  # the file could not be read: that problem is enough
    fields = schema.vocabulary_fields()
    for field in data:
        if field not in fields:
            hint = _suggest(field, fields)
            line = raw.vocabulary_line(data, field)
            message = f"unknown vocabulary field{hint}: no record draws its terms from it"
            problems.append(Problem(path, line, None, field, message, "unknown-field"))
    for field in fields:
        terms = data.get(field)
        field_line = raw.vocabulary_line(data, field)
        if not isinstance(terms, dict) or not terms:
            message = "vocabulary field is missing or empty"
            problems.append(Problem(path, field_line, None, field, message, "missing-field"))
            continue
        for term, entry in terms.items():
            term_line = raw.vocabulary_line(terms, term)
            if not _TERM.fullmatch(term) or len(term) > 80:
                message = f"term {shown(term)} must be lowercase letters and digits joined by _"
                problems.append(Problem(path, term_line, None, field, message, "bad-format"))
                continue
            label = f"term {term}"
            if not isinstance(entry, dict):
                problems.append(
                    Problem(path, term_line, label, field, "must be a mapping", "wrong-layout")
                )
                continue
            for key in schema.TERM:
                value = entry.get(key)
                if not isinstance(value, str) or not value.strip():
                    line = raw.vocabulary_line(entry, key) or term_line
                    message = (
                        "must be non-empty text" if key in entry else "required key is missing"
                    )
                    code = "wrong-type" if key in entry else "missing-field"
                    problems.append(Problem(path, line, label, f"{field}.{key}", message, code))
            for key in set(entry) - set(schema.TERM):
                message = f"unknown key {shown(key)} (an unquoted comma in a flow mapping?)"
                line = raw.vocabulary_line(entry, key) or term_line
                problems.append(Problem(path, line, label, field, message, "unknown-field"))
    if problems or not data:
        return None, problems
    return Vocabulary.from_mapping(data), problems


def _read_text(corpus: Path, record: Record, source_id: str) -> tuple[bytes | None, Problem | None]:
    """The bytes of a source's text, read only from a regular file inside the corpus."""
    label, line = f"source {source_id}", record.line_of("file")
    path = corpus / str(record.data["file"])
    if path.resolve().parent != corpus.resolve():
        message = f"{shown(record.data['file'])} is not a file inside the corpus {corpus}"
        return None, Problem(record.file, line, label, "file", message, "bad-file-name")
    try:
        return read_regular(path), None
    except Unreadable as error:
        if error.code == "missing-file":
            message, code = f"not found in the corpus {corpus}", "text-not-found"
        else:
            message, code = f"cannot use the text: {error.message}", error.code
        return None, Problem(record.file, line, label, "file", message, code)


def _check_texts(
    corpus: Path, sources: Mapping[str, Record], claims: list[Record]
) -> list[Problem]:
    problems = []
    texts: dict[str, str] = {}
    for source_id, record in sources.items():
        content, problem = _read_text(corpus, record, source_id)
        if problem is not None:
            problems.append(problem)
            continue
        assert content is not None
        digest = hashlib.sha256(content).hexdigest()
        label = f"source {source_id}"
        if digest != record.data["sha256"]:
            message = f"does not match the text (its sha256 is {digest})"
            line = record.line_of("sha256")
            problems.append(
                Problem(record.file, line, label, "sha256", message, "checksum-mismatch")
            )
        try:
            texts[source_id] = decode_text(content)
        except Unreadable as error:
            line = record.line_of("file")
            message = f"the text is {error.message}"
            problems.append(Problem(record.file, line, label, "file", message, error.code))
    for record in claims:
        text = texts.get(str(record.data["source"]))
        if text is None:
            continue
        label = f"claim {record.data['id']}"
        start, end, quote = record.data["start"], record.data["end"], record.data["quote"]
        if not 0 <= start < end <= len(text):
            field = "start" if not 0 <= start < len(text) else "end"
            message = f"offsets {start}:{end} are out of range for a text of {len(text)} characters"
            problems.append(
                Problem(record.file, record.line_of(field), label, field, message, "bad-offsets")
            )
        elif text[start:end] != quote:
            found = text.find(quote)
            where = (
                f"it is at {found}:{found + len(quote)}" if found >= 0 else "it is not in the text"
            )
            message = f"not found at {start}:{end} ({where})"
            line = record.line_of("quote")
            problems.append(Problem(record.file, line, label, "quote", message, "quote-mismatch"))
    return problems


def _number(value: object) -> str:
    return "null" if value is None else f"{value:g}"


def _quantity_bounds(low: object, high: object, unit: object) -> str:
    return f"min {_number(low)}, max {_number(high)}, unit {unit}"


def _check_quantities(table: _Table, bad: set[int]) -> list[Problem]:
    problems = []
    for position, (record, _, data, _) in enumerate(table.rows):
        if position in bad:
            continue
        low, high, text = data["min"], data["max"], data["text"]
        if low is not None and high is not None and low > high:
            message = f"min {_number(low)} is greater than max {_number(high)}"
            problems.append(table.problem(position, "min", message, "out-of-order"))
            continue
        quote = record.data.get("quote")
        if isinstance(quote, str) and text not in quote:
            message = f"{shown(text)} is not inside the quote"
            problems.append(table.problem(position, "text", message, "quantity-not-quoted"))
        try:
            parsed = parse(text)
        except QuantityError as error:
            problems.append(table.problem(position, "text", str(error), "unreadable-quantity"))
            continue
        stored = (low, high, data["unit"])
        if (parsed.min, parsed.max, parsed.unit) != stored:
            message = (
                f"{shown(text)} reads as {_quantity_bounds(parsed.min, parsed.max, parsed.unit)}, "
                f"not {_quantity_bounds(low, high, data['unit'])}"
            )
            problems.append(table.problem(position, "text", message, "quantity-mismatch"))
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
            message = f"must be given when {given} is"
            problems.append(table.problem(position, missing, message, "missing-pair"))
    for low_name, high_name in _INTERVALS:
        low, high = data[low_name], data[high_name]
        if low is not None and high is not None and low > high:
            message = f"{low_name} {_number(low)} is greater than {high_name} {_number(high)}"
            problems.append(table.problem(position, low_name, message, "out-of-order"))
    value, low, high = data["value"], data["ci_low"], data["ci_high"]
    if None not in (value, low, high) and low <= high and not low <= value <= high:
        message = (
            f"value {_number(value)} is outside its confidence interval "
            f"{_number(low)} to {_number(high)}"
        )
        problems.append(table.problem(position, "value", message, "out-of-order"))
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
                message = f"{shown(arm)} is not an arm of {label} (its arms: {allowed})"
                problems.append(table.problem(position, field, message, "wrong-arm"))
    return problems


def _check_attribution(claims: list[Record], people_of: Mapping[str, set[object]]) -> list[Problem]:
    """A claim is attributed to `article` or to a person its own source names."""
    problems = []
    for record in claims:
        source_id, attributed = record.data["source"], record.data["attributed_to"]
        people = people_of.get(source_id)
        if people is not None and attributed != "article" and attributed not in people:
            allowed = ", ".join([*sorted(str(p) for p in people), "article"])
            message = (
                f"{shown(attributed)} is not a person of source {source_id} (allowed: {allowed})"
            )
            line = record.line_of("attributed_to")
            label = f"claim {record.data['id']}"
            problems.append(
                Problem(record.file, line, label, "attributed_to", message, "unknown-person")
            )
    return problems


def _check_claim_files(raw: RawEvidence, known_sources: set[object]) -> list[Problem]:
    """Each claims file must declare a known source and be named after it."""
    problems = []
    names = sorted(s for s in known_sources if isinstance(s, str))
    for declared in raw.claim_files:
        source = declared.source
        where = (declared.file, declared.line, None, "source")
        if not isinstance(source, str):
            message = f"must be text, not {shown(source)}"
            problems.append(Problem(*where, message, "wrong-type"))
        elif source not in known_sources:
            hint = _suggest(source, names)
            message = f"unknown source {shown(source)}{hint}: it is not in sources.yaml"
            problems.append(Problem(*where, message, "unknown-source"))
        elif Path(declared.file).name != f"{source}.yaml":
            message = f"claims of source {shown(source)} belong in claims/{source}.yaml"
            problems.append(Problem(*where, message, "misnamed-file"))
    return problems


def _check_sources_have_claims(raw: RawEvidence, sources: Mapping[str, Record]) -> list[Problem]:
    """Every source has its claims file: a source without claims says so in one, with a reason."""
    problems = []
    for source_id, record in sources.items():
        if f"{source_id}.yaml" not in raw.claims_file_names:
            message = (
                f"has no claims file claims/{source_id}.yaml (a source without claims has one "
                "with `claims: []` and a `reason:`)"
            )
            label = f"source {source_id}"
            problems.append(
                Problem(record.file, record.line, label, None, message, "missing-claims-file")
            )
    return problems


def _check_tensions(table: _Table, bad: set[int]) -> list[Problem]:
    """A tension joins two different assertions."""
    problems = []
    for position, (_, _, data, _) in enumerate(table.rows):
        if position not in bad and data["first"] == data["second"]:
            message = "names the same assertion as first: a tension joins two different assertions"
            problems.append(table.problem(position, "second", message, "self-tension"))
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
                if target is None:
                    continue
                if not isinstance(target, str):
                    message = f"must name {spec.references}s by id, not {shown(target)}"
                    problems.append(table.problem(position, name, message, "wrong-type"))
                elif target not in known:
                    hint = _suggest(target, names)
                    message = f"unknown {spec.references} {shown(target)}{hint}"
                    problems.append(table.problem(position, name, message, "unknown-reference"))
    return problems


def _ids(table: _Table) -> set[object]:
    return {data.get("id") for _, _, data, _ in table.rows if isinstance(data.get("id"), str)}


@gc_paused()
def problems(raw: RawEvidence, corpus: Path | None = None) -> list[Problem]:
    """Every problem in the evidence read into `raw`; texts are checked when `corpus` is given."""
    found = list(raw.problems)
    vocabulary, vocabulary_problems = _vocabulary(raw)
    found += vocabulary_problems
    if vocabulary is None:
        return _sorted(found)

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

    ids = {kind: _ids(table) for kind, (table, _) in checked.items()}
    for table, bad in checked.values():
        found += _check_table_references(table, bad, ids)
    found += _check_tensions(*checked["tension"])

    sources, bad_sources = checked["source"]
    good_sources = {
        str(r.data["id"]): r for i, (r, *_) in enumerate(sources.rows) if i not in bad_sources
    }
    people_of = {
        source_id: {
            p.get("id")
            for p in record.data["people"]
            if isinstance(p, dict) and isinstance(p.get("id"), str)
        }
        for source_id, record in good_sources.items()
    }
    known_sources = ids["source"]
    found += _check_claim_files(raw, known_sources)
    if not any(p.code == "missing-folder" for p in raw.problems):
        found += _check_sources_have_claims(raw, good_sources)
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
    return _sorted(found)


def _sorted(found: list[Problem]) -> list[Problem]:
    return sorted(found, key=lambda problem: (problem.file, problem.line or 0, str(problem)))
