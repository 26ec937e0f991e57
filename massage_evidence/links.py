"""Where each page lives in a folder of rendered reports, as links relative to that folder.

Every report, the index, the source reader pages and the assertion pages sit in one output
folder, so one page links to another by a relative address that works offline and wherever the
folder is copied. This module owns those addresses (and the report file names they depend on),
so that the notebooks, the tables and the batch agree on them.
"""

from __future__ import annotations

import hashlib
import json
import re
from typing import Any

INDEX_PAGE = "index.html"
SOURCES_FOLDER = "sources"
ASSERTIONS_PAGE = "assertions.html"
DATA_FOLDER = "data"
AUDIT_NOTEBOOK = "07_claim_audit"


def slugify(text: str) -> str:
    """Lowercase letters, digits and single hyphens only: safe as a file name anywhere."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:60].strip("-")


def slug(notebook: str, parameters: dict[str, Any]) -> str:
    """A report's name: the notebook's, then each parameter value, joined by `--`."""
    parts = [slugify(notebook) or "notebook"]
    for value in parameters.values():
        text = json.dumps(value) if not isinstance(value, str) else value
        parts.append(slugify(text) or hashlib.sha256(text.encode()).hexdigest()[:8])
    return "--".join(parts)


def report_href(notebook: str, parameters: dict[str, Any]) -> str:
    """The page of one report of the grid."""
    return f"{slug(notebook, parameters)}.html"


def source_href(source_id: str) -> str:
    """A source's reader page: its whole text with every claim's span marked."""
    return f"{SOURCES_FOLDER}/{source_id}.html"


def claim_href(source_id: str, claim_id: str) -> str:
    """A claim's marked span on its source's reader page."""
    return f"{source_href(source_id)}#{claim_id}"


def assertion_href(assertion_id: str) -> str:
    """The entry of the assertions page that lists every claim expressing the assertion."""
    return f"{ASSERTIONS_PAGE}#{assertion_id}"


def audit_href(assertion_id: str) -> str:
    """The claim-audit report of one audited assertion (its verdict and the studies behind it)."""
    return report_href(AUDIT_NOTEBOOK, {"assertion": assertion_id})


def table_href(report_slug: str, number: int, name: str) -> str:
    """The CSV download of the `number`-th table (from 1) a report shows, beside the report."""
    return f"{DATA_FOLDER}/{report_slug}/{number:02d}-{slugify(name) or 'table'}.csv"
