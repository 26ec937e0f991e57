"""Bringing in a new source: add-source -> extract -> edit -> accept -> validate, and bad input."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest
import yaml

from massage_evidence.cli import main
from massage_evidence.ingest import cues as cue_file
from massage_evidence.ingest.extract import extract, train
from massage_evidence.ingest.matching import closeness, matches
from massage_evidence.ingest.segment import segment
from massage_evidence.ingest.texts import IngestError
from massage_evidence.quantities import find

from .conftest import EVIDENCE, said_after_the_folders

NEW_TEXT = """Share this article

Massage for Back Pain: A Therapist's View

Massage may ease low back pain within a few weeks, says Jordan Ellis, a licensed massage therapist in Portland.

"Most of my clients feel better after 2-3 sessions," Ellis says. "I suggest coming once or twice a week at first."

Do not massage a swollen or inflamed area, because pressure can make the injury worse.

If pain spreads down your leg or you feel numbness, see a doctor before booking a massage.

Sessions usually cost $50 to $100 an hour, and some insurance plans cover massage therapy.
"""


@pytest.fixture()
def project(tmp_path: Path, seeds: Path) -> dict[str, Path]:
    """A researcher's project: a copy of the evidence and a corpus/ folder of its texts beside it."""
    evidence = tmp_path / "evidence"
    shutil.copytree(EVIDENCE, evidence)
    shutil.rmtree(evidence / "candidates", ignore_errors=True)
    corpus = tmp_path / "corpus"
    shutil.copytree(seeds, corpus)
    text = tmp_path / "new-article.txt"
    text.write_text(NEW_TEXT, encoding="utf-8")
    return {"evidence": evidence, "corpus": corpus, "text": text}


def _options(project: dict[str, Path]) -> list[str]:
    return ["--evidence", str(project["evidence"]), "--corpus", str(project["corpus"])]


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def _first_term(field: str) -> str:
    vocabulary = yaml.safe_load((EVIDENCE / "vocabulary.yaml").read_text(encoding="utf-8"))
    return next(iter(vocabulary[field]))


def test_add_extract_edit_accept_validate(project, capsys):
    options = _options(project)
    assert main(["add-source", str(project["text"]), "--id", "therapist-view", *options]) == 0
    sources = yaml.safe_load((project["evidence"] / "sources.yaml").read_text(encoding="utf-8"))
    record = next(s for s in sources if s["id"] == "therapist-view")
    content = project["text"].read_bytes()
    assert record["sha256"] == hashlib.sha256(content).hexdigest()
    assert record["title"] == "Massage for Back Pain: A Therapist's View"
    assert record["publisher"] is None and record["published"] is None
    assert (project["corpus"] / record["file"]).read_bytes() == content

    out = project["evidence"] / "candidates" / "therapist-view.yaml"
    arguments = ["extract", str(project["text"]), "--out", str(out), "--source", "therapist-view"]
    assert main([*arguments, *options]) == 0
    document = yaml.safe_load(out.read_text(encoding="utf-8"))
    candidates = document["candidates"]
    for candidate in candidates:
        assert NEW_TEXT[candidate["start"] : candidate["end"]] == candidate["quote"]
    quotes = [c["quote"] for c in candidates]
    assert not any("Share this article" in q for q in quotes)  # page chrome is skipped
    by_quote = {c["quote"]: c for c in candidates}
    sessions = next(c for q, c in by_quote.items() if "2-3 sessions" in q)
    assert sessions["attributed_to"] == "Jordan Ellis"
    assert [(q["min"], q["max"], q["unit"]) for q in sessions["quantities"]] == [(2, 3, "sessions")]
    swollen = next(c for q, c in by_quote.items() if "swollen" in q)
    assert swollen["attributed_to"] is None

    assertion = yaml.safe_load((EVIDENCE / "assertions.yaml").read_text(encoding="utf-8"))[0]
    for candidate, statement in (
        (sessions, "Most clients of one therapist feel better after two or three sessions."),
        (swollen, "Do not massage a swollen or inflamed area."),
    ):
        candidate["statement"] = statement
        candidate["assertion"] = candidate["assertion"] or assertion["id"]
        candidate["intervention"] = candidate["intervention"] or _first_term("intervention")
        candidate["condition"] = candidate["condition"] or _first_term("condition")
    out.write_text(yaml.safe_dump(document, sort_keys=False, allow_unicode=True), "utf-8")

    capsys.readouterr()
    chosen = [sessions["id"], swollen["id"]]
    assert main(["accept", "therapist-view", *chosen, *options]) == 0
    claims = yaml.safe_load(
        (project["evidence"] / "claims" / "therapist-view.yaml").read_text(encoding="utf-8")
    )
    assert claims["source"] == "therapist-view"
    assert [c["quote"] for c in claims["claims"]] == [sessions["quote"], swollen["quote"]]
    assert [c["statement"] for c in claims["claims"]][
        1
    ] == "Do not massage a swollen or inflamed area."
    assert claims["claims"][1]["attributed_to"] == "article"
    sources = yaml.safe_load((project["evidence"] / "sources.yaml").read_text(encoding="utf-8"))
    record = next(s for s in sources if s["id"] == "therapist-view")
    speaker = claims["claims"][0]["attributed_to"]
    assert [p["name"] for p in record["people"] if p["id"] == speaker] == ["Jordan Ellis"]
    left = yaml.safe_load(out.read_text(encoding="utf-8"))["candidates"]
    assert [c["id"] for c in left] == [c["id"] for c in candidates if c["id"] not in chosen]

    capsys.readouterr()
    assert main(["validate", *options]) == 0
    assert "ok:" in capsys.readouterr().out


@pytest.fixture(scope="module")
def trained():
    return train()


def test_every_candidate_quote_is_verbatim_at_its_offsets(seeds, trained):
    models, cues = trained
    total = 0
    for path in sorted(seeds.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        candidates = extract(text, models, cues)
        assert candidates, path.name
        for candidate in candidates:
            assert text[candidate["start"] : candidate["end"]] == candidate["quote"]
        total += len(candidates)
    assert total >= 100


def test_extract_is_deterministic(seeds, trained):
    models, cues = trained
    text = sorted(seeds.glob("*.txt"))[1].read_text(encoding="utf-8")
    assert extract(text, models, cues) == extract(text, *train())


def test_segments_never_cross_a_line_and_skip_chrome():
    cues = cue_file.load(EVIDENCE)
    text = "Skip to content\nFirst claim here, and it is long. Second one is long too.\n"
    spans = segment(text, cues)
    assert [s.text for s in spans] == ["First claim here, and it is long", "Second one is long too"]


def _spans(text: str) -> list[str]:
    return [s.text for s in segment(text, cue_file.load(EVIDENCE))]


@pytest.mark.parametrize(
    ("first", "second"),
    [
        # an anaphor: "This" names what the sentence before defined
        ("For a sprain, remember the word PRICE", "This stands for protect, rest, ice"),
        # a connective pointing back
        ("Massage may be painful at first", "But it should never hurt for long"),
        # a pronoun inside an opening quotation mark
        ("“Few therapists keep to one method,” Ellis says", "“They mix what suits you”"),
        # a fragment whose quantity and hedge belong to the subject before
        ("Most clients feel looser after a massage", "Usually for two days"),
    ],
)
def test_a_sentence_that_points_back_is_joined_to_the_one_before(first, second):
    text = f"Share this article\n\n{first}. {second}.\n"
    spans = segment(text, cue_file.load(EVIDENCE))
    # the sentence alone stays a span too: the shortest that may carry the claim
    assert [s.text for s in spans] == [first, f"{first}. {second}", second]
    joined = spans[1]
    assert text[joined.start : joined.end] == joined.text
    assert (joined.start, joined.end) == (text.index(first), text.index(second) + len(second))


@pytest.mark.parametrize(
    "text",
    [
        "Massage relaxes tight muscles. Stretching keeps them loose for longer.",
        # long enough to carry its own subject, though it opens with a hedge and a number
        "Massage helps many backs. Usually two sessions are enough for a strained muscle.",
        # the sentence before is in another paragraph
        "Massage relaxes tight muscles.\n\nThis helps the back move more freely.",
    ],
)
def test_a_sentence_that_stands_alone_is_not_joined(text):
    sentences = [part.strip().rstrip(".") for part in text.replace("\n\n", " ").split(". ")]
    assert _spans(text) == sentences


def test_a_sentence_is_not_joined_to_the_number_of_its_heading():
    assert _spans("4. It helps to stretch every day.\n") == ["It helps to stretch every day"]


def test_the_closest_span_is_the_one_a_quote_fills_best():
    quote = (100, 140)  # a second sentence, quoted alone
    alone, joined, before = (100, 140), (60, 140), (60, 98)
    assert closeness(*quote, *alone) == 1.0
    assert closeness(*quote, *joined) == 0.5  # 40 shared of 80 covered
    assert closeness(*quote, *before) == 0.0
    assert matches(*quote, *alone) and matches(*quote, *joined)


def test_a_rhetorical_frequency_is_not_a_claimed_quantity():
    cues = cue_file.load(EVIDENCE)

    def claimed(sentence: str) -> list[str]:
        return [
            f.text for f in find(sentence) if cues.is_claimed_quantity(sentence, f.start, f.end)
        ]

    # a frequency adjective after a determiner pointing back: a habit assumed, not a schedule
    assert claimed("This weekly massage may soothe more than your mood.") == []
    assert claimed("Those daily stretches may help more than you think.") == []
    # a schedule the text advises, in the forms the grammar reads
    assert claimed("Get a weekly massage for a month.") == ["weekly"]
    assert claimed("Book a massage weekly, then monthly.") == ["weekly", "monthly"]
    assert claimed("Come once or twice a week, then every two weeks.") == [
        "once or twice a week",
        "every two weeks",
    ]
    assert claimed("That yearly check is within 48 hours of the injury.") == ["within 48 hours"]


def test_a_malformed_rule_in_the_cue_file_is_one_line(tmp_path):
    cues = (EVIDENCE / "extraction.yaml").read_text(encoding="utf-8")
    rules = cues.split("not_claimed_quantities:", 1)[1].split("\n\n", 1)[0]
    without_after = "\n".join(line for line in rules.splitlines() if "after:" not in line)
    assert without_after != rules
    (tmp_path / "extraction.yaml").write_text(cues.replace(rules, without_after), "utf-8")
    with pytest.raises(IngestError) as raised:
        cue_file.load(tmp_path)
    message = str(raised.value)
    assert "\n" not in message
    assert "not_claimed_quantities[0]" in message and "after" in message


BAD_TEXTS = {
    "empty": b"   \n",
    "not-utf8": "Massage helps backs.".encode("utf-16"),
    "binary": b"Massage\x00\x01\x02 helps",
    "latin1": "Massage hilft bei R\xfcckenschmerzen.".encode("latin-1"),
}


@pytest.mark.parametrize("kind", sorted(BAD_TEXTS))
def test_add_source_refuses_a_bad_text_in_one_line(project, capsys, kind):
    bad = project["text"].with_name(f"{kind}.txt")
    bad.write_bytes(BAD_TEXTS[kind])
    before = _snapshot(project["evidence"]), _snapshot(project["corpus"])
    capsys.readouterr()
    assert main(["add-source", str(bad), "--id", "new-one", *_options(project)]) == 2
    (error,) = said_after_the_folders(capsys.readouterr().err)
    assert str(bad) in error
    assert (_snapshot(project["evidence"]), _snapshot(project["corpus"])) == before


def test_add_source_refuses_an_enormous_text(project, capsys):
    big = project["text"].with_name("big.txt")
    big.write_bytes(b"Massage helps. " * (5 * 2**20 // 15 + 1))
    before = _snapshot(project["evidence"])
    assert main(["add-source", str(big), "--id", "big-one", *_options(project)]) == 2
    assert "more than" in capsys.readouterr().err
    assert _snapshot(project["evidence"]) == before


def test_add_source_refuses_a_used_id_and_a_known_text(project, seeds, capsys):
    sources = yaml.safe_load((project["evidence"] / "sources.yaml").read_text(encoding="utf-8"))
    before = _snapshot(project["evidence"]), _snapshot(project["corpus"])
    used = sources[0]["id"]
    assert main(["add-source", str(project["text"]), "--id", used, *_options(project)]) == 2
    assert f"source id {used!r} is already used" in capsys.readouterr().err
    known = seeds / sources[1]["file"]
    assert main(["add-source", str(known), "--id", "again", *_options(project)]) == 2
    assert f"already in the corpus as source {sources[1]['id']!r}" in capsys.readouterr().err
    assert (_snapshot(project["evidence"]), _snapshot(project["corpus"])) == before


def test_add_source_creates_the_corpus_folder_of_a_project(project):
    shutil.rmtree(project["corpus"])
    evidence = project["evidence"]
    shutil.rmtree(evidence / "claims")  # a project of its own: no sources yet
    (evidence / "claims").mkdir()
    (evidence / "sources.yaml").write_text("[]\n", encoding="utf-8")
    for name in ("tensions.yaml", "audit.yaml"):
        (evidence / name).write_text("[]\n", encoding="utf-8")
    (evidence / "assertions.yaml").write_text("[]\n", encoding="utf-8")
    args = ["add-source", str(project["text"]), "--id", "first", "--evidence", str(evidence)]
    args += ["--publisher", "Example Health", "--published", "2024-05"]
    assert main(args) == 0
    stored = list((project["evidence"].parent / "corpus").glob("*.txt"))
    assert [p.read_bytes() for p in stored] == [project["text"].read_bytes()]
    record = yaml.safe_load((evidence / "sources.yaml").read_text(encoding="utf-8"))[-1]
    assert (record["publisher"], record["published"]) == ("Example Health", "2024-05")


def test_extract_refuses_an_empty_text(project, capsys):
    empty = project["text"].with_name("empty.txt")
    empty.write_text("", encoding="utf-8")
    assert main(["extract", str(empty), *_options(project)]) == 2
    assert len(said_after_the_folders(capsys.readouterr().err)) == 1


@pytest.fixture()
def with_candidates(project):
    options = _options(project)
    assert main(["add-source", str(project["text"]), "--id", "therapist-view", *options]) == 0
    out = project["evidence"] / "candidates" / "therapist-view.yaml"
    assert main(["extract", str(project["text"]), "--out", str(out), *options]) == 0
    return out


def test_accept_refuses_an_unknown_candidate(project, with_candidates, capsys):
    before = _snapshot(project["evidence"])
    capsys.readouterr()
    assert main(["accept", "therapist-view", "c-999", *_options(project)]) == 2
    assert "unknown candidate 'c-999'" in capsys.readouterr().err
    assert _snapshot(project["evidence"]) == before


def test_accept_refuses_a_quote_that_no_longer_matches(project, with_candidates, capsys):
    document = yaml.safe_load(with_candidates.read_text(encoding="utf-8"))
    document["candidates"][0]["quote"] = "Massage cures everything"
    with_candidates.write_text(yaml.safe_dump(document, sort_keys=False), encoding="utf-8")
    before = _snapshot(project["evidence"])
    first = document["candidates"][0]["id"]
    assert main(["accept", "therapist-view", first, *_options(project)]) == 2
    assert f"candidate {first}: quote no longer matches" in capsys.readouterr().err
    assert _snapshot(project["evidence"]) == before


def test_accept_refuses_an_unreviewed_candidate(project, with_candidates, capsys):
    before = _snapshot(project["evidence"])
    capsys.readouterr()
    assert main(["accept", "therapist-view", "--all", *_options(project)]) == 2
    (error,) = said_after_the_folders(capsys.readouterr().err)
    assert "not accepted, nothing written" in error
    assert "statement" in error and "candidate c-" in error
    assert _snapshot(project["evidence"]) == before
