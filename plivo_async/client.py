"""``AsyncPlivo``: the entry point. Owns the transport and hands out resources."""

from __future__ import annotations

import os
import warnings
from types import TracebackType
from typing import Any

import aiohttp

from .bulk import Bulk
from .errors import PlivoError
from .limits import ARRIVAL_GUARD, Limits, Rate, RateLimiter
from .resources.calls import Calls
from .resources.phlo import Phlo
from .retry import RetryPolicy
from .transport import Transport

__all__ = ["PLIVO_API_URL", "PLIVO_PHLO_URL", "AsyncPlivo", "ConfigurationError"]

PLIVO_API_URL = "https://api.plivo.com"
PLIVO_PHLO_URL = "https://phlorunner.plivo.com"
#: Plivo's documented account limit, 300 requests per 5 seconds, with the arrival guard.
PLIVO_RATE_LIMIT = Rate(300, 5.0 + ARRIVAL_GUARD)


class ConfigurationError(PlivoError, ValueError):
    """The client cannot be built as asked (missing credentials, bad limits)."""


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

    Raises :class:`ConfigurationError` for missing credentials or bad limits, and
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
        base_url: str = PLIVO_API_URL,
        phlo_base_url: str = PLIVO_PHLO_URL,
    ) -> None:
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
        try:
            limits = Limits(
                max_concurrency=max_concurrency,
                rate_limit=rate_limit,
                calls_per_second=calls_per_second,
            )
        except ValueError as exc:
            raise ConfigurationError(str(exc)) from None
        self.auth_id = auth_id
        self._transport = Transport(
            auth_id=auth_id,
            auth_token=auth_token,
            base_url=base_url,
            phlo_base_url=phlo_base_url,
            timeout=timeout,
            limits=limits,
            retry=retry or RetryPolicy(),
        )
        self.calls: Calls = Calls(self._transport)
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
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()

    async def close(self) -> None:
        """Close the HTTP session. Safe to call twice."""
        await self._transport.close()

    def __del__(self, _warn: Any = warnings.warn) -> None:
        transport = getattr(self, "_transport", None)
        if transport is not None and transport.is_open:
            _warn(
                f"unclosed {self!r}: use 'async with AsyncPlivo()' or 'await client.close()'",
                ResourceWarning,
                stacklevel=1,
            )
