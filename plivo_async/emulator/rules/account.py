"""What the emulated account API (``POST Account/{auth_id}/``) answers 400 to."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ._fields import BadRequest, text_field

__all__ = ["validate_account_update"]

_DETAILS = ("name", "city", "address")


def validate_account_update(body: Mapping[str, Any]) -> dict[str, str]:
    """The details to change: at least one of ``name``, ``city``, ``address``."""
    fields = {}
    for name in _DETAILS:
        value = text_field(body, name)
        if value:
            fields[name] = value
    if not fields:
        raise BadRequest("one of name, city and address is required")
    return fields
