"""Every Call API method of the client against the emulator, over loopback.

Each test asserts the typed response the user gets *and* what the emulator recorded
(the request it received, the call it placed, the state it changed), so a client that
sends the wrong path, verb or body fails here even if it parses the answer fine.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import pytest

from plivo_async import AsyncPlivo, CreateCallResponse, ResourceNotFoundError
from plivo_async.emulator import Emulator, Lifecycle, ManualClock
from plivo_async.models import (
    ActionResponse,
    CallDetails,
    CallListResponse,
    LiveCall,
    LiveCallIds,
    QueuedCall,
    QueuedCallIds,
    RecordResponse,
)

from .conftest import ANSWER_URL, FROM, number


async def place(client: AsyncPlivo, to: str) -> str:
    response = await client.calls.create(from_=FROM, to=to, answer_url=ANSWER_URL)
    assert isinstance(response.request_uuid, str)
    return response.request_uuid


def last_request(emu: Emulator) -> tuple[str, str, dict[str, object] | None]:
    rec = emu.history.requests[-1]
    return rec.method, rec.path, rec.body


# -- placing calls -------------------------------------------------------------------------


async def test_create_one_call(client: AsyncPlivo, emu: Emulator) -> None:
    response = await client.calls.create(
        from_=FROM,
        to=number(1),
        answer_url=ANSWER_URL,
        caller_name="Integration",
        time_limit=600,
        sip_headers={"campaign": "spring"},
    )
    assert isinstance(response, CreateCallResponse)
    assert response.message == "call fired"
    assert isinstance(response.request_uuid, str)
    assert response.api_id
    assert response.request_uuids == [response.request_uuid]
    # The emulator placed exactly this call, to this destination, from one POST.
    [call] = emu.history.calls
    assert (call.uuid, call.to, call.from_, call.source) == (
        response.request_uuid,
        number(1),
        FROM,
        "api",
    )
    method, path, body = last_request(emu)
    assert (method, path) == ("POST", f"/v1/Account/{emu.auth_id}/Call/")
    assert body == {
        "from": FROM,
        "to": number(1),
        "answer_url": ANSWER_URL,
        "caller_name": "Integration",
        "time_limit": 600,
        "sip_headers": "campaign=spring",
    }
    assert emu.history.requests[-1].status == 201
    assert emu.dialled_counts() == {number(1): 1}


@pytest.mark.parametrize("as_list", [False, True], ids=["lt-separated", "list"])
async def test_create_bulk_destinations(client: AsyncPlivo, emu: Emulator, as_list: bool) -> None:
    destinations = [number(10), number(11), "sip:alice@example.com"]
    to = destinations if as_list else "<".join(destinations)
    response = await client.calls.create(from_=FROM, to=to, answer_url=ANSWER_URL)
    assert isinstance(response.request_uuid, list)
    assert len(response.request_uuids) == 3
    # One request, three calls, one per destination, in order, with the returned uuids.
    assert len(emu.history.requests) == 1
    assert emu.history.requests[0].body is not None
    assert emu.history.requests[0].body["to"] == "<".join(destinations)
    assert [c.to for c in emu.history.calls] == destinations
    assert [c.uuid for c in emu.history.calls] == response.request_uuids
    assert emu.duplicates() == {}


# -- call records --------------------------------------------------------------------------


async def test_get_follows_the_call_lifecycle(
    client: AsyncPlivo, emu: Emulator, manual_clock: ManualClock
) -> None:
    uuid = await place(client, number(2))
    details = await client.calls.get(uuid)
    assert isinstance(details, CallDetails)
    assert (details.call_uuid, details.to_number, details.from_number) == (uuid, number(2), FROM)
    assert details.call_status == "ringing"
    assert details.end_time is None
    manual_clock.advance(2.0 + 30.0 + 1.0)  # ring 2 s, talk 30 s: the callee hung up
    done = await client.calls.get(uuid)
    assert done.call_status == "completed"
    assert done.call_duration == 30
    assert done.billed_duration == 60
    assert done.hangup_cause_code == 4000
    assert done.hangup_source == "Callee"
    assert done.raw["request_uuid"] == uuid
    assert last_request(emu)[:2] == ("GET", f"/v1/Account/{emu.auth_id}/Call/{uuid}/")


async def test_list_one_page(client: AsyncPlivo, emu: Emulator) -> None:
    uuids = [await place(client, number(20 + i)) for i in range(5)]
    page = await client.calls.list(limit=2, offset=1)
    assert isinstance(page, CallListResponse)
    assert page.meta.total_count == 5
    assert page.meta.limit == 2
    assert page.meta.next is not None
    assert page.meta.previous is not None
    assert len(page) == 2
    assert all(isinstance(call, CallDetails) for call in page)
    # Newest first, as Plivo lists them; offset 1 skips the newest.
    assert [c.call_uuid for c in page] == [uuids[3], uuids[2]]
    assert emu.history.requests[-1].query == {"limit": "2", "offset": "1"}

    filtered = await client.calls.list(to_number=number(21))
    assert [c.call_uuid for c in filtered] == [uuids[1]]


async def test_iter_all_follows_every_page(client: AsyncPlivo, emu: Emulator) -> None:
    response = await client.calls.create(
        from_=FROM, to=[number(100 + i) for i in range(23)], answer_url=ANSWER_URL
    )
    placed = set(response.request_uuids)
    assert len(placed) == 23
    emu.reset_history()

    seen = [call.call_uuid async for call in client.calls.iter_all(limit=10)]
    assert len(seen) == 23
    assert set(seen) == placed
    offsets = [r.query.get("offset") for r in emu.history.requests]
    assert offsets == ["0", "10", "20"]

    emu.reset_history()
    everything = [call.call_uuid async for call in client.calls]  # default page size 20
    assert set(everything) == placed
    assert [r.query.get("offset") for r in emu.history.requests] == ["0", "20"]


# -- live and queued calls -----------------------------------------------------------------


async def test_live_lookups(client: AsyncPlivo, emu: Emulator) -> None:
    first = await place(client, number(30))
    second = await place(client, number(31))
    live = await client.calls.get_live(first)
    assert isinstance(live, LiveCall)
    assert (live.call_uuid, live.call_status) == (first, "ringing")
    assert live.to == number(30).lstrip("+")
    assert emu.history.requests[-1].query == {"status": "live"}

    ids = await client.calls.list_live()
    assert isinstance(ids, LiveCallIds)
    assert set(ids.calls) == {first, second}
    only = await client.calls.list_live(to_number=number(31))
    assert only.calls == [second]
    # The SDK's names for the same lookups.
    assert (await client.calls.live_call_get(second)).call_uuid == second
    assert set((await client.calls.live_call_list_ids()).calls) == {first, second}


@pytest.mark.parametrize("lifecycle", [Lifecycle(queued_s=10.0)], ids=["queued-10s"])
async def test_queued_lookups_and_cancel(
    client: AsyncPlivo, emu: Emulator, manual_clock: ManualClock
) -> None:
    first = await place(client, number(40))
    second = await place(client, number(41))
    queued = await client.calls.get_queued(first)
    assert isinstance(queued, QueuedCall)
    assert (queued.call_uuid, queued.call_status) == (first, "queued")
    ids = await client.calls.list_queued()
    assert isinstance(ids, QueuedCallIds)
    assert set(ids.calls) == {first, second}
    assert (await client.calls.queued_call_list_ids()).calls == ids.calls
    # A queued call is not live yet.
    with pytest.raises(ResourceNotFoundError):
        await client.calls.get_live(first)

    cancelled = await client.calls.cancel(first)
    assert isinstance(cancelled, ActionResponse)
    assert cancelled.raw == {}  # 204 No Content
    rec = emu.history.requests[-1]
    assert (rec.method, rec.path, rec.status) == (
        "DELETE",
        f"/v1/Account/{emu.auth_id}/Request/{first}/",
        204,
    )
    state = emu.call(first)
    assert state is not None
    assert state.status(manual_clock()) == "cancel"
    assert (await client.calls.list_queued()).calls == [second]
    manual_clock.advance(10.0)  # the other call leaves the queue and rings
    assert (await client.calls.get_live(second)).call_status == "ringing"
    with pytest.raises(ResourceNotFoundError):
        await client.calls.cancel(second)  # no longer queued


# -- acting on a call in progress ----------------------------------------------------------


async def test_update_transfers_the_call(client: AsyncPlivo, emu: Emulator) -> None:
    uuid = await place(client, number(50))
    response = await client.calls.update(
        uuid, legs="aleg", aleg_url="https://example.com/next", aleg_method="get"
    )
    assert isinstance(response, ActionResponse)
    assert response.message == "call transferred"
    assert response.api_id
    again = await client.calls.transfer(uuid, legs="both", aleg_url=ANSWER_URL, bleg_url=ANSWER_URL)
    assert again.message == "call transferred"
    state = emu.call(uuid)
    assert state is not None
    transfers = state.events["transfers"]
    assert [t["legs"] for t in transfers] == ["aleg", "both"]
    assert transfers[0]["aleg_method"] == "GET"
    assert last_request(emu)[:2] == ("POST", f"/v1/Account/{emu.auth_id}/Call/{uuid}/")


async def test_hangup(client: AsyncPlivo, emu: Emulator, manual_clock: ManualClock) -> None:
    uuid = await place(client, number(51))
    manual_clock.advance(5.0)  # answered
    response = await client.calls.hangup(uuid)
    assert isinstance(response, ActionResponse)
    assert response.raw == {}
    details = await client.calls.get(uuid)
    assert details.call_status == "completed"
    assert details.hangup_source == "API Request"
    assert details.call_duration == 3
    with pytest.raises(ResourceNotFoundError):
        await client.calls.delete(uuid)  # already over: the emulator answers 404


async def test_record_start_and_stop(client: AsyncPlivo, emu: Emulator) -> None:
    uuid = await place(client, number(52))
    started = await client.calls.record(uuid, time_limit=60, file_format="wav")
    assert isinstance(started, RecordResponse)
    assert started.message == "call recording started"
    assert started.recording_id
    assert started.url is not None and started.url.endswith(f"{started.recording_id}.wav")
    state = emu.call(uuid)
    assert state is not None
    assert state.events["recordings"] == [started.recording_id]
    assert emu.history.requests[-1].body == {"time_limit": 60, "file_format": "wav"}

    stopped = await client.calls.stop_recording(uuid)
    assert isinstance(stopped, ActionResponse)
    rec = emu.history.requests[-1]
    assert (rec.method, rec.path, rec.status) == (
        "DELETE",
        f"/v1/Account/{emu.auth_id}/Call/{uuid}/Record/",
        204,
    )


async def test_play_start_and_stop(client: AsyncPlivo, emu: Emulator) -> None:
    uuid = await place(client, number(53))
    urls = ["https://example.com/a.mp3", "https://example.com/b.wav"]
    started = await client.calls.play(uuid, urls, legs="both", loop=True)
    assert isinstance(started, ActionResponse)
    assert started.message == "play started"
    state = emu.call(uuid)
    assert state is not None
    assert state.events["play"] == [{"urls": ",".join(urls), "legs": "both", "loop": True}]
    stopped = await client.calls.stop_playing(uuid)
    assert isinstance(stopped, ActionResponse)
    rec = emu.history.requests[-1]
    assert (rec.method, rec.path, rec.status) == (
        "DELETE",
        f"/v1/Account/{emu.auth_id}/Call/{uuid}/Play/",
        204,
    )


async def test_speak_start_and_stop(client: AsyncPlivo, emu: Emulator) -> None:
    uuid = await place(client, number(54))
    started = await client.calls.speak(uuid, "Hello from the loopback", voice="WOMAN", legs="aleg")
    assert isinstance(started, ActionResponse)
    assert started.message == "speak started"
    state = emu.call(uuid)
    assert state is not None
    assert state.events["speak"] == [
        {"text": "Hello from the loopback", "voice": "WOMAN", "legs": "aleg"}
    ]
    stopped = await client.calls.stop_speaking(uuid)
    assert isinstance(stopped, ActionResponse)
    rec = emu.history.requests[-1]
    assert (rec.method, rec.path, rec.status) == (
        "DELETE",
        f"/v1/Account/{emu.auth_id}/Call/{uuid}/Speak/",
        204,
    )


async def test_send_digits(client: AsyncPlivo, emu: Emulator) -> None:
    uuid = await place(client, number(55))
    response = await client.calls.send_digits(uuid, "12w34#", leg="aleg")
    assert isinstance(response, ActionResponse)
    assert response.message == "digits sent"
    state = emu.call(uuid)
    assert state is not None
    assert state.events["dtmf"] == ["12w34#"]
    method, path, body = last_request(emu)
    assert (method, path, body) == (
        "POST",
        f"/v1/Account/{emu.auth_id}/Call/{uuid}/DTMF/",
        {"digits": "12w34#", "leg": "aleg"},
    )


async def test_in_call_actions_on_a_finished_call_are_404(
    client: AsyncPlivo, manual_clock: ManualClock
) -> None:
    uuid = await place(client, number(56))
    manual_clock.advance(100.0)
    actions: tuple[Callable[[], Awaitable[object]], ...] = (
        lambda: client.calls.send_digits(uuid, "1"),
        lambda: client.calls.speak(uuid, "too late"),
        lambda: client.calls.update(uuid, legs="aleg", aleg_url=ANSWER_URL),
    )
    for action in actions:
        with pytest.raises(ResourceNotFoundError) as info:
            await action()
        assert info.value.status == 404
        assert info.value.api_id
