"""What the emulated pricing API (``GET Pricing/``) answers 400 to."""

from __future__ import annotations

import re
from collections.abc import Mapping

from ._fields import BadRequest, required_field

__all__ = ["validate_pricing_query"]

_COUNTRY_ISO = re.compile(r"[A-Z]{2}")


def validate_pricing_query(query: Mapping[str, str]) -> str:
    """The ``country_iso`` asked for: two capital letters."""
    country_iso = required_field(query, "country_iso")
    if not _COUNTRY_ISO.fullmatch(country_iso):
        raise BadRequest(f"invalid country_iso: {country_iso[:20]!r}")
    return country_iso
