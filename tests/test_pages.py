"""The pages around the reports: the index (search, sources, build stamp, how to cite), the
assertions page and the search index, as the batch writes them."""

from __future__ import annotations

import html
import json
import re
import subprocess
from pathlib import Path

import pytest

import massage_evidence as me
from massage_evidence import links, pages, provenance, reader, reports, search
from massage_evidence.export.citations import formatted

from .conftest import MINI
from .test_reader import without_corpus

FIXTURES = MINI.parent / "notebooks"
SECTION = re.compile(r'<section class="assertion" id="([^"]+)">(.*?)</section>', re.S)


def shown(page: str) -> str:
    """A page's text as a person reads it: tags gone, entities decoded, spaces collapsed."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())


def search_index(out: Path) -> list[dict[str, str]]:
    script = (out / "assets" / search.FILE).read_text(encoding="utf-8")
    prefix = f"window.{search.GLOBAL} = "
    assert script.startswith(prefix) and script.endswith(";\n") and script.isascii()
    return json.loads(script[len(prefix) : -2])


def test_the_index_has_the_search_box_the_reader_pages_the_stamp_and_how_to_cite(rendered):
    out = rendered.index.parent
    ev = me.load()
    index = rendered.index.read_text(encoding="utf-8")
    text = shown(index)
    stamp = provenance.stamp(ev.root)
    assert f"Built by {stamp.text()}." in text
    assert '<input type="search" id="search"' in index
    for script in ("assets/search-index.js", "assets/search.js"):
        assert f'<script src="{script}" defer></script>' in index and (out / script).is_file()
    for source in ev.sources.itertuples(index=False):
        assert f'<a href="{links.source_href(source.source_id)}">' in index
        assert (out / links.source_href(source.source_id)).is_file()
    assert "were not built" not in text
    how_to_cite = shown(index[index.index('id="how-to-cite"') :])
    assert f"massage-evidence, version {me.__version__}" in how_to_cite
    assert f"Evidence sha256 {stamp.evidence_digest}" in how_to_cite
    citations = formatted(ev)
    for source_id in ev.sources["source_id"]:
        assert " ".join(citations[source_id].split()) in how_to_cite


def test_the_stamp_names_the_version_the_evidence_digest_and_nothing_that_changes(tmp_path):
    evidence = tmp_path / "evidence"
    evidence.mkdir()
    (evidence / "a.yaml").write_text("a: 1\n")
    first = provenance.stamp(evidence)
    assert first == provenance.stamp(evidence)  # no time, nothing that differs between runs
    assert (
        first.text() == f"massage-evidence {me.__version__} · evidence sha256 {first.short_digest}"
    )
    (evidence / "a.yaml").write_text("a: 2\n")
    assert provenance.stamp(evidence).evidence_digest != first.evidence_digest
    assert first.commit is None  # not in a git repository


def git(folder: Path, *arguments: str) -> str:
    identity = ["-c", "user.name=Test", "-c", "user.email=test@example.org"]
    done = subprocess.run(["git", "-C", str(folder), *identity, *arguments], capture_output=True)
    assert done.returncode == 0, done.stderr
    return done.stdout.decode().strip()


def test_the_stamp_names_the_last_commit_that_changed_the_evidence(tmp_path):
    evidence = tmp_path / "evidence"
    evidence.mkdir()
    (evidence / "a.yaml").write_text("a: 1\n")
    git(tmp_path, "init", "-q")
    git(tmp_path, "add", ".")
    git(tmp_path, "commit", "-q", "-m", "evidence")
    evidence_commit = git(tmp_path, "rev-parse", "HEAD")
    (tmp_path / "README").write_text("not evidence\n")
    git(tmp_path, "add", ".")
    git(tmp_path, "commit", "-q", "-m", "elsewhere")
    assert provenance.evidence_commit(evidence) == (evidence_commit, False)
    stamp = provenance.stamp(evidence)
    assert stamp.text().endswith(f"· evidence commit {evidence_commit[:12]}")
    (evidence / "b.yaml").write_text("b: 1\n")  # not committed yet
    assert provenance.evidence_commit(evidence) == (evidence_commit, True)
    assert provenance.stamp(evidence).text().endswith("with uncommitted changes")


def test_the_assertions_page_lists_every_assertion_with_its_verdict_and_claims(rendered):
    out = rendered.index.parent
    ev = me.load()
    page = (out / links.ASSERTIONS_PAGE).read_text(encoding="utf-8")
    sections = dict(SECTION.findall(page))
    assert list(sections) == list(ev.assertions["assertion_id"])
    verdicts = ev.audit.set_index("assertion_id")["verdict"]
    for assertion in ev.assertions.itertuples(index=False):
        section = sections[assertion.assertion_id]
        assert shown(section).startswith(assertion.statement)
        if assertion.assertion_id in verdicts.index:
            verdict = ev.vocabulary.label("verdict", verdicts[assertion.assertion_id])
            # this small batch has no claim-audit report to link to: the verdict is plain text
            assert f"Verdict: {verdict}" in shown(section)
            assert links.audit_href(assertion.assertion_id) not in section
        else:
            assert "Not reviewed by the claim audit" in section
        claims = ev.claims[ev.claims["assertion_id"] == assertion.assertion_id]
        assert len(claims) > 0
        for claim in claims.itertuples(index=False):
            link = f'<a href="{links.claim_href(claim.source_id, claim.claim_id)}">'
            assert f"{link}{claim.claim_id}</a>" in section
            assert " ".join(claim.quote.split()) in shown(section)


def test_a_verdict_links_to_its_claim_audit_report_when_that_report_exists():
    ev = me.load()
    audited = ev.audit["assertion_id"].iloc[0]
    page = pages.assertions_html(
        ev, reader_pages=(), audit_pages={links.audit_href(audited)}, stamp="a stamp"
    )
    section = dict(SECTION.findall(page))[audited]
    verdict = ev.vocabulary.label("verdict", ev.audit["verdict"].iloc[0])
    assert f'Verdict: <a href="{links.audit_href(audited)}">{html.escape(verdict)}</a>' in section
    assert 'href="sources/' not in page  # no reader pages: claims are not links


def test_the_search_index_holds_every_claim_assertion_and_rendered_report(rendered):
    out = rendered.index.parent
    ev = me.load()
    found = search_index(out)
    claims = [e for e in found if e["kind"] == "Claim"]
    assert [e["href"] for e in claims] == [
        links.claim_href(c.source_id, c.claim_id) for c in ev.claims.itertuples(index=False)
    ]
    for entry, claim in zip(claims, ev.claims.itertuples(index=False), strict=True):
        assert entry["title"] == f"{claim.claim_id}: {claim.statement}"
        assert f"“{claim.quote}”" in entry["text"]
    assertions = [e for e in found if e["kind"] == "Assertion"]
    assert [e["href"] for e in assertions] == [
        links.assertion_href(a) for a in ev.assertions["assertion_id"]
    ]
    assert [e["title"] for e in assertions] == list(ev.assertions["statement"])
    rendered_pages = sorted(f"{e.report.slug}.html" for e in rendered.entries if e.selected)
    assert sorted(e["href"] for e in found if e["kind"] == "Report") == rendered_pages
    assert len(found) == len(ev.claims) + len(ev.assertions) + len(rendered_pages)


def test_without_a_corpus_the_index_says_the_reader_pages_were_not_built(
    mini: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    ev = without_corpus(mini, monkeypatch)
    out = tmp_path / "out"
    with pytest.warns(me.CorpusWarning):
        batch = reports.render(
            out, notebooks=FIXTURES, evidence=mini / "evidence", only="ok", progress=False
        )
    assert [e.status for e in batch.entries if e.selected] == [reports.RENDERED]
    index = shown((out / "index.html").read_text(encoding="utf-8"))
    assert (
        f"The source reader pages were not built: {reader.NO_CORPUS}; so the claim links in the "
        "reports and on the assertions page lead nowhere."
    ) in index
    assert not (out / links.SOURCES_FOLDER).exists()
    assertions = (out / links.ASSERTIONS_PAGE).read_text(encoding="utf-8")
    assert "the claims are not linked to their texts" in assertions
    assert 'href="sources/' not in assertions
    claims = [e for e in search_index(out) if e["kind"] == "Claim"]
    assert [e["href"] for e in claims] == [
        links.assertion_href(a) for a in ev.claims["assertion_id"]
    ]
