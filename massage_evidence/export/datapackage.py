"""The `datapackage.json` of an export, derived from what already declares the evidence: each
column's type from its typed DataFrame column, enums from the vocabulary (the categories of a
coded column), descriptions from the vocabulary's definitions and the schema's declarations,
primary keys from the declared unique ids, foreign keys from the declared references and from
`<record>_id` columns. Nothing here repeats a field list by hand."""

from __future__ import annotations

import inspect
from collections.abc import Callable, Mapping
from dataclasses import dataclass

import pandas as pd

from .. import schema, synthesis
from .._version import __version__
from ..evidence import Evidence
from ..vocabulary import Vocabulary

NAME = "massage-evidence"
PROFILE = "tabular-data-package"


@dataclass(frozen=True)
class Resource:
    """One exported table: its frame, the declaration it comes from and what it is."""

    name: str
    frame: pd.DataFrame
    record: str
    fields: Mapping[str, schema.Field]
    description: str
    parent: str | None = None  # the record whose list field holds these items


# Synthesis tables: the function that computes each, and the column that identifies a row.
SYNTHESIS: dict[str, tuple[Callable[[Evidence], pd.DataFrame], list[str]]] = {
    "consensus": (synthesis.consensus, ["assertion_id"]),
    "time_to_relief": (synthesis.time_to_relief, []),
    "comparisons": (synthesis.comparisons, []),
    "strength": (synthesis.strength, []),  # its last row, all sources, has no source_id
}


def _nested_items() -> dict[str, tuple[str, str, Mapping[str, schema.Field]]]:
    """Every list field with items: item record -> (parent record, list field, item fields)."""
    return {
        spec.item: (table.record, key, spec.items)
        for table in schema.TABLES.values()
        for key, spec in table.fields.items()
        if spec.items is not None and spec.item is not None
    }


def _records() -> set[str]:
    return {table.record for table in schema.TABLES.values()} | set(_nested_items())


def resources(ev: Evidence) -> list[Resource]:
    """Every table of `ev` with its declaration, then the synthesis tables, in a fixed order."""
    by_record = {table.record: table for table in schema.TABLES.values()}
    nested = _nested_items()
    tables = {
        "sources": "source",
        "people": "person",
        "source_authors": "source_author",
        "claims": "claim",
        "quantities": "quantity",
        "assertions": "assertion",
        "tensions": "tension",
        "studies": "study",
        "study_authors": "study_author",
        "arms": "arm",
        "study_outcomes": "study_outcome",
        "results": "result",
        "audit": "audit",
    }
    found = []
    for name, record in tables.items():
        if record in by_record:
            table = by_record[record]
            text = f"One row per {record}, as declared for {table.file or 'claims/<source>.yaml'}."
            found.append(Resource(name, getattr(ev, name), record, table.fields, text))
        else:
            parent, key, fields = nested[record]
            text = f"One row per item of a {parent}'s `{key}` list, its {parent} id first."
            found.append(Resource(name, getattr(ev, name), record, fields, text, parent))
    links = "One row per (audited assertion, result it rests on): the audit's `results` lists."
    found.append(Resource("audit_results", ev.audit_results, "audit_result", {}, links))
    for name, (function, _) in SYNTHESIS.items():
        doc = inspect.getdoc(function) or name
        text = " ".join(doc.split("\n\n")[0].split())
        found.append(Resource(name, function(ev), name, {}, f"Synthesis: {text}"))
    return found


def _declaration(column: str, resource: Resource) -> schema.Field | None:
    """The declared field a column comes from (`claim_id` is a claim's `id`, `source_id` its
    `source`, `first_assertion_id` a tension's `first`), or None for a parent key."""
    fields = resource.fields
    if column in fields:
        return fields[column]
    if column == f"{resource.record}_id" and "id" in fields:
        return fields["id"]
    stem = column.removesuffix("_id")
    if stem in fields:
        return fields[stem]
    for name, spec in fields.items():
        if spec.references and column == f"{name}_{spec.references}_id":
            return spec
    return None


def _vocabulary_field(dtype: pd.CategoricalDtype, vocabulary: Vocabulary) -> str | None:
    categories = list(dtype.categories)
    for field in vocabulary.fields:
        if vocabulary.terms(field) == categories:
            return field
    return None


def _tally(column: str, vocabulary: Vocabulary) -> str | None:
    """The description of a synthesis count column `<vocabulary field>_<term>`, if it is one."""
    for field in vocabulary.fields:
        term = column.removeprefix(f"{field}_")
        if term != column and term in vocabulary.terms(field):
            label = vocabulary.label(field, term)
            return f"How many claims have {field} {term} ({label})."
    return None


def _type(dtype: object) -> str:
    if isinstance(dtype, pd.CategoricalDtype) or pd.api.types.is_string_dtype(dtype):
        return "string"
    if pd.api.types.is_bool_dtype(dtype):
        return "boolean"
    if pd.api.types.is_integer_dtype(dtype):
        return "integer"
    if pd.api.types.is_float_dtype(dtype):
        return "number"
    raise TypeError(f"no Table Schema type for dtype {dtype}")


def _field(
    column: str, series: pd.Series, resource: Resource, vocabulary: Vocabulary
) -> dict[str, object]:
    field: dict[str, object] = {"name": column, "type": _type(series.dtype)}
    constraints: dict[str, object] = {}
    notes = []
    spec = _declaration(column, resource)
    if isinstance(series.dtype, pd.CategoricalDtype):
        constraints["enum"] = [str(term) for term in series.dtype.categories]
        vocab = _vocabulary_field(series.dtype, vocabulary)
        if vocab:
            terms = "; ".join(
                f"{term} ({vocabulary.label(vocab, term)}): "
                + vocabulary.definition(vocab, term).rstrip(".")
                for term in vocabulary.terms(vocab)
            )
            notes.append(f"A term of the vocabulary field `{vocab}`: {terms}.")
    if spec is not None:
        if spec.description:
            notes.append(spec.description)
        if spec.references:
            notes.append(f"The id of the {spec.references} it refers to.")
        elif column == f"{resource.record}_id":
            notes.append(f"The id of the {resource.record}.")
        if spec.form:
            notes.append(f"Written as {spec.form}.")
        if spec.pattern:
            constraints["pattern"] = spec.pattern
        if not spec.nullable:
            constraints["required"] = True
    elif resource.parent and column == f"{resource.parent}_id":
        notes.append(f"The id of the {resource.parent} this row belongs to.")
        constraints["required"] = True
    elif column == "position" and resource.parent:
        notes.append(f"The author's place in the {resource.parent}'s list of authors, from 1.")
    elif count := _tally(column, vocabulary):
        notes.append(count)
    elif column.removesuffix("_id") in _records() and column.endswith("_id"):
        notes.append(f"The id of the {column.removesuffix('_id')} it refers to.")
    if notes:
        field["description"] = " ".join(notes)
    if constraints:
        field["constraints"] = constraints
    return field


def _primary_key(resource: Resource) -> list[str]:
    columns = list(resource.frame.columns)
    own = f"{resource.record}_id"
    if resource.name in SYNTHESIS:
        return SYNTHESIS[resource.name][1]
    if resource.name == "audit_results":
        return ["assertion_id", "result_id"]
    if "position" in columns and resource.parent:
        return [f"{resource.parent}_id", "position"]
    for column in columns:
        spec = _declaration(column, resource)
        if spec is not None and spec.unique:
            return [column]
    if own in columns and resource.parent:
        return [f"{resource.parent}_id", own]
    return []


def _foreign_keys(resource: Resource, keys: Mapping[str, str]) -> list[dict[str, object]]:
    """Every column that names a record exported with that record's id as its primary key."""
    found = []
    for column in resource.frame.columns:
        spec = _declaration(column, resource)
        target = spec.references if spec is not None and spec.references else None
        if target is None and column.endswith("_id"):
            target = column.removesuffix("_id")
        table = keys.get(target or "")
        if table is None or table == resource.name or column == f"{resource.record}_id":
            continue
        reference = {"resource": table, "fields": [f"{target}_id"]}
        found.append({"fields": [column], "reference": reference})
    return found


def descriptor(ev: Evidence, form: str, found: list[Resource]) -> dict[str, object]:
    """The data package descriptor of the export of `found` as `form` (csv or parquet)."""
    keys = {
        resource.record: resource.name
        for resource in found
        if _primary_key(resource) == [f"{resource.record}_id"]
    }
    described = []
    for resource in found:
        table_schema: dict[str, object] = {
            "fields": [
                _field(str(column), resource.frame[column], resource, ev.vocabulary)
                for column in resource.frame.columns
            ],
            "missingValues": [""],
        }
        if primary := _primary_key(resource):
            table_schema["primaryKey"] = primary
        if foreign := _foreign_keys(resource, keys):
            table_schema["foreignKeys"] = foreign
        entry = {
            "name": resource.name,
            "path": f"{resource.name}.{form}",
            "profile": "tabular-data-resource",
            "description": resource.description,
            "format": form,
            "mediatype": "text/csv" if form == "csv" else "application/vnd.apache.parquet",
            "schema": table_schema,
        }
        if form == "csv":
            entry["encoding"] = "utf-8"
        described.append(entry)
    return {
        "profile": PROFILE,
        "name": NAME,
        "title": "Massage for back pain: claims of popular articles and the research behind them",
        "version": __version__,
        "licenses": [{"name": "MIT", "path": "https://opensource.org/licenses/MIT"}],
        "resources": described,
    }


def pandas_dtypes(resource: Mapping[str, object]) -> dict[str, object]:
    """The pandas dtype of each field of a described resource: how `me.load()` types it."""
    dtypes: dict[str, object] = {}
    for field in resource["schema"]["fields"]:  # type: ignore[index]
        enum = field.get("constraints", {}).get("enum")
        if enum is not None:
            dtypes[field["name"]] = pd.CategoricalDtype(enum, ordered=False)
        else:
            types = {"string": "string", "integer": "Int64", "number": "Float64"}
            dtypes[field["name"]] = types.get(field["type"], "boolean")
    return dtypes
