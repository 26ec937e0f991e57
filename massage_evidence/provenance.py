"""What a page says it was built from: the package version, a digest of the evidence files and,
when git knows it, the commit that last changed the evidence folder.

No time and no machine name: two renders of the same evidence by the same version give the same
stamp, so reports stay byte-identical. (The index's stamp and "How to cite" use the same `stamp`.)
"""

from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

from ._version import __version__
from .fingerprint import Fingerprint

GIT_TIMEOUT = 10.0
SHORT = 12
COMMIT = re.compile(r"[0-9a-f]{40}|[0-9a-f]{64}")


@dataclass(frozen=True)
class Stamp:
    """The build stamp of a page."""

    version: str
    evidence_digest: str  # sha256 over every evidence file's name and bytes
    commit: str | None  # the last commit that changed the evidence folder, when git knows it
    uncommitted: bool  # the folder holds changes that commit does not have

    def text(self) -> str:
        """One line: `massage-evidence 0.1.0 · evidence sha256 0123… · evidence commit 4567…`."""
        parts = [
            f"massage-evidence {self.version}",
            f"evidence sha256 {self.evidence_digest[:SHORT]}",
        ]
        if self.commit:
            changes = " with uncommitted changes" if self.uncommitted else ""
            parts.append(f"evidence commit {self.commit[:SHORT]}{changes}")
        return " · ".join(parts)


def evidence_digest(root: Path) -> str:
    """The sha256 fingerprint of every file in the evidence folder (names and bytes)."""
    return Fingerprint("evidence files").add_files(root, root.rglob("*")).hexdigest()


def _git(root: Path, *arguments: str) -> str | None:
    """git's output in `root`, or None when git is missing, fails or takes too long."""
    try:
        done = subprocess.run(
            ["git", "-C", str(root), *arguments],
            capture_output=True,
            text=True,
            timeout=GIT_TIMEOUT,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout if done.returncode == 0 else None


def evidence_commit(root: Path) -> tuple[str | None, bool]:
    """(the last commit that changed `root`, whether `root` has changes since), or (None, False)
    when `root` is not in a git repository or git cannot say."""
    commit = (_git(root, "log", "-1", "--format=%H", "--", ".") or "").strip()
    if not COMMIT.fullmatch(commit):
        return None, False
    status = _git(root, "status", "--porcelain", "--untracked-files=all", "--", ".")
    return commit, bool(status and status.strip())


def stamp(evidence_root: Path) -> Stamp:
    """The build stamp of pages made from the evidence in `evidence_root`."""
    commit, uncommitted = evidence_commit(evidence_root)
    return Stamp(__version__, evidence_digest(evidence_root), commit, uncommitted)
