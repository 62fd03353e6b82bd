"""``client.live_calls`` / ``client.queued_calls`` and the callback mode against the emulator."""

from __future__ import annotations

import pytest

from plivo_async import AsyncPlivo, ResourceNotFoundError
from plivo_async.emulator import Emulator, Lifecycle, ManualClock

from .conftest import ANSWER_URL, FROM, number


async def place(client: AsyncPlivo, to: str) -> str:
    response = await client.calls.create(from_=FROM, to=to, answer_url=ANSWER_URL)
    assert isinstance(response.request_uuid, str)
    return response.request_uuid


async def test_live_calls_view(
    client: AsyncPlivo, emu: Emulator, manual_clock: ManualClock
) -> None:
    uuids = [await place(client, number(i)) for i in range(3)]
    assert (await client.live_calls.list_ids()).calls == []  # still queued (10 s)
    manual_clock.advance(11)  # ringing now: live
    ids = await client.live_calls.list_ids()
    assert sorted(ids.calls) == sorted(uuids)
    assert sorted([u async for u in client.live_calls]) == sorted(uuids)
    live = await client.live_calls.get(uuids[0])
    assert (live.call_uuid, live.to) == (uuids[0], number(0).lstrip("+"))  # as Plivo shows it
    manual_clock.advance(60)  # every call is over
    assert (await client.live_calls.list_ids()).calls == []
    with pytest.raises(ResourceNotFoundError):
        await client.live_calls.get(uuids[0])


@pytest.fixture
def lifecycle() -> Lifecycle:
    """Calls wait 10 s in Plivo's queue first."""
    return Lifecycle(queued_s=10.0, ringing_s=2.0, talk_s=30.0)


async def test_queued_calls_view(
    client: AsyncPlivo, emu: Emulator, manual_clock: ManualClock
) -> None:
    uuid = await place(client, number(7))
    assert (await client.queued_calls.list_ids()).calls == [uuid]
    assert [u async for u in client.queued_calls.iter_all(limit=5)] == [uuid]
    assert (await client.queued_calls.get(uuid)).call_uuid == uuid
    manual_clock.advance(11)
    with pytest.raises(ResourceNotFoundError):
        await client.queued_calls.get(uuid)


async def test_the_callback_mode_reaches_the_api(
    client: AsyncPlivo, emu: Emulator, manual_clock: ManualClock
) -> None:
    # The create is acknowledged only (its answer goes to callback_url, which the emulator
    # calls only on loopback with callbacks=True); this checks the parameters arrive where
    # Plivo reads them.
    ack = await client.calls.create(
        from_=FROM,
        to=number(8),
        answer_url=ANSWER_URL,
        callback_url="https://example.com/async",
    )
    assert ack.message == "async api spawned" and ack.request_uuid is None
    request_uuid = emu.calls[-1].uuid
    body = emu.history.requests[-1].body
    assert body is not None and body["callback_url"] == "https://example.com/async"
    manual_clock.advance(11)
    await client.live_calls.get(request_uuid, callback_url="https://example.com/async")
    assert emu.history.requests[-1].query == {
        "status": "live",
        "callback_url": "https://example.com/async",
    }
    await client.calls.hangup(request_uuid, callback_url="https://example.com/async")
    rec = emu.history.requests[-1]
    assert (rec.method, rec.body) == ("DELETE", {"callback_url": "https://example.com/async"})
