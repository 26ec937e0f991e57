"""Bringing in a new source: add its text, propose candidate claims, review them, accept them.

`sources.add_source` records a text; `extract.train` and `extract.extract` propose candidates
(segmenting, cue rules from `evidence/extraction.yaml`, classical models trained on the curated
claims); `accept.accept` moves reviewed candidates into the claims. A person reviews every one.
"""
