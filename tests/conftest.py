"""Shared fixtures: the real evidence and texts, and a small purpose-made evidence folder."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
EVIDENCE = REPO / "evidence"
SEEDS = REPO.parent / "shared" / "seeds"
MINI = Path(__file__).resolve().parent / "fixtures" / "mini"


def said_after_the_folders(err: str) -> list[str]:
    """The lines a command wrote to stderr after its first, which names the evidence it used."""
    first, *rest = err.strip().splitlines()
    assert first.startswith("evidence: "), first
    return rest


@pytest.fixture(scope="session")
def seeds() -> Path:
    """The full source texts. CI has them beside the repository; without them these tests fail."""
    assert SEEDS.is_dir(), f"the source texts are expected in {SEEDS}"
    return SEEDS


@pytest.fixture(autouse=True)
def _private_cache(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch):
    """Keep the cache of validated tables out of the user's cache folder."""
    monkeypatch.setenv("MASSAGE_EVIDENCE_CACHE", str(tmp_path_factory.getbasetemp() / "cache"))


def copy_mini(folder: Path) -> Path:
    """Copy the small fixture evidence (with the real vocabulary) and its corpus into `folder`."""
    root = folder / "mini"
    shutil.copytree(MINI, root)
    shutil.copy(EVIDENCE / "vocabulary.yaml", root / "evidence" / "vocabulary.yaml")
    return root


@pytest.fixture(scope="session")
def mini_factory():
    return copy_mini


@pytest.fixture()
def mini(tmp_path: Path) -> Path:
    """A copy of the small fixture evidence (with the real vocabulary) and its corpus."""
    return copy_mini(tmp_path)


# Two real reports (one notebook with a condition, one with a source): a small, fast batch that
# still runs the whole pipeline.
SMALL_BATCH = "0[24]-*--[nh]*"


@pytest.fixture(scope="session")
def rendered(tmp_path_factory: pytest.TempPathFactory):
    """The small batch of real reports, rendered once per session into a temporary folder."""
    from massage_evidence import reports

    out = tmp_path_factory.mktemp("reports")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("MASSAGE_EVIDENCE_CACHE", str(tmp_path_factory.getbasetemp() / "cache"))
        return reports.render(out, only=SMALL_BATCH, progress=False)
