"""Cutting a text into the spans that may carry a claim: sentences of its paragraphs and items.

Each line of text is a block (a paragraph, a heading or a list item); page chrome is skipped by
the patterns of the cue file. A sentence is divided at clause breaks, and one that cannot carry a
claim alone is joined to the sentence before it (both cue lists in the cue file). Offsets are
Python `str` offsets into the text, so that `text[span.start:span.end]` is always the span's text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .. import quantities
from .cues import Cues

PROSE, HEADING, ITEM = "prose", "heading", "item"
_END = re.compile(r"[.!?]+[\"”’')\]]*(?=\s+[\"“‘(\[]?[A-Z0-9])|[.!?]+[\"”’')\]]*$")
_TRAILING = " \t.,;:"
_OPENING_MARKS = "\"“‘'([ "


@dataclass(frozen=True)
class Span:
    """A stretch of text that may carry one claim, with the block it stands in."""

    start: int
    end: int
    text: str
    block: int  # the position of its block among the text's blocks
    block_start: int
    block_end: int
    kind: str  # prose, heading or item
    position: int  # its place among the spans of its block


def _blocks(text: str, cues: Cues) -> list[tuple[int, int, str]]:
    """Each non-blank line that is not chrome: its offsets (bullet, indent left out), its kind."""
    blocks = []
    offset = 0
    for line in text.splitlines(keepends=True):
        start, end = offset, offset + len(line.rstrip("\r\n"))
        offset += len(line)
        while start < end and text[start].isspace():
            start += 1
        kind = PROSE
        marker = next((b for b in cues.bullets if text.startswith(b + " ", start)), None)
        if marker is not None:
            start += len(marker)
            kind = ITEM
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        body = text[start:end]
        if not body or cues.chrome.fullmatch(body):
            continue
        if kind == PROSE and not _END.search(body) and len(body) < 120:
            kind = HEADING
        if kind == PROSE and body.endswith("?") and len(body) < 120:
            kind = HEADING
        blocks.append((start, end, kind))
    return blocks


def _sentence_ends(body: str, cues: Cues) -> list[int]:
    """Where the sentences of a block end, as offsets into the block."""
    ends = []
    for match in _END.finditer(body):
        before = body[: match.start() + 1]
        if any(before.endswith(abbreviation) for abbreviation in cues.abbreviations):
            continue
        ends.append(match.end())
    if not ends or ends[-1] < len(body):
        ends.append(len(body))
    return ends


def _clauses(body: str, left: int, right: int, cues: Cues) -> list[tuple[int, int]]:
    """The parts of the sentence body[left:right], divided at clause breaks (see the cue file).

    The first part ends before the break's punctuation; the next starts at its first word.
    """
    parts = [(left, right)]
    for brk in cues.clause_breaks:
        divided = []
        for start, end in parts:
            at = body.find(brk, start, end)
            while at >= 0:
                tail = at + 1
                while tail < end and body[tail].isspace():
                    tail += 1
                if at - start >= cues.min_clause and end - tail >= cues.min_clause:
                    divided.append((start, at))
                    start = tail
                at = body.find(brk, at + 1, end)
            divided.append((start, end))
        parts = divided
    return parts


def needs_previous(sentence: str, cues: Cues) -> bool:
    """Whether a sentence cannot carry a claim alone (see `points_back` and the fragment rule of
    the cue file): it opens with a word pointing back, or it is a short fragment whose quantity or
    hedge has its subject in the sentence before."""
    opening = sentence.lstrip(_OPENING_MARKS)
    if cues.points_back.match(opening):
        return True
    if len(opening.split()) > cues.fragment_words:
        return False
    found = quantities.find(opening)
    opens = cues.fragment_openers.match(opening) is not None or (found and found[0].start == 0)
    hedged = cues.probable.search(opening) or cues.possible.search(opening)
    return bool(opens and (found or hedged))


def segment(text: str, cues: Cues) -> list[Span]:
    """Every span of `text` that may carry a claim, in text order (by where it ends).

    A sentence that needs the one before it (`needs_previous`) is also proposed joined to it: a span
    from where the previous sentence of its block starts to where its own first part ends, just
    before that part alone (the shortest span that may carry the claim, as curators quote it).
    """
    spans: list[Span] = []
    for number, (block_start, block_end, kind) in enumerate(_blocks(text, cues)):
        body = text[block_start:block_end]
        pieces: list[tuple[int, int]] = []  # offsets into the block, in order
        start = 0
        previous: int | None = None  # where the block's previous sentence starts
        for end in _sentence_ends(body, cues):
            left, right = start, end
            while left < right and body[left].isspace():
                left += 1
            while right > left and body[right - 1] in _TRAILING:
                right -= 1
            start = end
            parts = _clauses(body, left, right, cues)
            if previous is not None and needs_previous(body[parts[0][0] : parts[0][1]], cues):
                pieces.append((previous, parts[0][1]))
            # a "sentence" too short to be a span ("5." of a numbered heading) is no referent
            previous = left if right - left >= cues.min_characters else None
            pieces.extend(parts)
        position = 0
        for piece_start, piece_end in pieces:
            while piece_end > piece_start and body[piece_end - 1] in _TRAILING:
                piece_end -= 1
            if piece_end - piece_start < cues.min_characters:
                continue
            absolute, absolute_end = block_start + piece_start, block_start + piece_end
            spans.append(
                Span(
                    absolute,
                    absolute_end,
                    text[absolute:absolute_end],
                    number,
                    block_start,
                    block_end,
                    kind,
                    position,
                )
            )
            position += 1
    return spans
