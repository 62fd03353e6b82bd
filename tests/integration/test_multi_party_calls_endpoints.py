"""``client.multi_party_calls`` end to end against the emulator, with real state.

Adding participants dials them (the emulator records each call), the multi-party call
then has participants, recordings started show in ``get()``, and every method has an
error case.
"""

from __future__ import annotations

import pytest

from plivo_async import AsyncPlivo
from plivo_async.emulator import Emulator, ManualClock
from plivo_async.emulator.state import MultiPartyCallState
from plivo_async.errors import ResourceNotFoundError, ValidationError

from ..unit._resources_helpers import CountingLimiter
from .conftest import ANSWER_URL, FROM, client_for, number

NAME = "Support line 7"
NAMED = {"friendly_name": NAME}


async def test_participants_are_dialled_and_listed(client: AsyncPlivo, emu: Emulator) -> None:
    added = await client.multi_party_calls.add_participant(
        "agent", **NAMED, from_=FROM, to_=[number(1), number(2)], coach_mode=False
    )
    assert added.message == "add participant action initiated"
    assert [c.to for c in added.calls] == [number(1), number(2)]
    assert emu.dialled_counts() == {number(1): 1, number(2): 1}

    mpc = await client.multi_party_calls.get(**NAMED)
    assert (mpc.friendly_name, mpc.status, mpc.recording) == (NAME, "Active", "not-recording")
    assert mpc.mpc_uuid
    by_uuid = await client.multi_party_calls.get(uuid=mpc.mpc_uuid)
    assert by_uuid.mpc_uuid == mpc.mpc_uuid

    listing = await client.multi_party_calls.list_participants(uuid=mpc.mpc_uuid)
    assert [(p.role, p.coach_mode) for p in listing] == [("agent", False), ("agent", False)]
    assert {p.call_uuid for p in listing} == {c.call_uuid for c in added.calls}
    only = await client.multi_party_calls.list_participants(
        **NAMED, call_uuid=added.calls[0].call_uuid
    )
    assert [p.call_uuid for p in only] == [added.calls[0].call_uuid]
    ids = [p.member_id async for p in client.multi_party_calls.iter_participants(**NAMED)]
    assert ids == [p.member_id for p in listing]

    one = await client.multi_party_calls.get_participant(int(listing.objects[0].member_id), **NAMED)
    assert one.member_id == listing.objects[0].member_id and one.role == "agent"


async def test_an_existing_call_joins_without_dialling(
    client: AsyncPlivo, emu: Emulator, manual_clock: ManualClock
) -> None:
    created = await client.calls.create(from_=FROM, to=number(5), answer_url=ANSWER_URL)
    manual_clock.advance(3.0)
    await client.multi_party_calls.add_participant(
        "customer", **NAMED, call_uuid=created.request_uuids[0]
    )
    assert emu.dialled_counts() == {number(5): 1}  # only the call itself
    [participant] = await client.multi_party_calls.list_participants(**NAMED)
    assert (participant.call_uuid, participant.role) == (created.request_uuids[0], "customer")
    with pytest.raises(ResourceNotFoundError):
        await client.multi_party_calls.add_participant("customer", **NAMED, call_uuid="gone")


async def test_the_mpc_ends_when_its_participants_leave(
    client: AsyncPlivo, manual_clock: ManualClock
) -> None:
    await client.multi_party_calls.add_participant("agent", **NAMED, from_=FROM, to_=number(1))
    manual_clock.advance(2.0 + 30.0 + 1.0)  # answered, talked 30 s, hung up
    mpc = await client.multi_party_calls.get(**NAMED)
    assert (mpc.status, mpc.termination_cause_code) == ("Ended", 1000)
    [gone] = await client.multi_party_calls.list_participants(**NAMED)
    assert gone.exit_cause == "Participant Call Hangup" and gone.exit_time
    with pytest.raises(ResourceNotFoundError):  # an ended MPC takes no actions
        await client.multi_party_calls.start(**NAMED)


async def test_list_and_iter_all_page_through(client: AsyncPlivo) -> None:
    for i in range(3):
        await client.multi_party_calls.add_participant(
            "agent", friendly_name=f"room {i}", from_=FROM, to_=number(10 + i)
        )
    page = await client.multi_party_calls.list(limit=2)
    assert page.meta.count == 3 and len(page) == 2 and page.meta.next
    names = [m.friendly_name async for m in client.multi_party_calls.iter_all(limit=2)]
    assert sorted(names) == ["room 0", "room 1", "room 2"]
    active = await client.multi_party_calls.list(status="active", friendly_name="room 1")
    assert [m.friendly_name for m in active] == ["room 1"]
    assert [m async for m in client.multi_party_calls.iter_all(status="ended")] == []


async def test_start_stop_and_recording_state_show_in_the_api(
    client: AsyncPlivo, emu: Emulator
) -> None:
    await client.multi_party_calls.add_participant(
        "agent", **NAMED, from_=FROM, to_=number(1), start_mpc_on_enter=False
    )
    assert (await client.multi_party_calls.get(**NAMED)).status == "Initialized"
    started = await client.multi_party_calls.start(**NAMED)
    assert started.message == f"MPC: {NAME} started"
    assert (await client.multi_party_calls.get(**NAMED)).status == "Active"

    recording = await client.multi_party_calls.start_recording(**NAMED, file_format="wav")
    assert recording.recording_id and recording.recording_url
    assert recording.recording_url.endswith(".wav")
    assert (await client.multi_party_calls.get(**NAMED)).recording == "recording"
    await client.multi_party_calls.pause_recording(**NAMED)
    assert (await client.multi_party_calls.get(**NAMED)).recording == "paused"
    await client.multi_party_calls.resume_recording(**NAMED)
    assert (await client.multi_party_calls.get(**NAMED)).recording == "recording"
    await client.multi_party_calls.stop_recording(**NAMED)
    assert (await client.multi_party_calls.get(**NAMED)).recording == "not-recording"
    with pytest.raises(ValidationError):  # nothing to pause any more
        await client.multi_party_calls.pause_recording(**NAMED)

    [placed] = emu.calls
    await client.multi_party_calls.stop(**NAMED)
    mpc = await client.multi_party_calls.get(**NAMED)
    assert (mpc.status, mpc.termination_cause) == ("Ended", "Hangup API Triggered")
    assert placed.is_over(emu.clock())  # every participant was hung up


async def test_participant_actions(client: AsyncPlivo, emu: Emulator) -> None:
    await client.multi_party_calls.add_participant(
        "agent", **NAMED, from_=FROM, to_=[number(1), number(2)]
    )
    first, second = await client.multi_party_calls.list_participants(**NAMED)
    room = next(iter(emu.state(MultiPartyCallState).rooms.values()))

    updated = await client.multi_party_calls.update_participant(
        first.member_id, **NAMED, mute=True, coach_mode=True
    )
    assert isinstance(updated.message, dict) and set(updated.message) == {"mute", "coach_mode"}
    await client.multi_party_calls.update_participant("all", **NAMED, hold=True)
    got = await client.multi_party_calls.get_participant(first.member_id, **NAMED)
    assert (got.mute, got.hold, got.coach_mode) == (True, True, True)
    assert (await client.multi_party_calls.get_participant(second.member_id, **NAMED)).hold

    pid = int(first.member_id)
    rec = await client.multi_party_calls.start_participant_recording(pid, **NAMED)
    assert rec.recording_id and room.participants[first.member_id].recording == "recording"
    await client.multi_party_calls.pause_participant_recording(pid, **NAMED)
    assert room.participants[first.member_id].recording == "paused"
    await client.multi_party_calls.resume_participant_recording(pid, **NAMED)
    assert room.participants[first.member_id].recording == "recording"
    await client.multi_party_calls.stop_participant_recording(pid, **NAMED)
    assert room.participants[first.member_id].recording == "not-recording"

    played = await client.multi_party_calls.start_play_audio(
        pid, **NAMED, url="https://example.com/hold.mp3"
    )
    assert (played.member_ids, played.mpc_name) == ([first.member_id], NAME)
    assert room.participants[first.member_id].playing == "https://example.com/hold.mp3"
    await client.multi_party_calls.stop_play_audio(pid, **NAMED)
    assert room.participants[first.member_id].playing is None

    await client.multi_party_calls.kick_participant(second.member_id, **NAMED)
    kicked = await client.multi_party_calls.get_participant(second.member_id, **NAMED)
    assert kicked.exit_cause == "Kicked Out"
    assert emu.call(second.call_uuid or "").is_over(emu.clock())  # type: ignore[union-attr]


async def test_max_participants_is_enforced(client: AsyncPlivo, emu: Emulator) -> None:
    await client.multi_party_calls.add_participant(
        "agent", **NAMED, from_=FROM, to_=[number(1), number(2)], max_participants=2
    )
    with pytest.raises(ValidationError):
        await client.multi_party_calls.add_participant("agent", **NAMED, from_=FROM, to_=number(3))
    assert number(3) not in emu.dialled_counts()


async def test_add_participant_counts_against_calls_per_second(emu: Emulator) -> None:
    limiter = CountingLimiter()
    async with client_for(emu, calls_per_second=limiter) as client:
        await client.multi_party_calls.add_participant(
            "agent", **NAMED, from_=FROM, to_=[number(1), number(2), number(3)]
        )
        [joined] = emu.calls[:1]
        await client.multi_party_calls.update_participant("all", **NAMED, mute=True)
    assert limiter.taken == [3]  # one per destination; the update places nothing
    assert emu.dialled_counts() == {number(1): 1, number(2): 1, number(3): 1}
    assert joined.to == number(1)


MISSING = {"friendly_name": "no such room"}


@pytest.mark.parametrize(
    "call",
    [
        lambda c: c.multi_party_calls.get(**MISSING),
        lambda c: c.multi_party_calls.get(uuid="0000"),
        lambda c: c.multi_party_calls.add_participant(
            "agent", uuid="0000", from_=FROM, to_=number(1)
        ),
        lambda c: c.multi_party_calls.start(**MISSING),
        lambda c: c.multi_party_calls.stop(**MISSING),
        lambda c: c.multi_party_calls.start_recording(**MISSING),
        lambda c: c.multi_party_calls.stop_recording(**MISSING),
        lambda c: c.multi_party_calls.pause_recording(**MISSING),
        lambda c: c.multi_party_calls.resume_recording(**MISSING),
        lambda c: c.multi_party_calls.list_participants(**MISSING),
        lambda c: c.multi_party_calls.get_participant(999, **NAMED),
        lambda c: c.multi_party_calls.update_participant(999, **NAMED, mute=True),
        lambda c: c.multi_party_calls.kick_participant(999, **NAMED),
        lambda c: c.multi_party_calls.start_participant_recording(999, **NAMED),
        lambda c: c.multi_party_calls.stop_participant_recording(999, **NAMED),
        lambda c: c.multi_party_calls.pause_participant_recording(999, **NAMED),
        lambda c: c.multi_party_calls.resume_participant_recording(999, **NAMED),
        lambda c: c.multi_party_calls.start_play_audio(
            999, **NAMED, url="https://example.com/a.mp3"
        ),
        lambda c: c.multi_party_calls.stop_play_audio(999, **NAMED),
    ],
)
async def test_unknown_mpc_or_participant_is_a_404(client: AsyncPlivo, call: object) -> None:
    await client.multi_party_calls.add_participant("agent", **NAMED, from_=FROM, to_=number(1))
    with pytest.raises(ResourceNotFoundError):
        await call(client)  # type: ignore[operator]


async def test_list_refuses_a_bad_filter_with_a_400(client: AsyncPlivo, emu: Emulator) -> None:
    """Sent raw (the client would refuse it first): the emulator answers like Plivo."""
    path = f"/v1/Account/{emu.auth_id}/MultiPartyCall/"
    for query in ({"status": "gone"}, {"limit": "50"}, {"callback_url": "x"}):
        with pytest.raises(ValidationError) as info:
            await client.transport.request("GET", emu.url + path, params=query)
        assert info.value.status == 400
    bad_bodies = [
        ("Participant/", {"role": "boss", "from": FROM, "to": number(1)}),
        ("Participant/", {"role": "agent"}),
        ("Participant/", {"role": "customer", "from": FROM, "to": f"{number(1)}<{number(2)}"}),
        ("Participant/", {"role": "agent", "from": FROM, "to": number(1), "max_duration": 5}),
        ("Participant/", {"role": "agent", "from": FROM, "to": number(1), "ring_timeout": "1<2"}),
        ("Participant/", {"role": "agent", "from": FROM, "to": number(1), "confirm_key": "x"}),
        ("Participant/", {"role": "agent", "from": FROM, "to": number(1), "enter_sound": "x"}),
        (
            "Participant/",
            {"role": "agent", "from": FROM, "to": number(1), "status_callback_events": "all"},
        ),
        ("", {"status": "paused"}),
        ("Record/", {"file_format": "ogg"}),
    ]
    for suffix, body in bad_bodies:
        with pytest.raises(ValidationError) as info:
            await client.transport.request(
                "POST", f"{emu.url}{path}name_x/{suffix}", json=body, retry_unsafe=False
            )
        assert info.value.status == 400, (suffix, body)
    assert emu.dialled_counts() == {}
