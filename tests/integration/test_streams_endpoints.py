"""Audio streams end to end: a stream exists after ``start_stream`` and ends as Plivo's do."""

from __future__ import annotations

import pytest

from plivo_async import AsyncPlivo, ResourceNotFoundError, ValidationError
from plivo_async.emulator import Emulator, ManualClock
from plivo_async.models.streams import StartStreamResponse, Stream

from .conftest import ANSWER_URL, FROM, number

WSS = "wss://stream.example.com/audio"


async def answered_call(client: AsyncPlivo, clock: ManualClock) -> str:
    response = await client.calls.create(from_=FROM, to=number(1), answer_url=ANSWER_URL)
    assert isinstance(response.request_uuid, str)
    clock.advance(3.0)
    return response.request_uuid


async def test_a_stream_exists_after_start_stream(
    client: AsyncPlivo, emu: Emulator, manual_clock: ManualClock
) -> None:
    call_uuid = await answered_call(client, manual_clock)
    started = await client.calls.start_stream(
        call_uuid,
        WSS,
        bidirectional=True,
        content_type="audio/x-l16;rate=16000",
        extra_headers={"tenant": "acme"},
        status_callback_url="https://example.com/stream-status",
    )
    assert isinstance(started, StartStreamResponse)
    assert started.message == "audio streaming started"
    stream_id = started.stream_id or ""
    manual_clock.advance(5.0)

    stream = await client.calls.get_stream(call_uuid, stream_id)
    assert isinstance(stream, Stream)
    assert (stream.status, stream.service_url, stream.audio_track, stream.bidirectional) == (
        "in-progress",
        WSS,
        "inbound",
        True,
    )
    assert stream.content_type == "audio/x-l16;rate=16000"
    [listed] = await client.calls.get_all_streams(call_uuid)
    assert listed.stream_id == stream_id
    assert [s.stream_id async for s in client.calls.iter_all_streams(call_uuid)] == [stream_id]
    body = emu.history.requests[1].body
    assert body is not None and body["extra_headers"] == "tenant=acme"


async def test_a_second_stream_to_the_same_url_is_refused(
    client: AsyncPlivo, manual_clock: ManualClock
) -> None:
    call_uuid = await answered_call(client, manual_clock)
    await client.calls.start_stream(call_uuid, WSS)
    with pytest.raises(ValidationError) as excinfo:
        await client.calls.start_stream(call_uuid, WSS)
    assert excinfo.value.status == 400
    await client.calls.start_stream(call_uuid, WSS + "/second")  # another URL is fine
    assert len(await client.calls.get_all_streams(call_uuid)) == 2


async def test_stop_one_then_all(client: AsyncPlivo, manual_clock: ManualClock) -> None:
    call_uuid = await answered_call(client, manual_clock)
    first = (await client.calls.start_stream(call_uuid, WSS)).stream_id or ""
    second = (await client.calls.start_stream(call_uuid, WSS + "/2")).stream_id or ""
    manual_clock.advance(2.0)
    await client.calls.delete_stream(call_uuid, first)
    assert (await client.calls.get_stream(call_uuid, first)).status == "stopped"
    assert (await client.calls.get_stream(call_uuid, second)).status == "in-progress"
    with pytest.raises(ResourceNotFoundError):
        await client.calls.delete_specific_stream(call_uuid, first)  # not running any more
    await client.calls.delete_all_streams(call_uuid)
    statuses = {s.stream_id: s.status for s in await client.calls.get_all_streams(call_uuid)}
    assert statuses == {first: "stopped", second: "stopped"}


async def test_streams_end_with_the_call_or_their_timeout(
    client: AsyncPlivo, manual_clock: ManualClock
) -> None:
    call_uuid = await answered_call(client, manual_clock)
    short = (await client.calls.start_stream(call_uuid, WSS, stream_timeout=5)).stream_id or ""
    long = (await client.calls.start_stream(call_uuid, WSS + "/2")).stream_id or ""
    manual_clock.advance(6.0)
    assert (await client.calls.get_stream(call_uuid, short)).bill_duration == 5
    assert (await client.calls.get_stream(call_uuid, long)).status == "in-progress"
    manual_clock.advance(60.0)  # the call has ended
    ended = await client.calls.get_stream(call_uuid, long)
    assert (ended.status, ended.bill_duration) == ("stopped", 30 - 1)


async def test_start_stream_on_an_unknown_call_is_a_not_found(client: AsyncPlivo) -> None:
    with pytest.raises(ResourceNotFoundError):
        await client.calls.start_stream("no-such-call", WSS)


async def test_stream_reads_and_stops_on_unknown_ids_are_not_found(
    client: AsyncPlivo, manual_clock: ManualClock
) -> None:
    call_uuid = await answered_call(client, manual_clock)
    with pytest.raises(ResourceNotFoundError):
        await client.calls.get_all_streams("no-such-call")
    with pytest.raises(ResourceNotFoundError):
        await client.calls.get_stream(call_uuid, "no-such-stream")
    with pytest.raises(ResourceNotFoundError):
        await client.calls.delete_stream(call_uuid, "no-such-stream")
    manual_clock.advance(60.0)
    with pytest.raises(ResourceNotFoundError):
        await client.calls.delete_all_streams(call_uuid)  # the call is over


async def test_bad_stream_input_never_reaches_the_emulator(
    client: AsyncPlivo, emu: Emulator
) -> None:
    with pytest.raises(ValidationError):
        await client.calls.start_stream("uuid", "https://not-a-websocket.example.com")
    assert emu.history.requests == []
