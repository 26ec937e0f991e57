"""The tables of the offline reports as a person uses them: filtering rows, downloading CSV."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from .conftest import block_outside

PROFILE = "04-source-profile--lifescript-massage-lower-back-pain.html"
TIME = "02-time-to-relief--new-localized-injury.html"
SHOWN = """wrap => ({
  head: Array.from(wrap.querySelectorAll('thead th'), th => th.innerText),
  rows: Array.from(wrap.querySelectorAll('tbody tr'), tr =>
    Array.from(tr.querySelectorAll('td'), td => td.innerText)),
})"""


def _words(text: str) -> str:
    return " ".join(text.split())


def _visible_rows(table) -> list[str]:
    return table.locator("tbody tr:visible").all_inner_texts()


def test_the_filter_box_narrows_a_long_table_to_the_rows_with_the_words(page, all_reports: Path):
    refused = block_outside(page, all_reports)
    page.goto((all_reports / PROFILE).as_uri())
    box = page.locator("input.table-filter").last  # the table of every claim of the source
    assert box.is_visible()
    table = box.locator("xpath=..").locator("table")
    every = _visible_rows(table)
    assert len(every) > 10 and table.locator("tbody tr").count() == len(every)
    box.fill("2-3 SESSIONS")  # case and word order do not matter
    narrowed = _visible_rows(table)
    assert 1 <= len(narrowed) < len(every)
    assert all("2-3 sessions" in row.lower() for row in narrowed)
    assert any(row.startswith("lifescript-024") for row in narrowed)
    assert f"{len(narrowed)} of {len(every)} rows" in box.locator("xpath=..").inner_text()
    box.fill("no row says this zzqx")
    assert _visible_rows(table) == []
    box.fill("")
    assert _visible_rows(table) == every
    assert refused == [] and page.console_errors == []


def test_each_csv_link_downloads_the_rows_of_the_table_shown_above_it(page, all_reports: Path):
    refused = block_outside(page, all_reports)
    compared = 0
    for report in (TIME, PROFILE):
        page.goto((all_reports / report).as_uri())
        wraps = page.locator(".evidence-table-wrap")
        assert wraps.count() >= 1
        for i in range(wraps.count()):
            wrap = wraps.nth(i)
            link = wrap.locator("xpath=following-sibling::p[@class='table-download'][1]/a")
            assert link.count() == 1, (report, i)
            with page.expect_download() as download:
                link.click()
            saved = Path(download.value.path()).read_text(encoding="utf-8")
            expected = all_reports / link.get_attribute("href")
            assert saved == expected.read_text(encoding="utf-8")
            head, *rows = list(csv.reader(io.StringIO(saved)))
            shown = wrap.evaluate(SHOWN)
            assert head == shown["head"], (report, i)
            assert [[_words(v) for v in r] for r in rows] == [
                [_words(v) for v in r] for r in shown["rows"]
            ], (report, i)
            compared += 1
    assert compared >= 4  # the time figures, the source, its people, assertions, claims
    assert refused == [] and page.console_errors == []


def test_a_verdict_beside_an_audited_assertion_opens_its_audit_report(page, all_reports: Path):
    """The time-to-relief report puts the audit's verdict on "relief in 2–3 sessions" beside the
    claim; following it lands on that assertion's claim-audit report, which gives that verdict."""
    import massage_evidence as me
    from massage_evidence import links

    ev = me.load()
    assertion = "relief-in-2-3-sessions-new-localized-injury"
    verdict = ev.audit.set_index("assertion_id").loc[assertion, "verdict"]
    label = ev.vocabulary.label("verdict", str(verdict))
    refused = block_outside(page, all_reports)
    page.goto((all_reports / TIME).as_uri())
    link = page.locator(f'table a[href="{links.audit_href(assertion)}"]').first
    assert _words(link.inner_text()) == label
    link.click()
    page.wait_for_load_state("load")
    assert page.url.endswith(links.audit_href(assertion))
    body = _words(page.locator("body").inner_text())
    assert label in body and assertion in body
    assert refused == []
