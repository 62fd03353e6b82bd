"""Models of voice pricing (``GET Pricing/?country_iso=``): what a minute costs.

Plivo answers one country at a time: outbound rates by destination prefix (``"1"``,
``"1907"``, ...), flat rates per kind of line (``local``, ``tollfree``, ``ip``), inbound
rates, and the monthly rent of its numbers. Every rate is a :class:`~decimal.Decimal`
(per minute for voice, per month for numbers): money is never a float.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

import attrs

from .. import validation as v
from .._convert import request_model
from ..errors import ValidationError

__all__ = [
    "InboundVoiceRates",
    "NumberRates",
    "OutboundVoiceRates",
    "PrefixRate",
    "Pricing",
    "PricingRequest",
    "Rate",
    "VoiceRates",
]

_COUNTRY_ISO_RE = re.compile(r"[A-Z]{2}")


@request_model
@attrs.frozen(kw_only=True)
class PricingRequest:
    """Query of ``GET Pricing/``: one country, by its ISO 3166-1 alpha-2 code (``US``)."""

    country_iso: str = attrs.field(
        validator=v.all_of(
            v.required(),
            v.rule(
                "must be an ISO 3166-1 alpha-2 country code in capitals (US, GB, IN)",
                lambda c: isinstance(c, str) and _COUNTRY_ISO_RE.fullmatch(c) is not None,
            ),
        )
    )


@attrs.frozen(kw_only=True)
class Rate:
    """One flat rate, Plivo's ``{"rate": "0.00850"}``."""

    rate: Decimal | None = None
    raw: dict[str, Any] = attrs.field(factory=dict, repr=False, eq=False)


@attrs.frozen(kw_only=True)
class PrefixRate:
    """The per-minute rate of calls to numbers starting with any of ``prefix``."""

    prefix: list[str] = attrs.field(factory=list)
    rate: Decimal | None = None
    raw: dict[str, Any] = attrs.field(factory=dict, repr=False, eq=False)


@attrs.frozen(kw_only=True)
class OutboundVoiceRates:
    """Calls out: by destination prefix (``rates``), and flat per kind of line."""

    rates: list[PrefixRate] = attrs.field(factory=list)
    local: Rate | None = None
    tollfree: Rate | None = None
    ip: Rate | None = None
    raw: dict[str, Any] = attrs.field(factory=dict, repr=False, eq=False)


@attrs.frozen(kw_only=True)
class InboundVoiceRates:
    """Calls in, per kind of number or endpoint they arrive on."""

    local: Rate | None = None
    tollfree: Rate | None = None
    ip: Rate | None = None
    raw: dict[str, Any] = attrs.field(factory=dict, repr=False, eq=False)


@attrs.frozen(kw_only=True)
class VoiceRates:
    outbound: OutboundVoiceRates = attrs.field(factory=OutboundVoiceRates)
    inbound: InboundVoiceRates = attrs.field(factory=InboundVoiceRates)
    raw: dict[str, Any] = attrs.field(factory=dict, repr=False, eq=False)


@attrs.frozen(kw_only=True)
class NumberRates:
    """The monthly rent of the country's numbers, per kind."""

    local: Rate | None = None
    tollfree: Rate | None = None
    raw: dict[str, Any] = attrs.field(factory=dict, repr=False, eq=False)


@attrs.frozen(kw_only=True)
class Pricing:
    """One country's prices (``GET Pricing/?country_iso=``). SMS prices stay in ``raw``."""

    api_id: str | None = None
    country: str | None = None
    country_code: int | None = None
    country_iso: str | None = None
    voice: VoiceRates = attrs.field(factory=VoiceRates)
    phone_numbers: NumberRates = attrs.field(factory=NumberRates)
    raw: dict[str, Any] = attrs.field(factory=dict, repr=False, eq=False)

    def outbound_rate(self, number: str) -> Decimal | None:
        """The per-minute rate of a call to ``number`` (E.164, ``+`` optional): that of
        the longest outbound prefix it starts with; ``None`` if none does.

        Where several entries share that prefix (Plivo splits some by the caller's
        origination prefix), the highest: a preflight must not underestimate.

        Raises:
            ValidationError: If ``number`` is not a phone number (``+``, 2 to 15 digits).
        """
        if not v.is_phone_number(number):
            raise ValidationError.invalid("number", v.RULE_PHONE_NUMBER, number)
        digits = number.lstrip("+")
        best: tuple[int, Decimal] | None = None
        for entry in self.voice.outbound.rates:
            if entry.rate is None:
                continue
            for prefix in entry.prefix:
                if (
                    prefix
                    and digits.startswith(prefix)
                    and (best is None or (len(prefix), entry.rate) > best)
                ):
                    best = (len(prefix), entry.rate)
        return None if best is None else best[1]
