"""One fingerprint scheme for whatever is kept because its inputs are unchanged: the cache of
validated evidence tables and the receipts of rendered reports.

A fingerprint is a SHA-256 over named parts, each written as the length of its name, the name, the
length of its bytes and the bytes (lengths as 8-byte big-endian integers): no two different
sequences of parts give the same stream, whatever the names and bytes hold.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from pathlib import Path

from ._version import __version__

PACKAGE = Path(__file__).resolve().parent


class Fingerprint:
    """A digest built part by part; `purpose` keeps fingerprints of different kinds apart."""

    def __init__(self, purpose: str) -> None:
        self._digest = hashlib.sha256()
        self.add("purpose", purpose)

    def add(self, name: str, content: bytes | str | None) -> Fingerprint:
        """One named part; None (a file that is absent) differs from every content, even b""."""
        encoded = name.encode("utf-8")
        self._digest.update(len(encoded).to_bytes(8, "big") + encoded)
        if content is None:
            self._digest.update(b"\xff" * 8)
            return self
        data = content.encode("utf-8") if isinstance(content, str) else content
        self._digest.update(len(data).to_bytes(8, "big"))
        self._digest.update(data)
        return self

    def add_files(self, root: Path, paths: Iterable[Path]) -> Fingerprint:
        """Every file among `paths`, named by its path relative to `root`, in name order."""
        for path in sorted(paths):
            if path.is_file() and "__pycache__" not in path.parts:
                self.add(path.relative_to(root).as_posix(), path.read_bytes())
        return self

    def add_package(self) -> Fingerprint:
        """The package's version and code: a change to either makes every fingerprint new."""
        self.add("massage-evidence", __version__)
        return self.add_files(PACKAGE, PACKAGE.rglob("*.py"))

    def hexdigest(self) -> str:
        return self._digest.hexdigest()
