"""Sharing the evidence: the Frictionless data package (CSV or Parquet) and the references."""

from ..errors import MassageEvidenceError


class ExportError(MassageEvidenceError):
    """An export cannot be written where it was asked for; nothing was changed."""
