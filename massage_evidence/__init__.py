"""massage-evidence: what popular articles claim about massage for back pain, as verified data."""

from ._version import __version__
from .errors import CorpusWarning, EvidenceError, ParameterError, QuantityError, ReportError
from .evidence import Evidence, load
from .synthesis import (
    SUPPORT_RULE,
    claim_card,
    comparisons,
    consensus,
    strength,
    tensions,
    time_to_relief,
)

__all__ = [
    "SUPPORT_RULE",
    "CorpusWarning",
    "Evidence",
    "EvidenceError",
    "ParameterError",
    "QuantityError",
    "ReportError",
    "__version__",
    "claim_card",
    "comparisons",
    "consensus",
    "load",
    "strength",
    "tensions",
    "time_to_relief",
]
