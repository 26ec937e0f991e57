"""References from the structured citation fields: the one formatted citation, and CSL-JSON,
BibTeX and RIS files that read back (with the library that reads each) to the same records."""

from __future__ import annotations

import json
import re
from pathlib import Path

import bibtexparser
import pytest
import rispy

import massage_evidence as me
from massage_evidence.cli import main
from massage_evidence.errors import EvidenceError
from massage_evidence.export.citations import formatted, write

from .conftest import REPO, said_after_the_folders

RESEARCH = REPO.parent / "shared" / "primary-research.md"


@pytest.fixture(scope="module")
def ev() -> me.Evidence:
    return me.load()


def references(ev: me.Evidence) -> list[dict]:
    """What each reference is, from the tables (not from the writers): id, names, facts."""
    found = []
    for records, authors, key in (
        (ev.sources, ev.source_authors, "source_id"),
        (ev.studies, ev.study_authors, "study_id"),
    ):
        for record in records.to_dict("records"):
            names = authors[authors[key] == record[key]]
            found.append(
                {
                    "id": record[key],
                    "families": [
                        a.literal if isinstance(a.literal, str) else a.family
                        for a in names.itertuples()
                    ],
                    "et_al": bool(record["et_al"]),
                    **{
                        k: (None if record[k] is None or record[k] != record[k] else record[k])
                        for k in ("title", "container", "volume", "issue", "doi", "pmid")
                    },
                }
            )
    return found


def test_csl_json_reads_back_to_every_reference(ev):
    items = json.loads(write(ev, "csl-json"))
    expected = references(ev)
    assert [item["id"] for item in items] == [r["id"] for r in expected]
    for item, reference in zip(items, expected, strict=True):
        names = [a.get("literal", a.get("family")) for a in item.get("author", [])]
        assert names == reference["families"], reference["id"]
        assert item.get("title") == reference["title"]
        assert item.get("container-title") == reference["container"]
        assert item.get("DOI") == reference["doi"]
        assert item.get("PMID") == reference["pmid"]


def test_bibtex_reads_back_to_every_reference(ev):
    library = bibtexparser.parse_string(write(ev, "bibtex"))
    assert not library.failed_blocks
    entries = {entry.key: entry for entry in library.entries}
    for reference in references(ev):
        entry = entries[reference["id"]]
        authors = entry.fields_dict.get("author")
        names = authors.value.split(" and ") if authors else []
        families = [n.split(",")[0].strip("{}") for n in names]
        expected = reference["families"] + (["others"] if reference["et_al"] else [])
        assert families == expected, reference["id"]
        title = entry.fields_dict.get("title")
        assert (title.value if title else None) == reference["title"]
        doi = entry.fields_dict.get("doi")
        assert (doi.value if doi else None) == reference["doi"]
    assert len(entries) == len(references(ev))


def test_ris_reads_back_to_every_reference(ev):
    records = rispy.loads(write(ev, "ris"))
    expected = references(ev)
    assert [r["id"] for r in records] == [r["id"] for r in expected]
    for record, reference in zip(records, expected, strict=True):
        families = [name.split(",")[0] for name in record.get("authors", [])]
        assert families == reference["families"], reference["id"]
        assert record.get("title") == reference["title"]
        assert record.get("journal_name") == reference["container"]
        assert record.get("volume") == reference["volume"]
        assert record.get("doi") == reference["doi"]


def test_the_formatted_citations_agree_with_the_research_file(ev):
    """The formatter gives the journal references as primary-research.md writes them, up to
    the page range (which the NLM style shortens: 1081–1088 is written 1081–8)."""
    research = RESEARCH.read_text(encoding="utf-8").replace("*", "")
    texts = formatted(ev)
    for study in ev.studies.itertuples():
        text = texts[study.study_id]
        if study.reference_type == "journal_article":
            head = text[: text.index(f"{study.year};") + len(f"{study.year};")]
            assert head in research, study.study_id
        else:
            authors = ev.study_authors[ev.study_authors["study_id"] == study.study_id]
            facts = [*authors["literal"].dropna(), study.title, study.number]
            for fact in (f for f in facts if isinstance(f, str)):
                assert fact in text and fact in research, (study.study_id, fact)


def test_the_citation_is_made_from_the_fields_not_stored(mini_factory, tmp_path):
    root = mini_factory(tmp_path)
    studies = root / "evidence" / "studies.yaml"
    text = studies.read_text(encoding="utf-8")
    studies.write_text(
        text.replace("title: An invented trial of massage", "title: A renamed trial"),
        encoding="utf-8",
    )
    ev = me.load(root / "evidence", corpus=root / "corpus")
    texts = formatted(ev)
    assert texts["mini-trial"].startswith("Field D. A renamed trial. Test J. 2020;1(1):1")
    assert "https://example.org/back-care" in texts["mini-source"]
    ris = rispy.loads(write(ev, "ris"))
    assert ris[0]["urls"] == ["https://example.org/back-care"]
    assert ris[0]["access_date"] == "2020/02/01/"


@pytest.mark.parametrize(
    ("old", "new", "field", "shown"),
    [
        ('volume: "1"', "volume: 1", "volume", "1"),
        ("et_al: false", "et_al: 'no'", "et_al", "'no'"),
        ("url: https://example.org/back-care", "url: example.org", "url", "'example.org'"),
        ("    - {family: Field, given: D., literal: null}\n", "    - Field D\n", "authors[0]", ""),
    ],
)
def test_a_citation_field_of_the_wrong_kind_is_a_validation_problem(
    mini_factory, tmp_path, old, new, field, shown
):
    root = mini_factory(tmp_path)
    path = next(
        p for p in (root / "evidence").glob("*.yaml") if old in p.read_text(encoding="utf-8")
    )
    path.write_text(path.read_text(encoding="utf-8").replace(old, new, 1), encoding="utf-8")
    with pytest.raises(EvidenceError) as error:
        me.load(root / "evidence", corpus=root / "corpus")
    assert len(error.value.problems) == 1
    (line,) = error.value.problems
    assert re.match(rf"evidence/{path.name}:\d+: (study|source) mini-\S+: {re.escape(field)}", line)
    assert shown in line


def test_the_cite_command_writes_each_format(tmp_path, capsys):
    for form in ("csl-json", "bibtex", "ris"):
        out = tmp_path / f"references.{form}"
        assert main(["cite", "--format", form, "--out", str(out)]) == 0
        assert out.read_text(encoding="utf-8") == _stdout(form, capsys)
    assert "cherkin-2001" in (tmp_path / "references.ris").read_text(encoding="utf-8")


def _stdout(form: str, capsys: pytest.CaptureFixture[str]) -> str:
    capsys.readouterr()
    assert main(["cite", "--format", form]) == 0
    return capsys.readouterr().out


def test_cite_onto_a_folder_is_one_line_and_keeps_it(tmp_path: Path, capsys):
    (tmp_path / "refs.json").mkdir()
    assert main(["cite", "--out", str(tmp_path / "refs.json")]) == 2
    (line,) = said_after_the_folders(capsys.readouterr().err)
    assert line.startswith(f"massage-evidence: {tmp_path / 'refs.json'}: cannot write")
    assert (tmp_path / "refs.json").is_dir()
    assert [p.name for p in tmp_path.iterdir()] == ["refs.json"]
