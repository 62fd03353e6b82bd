"""Number lookup: what ``GET /v1/Number/{number}`` answers, derived from the number.

The same number always gets the same answer: its country is the one whose longest price
prefix it starts with (``state/pricing.py``: US, CA, GB, IN, AU unless changed), its line
type follows the country's mobile ranges where they are plain (GB ``447``, AU ``614``,
US toll-free codes) and a hash of the number elsewhere (mostly mobile, some landline,
some voip), and so do its made-up carrier and porting. A number of no known country, or
of the wrong length (``+1`` and 10 digits; else 8 to 15 digits), is invalid: Plivo's 404.
Set :attr:`LookupState.numbers` to answer a number your own way.
"""

from __future__ import annotations

import zlib
from typing import Any

from .pricing import PricingState

__all__ = ["LookupState"]

_ISO3 = {"US": "USA", "CA": "CAN", "GB": "GBR", "IN": "IND", "AU": "AUS"}
_MCC = {"US": "310", "CA": "302", "GB": "234", "IN": "404", "AU": "505"}
_MOBILE_PREFIXES = {"GB": ("447",), "AU": ("614",)}
_TOLLFREE = tuple(f"1{code}" for code in ("800", "833", "844", "855", "866", "877", "888"))


class LookupState:
    """Answers set by a test (``numbers["+14155550100"] = {...}``) before the derived ones."""

    def __init__(self) -> None:
        self.numbers: dict[str, dict[str, Any]] = {}

    def answer(self, number: str, prices: PricingState) -> dict[str, Any] | None:
        """The lookup of ``number`` (``type=carrier``), or None if it is not valid."""
        if number in self.numbers:
            return self.numbers[number]
        digits = number[1:] if number.startswith("+") else number
        country_iso = prices.country_of(digits)
        if country_iso is None:
            return None
        prices_of = prices.countries[country_iso]
        code = str(prices_of.country_code)
        if not (len(digits) == 11 if code == "1" else 8 <= len(digits) <= 15):
            return None
        line = _line_type(country_iso, digits)
        mark = zlib.crc32(digits.encode())
        e164 = "+" + digits
        return {
            "phone_number": e164,
            "country": {
                "name": prices_of.country,
                "iso2": country_iso,
                "iso3": _ISO3.get(country_iso, country_iso),
            },
            "format": _formats(code, digits[len(code) :]),
            "carrier": {
                "mobile_country_code": _MCC.get(country_iso, ""),
                "mobile_network_code": f"{mark % 100:02d}",
                "name": f"Emulated {line.title()} {'ABC'[mark // 100 % 3]}",
                "type": line,
                "ported": "yes" if mark % 7 == 0 else "no",
            },
            "resource_uri": f"/v1/Number/{e164}?type=carrier",
        }

    def reset(self) -> None:
        self.numbers.clear()


def _line_type(country_iso: str, digits: str) -> str:
    if digits.startswith(_TOLLFREE):
        return "tollfree"
    mobile = _MOBILE_PREFIXES.get(country_iso)
    if mobile is not None:
        return "mobile" if digits.startswith(mobile) else "landline"
    bucket = zlib.crc32(digits.encode(), 1) % 10
    return "mobile" if bucket < 6 else "landline" if bucket < 9 else "voip"


def _formats(code: str, national: str) -> dict[str, str]:
    if code == "1":  # North America: (415) 430-5555
        area, exchange, line = national[:3], national[3:6], national[6:]
        return {
            "e164": f"+1{national}",
            "national": f"({area}) {exchange}-{line}",
            "international": f"+1 {area}-{exchange}-{line}",
            "rfc3966": f"tel:+1-{area}-{exchange}-{line}",
        }
    return {
        "e164": f"+{code}{national}",
        "national": f"0{national}",
        "international": f"+{code} {national}",
        "rfc3966": f"tel:+{code}-{national}",
    }
