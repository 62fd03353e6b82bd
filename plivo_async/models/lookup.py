"""Models of number lookup (``GET https://lookup.plivo.com/v1/Number/{number}?type=``).

What a number is before it is dialled: its country, its formats, and (``type=carrier``)
its carrier and line type (``mobile``, ``landline``, ``voip``, ``tollfree``, ...), and
whether it was ported. Plivo answers 404 for a number that is not valid.
"""

from __future__ import annotations

from typing import Any

import attrs

from .. import validation as v
from .._convert import request_model

__all__ = ["Carrier", "LookupCountry", "LookupRequest", "NumberFormat", "NumberLookup"]

#: The lookup types Plivo documents.
INFO_TYPES = ("carrier",)


@request_model
@attrs.frozen(kw_only=True)
class LookupRequest:
    """``GET Number/{number}?type={info_type}``: an E.164 number and what to look up."""

    number: str = attrs.field(validator=v.phone_number())
    info_type: str = attrs.field(default="carrier", validator=v.one_of(INFO_TYPES))


@attrs.frozen(kw_only=True)
class LookupCountry:
    name: str | None = None
    iso2: str | None = None
    iso3: str | None = None
    raw: dict[str, Any] = attrs.field(factory=dict, repr=False, eq=False)


@attrs.frozen(kw_only=True)
class NumberFormat:
    """The number written four ways (``+14154305555``, ``(415) 430-5555``, ...)."""

    e164: str | None = None
    national: str | None = None
    international: str | None = None
    rfc3966: str | None = None
    raw: dict[str, Any] = attrs.field(factory=dict, repr=False, eq=False)


@attrs.frozen(kw_only=True)
class Carrier:
    """Who serves the number, and its line ``type`` (``mobile``, ``landline``, ``voip``)."""

    name: str | None = None
    type: str | None = None
    mobile_country_code: str | None = None
    mobile_network_code: str | None = None
    ported: str | None = None
    raw: dict[str, Any] = attrs.field(factory=dict, repr=False, eq=False)


@attrs.frozen(kw_only=True)
class NumberLookup:
    """One number's lookup (the official SDK's ``Number``)."""

    api_id: str | None = None
    phone_number: str | None = None
    country: LookupCountry = attrs.field(factory=LookupCountry)
    format: NumberFormat = attrs.field(factory=NumberFormat)
    carrier: Carrier = attrs.field(factory=Carrier)
    resource_uri: str | None = None
    raw: dict[str, Any] = attrs.field(factory=dict, repr=False, eq=False)
