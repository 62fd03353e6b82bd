"""The account around the calls, end to end: credit, prices, and what a call costs."""

from __future__ import annotations

from decimal import Decimal

import pytest

from plivo_async import AsyncPlivo, AuthenticationError, ResourceNotFoundError
from plivo_async.emulator import Emulator, ManualClock

from .conftest import ANSWER_URL, FROM, client_for


async def test_account_get_and_update(client: AsyncPlivo, emu: Emulator) -> None:
    account = await client.account.get()
    assert account.auth_id == emu.auth_id
    assert account.cash_credit == Decimal("100")
    await client.account.update(name="Baker Street", city="London")
    account = await client.account.get()
    assert (account.name, account.city) == ("Baker Street", "London")


async def test_a_call_costs_exactly_the_price_the_emulator_serves(
    client: AsyncPlivo, emu: Emulator, manual_clock: ManualClock
) -> None:
    """Ring 2 s, talk 30 s (the lifecycle): one billed minute at the destination's rate."""
    to = "+447700900123"
    before = (await client.account.get()).cash_credit
    rate = (await client.pricing.get("GB")).outbound_rate(to)
    assert rate == Decimal("0.03500")  # 447 (mobile) beats 44
    created = await client.calls.create(FROM, to, ANSWER_URL)
    manual_clock.advance(10.0)  # talking: not billed yet
    assert (await client.account.get()).cash_credit == before
    manual_clock.advance(60.0)
    after = (await client.account.get()).cash_credit
    assert before - after == rate * 1
    record = await client.calls.get(created.request_uuid or "")
    assert record.total_rate == f"{rate:.5f}"
    assert Decimal(record.total_amount or "") == before - after


async def test_subaccount_lifecycle_and_its_credentials(client: AsyncPlivo, emu: Emulator) -> None:
    created = await client.subaccounts.create("Customer A", enabled=True)
    assert created.auth_id and created.auth_token
    assert created.auth_token not in repr(created)
    sub = await client.subaccounts.get(created.auth_id)
    assert (sub.name, sub.enabled, sub.auth_token) == ("Customer A", True, created.auth_token)
    await client.subaccounts.update(created.auth_id, "Customer B")
    assert (await client.subaccounts.get(created.auth_id)).name == "Customer B"
    assert [s.auth_id async for s in client.subaccounts.iter_all(limit=1)] == [created.auth_id]

    async with client_for(emu, auth_id=created.auth_id, auth_token=created.auth_token) as sub_c:
        account = await sub_c.account.get()
        assert (account.auth_id, account.name) == (created.auth_id, "Customer B")
        placed = await sub_c.calls.create(FROM, "+14155550123", ANSWER_URL)
        assert placed.request_uuid
        await client.subaccounts.delete(created.auth_id, cascade=True)
        with pytest.raises(AuthenticationError):
            await sub_c.account.get()
    with pytest.raises(ResourceNotFoundError):
        await client.subaccounts.get(created.auth_id)


async def test_lookup_on_the_emulator(emu: Emulator) -> None:
    async with client_for(emu, lookup_base_url=emu.lookup_url) as c:
        found = await c.lookup.get("+447700900123")
        assert (found.country.iso2, found.carrier.type) == ("GB", "mobile")
        assert found.format.e164 == "+447700900123"
        with pytest.raises(ResourceNotFoundError):
            await c.lookup.get("+999123456789")


async def test_rent_a_number_call_from_it_and_pay_the_emulators_price(
    client: AsyncPlivo, emu: Emulator, manual_clock: ManualClock
) -> None:
    """The issue's end to end: buy a number, see it listed, point it at an application,
    place a call from it, and see the credit drop by exactly the price served."""
    [offer] = (await client.numbers.search("US", type="local", limit=1)).objects
    rented = offer.number or ""
    await client.numbers.buy(rented)
    assert [n.number async for n in client.numbers] == [rented]
    app = await client.applications.create("Campaign", answer_url=ANSWER_URL)
    await client.numbers.update(rented, app_id=app.app_id)
    assert (await client.numbers.get(rented)).app_id == app.app_id

    to = "+61412345678"  # an Australian mobile: prefix 614
    before = (await client.account.get()).cash_credit
    rate = (await client.pricing.get("AU")).outbound_rate(to)
    assert rate is not None
    await client.calls.create(rented, to, ANSWER_URL)
    manual_clock.advance(3600.0)  # rings 2 s, talks 30 s: one billed minute
    assert before - (await client.account.get()).cash_credit == rate
