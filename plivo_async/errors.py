"""The exception hierarchy.

Names follow the official ``plivo`` SDK so ``except`` clauses port unchanged. Every
error that came back from the API carries what is needed to act on it (status, method,
token-free path, ``api_id`` and the parsed body); the auth token is never part of any of
them, because the token only ever travels in the ``Authorization`` header.
"""

from __future__ import annotations

from typing import Any

__all__ = [
    "AuthenticationError",
    "ForbiddenError",
    "GeoPermissionError",
    "InvalidRequestError",
    "OutcomeUnknownError",
    "PlivoConnectionError",
    "PlivoError",
    "PlivoRestError",
    "PlivoServerError",
    "PlivoTimeoutError",
    "PlivoTransportError",
    "RateLimitError",
    "ResourceNotFoundError",
    "ValidationError",
]


class PlivoError(Exception):
    """Base class of every error this library raises."""


class PlivoRestError(PlivoError):
    """The API answered with a non-success status.

    ``status``, ``method``, ``path`` and ``api_id`` are ``None`` only for errors raised
    locally (a :class:`ValidationError` caught before any request was sent).
    """

    def __init__(
        self,
        message: str,
        *,
        status: int | None = None,
        method: str | None = None,
        path: str | None = None,
        api_id: str | None = None,
        body: Any = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.status = status
        self.method = method
        self.path = path
        self.api_id = api_id
        self.body = body

    def __str__(self) -> str:
        if self.status is None:
            return self.message
        where = f"{self.method} {self.path}"
        api = f" (api_id={self.api_id})" if self.api_id else ""
        return f"{self.status} on {where}{api}: {self.message}"


class ValidationError(PlivoRestError, ValueError):
    """Bad input: raised locally before sending (``field`` and ``rule`` set), or a 400."""

    def __init__(
        self,
        message: str,
        *,
        field: str | None = None,
        rule: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(message, **kwargs)
        self.field = field
        self.rule = rule

    @classmethod
    def invalid(cls, field: str, rule: str, value: object = None) -> ValidationError:
        """A local validation failure: names the field and the rule it broke."""
        shown = "" if value is None else f" (got {value!r})"
        return cls(f"{field}: {rule}{shown}", field=field, rule=rule)


class AuthenticationError(PlivoRestError):
    """401: wrong auth id or token."""


class ForbiddenError(PlivoRestError):
    """403: the account may not do this."""


class GeoPermissionError(ForbiddenError):
    """403 because the destination country is not enabled on the account."""


class ResourceNotFoundError(PlivoRestError):
    """404: unknown call, request or PHLO."""


class InvalidRequestError(PlivoRestError):
    """405 (and other 4xx the API uses for a request it will not take)."""


class RateLimitError(PlivoRestError):
    """429: over the account's request rate. ``retry_after`` is in seconds, if sent."""

    def __init__(self, message: str, *, retry_after: float | None = None, **kwargs: Any) -> None:
        super().__init__(message, **kwargs)
        self.retry_after = retry_after


class PlivoServerError(PlivoRestError):
    """5xx: the API failed."""


class PlivoTransportError(PlivoError):
    """No HTTP answer was received. ``sent`` tells whether the request left this process."""

    def __init__(self, message: str, *, method: str, path: str, sent: bool) -> None:
        super().__init__(message)
        self.method = method
        self.path = path
        self.sent = sent


class PlivoTimeoutError(PlivoTransportError, TimeoutError):
    """The request timed out."""


class PlivoConnectionError(PlivoTransportError, ConnectionError):
    """The connection failed (``sent=False``) or was reset (``sent=True``)."""


class OutcomeUnknownError(PlivoError):
    """A non-idempotent request (placing a call, an MPC action) failed ambiguously.

    The call may or may not have been placed. It was not retried, because a retry could
    dial the same person twice; pass ``retry_unsafe=True`` to accept that risk. The
    ambiguous failure is ``__cause__``; ``attempts`` counts the attempts made.
    """

    def __init__(self, message: str, *, method: str, path: str, attempts: int) -> None:
        super().__init__(message)
        self.method = method
        self.path = path
        self.attempts = attempts
