"""Every ``client.verify_callerids`` method against the emulator, with an error case each."""

from __future__ import annotations

import pytest

from plivo_async import AsyncPlivo, ResourceNotFoundError, ValidationError
from plivo_async.emulator import Emulator
from plivo_async.emulator.state import VerifyCallerIdState

NUMBER = "+14155550123"


async def verify(client: AsyncPlivo, emu: Emulator, number: str = NUMBER, **kw: str) -> str:
    started = await client.verify_callerids.initiate_verify(number, **kw)
    assert started.verification_uuid is not None
    otp = emu.state(VerifyCallerIdState).otp_for(started.verification_uuid)
    await client.verify_callerids.verify_caller_id(started.verification_uuid, otp)
    return started.verification_uuid


async def test_initiate_then_verify(client: AsyncPlivo, emu: Emulator) -> None:
    started = await client.verify_callerids.initiate_verify(
        NUMBER, alias="desk", channel="call", country="us"
    )
    assert started.message is not None and NUMBER in started.message
    uuid = started.verification_uuid
    assert uuid is not None
    otp = emu.state(VerifyCallerIdState).otp_for(uuid)
    with pytest.raises(ValidationError) as err:  # a wrong code: Plivo's 400
        await client.verify_callerids.verify_caller_id(
            uuid, "000000" if otp != "000000" else "1111"
        )
    assert err.value.status == 400
    done = await client.verify_callerids.verify_caller_id(uuid, otp)
    assert (done.phone_number, done.alias, done.channel, done.country) == (
        NUMBER,
        "desk",
        "call",
        "US",
    )
    assert done.verification_uuid == uuid
    rec = emu.history.requests[-1]
    assert (rec.method, rec.path) == (
        "POST",
        f"/v1/Account/{emu.auth_id}/VerifiedCallerId/Verification/{uuid}/",
    )


async def test_initiate_refused_by_the_emulator(client: AsyncPlivo) -> None:
    with pytest.raises(ValidationError) as err:
        await client.transport.request(
            "POST", client.transport.api_base + "VerifiedCallerId/", json={"alias": "no number"}
        )
    assert err.value.status == 400


async def test_verify_an_unknown_verification(client: AsyncPlivo) -> None:
    with pytest.raises(ResourceNotFoundError):
        await client.verify_callerids.verify_caller_id("no-such-verification", "123456")


async def test_get_update_delete(client: AsyncPlivo, emu: Emulator) -> None:
    await verify(client, emu, alias="old")
    got = await client.verify_callerids.get_verified_caller_id(NUMBER)
    assert (got.phone_number, got.alias) == (NUMBER, "old")
    # The number went into the path as it is ("+" is allowed in a path segment).
    assert emu.history.requests[-1].path.endswith("/VerifiedCallerId/+14155550123/")
    updated = await client.verify_callerids.update_verified_caller_id(NUMBER, alias="new")
    assert updated.alias == "new"
    await client.verify_callerids.delete_verified_caller_id(NUMBER)
    for attempt in (
        client.verify_callerids.get_verified_caller_id(NUMBER),
        client.verify_callerids.update_verified_caller_id(NUMBER, alias="x"),
        client.verify_callerids.delete_verified_caller_id(NUMBER),
    ):
        with pytest.raises(ResourceNotFoundError):
            await attempt


async def test_list_and_iterate(client: AsyncPlivo, emu: Emulator) -> None:
    numbers = [f"+1415555{i:04d}" for i in range(5)]
    for i, n in enumerate(numbers):
        await verify(client, emu, n, country="US" if i % 2 else "IN")
    page = await client.verify_callerids.list_verified_caller_id(country="US")
    assert sorted(c.phone_number or "" for c in page) == [numbers[1], numbers[3]]
    every = [c.phone_number async for c in client.verify_callerids.iter_all(limit=2)]
    assert every == numbers[::-1]


async def test_list_refused_by_the_emulator(client: AsyncPlivo) -> None:
    with pytest.raises(ValidationError):
        await client.transport.request(
            "GET", client.transport.api_base + "VerifiedCallerId/", params={"offset": "-1"}
        )
