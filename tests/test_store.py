"""Reading YAML strictly: a specification of what the loader accepts, reads as text and refuses."""

from __future__ import annotations

import gc
import os
from pathlib import Path

import pytest

from massage_evidence.store import (
    Document,
    Refused,
    Unreadable,
    decode_text,
    gc_paused,
    parse_yaml,
    read_regular,
    write_if_changed,
)


def _data(text: str) -> object:
    document = parse_yaml(text)
    return None if document is None else document.data


# Plain data, as JSON has it: null, booleans, decimal integers and decimal numbers.
ACCEPTED = {
    "a: 12": 12,
    "a: -12": -12,
    "a: +3": 3,
    "a: 0": 0,
    "a: 1.5": 1.5,
    "a: -0.25": -0.25,
    "a: 2e3": 2000.0,
    "a: .5": 0.5,
    "a: 1.": 1.0,
    "a: null": None,
    "a: ~": None,
    "a:": None,
    "a: true": True,
    "a: False": False,
    "a: '12'": "12",
    'a: "true"': "true",
    "a: text, with a comma": "text, with a comma",
    "a: 1.5.2": "1.5.2",
    "a: |\n  block\n": "block\n",
    "a: [1, x, null]": [1, "x", None],
    "a: {b: 1}": {"b": 1},
}

# What YAML 1.1 would turn into numbers, booleans or dates is read as the text it shows.
READ_AS_TEXT = [
    "1:26",
    "1:20.5",
    "0x56",
    "017",
    "0o17",
    "0b101",
    "1_000",
    "yes",
    "No",
    "on",
    "OFF",
    "y",
    ".inf",
    "-.Inf",
    ".nan",
    "2020-02-30",
    "2012-06-24",
    "2001-12-14t21:59:43.10-05:00",
    "=",
    "<<",
]


@pytest.mark.parametrize("text", list(ACCEPTED))
def test_plain_data_is_read_as_json_would_read_it(text: str):
    value = _data(text)
    assert isinstance(value, dict)
    assert value["a"] == ACCEPTED[text]
    assert type(value["a"]) is type(ACCEPTED[text])


@pytest.mark.parametrize("scalar", READ_AS_TEXT)
def test_yaml_1_1_implicit_types_are_read_as_the_text_they_show(scalar: str):
    assert _data(f"a: {scalar}\n") == {"a": scalar}
    assert _data(f"- {scalar}\n") == [scalar]


REFUSED = {
    "an alias": ("a: &x 1\nb: *x\n", 1, "yaml-alias"),
    "an anchor no alias uses": ("a: 1\nb: &x 2\n", 2, "yaml-alias"),
    "a merge key": ("base: &b {x: 1}\nother:\n  <<: *b\n", 1, "yaml-alias"),
    "an explicit int tag": ("a: 1\nx: !!int '12'\n", 2, "yaml-tag"),
    "an explicit str tag on a number": ("x: !!str 12\n", 1, "yaml-tag"),
    "an application tag": ("a: {b: !custom 1}\n", 1, "yaml-tag"),
    "a python tag": ("a: !!python/object/apply:os.system [ls]\n", 1, "yaml-tag"),
    "a set": ("!!set {a, b}\n", 1, "yaml-tag"),
    "an ordered map": ("!!omap [a: 1]\n", 1, "yaml-tag"),
    "binary": ("x: !!binary aGVsbG8=\n", 1, "yaml-tag"),
    "a number as a key": ("1: one\n", 1, "yaml-key"),
    "null as a key": ("a: 1\nnull: none\n", 2, "yaml-key"),
    "a list as a key": ("? [1, 2]\n: v\n", 1, "yaml-key"),
    "lists nested 65 deep": ("[" * 65 + "]" * 65, 1, "yaml-too-deep"),
    "lists nested 5000 deep": ("[" * 5000 + "]" * 5000, 1, "yaml-too-deep"),
    "mappings nested 1500 deep in block style": (
        "".join(" " * i + "k:\n" for i in range(1500)),
        65,
        "yaml-too-deep",
    ),
}


@pytest.mark.parametrize("case", list(REFUSED))
def test_what_is_beyond_plain_data_is_refused_with_its_line_and_code(case: str):
    text, line, code = REFUSED[case]
    with pytest.raises(Refused) as refused:
        parse_yaml(text)
    assert (refused.value.line, refused.value.code) == (line, code)


def test_sixty_four_levels_are_allowed():
    assert parse_yaml("[" * 64 + "]" * 64) is not None


def test_an_alias_bomb_is_refused_before_anything_is_built():
    lines = ["a: &a [x, x, x, x, x, x, x, x, x]"]
    lines += [
        f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join(['*' + chr(97 + i)] * 9)}]" for i in range(8)
    ]
    with pytest.raises(Refused) as refused:
        parse_yaml("\n".join(lines) + "\n")
    assert (refused.value.line, refused.value.code) == (1, "yaml-alias")


def test_a_key_given_twice_is_recorded_at_any_level_with_both_lines():
    document = parse_yaml("a: 1\nb:\n  c: 1\n  d: [{e: 1, e: 2}]\n  c: 3\na: 4\n")
    assert document is not None
    assert sorted(document.duplicates) == [(4, "e", 4), (5, "c", 3), (6, "a", 1)]
    assert document.data == {"a": 1, "b": {"c": 1, "d": [{"e": 1}]}}


def test_gc_paused_restores_the_collector_as_it_was():
    assert gc.isenabled()
    with gc_paused():
        assert not gc.isenabled()
        with gc_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()
    assert gc.isenabled()
    with pytest.raises(ValueError), gc_paused():
        raise ValueError
    assert gc.isenabled()


RECORDS = """\
# two records
- id: a
  quote: x
  quantities:
    - {min: 2}

    - {min: 3}
- id: b
"""


def _places(document: Document | None) -> tuple[list[int], list[dict[str, int]]]:
    assert document is not None
    items = document.data
    fields = [document.places[id(item)].fields for item in items]
    return document.places[id(items)].items, fields


@pytest.mark.parametrize("text", [RECORDS, "%YAML 1.1\n---\n" + RECORDS])
def test_parse_yaml_keeps_the_line_of_each_record_key_and_list_item(text: str):
    shift = 2 if text.startswith("%YAML") else 0
    items, fields = _places(parse_yaml(text))
    assert items == [2 + shift, 8 + shift]
    assert fields[0] == {
        "id": 2 + shift,
        "quote": 3 + shift,
        "quantities": 4 + shift,
        "quantities[0]": 5 + shift,
        "quantities[1]": 7 + shift,
    }
    assert fields[1] == {"id": 8 + shift}


def test_parse_yaml_gives_none_for_a_text_without_a_document():
    assert parse_yaml("# only a comment\n") is None
    document = parse_yaml("---\n")
    assert document is not None and document.data is None


def _unreadable(path: Path) -> tuple[str, str]:
    with pytest.raises(Unreadable) as error:
        read_regular(path)
    return error.value.message, error.value.code


def test_only_regular_files_are_read_and_a_pipe_never_blocks(tmp_path: Path):
    (tmp_path / "file.yaml").write_text("a: 1\n")
    assert read_regular(tmp_path / "file.yaml") == b"a: 1\n"
    os.mkfifo(tmp_path / "pipe.yaml")
    assert _unreadable(tmp_path / "pipe.yaml") == (
        "not a regular file: a named pipe",
        "unreadable-file",
    )
    (tmp_path / "dangling.yaml").symlink_to(tmp_path / "nowhere.yaml")
    assert _unreadable(tmp_path / "dangling.yaml") == (
        "a symbolic link to nothing",
        "unreadable-file",
    )
    (tmp_path / "device.yaml").symlink_to("/dev/null")
    assert _unreadable(tmp_path / "device.yaml") == (
        "not a regular file: a device",
        "unreadable-file",
    )
    (tmp_path / "folder.yaml").mkdir()
    assert _unreadable(tmp_path / "folder.yaml") == (
        "not a regular file: a folder",
        "unreadable-file",
    )
    assert _unreadable(tmp_path / "absent.yaml") == ("file is missing", "missing-file")


def test_only_utf8_text_is_decoded():
    assert decode_text("\ufeffa: é\n".encode()) == "a: é\n"
    with pytest.raises(Unreadable) as binary:
        decode_text(b"a: 1\n\x00\x01")
    assert (binary.value.message, binary.value.code) == ("binary, not text", "not-text")
    with pytest.raises(Unreadable) as latin:
        decode_text("a: café\n".encode("latin-1"))
    assert (latin.value.message, latin.value.code) == (
        "not UTF-8 text (byte 0xe9 at offset 6)",
        "not-utf8",
    )


def test_a_page_whose_bytes_are_unchanged_is_not_written_again(tmp_path: Path):
    page = tmp_path / "pages" / "a.html"
    assert write_if_changed(page, "<p>one</p>") is True
    os.utime(page, ns=(1_000_000_000, 1_000_000_000))
    assert write_if_changed(page, "<p>one</p>") is False
    assert page.stat().st_mtime_ns == 1_000_000_000
    assert write_if_changed(page, b"<p>two</p>") is True
    assert page.read_text() == "<p>two</p>"
    assert [p.name for p in page.parent.iterdir()] == ["a.html"]  # no temporary file left
