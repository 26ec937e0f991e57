"""Text from the evidence is shown as text: markup in a quote or a statement never runs."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pytest

from massage_evidence import links

from .conftest import block_outside

SCRIPT = "<script>window.__pwned=1</script>"
IMAGE = '<img src=x onerror="window.__pwned=2">'
HOSTILE_LINE = f"Never massage {SCRIPT} a swollen {IMAGE} area."


@pytest.fixture(scope="module")
def hostile_reports(tmp_path_factory: pytest.TempPathFactory, mini_factory) -> Path:
    """The mini evidence whose second claim quotes, and paraphrases, markup; its reports."""
    from massage_evidence import reports

    root = mini_factory(tmp_path_factory.mktemp("hostile"))
    corpus = root / "corpus" / "mini.txt"
    text = corpus.read_text(encoding="utf-8") + HOSTILE_LINE + "\n"
    corpus.write_text(text, encoding="utf-8")
    start = text.index(HOSTILE_LINE)
    sources = root / "evidence" / "sources.yaml"
    digest = hashlib.sha256(corpus.read_bytes()).hexdigest()
    sources.write_text(re.sub(r"[0-9a-f]{64}", digest, sources.read_text()))
    claims = root / "evidence" / "claims" / "mini-source.yaml"
    original = claims.read_text(encoding="utf-8")
    quoted = HOSTILE_LINE.replace('"', '\\"')
    hostile = original.replace(
        '    quote: "Never massage a swollen or inflamed area."\n    start: 133\n    end: 174\n',
        f'    quote: "{quoted}"\n    start: {start}\n    end: {start + len(HOSTILE_LINE)}\n',
    ).replace(
        "statement: A swollen or inflamed area should not be massaged.",
        f"statement: 'Do not massage {SCRIPT} a swollen {IMAGE} area.'",
    )
    assert hostile != original
    claims.write_text(hostile, encoding="utf-8")
    out = root / "reports"
    batch = reports.render(
        out,
        evidence=root / "evidence",
        corpus=root / "corpus",
        only="04-source-profile*",
        progress=False,
    )
    assert [e.status for e in batch.entries if e.selected] == [reports.RENDERED], batch.entries
    return out


def test_markup_in_a_quote_is_shown_literally_and_never_runs(page, hostile_reports: Path):
    refused = block_outside(page, hostile_reports)
    report = next(hostile_reports.glob("04-source-profile--*.html"))
    page.goto(report.as_uri())
    page.wait_for_load_state("load")
    page.wait_for_timeout(500)
    assert page.evaluate("typeof window.__pwned") == "undefined"
    shown = page.inner_text("body")
    assert HOSTILE_LINE in shown
    assert f"Do not massage {SCRIPT} a swollen {IMAGE} area." in shown
    assert refused == []


def test_markup_in_a_quote_stays_text_on_the_reader_page_and_in_the_search(
    page, hostile_reports: Path
):
    refused = block_outside(page, hostile_reports)
    page.goto((hostile_reports / links.source_href("mini-source")).as_uri())
    page.wait_for_load_state("load")
    page.wait_for_timeout(500)
    assert page.evaluate("typeof window.__pwned") == "undefined"
    assert HOSTILE_LINE in page.inner_text(".source-text")
    page.goto((hostile_reports / "index.html").as_uri())
    page.fill("#search", "swollen")
    page.wait_for_timeout(500)
    assert page.evaluate("typeof window.__pwned") == "undefined"
    assert f"Do not massage {SCRIPT} a swollen {IMAGE} area." in page.inner_text("#search-results")
    assert refused == []
