"""The command line as a researcher uses it: conventions, and working on their own project."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import massage_evidence as me
from massage_evidence import paths
from massage_evidence.cli import main

from .conftest import EVIDENCE, MINI

COMMAND = Path(sys.executable).parent / "massage-evidence"


def run(*args: str, cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    """The installed command, as a researcher runs it in a shell from `cwd`."""
    return subprocess.run(
        [str(COMMAND), *args], cwd=cwd, capture_output=True, text=True, env=env, timeout=600
    )


@pytest.fixture()
def clean_env(monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """The environment without the variables that name an evidence or corpus folder."""
    for name in (paths.EVIDENCE_ENV, paths.CORPUS_ENV):
        monkeypatch.delenv(name, raising=False)
    import os

    return dict(os.environ)


def test_version_names_the_package_version(capsys):
    with pytest.raises(SystemExit) as exited:
        main(["--version"])
    assert exited.value.code == 0
    assert capsys.readouterr().out == f"massage-evidence {me.__version__}\n"


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("0", "must be a positive, finite number of seconds, not 0"),
        ("-5", "must be a positive, finite number of seconds, not -5"),
        ("nan", "must be a positive, finite number of seconds, not nan"),
        ("inf", "must be a positive, finite number of seconds, not inf"),
        ("soon", "must be a number of seconds, not 'soon'"),
    ],
)
def test_timeout_refuses_what_is_not_a_positive_number(value, message, capsys):
    with pytest.raises(SystemExit) as exited:
        main(["reports", "--timeout", value])
    assert exited.value.code == 2
    assert capsys.readouterr().err.splitlines()[-1].endswith(f"argument --timeout: {message}")


@pytest.mark.parametrize("value", ["0.5", "30", "1e3"])
def test_timeout_accepts_any_positive_number(value):
    from massage_evidence.cli import parser

    assert parser().parse_args(["reports", "--timeout", value]).timeout == float(value)


@pytest.mark.parametrize(
    ("value", "message"),
    [("0", "must be at least 1, not 0"), ("two", "must be a whole number, not 'two'")],
)
def test_jobs_refuses_what_is_not_a_positive_whole_number(value, message, capsys):
    with pytest.raises(SystemExit) as exited:
        main(["reports", "--jobs", value])
    assert exited.value.code == 2
    assert capsys.readouterr().err.splitlines()[-1].endswith(f"argument --jobs: {message}")


@pytest.mark.parametrize("command", ["validate", "summary", "reports"])
def test_a_missing_evidence_folder_is_one_line(command, tmp_path, capsys):
    missing = tmp_path / "nowhere"
    assert main([command, "--evidence", str(missing)]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err == f"massage-evidence: evidence folder not found: {missing}\n"


def test_each_command_says_once_which_evidence_and_corpus_it_used(seeds, capsys, monkeypatch):
    monkeypatch.chdir(EVIDENCE.parent)
    assert main(["validate", "--corpus", str(seeds)]) == 0
    err = capsys.readouterr().err
    assert err == f"evidence: {EVIDENCE} (project); corpus: {seeds.resolve()}\n"


def test_without_a_corpus_validate_says_quotes_were_not_checked(tmp_path, clean_env):
    evidence = shutil.copytree(MINI / "evidence", tmp_path / "study" / "evidence")
    shutil.copy(EVIDENCE / "vocabulary.yaml", evidence)
    result = run("validate", cwd=tmp_path / "study", env=clean_env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.endswith(f"; {paths.NO_CORPUS}\n")
    assert result.stderr == f"evidence: {evidence} (project); corpus: {paths.NO_CORPUS}\n"


@pytest.fixture()
def project(tmp_path: Path) -> Path:
    """A project made by `massage-evidence init`, filled with the small fixture evidence."""
    root = tmp_path / "my-question"
    assert main(["init", str(root)]) == 0
    for name in ("sources.yaml", "assertions.yaml", "claims/mini-source.yaml"):
        shutil.copy(MINI / "evidence" / name, root / "evidence" / name)
    shutil.copy(MINI / "corpus" / "mini.txt", root / "corpus" / "mini.txt")
    return root


def test_init_makes_a_project_that_validates_as_it_is(tmp_path, clean_env):
    root = tmp_path / "empty-question"
    result = run("init", str(root), cwd=tmp_path, env=clean_env)
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in root.iterdir()) == [
        ".gitignore",
        "README.md",
        "corpus",
        "evidence",
        "notebooks",
    ]
    assert (root / "evidence" / "vocabulary.yaml").read_bytes() == (
        EVIDENCE / "vocabulary.yaml"
    ).read_bytes()
    shipped = sorted(p.name for p in (EVIDENCE.parent / "notebooks").glob("*.ipynb"))
    assert sorted(p.name for p in (root / "notebooks").glob("*.ipynb")) == shipped
    checked = run("validate", cwd=root / "notebooks", env=clean_env)  # found from a subfolder
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert checked.stdout.startswith(f"ok: {root / 'evidence'}: 0 sources, 0 claims")


def test_init_refuses_a_folder_that_already_holds_a_project(project, capsys):
    before = sorted(p.relative_to(project) for p in project.rglob("*"))
    assert main(["init", str(project)]) == 2
    assert capsys.readouterr().err == (
        f"massage-evidence: {project} already has evidence, notebooks, corpus; nothing written\n"
    )
    assert sorted(p.relative_to(project) for p in project.rglob("*")) == before


def test_init_refuses_a_file(tmp_path, capsys):
    target = tmp_path / "notes.txt"
    target.write_text("mine")
    assert main(["init", str(target)]) == 2
    assert "is a file, not a folder; nothing written" in capsys.readouterr().err
    assert target.read_text() == "mine"


def test_validate_in_a_project_names_that_projects_file(project, clean_env):
    claims = project / "evidence" / "claims" / "mini-source.yaml"
    claims.write_text(claims.read_text().replace("hedge: certain", "hedge: sure"))
    result = run("validate", cwd=project, env=clean_env)
    assert result.returncode == 2
    assert result.stdout.startswith("evidence/claims/mini-source.yaml:")
    assert "claim mini-002: hedge: unknown hedge 'sure'" in result.stdout
    assert result.stderr.startswith(f"evidence: {project / 'evidence'} (project); ")


def test_reports_in_a_project_go_to_its_reports_folder(project, clean_env):
    result = run("reports", "--only", "01-*", "--quiet", cwd=project, env=clean_env)
    assert result.returncode == 0, result.stdout + result.stderr
    html = (project / "reports" / "01-evidence-overview.html").read_text(encoding="utf-8")
    assert "A short note on back care" in html  # the project's own source, not the bundled ones
    assert not (project / "notebooks" / "reports").exists()


def test_flags_and_environment_win_over_the_project_found(project, tmp_path, clean_env):
    env = {**clean_env, paths.EVIDENCE_ENV: str(EVIDENCE)}
    result = run("validate", cwd=project, env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.startswith(f"ok: {EVIDENCE}: 5 sources")
    flagged = run("validate", "--evidence", str(project / "evidence"), cwd=tmp_path, env=env)
    assert flagged.stdout.startswith(f"ok: {project / 'evidence'}: 1 sources")
