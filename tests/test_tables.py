"""The tables the reports show read as a person reads them: labels, quantities, who, links."""

from __future__ import annotations

import csv
import io

import pandas as pd
import pytest

import massage_evidence as me
from massage_evidence import audit, display, links, summary, tables, wording
from massage_evidence.display import Cell, Link
from massage_evidence.sources_order import short_name, short_names, source_order


@pytest.fixture(scope="module")
def ev() -> me.Evidence:
    return me.load()


def _texts(table: display.Table) -> list[dict[str, str]]:
    """The table as its CSV download reads it: one dict of header -> text per row."""
    return list(csv.DictReader(io.StringIO(display.table_csv(table.frame))))


def _links(cell: object) -> dict[str, str]:
    assert isinstance(cell, Cell), cell
    return {part.text: part.href for part in cell.parts if part.href}


@pytest.mark.parametrize(
    ("low", "high", "unit", "reads"),
    [
        (2, 3, "sessions", "2–3 sessions"),
        (4, 4, "weeks", "4 weeks"),
        (None, 4, "weeks", "up to 4 weeks"),
        (1, None, "years", "at least 1 year"),
        (1, 1, "sessions", "1 session"),
        (2.0, 2.0, "times_per_month", "2 times a month"),
        (1, 1, "times_per_week", "once a week"),
        (10, 30, "seconds", "10–30 seconds"),
        (50, 100, "usd_per_hour", "$50–$100 an hour"),
        (1000, 1000, "usd", "$1,000"),
        (0.33, 0.33, "proportion", "33%"),
        (2.5, 2.5, "hours", "2.5 hours"),
    ],
)
def test_a_quantity_reads_as_written_not_as_two_floats(ev, low, high, unit, reads):
    assert wording.quantity(low, high, unit, ev.vocabulary) == reads


def test_who_names_the_person_with_role_and_publisher_or_the_article():
    assert wording.who("Davis Reyes", "physical therapist", "Lifescript") == (
        "Davis Reyes, physical therapist — Lifescript"
    )
    assert wording.who("Hirt", None, "WebMD") == "Hirt — WebMD"
    assert wording.who(None, None, "Harvard Health Publishing") == (
        "the article (Harvard Health Publishing)"
    )


def test_each_source_has_one_short_name_and_the_order_is_by_that_name(ev):
    assert short_names(ev.sources) == {
        "webmd-massage-best-approach": "WebMD",
        "lifescript-massage-lower-back-pain": "Lifescript",
        "five-things-massage-back-pain": "Massage Therapy for Back Pain",
        "harvard-massage-back-on-feet": "Harvard Health Publishing",
        "therapeutic-back-pain-massage": "Therapeutic Back Pain Massage",
    }
    assert source_order(ev.sources) == [
        "harvard-massage-back-on-feet",
        "lifescript-massage-lower-back-pain",
        "five-things-massage-back-pain",
        "therapeutic-back-pain-massage",
        "webmd-massage-best-approach",
    ]


def test_a_long_title_is_cut_at_a_word_and_equal_names_are_told_apart():
    title = "Why your lower back hurts after sitting all day and what you can do about it"
    assert short_name(None, title) == "Why your lower back hurts after sitting…"
    assert len(short_name(None, title)) <= 40
    sources = pd.DataFrame(
        {"source_id": ["a", "b"], "publisher": ["WebMD", "WebMD.com"], "title": ["x", "y"]}
    )
    assert short_names(sources) == {"a": "WebMD (a)", "b": "WebMD (b)"}


def test_the_time_figures_read_as_quantities_with_who_and_the_verdict_beside(ev):
    shown = tables.time_figures(ev, me.time_to_relief(ev, condition="new_localized_injury"))
    rows = {row["Claim"]: row for row in _texts(shown)}
    row = rows["lifescript-024"]
    assert row["Figure"] == "2–3 sessions" and row["In the text"] == "2-3 sessions"
    assert row["What"] == "Sessions to relief"
    assert row["Who says it"] == "Davis Reyes, physical therapist — Lifescript"
    assert (row["Basis"], row["Hedge"]) == ("Expert opinion", "Probable")
    assert row["Verdict"] == "Not addressed by research"
    assert row["Assertion"] == "relief-in-2-3-sessions-new-localized-injury"
    first = shown.frame.iloc[list(rows).index("lifescript-024")]
    assert _links(first["Claim"]) == {
        "lifescript-024": "sources/lifescript-massage-lower-back-pain.html#lifescript-024"
    }
    assert _links(first["Verdict"]) == {
        "Not addressed by research": "07-claim-audit--relief-in-2-3-sessions-new-localized-injury.html"
    }
    assert _links(first["Assertion"]) == {
        "relief-in-2-3-sessions-new-localized-injury": (
            "assertions.html#relief-in-2-3-sessions-new-localized-injury"
        )
    }


def test_no_table_shows_a_vocabulary_code_where_a_label_exists(ev):
    vocabulary = ev.vocabulary
    fields = ["category", "basis", "hedge", "verdict", "direction", "outcome", "comparator"]
    fields += ["study_design", "tension_kind", "quantity", "source_kind"]
    codes = {
        term
        for field in fields
        for term in vocabulary.terms(field)
        if vocabulary.label(field, term) != term
    }
    source = "lifescript-massage-lower-back-pain"
    shown = [
        tables.per_source(ev, summary.per_source(ev)),
        tables.assertions(ev, me.consensus(ev)),
        tables.time_figures(ev, me.time_to_relief(ev)),
        tables.comparisons(ev, me.comparisons(ev)),
        tables.claims(ev, ev.claims[ev.claims["source_id"] == source]),
        tables.people(ev, source),
        tables.tensions(ev, me.tensions(ev)),
        tables.studies(ev),
        tables.audited(ev, audit.audit(ev)),
    ]
    for table in shown:
        assert all("_" not in str(header) for header in table.frame.columns), table.name
        cells = {text for row in _texts(table) for text in row.values()}
        assert not cells & codes, (table.name, sorted(cells & codes))
        assert "2.0" not in cells and "nan" not in cells and "<NA>" not in cells


def test_every_assertion_links_to_its_claims_and_every_audited_one_to_its_verdict(ev):
    shared = me.consensus(ev)
    shown = tables.assertions(ev, shared)
    verdicts = ev.audit.set_index("assertion_id")["verdict"]
    sources = ev.claims.set_index("claim_id")["source_id"]
    for (_, row), (_, cells) in zip(shared.iterrows(), shown.frame.iterrows(), strict=True):
        assertion = row["assertion_id"]
        assert _links(cells["Assertion"]) == {row["statement"]: f"assertions.html#{assertion}"}
        if assertion in verdicts.index:
            label = ev.vocabulary.label("verdict", verdicts[assertion])
            assert _links(cells["Verdict"]) == {label: links.audit_href(assertion)}
        else:
            assert cells["Verdict"] == "not audited"
        claim_ids = row["claim_ids"].split(", ")
        assert _links(cells["Claims"]) == {c: f"sources/{sources[c]}.html#{c}" for c in claim_ids}


def test_each_tension_is_one_row_with_its_reason_once_and_a_column_per_side(ev):
    shown = tables.tensions(ev, me.tensions(ev))
    assert list(shown.frame.columns) == ["Tension", "One side", "The other side"]
    assert len(shown.frame) == len(ev.tensions)
    for (_, tension), row in zip(ev.tensions.iterrows(), _texts(shown), strict=True):
        kind = ev.vocabulary.label("tension_kind", tension["kind"])
        assert row["Tension"] == f"{kind}: {tension['reason']}"
        for side, column in (("first", "One side"), ("second", "The other side")):
            assertion = tension[f"{side}_assertion_id"]
            statement = ev.assertions.set_index("assertion_id").loc[assertion, "statement"]
            assert row[column].startswith(statement)
            for claim in ev.claims[ev.claims["assertion_id"] == assertion].itertuples():
                assert f"“{claim.quote}”" in row[column] and f"({claim.claim_id})" in row[column]


def test_a_shown_table_is_escaped_html_with_its_links_and_its_csv_in_the_metadata():
    hostile = "<script>alert(1)</script>"
    frame = pd.DataFrame(
        {
            "Claim": [Cell((Link("x-001", "sources/x.html#x-001"),)), "x-002"],
            "Quote": [hostile, "line one\nline two"],
            "Count": pd.array([3, None], dtype="Int64"),
        }
    )
    data, metadata = display.table_bundle(display.Table(frame, "claims"))
    html = data["text/html"]
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert '<td><a href="sources/x.html#x-001">x-001</a></td>' in html
    assert "line one<br>line two" in html and "<th>Claim</th>" in html
    assert 'class="table-filter"' not in html  # two rows: no filter box
    download = metadata["massage_evidence"]["tables"]
    assert [table["name"] for table in download] == ["claims"]
    assert list(csv.reader(io.StringIO(download[0]["csv"]))) == [
        ["Claim", "Quote", "Count"],
        ["x-001", hostile, "3"],
        ["x-002", "line one\nline two", ""],
    ]


def test_a_long_table_gets_a_filter_box_hidden_until_the_reports_script_shows_it():
    frame = pd.DataFrame({"n": range(display.FILTER_FROM + 1)})
    html = display.table_bundle(frame)[0]["text/html"]
    assert '<input type="search" class="table-filter" hidden' in html
    short = pd.DataFrame({"n": range(display.FILTER_FROM)})
    assert "table-filter" not in display.table_bundle(short)[0]["text/html"]
