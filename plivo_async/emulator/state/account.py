"""The account: its details and its cash credit, which billed calls draw down.

The credit is a pure function of the emulator's clock, like every call's state: the
starting credit (``Emulator(cash_credit="1000.00")``) less what every call over by now
cost. A call is billed once, when it is first seen over: its billed minutes (seconds
answered, rounded up to whole minutes, the call record's ``billed_duration``) times the
rate of its destination in the emulator's prices (``PricingState.outbound_rate``), the
call record's ``total_rate``; the product is its ``total_amount``. Subaccounts draw on
the same credit, as on Plivo.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from .calls import CallState

__all__ = ["DEFAULT_CASH_CREDIT", "AccountState"]

DEFAULT_CASH_CREDIT = Decimal("100.00000")

_DETAILS: dict[str, Any] = {
    "name": "Emulated Account",
    "city": "",
    "address": "",
    "state": "",
    "timezone": "UTC",
    "account_type": "standard",
    "billing_mode": "prepaid",
    "auto_recharge": False,
}


@dataclass(slots=True)
class AccountState:
    """The account's details and credit. ``cash_credit`` is where it started."""

    cash_credit: Decimal = DEFAULT_CASH_CREDIT
    details: dict[str, Any] = field(default_factory=lambda: dict(_DETAILS))
    billed: dict[str, Decimal] = field(default_factory=dict)
    """What each call over so far cost, by call uuid (billed once)."""

    def credit(
        self, calls: Iterable[CallState], now: float, rate: Callable[[CallState], Decimal]
    ) -> Decimal:
        """The starting credit less every call over at ``now`` (billing any new ones at
        ``rate(call)`` per minute)."""
        billed = self.billed
        for call in calls:
            if call.uuid not in billed and call.is_over(now):
                billed[call.uuid] = call.cost(now, rate(call))
        return self.cash_credit - sum(billed.values(), Decimal(0))

    def view(self, auth_id: str, credit: Decimal) -> dict[str, Any]:
        """The shape of ``GET Account/{auth_id}/``."""
        return {
            "auth_id": auth_id,
            **self.details,
            "cash_credits": f"{credit:.5f}",
            "resource_uri": f"/v1/Account/{auth_id}/",
        }

    def reset(self) -> None:
        """Back to the starting credit and details."""
        self.details = dict(_DETAILS)
        self.billed.clear()
