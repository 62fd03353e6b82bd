"""Numbers end to end: search, rent, list, point at an application, call from it."""

from __future__ import annotations

import pytest

from plivo_async import AsyncPlivo, OutcomeUnknownError, ResourceNotFoundError
from plivo_async.emulator import Emulator
from plivo_async.models.numbers import Number

from .conftest import ANSWER_URL, number


async def test_rent_a_number_and_call_from_it(client: AsyncPlivo, emu: Emulator) -> None:
    found = await client.numbers.search("US", type="local", region="CA", services="voice,sms")
    assert found.meta.total_count == 25 and len(found) == 20
    rented = found.objects[0].number or ""

    bought = await client.numbers.buy(rented)
    assert bought.status == "fulfilled" and bought.numbers[0].number == rented
    assert [n.number async for n in client.numbers] == [rented]
    mine = await client.numbers.get(rented)
    assert isinstance(mine, Number) and mine.app_id is None and mine.city == "SAN FRANCISCO"

    app = await client.applications.create("Support line", answer_url=ANSWER_URL)
    await client.numbers.update(int(rented), app_id=app.app_id, alias="Support")
    pointed = await client.numbers.get(rented)
    assert (pointed.app_id, pointed.alias) == (app.app_id, "Support")
    assert [n.number for n in await client.numbers.list(alias="Support")] == [rented]

    call = await client.calls.create(from_=rented, to=number(1), answer_url=ANSWER_URL)
    [placed] = emu.history.calls
    assert (placed.request_uuid, placed.from_) == (call.request_uuid, rented)

    # No longer rentable; released, it is again.
    again = [n.number async for n in client.numbers.iter_search("US", pattern=rented[1:])]
    assert again == []
    await client.numbers.delete(rented)
    with pytest.raises(ResourceNotFoundError):
        await client.numbers.get(rented)
    assert [n.number async for n in client.phone_numbers.iter_search("US", pattern=rented[1:])] == [
        rented
    ]


async def test_a_lost_answer_to_a_buy_is_not_retried(client: AsyncPlivo, emu: Emulator) -> None:
    """The emulator rents the number, then drops the connection: one POST, then the
    caller is told the outcome is unknown, and ``numbers.get`` tells what happened."""
    [candidate] = (await client.numbers.search("GB", type="mobile", limit=1)).objects
    emu.set_faults(schedule=["drop_after"])
    with pytest.raises(OutcomeUnknownError):
        await client.numbers.buy(candidate.number or "")
    emu.clear_faults()
    posts = [r for r in emu.history.requests if r.method == "POST"]
    assert len(posts) == 1
    assert (await client.numbers.get(candidate.number or "")).number == candidate.number


async def test_update_of_an_unknown_number_or_to_an_unknown_app_is_not_found(
    client: AsyncPlivo,
) -> None:
    with pytest.raises(ResourceNotFoundError):
        await client.numbers.update(14155550124, app_id=424242)  # not a number of ours
    await client.numbers.buy(14155550124)
    with pytest.raises(ResourceNotFoundError):
        await client.numbers.update(14155550124, app_id=424242)  # no such application


async def test_carrier_numbers_join_the_account(client: AsyncPlivo) -> None:
    await client.numbers.create(["12025550100", "12025550101"], "carrier-1", "DC")
    listed = [(n.number, n.carrier) async for n in client.numbers.iter_all(limit=1)]
    assert listed == [("12025550100", "carrier-1"), ("12025550101", "carrier-1")]
