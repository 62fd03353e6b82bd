"""What a phone number says about its callee: E.164 form, time zones, country and area.

Built on the ``phonenumbers`` package (Google's libphonenumber data), an optional extra:
``pip install "plivo-async[campaigns]"``. It is imported when a campaign feature is first
used, so the package imports without it.

A destination is read as Plivo reads one: international, the ``+`` optional
(``14155550100`` is ``+14155550100``). A number from a list you keep (a do-not-call
file) may be national when ``region`` is given (``"US"``: ``(415) 555-0100``).
"""

from __future__ import annotations

import functools
from types import ModuleType
from typing import Any

import attrs

from ...errors import ValidationError

__all__ = ["Place", "area_of", "e164", "phonenumbers", "place_of", "zones_for_number"]

#: What phonenumbers says when it knows no zone for a number.
_UNKNOWN_ZONE = "Etc/Unknown"


def phonenumbers() -> ModuleType:
    """The ``phonenumbers`` module, or an ImportError saying which extra installs it."""
    try:
        import phonenumbers as module
    except ImportError as exc:
        raise ImportError(
            "calling windows, do-not-call lists and caller id pools need the phonenumbers "
            'package: pip install "plivo-async[campaigns]"'
        ) from exc
    return module


def _parse(number: str, region: str | None = None) -> Any:
    """A parsed, valid number; ValidationError naming it if it is not one."""
    pn = phonenumbers()
    text = str(number).strip()
    if region is None and not text.startswith("+"):
        text = "+" + text  # Plivo's form: the country code first, no "+"
    try:
        parsed = pn.parse(text, region)
    except pn.NumberParseException as exc:
        raise ValidationError.invalid("number", f"is not a phone number ({exc})", number) from None
    if not pn.is_valid_number(parsed):
        raise ValidationError.invalid("number", "is not a valid phone number", number)
    return parsed


@functools.lru_cache(maxsize=65_536)
def e164(number: str, region: str | None = None) -> str:
    """``number`` in E.164 (``+14155550100``); ``region`` (ISO 3166, e.g. ``"US"``) reads
    numbers written without a country code. ValidationError if it is not a valid number."""
    pn = phonenumbers()
    formatted: str = pn.format_number(_parse(number, region), pn.PhoneNumberFormat.E164)
    return formatted


@functools.lru_cache(maxsize=65_536)
def zones_for_number(number: str, region: str | None = None) -> tuple[str, ...]:
    """The IANA time zones the callee of ``number`` may be in (``phonenumbers.timezone``):
    one for most numbers, several when a prefix spans zones (a US toll-free number, a
    Russian mobile); ``()`` when unknown. The same function gives the report's "hour of
    the callee's day"."""
    parsed = _parse(number, region)
    from phonenumbers import timezone

    zones = timezone.time_zones_for_number(parsed)
    return tuple(zone for zone in zones if zone != _UNKNOWN_ZONE)


@attrs.frozen
class Place:
    """Where a number is: its country (ISO region, ``US``) and area code (``415``; ``""``
    when the numbering plan has none)."""

    country: str
    area: str


@functools.lru_cache(maxsize=65_536)
def place_of(number: str, region: str | None = None) -> Place:
    """Where a number is: its country and its area code (geographic where the numbering
    plan has one, else the national destination code: a mobile operator's prefix)."""
    pn = phonenumbers()
    parsed = _parse(number, region)
    country = pn.region_code_for_number(parsed) or f"+{parsed.country_code}"
    return Place(country, area_of(number, region))


def area_of(number: str, region: str | None = None) -> str:
    """The area code of a number (see :func:`place_of`)."""
    pn = phonenumbers()
    parsed = _parse(number, region)
    national = pn.national_significant_number(parsed)
    size = pn.length_of_geographical_area_code(parsed) or pn.length_of_national_destination_code(
        parsed
    )
    return str(national[:size])
