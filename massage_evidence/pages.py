"""The pages around the reports: the templates they share and the assertions page.

The index, the source reader pages (see `reader`) and the assertions page are Jinja templates in
`templates/pages/`, rendered with autoescaping on, so that text from the evidence is always shown
as text. Every address comes from `links`. A link is written only to a page that exists in the
output folder; the caller says which do.
"""

from __future__ import annotations

import functools
from collections.abc import Collection
from pathlib import Path
from typing import Any

import pandas as pd

from . import links
from .evidence import Evidence
from .sources_order import short_name, short_names

TEMPLATES = Path(__file__).parent / "templates" / "pages"
STATIC = TEMPLATES / "static"
ASSETS = ("pages.css", "search.js")  # copied into the output folder's assets/


@functools.cache
def _environment() -> Any:
    import jinja2

    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def render(template: str, **context: Any) -> str:
    """One page from its template in `templates/pages/` (which may name the index and the
    assertions page as `index_page` and `assertions_page`)."""
    context = {"index_page": links.INDEX_PAGE, "assertions_page": links.ASSERTIONS_PAGE, **context}
    return _environment().get_template(template).render(**context)


def up(href: str) -> str:
    """The way back to the output folder from the page at `href` (e.g. "../" for a reader page)."""
    return "../" * href.count("/")


def present(value: object) -> bool:
    return value is not None and not pd.isna(value)


def source_name(source: pd.Series | dict) -> str:
    """A source's short name, as every table and figure gives it (`sources_order`)."""
    return short_name(source["publisher"], source["title"])


def source_names(ev: Evidence) -> dict[str, str]:
    """Every source's short name, by id, in the one source order (`sources_order`)."""
    return short_names(ev.sources)


def claim_note(ev: Evidence, claim: dict, statements: dict[str, str]) -> str:
    """Wording: what a marked span says about its claim, in labels (one line each)."""
    label = ev.vocabulary.label
    return "\n".join(
        [
            f"{claim['claim_id']}: {claim['statement']}",
            f"Category: {label('category', claim['category'])} · "
            f"Hedge: {label('hedge', claim['hedge'])} · Basis: {label('basis', claim['basis'])}",
            f"Assertion: {statements.get(claim['assertion_id'], claim['assertion_id'])}",
        ]
    )


def verdicts(ev: Evidence) -> dict[str, str]:
    """The audit verdict of each audited assertion, as its label."""
    return {
        assertion: ev.vocabulary.label("verdict", verdict)
        for assertion, verdict in zip(ev.audit["assertion_id"], ev.audit["verdict"], strict=True)
    }


def assertions_html(
    ev: Evidence, *, reader_pages: Collection[str], audit_pages: Collection[str], stamp: str
) -> str:
    """The assertions page: every assertion by its id, its verdict when audited (linked to its
    claim-audit report when that is in `audit_pages`), and every claim that expresses it (linked
    to its span when its source's page is in `reader_pages`)."""
    names = source_names(ev)
    by_assertion: dict[str, list[dict[str, Any]]] = {}
    for claim in ev.claims.to_dict("records"):
        by_assertion.setdefault(claim["assertion_id"], []).append(claim)
    verdict = verdicts(ev)
    label = ev.vocabulary.label
    groups: dict[str, list[dict[str, Any]]] = {}
    for row in ev.assertions.to_dict("records"):
        audit_href = links.audit_href(row["assertion_id"])
        groups.setdefault(label("category", row["category"]), []).append(
            {
                "id": row["assertion_id"],
                "statement": row["statement"],
                "verdict": verdict.get(row["assertion_id"]),
                "audit_href": audit_href if audit_href in audit_pages else None,
                "claims": [
                    {
                        "id": claim["claim_id"],
                        "href": links.claim_href(claim["source_id"], claim["claim_id"])
                        if claim["source_id"] in reader_pages
                        else None,
                        "source": names[claim["source_id"]],
                        "quote": claim["quote"],
                        "hedge": label("hedge", claim["hedge"]),
                        "basis": label("basis", claim["basis"]),
                    }
                    for claim in by_assertion.get(row["assertion_id"], [])
                ],
            }
        )
    return render(
        "assertions.html.j2",
        back=up(links.ASSERTIONS_PAGE),
        groups=groups,
        assertions=len(ev.assertions),
        claims=len(ev.claims),
        audited=len(verdict),
        reader_pages=bool(reader_pages),
        stamp=stamp,
    )
