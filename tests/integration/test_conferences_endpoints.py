"""``client.conferences`` end to end against the emulator, with real state.

Callers join a conference with XML, which the API cannot do: each test places real calls
through the client and joins them with the emulator's documented helper
(``ConferenceState.join``) or its control endpoint (``POST /__emulator__/Conference/...``).
A conference then exists while members are in it, and every method has an error case.
"""

from __future__ import annotations

import aiohttp
import pytest

from plivo_async import AsyncPlivo
from plivo_async.emulator import Emulator, ManualClock
from plivo_async.emulator.state import ConferenceState
from plivo_async.errors import ResourceNotFoundError, ValidationError

from .conftest import ANSWER_URL, FROM, number

ROOM = "My Conf Room"


def raw_http(emu: Emulator) -> aiohttp.ClientSession:
    """A plain session with the emulator's credentials, for what the client never sends."""
    auth = aiohttp.encode_basic_auth(emu.auth_id, emu.auth_token)
    return aiohttp.ClientSession(headers={"Authorization": auth})


async def join(
    client: AsyncPlivo, emu: Emulator, clock: ManualClock, room: str, n: int
) -> list[str]:
    """Place ``n`` calls, let them answer, join them into ``room``; their member ids."""
    uuids = []
    for i in range(n):
        created = await client.calls.create(from_=FROM, to=number(100 + i), answer_url=ANSWER_URL)
        uuids.append(created.request_uuids[0])
    clock.advance(3.0)  # every call answered (ring 2 s)
    confs = emu.state(ConferenceState)
    return [confs.join(room, emu.call(u), now=clock()).member_id for u in uuids]


async def test_a_conference_exists_while_members_are_in_it(
    client: AsyncPlivo, emu: Emulator, manual_clock: ManualClock
) -> None:
    assert list(await client.conferences.list()) == []
    first, second = await join(client, emu, manual_clock, ROOM, 2)
    assert [name async for name in client.conferences] == [ROOM]

    conf = await client.conferences.get(ROOM)
    assert conf.conference_name == ROOM and conf.conference_member_count == 2
    assert [m.member_id for m in conf.members] == [first, second]
    assert conf.members[0].to == number(100) and conf.members[0].from_ == FROM
    rec = emu.history.requests[-1]
    assert rec.path == f"/v1/Account/{emu.auth_id}/Conference/My Conf Room/"

    manual_clock.advance(31.0)  # the callees hang up after 30 s of talk
    assert list(await client.conferences.list()) == []
    with pytest.raises(ResourceNotFoundError):
        await client.conferences.get(ROOM)


async def test_hostile_names_stay_one_segment_end_to_end(
    client: AsyncPlivo, emu: Emulator, manual_clock: ManualClock
) -> None:
    names = ["../x", "a/b?c", "%2F", "x#y", "room 7"]
    for name in names:
        await join(client, emu, manual_clock, name, 1)
    for name in names:
        conf = await client.conferences.get(name)
        assert conf.conference_name == name
        await client.conferences.member_mute(name, "all")
    assert sorted(await client.conferences.list()) == sorted(names)
    rooms = emu.state(ConferenceState).rooms
    assert sorted(rooms) == sorted(names)
    assert all(m.muted for room in rooms.values() for m in room.members.values())


async def test_the_control_endpoint_joins_a_live_call(
    client: AsyncPlivo, emu: Emulator, manual_clock: ManualClock
) -> None:
    created = await client.calls.create(from_=FROM, to=number(300), answer_url=ANSWER_URL)
    manual_clock.advance(3.0)
    url = f"{emu.url}/__emulator__/Conference/{ROOM.replace(' ', '%20')}/Member/"
    async with raw_http(emu) as http:
        async with http.post(url, json={"call_uuid": created.request_uuids[0]}) as resp:
            assert resp.status == 201
            member = await resp.json()
        async with http.post(url, json={"call_uuid": "nope"}) as resp:
            assert resp.status == 404
    assert member["call_uuid"] == created.request_uuids[0]
    conf = await client.conferences.get(ROOM)
    assert [m.member_id for m in conf.members] == [member["member_id"]]


async def test_member_flags_and_media(
    client: AsyncPlivo, emu: Emulator, manual_clock: ManualClock
) -> None:
    first, second = await join(client, emu, manual_clock, ROOM, 2)
    confs = emu.state(ConferenceState)
    members = confs.rooms[ROOM].members

    said = await client.conferences.member_mute(ROOM, first)
    assert (said.message, said.member_id) == ("mute", first)
    await client.conferences.member_deaf(ROOM, [first, second])
    conf = await client.conferences.get(ROOM)
    assert [(m.muted, m.deaf) for m in conf.members] == [(True, True), (False, True)]
    await client.conferences.member_mute_stop(ROOM, first)
    await client.conferences.member_deaf_stop(ROOM, "all")
    conf = await client.conferences.get(ROOM)
    assert [(m.muted, m.deaf) for m in conf.members] == [(False, False), (False, False)]

    played = await client.conferences.member_play(ROOM, second, "https://example.com/a.mp3")
    assert played.message == "play queued into conference"
    assert members[second].playing == "https://example.com/a.mp3"
    await client.conferences.member_play_stop(ROOM, second)
    assert members[second].playing is None

    spoken = await client.conferences.member_speak(ROOM, "all", "Welcome", voice="WOMAN")
    assert (spoken.message, spoken.member_id) == ("speak queued into conference", "all")
    assert {m.speaking for m in members.values()} == {"Welcome"}
    await client.conferences.member_speak_stop(ROOM, "all")
    assert {m.speaking for m in members.values()} == {None}


async def test_kick_hangup_and_conference_hangup(
    client: AsyncPlivo, emu: Emulator, manual_clock: ManualClock
) -> None:
    first, second, third = await join(client, emu, manual_clock, ROOM, 3)
    kicked_call = emu.state(ConferenceState).rooms[ROOM].members[first].call
    await client.conferences.member_kick(ROOM, first)
    assert kicked_call.is_live(manual_clock())  # out of the conference, still on the call
    hung = await client.conferences.member_hangup(ROOM, second)
    assert hung.message == "hangup"
    assert [m.member_id for m in (await client.conferences.get(ROOM)).members] == [third]

    await client.conferences.delete(ROOM)
    assert list(await client.conferences.list()) == []

    await join(client, emu, manual_clock, "a", 1)
    await join(client, emu, manual_clock, "b", 1)
    await client.conferences.delete_all()
    assert list(await client.conferences.list()) == []


async def test_record_and_record_stop(
    client: AsyncPlivo, emu: Emulator, manual_clock: ManualClock
) -> None:
    await join(client, emu, manual_clock, ROOM, 1)
    started = await client.conferences.record(ROOM, file_format="wav")
    assert started.message == "conference recording started"
    assert started.url and started.url.endswith(f"{started.recording_id}.wav")
    room = emu.state(ConferenceState).rooms[ROOM]
    assert room.recording and room.recordings[0]["recording_id"] == started.recording_id
    await client.conferences.record_stop(ROOM)
    assert not room.recording
    with pytest.raises(ValidationError) as info:  # not recording any more: Plivo's 400
        await client.conferences.record_stop(ROOM)
    assert info.value.status == 400


@pytest.mark.parametrize(
    "call",
    [
        lambda c: c.conferences.get("nobody here"),
        lambda c: c.conferences.delete("nobody here"),
        lambda c: c.conferences.record("nobody here"),
        lambda c: c.conferences.record_stop("nobody here"),
        lambda c: c.conferences.member_mute(ROOM, "999"),
        lambda c: c.conferences.member_mute_stop(ROOM, "999"),
        lambda c: c.conferences.member_deaf(ROOM, "999"),
        lambda c: c.conferences.member_deaf_stop(ROOM, "1,999"),
        lambda c: c.conferences.member_kick(ROOM, "999"),
        lambda c: c.conferences.member_hangup(ROOM, "999"),
        lambda c: c.conferences.member_play(ROOM, "999", "https://example.com/a.mp3"),
        lambda c: c.conferences.member_play_stop("nobody here", "1"),
        lambda c: c.conferences.member_speak(ROOM, "999", "hi"),
        lambda c: c.conferences.member_speak_stop("nobody here", "1"),
    ],
)
async def test_unknown_conference_or_member_is_a_404(
    client: AsyncPlivo, emu: Emulator, manual_clock: ManualClock, call: object
) -> None:
    await join(client, emu, manual_clock, ROOM, 1)
    with pytest.raises(ResourceNotFoundError):
        await call(client)  # type: ignore[operator]


async def test_the_emulator_refuses_what_plivo_refuses(
    client: AsyncPlivo, emu: Emulator, manual_clock: ManualClock
) -> None:
    """Bodies the client would refuse, sent raw: the emulator answers 400 like Plivo."""
    await join(client, emu, manual_clock, ROOM, 1)
    base = f"/v1/Account/{emu.auth_id}/Conference/My%20Conf%20Room"
    cases = [
        ("POST", "/Member/1/Play/", {}),
        ("POST", "/Member/1/Play/", {"url": "ftp://x"}),
        ("POST", "/Member/1/Speak/", {}),
        ("POST", "/Record/", {"file_format": "ogg"}),
        ("POST", "/Record/", {"transcription_type": "manual"}),
        ("POST", "/Member/1/Mute/", {"callback_url": "nope"}),
        ("POST", "/Member/1/Deaf/", {"callback_method": "PUT"}),
    ]
    async with raw_http(emu) as http:
        for method, path, body in cases:
            async with http.request(method, emu.url + base + path, json=body) as resp:
                assert resp.status == 400, (path, body, await resp.text())
                assert (await resp.json())["error"]
