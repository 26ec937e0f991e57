"""Purpose-made broken evidence: each case asserts the exact one-line message, exit code 2,
and that no file changed. Each case edits one small fixture folder (tests/fixtures/mini)."""

from __future__ import annotations

import hashlib
import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from massage_evidence.cli import main

CLAIMS = "evidence/claims/mini-source.yaml"
SOURCES = "evidence/sources.yaml"
STUDIES = "evidence/studies.yaml"
AUDIT = "evidence/audit.yaml"
VOCABULARY_LINES = (
    (Path(__file__).parent.parent / "evidence" / "vocabulary.yaml")
    .read_text(encoding="utf-8")
    .splitlines()
)
ANECDOTAL_LINE = 1 + next(
    i for i, line in enumerate(VOCABULARY_LINES) if line.startswith("  anecdotal:")
)
HEDGE_LINE = 1 + VOCABULARY_LINES.index("hedge:")
VOCABULARY_END = len(VOCABULARY_LINES)
REAL_SHA = hashlib.sha256(
    (Path(__file__).parent / "fixtures" / "mini" / "corpus" / "mini.txt").read_bytes()
).hexdigest()


def replace(file: str, old: str, new: str, count: int = 1) -> Callable[[Path], None]:
    def edit(root: Path) -> None:
        path = root / file
        text = path.read_text(encoding="utf-8")
        assert old in text, f"fixture no longer contains {old!r}"
        path.write_text(text.replace(old, new, count), encoding="utf-8")

    return edit


def write(file: str, content: str) -> Callable[[Path], None]:
    def edit(root: Path) -> None:
        (root / file).write_text(content, encoding="utf-8")

    return edit


def rename(old: str, new: str) -> Callable[[Path], None]:
    def edit(root: Path) -> None:
        (root / old).rename(root / new)

    return edit


def append(file: str, text: str) -> Callable[[Path], None]:
    def edit(root: Path) -> None:
        with (root / file).open("a", encoding="utf-8") as handle:
            handle.write(text)

    return edit


def write_bytes(file: str, content: bytes) -> Callable[[Path], None]:
    def edit(root: Path) -> None:
        (root / file).write_bytes(content)

    return edit


def remove(file: str) -> Callable[[Path], None]:
    def edit(root: Path) -> None:
        path = root / file
        if path.is_dir():
            shutil.rmtree(path)
        else:
            path.unlink()

    return edit


def fifo(file: str) -> Callable[[Path], None]:
    def edit(root: Path) -> None:
        (root / file).unlink(missing_ok=True)
        os.mkfifo(root / file)

    return edit


def symlink(file: str, target: str) -> Callable[[Path], None]:
    def edit(root: Path) -> None:
        (root / file).symlink_to(target)

    return edit


def both(*edits: Callable[[Path], None]) -> Callable[[Path], None]:
    def edit(root: Path) -> None:
        for one in edits:
            one(root)

    return edit


LAST_RESULT_LINE = "      finding: The massage group's mean pain was lower than the rest group's.\n"

OTHER_STUDY = """- id: other-trial
  label: Other trial
  title: An invented second trial
  year: null
  published: null
  reference_type: journal_article
  authors: []
  et_al: false
  container: null
  volume: null
  issue: null
  pages: null
  number: null
  url: null
  accessed: null
  doi: null
  pmid: null
  design: randomized_controlled_trial
  population: null
  participants: null
  studies: null
  sessions: null
  treatment_weeks: null
  follow_up: null
  appraisal: null
  conclusion: null
  verified_in: Invented for the tests
  arms:
    - {id: other-trial-massage, label: Massage, n: 10}
  outcomes: []
  results:
    - id: other-trial-pain
      comparison: usual_care
      arm: other-trial-massage
      comparator_arm: mini-trial-rest
      condition: back_pain_general
      outcome: pain_relief
      time_point: null
      weeks: null
      estimate_type: statement
      value: null
      ci_low: null
      ci_high: null
      arm_mean: null
      comparator_mean: null
      p_value: null
      p_relation: null
      range_low: null
      range_high: null
      participants: null
      studies: null
      certainty: null
      direction: null
      provenance: primary
      finding: Invented.
"""

GHOST_CLAIMS = """source: ghost-source
claims: []
reason: The article makes no claim about massage.
"""

CASES = {
    "missing required field": (
        replace(
            CLAIMS,
            "    statement: A new strain in one spot may ease within two to three sessions.\n",
            "",
        ),
        [f"{CLAIMS}:4: claim mini-001: statement: required field is missing [missing-field]"],
    ),
    "unknown category": (
        replace(CLAIMS, "category: time_course", "category: schedule"),
        [f"{CLAIMS}:9: claim mini-001: category: unknown category 'schedule' [unknown-term]"],
    ),
    "misspelt category": (
        replace(CLAIMS, "category: time_course", "category: time_cuorse"),
        [
            f"{CLAIMS}:9: claim mini-001: category: unknown category 'time_cuorse' (did you mean 'time_course'?) [unknown-term]"
        ],
    ),
    "misspelt intervention": (
        replace(CLAIMS, "intervention: massage_general", "intervention: massage-general"),
        [
            f"{CLAIMS}:10: claim mini-001: intervention: unknown intervention 'massage-general' (did you mean 'massage_general'?) [unknown-term]"
        ],
    ),
    "duplicate claim id": (
        replace(CLAIMS, "id: mini-002", "id: mini-001"),
        [f"{CLAIMS}:21: claim mini-001: id: duplicate id 'mini-001' [duplicate-id]"],
    ),
    "unknown assertion": (
        replace(
            CLAIMS,
            "assertion: no-massage-on-swollen-inflamed-area",
            "assertion: no-massage-on-swolen-inflamed-area",
        ),
        [
            f"{CLAIMS}:36: claim mini-002: assertion: unknown assertion 'no-massage-on-swolen-inflamed-area' (did you mean 'no-massage-on-swollen-inflamed-area'?) [unknown-reference]"
        ],
    ),
    "claims pointing at an unknown source": (
        replace(CLAIMS, "source: mini-source", "source: mini-sauce"),
        [
            f"{CLAIMS}:2: source: unknown source 'mini-sauce' (did you mean 'mini-source'?): it is not in sources.yaml [unknown-source]"
        ],
    ),
    "claims file for a source not in sources.yaml": (
        write("evidence/claims/ghost-source.yaml", GHOST_CLAIMS),
        [
            "evidence/claims/ghost-source.yaml:1: source: unknown source 'ghost-source': it is not in sources.yaml [unknown-source]"
        ],
    ),
    "claims file named after another source": (
        rename(CLAIMS, "evidence/claims/other.yaml"),
        [
            "evidence/claims/other.yaml:2: source: claims of source 'mini-source' belong in claims/mini-source.yaml [misnamed-file]",
            f"{SOURCES}:1: source mini-source: has no claims file claims/mini-source.yaml (a source without claims has one with `claims: []` and a `reason:`) [missing-claims-file]",
        ],
    ),
    "quote not at its offsets": (
        replace(CLAIMS, "    start: 86\n    end: 114\n", "    start: 87\n    end: 115\n"),
        [
            f"{CLAIMS}:5: claim mini-001: quote: not found at 87:115 (it is at 86:114) [quote-mismatch]"
        ],
    ),
    "quote not in the text": (
        replace(
            CLAIMS, 'quote: "may ease within 2-3 sessions"', 'quote: "may ease within 2-3 visits"'
        ),
        [
            f"{CLAIMS}:5: claim mini-001: quote: not found at 86:114 (it is not in the text) [quote-mismatch]",
            f"{CLAIMS}:16: claim mini-001: quantities[0].text: '2-3 sessions' is not inside the quote [quantity-not-quoted]",
        ],
    ),
    "offsets out of range": (
        replace(CLAIMS, "end: 174", "end: 500"),
        [
            f"{CLAIMS}:24: claim mini-002: end: offsets 133:500 are out of range for a text of 175 characters [bad-offsets]"
        ],
    ),
    "sha256 mismatch": (
        replace(SOURCES, REAL_SHA, "f" * 64),
        [
            f"{SOURCES}:3: source mini-source: sha256: does not match the text (its sha256 is {REAL_SHA}) [checksum-mismatch]"
        ],
    ),
    "sha256 malformed": (
        replace(SOURCES, REAL_SHA, "not-a-digest"),
        [
            f"{SOURCES}:3: source mini-source: sha256: must be 64 lowercase hexadecimal digits, not 'not-a-digest' [bad-format]"
        ],
    ),
    "min greater than max": (
        replace(CLAIMS, "min: 2, max: 3", "min: 4, max: 3"),
        [
            f"{CLAIMS}:16: claim mini-001: quantities[0].min: min 4 is greater than max 3 [out-of-order]"
        ],
    ),
    "unknown unit": (
        replace(CLAIMS, "unit: sessions", "unit: visits"),
        [f"{CLAIMS}:16: claim mini-001: quantities[0].unit: unknown unit 'visits' [unknown-term]"],
    ),
    "stored bounds disagree with the text": (
        replace(CLAIMS, "min: 2, max: 3", "min: 1, max: 3"),
        [
            f"{CLAIMS}:16: claim mini-001: quantities[0].text: '2-3 sessions' reads as min 2, max 3, unit sessions, not min 1, max 3, unit sessions [quantity-mismatch]"
        ],
    ),
    "quantity text that is not a quantity": (
        replace(CLAIMS, 'text: "2-3 sessions"', 'text: "within 2-3 sessions"'),
        [
            f"{CLAIMS}:16: claim mini-001: quantities[0].text: cannot read 'within 2-3 sessions' as a quantity with a unit [unreadable-quantity]"
        ],
    ),
    "quantity text outside the quote": (
        replace(CLAIMS, 'text: "2-3 sessions"', 'text: "2 to 3 sessions"'),
        [
            f"{CLAIMS}:16: claim mini-001: quantities[0].text: '2 to 3 sessions' is not inside the quote [quantity-not-quoted]"
        ],
    ),
    "string where a number belongs": (
        replace(CLAIMS, "start: 86", 'start: "eighty-six"'),
        [
            f"{CLAIMS}:6: claim mini-001: start: must be a whole number, not 'eighty-six' [wrong-type]"
        ],
    ),
    "string where a bound belongs": (
        replace(CLAIMS, "max: 3", 'max: "three"'),
        [
            f"{CLAIMS}:16: claim mini-001: quantities[0].max: must be a number, not 'three' [wrong-type]"
        ],
    ),
    "true or false where a number belongs": (
        replace(CLAIMS, "max: 3", "max: true"),
        [
            f"{CLAIMS}:16: claim mini-001: quantities[0].max: must be a number, not True [wrong-type]"
        ],
    ),
    "number where text belongs": (
        replace(
            CLAIMS,
            "statement: A new strain in one spot may ease within two to three sessions.",
            "statement: 12",
        ),
        [f"{CLAIMS}:8: claim mini-001: statement: must be text, not 12 [wrong-type]"],
    ),
    "null where a term is required": (
        replace(CLAIMS, "hedge: probable", "hedge: null"),
        [f"{CLAIMS}:17: claim mini-001: hedge: must not be null [null-value]"],
    ),
    "misspelt field name": (
        replace(CLAIMS, "    hedge: probable", "    hegde: probable"),
        [
            f"{CLAIMS}:4: claim mini-001: hedge: required field is missing [missing-field]",
            f"{CLAIMS}:17: claim mini-001: hegde: unknown field (did you mean 'hedge'?) [unknown-field]",
        ],
    ),
    "attribution to a person the source does not name": (
        replace(CLAIMS, "attributed_to: dana-field", "attributed_to: dana-fields"),
        [
            f"{CLAIMS}:18: claim mini-001: attributed_to: 'dana-fields' is not a person of source mini-source (allowed: dana-field, article) [unknown-person]"
        ],
    ),
    "malformed publication date": (
        replace(SOURCES, 'published: "2020-01-31"', 'published: "31 January 2020"'),
        [
            f"{SOURCES}:6: source mini-source: published: must be an ISO date (YYYY, YYYY-MM or YYYY-MM-DD), not '31 January 2020' [bad-format]"
        ],
    ),
    "unquoted comma in a vocabulary definition": (
        replace(
            "evidence/vocabulary.yaml",
            "definition: Told as one person's story or experience.}",
            "definition: Told as a story, or an experience.}",
        ),
        [
            f"evidence/vocabulary.yaml:{ANECDOTAL_LINE}: term anecdotal: hedge: unknown key 'or an experience.' (an unquoted comma in a flow mapping?) [unknown-field]"
        ],
    ),
    "vocabulary term without a label": (
        replace(
            "evidence/vocabulary.yaml",
            "anecdotal: {label: Anecdotal, definition:",
            "anecdotal: {definition:",
        ),
        [
            f"evidence/vocabulary.yaml:{ANECDOTAL_LINE}: term anecdotal: hedge.label: required key is missing [missing-field]"
        ],
    ),
    "tension naming an unknown assertion": (
        replace(
            "evidence/tensions.yaml",
            "second: no-massage-on-swollen-inflamed-area",
            "second: no-massage-on-swollen-area",
        ),
        [
            "evidence/tensions.yaml:3: tension quick-relief-versus-rest-first: second: unknown assertion 'no-massage-on-swollen-area' (did you mean 'no-massage-on-swollen-inflamed-area'?) [unknown-reference]"
        ],
    ),
    "lists nested one level beyond the limit": (
        write(CLAIMS, "[" * 65 + "]" * 65),
        [f"{CLAIMS}:1: YAML: nested more than 64 levels deep [yaml-too-deep]"],
    ),
    "lists nested thousands deep": (
        write(CLAIMS, "[" * 5000 + "]" * 5000),
        [f"{CLAIMS}:1: YAML: nested more than 64 levels deep [yaml-too-deep]"],
    ),
    "empty claims file": (
        write(CLAIMS, ""),
        [f"{CLAIMS}: file is empty [empty-file]"],
    ),
    "empty sources file": (
        write(SOURCES, ""),
        [
            f"{CLAIMS}:2: source: unknown source 'mini-source': it is not in sources.yaml [unknown-source]",
            f"{SOURCES}: file is empty [empty-file]",
        ],
    ),
    "confidence interval in reverse order": (
        replace(STUDIES, "ci_low: -2.5", "ci_low: -0.2"),
        [
            f"{STUDIES}:36: study mini-trial: results[0].ci_low: ci_low -0.2 is greater than ci_high -0.5 [out-of-order]"
        ],
    ),
    "value outside its confidence interval": (
        replace(STUDIES, "value: -1.5", "value: -3"),
        [
            f"{STUDIES}:36: study mini-trial: results[0].value: value -3 is outside its confidence interval -2.5 to -0.5 [out-of-order]"
        ],
    ),
    "half a confidence interval": (
        replace(STUDIES, "ci_high: -0.5", "ci_high: null"),
        [
            f"{STUDIES}:36: study mini-trial: results[0].ci_high: must be given when ci_low is [missing-pair]"
        ],
    ),
    "p value without its relation": (
        replace(STUDIES, "p_relation: equals", "p_relation: null"),
        [
            f"{STUDIES}:60: study mini-trial: results[1].p_relation: must be given when p_value is [missing-pair]"
        ],
    ),
    "result comparing an arm of another study": (
        replace(STUDIES, LAST_RESULT_LINE, LAST_RESULT_LINE + OTHER_STUDY),
        [
            f"{STUDIES}:115: study other-trial: results[0].comparator_arm: 'mini-trial-rest' is not an arm of study other-trial (its arms: other-trial-massage) [wrong-arm]"
        ],
    ),
    "misspelt estimate type": (
        replace(STUDIES, "estimate_type: mean_difference", "estimate_type: mean_diference"),
        [
            f"{STUDIES}:36: study mini-trial: results[0].estimate_type: unknown estimate_type 'mean_diference' (did you mean 'mean_difference'?) [unknown-term]"
        ],
    ),
    "audit resting on an unknown result": (
        replace(AUDIT, "- mini-trial-pain-2w", "- mini-trial-pain-2wk"),
        [
            f"{AUDIT}:4: audit #1: results: unknown result 'mini-trial-pain-2wk' (did you mean 'mini-trial-pain-2w'?) [unknown-reference]"
        ],
    ),
    "unknown verdict": (
        replace(AUDIT, "verdict: partly_supported_short_term", "verdict: proven"),
        [f"{AUDIT}:3: audit #1: verdict: unknown verdict 'proven' [unknown-term]"],
    ),
    "yaml tag constructing a python object": (
        replace(
            CLAIMS,
            "statement: A swollen or inflamed area should not be massaged.",
            'statement: !!python/object/apply:os.system ["touch pwned"]',
        ),
        [
            f"{CLAIMS}:25: YAML: explicit tag '!!python/object/apply:os.system' is not allowed (plain data only) [yaml-tag]"
        ],
    ),
}


# Purpose-made cases of the strict reading (issue 11): structure, plain data, values, bounded lines.
ANECDOTAL = (
    "  anecdotal: {label: Anecdotal, definition: Told as one person's story or experience.}\n"
)
ALIAS_BOMB = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join(['*' + chr(97 + i)] * 9)}]\n" for i in range(8)
)
LATIN_TEXT = "Café massage.\n".encode("latin-1")
HUGE = "x" * 1_000_000
FILE_FORM = "must be a plain file name in the corpus (letters, digits, . _ -)"
ID_FORM = "must be an id (lowercase letters and digits, joined by - _ or .)"

CASES.update(
    {
        "a second claims key in a claims file": (
            append(CLAIMS, "claims: []\n"),
            [f"{CLAIMS}:37: key 'claims' is given twice (lines 3 and 37) [duplicate-key]"],
        ),
        "a key given twice in a claim": (
            replace(CLAIMS, "    hedge: probable\n", "    hedge: probable\n    hedge: certain\n"),
            [f"{CLAIMS}:18: key 'hedge' is given twice (lines 17 and 18) [duplicate-key]"],
        ),
        "a key given twice in a source": (
            replace(
                SOURCES, f"  sha256: {REAL_SHA}\n", f"  sha256: {REAL_SHA}\n  sha256: {'0' * 64}\n"
            ),
            [f"{SOURCES}:4: key 'sha256' is given twice (lines 3 and 4) [duplicate-key]"],
        ),
        "a term given twice in the vocabulary": (
            replace("evidence/vocabulary.yaml", ANECDOTAL, ANECDOTAL * 2),
            [
                f"evidence/vocabulary.yaml:{ANECDOTAL_LINE + 1}: key 'anecdotal' is given twice (lines {ANECDOTAL_LINE} and {ANECDOTAL_LINE + 1}) [duplicate-key]"
            ],
        ),
        "a key given twice in a flow mapping": (
            replace(
                CLAIMS,
                "{quantity: sessions_to_relief, min: 2,",
                "{quantity: sessions_to_relief, min: 2, min: 2,",
            ),
            [f"{CLAIMS}:16: key 'min' is given twice (lines 16 and 16) [duplicate-key]"],
        ),
        "claims under a misspelt top-level key": (
            replace(CLAIMS, "\nclaims:\n", "\nclaim:\n"),
            [
                f"{CLAIMS}:2: claims: required key is missing [missing-field]",
                f"{CLAIMS}:3: unknown key 'claim' (did you mean 'claims'?) (allowed: source, claims, reason) [unknown-field]",
            ],
        ),
        "an unknown top-level key": (
            append(CLAIMS, "reviewer: dana\n"),
            [
                f"{CLAIMS}:37: unknown key 'reviewer' (allowed: source, claims, reason) [unknown-field]"
            ],
        ),
        "a missing claims folder": (
            remove("evidence/claims"),
            [
                "evidence/claims: folder is missing: each source's claims are in claims/<source id>.yaml [missing-folder]"
            ],
        ),
        "a source without a claims file": (
            remove(CLAIMS),
            [
                f"{SOURCES}:1: source mini-source: has no claims file claims/mini-source.yaml (a source without claims has one with `claims: []` and a `reason:`) [missing-claims-file]"
            ],
        ),
        "no claims and no reason": (
            write(CLAIMS, "source: mini-source\nclaims: []\n"),
            [f"{CLAIMS}:2: reason: a source without claims says why in `reason:` [missing-reason]"],
        ),
        "a reason beside claims": (
            replace(CLAIMS, "source: mini-source\n", "source: mini-source\nreason: none\n"),
            [f"{CLAIMS}:3: reason: `reason:` is only for a source without claims [unknown-field]"],
        ),
        "a claims file that is a list": (
            write(CLAIMS, "- a\n- b\n"),
            [f"{CLAIMS}:1: must be a mapping with `source` and `claims` [wrong-layout]"],
        ),
        "a claim that is a sentence": (
            replace(CLAIMS, "  - id: mini-002\n", "  - just a sentence\n  - id: mini-002\n"),
            [f"{CLAIMS}:21: each claim must be a mapping [wrong-layout]"],
        ),
        "a claims file not named .yaml": (
            write("evidence/claims/extra.yml", GHOST_CLAIMS),
            [
                "evidence/claims/extra.yml: not a claims file: claims files are named <source id>.yaml [unexpected-file]"
            ],
        ),
        "a named pipe in claims": (
            fifo("evidence/claims/pipe.yaml"),
            ["evidence/claims/pipe.yaml: not a regular file: a named pipe [unreadable-file]"],
        ),
        "a dangling symlink in claims": (
            symlink("evidence/claims/gone.yaml", "nowhere.yaml"),
            ["evidence/claims/gone.yaml: a symbolic link to nothing [unreadable-file]"],
        ),
        "a device in claims": (
            symlink("evidence/claims/zero.yaml", "/dev/zero"),
            ["evidence/claims/zero.yaml: not a regular file: a device [unreadable-file]"],
        ),
        "a binary claims file": (
            write_bytes(CLAIMS, b"\x89PNG\r\n\x1a\n\x00\x00"),
            [f"{CLAIMS}: binary, not text [not-text]"],
        ),
        "a claims file that is not UTF-8": (
            write_bytes(CLAIMS, b"source: caf\xe9\n"),
            [f"{CLAIMS}: not UTF-8 text (byte 0xe9 at offset 11) [not-utf8]"],
        ),
        "a source text that is not UTF-8": (
            write_bytes("corpus/mini.txt", LATIN_TEXT),
            [
                f"{SOURCES}:2: source mini-source: file: the text is not UTF-8 text (byte 0xe9 at offset 3) [not-utf8]",
                f"{SOURCES}:3: source mini-source: sha256: does not match the text (its sha256 is {hashlib.sha256(LATIN_TEXT).hexdigest()}) [checksum-mismatch]",
            ],
        ),
        "a source text that is a named pipe": (
            fifo("corpus/mini.txt"),
            [
                f"{SOURCES}:2: source mini-source: file: cannot use the text: not a regular file: a named pipe [unreadable-file]"
            ],
        ),
        "a source file given as an absolute path": (
            replace(SOURCES, "file: mini.txt", "file: /etc/passwd"),
            [f"{SOURCES}:2: source mini-source: file: {FILE_FORM}, not '/etc/passwd' [bad-format]"],
        ),
        "a source file outside the corpus": (
            replace(SOURCES, "file: mini.txt", "file: ../evidence/sources.yaml"),
            [
                f"{SOURCES}:2: source mini-source: file: {FILE_FORM}, not '../evidence/sources.yaml' [bad-format]"
            ],
        ),
        "a source file that is the parent folder": (
            replace(SOURCES, "file: mini.txt", "file: '..'"),
            [f"{SOURCES}:2: source mini-source: file: {FILE_FORM}, not '..' [bad-format]"],
        ),
        "a sexagesimal offset": (
            replace(CLAIMS, "start: 86", "start: 1:26"),
            [f"{CLAIMS}:6: claim mini-001: start: must be a whole number, not '1:26' [wrong-type]"],
        ),
        "a hexadecimal bound": (
            replace(CLAIMS, "max: 3", "max: 0x3"),
            [
                f"{CLAIMS}:16: claim mini-001: quantities[0].max: must be a number, not '0x3' [wrong-type]"
            ],
        ),
        "an impossible unquoted date": (
            replace(SOURCES, 'published: "2020-01-31"', "published: 2020-02-30"),
            [
                f"{SOURCES}:6: source mini-source: published: must be an ISO date (YYYY, YYYY-MM or YYYY-MM-DD), not '2020-02-30' [bad-format]"
            ],
        ),
        "a thirteenth month": (
            replace(SOURCES, 'published: "2020-01-31"', "published: 2020-13"),
            [
                f"{SOURCES}:6: source mini-source: published: must be an ISO date (YYYY, YYYY-MM or YYYY-MM-DD), not '2020-13' [bad-format]"
            ],
        ),
        "yes as a hedge": (
            replace(CLAIMS, "hedge: probable", "hedge: yes"),
            [f"{CLAIMS}:17: claim mini-001: hedge: unknown hedge 'yes' [unknown-term]"],
        ),
        "infinity spelt as YAML 1.1 spells it": (
            replace(CLAIMS, "max: 3", "max: .inf"),
            [
                f"{CLAIMS}:16: claim mini-001: quantities[0].max: must be a number, not '.inf' [wrong-type]"
            ],
        ),
        "a bound too large for a float": (
            replace(CLAIMS, "max: 3", "max: 1e999"),
            [
                f"{CLAIMS}:16: claim mini-001: quantities[0].max: must be a finite number, not inf [not-finite]"
            ],
        ),
        "not a number as a confidence limit": (
            replace(STUDIES, "ci_low: -2.5", "ci_low: .nan"),
            [
                f"{STUDIES}:36: study mini-trial: results[0].ci_low: must be a number, not '.nan' [wrong-type]"
            ],
        ),
        "an offset beyond 64 bits": (
            replace(CLAIMS, "start: 86", "start: 99999999999999999999"),
            [
                f"{CLAIMS}:6: claim mini-001: start: must be from 0 to 9223372036854775807, not 99999999999999999999 [out-of-range]"
            ],
        ),
        "a negative offset": (
            replace(CLAIMS, "end: 174", "end: -1"),
            [
                f"{CLAIMS}:24: claim mini-002: end: must be from 0 to 9223372036854775807, not -1 [out-of-range]"
            ],
        ),
        "a P value above one": (
            replace(STUDIES, "p_value: 0.02", "p_value: 1.5"),
            [
                f"{STUDIES}:60: study mini-trial: results[1].p_value: must be from 0 to 1, not 1.5 [out-of-range]"
            ],
        ),
        "a negative arm size": (
            replace(STUDIES, "label: Massage, n: 20}", "label: Massage, n: -3}"),
            [
                f"{STUDIES}:31: study mini-trial: arms[0].n: must be from 0 to 9223372036854775807, not -3 [out-of-range]"
            ],
        ),
        "a year beyond any study": (
            replace(STUDIES, "year: 2020", "year: 20200"),
            [
                f"{STUDIES}:5: study mini-trial: year: must be from 1800 to 2100, not 20200 [out-of-range]"
            ],
        ),
        "an anchor and an alias": (
            both(
                replace(CLAIMS, "    hedge: certain\n", "    hedge: &h certain\n"),
                replace(CLAIMS, "basis: unsupported_assertion", "basis: *h"),
            ),
            [
                f"{CLAIMS}:33: YAML: anchors and aliases are not allowed (plain data only) [yaml-alias]"
            ],
        ),
        "an alias bomb": (
            write(CLAIMS, ALIAS_BOMB),
            [
                f"{CLAIMS}:1: YAML: anchors and aliases are not allowed (plain data only) [yaml-alias]"
            ],
        ),
        "an explicit tag on a number": (
            replace(CLAIMS, "start: 86", "start: !!str 86"),
            [f"{CLAIMS}:6: YAML: explicit tag '!!str' is not allowed (plain data only) [yaml-tag]"],
        ),
        "a number as a key": (
            replace(CLAIMS, "  - id: mini-002\n", "  - id: mini-002\n    1: one\n"),
            [f"{CLAIMS}:22: YAML: key '1' is not text (quote it) [yaml-key]"],
        ),
        "an empty claim id": (
            replace(CLAIMS, "id: mini-001", 'id: ""'),
            [f"{CLAIMS}:4: claim #1: id: {ID_FORM}, not '' [bad-format]"],
        ),
        "a claim id that is a list": (
            replace(CLAIMS, "id: mini-001", "id: [a, b]"),
            [f"{CLAIMS}:4: claim #1: id: must be text, not ['a', 'b'] [wrong-type]"],
        ),
        "a claim id that is a mapping": (
            replace(CLAIMS, "id: mini-001", "id: {a: 1}"),
            [f"{CLAIMS}:4: claim #1: id: must be text, not {{'a': 1}} [wrong-type]"],
        ),
        "a claim id with a space": (
            replace(CLAIMS, "id: mini-001", "id: mini 001"),
            [f"{CLAIMS}:4: claim #1: id: {ID_FORM}, not 'mini 001' [bad-format]"],
        ),
        "a claims file naming its source by a list": (
            replace(CLAIMS, "source: mini-source", "source: [mini-source]"),
            [
                f"{CLAIMS}:2: claim mini-001: source: must be text, not ['mini-source'] [wrong-type]",
                f"{CLAIMS}:2: claim mini-002: source: must be text, not ['mini-source'] [wrong-type]",
                f"{CLAIMS}:2: source: must be text, not ['mini-source'] [wrong-type]",
            ],
        ),
        "true as a person": (
            replace(CLAIMS, "attributed_to: dana-field", "attributed_to: true"),
            [f"{CLAIMS}:18: claim mini-001: attributed_to: must be text, not True [wrong-type]"],
        ),
        "a tension of an assertion with itself": (
            replace(
                "evidence/tensions.yaml",
                "second: no-massage-on-swollen-inflamed-area",
                "second: relief-in-2-3-sessions-new-localized-injury",
            ),
            [
                "evidence/tensions.yaml:3: tension quick-relief-versus-rest-first: second: names the same assertion as first: a tension joins two different assertions [self-tension]"
            ],
        ),
        "a person id given twice": (
            replace(
                SOURCES,
                "      affiliation: null\n",
                "      affiliation: null\n    - {id: dana-field, name: Dana Fielding, role: null, affiliation: null}\n",
            ),
            [
                f"{SOURCES}:26: source mini-source: people[1].id: duplicate id 'dana-field' [duplicate-id]"
            ],
        ),
        "a vocabulary term named null": (
            replace("evidence/vocabulary.yaml", "  anecdotal: {label", "  null: {label"),
            [
                f"evidence/vocabulary.yaml:{ANECDOTAL_LINE}: YAML: key 'null' is not text (quote it) [yaml-key]"
            ],
        ),
        "an empty vocabulary term": (
            replace("evidence/vocabulary.yaml", "  anecdotal: {label", "  '': {label"),
            [
                f"evidence/vocabulary.yaml:{ANECDOTAL_LINE}: hedge: term '' must be lowercase letters and digits joined by _ [bad-format]"
            ],
        ),
        "an empty vocabulary label": (
            replace(
                "evidence/vocabulary.yaml",
                "anecdotal: {label: Anecdotal,",
                "anecdotal: {label: '',",
            ),
            [
                f"evidence/vocabulary.yaml:{ANECDOTAL_LINE}: term anecdotal: hedge.label: must be non-empty text [wrong-type]"
            ],
        ),
        "an unknown vocabulary field": (
            append(
                "evidence/vocabulary.yaml", "colour:\n  red: {label: Red, definition: A colour.}\n"
            ),
            [
                f"evidence/vocabulary.yaml:{VOCABULARY_END + 1}: colour: unknown vocabulary field: no record draws its terms from it [unknown-field]"
            ],
        ),
        "a megabyte where a term belongs": (
            replace(CLAIMS, "category: time_course", f"category: {HUGE}"),
            [f"{CLAIMS}:9: claim mini-001: category: unknown category '{'x' * 78}… [unknown-term]"],
        ),
    }
)


def snapshot(root: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()
    }


def validate(root: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, list[str]]:
    code = main(
        ["validate", "--evidence", str(root / "evidence"), "--corpus", str(root / "corpus")]
    )
    return code, capsys.readouterr().out.splitlines()


def test_the_fixture_itself_is_valid(mini: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, lines = validate(mini, capsys)
    assert code == 0, lines
    assert lines[-1].startswith(
        f"ok: {mini / 'evidence'}: 1 sources, 2 claims, 2 assertions; quotes and checksums checked"
    )


@pytest.mark.parametrize("case", list(CASES))
def test_bad_input_is_reported_in_one_line_and_nothing_changes(
    case: str, mini: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    edit, expected = CASES[case]
    edit(mini)
    before = snapshot(mini)
    code, lines = validate(mini, capsys)
    assert code == 2
    assert lines == expected
    assert snapshot(mini) == before


def test_a_yaml_syntax_error_is_one_line_at_its_place_with_our_code(
    mini: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Between our prefix and our code stands the parser's own account, whatever its words."""
    replace(CLAIMS, "    category: time_course\n", "    category: [time_course\n")(mini)
    before = snapshot(mini)
    code, lines = validate(mini, capsys)
    assert code == 2
    (line,) = lines
    assert line.startswith(f"{CLAIMS}:10: YAML: ")
    assert line.endswith(" [yaml-syntax]")
    assert len(line) < 200
    assert snapshot(mini) == before


def test_a_python_tag_is_never_executed(
    mini: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    CASES["yaml tag constructing a python object"][0](mini)
    monkeypatch.chdir(mini)
    validate(mini, capsys)
    assert not (mini / "pwned").exists()


def test_a_utf8_bom_loads(mini: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = mini / CLAIMS
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    code, lines = validate(mini, capsys)
    assert code == 0, lines


def test_crlf_line_endings_load(mini: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for path in (mini / "evidence").rglob("*.yaml"):
        path.write_bytes(path.read_bytes().replace(b"\n", b"\r\n"))
    code, lines = validate(mini, capsys)
    assert code == 0, lines


def test_every_problem_is_reported_at_once(mini: Path, capsys: pytest.CaptureFixture[str]) -> None:
    replace(CLAIMS, "category: time_course", "category: schedule")(mini)
    replace(CLAIMS, "hedge: certain", "hedge: sure")(mini)
    replace(SOURCES, REAL_SHA, "f" * 64)(mini)
    code, lines = validate(mini, capsys)
    assert code == 2
    assert len(lines) == 3
    assert {line.split(": ")[2] for line in lines} == {"category", "hedge", "sha256"}


def test_a_source_without_claims_says_why_and_validates(
    mini: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    no_claims = "source: mini-source\nclaims: []\nreason: The note makes no claim of its own.\n"
    write(CLAIMS, no_claims)(mini)
    code, lines = validate(mini, capsys)
    assert code == 0, lines
    assert lines[-1].startswith(f"ok: {mini / 'evidence'}: 1 sources, 0 claims, 2 assertions")


def test_no_message_grows_with_its_input(mini: Path, capsys: pytest.CaptureFixture[str]) -> None:
    huge = "y" * 5_000_000
    replace(CLAIMS, "hedge: probable", f"hedge: {huge}")(mini)
    replace(SOURCES, "title: A short note on back care", f"title: [{huge}]")(mini)
    code, lines = validate(mini, capsys)
    assert code == 2
    assert len(lines) == 2
    assert all(len(line) < 300 for line in lines), [len(line) for line in lines]
