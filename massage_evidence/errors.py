"""The project's exceptions: one type per concern, each message one line a person can act on."""

from __future__ import annotations

from collections.abc import Sequence


class MassageEvidenceError(Exception):
    """Base class of every error this package raises on purpose."""


class EvidenceError(MassageEvidenceError):
    """The evidence files have problems; `problems` holds one line per problem."""

    def __init__(self, problems: Sequence[object]) -> None:
        self.problems = [str(p) for p in problems]
        count = len(self.problems)
        head = f"{count} problem{'s' if count != 1 else ''} in the evidence"
        super().__init__("\n".join([head, *self.problems]))


class ParameterError(MassageEvidenceError, ValueError):
    """A function or notebook parameter is not one of the allowed values."""


class QuantityError(MassageEvidenceError, ValueError):
    """A quantity text cannot be read as a number with a unit."""


class ReportError(MassageEvidenceError):
    """A report could not be rendered."""


class ProjectError(MassageEvidenceError):
    """A project folder cannot be created or used as asked."""


class CorpusWarning(UserWarning):
    """The source texts were not found, so quotes and checksums were not checked."""


class Problem:
    """One problem in the evidence, printed as `file:line: record: field: message`."""

    __slots__ = ("field", "file", "line", "message", "record")

    def __init__(
        self,
        file: str,
        line: int | None,
        record: str | None,
        field: str | None,
        message: str,
    ) -> None:
        self.file = file
        self.line = line
        self.record = record
        self.field = field
        self.message = message

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        parts = [where, self.record, self.field, self.message]
        return ": ".join(part for part in parts if part)

    def __repr__(self) -> str:
        return f"Problem({str(self)!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Problem) and str(self) == str(other)

    def __hash__(self) -> int:
        return hash(str(self))
