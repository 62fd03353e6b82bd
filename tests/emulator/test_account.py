"""``Account/{auth_id}/`` and ``Pricing/`` over raw HTTP: the credit, and what calls cost."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import aiohttp
import pytest

from plivo_async.emulator import Emulator, ManualClock, Script

from ._helpers import Api, auth_header, call_body, request_json


async def test_account_shape_and_default_credit(
    http: aiohttp.ClientSession, api: Api, emu: Emulator
) -> None:
    status, data = await request_json(http, "GET", f"{api.account}/")
    assert status == 200
    assert data["auth_id"] == emu.auth_id
    assert data["cash_credits"] == "100.00000"
    assert data["resource_uri"] == f"/v1/Account/{emu.auth_id}/"
    assert (data["billing_mode"], data["auto_recharge"]) == ("prepaid", False)


async def test_update_changes_the_details_and_needs_one(
    http: aiohttp.ClientSession, api: Api
) -> None:
    status, data = await request_json(http, "POST", f"{api.account}/", json={"city": "London"})
    assert (status, data["message"]) == (202, "changed")
    _, account = await request_json(http, "GET", f"{api.account}/")
    assert account["city"] == "London"
    status, data = await request_json(http, "POST", f"{api.account}/", json={"timezone": "UTC"})
    assert status == 400
    assert "name, city and address" in data["error"]


async def test_another_accounts_path_is_refused(http: aiohttp.ClientSession, emu: Emulator) -> None:
    status, _ = await request_json(http, "GET", f"{emu.url}/v1/Account/MAOTHER0000000000000/")
    assert status == 401


async def test_pricing_serves_the_default_countries(http: aiohttp.ClientSession, api: Api) -> None:
    for iso, code in (("US", 1), ("CA", 1), ("GB", 44), ("IN", 91), ("AU", 61)):
        status, data = await request_json(http, "GET", f"{api.account}/Pricing/?country_iso={iso}")
        assert status == 200, iso
        assert (data["country_iso"], data["country_code"]) == (iso, code)
        assert data["voice"]["outbound"]["rates"], iso
        assert data["voice"]["inbound"]["local"]["rate"]
    _, us = await request_json(http, "GET", f"{api.account}/Pricing/?country_iso=US")
    rates = {p: r["rate"] for r in us["voice"]["outbound"]["rates"] for p in r["prefix"]}
    assert rates["1"] == "0.01200"
    assert rates["1907"] == "0.17900"


@pytest.mark.parametrize(
    ("query", "status"),
    [("", 400), ("?country_iso=usa", 400), ("?country_iso=us", 400), ("?country_iso=ZZ", 404)],
)
async def test_pricing_refuses_what_plivo_refuses(
    http: aiohttp.ClientSession, api: Api, query: str, status: int
) -> None:
    got, data = await request_json(http, "GET", f"{api.account}/Pricing/{query}")
    assert got == status
    assert data["error"]


async def test_voice_prices_override_a_country_and_add_another() -> None:
    prices = {"US": {"1": "0.02", "1907": "0.5"}, "FR": {"33": "0.04", "336": "0.09"}}
    async with (
        Emulator(voice_prices=prices) as emu,
        aiohttp.ClientSession(headers=auth_header(emu.auth_id, emu.auth_token)) as http,
    ):
        api = Api(emu)
        _, us = await request_json(http, "GET", f"{api.account}/Pricing/?country_iso=US")
        rates = {p: r["rate"] for r in us["voice"]["outbound"]["rates"] for p in r["prefix"]}
        assert rates == {"1": "0.02000", "1907": "0.50000"}
        assert us["country"] == "United States"
        _, fr = await request_json(http, "GET", f"{api.account}/Pricing/?country_iso=FR")
        assert fr["country_code"] == 33


@pytest.mark.parametrize(
    "prices",
    [
        {"usa": {"1": "1"}},
        {"US": {"+1": "1"}},
        {"US": {"1": "cheap"}},
        {"US": {"1": "-1"}},
        {"US": {}},
    ],
)
def test_bad_voice_prices_fail_at_construction(prices: Any) -> None:
    with pytest.raises(ValueError, match="voice_prices"):
        Emulator(voice_prices=prices)


@pytest.mark.parametrize("credit", ["lots", "NaN", "Infinity"])
def test_bad_cash_credit_fails_at_construction(credit: str) -> None:
    with pytest.raises(ValueError, match="cash_credit"):
        Emulator(cash_credit=credit)


async def test_a_call_is_billed_when_it_ends_at_its_longest_prefix(
    manual_clock: ManualClock,
) -> None:
    """95 s answered to Alaska (1907): 2 billed minutes x 0.179, taken from the credit
    only once the call is over; the call record says the same."""
    async with (
        Emulator(
            clock=manual_clock, sleep=manual_clock.sleep, cash_credit="1000.00", seed=3
        ) as emu,
        aiohttp.ClientSession(headers=auth_header(emu.auth_id, emu.auth_token)) as http,
    ):
        api = Api(emu)
        emu.scripts["+19075550100"] = Script(ring_s=1.0, talk_s=95.0)
        status, created = await request_json(
            http, "POST", api.calls, json=call_body("+19075550100")
        )
        assert status == 201
        uuid = created["request_uuid"]
        manual_clock.advance(50.0)  # answered, still talking: nothing billed yet
        _, account = await request_json(http, "GET", f"{api.account}/")
        assert account["cash_credits"] == "1000.00000"
        manual_clock.advance(60.0)
        _, account = await request_json(http, "GET", f"{api.account}/")
        assert Decimal(account["cash_credits"]) == Decimal("1000") - 2 * Decimal("0.179")
        assert emu.cash_credit == Decimal("999.642")
        _, cdr = await request_json(http, "GET", api.call(uuid))
        assert (cdr["bill_duration"], cdr["billed_duration"]) == (95, 120)
        assert (cdr["total_rate"], cdr["total_amount"]) == ("0.17900", "0.35800")
        manual_clock.advance(600.0)  # billed once
        assert emu.cash_credit == Decimal("999.642")


async def test_unanswered_and_unpriced_calls_cost_nothing(
    http: aiohttp.ClientSession, api: Api, emu: Emulator, manual_clock: ManualClock
) -> None:
    emu.scripts["+14155550111"] = Script(answer="busy")
    for to in ("+14155550111", "sip:alice@example.com", "+999123456789"):
        status, _ = await request_json(http, "POST", api.calls, json=call_body(to))
        assert status == 201, to
    manual_clock.advance(3600.0)
    assert emu.cash_credit == Decimal("100")
    _, calls = await request_json(http, "GET", api.calls)
    assert {c["total_amount"] for c in calls["objects"]} == {"0.00000"}


async def test_reset_restores_the_credit(
    http: aiohttp.ClientSession, api: Api, emu: Emulator, manual_clock: ManualClock
) -> None:
    await request_json(http, "POST", api.calls, json=call_body("+14155550101"))
    manual_clock.advance(3600.0)
    assert emu.cash_credit == Decimal("100") - Decimal("0.012")
    emu.reset()
    assert emu.cash_credit == Decimal("100")
