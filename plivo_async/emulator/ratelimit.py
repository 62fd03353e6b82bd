"""Plivo's account request limit (300 requests per 5 seconds), as an exact sliding window.

Off by default; turned on it lets a test check that a client stays under the limit on its
own instead of bouncing off 429s. Each check is amortised O(1).
"""

from __future__ import annotations

from collections import deque

__all__ = ["SlidingWindow"]


class SlidingWindow:
    """Admits at most ``limit`` events in any ``period`` seconds; refused events don't count."""

    def __init__(self, limit: int, period: float) -> None:
        if limit < 1 or period <= 0:
            raise ValueError("rate limit needs limit >= 1 and period > 0")
        self.limit = limit
        self.period = period
        self._times: deque[float] = deque()

    def admit(self, now: float) -> bool:
        """Count an event at ``now`` if the window has room; False means answer 429."""
        times = self._times
        horizon = now - self.period
        while times and times[0] <= horizon:
            times.popleft()
        if len(times) >= self.limit:
            return False
        times.append(now)
        return True

    def reset(self) -> None:
        self._times.clear()
