"""The official ``plivo`` SDK's account, subaccount, pricing and lookup methods against the
emulator (in a worker thread): the emulator answers what the SDK sends, in shapes the SDK
reads, and agrees with this library about what it said."""

from __future__ import annotations

import asyncio
from decimal import Decimal
from typing import Any

import pytest

from plivo_async.emulator import Emulator

from .conftest import client_for
from .test_official_sdk import sdk_on as sdk_on

plivo = pytest.importorskip("plivo")
sdk_lookup = pytest.importorskip("plivo.resources.lookup")


async def test_the_sdks_account_and_pricing_calls(emu: Emulator, sdk_on: Any) -> None:
    sdk = sdk_on(emu)
    account = await asyncio.to_thread(sdk.account.get)
    assert account.auth_id == emu.auth_id
    assert Decimal(account.cash_credits) == emu.cash_credit
    changed = await asyncio.to_thread(sdk.account.update, name="Holmes", city="London")
    assert changed.message == "changed"
    pricing = await asyncio.to_thread(sdk.pricing.get, "GB")
    assert pricing.id == "GB"
    async with client_for(emu) as client:
        ours = await client.account.get()
        assert (ours.name, ours.city, ours.address) == ("Holmes", "London", "")
        ours_pricing = await client.pricing.get("GB")
    sdk_rate = pricing.voice.outbound.rates[0]
    assert ours_pricing.voice.outbound.rates[0].rate == Decimal(sdk_rate.rate)
    assert ours_pricing.voice.outbound.rates[0].prefix == list(sdk_rate.prefix)


async def test_the_sdks_subaccount_calls(emu: Emulator, sdk_on: Any) -> None:
    sdk = sdk_on(emu)
    created = await asyncio.to_thread(sdk.subaccounts.create, "Customer A", True)
    sub_id = created.auth_id
    got = await asyncio.to_thread(sdk.subaccounts.get, sub_id)
    assert (got.name, got.enabled, got.auth_token) == ("Customer A", True, created.auth_token)
    await asyncio.to_thread(sdk.subaccounts.update, sub_id, "Customer B", True)
    listing = await asyncio.to_thread(sdk.subaccounts.list)
    assert [s.auth_id for s in listing.objects] == [sub_id]
    async with client_for(emu) as client:
        assert (await client.subaccounts.get(sub_id)).name == "Customer B"
    await asyncio.to_thread(sdk.subaccounts.delete, sub_id, cascade=True)
    async with client_for(emu) as client:
        assert [s async for s in client.subaccounts] == []


async def test_the_sdks_lookup(emu: Emulator, sdk_on: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    sdk = sdk_on(emu)
    monkeypatch.setattr(sdk_lookup, "LOOKUP_API_ENDPOINT", f"{emu.lookup_url}/v1/Number")
    found = await asyncio.to_thread(sdk.lookup.get, "+447700900123")
    assert found.carrier.type == "mobile"
    with pytest.raises(plivo.exceptions.ResourceNotFoundError):
        await asyncio.to_thread(sdk.lookup.get, "+999123456789")
    async with client_for(emu, lookup_base_url=emu.lookup_url) as client:
        ours = await client.lookup.get("+447700900123")
    assert (ours.carrier.name, ours.format.national) == (found.carrier.name, found.format.national)
