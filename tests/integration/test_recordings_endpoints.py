"""Recordings and transcriptions end to end: the client against the emulator, with state.

A recording exists because ``calls.record`` made one; it lasts until its time limit, a
stop or the call's end on the emulator's clock; transcriptions exist once ordered.
"""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from plivo_async import AsyncPlivo, ResourceNotFoundError, ValidationError
from plivo_async.emulator import Emulator, ManualClock
from plivo_async.emulator.state import RecordingRecord, RecordingState
from plivo_async.models.recordings import Recording, Transcription

from .conftest import ANSWER_URL, FROM, number


async def answered_call(client: AsyncPlivo, clock: ManualClock, i: int = 1) -> str:
    response = await client.calls.create(from_=FROM, to=number(i), answer_url=ANSWER_URL)
    assert isinstance(response.request_uuid, str)
    clock.advance(3.0)  # rings 2 s, then in progress
    return response.request_uuid


async def test_a_recording_exists_after_record_and_lasts_until_stopped(
    client: AsyncPlivo, emu: Emulator, manual_clock: ManualClock
) -> None:
    call_uuid = await answered_call(client, manual_clock)
    started = await client.calls.record(call_uuid, file_format="wav", time_limit=120)
    assert started.recording_id
    manual_clock.advance(10.0)
    await client.calls.stop_recording(call_uuid)
    manual_clock.advance(5.0)

    rec = await client.recordings.get(started.recording_id)
    assert isinstance(rec, Recording)
    assert (rec.recording_id, rec.call_uuid, rec.recording_format) == (
        started.recording_id,
        call_uuid,
        "wav",
    )
    assert rec.recording_url == started.url
    assert rec.recording_duration_ms == "10000.00000"  # stopped after 10 s
    assert (rec.from_number, rec.to_number) == (FROM, number(1))


async def test_a_recording_ends_with_the_call(
    client: AsyncPlivo, manual_clock: ManualClock
) -> None:
    call_uuid = await answered_call(client, manual_clock)
    started = await client.calls.record(call_uuid)  # default time limit 60 s
    manual_clock.advance(100.0)  # the call talks 30 s and ends
    rec = await client.recordings.get(started.recording_id or "")
    assert rec.recording_duration_ms == "29000.00000"


async def test_record_on_an_unknown_call_is_a_not_found(client: AsyncPlivo) -> None:
    with pytest.raises(ResourceNotFoundError):
        await client.calls.record("no-such-call", transcription_report_type="verbose")


async def test_list_filters_and_iter_all_pages(
    client: AsyncPlivo, emu: Emulator, manual_clock: ManualClock
) -> None:
    calls = [await answered_call(client, manual_clock, i) for i in range(3)]
    ids = []
    for call_uuid in calls:
        for _ in range(2):
            ids.append((await client.calls.record(call_uuid)).recording_id)
            manual_clock.advance(1.0)
    page = await client.recordings.list(call_uuid=calls[1])
    assert [r.recording_id for r in page] == [ids[3], ids[2]]  # newest first
    assert page.meta.total_count == 2
    assert len(await client.recordings.list(limit=4)) == 4
    everything = [r.recording_id async for r in client.recordings.iter_all(limit=4)]
    assert everything == list(reversed(ids))
    assert [r.recording_id async for r in client.recordings] == list(reversed(ids))
    # two pages of four were asked for, following meta.next
    pages = [r.query for r in emu.history.requests if r.path.endswith("/Recording/")]
    assert {"limit": "4", "offset": "4"} in pages


async def test_list_by_add_time_and_to_number(
    client: AsyncPlivo, emu: Emulator, manual_clock: ManualClock
) -> None:
    early = await answered_call(client, manual_clock, 1)
    first = (await client.calls.record(early)).recording_id
    manual_clock.advance(3600.0)
    late = await answered_call(client, manual_clock, 2)
    second = (await client.calls.record(late)).recording_id
    cut = manual_clock() - 60.0
    newer = await client.recordings.list(add_time__gt=_utc(cut))
    older = await client.recordings.list(add_time__lte=_utc(cut))
    assert [r.recording_id for r in newer] == [second]
    assert [r.recording_id for r in older] == [first]
    by_number = await client.recordings.list(to_number=number(1))
    assert [r.recording_id for r in by_number] == [first]


def _utc(t: float) -> datetime:
    return datetime.fromtimestamp(t, timezone.utc)


async def test_list_refuses_a_bad_filter_without_asking(client: AsyncPlivo, emu: Emulator) -> None:
    with pytest.raises(ValidationError):
        await client.recordings.list(add_time__gt="last week")
    assert emu.history.requests == []


async def test_delete_removes_it_and_a_second_delete_is_a_not_found(
    client: AsyncPlivo, manual_clock: ManualClock
) -> None:
    call_uuid = await answered_call(client, manual_clock)
    recording_id = (await client.calls.record(call_uuid)).recording_id or ""
    await client.recordings.delete(recording_id)
    with pytest.raises(ResourceNotFoundError):
        await client.recordings.get(recording_id)
    with pytest.raises(ResourceNotFoundError):
        await client.recordings.delete(recording_id)


async def test_a_recording_a_test_added_is_listed(client: AsyncPlivo, emu: Emulator) -> None:
    """Recordings the Call API cannot make (a conference's) are added through the state."""
    emu.state(RecordingState).add(
        RecordingRecord(
            recording_id="conf-rec-1",
            url="https://media.plivo.com/conf-rec-1.mp3",
            started=1_700_000_000.0,
            until=1_700_000_030.0,
            recording_type="conference",
            extra={"conference_name": "Sales Standup"},
        )
    )
    page = await client.recordings.list(conference_name="Sales Standup")
    assert [(r.recording_id, r.recording_type) for r in page] == [("conf-rec-1", "conference")]


# -- transcriptions ---------------------------------------------------------------------------


async def test_transcription_lifecycle(client: AsyncPlivo, manual_clock: ManualClock) -> None:
    call_uuid = await answered_call(client, manual_clock)
    recording_id = (await client.calls.record(call_uuid)).recording_id or ""
    with pytest.raises(ResourceNotFoundError):
        await client.transcriptions.get_transcription(recording_id)  # none ordered yet
    ordered = await client.transcriptions.create_transcription(
        recording_id, "https://example.com/transcribed"
    )
    assert ordered.message == "transcription in progress"
    got = await client.transcriptions.get_transcription(recording_id)
    assert isinstance(got, Transcription)
    assert (got.recording_id, got.status) == (recording_id, "completed")
    assert got.transcription
    await client.transcriptions.delete_transcription(recording_id)
    with pytest.raises(ResourceNotFoundError):
        await client.transcriptions.delete_transcription(recording_id)


async def test_record_with_transcription_type_orders_one(
    client: AsyncPlivo, manual_clock: ManualClock
) -> None:
    call_uuid = await answered_call(client, manual_clock)
    recording_id = (
        await client.calls.record(
            call_uuid,
            transcription_type="auto",
            transcription_url="https://example.com/t",
            transcription_report_type="verbose",
        )
    ).recording_id
    got = await client.transcriptions.get(recording_id or "")
    assert got.call_uuid == call_uuid


async def test_transcribing_an_unknown_recording_is_a_not_found(client: AsyncPlivo) -> None:
    with pytest.raises(ResourceNotFoundError):
        await client.transcriptions.create_transcription("no-such-recording")
