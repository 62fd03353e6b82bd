"""The values one request is made of: :class:`ApiRequest` in, :class:`ApiResponse` out.

Both are frozen: the base client builds a request once and every attempt sends the same
value; the HTTP layer answers each attempt with a new response. A caller that needs to
see the attempts (the bulk engine's journal) passes a :class:`RequestObserver` with the
request, explicitly; lookups pass none.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Awaitable, Callable, Collection, Mapping
from typing import Any, Protocol, TypedDict

import aiohttp
import attrs
from multidict import CIMultiDict, CIMultiDictProxy

from .errors import REDACTED, PlivoError, ValidationError, register_secret_text

__all__ = [
    "REQUEST_OPTIONS",
    "ApiRequest",
    "ApiResponse",
    "AttemptCounter",
    "BaseRequestOptions",
    "Headers",
    "RequestObserver",
    "RequestOptions",
    "check_headers",
    "check_timeout",
    "merge_extra",
    "merge_headers",
    "show_headers",
    "split_request_options",
    "to_client_timeout",
]

#: Header pairs as a request carries them, in order (names as given).
Headers = tuple[tuple[str, str], ...]


class BaseRequestOptions(TypedDict, total=False):
    """Every per-call option but ``extra_headers`` (which ``start_stream`` already takes:
    Plivo's own stream parameter of that name). See :class:`RequestOptions`."""

    #: This request's timeout (seconds, or an ``aiohttp.ClientTimeout``) instead of the client's.
    timeout: float | aiohttp.ClientTimeout
    #: Query parameters sent as given, next to the validated ones (which they may not repeat).
    extra_query: Mapping[str, Any] | None
    #: JSON body keys sent as given, next to the validated ones (which they may not repeat).
    extra_body: Mapping[str, Any] | None


class RequestOptions(BaseRequestOptions, total=False):
    """The keyword arguments every request method takes, as in the openai and anthropic SDKs.

    ``timeout=`` replaces the client's timeout for this request only. ``extra_query=`` and
    ``extra_body=`` send a parameter Plivo added before this client knew of it: their keys
    go out as given, after the method's own arguments were validated; a key that names one
    of those arguments (set or not) is refused with a
    :class:`~plivo_async.errors.ValidationError`, so validation cannot be bypassed.
    ``extra_headers=`` are sent on top of the client's ``default_headers``;
    ``Authorization`` cannot be set (the client's credentials sign every request), and the
    values of credential-like headers never show in a repr, a log or an error.
    """

    extra_headers: Mapping[str, str] | None


#: The names of the per-call options.
REQUEST_OPTIONS = frozenset(RequestOptions.__annotations__) | frozenset(
    BaseRequestOptions.__annotations__
)


def split_request_options(kwargs: Mapping[str, Any]) -> tuple[RequestOptions, dict[str, Any]]:
    """``(request options, the rest)`` of a method's ``**kwargs`` (filters, a PHLO payload)."""
    options: dict[str, Any] = {}
    rest: dict[str, Any] = {}
    for key, value in kwargs.items():
        (options if key in REQUEST_OPTIONS else rest)[key] = value
    return options, rest  # type: ignore[return-value]


def check_timeout(option: str, timeout: object) -> None:
    """A finite number of seconds > 0, or an ``aiohttp.ClientTimeout``."""
    finite = (
        isinstance(timeout, (int, float))
        and not isinstance(timeout, bool)
        and math.isfinite(timeout)
        and timeout > 0
    )
    if not (finite or isinstance(timeout, aiohttp.ClientTimeout)):
        raise ValidationError.invalid(
            option,
            "must be a finite number of seconds > 0 or an aiohttp.ClientTimeout "
            "(for no total limit, aiohttp.ClientTimeout(total=None))",
            timeout,
        )


def to_client_timeout(timeout: float | aiohttp.ClientTimeout) -> aiohttp.ClientTimeout:
    """A timeout as aiohttp takes it (a number: the total, and at most 10 s to connect)."""
    if isinstance(timeout, aiohttp.ClientTimeout):
        return timeout
    return aiohttp.ClientTimeout(total=timeout, sock_connect=min(timeout, 10.0))


#: Header names whose values are credentials: never shown in a repr or a log.
_CREDENTIAL_NAME = re.compile(r"auth|token|key|secret|cookie|passw|signature|session", re.I)
_BAD_HEADER_TEXT = re.compile(r"[\r\n\x00]")


def check_headers(option: str, headers: Mapping[str, str] | None) -> Headers:
    """Header pairs, checked: text names and values, no line breaks, no ``Authorization``.

    A credential-like header's value (``X-Api-Key``, a ``Cookie``) is registered as a
    secret, so that no error message or log record shows it.
    """
    if headers is None:
        return ()
    if not isinstance(headers, Mapping):
        raise ValidationError.invalid(option, "must be a mapping of header names to values")
    pairs: list[tuple[str, str]] = []
    for name, value in headers.items():
        if not (isinstance(name, str) and name and isinstance(value, str)):
            raise ValidationError.invalid(
                f"{option}[{name!r}]", "header names and values must be (non-empty) strings"
            )
        if _BAD_HEADER_TEXT.search(name) or _BAD_HEADER_TEXT.search(value):
            raise ValidationError.invalid(
                f"{option}[{name!r}]", "must not contain a line break or NUL"
            )
        if name.lower() == "authorization":
            raise ValidationError.invalid(
                f"{option}[{name!r}]",
                "cannot be set: the client signs every request with its auth_id and "
                "auth_token (use another client for other credentials)",
            )
        if _CREDENTIAL_NAME.search(name):
            register_secret_text(value)
        pairs.append((name, value))
    return tuple(pairs)


def merge_headers(first: Headers, then: Headers) -> Headers:
    """``first`` with ``then`` on top (a name in both, in any case, takes ``then``'s value)."""
    if not first or not then:
        return first or then
    merged = CIMultiDict(first)
    merged.update(then)
    return tuple(merged.items())


def show_headers(headers: Headers) -> str:
    """Headers for a repr: credential-like values as ``[REDACTED]``."""
    shown = {name: REDACTED if _CREDENTIAL_NAME.search(name) else value for name, value in headers}
    return repr(shown)


def merge_extra(
    option: str,
    sent: Mapping[str, Any] | None,
    extra: Mapping[str, Any] | None,
    known: Collection[str] = (),
) -> Mapping[str, Any] | None:
    """``sent`` with ``extra``'s keys added; a key the method sends or validates is refused.

    ``known`` are the wire names of the method's request model: a field the caller left
    unset is still the method's to validate, so it cannot come in through ``extra``.
    """
    if not extra:
        return sent
    if not isinstance(extra, Mapping):
        raise ValidationError.invalid(option, "must be a mapping")
    for key in extra:
        if not isinstance(key, str):
            raise ValidationError.invalid(option, "keys must be strings", key)
        if key in known or (sent is not None and key in sent):
            raise ValidationError.invalid(
                f"{option}[{key!r}]",
                "is an argument of this method, validated by it: pass it as that argument "
                f"(the {option} keys are sent unchecked, so they may not repeat one)",
            )
    try:
        json.dumps(extra)
    except (TypeError, ValueError):
        raise ValidationError.invalid(option, "must be JSON-serialisable") from None
    return {**(sent or {}), **extra}


class RequestObserver(Protocol):
    """What a caller hears of one request's attempts.

    ``before_attempt`` is awaited just before each attempt leaves, after the limits let it
    go: the bulk engine makes its journal's start record durable there, so a crash never
    leaves an attempt on the wire that the journal does not know of.
    """

    def limits_granted(self, waited: float) -> None:
        """The client's own limits let the request (or one attempt) go after ``waited`` s."""

    async def before_attempt(self, attempt: int) -> None:
        """Attempt number ``attempt`` (from 1) is about to leave; raising stops it."""

    def attempt_done(self, attempt: int, error: PlivoError | None) -> None:
        """Attempt ``attempt`` ended: answered (``error`` None or an API error) or lost."""


@attrs.frozen
class ApiRequest:
    """One API request as every attempt sends it: the body is already JSON bytes."""

    method: str
    url: str
    #: The URL's path, for errors and logs (no host, no query).
    path: str
    timeout: aiohttp.ClientTimeout
    body: bytes | None = None
    params: Mapping[str, Any] | None = None
    #: Headers beyond the client's own (its ``default_headers``, the call's ``extra_headers``).
    headers: Headers = attrs.field(default=(), repr=show_headers)
    #: Whether sending it twice is harmless (decides what a failure may retry).
    idempotent: bool = True
    retry_unsafe: bool = False
    #: Calls the request places: what the calls-per-second limiter takes.
    calls: int = 0
    #: A success must be a JSON object (``""``), or one holding this key (``request_uuid``).
    expect: str | None = None
    observer: RequestObserver | None = attrs.field(default=None, eq=False, repr=False)


@attrs.frozen
class ApiResponse:
    """One attempt's answer as it came: status, headers, body bytes (capped)."""

    status: int
    headers: CIMultiDictProxy[str]
    content: bytes


@attrs.define
class AttemptCounter:
    """An observer that counts: attempts handed to the network, retries among them, and the
    seconds spent waiting for the client's own limits (on the retry policy's clock).

    ``before_send``, if set, is awaited before each attempt leaves (the bulk journal's
    start record).
    """

    attempts: int = 0
    retries: int = 0
    waited: float = 0.0
    before_send: Callable[[], Awaitable[object]] | None = None

    def limits_granted(self, waited: float) -> None:
        self.waited += waited

    async def before_attempt(self, attempt: int) -> None:
        if attempt > 1:
            self.retries += 1
        if self.before_send is not None:
            await self.before_send()
        self.attempts += 1

    def attempt_done(self, attempt: int, error: PlivoError | None) -> None:
        """Nothing to count: the attempt was counted as it left."""
