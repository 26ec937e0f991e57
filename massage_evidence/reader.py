"""Source reader pages: each source's whole text with every claim's span marked and anchored.

One page per source whose text is in the corpus, at `links.source_href`: the text as it is
(escaped, its line breaks kept), every claim's quote inside `<mark id="<claim-id>">`, so that
`links.claim_href` opens the page scrolled to it. Hovering a mark shows, for every claim that
covers that point, its statement, category, hedge, basis and assertion; focusing or opening one
(`#claim-id`) shows its own in a bar at the foot of the window.

Spans may nest or cross (two claims may share a quote, or overlap by a few words). A crossing
span is closed and opened again where the other ends, so the page stays well-formed: a claim's
text is then split over several marks that carry its id in `data-claim`; the first also carries
it as its `id`. Joined in page order, a claim's marks hold exactly its quote.

The texts are read from the corpus at render time and written only into the output folder: the
full texts never enter the repository. Without a corpus no page is built, and `ReaderPages` says
why (the index repeats it).
"""

from __future__ import annotations

import hashlib
import html
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from . import links, pages
from .evidence import Evidence
from .store import Unreadable, decode_text, read_regular, write_if_changed

BETWEEN_NOTES = "\n\n"  # in a mark's title, between the notes of the claims that cover it
NO_CORPUS = (
    "no corpus of source texts was found (pass --corpus DIR, set $MASSAGE_EVIDENCE_CORPUS, or "
    "add a corpus/ folder beside evidence/)"
)


@dataclass(frozen=True)
class Span:
    """A claim's place in its text, and what hovering it says."""

    claim_id: str
    start: int
    end: int
    note: str


@dataclass(frozen=True)
class ReaderPages:
    """Which reader pages a render built, and why any other was not."""

    built: tuple[str, ...]  # source ids, in evidence order
    not_built: tuple[tuple[str, str], ...] = ()  # (source id, why)
    reason: str | None = None  # why none was built at all


def _open_tag(span: Span, first: bool, notes: list[str]) -> str:
    anchor = f' id="{html.escape(span.claim_id)}" tabindex="0"' if first else ""
    return (
        f'<mark class="claim"{anchor} data-claim="{html.escape(span.claim_id)}" '
        f'data-note="{html.escape(span.note)}" title="{html.escape(BETWEEN_NOTES.join(notes))}">'
    )


def marked_text(text: str, spans: Iterable[Span]) -> str:
    """`text`, escaped, with every span inside marks (split where spans cross, see above).

    The title of each mark holds the notes of every claim that covers it, innermost first, so
    that hovering anywhere shows each claim there.
    """
    spans = [s for s in spans if 0 <= s.start < s.end <= len(text)]
    starting: dict[int, list[Span]] = defaultdict(list)
    ending: dict[int, set[str]] = defaultdict(set)
    for span in spans:
        starting[span.start].append(span)
        ending[span.end].add(span.claim_id)
    boundaries = sorted({0, len(text), *starting, *ending})
    stack: list[Span] = []
    opened: set[str] = set()
    parts: list[str] = []
    for here, following in zip(boundaries, [*boundaries[1:], None], strict=True):
        closing, reopen = ending.get(here, set()), []
        while any(s.claim_id in closing for s in stack):
            top = stack.pop()
            parts.append("</mark>")
            if top.claim_id not in closing:
                reopen.append(top)
        for span in sorted([*reopen, *starting.get(here, [])], key=lambda s: (-s.end, s.claim_id)):
            notes = [span.note, *(s.note for s in reversed(stack))]
            parts.append(_open_tag(span, span.claim_id not in opened, notes))
            opened.add(span.claim_id)
            stack.append(span)
        if following is not None:
            parts.append(html.escape(text[here:following], quote=False))
    return "".join(parts)


def _people(ev: Evidence, source_id: str) -> list[str]:
    """Wording: each person the text names, with role and affiliation as it states them."""
    people = ev.people[ev.people["source_id"] == source_id]
    described = []
    for person in people.to_dict("records"):
        text = str(person["name"])
        if pages.present(person["role"]):
            text += f", {person['role']}"
        if pages.present(person["affiliation"]):
            text += f" ({person['affiliation']})"
        described.append(text)
    return described


def reader_html(ev: Evidence, source_id: str, text: str, stamp: str) -> str:
    """The reader page of one source, given its text."""
    source = ev.sources.set_index("source_id").loc[source_id]
    statements = dict(zip(ev.assertions["assertion_id"], ev.assertions["statement"], strict=True))
    claims = ev.claims[ev.claims["source_id"] == source_id].to_dict("records")
    spans = [
        Span(c["claim_id"], int(c["start"]), int(c["end"]), pages.claim_note(ev, c, statements))
        for c in claims
    ]
    label = ev.vocabulary.label
    back = pages.up(links.source_href(source_id))
    return pages.render(
        "reader.html.j2",
        back=back,
        title=source["title"],
        publisher=source["publisher"] if pages.present(source["publisher"]) else None,
        published=source["published"] if pages.present(source["published"]) else None,
        url=source["url"] if pages.present(source["url"]) else None,
        accessed=source["accessed"] if pages.present(source["accessed"]) else None,
        people=_people(ev, source_id),
        file=source["file"],
        sha256=source["sha256"],
        text=marked_text(text, spans),
        claims=[
            {
                "id": c["claim_id"],
                "statement": c["statement"],
                "category": label("category", c["category"]),
                "hedge": label("hedge", c["hedge"]),
                "basis": label("basis", c["basis"]),
                "assertion": statements.get(c["assertion_id"], c["assertion_id"]),
                "assertion_href": back + links.assertion_href(c["assertion_id"]),
            }
            for c in sorted(claims, key=lambda c: (c["start"], c["end"]))
        ],
        stamp=stamp,
    )


def _text(corpus: Path, source: pd.Series) -> tuple[str | None, str | None]:
    """(the source's text, None), or (None, why it cannot be shown)."""
    try:
        content = read_regular(corpus / str(source["file"]))
        text = decode_text(content)
    except Unreadable as error:
        return None, f"{source['file']}: {error}"
    if hashlib.sha256(content).hexdigest() != source["sha256"]:
        return None, f"{source['file']} is not the text its sha256 in sources.yaml names"
    return text, None


def write_reader_pages(ev: Evidence, corpus: Path | None, out: Path, stamp: str) -> ReaderPages:
    """Write the reader page of every source whose text is in `corpus` (only those that changed).

    Without a corpus, or for a source whose text cannot be shown, no page is written and any
    page an earlier render left for that source is removed, so that no page shows a stale text.
    """
    built, not_built = [], []
    for _, source in ev.sources.iterrows():
        target = out / links.source_href(source["source_id"])
        text, why = (None, NO_CORPUS) if corpus is None else _text(corpus, source)
        if text is None:
            target.unlink(missing_ok=True)
            if corpus is not None:
                not_built.append((source["source_id"], why))
            continue
        write_if_changed(target, reader_html(ev, source["source_id"], text, stamp))
        built.append(source["source_id"])
    return ReaderPages(tuple(built), tuple(not_built), NO_CORPUS if corpus is None else None)
