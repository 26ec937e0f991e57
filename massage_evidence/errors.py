"""The project's exceptions: one type per concern, each message one line a person can act on."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd

SHOWN_CHARACTERS = 80  # a value echoed in a message is cut to this many characters
MESSAGE_CHARACTERS = 400  # no part of a problem's line is longer than this
UNKNOWN_VALUE = "unknown-value"  # the code of a ParameterError for a value not allowed


def shown(value: object) -> str:
    """A value as a message echoes it: its repr, cut to SHOWN_CHARACTERS with an ellipsis."""
    text = repr(value)
    if len(text) > SHOWN_CHARACTERS:
        return text[: SHOWN_CHARACTERS - 1] + "…"
    return text


def _one_line(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= MESSAGE_CHARACTERS else text[: MESSAGE_CHARACTERS - 1] + "…"


class MassageEvidenceError(Exception):
    """Base class of every error this package raises on purpose."""


class EvidenceError(MassageEvidenceError):
    """The evidence files have problems; `problems` holds one line per problem."""

    def __init__(self, problems: Sequence[object]) -> None:
        self.found = [p for p in problems if isinstance(p, Problem)]
        self.problems = [str(p) for p in problems]
        count = len(self.problems)
        head = f"{count} problem{'s' if count != 1 else ''} in the evidence"
        super().__init__("\n".join([head, *self.problems]))

    def table(self) -> pd.DataFrame:
        """Every problem as one row: file, line, record, field, code, message."""
        import pandas as pd

        rows = [(p.file, p.line, p.record, p.field, p.code, p.message) for p in self.found]
        columns = ["file", "line", "record", "field", "code", "message"]
        frame = pd.DataFrame(rows, columns=columns, dtype=object)
        return frame.astype({"line": "Int64"} | {c: "string" for c in columns if c != "line"})


class ParameterError(MassageEvidenceError, ValueError):
    """A function or notebook parameter is not one of the allowed values.

    `code` is stable, for programs (`unknown-value` for a value outside the allowed ones). In
    IPython (JupyterLab, papermill, the batch's kernels) the error shows as one line, never as a
    traceback through the package: IPython prints what `_render_traceback_` returns instead.
    """

    def __init__(self, message: str, code: str = "bad-parameter") -> None:
        super().__init__(message)
        self.code = code

    def _render_traceback_(self) -> list[str]:
        return [f"{type(self).__name__}: {' '.join(str(self).split())} [{self.code}]"]


class QuantityError(MassageEvidenceError, ValueError):
    """A quantity text cannot be read as a number with a unit."""


class ReportError(MassageEvidenceError):
    """A report could not be rendered."""


class ProjectError(MassageEvidenceError):
    """A project folder cannot be created or used as asked."""


class CorpusWarning(UserWarning):
    """The source texts were not found, so quotes and checksums were not checked."""


class Problem:
    """One problem in the evidence, printed as `file:line: record: field: message [code]`.

    `code` is stable (`duplicate-key`, `unknown-term`, `quote-mismatch`, ...), for programs;
    the message is for people. Every part is kept to one bounded line.
    """

    __slots__ = ("code", "field", "file", "line", "message", "record")

    def __init__(
        self,
        file: str,
        line: int | None,
        record: str | None,
        field: str | None,
        message: str,
        code: str,
    ) -> None:
        self.file = _one_line(file)
        self.line = line
        self.record = None if record is None else _one_line(record)
        self.field = None if field is None else _one_line(field)
        self.message = _one_line(message)
        self.code = code

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        parts = [where, self.record, self.field, self.message]
        return ": ".join(part for part in parts if part) + f" [{self.code}]"

    def __repr__(self) -> str:
        return f"Problem({str(self)!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Problem) and str(self) == str(other)

    def __hash__(self) -> int:
        return hash(str(self))
