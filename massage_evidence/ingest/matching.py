"""When a proposed span and a curated claim are the same claim: the rule the benchmark states.

A curated claim is found by a span that covers at least half of its quote, while the quote covers
at least a quarter of the span (so that a whole paragraph does not "find" every claim in it).
Where several spans find one claim (a sentence, and the same sentence joined to the one before),
the closest is the one that shares the most of what either covers.
"""

from __future__ import annotations

QUOTE_SHARE = 0.5
SPAN_SHARE = 0.25


def overlap(a_start: int, a_end: int, b_start: int, b_end: int) -> int:
    """How many characters two stretches of one text share."""
    return max(0, min(a_end, b_end) - max(a_start, b_start))


def matches(claim_start: int, claim_end: int, span_start: int, span_end: int) -> bool:
    """Whether the span finds the claim by the rule above."""
    shared = overlap(claim_start, claim_end, span_start, span_end)
    return (
        shared > 0
        and shared >= QUOTE_SHARE * (claim_end - claim_start)
        and shared >= SPAN_SHARE * (span_end - span_start)
    )


def closeness(a_start: int, a_end: int, b_start: int, b_end: int) -> float:
    """How alike two stretches are: the characters they share over those either covers (0 to 1)."""
    shared = overlap(a_start, a_end, b_start, b_end)
    return shared / (max(a_end, b_end) - min(a_start, b_start)) if shared else 0.0
