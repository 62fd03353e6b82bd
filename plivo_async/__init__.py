"""plivo-async: an asyncio client for Plivo's voice API, built for bulk work.

``async with AsyncPlivo() as client:`` is the entry point; everything a caller needs to
name (policies, limits, errors, models, bulk outcomes) is re-exported here.
"""

from __future__ import annotations

__version__ = "0.1.0"

from .bulk import (
    BulkRun,
    JournalInUseError,
    JournalMismatchError,
    MpcActionRow,
    Outcome,
    Summary,
    read_csv,
)
from .client import AsyncPlivo, ConfigurationError
from .errors import (
    AuthenticationError,
    ForbiddenError,
    GeoPermissionError,
    InvalidRequestError,
    OutcomeUnknownError,
    PlivoConnectionError,
    PlivoError,
    PlivoRestError,
    PlivoServerError,
    PlivoTimeoutError,
    PlivoTransportError,
    RateLimitError,
    ResourceNotFoundError,
    ValidationError,
)
from .limits import Rate, RateLimiter, SlidingWindowLimiter
from .models import CreateCallRequest, CreateCallResponse, MultiPartyCallActionRequest
from .retry import RetryPolicy

__all__ = [
    "AsyncPlivo",
    "AuthenticationError",
    "BulkRun",
    "ConfigurationError",
    "CreateCallRequest",
    "CreateCallResponse",
    "ForbiddenError",
    "GeoPermissionError",
    "InvalidRequestError",
    "JournalInUseError",
    "JournalMismatchError",
    "MpcActionRow",
    "MultiPartyCallActionRequest",
    "Outcome",
    "OutcomeUnknownError",
    "PlivoConnectionError",
    "PlivoError",
    "PlivoRestError",
    "PlivoServerError",
    "PlivoTimeoutError",
    "PlivoTransportError",
    "Rate",
    "RateLimitError",
    "RateLimiter",
    "ResourceNotFoundError",
    "RetryPolicy",
    "SlidingWindowLimiter",
    "Summary",
    "ValidationError",
    "__version__",
    "read_csv",
]
