"""``AsyncPlivo``: the entry point. Owns the transport and hands out resources."""

from __future__ import annotations

import copy
import logging
import math
import os
import warnings
from types import TracebackType
from typing import Any, Literal

import aiohttp
import attrs

from .bulk import Bulk
from .errors import ConfigurationError
from .limits import ARRIVAL_GUARD, Limits, Rate, RateLimiter
from .resources.applications import Applications
from .resources.call_feedback import CallFeedback
from .resources.calls import Calls
from .resources.conferences import Conferences
from .resources.endpoints import Endpoints
from .resources.live_calls import LiveCalls, QueuedCalls
from .resources.masking_sessions import MaskingSessions
from .resources.multi_party_calls import MultiPartyCalls
from .resources.phlo import Phlo
from .resources.recordings import Recordings, Transcriptions
from .resources.token import Token
from .resources.verify_callerids import VerifyCallerids
from .retry import RetryPolicy
from .transport import DEFAULT_MAX_RESPONSE_BYTES, Transport

__all__ = [
    "PLIVO_API_URL",
    "PLIVO_CALLINSIGHTS_URL",
    "PLIVO_PHLO_URL",
    "AsyncPlivo",
    "ConfigurationError",
]

PLIVO_API_URL = "https://api.plivo.com"
PLIVO_PHLO_URL = "https://phlorunner.plivo.com"
#: The call insights host: ``client.call_feedback`` posts there, not to ``base_url``.
PLIVO_CALLINSIGHTS_URL = "https://stats.plivo.com"
#: Plivo's documented account limit, 300 requests per 5 seconds, with the arrival guard.
PLIVO_RATE_LIMIT = Rate(300, 5.0 + ARRIVAL_GUARD)
#: The slowest CPS that makes sense: one call a day (1e-320 would mean "one per inf s").
MIN_CALLS_PER_SECOND = 1 / 86400

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


def _is_number(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _check_rate(option: str, rate: object) -> None:
    """A ``Rate``, or a limiter with ``acquire``; a tuple like ``(300, 5)`` is not one."""
    if isinstance(rate, Rate):
        ok = (
            _is_number(rate.limit)
            and _is_number(rate.period)
            and rate.limit == int(rate.limit)
            and math.isfinite(rate.period)
        )
        if not ok:
            raise ConfigurationError(
                f"{option}: Rate needs an integer limit and a finite period (got {rate!r})"
            )
    elif not callable(getattr(rate, "acquire", None)):
        raise ConfigurationError(
            f"{option}: must be a Rate(limit, period), a RateLimiter or None "
            f"(got {type(rate).__name__} {str(rate)[:40]})"
        )


def _check_options(
    *,
    max_concurrency: object,
    rate_limit: object,
    calls_per_second: object,
    timeout: object,
    max_response_bytes: object,
) -> None:
    """Refuse bad configuration at construction, naming the option (before any request)."""
    if not isinstance(max_concurrency, int) or isinstance(max_concurrency, bool):
        raise ConfigurationError(
            f"max_concurrency: must be an integer >= 1 (got {max_concurrency!r})"
        )
    if max_concurrency < 1:
        raise ConfigurationError(f"max_concurrency must be >= 1 (got {max_concurrency})")
    if rate_limit is not None:
        _check_rate("rate_limit", rate_limit)
    if _is_number(calls_per_second):
        cps = float(calls_per_second)  # type: ignore[arg-type]
        if not (math.isfinite(cps) and cps >= MIN_CALLS_PER_SECOND):
            raise ConfigurationError(
                "calls_per_second: must be a finite number of calls per second, at least "
                f"one a day ({MIN_CALLS_PER_SECOND:.3g}) (got {calls_per_second!r})"
            )
    elif calls_per_second is not None:
        _check_rate("calls_per_second", calls_per_second)
    finite_timeout = _is_number(timeout) and math.isfinite(timeout) and timeout > 0  # type: ignore[arg-type, operator]
    if not (isinstance(timeout, aiohttp.ClientTimeout) or finite_timeout):
        raise ConfigurationError(
            "timeout: must be a finite number of seconds > 0 or an aiohttp.ClientTimeout "
            f"(got {timeout!r})"
        )
    if not isinstance(max_response_bytes, int) or isinstance(max_response_bytes, bool):
        raise ConfigurationError(
            f"max_response_bytes: must be an integer (got {max_response_bytes!r})"
        )
    if max_response_bytes < 1:
        raise ConfigurationError(f"max_response_bytes: must be >= 1 (got {max_response_bytes})")


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
    ``base_url`` / ``phlo_base_url`` fall back to ``PLIVO_BASE_URL`` /
    ``PLIVO_PHLO_BASE_URL``, then to Plivo's. ``PLIVO_LOG=debug`` (or ``info``) logs the
    library to stderr; at DEBUG, one line per request.

    :meth:`with_options` and :attr:`with_raw_response` give views of the client sharing
    its session, limits and retry budget.

    Raises :class:`ConfigurationError` for missing credentials, bad limits or options,
    or credentials inside a base URL (the message never repeats them), and
    :class:`~plivo_async.errors.ValidationError` for a plain-http base URL off loopback.
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
        callinsights_base_url: str = PLIVO_CALLINSIGHTS_URL,
    ) -> None:
        _logging_from_env()
        auth_id = auth_id or os.environ.get("PLIVO_AUTH_ID")
        auth_token = auth_token or os.environ.get("PLIVO_AUTH_TOKEN")
        if not auth_id or not auth_token:
            missing = [
                name
                for name, value in (("auth_id", auth_id), ("auth_token", auth_token))
                if not value
            ]
            raise ConfigurationError(
                f"missing {' and '.join(missing)}: pass auth_id= and auth_token=, or set the "
                "PLIVO_AUTH_ID and PLIVO_AUTH_TOKEN environment variables"
            )
        _check_options(
            max_concurrency=max_concurrency,
            rate_limit=rate_limit,
            calls_per_second=calls_per_second,
            timeout=timeout,
            max_response_bytes=max_response_bytes,
        )
        if session is not None and (connector is not None or proxy is not None or trust_env):
            raise ConfigurationError(
                "session: give connector=, proxy= and trust_env= to your own session, "
                "not next to it"
            )
        if proxy is not None and not (
            isinstance(proxy, str) and proxy.startswith(("http://", "https://"))
        ):
            raise ConfigurationError("proxy: must be an http:// or https:// URL")
        try:
            limits = Limits(
                max_concurrency=max_concurrency,
                rate_limit=rate_limit,
                calls_per_second=calls_per_second,
                limits_url=limits_url or os.environ.get("PLIVO_LIMITS_URL") or None,
                auth_id=auth_id,
                limits_fallback=limits_fallback,
                limits_processes=limits_processes,
            )
        except ValueError as exc:
            raise ConfigurationError(str(exc)) from None
        self.auth_id = auth_id
        self._transport = Transport(
            auth_id=auth_id,
            auth_token=auth_token,
            base_url=base_url or os.environ.get("PLIVO_BASE_URL") or PLIVO_API_URL,
            phlo_base_url=phlo_base_url or os.environ.get("PLIVO_PHLO_BASE_URL") or PLIVO_PHLO_URL,
            timeout=timeout,
            limits=limits,
            retry=retry or RetryPolicy(),
            max_response_bytes=max_response_bytes,
            proxy=proxy,
            trust_env=trust_env,
            session=session,
            connector=connector,
            callinsights_base_url=callinsights_base_url,
        )
        self.calls: Calls = Calls(self._transport)
        self.conferences: Conferences = Conferences(self._transport)
        self.multi_party_calls: MultiPartyCalls = MultiPartyCalls(self._transport)
        self.recordings: Recordings = Recordings(self._transport)
        self.transcriptions: Transcriptions = Transcriptions(self._transport)
        self.endpoints: Endpoints = Endpoints(self._transport)
        self.applications: Applications = Applications(self._transport)
        self.live_calls: LiveCalls = LiveCalls(self.calls)
        self.queued_calls: QueuedCalls = QueuedCalls(self.calls)
        self.call_feedback: CallFeedback = CallFeedback(self._transport)
        self.masking_sessions: MaskingSessions = MaskingSessions(self._transport)
        self.verify_callerids: VerifyCallerids = VerifyCallerids(self._transport)
        self.token: Token = Token(self._transport)
        self._bulk: Bulk | None = None

    def __repr__(self) -> str:
        state = "open" if self._transport.is_open else "closed"
        return f"<AsyncPlivo auth_id={self.auth_id!r} {self._transport.api_base} {state}>"

    @property
    def transport(self) -> Transport:
        """The shared transport (for advanced use: custom endpoints)."""
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
    ) -> AsyncPlivo:
        """A view of this client with other per-request options, for some calls.

        It shares the session (no new connection pool), the limits and the retry budget;
        closing it closes nothing. ``max_retries=n`` allows ``n`` retries (``n + 1``
        attempts) on top of ``retry`` (or this client's policy).

        Raises:
            ConfigurationError: If ``timeout`` is not a finite number > 0 (or a
                ``ClientTimeout``), or ``max_retries`` is not an integer >= 0.
        """
        if timeout is not None:
            _check_options(
                max_concurrency=1,
                rate_limit=None,
                calls_per_second=None,
                timeout=timeout,
                max_response_bytes=1,
            )
        policy = retry
        if max_retries is not None:
            if not isinstance(max_retries, int) or isinstance(max_retries, bool) or max_retries < 0:
                raise ConfigurationError(
                    f"max_retries: must be an integer >= 0 (got {max_retries!r})"
                )
            policy = attrs.evolve(retry or self._transport.retry, max_attempts=max_retries + 1)
        return self._view(self._transport.derive(timeout=timeout, retry=policy))

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
        return self._view(self._transport.derive(raw=True))

    def _view(self, transport: Transport) -> AsyncPlivo:
        """A shallow copy of this client speaking through ``transport``.

        Every resource attribute bound to this client's transport (``self.calls`` and any a
        later area adds in ``__init__``) is copied and rebound, and so is every one built on
        this client's ``calls`` (``live_calls``, ``queued_calls``), so views need no list.
        """
        view = copy.copy(self)
        parent_transport = self._transport
        view._transport = transport
        view._bulk = None
        for name, value in vars(self).items():
            if getattr(value, "_transport", None) is parent_transport:
                resource = copy.copy(value)
                resource._transport = transport
                setattr(view, name, resource)
        for name, value in vars(self).items():
            if getattr(value, "_calls", None) is self.calls:
                resource = copy.copy(value)
                resource._calls = view.calls
                setattr(view, name, resource)
        return view

    def phlo(self, phlo_id: str) -> Phlo:
        """A PHLO handle; makes no request until one of its methods is awaited."""
        return Phlo(self._transport, phlo_id)

    @property
    def bulk(self) -> Bulk:
        """The bulk engine: many calls or MPC actions, concurrently, with a journal."""
        if self._bulk is None:
            self._bulk = Bulk(
                calls=self.calls, phlo=self.phlo, max_concurrency=self.limits.max_concurrency
            )
        return self._bulk

    async def __aenter__(self) -> AsyncPlivo:
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
        await self._transport.close()
        if self._transport.owns_limits:
            await self.limits.close()

    def __del__(self, _warn: Any = warnings.warn) -> None:
        transport = getattr(self, "_transport", None)
        if transport is not None and transport.is_open and transport.owns_session:
            _warn(
                f"unclosed {self!r}: use 'async with AsyncPlivo()' or 'await client.close()'",
                ResourceWarning,
                stacklevel=1,
            )
