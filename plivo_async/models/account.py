"""Models of the account itself (``GET``/``POST`` of ``Account/{auth_id}/``).

The account is the path every other area hangs under; its own answer says who it is
(name, address, timezone), how it pays (``billing_mode``, ``auto_recharge``) and what it
has left to spend (``cash_credits``, exact, as a :class:`~decimal.Decimal`).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import attrs

from .._convert import request_model
from ..errors import ValidationError
from ._shared import optional_text

__all__ = ["Account", "UpdateAccountRequest"]


@request_model
@attrs.frozen(kw_only=True)
class UpdateAccountRequest:
    """``POST Account/{auth_id}/``: the account's ``name``, ``city`` or ``address``."""

    name: str | None = optional_text()
    city: str | None = optional_text()
    address: str | None = optional_text()

    def __attrs_post_init__(self) -> None:
        if self.name is None and self.city is None and self.address is None:
            raise ValidationError.invalid("name", "update at least one of name, city or address")


@attrs.frozen(kw_only=True)
class Account:
    """The account (``GET Account/{auth_id}/``): details, cash credit, auto-recharge."""

    api_id: str | None = None
    auth_id: str | None = None
    name: str | None = None
    account_type: str | None = None
    billing_mode: str | None = None
    auto_recharge: bool | None = None
    cash_credits: Decimal | None = None
    address: str | None = None
    city: str | None = None
    state: str | None = None
    timezone: str | None = None
    resource_uri: str | None = None
    raw: dict[str, Any] = attrs.field(factory=dict, repr=False, eq=False)

    @property
    def cash_credit(self) -> Decimal:
        """What the account has left to spend; ``0`` if the answer did not say (no
        evidence of credit is not credit)."""
        return Decimal(0) if self.cash_credits is None else self.cash_credits
