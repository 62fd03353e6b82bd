"""The preflight of a campaign: what a run would do, without placing a call.

:func:`preflight` prepares every row as the run would (defaults, caller ids, calling
window, do-not-call list) and counts the rows valid, invalid, suppressed and outside
their window now; estimates how long the first dials take at the calls per second with
the windows (redials come on top); and estimates their cost from the outbound voice rate
of each destination (the Pricing API, per minute, its longest prefix) against the
account's cash credit (the Account API). The cost assumes every call lasts
``avg_minutes`` (default 1.0): an estimate, high when many calls go unanswered (they
cost nothing), low when conversations run long.

The pricing and account lookups are taken as protocols (``client.pricing`` and
``client.account`` satisfy them), so a test or another source can stand in.
"""

from __future__ import annotations

import math
from collections.abc import Awaitable, Callable
from decimal import Decimal
from typing import Any, Protocol

import attrs

from ...errors import ResourceNotFoundError, ValidationError
from ..inputs import Rows, enumerate_rows
from ..outcome import utc_text
from . import Campaign
from .numbers import place_of
from .window import CallingWindow

__all__ = ["AccountSource", "Preflight", "PricingSource", "preflight"]

#: The average call length the cost estimate assumes by default (minutes).
DEFAULT_AVG_MINUTES = 1.0


class _Pricing(Protocol):
    def outbound_rate(self, number: str) -> Decimal | None: ...


class PricingSource(Protocol):
    """``await source.get(country_iso)``: a country's pricing (``client.pricing``)."""

    def get(self, country_iso: str) -> Awaitable[_Pricing]: ...


class _Account(Protocol):
    @property
    def cash_credit(self) -> Decimal: ...


class AccountSource(Protocol):
    """``await source.get()``: the account, with its ``cash_credit`` (``client.account``)."""

    def get(self) -> Awaitable[_Account]: ...


@attrs.frozen
class Preflight:
    """What a run of these rows would do (see the module doc): counts, and estimates."""

    rows: int
    valid: int
    invalid: int
    suppressed: int
    #: Valid rows outside their calling window now (they would wait).
    out_of_window: int
    #: Seconds from now until the last first dial would go out (windows and CPS).
    duration: float
    cps: float | None
    avg_minutes: float
    #: The estimated cost of the valid rows' calls; None without pricing.
    cost: Decimal | None = None
    #: Valid rows whose destination has no rate (not in ``cost``).
    unpriced: int = 0
    credit: Decimal | None = None
    starts: float = 0.0
    #: When the first row outside its window may be dialled.
    next_window: float | None = None
    #: The first invalid rows' reasons (row number: reason), a few.
    problems: tuple[str, ...] = ()

    @property
    def affordable(self) -> bool | None:
        """Whether the credit covers the estimated cost (None: either is unknown)."""
        if self.cost is None or self.credit is None:
            return None
        return self.cost <= self.credit

    def as_dict(self) -> dict[str, Any]:
        """A JSON-ready view (``dial --preflight --json``); money as strings."""
        return {
            "rows": self.rows,
            "valid": self.valid,
            "invalid": self.invalid,
            "suppressed": self.suppressed,
            "out_of_window": self.out_of_window,
            "next_window": utc_text(self.next_window),
            "duration_s": round(self.duration, 1),
            "ends": utc_text(self.starts + self.duration),
            "cps": self.cps,
            "avg_minutes": self.avg_minutes,
            "cost": _money(self.cost),
            "unpriced": self.unpriced,
            "cash_credit": _money(self.credit),
            "affordable": self.affordable,
            "problems": list(self.problems),
        }

    def render(self) -> str:
        """A short table."""
        pace = f"at {self.cps:g} calls/s" if self.cps else "no --cps: windows only"
        table = [
            ("rows", f"{self.rows:,}", ""),
            ("valid", f"{self.valid:,}", "to dial"),
            ("invalid", f"{self.invalid:,}", "; ".join(self.problems[:1])),
            ("suppressed", f"{self.suppressed:,}", "on the do-not-call list"),
            (
                "outside window now",
                f"{self.out_of_window:,}",
                "" if self.next_window is None else f"first opens {utc_text(self.next_window)}",
            ),
            (
                "duration (est.)",
                _duration(self.duration),
                f"{pace}, ends {utc_text(self.starts + self.duration)}",
            ),
        ]
        if self.cost is not None:
            unpriced = f"; {self.unpriced} without a rate" if self.unpriced else ""
            table.append(
                (
                    "cost (est.)",
                    f"{self.cost:,.2f}",
                    f"{self.valid - self.unpriced:,} calls x {self.avg_minutes:g} min{unpriced}",
                )
            )
        if self.credit is not None:
            verdict = {True: "enough", False: "NOT enough", None: ""}[self.affordable]
            table.append(("cash credit", f"{self.credit:,.2f}", verdict))
        width = max(len(row[0]) for row in table)
        value = max(len(row[1]) for row in table)
        return "\n".join(
            f"{name:<{width}}  {amount:>{value}}  {note}".rstrip() for name, amount, note in table
        )

    __str__ = render


def _money(amount: Decimal | None) -> str | None:
    """``0.09``, ``100`` (never ``1E+2``)."""
    return None if amount is None else format(amount.normalize(), "f")


def _duration(seconds: float) -> str:
    minutes = math.ceil(seconds / 60)
    if minutes < 60:
        return f"{minutes}m"
    hours, minutes = divmod(minutes, 60)
    return f"{hours}h {minutes:02d}m" if hours < 48 else f"{hours // 24}d {hours % 24}h"


async def preflight(
    rows: Rows,
    *,
    prepare: Callable[[Any], Any],
    campaign: Campaign | None,
    now: float,
    cps: float | None = None,
    avg_minutes: float = DEFAULT_AVG_MINUTES,
    pricing: PricingSource | None = None,
    account: AccountSource | None = None,
) -> Preflight:
    """Prepare every row (``prepare``: the run's own), count and estimate (see the doc)."""
    if not (isinstance(avg_minutes, (int, float)) and avg_minutes > 0):
        raise ValidationError.invalid("avg_minutes", "must be a number of minutes > 0", avg_minutes)
    counts = {"rows": 0, "invalid": 0, "suppressed": 0, "out_of_window": 0}
    problems: list[str] = []
    opens: list[tuple[float, tuple[str, ...]]] = []
    destinations: list[str] = []
    async for index, row in enumerate_rows(rows, None):
        counts["rows"] += 1
        try:
            request = prepare(row)
        except Exception as exc:  # the run would record it invalid: counted, not raised
            counts["invalid"] += 1
            if len(problems) < 5:
                problems.append(f"row {index}: {exc}")
            continue
        if campaign is not None and await campaign.suppressed(request) is not None:
            counts["suppressed"] += 1
            continue
        moment = now if campaign is None else campaign.opens(request, now)
        assert moment is not None  # prepare refused a row whose window never opens
        counts["out_of_window"] += moment > now
        zones = () if campaign is None or campaign.window is None else campaign.zones(request)
        opens.append((moment, zones))
        destinations.extend(request.destinations)
    window = None if campaign is None else campaign.window
    duration = _schedule(sorted(opens), now, cps, window)
    cost, unpriced = await _cost(destinations, pricing, avg_minutes)
    credit = None if account is None else (await account.get()).cash_credit
    later = [moment for moment, _ in opens if moment > now]
    return Preflight(
        counts["rows"],
        len(opens),
        counts["invalid"],
        counts["suppressed"],
        counts["out_of_window"],
        duration,
        cps,
        avg_minutes,
        cost,
        unpriced,
        credit,
        now,
        min(later, default=None),
        tuple(problems),
    )


def _schedule(
    opens: list[tuple[float, tuple[str, ...]]],
    now: float,
    cps: float | None,
    window: CallingWindow | None,
) -> float:
    """Seconds until the last first dial: rows go out in the order their windows open,
    one every ``1/cps`` seconds; a row whose turn comes after its window closed waits
    for the next opening, its turn taken by the rows after it (a rough model of the
    run's queue)."""
    gap = 0.0 if not cps else 1.0 / cps
    queue = last = now
    for index, (opened, zones) in enumerate(opens):
        turn = max(queue + (gap if index else 0.0), opened)
        dialled = turn
        if window is not None and turn > opened:
            dialled = window.next_open(zones, turn) or turn
        if dialled == turn:
            queue = turn
        last = max(last, dialled)
    return last - now


async def _cost(
    destinations: list[str], pricing: PricingSource | None, avg_minutes: float
) -> tuple[Decimal | None, int]:
    """The estimated cost of one call to each destination, and how many have no rate."""
    if pricing is None:
        return None, 0
    by_country: dict[str, Any] = {}
    total, unpriced = Decimal(0), 0
    minutes = Decimal(str(avg_minutes))
    for number in destinations:
        try:
            country = place_of(number).country
        except ValidationError:
            unpriced += 1
            continue
        if country not in by_country:
            try:
                by_country[country] = await pricing.get(country)
            except ResourceNotFoundError:  # no pricing for that country: not priced
                by_country[country] = None
        prices = by_country[country]
        try:
            rate = None if prices is None else prices.outbound_rate(number)
        except ValidationError:
            rate = None
        if rate is None:
            unpriced += 1
        else:
            total += rate * minutes
    return total, unpriced
