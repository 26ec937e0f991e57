"""The export: a Frictionless data package of every table (CSV or Parquet), keys and enums
declared, round trips back to the tables of `me.load()`, deterministic, atomic, bad targets
refused."""

from __future__ import annotations

import dataclasses
import json
import shutil
import subprocess
import sys
from pathlib import Path

import frictionless
import pandas as pd
import pyarrow.parquet as pq
import pytest
from pandas.testing import assert_frame_equal

import massage_evidence as me
from massage_evidence import schema
from massage_evidence.cli import main
from massage_evidence.export import ExportError, package
from massage_evidence.export.package import export

from .conftest import said_after_the_folders

SYNTHESIS = ("consensus", "time_to_relief", "comparisons", "strength")
# The pandas dtype of each Table Schema type, as the README documents it; a field with an enum
# constraint is a categorical over those terms, in their order.
DTYPES = {"string": "string", "integer": "Int64", "number": "Float64", "boolean": "boolean"}


@pytest.fixture(scope="module")
def ev() -> me.Evidence:
    return me.load()


@pytest.fixture(scope="module")
def csv_export(ev, tmp_path_factory) -> Path:
    return export(ev, tmp_path_factory.mktemp("csv") / "package", "csv")


@pytest.fixture(scope="module")
def parquet_export(ev, tmp_path_factory) -> Path:
    return export(ev, tmp_path_factory.mktemp("parquet") / "package", "parquet")


def evidence_tables(ev: me.Evidence) -> dict[str, pd.DataFrame]:
    return {
        f.name: getattr(ev, f.name)
        for f in dataclasses.fields(ev)
        if isinstance(getattr(ev, f.name), pd.DataFrame)
    }


def descriptor(folder: Path) -> dict:
    return json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))


def resource(folder: Path, name: str) -> dict:
    return next(r for r in descriptor(folder)["resources"] if r["name"] == name)


def dtypes(described: dict) -> dict[str, object]:
    found = {}
    for field in described["schema"]["fields"]:
        enum = field.get("constraints", {}).get("enum")
        found[field["name"]] = pd.CategoricalDtype(enum) if enum else DTYPES[field["type"]]
    return found


def read_csv(folder: Path, name: str) -> pd.DataFrame:
    described = resource(folder, name)
    return pd.read_csv(
        folder / described["path"],
        dtype=dtypes(described),
        keep_default_na=False,
        na_values=[""],
        encoding="utf-8",
    )


def test_every_table_and_the_synthesis_tables_are_exported(ev, csv_export):
    names = [r["name"] for r in descriptor(csv_export)["resources"]]
    assert set(names) == set(evidence_tables(ev)) | set(SYNTHESIS)
    assert sorted(p.name for p in csv_export.iterdir()) == sorted(
        ["datapackage.json", *(f"{name}.csv" for name in names)]
    )


def test_a_fresh_export_is_a_valid_data_package(csv_export):
    report = frictionless.validate(csv_export / "datapackage.json")
    assert report.valid, report.flatten(["type", "note"])[:5]


def test_a_copy_with_a_broken_foreign_key_fails_validation(csv_export, tmp_path):
    broken = tmp_path / "broken"
    shutil.copytree(csv_export, broken)
    claims = pd.read_csv(broken / "claims.csv", dtype=str, keep_default_na=False)
    claims.loc[0, "assertion_id"] = "no-such-assertion"
    claims.to_csv(broken / "claims.csv", index=False, lineterminator="\n")
    report = frictionless.validate(broken / "datapackage.json")
    assert not report.valid
    failed = {task.name for task in report.tasks if not task.valid}
    assert failed == {"claims"}


def test_keys_link_the_tables(csv_export):
    def links(name: str) -> set[tuple[str, str]]:
        keys = resource(csv_export, name)["schema"].get("foreignKeys", [])
        return {(k["fields"][0], k["reference"]["resource"]) for k in keys}

    assert {("source_id", "sources"), ("assertion_id", "assertions")} <= links("claims")
    assert ("claim_id", "claims") in links("quantities")
    assert ("study_id", "studies") in links("results")
    assert ("assertion_id", "assertions") in links("audit")
    assert {("assertion_id", "assertions"), ("result_id", "results")} <= links("audit_results")
    primary = {
        r["name"]: r["schema"].get("primaryKey") for r in descriptor(csv_export)["resources"]
    }
    assert primary["claims"] == ["claim_id"]
    assert primary["results"] == ["result_id"]
    assert primary["study_authors"] == ["study_id", "position"]


def test_coded_fields_carry_the_vocabulary_terms_and_definitions(ev, csv_export):
    fields = {f["name"]: f for f in resource(csv_export, "claims")["schema"]["fields"]}
    assert fields["category"]["constraints"]["enum"] == ev.vocabulary.terms("category")
    for term in ev.vocabulary.terms("basis"):
        definition = ev.vocabulary.definition("basis", term).rstrip(".")
        assert definition in fields["basis"]["description"]
    assert fields["quote"]["type"] == "string"
    assert fields["start"]["type"] == "integer"
    assert fields["comparator"]["constraints"].get("required") is None  # nullable
    assert fields["claim_id"]["constraints"]["required"] is True
    studies = {f["name"]: f for f in resource(csv_export, "studies")["schema"]["fields"]}
    assert studies["et_al"]["type"] == "boolean"
    declared = [n for n, spec in schema.citation("study_author").items() if spec.kind is not list]
    assert all("description" in studies[name] for name in declared)
    strength = {f["name"]: f for f in resource(csv_export, "strength")["schema"]["fields"]}
    assert ev.vocabulary.label("basis", "anecdote") in strength["basis_anecdote"]["description"]
    assert studies["doi"]["constraints"]["pattern"].startswith("10")


def test_every_table_round_trips_through_csv_with_its_documented_dtypes(ev, csv_export):
    for name, table in evidence_tables(ev).items():
        assert_frame_equal(read_csv(csv_export, name), table, obj=name)


def test_every_table_round_trips_through_parquet(ev, parquet_export):
    for name, table in evidence_tables(ev).items():
        back = pq.read_table(parquet_export / f"{name}.parquet").to_pandas()
        assert_frame_equal(back, table, obj=name)


def test_the_synthesis_tables_round_trip_with_their_values(ev, csv_export, parquet_export):
    for name in SYNTHESIS:
        table = getattr(me, name)(ev)
        back = read_csv(csv_export, name)
        assert_frame_equal(back, table.astype(back.dtypes.to_dict()), obj=name)
        parquet = pq.read_table(parquet_export / f"{name}.parquet").to_pandas()
        assert_frame_equal(parquet, table, obj=name)


@pytest.mark.parametrize("form", ["csv", "parquet"])
def test_two_exports_are_byte_identical(ev, tmp_path, form):
    first, second = export(ev, tmp_path / "a", form), export(ev, tmp_path / "b", form)
    files = sorted(p.name for p in first.iterdir())
    assert files == sorted(p.name for p in second.iterdir())
    for name in files:
        assert (first / name).read_bytes() == (second / name).read_bytes(), name


def test_an_earlier_export_is_replaced_and_nothing_is_left_beside_it(ev, tmp_path):
    target = tmp_path / "package"
    export(ev, target, "csv")
    (target / "stale.csv").write_text("old", encoding="utf-8")
    export(ev, target, "parquet")
    assert not (target / "stale.csv").exists()
    assert resource(target, "claims")["path"] == "claims.parquet"
    assert [p.name for p in tmp_path.iterdir()] == ["package"]


def test_a_failure_while_writing_leaves_the_earlier_export_whole(ev, tmp_path, monkeypatch):
    target = export(ev, tmp_path / "package", "csv")
    before = {p.name: p.read_bytes() for p in target.iterdir()}
    written = []

    def failing(resource, path, form):
        if len(written) == 3:
            raise OSError("disk full")
        written.append(resource.name)
        path.write_text("partial", encoding="utf-8")

    monkeypatch.setattr(package, "_write_table", failing)
    with pytest.raises(OSError):
        export(ev, target, "csv")
    assert {p.name: p.read_bytes() for p in target.iterdir()} == before
    assert [p.name for p in tmp_path.iterdir()] == ["package"]


def test_a_target_that_is_a_file_is_refused_and_kept(tmp_path, capsys):
    target = tmp_path / "notes.txt"
    target.write_text("mine", encoding="utf-8")
    assert main(["export", "--out", str(target)]) == 2
    error = said_after_the_folders(capsys.readouterr().err)
    assert error == [f"massage-evidence: {target}: is a file, not a folder; nothing was written"]
    assert target.read_text(encoding="utf-8") == "mine"


def test_a_folder_that_is_not_an_export_is_refused_and_kept(tmp_path, capsys):
    (tmp_path / "thesis.tex").write_text("mine", encoding="utf-8")
    assert main(["export", "--format", "parquet", "--out", str(tmp_path)]) == 2
    error = said_after_the_folders(capsys.readouterr().err)
    assert error == [
        f"massage-evidence: {tmp_path}: exists and is not an export of massage-evidence; "
        "nothing was overwritten (choose a new or empty folder)"
    ]
    assert [p.name for p in tmp_path.iterdir()] == ["thesis.tex"]


def test_an_unknown_format_is_refused_by_the_command_line(tmp_path, capsys):
    with pytest.raises(SystemExit) as stop:
        main(["export", "--format", "xlsx", "--out", str(tmp_path / "x")])
    assert stop.value.code == 2
    assert not (tmp_path / "x").exists()


def test_parquet_without_pyarrow_is_one_line(ev, tmp_path, monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, "pyarrow", None)
    with pytest.raises(ExportError, match=r"massage-evidence\[parquet\]"):
        export(ev, tmp_path / "package", "parquet")
    assert main(["export", "--format", "parquet", "--out", str(tmp_path / "package")]) == 2
    assert len(said_after_the_folders(capsys.readouterr().err)) == 1
    assert not (tmp_path / "package").exists()


def test_the_command_writes_the_export(tmp_path, capsys):
    assert main(["export", "--out", str(tmp_path / "package")]) == 0
    assert capsys.readouterr().out == f"exported: {tmp_path / 'package'}\n"
    assert (tmp_path / "package" / "claims.csv").is_file()


R_SCRIPT = """
args <- commandArgs(trailingOnly = TRUE)
claims <- read.csv(file.path(args[1], "claims.csv"), na.strings = "", encoding = "UTF-8")
results <- read.csv(file.path(args[1], "results.csv"), na.strings = "", encoding = "UTF-8")
md <- subset(results, estimate_type == "mean_difference")
cat(nrow(claims), ncol(claims), class(claims$start), nrow(results), sum(is.na(results$value)),
    nrow(md), "\\n")
"""


def test_r_reads_the_export(ev, csv_export, tmp_path):
    rscript = shutil.which("Rscript")
    if rscript is None:
        pytest.skip("Rscript is not installed here; the README's R example is checked where it is")
    script = tmp_path / "read.R"
    script.write_text(R_SCRIPT, encoding="utf-8")
    run = subprocess.run(
        [rscript, str(script), str(csv_export)], capture_output=True, text=True, timeout=120
    )
    assert run.returncode == 0, run.stderr
    expected = [
        len(ev.claims),
        len(ev.claims.columns),
        "integer",
        len(ev.results),
        int(ev.results["value"].isna().sum()),
        int((ev.results["estimate_type"] == "mean_difference").sum()),
    ]
    assert run.stdout.split() == [str(value) for value in expected]
