"""Purpose-made broken evidence: each case asserts the exact one-line message, exit code 2,
and that no file changed. Each case edits one small fixture folder (tests/fixtures/mini)."""

from __future__ import annotations

import hashlib
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
"""

CASES = {
    "yaml syntax error": (
        replace(CLAIMS, "    category: time_course\n", "    category: [time_course\n"),
        [f"{CLAIMS}:10: YAML: did not find expected ',' or ']'"],
    ),
    "missing required field": (
        replace(
            CLAIMS,
            "    statement: A new strain in one spot may ease within two to three sessions.\n",
            "",
        ),
        [f"{CLAIMS}:4: claim mini-001: statement: required field is missing"],
    ),
    "unknown category": (
        replace(CLAIMS, "category: time_course", "category: schedule"),
        [f"{CLAIMS}:9: claim mini-001: category: unknown category 'schedule'"],
    ),
    "misspelt category": (
        replace(CLAIMS, "category: time_course", "category: time_cuorse"),
        [
            f"{CLAIMS}:9: claim mini-001: category: unknown category 'time_cuorse' (did you mean 'time_course'?)"
        ],
    ),
    "misspelt intervention": (
        replace(CLAIMS, "intervention: massage_general", "intervention: massage-general"),
        [
            f"{CLAIMS}:10: claim mini-001: intervention: unknown intervention 'massage-general' (did you mean 'massage_general'?)"
        ],
    ),
    "duplicate claim id": (
        replace(CLAIMS, "id: mini-002", "id: mini-001"),
        [f"{CLAIMS}:21: claim mini-001: id: duplicate id 'mini-001'"],
    ),
    "unknown assertion": (
        replace(
            CLAIMS,
            "assertion: no-massage-on-swollen-inflamed-area",
            "assertion: no-massage-on-swolen-inflamed-area",
        ),
        [
            f"{CLAIMS}:36: claim mini-002: assertion: unknown assertion 'no-massage-on-swolen-inflamed-area' (did you mean 'no-massage-on-swollen-inflamed-area'?)"
        ],
    ),
    "claims pointing at an unknown source": (
        replace(CLAIMS, "source: mini-source", "source: mini-sauce"),
        [
            f"{CLAIMS}:2: source: unknown source 'mini-sauce' (did you mean 'mini-source'?): it is not in sources.yaml"
        ],
    ),
    "claims file for a source not in sources.yaml": (
        write("evidence/claims/ghost-source.yaml", GHOST_CLAIMS),
        [
            "evidence/claims/ghost-source.yaml:1: source: unknown source 'ghost-source': it is not in sources.yaml"
        ],
    ),
    "claims file named after another source": (
        rename(CLAIMS, "evidence/claims/other.yaml"),
        [
            "evidence/claims/other.yaml:2: source: claims of source 'mini-source' belong in claims/mini-source.yaml"
        ],
    ),
    "quote not at its offsets": (
        replace(CLAIMS, "    start: 86\n    end: 114\n", "    start: 87\n    end: 115\n"),
        [f"{CLAIMS}:5: claim mini-001: quote: not found at 87:115 (it is at 86:114)"],
    ),
    "quote not in the text": (
        replace(
            CLAIMS, 'quote: "may ease within 2-3 sessions"', 'quote: "may ease within 2-3 visits"'
        ),
        [
            f"{CLAIMS}:5: claim mini-001: quote: not found at 86:114 (it is not in the text)",
            f"{CLAIMS}:16: claim mini-001: quantities[0].text: '2-3 sessions' is not inside the quote",
        ],
    ),
    "offsets out of range": (
        replace(CLAIMS, "end: 174", "end: 500"),
        [
            f"{CLAIMS}:24: claim mini-002: end: offsets 133:500 are out of range for a text of 175 characters"
        ],
    ),
    "sha256 mismatch": (
        replace(SOURCES, REAL_SHA, "f" * 64),
        [
            f"{SOURCES}:3: source mini-source: sha256: does not match the text (its sha256 is {REAL_SHA})"
        ],
    ),
    "sha256 malformed": (
        replace(SOURCES, REAL_SHA, "not-a-digest"),
        [
            f"{SOURCES}:3: source mini-source: sha256: must be 64 lowercase hexadecimal digits, not 'not-a-digest'"
        ],
    ),
    "min greater than max": (
        replace(CLAIMS, "min: 2, max: 3", "min: 4, max: 3"),
        [f"{CLAIMS}:16: claim mini-001: quantities[0].min: min 4 is greater than max 3"],
    ),
    "unknown unit": (
        replace(CLAIMS, "unit: sessions", "unit: visits"),
        [f"{CLAIMS}:16: claim mini-001: quantities[0].unit: unknown unit 'visits'"],
    ),
    "stored bounds disagree with the text": (
        replace(CLAIMS, "min: 2, max: 3", "min: 1, max: 3"),
        [
            f"{CLAIMS}:16: claim mini-001: quantities[0].text: '2-3 sessions' reads as min 2, max 3, unit sessions, not min 1, max 3, unit sessions"
        ],
    ),
    "quantity text that is not a quantity": (
        replace(CLAIMS, 'text: "2-3 sessions"', 'text: "within 2-3 sessions"'),
        [
            f"{CLAIMS}:16: claim mini-001: quantities[0].text: cannot read 'within 2-3 sessions' as a quantity with a unit"
        ],
    ),
    "quantity text outside the quote": (
        replace(CLAIMS, 'text: "2-3 sessions"', 'text: "2 to 3 sessions"'),
        [
            f"{CLAIMS}:16: claim mini-001: quantities[0].text: '2 to 3 sessions' is not inside the quote"
        ],
    ),
    "string where a number belongs": (
        replace(CLAIMS, "start: 86", 'start: "eighty-six"'),
        [f"{CLAIMS}:6: claim mini-001: start: must be a whole number, not 'eighty-six'"],
    ),
    "string where a bound belongs": (
        replace(CLAIMS, "max: 3", 'max: "three"'),
        [f"{CLAIMS}:16: claim mini-001: quantities[0].max: must be a number, not 'three'"],
    ),
    "true or false where a number belongs": (
        replace(CLAIMS, "max: 3", "max: true"),
        [f"{CLAIMS}:16: claim mini-001: quantities[0].max: must be a number, not True"],
    ),
    "number where text belongs": (
        replace(
            CLAIMS,
            "statement: A new strain in one spot may ease within two to three sessions.",
            "statement: 12",
        ),
        [f"{CLAIMS}:8: claim mini-001: statement: must be text, not 12"],
    ),
    "null where a term is required": (
        replace(CLAIMS, "hedge: probable", "hedge: null"),
        [f"{CLAIMS}:17: claim mini-001: hedge: must not be null"],
    ),
    "misspelt field name": (
        replace(CLAIMS, "    hedge: probable", "    hegde: probable"),
        [
            f"{CLAIMS}:4: claim mini-001: hedge: required field is missing",
            f"{CLAIMS}:17: claim mini-001: hegde: unknown field (did you mean 'hedge'?)",
        ],
    ),
    "attribution to a person the source does not name": (
        replace(CLAIMS, "attributed_to: dana-field", "attributed_to: dana-fields"),
        [
            f"{CLAIMS}:18: claim mini-001: attributed_to: 'dana-fields' is not a person of source mini-source (allowed: dana-field, article)"
        ],
    ),
    "malformed publication date": (
        replace(SOURCES, 'published: "2020-01-31"', 'published: "31 January 2020"'),
        [
            f"{SOURCES}:6: source mini-source: published: must be an ISO date (YYYY, YYYY-MM or YYYY-MM-DD), not '31 January 2020'"
        ],
    ),
    "unquoted comma in a vocabulary definition": (
        replace(
            "evidence/vocabulary.yaml",
            "definition: Told as one person's story or experience.}",
            "definition: Told as a story, or an experience.}",
        ),
        [
            f"evidence/vocabulary.yaml:{ANECDOTAL_LINE}: term anecdotal: hedge: unknown key 'or an experience.' (an unquoted comma in a flow mapping?)"
        ],
    ),
    "vocabulary term without a label": (
        replace(
            "evidence/vocabulary.yaml",
            "anecdotal: {label: Anecdotal, definition:",
            "anecdotal: {definition:",
        ),
        [f"evidence/vocabulary.yaml:{ANECDOTAL_LINE}: term anecdotal: hedge.label: must be text"],
    ),
    "tension naming an unknown assertion": (
        replace(
            "evidence/tensions.yaml",
            "second: no-massage-on-swollen-inflamed-area",
            "second: no-massage-on-swollen-area",
        ),
        [
            "evidence/tensions.yaml:3: tension quick-relief-versus-rest-first: second: unknown assertion 'no-massage-on-swollen-area' (did you mean 'no-massage-on-swollen-inflamed-area'?)"
        ],
    ),
    "lists nested one level beyond the limit": (
        write(CLAIMS, "[" * 65 + "]" * 65),
        [f"{CLAIMS}: YAML: nested more than 64 levels deep"],
    ),
    "lists nested thousands deep": (
        write(CLAIMS, "[" * 5000 + "]" * 5000),
        [f"{CLAIMS}: YAML: nested more than 64 levels deep"],
    ),
    "empty claims file": (
        write(CLAIMS, ""),
        [f"{CLAIMS}: file is empty"],
    ),
    "empty sources file": (
        write(SOURCES, ""),
        [
            f"{CLAIMS}:2: source: unknown source 'mini-source': it is not in sources.yaml",
            f"{SOURCES}: file is empty",
        ],
    ),
    "confidence interval in reverse order": (
        replace(STUDIES, "ci_low: -2.5", "ci_low: -0.2"),
        [
            f"{STUDIES}:36: study mini-trial: results[0].ci_low: ci_low -0.2 is greater than ci_high -0.5"
        ],
    ),
    "value outside its confidence interval": (
        replace(STUDIES, "value: -1.5", "value: -3"),
        [
            f"{STUDIES}:36: study mini-trial: results[0].value: value -3 is outside its confidence interval -2.5 to -0.5"
        ],
    ),
    "half a confidence interval": (
        replace(STUDIES, "ci_high: -0.5", "ci_high: null"),
        [f"{STUDIES}:36: study mini-trial: results[0].ci_high: must be given when ci_low is"],
    ),
    "p value without its relation": (
        replace(STUDIES, "p_relation: equals", "p_relation: null"),
        [f"{STUDIES}:60: study mini-trial: results[1].p_relation: must be given when p_value is"],
    ),
    "result comparing an arm of another study": (
        replace(STUDIES, LAST_RESULT_LINE, LAST_RESULT_LINE + OTHER_STUDY),
        [
            f"{STUDIES}:115: study other-trial: results[0].comparator_arm: 'mini-trial-rest' is not an arm of study other-trial (its arms: other-trial-massage)"
        ],
    ),
    "misspelt estimate type": (
        replace(STUDIES, "estimate_type: mean_difference", "estimate_type: mean_diference"),
        [
            f"{STUDIES}:36: study mini-trial: results[0].estimate_type: unknown estimate_type 'mean_diference' (did you mean 'mean_difference'?)"
        ],
    ),
    "audit resting on an unknown result": (
        replace(AUDIT, "- mini-trial-pain-2w", "- mini-trial-pain-2wk"),
        [
            f"{AUDIT}:4: audit #1: results: unknown result 'mini-trial-pain-2wk' (did you mean 'mini-trial-pain-2w'?)"
        ],
    ),
    "unknown verdict": (
        replace(AUDIT, "verdict: partly_supported_short_term", "verdict: proven"),
        [f"{AUDIT}:3: audit #1: verdict: unknown verdict 'proven'"],
    ),
    "yaml tag constructing a python object": (
        replace(
            CLAIMS,
            "statement: A swollen or inflamed area should not be massaged.",
            'statement: !!python/object/apply:os.system ["touch pwned"]',
        ),
        [
            f"{CLAIMS}:25: YAML: could not determine a constructor for the tag 'tag:yaml.org,2002:python/object/apply:os.system'"
        ],
    ),
}


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
        "ok: 1 sources, 2 claims, 2 assertions; quotes and checksums checked"
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
