"""A property: whatever plausible slip is made in a valid claims file, either validation reports a
problem or the loaded claims are exactly the ones written — never fewer claims with exit 0."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pandas as pd
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import massage_evidence as me

from .conftest import copy_mini

CLAIMS = Path("evidence") / "claims" / "mini-source.yaml"
ORIGINAL = (Path(__file__).parent / "fixtures" / "mini" / CLAIMS).read_text(encoding="utf-8")
LINES = ORIGINAL.splitlines(keepends=True)
# Values a slip may put in place of another, read alike by YAML 1.1 and by our loader.
VALUES = ["null", "12", "'12'", "[]", "{}", "true", "two words", '""']


def _misspell(key: str, how: int) -> str:
    if how == 0:
        return key[:-1]
    if how == 1:
        return key + key[-1]
    if how == 2 and len(key) > 1:
        return key[1] + key[0] + key[2:]
    return key.upper()


@st.composite
def slips(draw: st.DrawFn) -> str:
    """The claims file after one to three slips of editing."""
    lines = list(LINES)
    for _ in range(draw(st.integers(1, 3))):
        at = draw(st.integers(0, len(lines) - 1))
        line = lines[at]
        kind = draw(
            st.sampled_from(["duplicate", "drop", "misspell", "retype", "indent", "outdent"])
        )
        body = line.lstrip(" -")
        if kind == "duplicate":
            lines.insert(at, line)
        elif kind == "drop":
            del lines[at]
        elif kind == "misspell" and ":" in body:
            key = body.split(":", 1)[0]
            misspelt = _misspell(key, draw(st.integers(0, 3)))
            lines[at] = line.replace(f"{key}:", f"{misspelt}:", 1)
        elif kind == "retype" and ": " in body:
            key = line.split(": ", 1)[0]
            lines[at] = f"{key}: {draw(st.sampled_from(VALUES))}\n"
        elif kind == "indent":
            lines[at] = " " * draw(st.integers(1, 2)) + line
        elif kind == "outdent" and line.startswith(" "):
            lines[at] = line[draw(st.integers(1, 2)) :]
        if not lines:
            lines = [""]
    return "".join(lines)


def _has_a_key_twice(text: str) -> bool:
    """Whether a mapping of the text gives a key twice, as PyYAML's own composer sees it."""
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError:
        return False
    stack = [root] if root is not None else []
    while stack:
        node = stack.pop()
        if isinstance(node, yaml.MappingNode):
            keys = [key.value for key, _ in node.value]
            if len(keys) != len(set(keys)):
                return True
            stack += [value for _, value in node.value]
        elif isinstance(node, yaml.SequenceNode):
            stack += node.value
    return False


def _written(text: str) -> list[dict] | None:
    """The claims as PyYAML's own safe loader reads the text (last duplicate key winning)."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError:
        return None
    claims = data.get("claims") if isinstance(data, dict) else None
    return claims if isinstance(claims, list) else None


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(text=slips())
def test_a_slip_is_reported_or_loses_nothing(text: str):
    with tempfile.TemporaryDirectory() as folder:
        root = copy_mini(Path(folder))
        (root / CLAIMS).write_text(text, encoding="utf-8")
        try:
            ev = me.load(root / "evidence", corpus=root / "corpus")
        except me.EvidenceError as error:
            assert error.problems  # reported: nothing is lost in silence
            return
    assert not _has_a_key_twice(text), "a key given twice was loaded without a problem"
    written = _written(text)
    assert written is not None, "a text PyYAML cannot read was loaded without a problem"
    assert list(ev.claims["claim_id"]) == [claim["id"] for claim in written]
    for column, key in [
        ("quote", "quote"),
        ("start", "start"),
        ("end", "end"),
        ("statement", "statement"),
        ("hedge", "hedge"),
        ("basis", "basis"),
        ("attributed_to", "attributed_to"),
        ("assertion_id", "assertion"),
        ("comparator", "comparator"),
        ("outcome", "outcome"),
        ("direction", "direction"),
    ]:
        loaded = [None if pd.isna(v) else v for v in ev.claims[column]]
        assert loaded == [claim[key] for claim in written], column
    quantities = ev.quantities.groupby("claim_id", observed=True).size().to_dict()
    assert quantities == {c["id"]: len(c["quantities"]) for c in written if c["quantities"]}
