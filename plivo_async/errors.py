"""The exception hierarchy.

Names follow the official ``plivo`` SDK so ``except`` clauses port unchanged. Every
error that came back from the API carries what is needed to act on it (status, method,
token-free path, ``api_id`` and the parsed body).

The token never shows in any of them, even when a server echoes it back (a proxy that
copies the ``Authorization`` header into its error page): every client registers its
secret forms with :func:`register_secret`, and every error redacts its message and body
when it is built. Redaction costs nothing on success; it runs only when an error is made.

Every error survives ``pickle`` and ``copy`` with its class and fields (process pools,
multiprocessing): :meth:`PlivoError.__reduce__` rebuilds without calling ``__init__``.
"""

from __future__ import annotations

import base64
import re
from typing import Any, TypeGuard

__all__ = [
    "REDACTED",
    "AuthenticationError",
    "ConfigurationError",
    "EventLoopError",
    "ForbiddenError",
    "GeoPermissionError",
    "InvalidRequestError",
    "LimitsUnavailableError",
    "OutcomeUnknownError",
    "PlivoConnectionError",
    "PlivoError",
    "PlivoRedirectError",
    "PlivoRestError",
    "PlivoServerError",
    "PlivoTimeoutError",
    "PlivoTransportError",
    "RateLimitError",
    "ResourceNotFoundError",
    "ResponseTooLargeError",
    "ValidationError",
    "redact",
    "register_secret",
    "register_secret_text",
]

#: What a secret is replaced with.
REDACTED = "[REDACTED]"

_secrets: set[str] = set()
#: Header values registered by :func:`register_secret_text`, oldest first (bounded).
_texts: dict[str, None] = {}
#: Shorter tokens are redacted only inside their ``id:token`` and base64 forms.
MIN_REDACTED_TOKEN = 8
#: The most header values kept: a service sending a new token on every call must not
#: grow the registry (and the pattern compiled from it) without end.
MAX_SECRET_TEXTS = 256
_secret_re: re.Pattern[str] | None = None


def register_secret(auth_id: str, auth_token: str) -> None:
    """Remember the forms of a credential that must never be shown.

    The token, ``auth_id:token``, its base64 (alone or as ``Basic <b64>``) are redacted
    from every error message, error body and log record from then on, in every client.
    """
    b64 = base64.b64encode(f"{auth_id}:{auth_token}".encode()).decode("ascii")
    forms = {f"Basic {b64}", b64, f"{auth_id}:{auth_token}"}
    # The bare token too, unless it is too short to be one (Plivo's are 40 characters):
    # redacting "t" or "token" everywhere would garble every message in the process.
    if len(auth_token) >= MIN_REDACTED_TOKEN:
        forms.add(auth_token)
    _add_secrets(forms)


def register_secret_text(value: str) -> None:
    """Remember one more secret text (a credential-like header's value) never to show.

    Values shorter than ``MIN_REDACTED_TOKEN`` are not redacted everywhere (that would
    garble every message); reprs still hide them by the header's name.
    """
    if len(value) < MIN_REDACTED_TOKEN or value in _secrets or value in _texts:
        return
    _texts[value] = None
    while len(_texts) > MAX_SECRET_TEXTS:
        del _texts[next(iter(_texts))]  # the oldest
    _compile()


def _add_secrets(forms: set[str]) -> None:
    if forms <= _secrets:
        return
    _secrets.update(forms)
    _compile()


def _compile() -> None:
    global _secret_re
    # Longest first, so "Basic <b64>" is replaced whole rather than leaving "Basic ".
    ordered = sorted(_secrets.union(_texts), key=len, reverse=True)
    _secret_re = re.compile("|".join(re.escape(form) for form in ordered))


def redact(value: Any) -> Any:
    """``value`` with every registered secret replaced by ``[REDACTED]``.

    Strings, bytes, and the strings inside dicts, lists and tuples (a parsed JSON body) are
    redacted; anything else is returned as it is.
    """
    pattern = _secret_re
    if pattern is None:
        return value
    if isinstance(value, str):
        return pattern.sub(REDACTED, value)
    if isinstance(value, (bytes, bytearray)):
        return pattern.sub(REDACTED, bytes(value).decode("utf-8", "replace")).encode()
    if isinstance(value, dict):
        return {redact(k): redact(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(redact(v) for v in value)
    return value


def _huge_int(value: object) -> TypeGuard[int]:
    return isinstance(value, int) and value.bit_length() > 10_000


def _rebuild(cls: type[PlivoError], args: tuple[Any, ...], state: dict[str, Any]) -> PlivoError:
    exc = cls.__new__(cls)
    Exception.__init__(exc, *args)
    exc.__dict__.update(state)
    return exc


class PlivoError(Exception):
    """Base class of every error this library raises."""

    #: The attributes its repr shows after the message (when set), most telling first.
    _shown: tuple[str, ...] = ()

    def __init__(self, *args: Any) -> None:
        super().__init__(*(redact(a) if isinstance(a, str) else a for a in args))

    def __repr__(self) -> str:
        """``RateLimitError('too many requests', status=429, method='POST', ...)``: the
        message and the facts to act on (a notebook shows this), never the body."""
        message = getattr(self, "message", None)
        parts = [repr(message if isinstance(message, str) else str(self))]
        for name in self._shown:
            value = getattr(self, name, None)
            if value is not None:
                parts.append(f"{name}={value!r}")
        return f"{type(self).__name__}({', '.join(parts)})"

    def __reduce__(self) -> tuple[Any, ...]:
        # Exception's default pickles args only, then calls cls(*args): that fails for
        # keyword-only fields. Rebuilding from args and __dict__ keeps class and fields.
        return (_rebuild, (type(self), self.args, self.__dict__))


class LimitsUnavailableError(PlivoError):
    """The shared limits (``limits_url``) could not be consulted: nothing was sent.

    A run-level failure, like a wrong token: the bulk engine stops, and the rows it
    stopped are ``not_sent`` (a resume sends them).
    """


class ConfigurationError(PlivoError, ValueError):
    """The client cannot be built as asked (missing credentials, bad limits or options).

    Raised at construction, before any request; the message names the option and never
    contains a secret.
    """


class EventLoopError(PlivoError, RuntimeError):
    """The client was used from an event loop other than the one it runs in.

    A client (its aiohttp session and connections) belongs to the loop it was first used
    in; a second ``asyncio.run()`` is a new loop. Nothing was sent. Create the client
    inside the coroutine that uses it, or ``async with`` it again in each run.
    """


class PlivoRestError(PlivoError):
    """The API answered with a non-success status.

    ``status``, ``method``, ``path`` and ``api_id`` are ``None`` only for errors raised
    locally (a :class:`ValidationError` caught before any request was sent).
    """

    _shown: tuple[str, ...] = ("status", "method", "path", "api_id")

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
        message = redact(message)
        super().__init__(message)
        self.message = message
        self.status = status
        self.method = method
        self.path = path
        self.api_id = api_id
        self.body = redact(body)

    def __str__(self) -> str:
        if self.status is None:
            return self.message
        where = f"{self.method} {self.path}"
        api = f" (api_id={self.api_id})" if self.api_id else ""
        return f"{self.status} on {where}{api}: {self.message}"


class ValidationError(PlivoRestError, ValueError):
    """Bad input: raised locally before sending (``field`` and ``rule`` set), or a 400."""

    _shown: tuple[str, ...] = (*PlivoRestError._shown, "field")

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
        shown = ""
        if value is not None:
            # A 5,000-digit string must not make a 5,000-character message; an int that
            # long cannot even be written (repr raises ValueError).
            text = f"an int of {value.bit_length()} bits" if _huge_int(value) else repr(value)
            shown = f" (got {text if len(text) <= 120 else text[:100] + '...'})"
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

    _shown: tuple[str, ...] = (*PlivoRestError._shown, "retry_after")

    def __init__(self, message: str, *, retry_after: float | None = None, **kwargs: Any) -> None:
        super().__init__(message, **kwargs)
        self.retry_after = retry_after


class PlivoServerError(PlivoRestError):
    """5xx: the API failed."""


class PlivoRedirectError(PlivoRestError):
    """3xx: the client never follows redirects (a followed 302 turns a call into a GET).

    ``location`` is the ``Location`` header without any user:password part, or ``None``.
    Nothing is retried: the server answered, and did not take the request.
    """

    _shown: tuple[str, ...] = (*PlivoRestError._shown, "location")

    def __init__(self, message: str, *, location: str | None = None, **kwargs: Any) -> None:
        super().__init__(message, **kwargs)
        self.location = redact(location)


class ResponseTooLargeError(PlivoRestError):
    """A success answer's body was larger than the client's ``max_response_bytes``.

    The body was not read past ``limit`` bytes. For a request that may have placed a call,
    this is an ambiguous outcome (the API said yes): it is raised as the ``__cause__`` of
    :class:`OutcomeUnknownError`.
    """

    _shown: tuple[str, ...] = (*PlivoRestError._shown, "limit")

    def __init__(self, message: str, *, limit: int = 0, **kwargs: Any) -> None:
        super().__init__(message, **kwargs)
        self.limit = limit


class PlivoTransportError(PlivoError):
    """No HTTP answer was received. ``sent`` tells whether the request left this process.

    ``attempts`` is the number of attempts made when the error was finally raised.
    """

    _shown: tuple[str, ...] = ("method", "path", "sent", "attempts")

    def __init__(
        self, message: str, *, method: str, path: str, sent: bool, attempts: int = 1
    ) -> None:
        message = redact(message)
        super().__init__(message)
        self.message = message
        self.method = method
        self.path = path
        self.sent = sent
        self.attempts = attempts

    def __str__(self) -> str:
        return f"{self.message} after {self.attempts} attempt(s)"


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

    _shown: tuple[str, ...] = ("method", "path", "attempts")

    def __init__(self, message: str, *, method: str, path: str, attempts: int) -> None:
        super().__init__(redact(message))
        self.method = method
        self.path = path
        self.attempts = attempts
