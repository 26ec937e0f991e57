"""The report grid: every notebook × its declared parameter sets, checked before anything runs.

A notebook declares its parameter sets in its own metadata, so adding a notebook and its reports
is a change to one file:

    "metadata": {"massage_evidence": {"parameter_sets": [{"condition": "sciatica"}, ...]}}

A notebook that declares none gives one report with its defaults. The value `*` stands for every
value the evidence uses (see `parameters.expand`); for `source`, `*with_candidates` stands for
every source with candidate claims awaiting review in `evidence/candidates/` (none: no report).
Each set is checked against the notebook's `parameters` cell (unknown names) and against the
vocabulary and the evidence (unknown values), so that a wrong value is refused with one line
before any kernel starts. Notebooks are read as plain JSON and their parameters cell with `ast`:
nothing here imports nbformat or starts a process.
"""

from __future__ import annotations

import ast
import difflib
import itertools
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import parameters as params
from .errors import ParameterError, ReportError
from .evidence import Evidence
from .links import slug

METADATA_KEY = "massage_evidence"
PARAMETERS_TAG = "parameters"
SCALARS = (str, int, float, bool)
WITH_CANDIDATES = "*with_candidates"
CANDIDATES_FOLDER = "candidates"


@dataclass(frozen=True)
class Notebook:
    """A notebook of the grid: its file, title, parameter defaults and declared parameter sets."""

    path: Path
    title: str
    defaults: dict[str, Any]
    parameter_sets: list[dict[str, Any]]

    @property
    def name(self) -> str:
        return self.path.stem


@dataclass(frozen=True)
class Report:
    """One notebook with one parameter set, and the safe name its output files take.

    `ad_hoc` marks a report asked for outside the notebook's declared parameter sets (see
    `ad_hoc`); the index says so.
    """

    notebook: Notebook
    parameters: dict[str, Any]
    slug: str
    ad_hoc: bool = False


def _defaults(path: Path, cells: list[dict[str, Any]]) -> dict[str, Any]:
    """The names and literal defaults assigned in the cell tagged `parameters`."""
    cell = next((c for c in cells if PARAMETERS_TAG in c.get("metadata", {}).get("tags", [])), None)
    if cell is None:
        return {}
    source = _source(cell)
    defaults: dict[str, Any] = {}
    try:
        tree = ast.parse(source)
        for node in tree.body:
            if isinstance(node, ast.Assign) and len(node.targets) == 1:
                target, value = node.targets[0], node.value
            elif isinstance(node, ast.AnnAssign) and node.value is not None:
                target, value = node.target, node.value
            else:
                continue
            if isinstance(target, ast.Name):
                defaults[target.id] = ast.literal_eval(value)
    except (SyntaxError, ValueError) as error:
        message = f"{path}: the parameters cell must assign literal defaults ({error})"
        raise ReportError(message) from None
    return defaults


def _source(cell: dict[str, Any]) -> str:
    return "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]


def _title(cells: list[dict[str, Any]], fallback: str) -> str:
    """The first heading of the first cell, when it is markdown."""
    if cells and cells[0]["cell_type"] == "markdown":
        for line in _source(cells[0]).splitlines():
            if line.startswith("#"):
                return line.lstrip("#").strip()
    return fallback


def read_notebook(path: Path) -> Notebook:
    """Read one notebook's title, parameter defaults and declared parameter sets."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        cells = data["cells"]
    except (OSError, ValueError, KeyError) as error:
        raise ReportError(f"{path}: not a readable notebook ({error})") from error
    declared = data.get("metadata", {}).get(METADATA_KEY, {}).get("parameter_sets", [{}])
    if not isinstance(declared, list) or not all(isinstance(s, dict) for s in declared):
        raise ParameterError(
            f"{path}: metadata {METADATA_KEY}.parameter_sets must be a list of objects"
        )
    return Notebook(path, _title(cells, path.stem), _defaults(path, cells), declared)


def notebooks(folder: Path) -> list[Notebook]:
    """Every notebook in `folder`, by file name."""
    return [read_notebook(path) for path in sorted(folder.glob("*.ipynb"))]


def _check_value(ev: Evidence, notebook: Notebook, name: str, value: object) -> None:
    where = notebook.path.name
    if name not in notebook.defaults:
        known = sorted(notebook.defaults)
        close = difflib.get_close_matches(name, known, n=1, cutoff=0.6)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        allowed = ", ".join(known) or "none"
        raise ParameterError(f"{where}: unknown parameter {name!r}{hint}; allowed: {allowed}")
    if params.is_checked(ev, name):
        try:
            params.check(ev, name, value)
        except ParameterError as error:
            raise ParameterError(f"{where}: {error}") from None
        return
    default = notebook.defaults[name]
    if not isinstance(value, SCALARS) or (
        default is not None
        and type(value) is not type(default)
        and not (type(default) is float and type(value) is int)
    ):
        kind = type(default).__name__ if default is not None else "a number, text or true/false"
        raise ParameterError(f"{where}: parameter {name} must be {kind}, not {value!r}")


def _expand(ev: Evidence, name: str, value: object) -> list[object]:
    """`parameters.expand`, and for `source` also `*with_candidates` (see the module's text)."""
    if value != WITH_CANDIDATES:
        return params.expand(ev, name, value)
    if name != "source":
        raise ParameterError(f"{WITH_CANDIDATES!r} is a value of source only, not of {name}")
    folder = ev.root / CANDIDATES_FOLDER
    present = {p.stem for p in folder.glob("*.yaml")} if folder.is_dir() else set()
    return [str(s) for s in ev.sources["source_id"] if s in present]


def reports(ev: Evidence, notebooks: list[Notebook]) -> list[Report]:
    """Every report of the grid, checked; raises ParameterError at the first wrong parameter."""
    grid: list[Report] = []
    seen: dict[str, Report] = {}
    for notebook in notebooks:
        for declared in notebook.parameter_sets:
            try:
                choices = [_expand(ev, name, value) for name, value in declared.items()]
            except ParameterError as error:
                raise ParameterError(f"{notebook.path.name}: {error}") from None
            for values in itertools.product(*choices):
                chosen = dict(zip(declared, values, strict=True))
                for name, value in chosen.items():
                    _check_value(ev, notebook, name, value)
                report = Report(notebook, chosen, slug(notebook.name, chosen))
                if report.slug in seen:
                    raise ParameterError(
                        f"{notebook.path.name}: parameter sets {seen[report.slug].parameters} and "
                        f"{chosen} give the same report name {report.slug!r}"
                    )
                seen[report.slug] = report
                grid.append(report)
    return grid


def find_notebook(notebooks: list[Notebook], name: str) -> Notebook:
    """The notebook called `name`: its file name, with or without `.ipynb`, its report name
    (`09-summary-of-findings`) or its number alone (`09`) when no other notebook has it;
    ParameterError in one line naming them all when none is."""
    wanted = name.removesuffix(".ipynb")
    for notebook in notebooks:
        if wanted in (notebook.name, slug(notebook.name, {})):
            return notebook
    numbered = [n for n in notebooks if wanted.isdigit() and n.name.split("_")[0] == wanted]
    if len(numbered) == 1:
        return numbered[0]
    known = ", ".join(n.name for n in notebooks) or "none"
    close = difflib.get_close_matches(wanted, [n.name for n in notebooks], n=1, cutoff=0.6)
    hint = f" (did you mean {close[0]!r}?)" if close else ""
    raise ParameterError(f"unknown notebook {name!r}{hint}; notebooks: {known}")


def _typed(notebook: Notebook, name: str, text: str) -> object:
    """A `-p` value as the type of the parameter's default: a whole number, a number,
    true/false, or text (a default of None: a number when it reads as one, else text)."""
    default = notebook.defaults.get(name)
    if isinstance(default, str):
        return text
    kind = type(default)
    try:
        if kind is bool:
            return {"true": True, "false": False}[text.lower()]
        if kind is int:
            return int(text)
        if kind is float:
            return float(text)
    except (KeyError, ValueError):
        what = {bool: "true or false", int: "a whole number", float: "a number"}[kind]
        raise ParameterError(
            f"{notebook.path.name}: parameter {name} must be {what}, not {text!r}"
        ) from None
    for parse in (int, float):
        try:
            return parse(text)
        except ValueError:
            continue
    return text


def parse_assignments(notebook: Notebook, assignments: list[str]) -> dict[str, object]:
    """`key=value` texts (the CLI's `-p`) as parameters, each value of its default's type."""
    chosen: dict[str, object] = {}
    for assignment in assignments:
        key, equals, text = assignment.partition("=")
        key = key.strip()
        if not equals or not key:
            raise ParameterError(
                f"-p {assignment!r}: expected key=value, e.g. -p comparison=acupuncture"
            )
        if key in chosen:
            raise ParameterError(f"-p: parameter {key} is given twice")
        chosen[key] = _typed(notebook, key, text) if key in notebook.defaults else text
    return chosen


def ad_hoc_report(ev: Evidence, notebook: Notebook, parameters: dict[str, object]) -> Report:
    """The report of `notebook` with `parameters` (the others keep their defaults), checked like
    the grid's: ParameterError in one line when a name or a value is wrong. Marked `ad_hoc`
    unless the notebook declares the same parameter set."""
    for name, value in parameters.items():
        _check_value(ev, notebook, name, value)
    named = slug(notebook.name, parameters)
    declared = {r.slug for r in reports(ev, [notebook])}
    return Report(notebook, dict(parameters), named, ad_hoc=named not in declared)


def ad_hoc(ev: Evidence, notebooks: list[Notebook], name: str, assignments: list[str]) -> Report:
    """The report of notebook `name` with the CLI's `-p key=value` assignments (see
    `find_notebook`, `parse_assignments` and `ad_hoc_report`)."""
    notebook = find_notebook(notebooks, name)
    return ad_hoc_report(ev, notebook, parse_assignments(notebook, assignments))
