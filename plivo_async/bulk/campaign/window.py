"""Calling hours in the callee's local time: :class:`CallingWindow`.

A window is a time of day and days of the week, read in the callee's time zone. A row
whose number may be in several zones (its prefix spans them) is inside only when it is
inside in every one of them: the most restrictive reading. Nothing is built in per
country: the US rule (8:00 to 21:00 at the callee's location, TCPA) is the example
``CallingWindow(start="08:00", end="21:00")``; check the rules where you call.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import attrs

__all__ = ["DAYS", "CallingWindow", "check_zone"]

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
#: How far ahead an opening is looked for: a window that never opens in every zone of a
#: number within this is reported as never open (the row cannot be dialled legally).
HORIZON_DAYS = 15


def _clock_time(value: object) -> time:
    if isinstance(value, time):
        return value
    try:
        hours, _, minutes = str(value).partition(":")
        return time(int(hours), int(minutes or 0))
    except ValueError:
        raise ValueError(f"calling window: {value!r} is not a time of day HH:MM") from None


def _days(value: object) -> frozenset[int]:
    """``mon-sat``, ``mon,wed,fri``, ``sat-sun,tue``, ``all``: weekday numbers (mon = 0)."""
    if not isinstance(value, str):
        days = frozenset(int(day) for day in value)  # type: ignore[attr-defined]
        if not days or not days <= set(range(7)):
            raise ValueError(f"calling window: days must be weekday numbers 0-6 (got {value!r})")
        return days
    text = value.strip().lower()
    if text in ("all", "daily", "*"):
        return frozenset(range(7))
    found: set[int] = set()
    for part in text.split(","):
        first, _, last = part.strip().partition("-")
        try:
            a = DAYS.index(first.strip()[:3])
            b = DAYS.index(last.strip()[:3]) if last else a
        except ValueError:
            raise ValueError(
                f"calling window: days {value!r}: use mon..sun, ranges and commas (mon-fri,sun)"
            ) from None
        found.update((a + i) % 7 for i in range((b - a) % 7 + 1))
    return frozenset(found)


@functools.lru_cache(maxsize=1024)
def _zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def check_zone(name: str) -> str:
    """``name`` if it is an IANA zone this host knows (``zoneinfo``), else ValueError."""
    try:
        _zone(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(
            f"unknown time zone {name!r}: an IANA name such as America/New_York or UTC "
            '(no zone data on this host? pip install "plivo-async[campaigns]" adds tzdata)'
        ) from None
    return name


@attrs.frozen
class CallingWindow:
    """Calls go out from ``start`` to ``end`` (``"HH:MM"``, local time of the callee,
    ``end`` excluded) on ``days`` (``"mon-sat"``, ``"mon-fri,sun"``, ``"all"``)."""

    start: time = attrs.field(converter=_clock_time)
    end: time = attrs.field(converter=_clock_time)
    days: frozenset[int] = attrs.field(default="all", converter=_days)

    def __attrs_post_init__(self) -> None:
        if not self.start < self.end:
            raise ValueError(
                f"calling window: start {self.start:%H:%M} must be before end {self.end:%H:%M}"
            )

    @classmethod
    def parse(cls, text: str, days: str = "all") -> CallingWindow:
        """``"08:00-21:00"`` (the CLI's ``--window``)."""
        start, sep, end = text.partition("-")
        if not sep:
            raise ValueError(f"calling window {text!r}: give START-END, e.g. 08:00-21:00")
        return cls(start, end, days)

    def describe(self) -> str:
        days = ",".join(DAYS[d] for d in sorted(self.days)) if len(self.days) < 7 else "daily"
        return f"{self.start:%H:%M}-{self.end:%H:%M} {days}"

    def _open_in(self, zone: str, at: float) -> float:
        """The first moment >= ``at`` (epoch seconds) inside the window in one zone."""
        tz = _zone(zone)
        local = datetime.fromtimestamp(at, tz)
        day: date = local.date()
        for _ in range(8):
            if day.weekday() in self.days:
                opens = datetime.combine(day, self.start, tz).timestamp()
                closes = datetime.combine(day, self.end, tz).timestamp()
                if at < closes:
                    return max(at, opens)
            day += timedelta(days=1)
        raise AssertionError("a window with days opens within a week")  # pragma: no cover

    def next_open(self, zones: Iterable[str], at: float) -> float | None:
        """The first moment >= ``at`` inside the window in every zone of ``zones`` (``at``
        itself when inside now); None if there is none within :data:`HORIZON_DAYS`."""
        zones = tuple(zones)
        limit = at + HORIZON_DAYS * 86_400
        moment = at
        while moment <= limit:
            latest = max(self._open_in(zone, moment) for zone in zones)
            if latest == moment:
                return moment
            moment = latest
        return None
