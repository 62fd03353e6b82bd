"""The values one request is made of: :class:`ApiRequest` in, :class:`ApiResponse` out.

Both are frozen: the base client builds a request once and every attempt sends the same
value; the HTTP layer answers each attempt with a new response. A caller that needs to
see the attempts (the bulk engine's journal) passes a :class:`RequestObserver` with the
request, explicitly; lookups pass none.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from typing import Any, Protocol

import aiohttp
import attrs
from multidict import CIMultiDictProxy

from .errors import PlivoError

__all__ = ["ApiRequest", "ApiResponse", "AttemptCounter", "RequestObserver"]


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
