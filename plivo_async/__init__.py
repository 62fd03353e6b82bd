"""plivo-async: an asyncio client for Plivo's voice API, built for bulk work.

``async with AsyncPlivo() as client:`` is the entry point; everything a caller needs to
name (policies, limits, errors, models, bulk outcomes) is re-exported here.
"""

from __future__ import annotations

from ._types import RequestOptions
from ._version import __version__
from .bulk import (
    BulkRun,
    CallingWindow,
    JournalInUseError,
    JournalMismatchError,
    MpcActionRow,
    Outcome,
    Redial,
    Retry,
    Summary,
    read_csv,
)
from .client import AsyncPlivo
from .errors import (
    AuthenticationError,
    ConfigurationError,
    EventLoopError,
    ForbiddenError,
    GeoPermissionError,
    InvalidRequestError,
    LimitsUnavailableError,
    OutcomeUnknownError,
    PlivoConnectionError,
    PlivoError,
    PlivoRedirectError,
    PlivoRestError,
    PlivoServerError,
    PlivoTimeoutError,
    PlivoTransportError,
    RateLimitError,
    ResourceNotFoundError,
    ResponseTooLargeError,
    ValidationError,
)
from .limits import Rate, RateLimiter, SlidingWindowLimiter
from .models import CreateCallRequest, CreateCallResponse, MultiPartyCallActionRequest
from .response import RawResponse
from .retry import RetryPolicy
from .tracking import CallResult, CallTracker

__all__ = [
    "AsyncPlivo",
    "AuthenticationError",
    "BulkRun",
    "CallResult",
    "CallTracker",
    "CallingWindow",
    "ConfigurationError",
    "CreateCallRequest",
    "CreateCallResponse",
    "EventLoopError",
    "ForbiddenError",
    "GeoPermissionError",
    "InvalidRequestError",
    "JournalInUseError",
    "JournalMismatchError",
    "LimitsUnavailableError",
    "MpcActionRow",
    "MultiPartyCallActionRequest",
    "Outcome",
    "OutcomeUnknownError",
    "PlivoConnectionError",
    "PlivoError",
    "PlivoRedirectError",
    "PlivoRestError",
    "PlivoServerError",
    "PlivoTimeoutError",
    "PlivoTransportError",
    "Rate",
    "RateLimitError",
    "RateLimiter",
    "RawResponse",
    "Redial",
    "RequestOptions",
    "ResourceNotFoundError",
    "ResponseTooLargeError",
    "Retry",
    "RetryPolicy",
    "SlidingWindowLimiter",
    "Summary",
    "ValidationError",
    "__version__",
    "read_csv",
]
