"""``AsyncPlivo``: the entry point. Owns the base client and hands out resources.

A view (``with_options``, ``with_raw_response``) is a new ``AsyncPlivo`` over a derived
base client: the same HTTP layer, limits and retry budget, some options replaced. Its
resources are built on first use, like the parent's, so nothing is copied or rebound.
"""

from __future__ import annotations

import functools
import logging
import os
import warnings
from collections.abc import Mapping
from types import TracebackType
from typing import Any, Literal

import aiohttp
import attrs

from ._base_client import BaseClient
from ._options import (
    DEFAULT_MAX_RESPONSE_BYTES,
    MIN_CALLS_PER_SECOND,
    PLIVO_LOOKUP_URL,
    ClientOptions,
    derive_hosts,
    header_option,
)
from ._types import merge_headers
from .bulk import Bulk
from .errors import ConfigurationError
from .limits import ARRIVAL_GUARD, Limits, Rate, RateLimiter
from .resources.account import Accounts
from .resources.applications import Applications
from .resources.call_feedback import CallFeedback
from .resources.calls import Calls
from .resources.conferences import Conferences
from .resources.endpoints import Endpoints
from .resources.live_calls import LiveCalls, QueuedCalls
from .resources.lookup import Lookup
from .resources.masking_sessions import MaskingSessions
from .resources.multi_party_calls import MultiPartyCalls
from .resources.numbers import Numbers, PhoneNumbers
from .resources.phlo import Phlo
from .resources.pricing import Pricings
from .resources.recordings import Recordings, Transcriptions
from .resources.subaccounts import Subaccounts
from .resources.token import Token
from .resources.verify_callerids import VerifyCallerids
from .retry import RetryPolicy

__all__ = [
    "MIN_CALLS_PER_SECOND",
    "PLIVO_API_URL",
    "PLIVO_CALLINSIGHTS_URL",
    "PLIVO_LOOKUP_URL",
    "PLIVO_PHLO_URL",
    "AsyncPlivo",
    "ConfigurationError",
]

PLIVO_API_URL = "https://api.plivo.com"
PLIVO_PHLO_URL = "https://phlorunner.plivo.com"
#: The call insights host: ``client.call_feedback`` posts there, not to ``base_url``.
PLIVO_CALLINSIGHTS_URL = "https://stats.plivo.com"
#: Plivo's host for each host option (see ``derive_hosts``: left out, one follows ``base_url``).
PLIVO_HOSTS = {
    "base_url": PLIVO_API_URL,
    "phlo_base_url": PLIVO_PHLO_URL,
    "callinsights_base_url": PLIVO_CALLINSIGHTS_URL,
    "lookup_base_url": PLIVO_LOOKUP_URL,
}
#: Plivo's documented account limit, 300 requests per 5 seconds, with the arrival guard.
PLIVO_RATE_LIMIT = Rate(300, 5.0 + ARRIVAL_GUARD)

_LOG_LEVELS = {"debug": logging.DEBUG, "info": logging.INFO, "warning": logging.WARNING}
_log_handler: logging.Handler | None = None


def _logging_from_env() -> None:
    """``PLIVO_LOG=debug|info|warning``: log the library to stderr without writing code."""
    global _log_handler
    value = os.environ.get("PLIVO_LOG", "").strip().lower()
    if not value:
        return
    level = _LOG_LEVELS.get(value)
    if level is None:
        raise ConfigurationError(
            f"PLIVO_LOG: must be one of {', '.join(_LOG_LEVELS)} (got {value[:20]!r})"
        )
    logger = logging.getLogger("plivo_async")
    logger.setLevel(level)
    if _log_handler is None:
        _log_handler = logging.StreamHandler()
        _log_handler.setFormatter(
            logging.Formatter("%(asctime)s %(levelname)s %(name)s %(message)s")
        )
    if _log_handler not in logger.handlers:
        logger.addHandler(_log_handler)


class AsyncPlivo:
    """An asyncio client for Plivo's voice API.

    Use it as ``async with AsyncPlivo() as client:``, or call ``await client.close()``
    yourself. Credentials fall back to ``PLIVO_AUTH_ID`` / ``PLIVO_AUTH_TOKEN``.

    Every resource shares one session and one set of limits: at most ``max_concurrency``
    requests in flight, at most ``rate_limit`` requests per window (Plivo's 300 per 5 s by
    default; ``None`` disables it) and, for requests that place calls, at most
    ``calls_per_second`` calls in any 1-second window (``None``: let Plivo queue them).
    ``retry`` decides what is retried; calls are never re-sent after an ambiguous failure
    unless a method is called with ``retry_unsafe=True``.

    ``limits_url="redis://host:port/db"`` (or ``PLIVO_LIMITS_URL``) shares the rate limit
    and ``calls_per_second`` with every client of this auth id on that Redis, in any
    process or host (``pip install 'plivo-async[redis]'``). If Redis is unreachable when the
    client is entered, that is an error; later outages follow ``limits_fallback``:
    ``"fail"`` refuses requests (nothing is sent), ``"local"`` falls back to this process's
    share of the limits, ``1/limits_processes`` of them.

    HTTP options: ``timeout`` per request (seconds or an ``aiohttp.ClientTimeout``);
    ``max_response_bytes`` caps every answer's body (10 MiB; over it is
    :class:`~plivo_async.errors.ResponseTooLargeError`); ``proxy`` (an http(s) proxy URL),
    ``trust_env`` (``HTTPS_PROXY`` / ``NO_PROXY`` and ``~/.netrc``, as aiohttp reads them),
    or your own ``session=`` or ``connector=``, which the client uses and never closes.
    ``default_headers`` are sent with every request (not ``Authorization``).

    Hosts: ``base_url`` / ``phlo_base_url`` / ``lookup_base_url`` fall back to
    ``PLIVO_BASE_URL`` / ``PLIVO_PHLO_BASE_URL`` / ``PLIVO_LOOKUP_BASE_URL``, then to
    Plivo's. With ``base_url`` pointed away from Plivo (the emulator, a gateway), the host
    options left out follow it, so the credentials go only where you pointed the client; a
    mix of Plivo's hosts and others is refused.
    ``PLIVO_LOG=debug`` (or ``info``) logs the library to stderr; at DEBUG, one line per
    request.

    :meth:`with_options` and :attr:`with_raw_response` give views of the client sharing
    its session, limits and retry budget.

    Raises :class:`ConfigurationError` for missing credentials, bad limits or options,
    or credentials inside a base URL (the message never repeats them), and
    :class:`~plivo_async.errors.ValidationError` for a plain-http base URL off loopback.

    One client belongs to one event loop: to use the API from several ``asyncio.run()``
    calls, make a client inside each (``async with AsyncPlivo() as client:``).
    """

    def __init__(
        self,
        auth_id: str | None = None,
        auth_token: str | None = None,
        *,
        timeout: float | aiohttp.ClientTimeout = 30.0,
        max_concurrency: int = 64,
        rate_limit: Rate | RateLimiter | None = PLIVO_RATE_LIMIT,
        calls_per_second: float | RateLimiter | None = None,
        retry: RetryPolicy | None = None,
        base_url: str | None = None,
        phlo_base_url: str | None = None,
        max_response_bytes: int = DEFAULT_MAX_RESPONSE_BYTES,
        proxy: str | None = None,
        trust_env: bool = False,
        session: aiohttp.ClientSession | None = None,
        connector: aiohttp.BaseConnector | None = None,
        limits_url: str | None = None,
        limits_fallback: Literal["fail", "local"] = "fail",
        limits_processes: int | None = None,
        callinsights_base_url: str | None = None,
        default_headers: Mapping[str, str] | None = None,
        lookup_base_url: str | None = None,
    ) -> None:
        _logging_from_env()
        hosts = derive_hosts(
            {
                "base_url": base_url or os.environ.get("PLIVO_BASE_URL"),
                "phlo_base_url": phlo_base_url or os.environ.get("PLIVO_PHLO_BASE_URL"),
                "callinsights_base_url": callinsights_base_url,
                "lookup_base_url": lookup_base_url or os.environ.get("PLIVO_LOOKUP_BASE_URL"),
            },
            PLIVO_HOSTS,
        )
        options = ClientOptions(
            auth_id=auth_id or os.environ.get("PLIVO_AUTH_ID") or "",
            auth_token=auth_token or os.environ.get("PLIVO_AUTH_TOKEN") or "",
            **hosts,
            timeout=timeout,
            max_concurrency=max_concurrency,
            rate_limit=rate_limit,
            calls_per_second=calls_per_second,
            retry=retry or RetryPolicy(),
            max_response_bytes=max_response_bytes,
            proxy=proxy,
            trust_env=trust_env,
            session=session,
            connector=connector,
            limits_url=limits_url or os.environ.get("PLIVO_LIMITS_URL") or None,
            limits_fallback=limits_fallback,
            limits_processes=limits_processes,
            default_headers=header_option("default_headers", default_headers),
        )
        limits = Limits(
            max_concurrency=options.max_concurrency,
            rate_limit=options.rate_limit,
            calls_per_second=options.calls_per_second,
            limits_url=options.limits_url,
            auth_id=options.auth_id,
            limits_fallback=options.limits_fallback,
            limits_processes=options.limits_processes,
        )
        self._transport = BaseClient(options, limits)
        self.auth_id = options.auth_id

    @classmethod
    def _over(cls, base: BaseClient) -> AsyncPlivo:
        """A client speaking through ``base`` (a view's derived base client)."""
        client = cls.__new__(cls)
        client._transport = base
        client.auth_id = base.auth_id
        return client

    @functools.cached_property
    def calls(self) -> Calls:
        return Calls(self._transport)

    @functools.cached_property
    def conferences(self) -> Conferences:
        return Conferences(self._transport)

    @functools.cached_property
    def multi_party_calls(self) -> MultiPartyCalls:
        return MultiPartyCalls(self._transport)

    @functools.cached_property
    def recordings(self) -> Recordings:
        return Recordings(self._transport)

    @functools.cached_property
    def transcriptions(self) -> Transcriptions:
        return Transcriptions(self._transport)

    @functools.cached_property
    def endpoints(self) -> Endpoints:
        return Endpoints(self._transport)

    @functools.cached_property
    def applications(self) -> Applications:
        return Applications(self._transport)

    @functools.cached_property
    def numbers(self) -> Numbers:
        """Your numbers (list, get, update, delete, create) and renting more (search, buy)."""
        return Numbers(self._transport)

    @functools.cached_property
    def phone_numbers(self) -> PhoneNumbers:
        """Plivo's rentable numbers: ``search`` and ``buy`` (also on :attr:`numbers`)."""
        return PhoneNumbers(self._transport)

    @functools.cached_property
    def live_calls(self) -> LiveCalls:
        return LiveCalls(self.calls)

    @functools.cached_property
    def queued_calls(self) -> QueuedCalls:
        return QueuedCalls(self.calls)

    @functools.cached_property
    def call_feedback(self) -> CallFeedback:
        return CallFeedback(self._transport)

    @functools.cached_property
    def masking_sessions(self) -> MaskingSessions:
        return MaskingSessions(self._transport)

    @functools.cached_property
    def verify_callerids(self) -> VerifyCallerids:
        return VerifyCallerids(self._transport)

    @functools.cached_property
    def token(self) -> Token:
        return Token(self._transport)

    @functools.cached_property
    def account(self) -> Accounts:
        return Accounts(self._transport)

    @functools.cached_property
    def subaccounts(self) -> Subaccounts:
        return Subaccounts(self._transport)

    @functools.cached_property
    def pricing(self) -> Pricings:
        return Pricings(self._transport)

    @functools.cached_property
    def lookup(self) -> Lookup:
        """Number lookup, on its own host (``lookup_base_url``)."""
        return Lookup(self._transport)

    @functools.cached_property
    def bulk(self) -> Bulk:
        """The bulk engine: many calls or MPC actions, concurrently, with a journal."""
        return Bulk(
            calls=self.calls,
            phlo=self.phlo,
            max_concurrency=self.limits.max_concurrency,
            pricing=getattr(self, "pricing", None),  # the Pricing and Account APIs, for
            account=getattr(self, "account", None),  # the preflight of a campaign
        )

    def __repr__(self) -> str:
        transport = self._transport
        state = "open" if transport.is_open else "closed"
        kind = ("" if transport.owner else " view") + (" raw" if transport.raw else "")
        return f"<AsyncPlivo{kind} auth_id={self.auth_id!r} {transport.api_base} {state}>"

    @property
    def transport(self) -> BaseClient:
        """The base client (for advanced use: ``transport.request`` to custom endpoints)."""
        return self._transport

    @property
    def limits(self) -> Limits:
        return self._transport.limits

    def with_options(
        self,
        *,
        timeout: float | aiohttp.ClientTimeout | None = None,
        retry: RetryPolicy | None = None,
        max_retries: int | None = None,
        default_headers: Mapping[str, str] | None = None,
    ) -> AsyncPlivo:
        """A view of this client with other per-request options, for some calls.

        It shares the session (no new connection pool), the limits and the retry budget;
        closing it closes nothing. ``max_retries=n`` allows ``n`` retries (``n + 1``
        attempts) on top of ``retry`` (or this client's policy). ``default_headers`` are
        added to this client's (a name given again takes the new value), as in the openai
        and anthropic SDKs.

        Raises:
            ConfigurationError: If ``timeout`` is not a finite number > 0 (or a
                ``ClientTimeout``), ``max_retries`` is not an integer >= 0, or a header
                is not text or is ``Authorization``.
        """
        policy = retry
        if max_retries is not None:
            if not isinstance(max_retries, int) or isinstance(max_retries, bool) or max_retries < 0:
                raise ConfigurationError(
                    f"max_retries: must be an integer >= 0 (got {max_retries!r})"
                )
            policy = attrs.evolve(retry or self._transport.retry, max_attempts=max_retries + 1)
        headers = None
        if default_headers is not None:
            added = header_option("default_headers", default_headers)
            headers = merge_headers(self._transport.options.default_headers, added)
        return AsyncPlivo._over(
            self._transport.derive(timeout=timeout, retry=policy, default_headers=headers)
        )

    @property
    def with_raw_response(self) -> Any:
        """A view of this client whose methods return a :class:`~plivo_async.RawResponse`.

        ``await client.with_raw_response.calls.create(...)`` gives the status, the
        (token-free) headers, the attempts made and the time taken; ``.parse()`` gives the
        model the plain method returns. Every resource gets it with no code of its own
        (their answers go through ``structure_response``); the paging iterators
        (``iter_all``, ``async for``) are not raw. Typed ``Any``: each method returns a
        ``RawResponse``, not its usual model.
        """
        return AsyncPlivo._over(self._transport.derive(raw=True))

    def phlo(self, phlo_id: str) -> Phlo:
        """A PHLO handle; makes no request until one of its methods is awaited."""
        return Phlo(self._transport, phlo_id)

    async def __aenter__(self) -> AsyncPlivo:
        """Open the session and shared limits; on a view, nothing (its parent owns them)."""
        if not self._transport.owner:
            return self
        await self._transport.open()
        try:
            await self.limits.open()
        except BaseException:
            await self.close()
            raise
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()

    async def close(self) -> None:
        """Close the HTTP session. Safe to call twice.

        A ``session=`` or ``connector=`` passed in stays open (whoever opened it closes it);
        on a view (:meth:`with_options`) this does nothing: the parent owns the session.
        """
        if self._transport.owner:
            await self._transport.close()
            await self.limits.close()

    def __del__(self, _warn: Any = warnings.warn) -> None:
        transport = getattr(self, "_transport", None)
        if transport is not None and transport.is_open and transport.owns_session:
            _warn(
                f"unclosed {self!r}: use 'async with AsyncPlivo()' or 'await client.close()'",
                ResourceWarning,
                stacklevel=1,
            )
