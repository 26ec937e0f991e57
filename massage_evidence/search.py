"""The index of the search box on the index page: every claim, assertion and report.

Built at render time into `assets/search-index.js`, a script that sets one global: a page opened
from disk (file://) may load a script beside it but not fetch a JSON file. The search itself is
`templates/pages/static/search.js`, plain JavaScript: every word typed must occur in an entry's
title or text. Each entry links to the claim's marked span (or, without its reader page, to its
assertion), the assertion's entry on the assertions page, or the report.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Iterable

from . import links, pages
from .evidence import Evidence

GLOBAL = "MASSAGE_EVIDENCE_SEARCH"
FILE = "search-index.js"  # in the output folder's assets/


def entries(
    ev: Evidence, reports: Iterable[tuple[str, str, str]], reader_pages: Collection[str]
) -> list[dict[str, str]]:
    """Every claim, assertion and report as {kind, title, text, href}; `reports` are
    (title, text, href) of the reports whose page exists."""
    names = pages.source_names(ev)
    verdicts = pages.verdicts(ev)
    found = []
    for claim in ev.claims.to_dict("records"):
        href = (
            links.claim_href(claim["source_id"], claim["claim_id"])
            if claim["source_id"] in reader_pages
            else links.assertion_href(claim["assertion_id"])
        )
        found.append(
            {
                "kind": "Claim",
                "title": f"{claim['claim_id']}: {claim['statement']}",
                "text": f"“{claim['quote']}” — {names[claim['source_id']]}",
                "href": href,
            }
        )
    for assertion in ev.assertions.to_dict("records"):
        verdict = verdicts.get(assertion["assertion_id"])
        category = ev.vocabulary.label("category", assertion["category"])
        found.append(
            {
                "kind": "Assertion",
                "title": assertion["statement"],
                "text": category + (f" · verdict: {verdict}" if verdict else ""),
                "href": links.assertion_href(assertion["assertion_id"]),
            }
        )
    found += [{"kind": "Report", "title": t, "text": x, "href": h} for t, x, h in reports]
    return found


def index_script(found: list[dict[str, str]]) -> str:
    """The search index as a script (ASCII only, one entry a line, so that diffs stay small)."""
    rows = ",\n".join(json.dumps(entry, ensure_ascii=True, sort_keys=True) for entry in found)
    return f"window.{GLOBAL} = [\n{rows}\n];\n"
