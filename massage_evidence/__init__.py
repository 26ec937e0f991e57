"""massage-evidence: what popular articles claim about massage for back pain, as verified data."""

__version__ = "0.1.0"

from .errors import EvidenceError, ParameterError, QuantityError, ReportError
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
