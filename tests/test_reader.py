"""Source reader pages: the whole text, every claim's quote marked exactly, well-formed HTML."""

from __future__ import annotations

import html
from html.parser import HTMLParser
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

import massage_evidence as me
from massage_evidence import links, reader


class Marks(HTMLParser):
    """The text inside each claim's marks, the text of the whole `.source-text` block, the ids
    and titles of the marks; fails on any end tag that does not close the element last opened."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.open: list[tuple[str, str | None]] = []  # (tag, claim of a mark)
        self.texts: dict[str, str] = {}
        self.ids: list[str] = []
        self.titles: dict[str, list[str]] = {}
        self.whole: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "div" and found.get("class") == "source-text":
            self.whole = ""
        claim = found.get("data-claim") if tag == "mark" else None
        if claim is not None:
            self.texts.setdefault(claim, "")
            self.titles.setdefault(claim, []).append(found.get("title") or "")
            if "id" in found:
                self.ids.append(found["id"])
        if tag not in ("meta", "link", "br", "input"):
            self.open.append((tag, claim))

    def handle_endtag(self, tag: str) -> None:
        assert self.open and self.open[-1][0] == tag, (tag, self.open[-3:])
        self.open.pop()

    def handle_data(self, data: str) -> None:
        if self.whole is not None and any(t == "div" for t, _ in self.open):
            self.whole += data
        for claim in {c for _, c in self.open if c is not None}:
            self.texts[claim] += data


def parse(page: str) -> Marks:
    marks = Marks()
    marks.feed(page)
    marks.close()
    assert marks.open == []
    return marks


def test_every_claims_marks_hold_exactly_its_quote_in_the_whole_text(seeds: Path, tmp_path: Path):
    ev = me.load(corpus=seeds)
    built = reader.write_reader_pages(ev, seeds, tmp_path, "a stamp")
    assert built.built == tuple(ev.sources["source_id"]) and built.reason is None
    for source in ev.sources.itertuples(index=False):
        text = (seeds / source.file).read_bytes().decode("utf-8-sig")  # offsets: str, no BOM
        marks = parse((tmp_path / links.source_href(source.source_id)).read_text("utf-8"))
        assert marks.whole == text
        claims = ev.claims[ev.claims["source_id"] == source.source_id]
        assert sorted(marks.ids) == sorted(claims["claim_id"])  # each anchored once
        for claim in claims.itertuples(index=False):
            assert marks.texts[claim.claim_id] == claim.quote == text[claim.start : claim.end]


def test_hovering_a_mark_names_every_claim_there_in_labels(seeds: Path, tmp_path: Path):
    ev = me.load(corpus=seeds)
    reader.write_reader_pages(ev, seeds, tmp_path, "a stamp")
    claims = ev.claims.set_index("claim_id")
    claim, crossed = claims.loc["fivethings-019"], claims.loc["fivethings-018"]
    assert crossed["start"] < claim["start"] < crossed["end"] < claim["end"]  # they cross
    page = (tmp_path / links.source_href(claim["source_id"])).read_text("utf-8")
    statement = ev.assertions.set_index("assertion_id").loc[claim["assertion_id"], "statement"]
    inside, after = parse(page).titles["fivethings-019"]  # split where 018 ends
    for title in (inside, after):
        for shown in (
            f"fivethings-019: {claim['statement']}",
            f"Category: {ev.vocabulary.label('category', claim['category'])}",
            f"Hedge: {ev.vocabulary.label('hedge', claim['hedge'])}",
            f"Basis: {ev.vocabulary.label('basis', claim['basis'])}",
            f"Assertion: {statement}",
        ):
            assert shown in title
    assert f"fivethings-018: {crossed['statement']}" in inside
    assert "fivethings-018" not in after
    (outer,) = parse(page).titles["fivethings-018"]  # one mark: 019 opens inside it
    assert "fivethings-019" not in outer


def test_crossing_nested_and_shared_spans_give_well_formed_marks():
    text = "<b>one & two</b> three four"
    spans = [
        reader.Span("a", 0, 10, "note a"),
        reader.Span("b", 5, 20, "note b"),
        reader.Span("c", 5, 20, "note c"),  # the same quote as b
        reader.Span("d", 6, 8, "note d"),
        reader.Span("e", 20, 27, "note e"),
    ]
    marks = parse(f'<div class="source-text">{reader.marked_text(text, spans)}</div>')
    assert marks.whole == text
    assert sorted(marks.ids) == ["a", "b", "c", "d", "e"]
    for span in spans:
        assert marks.texts[span.claim_id] == text[span.start : span.end]
    # d lies inside a, b and c: its title names all four, innermost first
    assert marks.titles["d"] == ["note d\n\nnote c\n\nnote b\n\nnote a"]


@given(
    st.text(alphabet="ab<&\"' \n", min_size=1, max_size=40),
    st.lists(st.tuples(st.integers(0, 40), st.integers(0, 40)), max_size=8),
)
def test_any_spans_give_well_formed_marks_holding_their_text(text: str, pairs: list):
    spans = [
        reader.Span(f"claim-{n}", min(a, b), max(a, b), f"note {n}")
        for n, (a, b) in enumerate(pairs)
        if min(a, b) < max(a, b) <= len(text)
    ]
    marks = parse(f'<div class="source-text">{reader.marked_text(text, spans)}</div>')
    assert marks.whole == text
    assert sorted(marks.ids) == sorted(s.claim_id for s in spans)
    for span in spans:
        assert marks.texts[span.claim_id] == text[span.start : span.end]


def test_the_page_header_shows_the_source_and_its_url_or_says_none_is_recorded(
    seeds: Path, mini: Path, tmp_path: Path
):
    ev = me.load(corpus=seeds)
    reader.write_reader_pages(ev, seeds, tmp_path / "real", "a stamp")
    source = ev.sources.iloc[1]
    page = (tmp_path / "real" / links.source_href(source["source_id"])).read_text("utf-8")
    assert f"<h1>{html.escape(source['title'])}</h1>" in page
    assert source["publisher"] in page and source["published"] in page
    assert "no URL recorded" in page and '<a href="http' not in page
    people = ev.people[ev.people["source_id"] == source["source_id"]]
    assert len(people) > 0
    for person in people.to_dict("records"):
        role, affiliation = person["role"], person["affiliation"]
        shown = person["name"] + (f", {role}" if isinstance(role, str) else "")
        shown += f" ({affiliation})" if isinstance(affiliation, str) else ""
        assert f"<li>{html.escape(shown)}</li>" in page
    assert "Built by a stamp." in page

    small = me.load(mini / "evidence", corpus=mini / "corpus")
    reader.write_reader_pages(small, mini / "corpus", tmp_path / "mini", "a stamp")
    page = (tmp_path / "mini" / links.source_href("mini-source")).read_text("utf-8")
    assert '<a href="https://example.org/back-care" rel="external">' in page
    assert "(accessed 2020-02-01)" in page and "no URL recorded" not in page


def test_a_text_that_is_not_the_one_recorded_gets_no_page(mini: Path, tmp_path: Path):
    ev = me.load(mini / "evidence", corpus=mini / "corpus")
    out = tmp_path / "out"
    reader.write_reader_pages(ev, mini / "corpus", out, "a stamp")
    assert (out / links.source_href("mini-source")).is_file()
    (mini / "corpus" / "mini.txt").write_text("Another text altogether.\n", encoding="utf-8")
    built = reader.write_reader_pages(ev, mini / "corpus", out, "a stamp")
    assert built.built == ()
    assert built.not_built == (
        ("mini-source", "mini.txt is not the text its sha256 in sources.yaml names"),
    )
    assert not (out / links.source_href("mini-source")).exists()  # no stale page either


def without_corpus(mini: Path, monkeypatch: pytest.MonkeyPatch) -> me.Evidence:
    """The mini evidence, its corpus gone (and none named by the environment)."""
    monkeypatch.delenv("MASSAGE_EVIDENCE_CORPUS", raising=False)
    (mini / "corpus" / "mini.txt").unlink()
    (mini / "corpus").rmdir()
    with pytest.warns(me.CorpusWarning):
        return me.load(mini / "evidence")


def test_without_a_corpus_no_page_is_built_and_old_ones_are_removed(
    mini: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    ev = without_corpus(mini, monkeypatch)
    stale = tmp_path / links.source_href("mini-source")
    stale.parent.mkdir(parents=True)
    stale.write_text("an old page")
    built = reader.write_reader_pages(ev, None, tmp_path, "a stamp")
    assert built == reader.ReaderPages((), (), reader.NO_CORPUS)
    assert not stale.exists()
