"""What the emulated caller id verification API refuses (400)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from ._fields import BadRequest, check_destination, required_field, text_field

__all__ = ["validate_initiate", "validate_update"]

_COUNTRY = re.compile(r"[A-Za-z]{2}")


def validate_initiate(body: Mapping[str, Any]) -> dict[str, Any]:
    """``phone_number`` required; ``channel`` sms (default) or call; ``country`` ISO-2."""
    out: dict[str, Any] = {
        "phone_number": check_destination("phone_number", required_field(body, "phone_number")),
        "channel": (text_field(body, "channel") or "sms").lower(),
    }
    if out["channel"] not in ("sms", "call"):
        raise BadRequest("channel must be sms or call")
    country = text_field(body, "country")
    if country is not None:
        if not _COUNTRY.fullmatch(country):
            raise BadRequest("country must be a two-letter ISO code")
        out["country"] = country.upper()
    out.update(validate_update(body))
    return out


def validate_update(body: Mapping[str, Any]) -> dict[str, Any]:
    """``alias`` and ``subaccount``, as text."""
    return {name: text_field(body, name) for name in ("alias", "subaccount") if name in body}
