"""Client-side limits: requests in flight, requests per window, calls per second.

Why a hand-written limiter: a leaky bucket (``aiolimiter``) lets up to 2N through in some
1-second windows, and the ``limits`` package's moving window only answers "may I now?",
so waiting on it means polling. A sliding-window log is exact (never more than ``limit``
acquisitions in any half-open window of ``period`` seconds), costs O(1) amortised per
acquisition, keeps at most ``limit`` timestamps, and takes an injectable clock and sleep
so tests are instant. :class:`RateLimiter` is the seam for a shared (e.g. Redis-backed)
limiter when several processes use one account.
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import Awaitable, Callable
from typing import Protocol

import attrs

__all__ = ["Rate", "RateLimiter", "SlidingWindowLimiter"]

Clock = Callable[[], float]
Sleep = Callable[[float], Awaitable[object]]


@attrs.frozen
class Rate:
    """At most ``limit`` events in any window of ``period`` seconds."""

    limit: int = attrs.field(validator=attrs.validators.gt(0))
    period: float = attrs.field(default=1.0, validator=attrs.validators.gt(0))


class RateLimiter(Protocol):
    """What the transport needs from a limiter; implement it to share limits across processes."""

    async def acquire(self, n: int = 1) -> None:
        """Wait until ``n`` more events fit in the window, then record them."""


class SlidingWindowLimiter:
    """Exact sliding-window limiter: never more than ``rate.limit`` in any ``rate.period``.

    Waiters are served first come, first served. ``acquire(n)`` with ``n`` above the limit
    takes the whole window (the request cannot be split; it waits for an empty window).
    """

    def __init__(
        self,
        rate: Rate,
        *,
        clock: Clock = time.monotonic,
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        self.rate = rate
        self._clock = clock
        self._sleep = sleep
        self._stamps: deque[float] = deque()
        self._lock = asyncio.Lock()

    def __repr__(self) -> str:
        return f"SlidingWindowLimiter({self.rate.limit} per {self.rate.period:g}s)"

    async def acquire(self, n: int = 1) -> None:
        """Wait until ``n`` more events fit in the window, then record them."""
        n = min(n, self.rate.limit)
        if n <= 0:
            return
        async with self._lock:
            limit, period, stamps = self.rate.limit, self.rate.period, self._stamps
            while True:
                now = self._clock()
                horizon = now - period
                while stamps and stamps[0] <= horizon:
                    stamps.popleft()
                excess = len(stamps) + n - limit
                if excess <= 0:
                    stamps.extend([now] * n)
                    return
                # The window has room once the `excess` oldest stamps have aged out. The floor
                # guarantees progress when float rounding or an early timer leaves us a hair short.
                await self._sleep(max(stamps[excess - 1] + period - now, 1e-6))


class Limits:
    """The limits one client shares across all its resources and coroutines."""

    def __init__(
        self,
        *,
        max_concurrency: int,
        rate_limit: Rate | RateLimiter | None,
        calls_per_second: float | RateLimiter | None,
        clock: Clock = time.monotonic,
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        if max_concurrency < 1:
            raise ValueError("max_concurrency must be >= 1")
        self.max_concurrency = max_concurrency
        self.concurrency = asyncio.Semaphore(max_concurrency)
        self.requests: RateLimiter | None = (
            SlidingWindowLimiter(rate_limit, clock=clock, sleep=sleep)
            if isinstance(rate_limit, Rate)
            else rate_limit
        )
        self.calls: RateLimiter | None
        if isinstance(calls_per_second, (int, float)):
            if calls_per_second <= 0:
                raise ValueError("calls_per_second must be > 0")
            self.calls = SlidingWindowLimiter(_cps_rate(calls_per_second), clock=clock, sleep=sleep)
        else:
            self.calls = calls_per_second


#: Plivo counts requests and calls when they arrive, not when we send them. Arrival lag
#: varies by a few milliseconds (a new connection costs more than a reused one), so a
#: burst sent exactly 1.000 s after the previous one can arrive 0.99 s after it. Widening
#: the client's windows by this much keeps the limits true at Plivo's end (for CPS, at 5%
#: of throughput). Pass your own ``SlidingWindowLimiter(Rate(n, 1.0))`` for none.
ARRIVAL_GUARD = 0.05


def _cps_rate(cps: float) -> Rate:
    """A possibly fractional CPS as an integer count per (guarded) window: 0.5 -> 1 per 2.05 s."""
    if cps >= 1:
        return Rate(int(cps), 1.0 + ARRIVAL_GUARD)
    return Rate(1, 1.0 / cps + ARRIVAL_GUARD)
