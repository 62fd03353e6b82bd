"""The limiter of one process: an exact sliding window, optionally paced.

Why by hand: a leaky bucket (``aiolimiter``) lets up to 2N through in some 1-second
windows, and the ``limits`` package's moving window only answers "may I now?", so waiting
on it means polling. A sliding-window log is exact (never more than ``limit`` grants in any
half-open window of ``period`` seconds), costs O(1) amortised per grant, keeps at most
``limit`` timestamps, and takes an injectable clock and sleep so tests are instant.

``spacing`` adds pacing: grants follow a schedule ``spacing`` seconds apart, so a
CPS is spent as an even stream instead of bursts (a burst arrives at the server spread by
its own jitter; a paced stream keeps every server-side window true with a margin of a few
milliseconds instead of a guard band that costs 5% of the CPS).
"""

from __future__ import annotations

import asyncio
import math
import time
from collections import deque
from collections.abc import Awaitable, Callable

from .rate import Rate

__all__ = ["Clock", "Sleep", "SlidingWindowLimiter"]

Clock = Callable[[], float]
Sleep = Callable[[float], Awaitable[object]]


class SlidingWindowLimiter:
    """Never more than ``rate.limit`` grants in any ``rate.period``; paced if ``spacing``.

    A grant is stamped when it is given (after any wait), not when it was asked for, so a
    waiter that wakes up late can only lower the rate, never raise it. With ``spacing``,
    grants are due on a schedule of one per ``spacing`` seconds (a grant a little late
    keeps the schedule; one after an idle spell starts a new one), and the window still
    bounds every ``rate.period``.

    :meth:`acquire` returns a :class:`WindowGrant`: the transport calls its ``restamp()``
    when the request had to open a new connection first (seconds, over TLS), so the
    window counts the request from when it really left, as the server will.

    Waiters are served first come, first served. ``acquire(n)`` with ``n`` above the limit
    takes the whole window (the request cannot be split; it waits for an empty window).
    """

    def __init__(
        self,
        rate: Rate,
        *,
        spacing: float = 0.0,
        clock: Clock = time.monotonic,
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        self.rate = rate
        self.spacing = spacing
        self.restamps = True  # the transport may call WindowGrant.restamp()
        self._clock = clock
        self._sleep = sleep
        # When each grant was given (or restamped), oldest grant first. Conservative: a
        # grant that has aged out is dropped only once those before it have gone too.
        self._stamps: deque[float] = deque()
        self._dropped = 0  # grants popped from the left of _stamps, ever
        self._due = -math.inf  # when the pacing schedule lets the next grant go
        self._lock = asyncio.Lock()

    def __repr__(self) -> str:
        paced = f", {self.spacing * 1e3:.1f} ms apart" if self.spacing else ""
        return f"SlidingWindowLimiter({self.rate.limit} per {self.rate.period:g}s{paced})"

    def wait_time(self, n: int, now: float) -> float:
        """How long until ``n`` more grants fit (0 or less: now); drops aged-out grants."""
        stamps, period = self._stamps, self.rate.period
        horizon = now - period
        while stamps and stamps[0] <= horizon:
            stamps.popleft()
            self._dropped += 1
        wait = self._due - now
        excess = len(stamps) + n - self.rate.limit
        if excess > 0:
            # Room once the `excess` oldest grants have left the window (at least a hair:
            # the popping above, not this sum, decides whether they have).
            wait = max(wait, max(stamps[i] for i in range(excess)) + period - now, 1e-9)
        return wait

    def grant(self, n: int, now: float) -> WindowGrant:
        """Record ``n`` grants given at ``now`` (after :meth:`wait_time` said yes)."""
        on_time = self.spacing > 0 and 0 <= now - self._due < self.spacing
        # Paced on a schedule, not from the last grant: a timer that fires a millisecond
        # late must not slow every later call (the window keeps the limit exact).
        self._due = (self._due if on_time else now) + n * self.spacing
        first = self._dropped + len(self._stamps)
        self._stamps.extend([now] * n)
        return WindowGrant(self, first, n, now)

    def clock(self) -> float:
        """The limiter's clock (what its stamps are measured on)."""
        return self._clock()

    def restamp(self, first: int, n: int) -> None:
        """Grants ``first .. first + n - 1`` count from now: they leave the window later."""
        now, stamps = self._clock(), self._stamps
        start = first - self._dropped
        for i in range(max(start, 0), min(start + n, len(stamps))):
            stamps[i] = max(stamps[i], now)

    async def acquire(self, n: int = 1) -> WindowGrant | None:
        """Wait until ``n`` more grants fit in the window (and the schedule), then take them."""
        n = min(n, self.rate.limit)
        if n <= 0:
            return None
        async with self._lock:
            while True:
                now = self._clock()
                wait = self.wait_time(n, now)
                if wait <= 0:
                    return self.grant(n, now)
                # The floor guarantees progress when float rounding or an early timer
                # leaves us a hair short.
                await self._sleep(max(wait, 1e-6))


class WindowGrant:
    """``n`` grants of one limiter; ``restamp()`` counts them from now (see the limiter)."""

    __slots__ = ("_first", "_limiter", "_n", "cold", "granted_at")

    def __init__(self, limiter: SlidingWindowLimiter, first: int, n: int, now: float) -> None:
        self._limiter, self._first, self._n = limiter, first, n
        self.granted_at = now
        self.cold = False  # set by the transport when the request opened a connection

    async def restamp(self, *, unless_within: float = 0.0) -> None:
        if unless_within and self._limiter.clock() - self.granted_at <= unless_within:
            return  # left on time: the grant's stamp stands
        self._limiter.restamp(self._first, self._n)
