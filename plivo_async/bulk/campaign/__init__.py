"""Campaigns as dialers run them: calling windows in the callee's local time
(:mod:`.window`), a do-not-call list (:mod:`.suppression`), local caller ids
(:mod:`.caller_ids`), what a number says of its callee (:mod:`.numbers`), and the
preflight (:mod:`.preflight`). :class:`Campaign` holds a run's choices; the calls
runner asks it before every dial. They need ``pip install "plivo-async[campaigns]"``.
"""

from __future__ import annotations

import weakref
from collections.abc import Iterable, Mapping
from typing import Any

from ...errors import ValidationError
from .caller_ids import CallerIds
from .numbers import zones_for_number
from .suppression import Suppress, Suppression
from .window import CallingWindow, check_zone

__all__ = ["CallerIds", "CallingWindow", "Campaign", "Suppression", "zones_for_number"]

#: The column a row may give its callee's time zone in (an IANA name).
TZ_COLUMN = "tz"


class Campaign:
    """A run's calling window, zone, do-not-call list and caller-id pool.

    ``tz`` fixes one zone for every row (``"UTC"``, ``"Europe/Paris"``); else each row's
    zones come from its number (:func:`zones_for_number`), or from its ``tz`` column.
    """

    def __init__(
        self,
        *,
        window: CallingWindow | None = None,
        tz: str | None = None,
        suppress: Suppress | None = None,
        region: str | None = None,
        caller_ids: CallerIds | Iterable[str] | None = None,
    ) -> None:
        if window is not None and not isinstance(window, CallingWindow):
            raise ValidationError.invalid("window", "must be a CallingWindow", window)
        if tz is not None:
            try:
                check_zone(tz)
            except ValueError as exc:
                raise ValidationError.invalid("tz", str(exc)) from None
        self.window = window
        self.tz = tz
        self.suppression = None if suppress is None else Suppression.of(suppress, region=region)
        if caller_ids is not None and not isinstance(caller_ids, CallerIds):
            caller_ids = CallerIds(caller_ids)
        self.caller_ids = caller_ids
        self._zones: dict[int, tuple[weakref.ref[Any], tuple[str, ...]]] = {}

    def __repr__(self) -> str:
        return (
            f"<Campaign window={self.window and self.window.describe()} tz={self.tz} "
            f"suppress={self.suppression!r} caller_ids={self.caller_ids!r}>"
        )

    def fill(self, row: Mapping[str, Any], data: dict[str, Any]) -> str | None:
        """Complete a row's create arguments (``data``: the row over the defaults): take
        out its ``tz``, which it returns, and give it its pool caller id unless the row
        names its own ``from``."""
        tz = data.pop(TZ_COLUMN, None)
        tz = None if tz is None or str(tz).strip() == "" else str(tz).strip()
        if self.caller_ids is not None and not ({"from", "from_"} & row.keys()):
            to = str(data.get("to", "")).split("<")[0]
            chosen = self.caller_ids.choose(to)
            if chosen is not None:
                data.pop("from_", None)
                data["from"] = chosen
        return tz

    def check(self, request: Any, tz: str | None, now: float) -> None:
        """Refuse a row whose window can never be known or open (ValidationError), and
        remember its zones for :meth:`zones`."""
        if self.window is None:
            return
        if tz is not None:
            try:
                zones: tuple[str, ...] = (check_zone(tz),)
            except ValueError as exc:
                raise ValidationError.invalid(TZ_COLUMN, str(exc)) from None
        elif self.tz is not None:
            zones = (self.tz,)
        else:
            found: dict[str, None] = {}
            for to in request.destinations:
                try:
                    found.update(dict.fromkeys(zones_for_number(to)))
                except ValidationError:
                    raise ValidationError.invalid(
                        "to",
                        "is not a number whose time zone can be known: give the row a tz "
                        "column, or tz= for the run",
                        to,
                    ) from None
            zones = tuple(found)
            if not zones:
                raise ValidationError.invalid(
                    "to",
                    "has no known time zone: give the row a tz column, or tz= for the run",
                    request.to,
                )
        if self.window.next_open(zones, now) is None:
            raise ValidationError.invalid(
                "to",
                f"is never inside the calling window {self.window.describe()} in all of its "
                f"time zones ({', '.join(zones)}): give the row a tz column",
                request.to,
            )
        key = id(request)
        self._zones[key] = (weakref.ref(request, lambda _: self._zones.pop(key, None)), zones)

    def zones(self, request: Any) -> tuple[str, ...]:
        """The zones :meth:`check` found for this request."""
        ref, zones = self._zones[id(request)]
        assert ref() is request
        return zones

    def opens(self, request: Any, now: float) -> float | None:
        """When the row may be dialled: ``now`` if inside its window (or no window), a
        later moment, or None if never (within the horizon)."""
        if self.window is None:
            return now
        return self.window.next_open(self.zones(request), now)

    async def suppressed(self, request: Any) -> str | None:
        """The row's destination on the do-not-call list, if one is."""
        if self.suppression is None:
            return None
        found: str | None = await self.suppression.any_of(request.destinations)
        return found
