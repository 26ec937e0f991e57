"""Reading a new source text: refused in one line when it is not a text we can work on."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from ..errors import MassageEvidenceError

MAX_BYTES = 5 * 2**20


class IngestError(MassageEvidenceError):
    """A new source, its candidates or an acceptance cannot go ahead; the message says why."""


def read_text(path: str | os.PathLike[str]) -> tuple[str, bytes]:
    """The text of `path` and its bytes; IngestError when empty, binary, not UTF-8 or > 5 MB."""
    file = Path(path)
    try:
        size = file.stat().st_size
        if not file.is_file():
            raise IngestError(f"{file}: not a file")
        if size > MAX_BYTES:
            raise IngestError(f"{file}: {size} bytes is more than the {MAX_BYTES} a text may have")
        content = file.read_bytes()
    except OSError as error:
        raise IngestError(f"{file}: cannot read ({error.strerror})") from None
    if b"\x00" in content:
        raise IngestError(f"{file}: binary data, not a text")
    try:
        text = content.decode("utf-8")
    except UnicodeDecodeError as error:
        raise IngestError(f"{file}: not UTF-8 text (byte {error.start})") from None
    if not text.strip():
        raise IngestError(f"{file}: the text is empty")
    return text, content


def sha256(content: bytes) -> str:
    """The checksum `sources.yaml` records for a text."""
    return hashlib.sha256(content).hexdigest()
