"""The account around the calls, end to end: credit, prices, and what a call costs."""

from __future__ import annotations

from decimal import Decimal

from plivo_async import AsyncPlivo
from plivo_async.emulator import Emulator, ManualClock

from .conftest import ANSWER_URL, FROM


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
