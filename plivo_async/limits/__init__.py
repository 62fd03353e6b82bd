"""Client-side limits: requests in flight, requests per window, calls per second.

``local`` holds the limiter of one process (an exact sliding window, optionally paced);
``redis`` the same limits shared by every process of an account through Redis.
:class:`Limits` is what one client shares across all its resources and coroutines.
"""

from __future__ import annotations

import asyncio
import math
import time
from typing import Any, Protocol

from .local import Clock, Sleep, SlidingWindowLimiter
from .rate import Grant, Grants, Rate, RateLimiter, combine
from .redis import redact_url

__all__ = [
    "ARRIVAL_GUARD",
    "PACING_MARGIN",
    "Grant",
    "Grants",
    "Limits",
    "Rate",
    "RateLimiter",
    "SlidingWindowLimiter",
    "combine",
    "cps_window",
    "paced_cps_limiter",
    "paced_window",
]

#: The margin the default request limit (``client.PLIVO_RATE_LIMIT``) adds to Plivo's 5 s.
#: Requests are paced now (see ``PACING_MARGIN``), which keeps the window true at arrival
#: by itself; the guard stays in the default so that it never grants faster than before.
ARRIVAL_GUARD = 0.05

#: Calls and requests are paced, not burst: N per second go out ``(1 + PACING_MARGIN) / N``
#: s apart (never more than N in any ``1 + PACING_MARGIN / 2`` s), so a 1-second window at
#: Plivo's end holds N unless two arrivals one second apart drift by more than 8 ms (4 ms
#: at worst) against each other, and the account gets 99.2% of its limit where the old
#: burst-and-guard scheme gave 95%. (Plivo counts both when they arrive: a burst granted
#: exactly one window after the previous one arrives inside it when the first burst had
#: to open its connections and the second reuses them.)
PACING_MARGIN = 0.008


class _Lifecycle(Protocol):
    async def open(self) -> None: ...

    async def close(self) -> None: ...


def paced_window(rate: Rate) -> tuple[Rate, float]:
    """A limit as a window plus a pacing interval: 20 per 1 s -> 20 per 1.004 s, 50.4 ms apart.

    The window is the hard bound; the schedule, a little slower, is what normally runs,
    so a grant a few milliseconds late is not held back by the window (no drift).
    """
    period = rate.period
    return Rate(rate.limit, period * (1.0 + PACING_MARGIN / 2)), period * (
        1.0 + PACING_MARGIN
    ) / rate.limit


def cps_window(cps: float) -> tuple[Rate, float]:
    """A CPS as an integer window plus a pacing interval: 10 -> 10 per 1.004 s, 100.8 ms apart.

    A fractional CPS below 1 becomes one call per ``1/cps`` s; above 1 it is rounded down
    (Plivo's CPS is a whole number; never more than asked in any 1-second window).
    """
    if not (isinstance(cps, (int, float)) and math.isfinite(cps) and cps > 0):
        raise ValueError(f"calls_per_second must be a finite number > 0 (got {cps!r})")
    limit, seconds = (int(cps), 1.0) if cps >= 1 else (1, 1.0 / cps)
    if not math.isfinite(seconds) or seconds > 86_400:
        raise ValueError(f"calls_per_second must be at least 1 per day (got {cps!r})")
    return paced_window(Rate(limit, seconds))


def paced_cps_limiter(
    cps: float, *, clock: Clock = time.monotonic, sleep: Sleep = asyncio.sleep
) -> SlidingWindowLimiter:
    """The local calls-per-second limiter: an exact window, grants evenly spaced."""
    rate, spacing = cps_window(cps)
    return SlidingWindowLimiter(rate, spacing=spacing, clock=clock, sleep=sleep)


class Limits:
    """The limits one client shares across all its resources and coroutines.

    Takes the options as the client validated them (``_options.ClientOptions``): a
    ``Rate`` or a number is built into a limiter here, a limiter object used as it is.
    """

    def __repr__(self) -> str:
        shared = f", shared via {redact_url(self.limits_url)}" if self.limits_url else ""
        return (
            f"<Limits max_concurrency={self.max_concurrency}, requests={self.requests!r}, "
            f"calls={self.calls!r}{shared}>"
        )

    def __init__(
        self,
        *,
        max_concurrency: int,
        rate_limit: Rate | RateLimiter | None,
        calls_per_second: float | RateLimiter | None,
        limits_url: str | None = None,
        auth_id: str = "",
        limits_fallback: str = "fail",
        limits_processes: int | None = None,
        clock: Clock = time.monotonic,
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        self.max_concurrency = max_concurrency
        self.concurrency = asyncio.Semaphore(max_concurrency)
        self.limits_url = limits_url
        cps = calls_per_second
        is_cps = isinstance(cps, (int, float)) and not isinstance(cps, bool)
        self.requests: RateLimiter | None = _limiter(rate_limit)
        self.calls: RateLimiter | None = _limiter(cps)
        if limits_url is not None:
            from .redis import connect  # the redis extra is needed only here

            shared_requests, shared_calls = connect(
                limits_url,
                auth_id=auth_id,
                requests=paced_window(rate_limit) if isinstance(rate_limit, Rate) else None,
                calls=cps_window(cps) if is_cps else None,  # type: ignore[arg-type]
                fallback=limits_fallback,  # type: ignore[arg-type]
                processes=limits_processes,
                clock=clock,
                sleep=sleep,
            )
            self.requests = shared_requests or self.requests
            self.calls = shared_calls or self.calls
        else:
            if isinstance(rate_limit, Rate):
                window, spacing = paced_window(rate_limit)
                self.requests = SlidingWindowLimiter(
                    window, spacing=spacing, clock=clock, sleep=sleep
                )
            if is_cps:
                self.calls = paced_cps_limiter(cps, clock=clock, sleep=sleep)  # type: ignore[arg-type]

    async def open(self) -> None:
        """Connect shared limiters (a Redis limiter checks its server here)."""
        for limiter in self._shared():
            await limiter.open()

    async def close(self) -> None:
        """Release shared limiters' connections."""
        for limiter in self._shared():
            await limiter.close()

    def _shared(self) -> list[_Lifecycle]:
        found: list[Any] = []
        for limiter in (self.requests, self.calls):
            if hasattr(limiter, "open") and hasattr(limiter, "close") and limiter not in found:
                found.append(limiter)
        return found


def _limiter(value: Any) -> RateLimiter | None:
    """A limiter object as given; a Rate or a number is built by :class:`Limits`."""
    return value if callable(getattr(value, "acquire", None)) else None
