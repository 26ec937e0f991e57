"""The cache of validated tables: read back when nothing changed, never trusted otherwise."""

from __future__ import annotations

import pickle
import warnings
from pathlib import Path

import pandas as pd
import pytest

import massage_evidence as me
from massage_evidence import paths, store
from massage_evidence.evidence import CacheWarning
from massage_evidence.fingerprint import Fingerprint


@pytest.fixture()
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("MASSAGE_EVIDENCE_CACHE", str(folder))
    return folder


def _entries(cache: Path) -> list[Path]:
    return sorted((cache / "tables").glob("*.pickle"))


def _load(mini: Path) -> me.Evidence:
    return me.load(mini / "evidence", corpus=mini / "corpus")


def _reading_forbidden(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_reading(*args: object, **kwargs: object) -> None:
        raise AssertionError("the YAML was read again")

    monkeypatch.setattr(store, "read", no_reading)


def test_an_unchanged_load_reads_the_tables_back_without_reading_yaml(
    mini: Path, cache: Path, monkeypatch: pytest.MonkeyPatch
):
    first = _load(mini)
    assert len(_entries(cache)) == 1
    _reading_forbidden(monkeypatch)
    again = _load(mini)
    pd.testing.assert_frame_equal(again.claims, first.claims)
    pd.testing.assert_frame_equal(again.results, first.results)
    assert again.vocabulary.terms("hedge") == first.vocabulary.terms("hedge")
    assert again.root == mini / "evidence"


def test_a_moved_evidence_folder_is_still_found_and_says_where_it_is(
    mini_factory, tmp_path: Path, cache: Path, monkeypatch: pytest.MonkeyPatch
):
    one = mini_factory(tmp_path / "one")
    two = mini_factory(tmp_path / "two")
    _load(one)
    _reading_forbidden(monkeypatch)
    assert _load(two).root == two / "evidence"


@pytest.mark.parametrize("change", ["claims", "source text", "vocabulary"])
def test_any_change_of_evidence_or_text_is_read_and_validated_again(
    change: str, mini: Path, cache: Path, monkeypatch: pytest.MonkeyPatch
):
    _load(mini)
    if change == "claims":
        path = mini / "evidence" / "claims" / "mini-source.yaml"
        path.write_text(path.read_text().replace("hedge: certain", "hedge: sure"))
    elif change == "source text":
        (mini / "corpus" / "mini.txt").write_text("Another text.\n")
    else:
        path = mini / "evidence" / "vocabulary.yaml"
        path.write_text(path.read_text() + "# a comment\n")
    reads = []
    original = store.read
    monkeypatch.setattr(store, "read", lambda *a, **k: reads.append(1) or original(*a, **k))
    try:
        _load(mini)
    except me.EvidenceError as error:
        assert change != "vocabulary", error
    assert reads == [1]


def _without_texts(mini: Path, monkeypatch: pytest.MonkeyPatch) -> me.Evidence:
    """Load with no corpus to be found: the one beside the evidence is out of the way."""
    monkeypatch.delenv(paths.CORPUS_ENV, raising=False)
    hidden = (mini / "corpus").rename(mini / "texts-elsewhere")
    try:
        with pytest.warns(me.CorpusWarning):
            return me.load(mini / "evidence")
    finally:
        hidden.rename(mini / "corpus")


def test_loading_without_texts_is_cached_apart(
    mini: Path, cache: Path, monkeypatch: pytest.MonkeyPatch
):
    _load(mini)
    _without_texts(mini, monkeypatch)
    assert len(_entries(cache)) == 2


def test_the_cache_is_safe_to_delete(mini: Path, cache: Path):
    first = _load(mini)
    for entry in _entries(cache):
        entry.unlink()
    pd.testing.assert_frame_equal(_load(mini).claims, first.claims)
    assert len(_entries(cache)) == 1


@pytest.mark.parametrize(
    "damage",
    [b"", b"not a pickle", b"\x80\x05\x95garbage", None],
    ids=["empty", "text", "truncated pickle", "an entry of another key"],
)
def test_a_damaged_entry_is_ignored_with_one_line_and_written_again(
    damage: bytes | None, mini: Path, cache: Path
):
    first = _load(mini)
    (entry,) = _entries(cache)
    if damage is None:  # a sound pickle, but of another key
        tables = pickle.loads(entry.read_bytes())
        damage = pickle.dumps({**tables, "key": "0" * 64})
    entry.write_bytes(damage)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        again = _load(mini)
    messages = [str(w.message) for w in caught if issubclass(w.category, CacheWarning)]
    assert messages == [
        f"cache entry {entry.name} is damaged: ignored, the evidence is read from its files"
    ]
    pd.testing.assert_frame_equal(again.claims, first.claims)
    with warnings.catch_warnings():
        warnings.simplefilter("error", CacheWarning)
        _load(mini)  # written again: no warning the second time


def test_an_unwritable_cache_only_means_reading_again(mini: Path, tmp_path: Path, monkeypatch):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("MASSAGE_EVIDENCE_CACHE", str(blocker))
    for _ in range(2):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            assert len(_load(mini).claims) == 2
        (warning,) = caught
        assert warning.category is CacheWarning
        assert str(warning.message).endswith(
            "cannot be read (Not a directory): ignored, the evidence is read from its files"
        )


def test_failed_validation_is_never_cached(mini: Path, cache: Path):
    path = mini / "evidence" / "claims" / "mini-source.yaml"
    path.write_text(path.read_text().replace("hedge: certain", "hedge: sure"))
    with pytest.raises(me.EvidenceError):
        _load(mini)
    assert _entries(cache) == []


def test_fingerprint_parts_are_length_prefixed_so_no_two_sequences_collide():
    def digest(*parts: tuple[str, bytes | None]) -> str:
        fingerprint = Fingerprint("test")
        for name, content in parts:
            fingerprint.add(name, content)
        return fingerprint.hexdigest()

    assert digest(("ab", b"c")) != digest(("a", b"bc"))
    assert digest(("a", b"b"), ("c", b"d")) != digest(("a", b"b\x00c\x00d"))
    assert digest(("a", b"")) != digest(("a", None))
    assert digest(("a", b"x")) == digest(("a", b"x"))
    assert Fingerprint("one").hexdigest() != Fingerprint("two").hexdigest()
