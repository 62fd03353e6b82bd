"""What a tracked bulk run may do after a call ends: :class:`Redial`, and the live-call cap.

Both need tracking (``track=``): only the callbacks say how a call ended and when it is
no longer live.
"""

from __future__ import annotations

import asyncio
import math
from collections.abc import Collection
from typing import get_args

import attrs

from ..tracking import Disposition

__all__ = ["LiveCallCap", "Redial"]

_DISPOSITIONS = frozenset(get_args(Disposition))


def _dispositions(value: Collection[str]) -> frozenset[str]:
    if isinstance(value, str):
        value = (value,)
    return frozenset(value)


def _check_on(instance: object, attribute: object, value: frozenset[str]) -> None:
    unknown = value - _DISPOSITIONS
    if unknown:
        raise ValueError(
            f"redial on: unknown disposition(s) {sorted(unknown)}; choose from "
            f"{sorted(_DISPOSITIONS - {'answered'})}"
        )
    if "answered" in value:
        raise ValueError("redial on: an answered call is never redialled")


def _check_after(instance: object, attribute: object, value: float) -> None:
    if not (isinstance(value, (int, float)) and math.isfinite(value) and value >= 0):
        raise ValueError(f"redial after: must be a finite number of seconds >= 0 (got {value!r})")


def _check_attempts(instance: object, attribute: object, value: int) -> None:
    if not (isinstance(value, int) and not isinstance(value, bool) and value >= 1):
        raise ValueError(f"redial attempts: must be an int >= 1, dials in all (got {value!r})")


@attrs.frozen(kw_only=True)
class Redial:
    """Dial a row again when its call ended with one of ``on``, ``after`` seconds later,
    up to ``attempts`` dials in all (the first included).

    Redials happen inside the same run and journal: the journal records each dial and its
    disposition, so a resumed run redials at the recorded time and never dials a row
    again once a call of it was answered. Only rows with one destination are redialled
    (a ``<`` bulk row keeps its first dispositions).
    """

    on: frozenset[str] = attrs.field(
        default=frozenset({"busy", "no-answer"}), converter=_dispositions, validator=_check_on
    )
    after: float = attrs.field(default=300.0, validator=_check_after)
    attempts: int = attrs.field(default=3, validator=_check_attempts)

    def due(self, disposition: str | None, dials: int, ended_at: float) -> float | None:
        """When to dial again (epoch seconds), or None: done."""
        if disposition not in self.on or dials >= self.attempts:
            return None
        return ended_at + self.after


class LiveCallCap:
    """At most ``limit`` calls queued or live at once (a cap on this run's calls).

    A call counts from just before its create is sent until its hangup callback, its
    create failed, or tracking gave up on it (``track_wait`` expired: then it is assumed
    over, which the note of that row says).
    """

    def __init__(self, limit: int) -> None:
        if not (isinstance(limit, int) and not isinstance(limit, bool) and limit >= 1):
            raise ValueError(f"max_live_calls must be an int >= 1 (got {limit!r})")
        self.limit = limit
        self.live = 0
        self.peak = 0
        self._waiters: list[asyncio.Future[None]] = []

    def fits(self, calls: int = 1) -> bool:
        """Whether ``calls`` more fit under the cap now (:meth:`acquire` would not wait)."""
        return self.live + min(calls, self.limit) <= self.limit

    async def acquire(self, calls: int = 1) -> None:
        """Wait until ``calls`` more fit under the cap (a row wider than the cap waits
        for an empty cap, then goes alone)."""
        need = min(calls, self.limit)
        while self.live + need > self.limit:
            waiter = asyncio.get_running_loop().create_future()
            self._waiters.append(waiter)
            try:
                await waiter
            finally:
                if waiter in self._waiters:
                    self._waiters.remove(waiter)
        self.live += calls
        self.peak = max(self.peak, self.live)

    def release(self, calls: int = 1) -> None:
        self.live = max(0, self.live - calls)
        waiters, self._waiters = self._waiters, []
        for waiter in waiters:
            if not waiter.done():
                waiter.set_result(None)
