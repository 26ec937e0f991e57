"""The addresses pages use to link to each other agree with the files the batch writes."""

from __future__ import annotations

from massage_evidence import grid, links, load
from massage_evidence.paths import BUNDLED


def test_every_audited_assertion_links_to_its_own_claim_audit_report():
    ev = load()
    slugs = {f"{r.slug}.html" for r in grid.reports(ev, grid.notebooks(BUNDLED / "notebooks"))}
    audited = ev.audit["assertion_id"].unique()
    assert len(audited) > 0
    assert {links.audit_href(a) for a in audited} <= slugs


def test_a_claim_links_to_its_span_on_its_source_page():
    assert links.claim_href("harvard-massage-back-on-feet", "harvard-001") == (
        "sources/harvard-massage-back-on-feet.html#harvard-001"
    )
    assert links.assertion_href("massage-better-than-usual-care") == (
        "assertions.html#massage-better-than-usual-care"
    )


def test_a_table_downloads_from_a_file_in_its_reports_own_data_folder():
    assert links.table_href("02-time-to-relief--sciatica", 3, "What the articles say") == (
        "data/02-time-to-relief--sciatica/03-what-the-articles-say.csv"
    )
    assert links.table_href("01-evidence-overview", 12, "???") == (
        "data/01-evidence-overview/12-table.csv"
    )
