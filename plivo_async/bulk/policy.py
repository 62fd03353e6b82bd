"""What a tracked bulk run may do after a call ends: :class:`Redial` (by a :class:`Retry`
per disposition), and the live-call cap.

Both need tracking (``track=``): only the callbacks say how a call ended and when it is
no longer live.
"""

from __future__ import annotations

import asyncio
import math
from collections.abc import Collection, Mapping
from typing import Any, get_args

import attrs

from ..tracking import Disposition

__all__ = ["LiveCallCap", "Redial", "Retry"]

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


def _check_redials(instance: object, attribute: object, value: int) -> None:
    if not (isinstance(value, int) and not isinstance(value, bool) and value >= 1):
        raise ValueError(f"redial attempts: must be an int >= 1, redials (got {value!r})")


@attrs.frozen
class Retry:
    """How a row is redialled after a call that ended one way: ``after`` seconds later,
    at most ``attempts`` times for that disposition (redials, the first dial not counted)."""

    after: float = attrs.field(validator=_check_after)
    attempts: int = attrs.field(default=1, validator=_check_redials)


@attrs.frozen(init=False)
class Redial:
    """Dial a row again by how its call ended.

    The schedule form gives each disposition its own :class:`Retry`, and caps the dials
    of a row in all (the first included) with ``max_attempts`` (default: no cap beyond
    the schedule's)::

        Redial({"busy": Retry(after=300, attempts=3),
                "no-answer": Retry(after=3600, attempts=2),
                "machine": Retry(after=7200, attempts=1)}, max_attempts=5)

    A row always busy is dialled 4 times (the first dial and 3 redials), one never
    answering 3 times. The simple form, ``Redial(on={"busy", "no-answer"}, after=300,
    attempts=3)``, redials on any of ``on`` after ``after`` seconds, up to ``attempts``
    dials in all. An answered call is never redialled (nor a suppressed or invalid row:
    they have no call).

    Redials happen inside the same run and journal: the journal records each dial, its
    disposition, the dispositions of the row so far and when the next dial is due, so a
    resumed run redials at the recorded time, counts what was made before the crash, and
    never dials a row again once a call of it was answered. Only rows with one
    destination are redialled (a ``<`` bulk row keeps its first dispositions).
    """

    plan: tuple[tuple[str, Retry], ...]  # the schedule, sorted (hashable, as before)
    max_attempts: int | None

    def __init__(
        self,
        schedule: Mapping[str, Retry] | None = None,
        *,
        max_attempts: int | None = None,
        on: Collection[str] | None = None,
        after: float | None = None,
        attempts: int | None = None,
    ) -> None:
        if schedule is not None:
            if on is not None or after is not None or attempts is not None:
                raise ValueError("redial: give a schedule, or on/after/attempts, not both")
            if not isinstance(schedule, Mapping) or not all(
                isinstance(retry, Retry) for retry in schedule.values()
            ):
                raise ValueError("redial schedule: a mapping of disposition -> Retry(...)")
            plan = dict(schedule)
        else:
            after = 300.0 if after is None else after
            attempts = 3 if attempts is None else attempts
            _check_after(None, None, after)
            _check_attempts(None, None, attempts)
            ons = _dispositions(("busy", "no-answer") if on is None else on)
            if max_attempts is None:
                max_attempts = attempts
            plan = {d: Retry(after, attempts - 1) for d in ons} if attempts > 1 else {}
            if attempts == 1:  # no redial at all: the dispositions are still checked
                _check_on(None, None, ons)
        _check_on(None, None, frozenset(plan))
        if max_attempts is not None:
            _check_attempts(None, None, max_attempts)
        self.__attrs_init__(tuple(sorted(plan.items())), max_attempts)

    @property
    def schedule(self) -> dict[str, Retry]:
        """Each disposition redialled, and how."""
        return dict(self.plan)

    @property
    def on(self) -> frozenset[str]:
        """The dispositions that may be redialled."""
        return frozenset(self.schedule)

    @property
    def after(self) -> float:
        """The shortest delay of the schedule (the simple form's ``after``)."""
        return min((retry.after for retry in self.schedule.values()), default=0.0)

    @property
    def attempts(self) -> int:
        """Dials per row at most, the first included."""
        most = 1 + sum(retry.attempts for retry in self.schedule.values())
        return most if self.max_attempts is None else min(most, self.max_attempts)

    def due(
        self,
        disposition: str | None,
        dials: int,
        ended_at: float,
        seen: Mapping[str, int] | None = None,
    ) -> float | None:
        """When to dial again (epoch seconds), or None: done. ``seen`` counts the row's
        dials so far by disposition, this one's included (default: all ``dials`` ended
        so, the most it can be)."""
        retry = self.schedule.get(disposition) if disposition is not None else None
        if retry is None or dials >= self.attempts:
            return None
        ended_so = dials if seen is None else seen.get(disposition, dials)  # type: ignore[arg-type]
        if ended_so > retry.attempts:
            return None
        return ended_at + retry.after

    def as_dict(self) -> dict[str, Any]:
        """A JSON-ready view (summaries)."""
        return {
            "schedule": {d: attrs.asdict(r) for d, r in sorted(self.schedule.items())},
            "max_attempts": self.max_attempts,
        }


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
