"""The evidence map: its counts against ev.claims and audit.yaml, its links to the claims."""

from __future__ import annotations

import dataclasses
import re
from collections import Counter
from html.parser import HTMLParser

import pandas as pd
import pytest
import yaml

import massage_evidence as me
from massage_evidence import evidence_map, links

from .conftest import EVIDENCE


@pytest.fixture(scope="module")
def ev() -> me.Evidence:
    return me.load()


@pytest.fixture(scope="module")
def verdicts() -> dict[str, str]:
    """Each audited assertion's verdict, read from audit.yaml itself."""
    audit = yaml.safe_load((EVIDENCE / "audit.yaml").read_text(encoding="utf-8"))
    return {entry["assertion"]: entry["verdict"] for entry in audit}


class Page(HTMLParser):
    """The map's table cells (their badges: text, href) and the ids and links of the page."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[list[list[tuple[str, str]]]] = []
        self.ids: set[str] = set()
        self.links: list[str] = []
        self._cell: list[tuple[str, str]] | None = None
        self._href: str | None = None
        self._in_table = False

    def handle_starttag(self, tag: str, attrs: list) -> None:
        found = dict(attrs)
        if "id" in found:
            self.ids.add(found["id"])
        if tag == "table":
            self._in_table = True
        if self._in_table and tag == "tr":
            self.rows.append([])
        if self._in_table and tag == "td":
            self._cell = []
            self.rows[-1].append(self._cell)
        if tag == "a":
            self._href = found["href"]
            self.links.append(found["href"])

    def handle_endtag(self, tag: str) -> None:
        if tag == "table":
            self._in_table = False
        if tag == "td":
            self._cell = None
        if tag == "a":
            self._href = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None and self._href is not None:
            self._cell.append((data, self._href))


def test_the_counts_add_up_to_every_claim_by_category_basis_and_verdict(ev, verdicts):
    counts = evidence_map.counts(ev)
    assert counts["claims"].sum() == len(ev.claims)
    expected = Counter(
        (str(c), str(b), verdicts.get(a))
        for c, b, a in zip(
            ev.claims["category"], ev.claims["basis"], ev.claims["assertion_id"], strict=True
        )
    )
    verdict = counts["verdict"].astype("object").where(counts["verdict"].notna(), None)
    found = {
        (str(c), str(b), v): n
        for c, b, v, n in zip(
            counts["category"], counts["basis"], verdict, counts["claims"], strict=True
        )
    }
    assert found == dict(expected)
    listed = [i for ids in counts["claim_ids"] for i in ids.split(", ")]
    assert sorted(listed) == sorted(ev.claims["claim_id"])


def test_the_map_shows_each_cells_counts_and_every_category_and_basis(ev):
    page = Page()
    page.feed(evidence_map.bundle(ev)["text/html"])
    body = page.rows[1 : 1 + len(ev.vocabulary.terms("category"))]
    bases = ev.vocabulary.terms("basis")
    assert all(len(row) == len(bases) + 1 for row in body)  # a cell per basis and a total
    per_cell = ev.claims.groupby(["category", "basis"], observed=False).size()
    for category, row in zip(ev.vocabulary.terms("category"), body, strict=True):
        for basis, cell in zip(bases, row, strict=False):
            assert sum(int(text) for text, _ in cell) == per_cell.get((category, basis), 0)
            for _, href in cell:
                assert href.startswith("#evidence-map--") and href[1:] in page.ids


def test_each_count_links_to_its_claims_and_each_claim_to_its_span(ev):
    page = evidence_map.bundle(ev)["text/html"]
    for entry in evidence_map.counts(ev).itertuples(index=False):
        verdict = None if pd.isna(entry.verdict) else entry.verdict
        anchor = evidence_map.anchor(entry.category, entry.basis, verdict)
        item = re.search(f'<li id="{anchor}">(.*?)</ul></li>', page, re.S)
        assert item, anchor
        claimed = re.findall(r'<a href="sources/[^"#]+#([^"]+)">', item.group(1))
        assert claimed == entry.claim_ids.split(", ")
    for claim in ev.claims.itertuples():
        assert page.count(f'href="{links.claim_href(claim.source_id, claim.claim_id)}"') == 1


def test_the_legend_names_every_verdict_and_not_audited(ev):
    page = evidence_map.bundle(ev)["text/html"]
    legend = page.split("<table", 1)[0]
    for term in ev.vocabulary.terms("verdict"):
        assert ev.vocabulary.label("verdict", term) in legend
    assert evidence_map.NOT_AUDITED in legend


def test_text_from_the_evidence_is_escaped(ev):
    claims = ev.claims.copy()
    claims.loc[claims.index[0], "statement"] = "<script>alert(1)</script>"
    page = evidence_map.bundle(dataclasses.replace(ev, claims=claims))["text/html"]
    assert "<script>" not in page and "&lt;script&gt;" in page
