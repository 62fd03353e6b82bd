"""Phone numbers: the state behind ``routes/numbers.py``.

Plivo's inventory of rentable numbers is a fixed table of :class:`Block` s (a country, an
area code, a type, 25 numbers each), the same for every emulator, so a search is
reproducible; the numbers come from the ranges the numbering plans keep for fiction and
drama (US and Canada ``555-01xx``, the UK's Ofcom ranges, Australia's ``5550``), never
someone's phone. A number bought (``POST PhoneNumber/{n}/``) or added from a carrier
(``POST Number/``) becomes one of the account's :class:`OwnedNumber` s; a rented number
released (``DELETE Number/{n}/``) is rentable again.

Tests may add numbers to the account directly: ``emu.state(NumberState).add(...)``.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

__all__ = ["INVENTORY", "Block", "NumberState", "OwnedNumber", "Rentable"]


@dataclass(frozen=True, slots=True)
class Block:
    """``count`` rentable numbers: ``calling_code + prefix + exchange + index``."""

    country_iso: str
    country: str
    calling_code: str
    prefix: str
    exchange: str
    type: str  # fixed, mobile or tollfree
    sub_type: str  # local, national, mobile or tollfree
    region: str
    region_code: str
    city: str | None = None
    rate_center: str | None = None
    lata: int | None = None
    monthly_rental_rate: str = "0.80000"
    voice_rate: str = "0.00850"
    sms: bool = True
    mms: bool = False
    start: int = 100
    count: int = 25

    def numbers(self) -> Iterator[str]:
        width = 4 if self.calling_code == "1" else 3
        for i in range(self.start, self.start + self.count):
            yield f"{self.calling_code}{self.prefix}{self.exchange}{i:0{width}d}"


_US = ("US", "UNITED STATES", "1")
_CA = ("CA", "CANADA", "1")
_GB = ("GB", "UNITED KINGDOM", "44")
_AU = ("AU", "AUSTRALIA", "61")

#: Every rentable number of the emulator, block by block.
INVENTORY: tuple[Block, ...] = (
    Block(*_US, "415", "555", "fixed", "local", "California", "CA", "SAN FRANCISCO",
          "SNFC CNTRL", 722, mms=True),
    Block(*_US, "212", "555", "fixed", "local", "New York", "NY", "NEW YORK",
          "NWYRCYZN01", 132, mms=True),
    Block(*_US, "512", "555", "fixed", "local", "Texas", "TX", "AUSTIN", "AUSTIN", 558,
          mms=True),
    Block(*_US, "888", "555", "tollfree", "tollfree", "United States", "US",
          monthly_rental_rate="1.00000", voice_rate="0.02200", sms=False),
    Block(*_CA, "416", "555", "fixed", "local", "Ontario", "ON", "TORONTO", "TORONTO",
          888),
    Block(*_GB, "20", "79460", "fixed", "local", "London", "LND", "LONDON",
          monthly_rental_rate="1.00000", sms=False, start=0),
    Block(*_GB, "161", "4960", "fixed", "local", "Manchester", "MAN", "MANCHESTER",
          monthly_rental_rate="1.00000", sms=False, start=0),
    Block(*_GB, "7700", "900", "mobile", "mobile", "United Kingdom", "GB",
          monthly_rental_rate="2.50000", start=0),
    Block(*_GB, "808", "1570", "tollfree", "tollfree", "United Kingdom", "GB",
          monthly_rental_rate="5.00000", voice_rate="0.03000", sms=False, start=0),
    Block(*_AU, "2", "55500", "fixed", "national", "New South Wales", "NSW", "SYDNEY",
          monthly_rental_rate="3.00000", sms=False, start=0),
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class Rentable:
    """One number of the inventory."""

    number: str
    block: Block

    @property
    def national(self) -> str:
        """The number after its country code."""
        return self.number[len(self.block.calling_code) :]

    def view(self, auth_id: str) -> dict[str, Any]:
        """The shape of one object of ``GET PhoneNumber/``."""
        b = self.block
        return {
            "number": self.number,
            "prefix": b.prefix,
            "type": b.type,
            "sub_type": b.sub_type,
            "country": b.country,
            "region": f"{b.region}, {b.country}" if b.type != "tollfree" else b.country,
            "city": b.city,
            "rate_center": b.rate_center,
            "lata": b.lata,
            "setup_rate": "0.00000",
            "monthly_rental_rate": b.monthly_rental_rate,
            "voice_enabled": True,
            "voice_rate": b.voice_rate,
            "sms_enabled": b.sms,
            "sms_rate": "0.00800" if b.sms else "0.00000",
            "mms_enabled": b.mms,
            "mms_rate": "0.01800" if b.mms else "0.00000",
            "restriction": None,
            "restriction_text": None,
            "resource_uri": f"/v1/Account/{auth_id}/PhoneNumber/{self.number}/",
        }


def _date(t: float, months: int = 0) -> str:
    """``YYYY-MM-DD`` of ``t`` (UTC), ``months`` later (the day clamped to 28)."""
    tm = time.gmtime(t)
    month = tm.tm_mon - 1 + months
    return f"{tm.tm_year + month // 12:04d}-{month % 12 + 1:02d}-{min(tm.tm_mday, 28):02d}"


@dataclass(slots=True)
class OwnedNumber:
    """One of the account's numbers: rented (``block`` set) or from a carrier."""

    number: str
    added_at: float
    block: Block | None = None
    carrier: str = "Plivo"
    region: str = ""
    number_type: str = "local"
    app_id: str | None = None
    alias: str | None = None
    sub_account: str | None = None
    cnam_lookup: str = "disabled"
    settings: dict[str, Any] = field(default_factory=dict)

    @property
    def services(self) -> frozenset[str]:
        b = self.block
        if b is None:
            return frozenset({"voice"})
        return frozenset({"voice", *(["sms"] if b.sms else []), *(["mms"] if b.mms else [])})

    def view(self, auth_id: str) -> dict[str, Any]:
        """The shape of ``GET Number/{number}/``."""
        account = f"/v1/Account/{auth_id}"
        b = self.block
        services = self.services
        return {
            "number": self.number,
            "alias": self.alias,
            "active": True,
            "added_on": _date(self.added_at),
            "renewal_date": _date(self.added_at, months=1),
            "application": f"{account}/Application/{self.app_id}/" if self.app_id else None,
            "carrier": self.carrier,
            "number_type": self.number_type,
            "city": b.city if b else None,
            "country": b.country if b else None,
            "region": f"{b.region}, {b.country}" if b else self.region,
            "sub_account": self.sub_account,
            "monthly_rental_rate": b.monthly_rental_rate if b else "0.00000",
            "voice_enabled": True,
            "voice_rate": b.voice_rate if b else "0.00000",
            "sms_enabled": "sms" in services,
            "sms_rate": "0.00800" if "sms" in services else "0.00000",
            "mms_enabled": "mms" in services,
            "mms_rate": "0.01800" if "mms" in services else "0.00000",
            "cnam_lookup": self.cnam_lookup,
            "compliance_application_id": None,
            "compliance_status": None,
            "tendlc_campaign_id": None,
            "tendlc_registration_status": "UNREGISTERED" if b and b.calling_code == "1" else None,
            "toll_free_sms_verification": None,
            "resource_uri": f"{account}/Number/{self.number}/",
            **self.settings,
        }


_RENTABLE: dict[str, Rentable] = {
    number: Rentable(number, block) for block in INVENTORY for number in block.numbers()
}


class NumberState:
    """The account's numbers, by number, in the order they were added."""

    def __init__(self) -> None:
        self.owned: dict[str, OwnedNumber] = {}

    def rentable(self, country_iso: str) -> list[Rentable]:
        """The numbers of ``country_iso`` nobody rented, in inventory order."""
        return [
            r
            for r in _RENTABLE.values()
            if r.block.country_iso == country_iso and r.number not in self.owned
        ]

    def find_rentable(self, number: str) -> Rentable | None:
        """``number`` if it is in the inventory and not rented."""
        if number in self.owned:
            return None
        return _RENTABLE.get(number)

    def add(self, number: str, now: float, **fields: Any) -> OwnedNumber:
        """Make ``number`` one of the account's (rented if it is in the inventory)."""
        rentable = _RENTABLE.get(number)
        if rentable is not None and "block" not in fields:
            b = rentable.block
            fields = {"block": b, "number_type": b.sub_type, **fields}
        owned = OwnedNumber(number=number, added_at=now, **fields)
        self.owned[number] = owned
        return owned

    def reset(self) -> None:
        self.owned.clear()
