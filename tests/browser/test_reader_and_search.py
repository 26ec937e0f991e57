"""Source reader pages and the index's search, as a person uses them: opened from disk with
every request outside the output folder refused."""

from __future__ import annotations

import re
from pathlib import Path

import massage_evidence as me
from massage_evidence import links

from .conftest import block_outside

SPAN_SHOWN = """(id) => {
  const box = document.getElementById(id).getBoundingClientRect();
  return box.height > 0 && box.top >= 0 && box.bottom <= window.innerHeight;
}"""
TOP_SHOWN = """(id) => {
  const top = document.getElementById(id).getBoundingClientRect().top;
  return top >= 0 && top < window.innerHeight;
}"""
SPAN_TEXT = """(id) => Array.from(document.querySelectorAll(`mark[data-claim="${id}"]`))
  .map((mark) => mark.textContent).join("")"""
NOTE_SHOWN = "(id) => getComputedStyle(document.getElementById(id), '::after').content"
NOTE_DISPLAY = "(id) => getComputedStyle(document.getElementById(id), '::after').display"


def assert_at_the_marked_span(page, claim) -> None:
    """The reader page of `claim`'s source, scrolled so that its marked quote is in view, with
    its statement in the bar at the foot of the window."""
    assert page.url.endswith(links.claim_href(claim.source_id, claim.claim_id))
    assert page.evaluate(SPAN_TEXT, claim.claim_id) == claim.quote
    assert page.evaluate(SPAN_SHOWN, claim.claim_id)
    assert page.evaluate("window.scrollY") > 0  # far down the text: the page scrolled to it
    assert claim.statement in page.evaluate(NOTE_SHOWN, claim.claim_id)


def test_a_claim_link_opens_its_source_text_scrolled_to_the_marked_quote(page, all_reports: Path):
    refused = block_outside(page, all_reports)
    ev = me.load()
    claim = next(ev.claims.sort_values("start", ascending=False).itertuples(index=False))
    page.goto((all_reports / links.ASSERTIONS_PAGE).as_uri())
    page.click(f'a[href="{links.claim_href(claim.source_id, claim.claim_id)}"]')
    page.wait_for_load_state("load")
    assert_at_the_marked_span(page, claim)
    # focusing another mark shows its own note instead
    first = next(
        ev.claims[ev.claims["source_id"] == claim.source_id]
        .sort_values("start")
        .itertuples(index=False)
    )
    page.focus(f'[id="{first.claim_id}"]')
    assert page.evaluate("document.activeElement.id") == first.claim_id
    assert first.statement in page.evaluate(NOTE_SHOWN, first.claim_id)
    assert page.evaluate(NOTE_DISPLAY, claim.claim_id) == "none"
    assert refused == [] and page.console_errors == []


def a_word_only_one_quote_has(ev: me.Evidence) -> tuple[str, object]:
    """A word of six letters or more that occurs in exactly one claim's quote, and that claim."""
    quotes = [claim.quote.lower() for claim in ev.claims.itertuples(index=False)]
    for claim in ev.claims.sort_values("start", ascending=False).itertuples(index=False):
        for word in sorted(set(re.findall(r"[a-z]{6,}", claim.quote.lower()))):
            if sum(word in quote for quote in quotes) == 1:
                return word, claim
    raise AssertionError("every word is shared")


def test_the_search_box_finds_a_claim_by_a_word_of_its_quote_and_leads_to_it(
    page, all_reports: Path
):
    refused = block_outside(page, all_reports)
    ev = me.load()
    word, claim = a_word_only_one_quote_has(ev)
    page.goto((all_reports / "index.html").as_uri())
    page.fill("#search", word.upper())  # case does not matter
    href = links.claim_href(claim.source_id, claim.claim_id)
    result = page.locator(f'#search-results a[href="{href}"]')
    assert result.count() == 1
    assert result.inner_text() == f"{claim.claim_id}: {claim.statement}"
    assert re.fullmatch(r"\d+ match(es)?\.", page.inner_text("#search-status"))
    page.fill("#search", f"{word} qqqqqq")  # every word typed must match
    assert page.locator("#search-results li").count() == 0
    assert page.inner_text("#search-status") == "Nothing matches."
    page.fill("#search", word)
    result.click()
    page.wait_for_load_state("load")
    assert_at_the_marked_span(page, claim)
    assert refused == [] and page.console_errors == []


def test_the_search_finds_assertions_and_reports_by_their_titles(page, all_reports: Path):
    refused = block_outside(page, all_reports)
    ev = me.load()
    audited = ev.audit["assertion_id"].iloc[-1]
    page.goto((all_reports / "index.html").as_uri())
    page.fill("#search", f"what the research says {audited}")  # its report's title
    found = page.eval_on_selector_all(
        "#search-results a", "links => links.map(a => a.getAttribute('href'))"
    )
    assert links.audit_href(audited) in found
    statement = ev.assertions.set_index("assertion_id").loc[audited, "statement"]
    page.fill("#search", statement)
    result = page.locator(f'#search-results a[href="{links.assertion_href(audited)}"]')
    assert result.inner_text() == statement
    result.click()
    page.wait_for_load_state("load")
    assert page.url.endswith(links.assertion_href(audited))
    assert page.evaluate(TOP_SHOWN, audited)  # the assertion's entry starts in view
    assert refused == [] and page.console_errors == []
