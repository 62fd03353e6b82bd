"""Voice prices: what ``GET Pricing/?country_iso=`` serves, and what calls are billed at.

One table per country: outbound per-minute rates by destination prefix, flat outbound
and inbound rates per kind of line, and the monthly rent of numbers. The defaults below
(US, CA, GB, IN, AU) are plausible, not Plivo's; ``Emulator(voice_prices={"US": {"1":
"0.02"}})`` replaces a country's outbound prefix rates (a country not listed is added).
A call is billed at the rate of the longest prefix, over every country, that its
destination starts with; a destination none matches (a SIP URI) costs nothing.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Any, TypeVar

__all__ = ["DEFAULT_PRICES", "CountryPrices", "PricingState", "VoicePrices"]

T = TypeVar("T")

VoicePrices = Mapping[str, Mapping[str, "str | Decimal"]]
"""``{country_iso: {prefix: per-minute rate}}``, e.g. ``{"US": {"1": "0.0120"}}``."""

_CANADA_AREA_CODES = [
    "204",
    "226",
    "236",
    "249",
    "250",
    "289",
    "306",
    "343",
    "365",
    "403",
    "416",
    "418",
    "431",
    "437",
    "438",
    "450",
    "506",
    "514",
    "519",
    "548",
    "579",
    "581",
    "587",
    "604",
    "613",
    "639",
    "647",
    "672",
    "705",
    "709",
    "742",
    "778",
    "780",
    "782",
    "807",
    "819",
    "825",
    "867",
    "873",
    "902",
    "905",
]


@dataclass(frozen=True, slots=True)
class CountryPrices:
    """One country's prices (``Decimal`` per minute; numbers per month)."""

    country: str
    country_code: int
    outbound: dict[str, Decimal]
    """Per-minute rate by destination prefix (international digits, no ``+``)."""
    outbound_local: Decimal = Decimal("0.01200")
    outbound_tollfree: Decimal = Decimal("0.00300")
    outbound_ip: Decimal = Decimal("0.00300")
    inbound_local: Decimal = Decimal("0.00850")
    inbound_tollfree: Decimal = Decimal("0.02100")
    inbound_ip: Decimal = Decimal("0.00300")
    number_local: Decimal = Decimal("0.80000")
    number_tollfree: Decimal = Decimal("1.00000")

    def view(self, country_iso: str) -> dict[str, Any]:
        """The shape of ``GET Pricing/?country_iso=`` (voice and numbers; no SMS)."""

        def rate(value: Decimal) -> dict[str, str]:
            return {"rate": f"{value:.5f}"}

        by_rate: dict[Decimal, list[str]] = {}
        for prefix, value in self.outbound.items():
            by_rate.setdefault(value, []).append(prefix)
        return {
            "country": self.country,
            "country_code": self.country_code,
            "country_iso": country_iso,
            "phone_numbers": {
                "local": rate(self.number_local),
                "tollfree": rate(self.number_tollfree),
            },
            "voice": {
                "inbound": {
                    "ip": rate(self.inbound_ip),
                    "local": rate(self.inbound_local),
                    "tollfree": rate(self.inbound_tollfree),
                },
                "outbound": {
                    "ip": rate(self.outbound_ip),
                    "local": rate(self.outbound_local),
                    "tollfree": rate(self.outbound_tollfree),
                    "rates": [
                        {"prefix": prefixes, **rate(value)} for value, prefixes in by_rate.items()
                    ],
                },
            },
        }


def _rates(table: Mapping[str, str]) -> dict[str, Decimal]:
    return {prefix: Decimal(value) for prefix, value in table.items()}


DEFAULT_PRICES: dict[str, CountryPrices] = {
    "US": CountryPrices(
        "United States",
        1,
        _rates(
            {"1": "0.01200", "1340": "0.02400", "1808": "0.03400", "1907": "0.17900"}
            | {"1900": "0.60300"}
        ),
    ),
    "CA": CountryPrices(
        "Canada", 1, {"1" + code: Decimal("0.01000") for code in _CANADA_AREA_CODES}
    ),
    "GB": CountryPrices(
        "United Kingdom",
        44,
        _rates({"44": "0.01500", "447": "0.03500"}),
        outbound_local=Decimal("0.01500"),
        inbound_local=Decimal("0.00500"),
        number_local=Decimal("1.20000"),
    ),
    "IN": CountryPrices(
        "India",
        91,
        _rates({"91": "0.03000"}),
        outbound_local=Decimal("0.03000"),
        number_local=Decimal("5.00000"),
    ),
    "AU": CountryPrices(
        "Australia",
        61,
        _rates({"61": "0.02800", "614": "0.06000"}),
        outbound_local=Decimal("0.02800"),
        number_local=Decimal("4.00000"),
    ),
}
"""The emulator's prices unless ``voice_prices`` says otherwise (made up, plausible)."""


def _longest(index: Mapping[str, T], number: str) -> T | None:
    """The value of ``number``'s longest prefix in ``index`` (``+`` optional), else None."""
    digits = number[1:] if number.startswith("+") else number
    if not (digits.isascii() and digits.isdigit()):
        return None
    for end in range(min(len(digits), 15), 0, -1):
        found = index.get(digits[:end])
        if found is not None:
            return found
    return None


def _parse(country_iso: str, table: Mapping[str, str | Decimal]) -> dict[str, Decimal]:
    """A caller's prefix table, checked where it is given (a typo is an error at once)."""
    if len(country_iso) != 2 or not country_iso.isascii() or not country_iso.isupper():
        raise ValueError(f"voice_prices: {country_iso!r} is not a country code like 'US'")
    rates: dict[str, Decimal] = {}
    for prefix, value in table.items():
        if not (prefix.isascii() and prefix.isdigit()):
            raise ValueError(f"voice_prices[{country_iso!r}]: prefix {prefix!r} is not digits")
        try:
            rate = Decimal(value)
        except (ArithmeticError, ValueError, TypeError):
            rate = Decimal("NaN")
        if not rate.is_finite() or rate < 0:
            raise ValueError(f"voice_prices[{country_iso!r}][{prefix!r}]: not a rate >= 0")
        rates[prefix] = rate
    if not rates:
        raise ValueError(f"voice_prices[{country_iso!r}]: no prefixes")
    return rates


@dataclass(slots=True)
class PricingState:
    """The emulator's price table (set when it is built; ``reset()`` keeps it)."""

    countries: dict[str, CountryPrices] = field(default_factory=lambda: dict(DEFAULT_PRICES))
    _by_prefix: dict[str, Decimal] = field(default_factory=dict, repr=False)
    _countries_by_prefix: dict[str, str] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        self.reindex()

    @classmethod
    def of(cls, voice_prices: VoicePrices | None) -> PricingState:
        """The defaults, with ``voice_prices`` replacing (or adding) countries' rates."""
        state = cls()
        for country_iso, table in (voice_prices or {}).items():
            rates = _parse(country_iso, table)
            known = state.countries.get(country_iso)
            if known is None:
                code = int(min(rates, key=len) or 0)
                state.countries[country_iso] = CountryPrices(country_iso, code, rates)
            else:
                state.countries[country_iso] = replace(known, outbound=rates)
        state.reindex()
        return state

    def reindex(self) -> None:
        """Rebuild the prefix index after :attr:`countries` was changed in place."""
        self._by_prefix = {}
        self._countries_by_prefix = {}
        for country_iso, prices in self.countries.items():
            for prefix, rate in prices.outbound.items():
                self._by_prefix[prefix] = max(rate, self._by_prefix.get(prefix, rate))
                self._countries_by_prefix.setdefault(prefix, country_iso)

    def outbound_rate(self, to: str) -> Decimal | None:
        """The per-minute rate of a call to ``to``: its longest priced prefix, else None."""
        return _longest(self._by_prefix, to)

    def country_of(self, number: str) -> str | None:
        """The country (ISO code) whose longest priced prefix ``number`` starts with."""
        return _longest(self._countries_by_prefix, number)

    def reset(self) -> None:
        """Prices are configuration, not state: nothing to forget."""
