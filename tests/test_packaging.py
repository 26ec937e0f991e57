"""The set-up a researcher relies on: a lock that matches pyproject.toml, and a wheel that works
on its own, installed in a clean environment outside the repository."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from fnmatch import fnmatch
from pathlib import Path

import pytest

import massage_evidence as me
from massage_evidence import grid, links, paths

from .conftest import REPO

UV = Path(sys.executable).parent / "uv"


def uv(*args: str, cwd: Path = REPO) -> subprocess.CompletedProcess:
    if not UV.exists():
        reason = f"no uv at {UV}: `make setup` installs it from requirements/uv.txt"
        if os.environ.get("CI") == "true":
            pytest.fail(f"{reason} (CI must check the lock)")
        pytest.skip(reason)
    return subprocess.run(
        [str(UV), *args], cwd=cwd, capture_output=True, text=True, timeout=600, check=False
    )


LOCK_FILES = ("lock.txt", "build.txt", "uv.txt")


def test_the_lock_files_match_pyproject(tmp_path):
    """Locking again without upgrading, into a copy, changes nothing: pyproject.toml, the build
    backend and uv are exactly what the lock files pin (`make lock` after any change there)."""
    uv("--version")  # skips (or fails in CI) without uv
    for name in LOCK_FILES:
        shutil.copy(REPO / "requirements" / name, tmp_path / name)
    result = subprocess.run(
        ["make", "--no-print-directory", "lock", "UPGRADE=", f"LOCKED={tmp_path}"],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr
    for name in LOCK_FILES:
        locked = (REPO / "requirements" / name).read_text(encoding="utf-8")
        assert (tmp_path / name).read_text(encoding="utf-8") == locked, f"{name} is stale"


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh virtual environment holding the packages of the lock and our wheel."""
    work = tmp_path_factory.mktemp("wheel")
    constraints = str(REPO / "requirements" / "build.txt")
    built = uv("build", "--wheel", "--build-constraints", constraints, "-o", str(work / "dist"))
    assert built.returncode == 0, built.stderr
    (wheel,) = (work / "dist").glob("massage_evidence-*.whl")
    venv = work / "venv"
    assert uv("venv", "--quiet", "--python", sys.executable, str(venv)).returncode == 0
    python = str(venv / "bin" / "python")
    for step in (["-r", str(REPO / "requirements" / "lock.txt")], ["--no-deps", str(wheel)]):
        result = uv("pip", "install", "--quiet", "--python", python, *step)
        assert result.returncode == 0, result.stderr
    return venv


def run_outside(venv: Path, *command: str, cwd: Path) -> subprocess.CompletedProcess:
    """Run a program of `venv` from `cwd`, with nothing pointing at the repository."""
    env = {
        name: value
        for name, value in os.environ.items()
        if name not in {paths.EVIDENCE_ENV, paths.CORPUS_ENV, "VIRTUAL_ENV", "PYTHONPATH"}
    }
    env["PATH"] = f"{venv / 'bin'}{os.pathsep}{env.get('PATH', '')}"
    return subprocess.run(
        [str(venv / "bin" / command[0]), *command[1:]],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )


LOAD = """
import json, warnings
import massage_evidence as me
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    ev = me.load()
said = [str(w.message) for w in caught if issubclass(w.category, me.CorpusWarning)]
print(json.dumps({"module": me.__file__, "root": str(ev.root), "claims": len(ev.claims),
                  "said": said}))
"""


@pytest.mark.slow
def test_the_wheel_loads_the_bundled_evidence_and_says_quotes_were_not_checked(installed, tmp_path):
    result = run_outside(installed, "python", "-c", LOAD, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    loaded = json.loads(result.stdout)
    package = Path(loaded["module"]).parent
    assert package.is_relative_to(installed)
    assert loaded["root"] == str(package / "bundled" / "evidence")
    assert loaded["claims"] == len(me.load().claims)
    assert loaded["said"] == [paths.NO_CORPUS]


@pytest.mark.slow
def test_the_wheel_validates_the_bundled_evidence(installed, tmp_path):
    result = run_outside(installed, "massage-evidence", "validate", cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.startswith("ok: ")
    assert "/massage_evidence/bundled/evidence: 5 sources, " in result.stdout
    assert result.stdout.endswith(f"; {paths.NO_CORPUS}\n")


# Every bundled notebook, each with at least one parameter set: all but the per-assertion reports
# of the claim audit (its `all` report stands for them) and all but one comparison of the summary
# of findings, to keep CI within its time.
WHEEL_REPORTS = ("0[1-68]-*", "07-claim-audit--all", "09-summary-of-findings--usual-care")


@pytest.mark.slow
def test_the_wheel_renders_the_bundled_notebooks(installed, tmp_path):
    out = tmp_path / "my-reports"
    for only in WHEEL_REPORTS:
        command = ("massage-evidence", "reports", "--out", str(out), "--only", only, "--quiet")
        result = run_outside(installed, *command, cwd=tmp_path)
        assert result.returncode == 0, result.stdout + result.stderr
    every = grid.reports(me.load(), grid.notebooks(REPO / "notebooks"))
    expected = {r.slug for r in every if any(fnmatch(r.slug, only) for only in WHEEL_REPORTS)}
    assert {r.notebook.name for r in every if r.slug in expected} == {
        r.notebook.name for r in every
    }
    pages = {"index", Path(links.ASSERTIONS_PAGE).stem}
    assert {p.stem for p in out.glob("*.html")} == expected | pages
    # no corpus beside the installed package: no reader pages, and the index says why
    assert not (out / links.SOURCES_FOLDER).exists()
    assert "The source reader pages were not built" in (out / "index.html").read_text("utf-8")
