"""massage-evidence: what popular articles claim about massage for back pain, as verified data."""

__version__ = "0.1.0"

from .errors import EvidenceError, ParameterError, QuantityError, ReportError
from .evidence import Evidence, load

__all__ = [
    "Evidence",
    "EvidenceError",
    "ParameterError",
    "QuantityError",
    "ReportError",
    "__version__",
    "load",
]
