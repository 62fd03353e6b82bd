"""``client.multi_party_calls``: every endpoint's method, path and body, rules and answers."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from aioresponses import aioresponses

from plivo_async._convert import structure_response
from plivo_async.client import AsyncPlivo
from plivo_async.errors import OutcomeUnknownError, ValidationError
from plivo_async.models.multi_party_calls import (
    AddParticipantRequest,
    AddParticipantResponse,
    MultiPartyCallActionResponse,
    MultiPartyCallDetails,
    MultiPartyCallListResponse,
    MultiPartyCallPlayAudioResponse,
    MultiPartyCallRecordingResponse,
    Participant,
    ParticipantListResponse,
)
from plivo_async.retry import RetryPolicy

from ._resources_helpers import (
    API,
    AUTH_ID,
    AUTH_TOKEN,
    CountingLimiter,
    client_fixture,  # noqa: F401 - the "client" fixture
    mocked_fixture,  # noqa: F401 - the "mocked" fixture
    no_sleep,
    sent,
)
from ._voice_helpers import check_request

FIXTURES = Path(__file__).parent.parent / "fixtures" / "multi_party_calls"
UUID = "1b2c3d4e-1f30-11ef-a1b2-0242ac110002"
BY_UUID = f"{API}MultiPartyCall/uuid_{UUID}/"
BY_NAME = f"{API}MultiPartyCall/name_Support%20line%207/"
CB = {"callback_url": "https://example.com/cb", "callback_method": "POST"}
FROM = "+14155550100"
TO = "+14155550111"


def fixture(name: str) -> Any:
    return json.loads((FIXTURES / name).read_text())


Call = Callable[[AsyncPlivo], Awaitable[Any]]
MPC = {"uuid": UUID}
NAMED = {"friendly_name": "Support line 7"}

CASES: list[tuple[str, Call, str, str, dict[str, Any] | None, type]] = [
    (
        "list",
        lambda c: c.multi_party_calls.list(status="Active", limit=5),
        "GET",
        API + "MultiPartyCall/",
        {"status": "active", "limit": "5"},
        MultiPartyCallListResponse,
    ),
    ("get", lambda c: c.multi_party_calls.get(**MPC), "GET", BY_UUID, None, MultiPartyCallDetails),
    (
        "get_by_name",
        lambda c: c.multi_party_calls.get(**NAMED, **CB),
        "GET",
        BY_NAME,
        CB,
        MultiPartyCallDetails,
    ),
    (
        "add_participant",
        lambda c: c.multi_party_calls.add_participant(
            "Agent", **NAMED, from_=FROM, to_=TO, max_duration=600, coach_mode=False
        ),
        "POST",
        BY_NAME + "Participant/",
        {"role": "agent", "from": FROM, "to": TO, "max_duration": 600, "coach_mode": False},
        AddParticipantResponse,
    ),
    (
        "add_existing_call",
        lambda c: c.multi_party_calls.add_participant("customer", **MPC, call_uuid="c-1"),
        "POST",
        BY_UUID + "Participant/",
        {"role": "customer", "call_uuid": "c-1"},
        AddParticipantResponse,
    ),
    (
        "start",
        lambda c: c.multi_party_calls.start(**MPC),
        "POST",
        BY_UUID,
        {"status": "active"},
        MultiPartyCallActionResponse,
    ),
    (
        "start_cb",
        lambda c: c.multi_party_calls.start(**NAMED, **CB),
        "POST",
        BY_NAME,
        {"status": "active", **CB},
        MultiPartyCallActionResponse,
    ),
    (
        "stop",
        lambda c: c.multi_party_calls.stop(**MPC),
        "DELETE",
        BY_UUID,
        None,
        MultiPartyCallActionResponse,
    ),
    (
        "start_recording",
        lambda c: c.multi_party_calls.start_recording(
            **MPC,
            file_format="WAV",
            recording_callback_url="https://example.com/r",
            recording_callback_method="get",
            transcript=True,
            transcription_url="https://example.com/t",
        ),
        "POST",
        BY_UUID + "Record/",
        {
            "file_format": "wav",
            "recording_callback_url": "https://example.com/r",
            "recording_callback_method": "GET",
            "transcript": True,
            "transcription_url": "https://example.com/t",
        },
        MultiPartyCallRecordingResponse,
    ),
    (
        "stop_recording",
        lambda c: c.multi_party_calls.stop_recording(**MPC),
        "DELETE",
        BY_UUID + "Record/",
        None,
        MultiPartyCallActionResponse,
    ),
    (
        "pause_recording",
        lambda c: c.multi_party_calls.pause_recording(**MPC, **CB),
        "POST",
        BY_UUID + "Record/Pause/",
        CB,
        MultiPartyCallActionResponse,
    ),
    (
        "resume_recording",
        lambda c: c.multi_party_calls.resume_recording(**MPC),
        "POST",
        BY_UUID + "Record/Resume/",
        None,
        MultiPartyCallActionResponse,
    ),
    (
        "list_participants",
        lambda c: c.multi_party_calls.list_participants(**MPC, call_uuid="c-1"),
        "GET",
        BY_UUID + "Participant/",
        {"call_uuid": "c-1"},
        ParticipantListResponse,
    ),
    (
        "get_participant",
        lambda c: c.multi_party_calls.get_participant(10, **MPC),
        "GET",
        BY_UUID + "Participant/10/",
        None,
        Participant,
    ),
    (
        "update_participant",
        lambda c: c.multi_party_calls.update_participant(
            "10", **MPC, mute=True, hold=False, coach_mode=True
        ),
        "POST",
        BY_UUID + "Participant/10/",
        {"mute": True, "hold": False, "coach_mode": True},
        MultiPartyCallActionResponse,
    ),
    (
        "update_all",
        lambda c: c.multi_party_calls.update_participant("all", **MPC, mute=True),
        "POST",
        BY_UUID + "Participant/all/",
        {"mute": True},
        MultiPartyCallActionResponse,
    ),
    (
        "kick_participant",
        lambda c: c.multi_party_calls.kick_participant(10, **MPC),
        "DELETE",
        BY_UUID + "Participant/10/",
        None,
        MultiPartyCallActionResponse,
    ),
    (
        "start_participant_recording",
        lambda c: c.multi_party_calls.start_participant_recording(
            10, **MPC, file_format="mp3", record_track_type="inbound"
        ),
        "POST",
        BY_UUID + "Participant/10/Record/",
        {"file_format": "mp3", "record_track_type": "inbound"},
        MultiPartyCallRecordingResponse,
    ),
    (
        "stop_participant_recording",
        lambda c: c.multi_party_calls.stop_participant_recording(
            10, **MPC, record_track_type="all"
        ),
        "DELETE",
        BY_UUID + "Participant/10/Record/",
        {"record_track_type": "all"},
        MultiPartyCallActionResponse,
    ),
    (
        "pause_participant_recording",
        lambda c: c.multi_party_calls.pause_participant_recording(10, **MPC),
        "POST",
        BY_UUID + "Participant/10/Record/Pause/",
        None,
        MultiPartyCallActionResponse,
    ),
    (
        "resume_participant_recording",
        lambda c: c.multi_party_calls.resume_participant_recording(10, **NAMED, **CB),
        "POST",
        BY_NAME + "Participant/10/Record/Resume/",
        CB,
        MultiPartyCallActionResponse,
    ),
    (
        "start_play_audio",
        lambda c: c.multi_party_calls.start_play_audio(10, **MPC, url="https://example.com/a.mp3"),
        "POST",
        BY_UUID + "Member/10/Play/",
        {"url": "https://example.com/a.mp3"},
        MultiPartyCallPlayAudioResponse,
    ),
    (
        "stop_play_audio",
        lambda c: c.multi_party_calls.stop_play_audio(10, **MPC),
        "DELETE",
        BY_UUID + "Member/10/Play/",
        None,
        MultiPartyCallActionResponse,
    ),
]


@pytest.mark.parametrize(
    ("call", "method", "url", "body", "response"),
    [case[1:] for case in CASES],
    ids=[case[0] for case in CASES],
)
async def test_each_method_sends_its_method_path_and_body(
    client: AsyncPlivo,
    mocked: aioresponses,
    call: Call,
    method: str,
    url: str,
    body: dict[str, Any] | None,
    response: type,
) -> None:
    await check_request(client, mocked, call, method, url, body, response)


@pytest.mark.parametrize(
    ("name", "encoded"),
    [
        ("My MPC", "name_My%20MPC"),
        ("../x", "name_..%2Fx"),
        ("a/b?c", "name_a%2Fb%3Fc"),
        ("%2F", "name_%252F"),
    ],
)
async def test_a_hostile_friendly_name_stays_one_path_segment(
    client: AsyncPlivo, mocked: aioresponses, name: str, encoded: str
) -> None:
    url = f"{API}MultiPartyCall/{encoded}/Participant/all/"
    mocked.delete(url, status=204)
    await client.multi_party_calls.kick_participant("all", friendly_name=name)
    [(_method, got, _kwargs)] = sent(mocked)
    assert got.raw_path == f"/v1/Account/{AUTH_ID}/MultiPartyCall/{encoded}/Participant/all/"


ADD: dict[str, Any] = {"friendly_name": "m", "from_": FROM, "to_": TO}


@pytest.mark.parametrize(
    ("call", "field"),
    [
        # addressing the multi-party call
        (lambda c: c.multi_party_calls.get(), "uuid"),
        (lambda c: c.multi_party_calls.get(uuid=UUID, friendly_name="x"), "uuid"),
        (lambda c: c.multi_party_calls.stop(uuid=7), "uuid"),
        (lambda c: c.multi_party_calls.start(friendly_name="a\x00b"), "mpc_id"),
        (lambda c: c.multi_party_calls.get_participant("", **MPC), "participant_id"),
        (lambda c: c.multi_party_calls.kick_participant("..", **MPC), "participant_id"),
        (lambda c: c.multi_party_calls.stop_play_audio(None, **MPC), "participant_id"),
        # add_participant: every rule the SDK checks
        (lambda c: c.multi_party_calls.add_participant("boss", **ADD), "role"),
        (lambda c: c.multi_party_calls.add_participant("agent", friendly_name="m"), "call_uuid"),
        (lambda c: c.multi_party_calls.add_participant("agent", **ADD, call_uuid="c"), "call_uuid"),
        (
            lambda c: c.multi_party_calls.add_participant("agent", friendly_name="m", to_=TO),
            "from_",
        ),
        (
            lambda c: c.multi_party_calls.add_participant("agent", friendly_name="m", from_=FROM),
            "to_",
        ),
        (
            lambda c: c.multi_party_calls.add_participant(
                "customer", friendly_name="m", from_=FROM, to_=[TO, "+14155550112"]
            ),
            "to_",
        ),
        (
            lambda c: c.multi_party_calls.add_participant(
                "agent", friendly_name="m", from_=FROM, to_=[f"+1415555{i:04d}" for i in range(21)]
            ),
            "to_",
        ),
        (
            lambda c: c.multi_party_calls.add_participant(
                "agent", friendly_name="m", from_="12ab", to_=TO
            ),
            "from_",
        ),
        (
            lambda c: c.multi_party_calls.add_participant(
                "agent", friendly_name="m", from_=FROM, to_="not a number"
            ),
            "to_",
        ),
        (
            lambda c: c.multi_party_calls.add_participant("agent", **ADD, ring_timeout="30<40"),
            "ring_timeout",
        ),
        (
            lambda c: c.multi_party_calls.add_participant("agent", **ADD, ring_timeout="x"),
            "ring_timeout",
        ),
        (
            lambda c: c.multi_party_calls.add_participant("agent", **ADD, delay_dial="1<2"),
            "delay_dial",
        ),
        (
            lambda c: c.multi_party_calls.add_participant("agent", **ADD, caller_name="x" * 51),
            "caller_name",
        ),
        (
            lambda c: c.multi_party_calls.add_participant("agent", **ADD, confirm_key="A"),
            "confirm_key",
        ),
        (
            lambda c: c.multi_party_calls.add_participant("agent", **ADD, dial_music="loud"),
            "dial_music",
        ),
        (
            lambda c: c.multi_party_calls.add_participant("agent", **ADD, max_duration=299),
            "max_duration",
        ),
        (
            lambda c: c.multi_party_calls.add_participant("agent", **ADD, max_duration=28801),
            "max_duration",
        ),
        (
            lambda c: c.multi_party_calls.add_participant("agent", **ADD, max_participants=11),
            "max_participants",
        ),
        (
            lambda c: c.multi_party_calls.add_participant("agent", **ADD, max_participants=1),
            "max_participants",
        ),
        (
            lambda c: c.multi_party_calls.add_participant(
                "agent", **ADD, record_min_member_count=3
            ),
            "record_min_member_count",
        ),
        (
            lambda c: c.multi_party_calls.add_participant("agent", **ADD, wait_music_url="x"),
            "wait_music_url",
        ),
        (
            lambda c: c.multi_party_calls.add_participant(
                "agent", **ADD, agent_hold_music_method="PUT"
            ),
            "agent_hold_music_method",
        ),
        (lambda c: c.multi_party_calls.add_participant("agent", **ADD, record="yes"), "record"),
        (
            lambda c: c.multi_party_calls.add_participant("agent", **ADD, record_file_format="ogg"),
            "record_file_format",
        ),
        (
            lambda c: c.multi_party_calls.add_participant(
                "agent", **ADD, status_callback_events="mpc-state-changes,everything"
            ),
            "status_callback_events",
        ),
        (
            lambda c: c.multi_party_calls.add_participant("agent", **ADD, enter_sound="beep:3"),
            "enter_sound",
        ),
        (
            lambda c: c.multi_party_calls.add_participant("agent", **ADD, exit_sound="honk"),
            "exit_sound",
        ),
        (
            lambda c: c.multi_party_calls.add_participant("agent", **ADD, send_digits="12x"),
            "send_digits",
        ),
        (
            lambda c: c.multi_party_calls.add_participant("agent", **ADD, sip_headers={"a-b": "c"}),
            "sip_headers",
        ),
        (
            lambda c: c.multi_party_calls.add_participant("agent", **ADD, unknown_option=1),
            "unknown_option",
        ),
        # the other write operations
        (lambda c: c.multi_party_calls.update_participant(10, **MPC), "coach_mode"),
        (
            lambda c: c.multi_party_calls.update_participant("ALL", **MPC, coach_mode=True),
            "coach_mode",
        ),
        (lambda c: c.multi_party_calls.update_participant(10, **MPC, mute="maybe"), "mute"),
        (lambda c: c.multi_party_calls.start_recording(**MPC, file_format="ogg"), "file_format"),
        (
            lambda c: c.multi_party_calls.start_participant_recording(
                10, **MPC, recording_callback_method="PUT"
            ),
            "recording_callback_method",
        ),
        (lambda c: c.multi_party_calls.start_play_audio(10, **MPC, url="ftp://x"), "url"),
        (lambda c: c.multi_party_calls.list(status="gone"), "status"),
        (lambda c: c.multi_party_calls.list(limit=21), "limit"),
        (lambda c: c.multi_party_calls.list(offset=-1), "offset"),
        (lambda c: c.multi_party_calls.list(sub_account="SA1"), "sub_account"),
        (lambda c: c.multi_party_calls.list(creation_time__gt="yesterday"), "creation_time__gt"),
        (lambda c: c.multi_party_calls.list(colour="red"), "colour"),
        (lambda c: c.multi_party_calls.pause_recording(**MPC, callback_url="nope"), "callback_url"),
    ],
)
async def test_bad_input_is_refused_before_sending(
    client: AsyncPlivo, mocked: aioresponses, call: Call, field: str
) -> None:
    with pytest.raises(ValidationError) as info:
        await call(client)
    assert info.value.field == field
    assert sent(mocked) == []


def test_add_participant_accepts_what_the_sdk_accepts() -> None:
    request = AddParticipantRequest(
        role="Agent",
        from_=FROM,
        to_=[TO, "sip:ada@phone.plivo.com"],
        ring_timeout=[30, 40],
        delay_dial="0<5",
        dial_music="Real",
        enter_sound="https://example.com/in.mp3",
        exit_sound="none",
        status_callback_events="MPC-State-Changes,participant-speak-events",
        sip_headers={"k": "v"},
        confirm_key="#",
    )
    assert request.role == "agent"
    assert AddParticipantRequest(role="AI-Agent", call_uuid="c").role == "ai-agent"
    assert request.to_ == f"{TO}<sip:ada@phone.plivo.com"
    assert request.ring_timeout == "30<40"
    assert request.status_callback_events == "mpc-state-changes,participant-speak-events"
    assert request.sip_headers == "k=v"
    assert request.calls == 2
    existing = AddParticipantRequest(role="agent", call_uuid="c-1")
    assert existing.calls == 0


async def test_add_participant_counts_each_destination_against_calls_per_second(
    mocked: aioresponses,
) -> None:
    limiter = CountingLimiter()
    async with AsyncPlivo(
        AUTH_ID, AUTH_TOKEN, calls_per_second=limiter, retry=RetryPolicy(max_attempts=1)
    ) as client:
        mocked.post(BY_UUID + "Participant/", payload={"api_id": "a"}, repeat=True)
        await client.multi_party_calls.add_participant(
            "agent", uuid=UUID, from_=FROM, to_=[TO, "+14155550112"]
        )
        await client.multi_party_calls.add_participant("agent", uuid=UUID, call_uuid="c-1")
    assert limiter.taken == [2]


async def test_add_participant_is_never_resent_after_an_ambiguous_failure(
    mocked: aioresponses,
) -> None:
    async with AsyncPlivo(
        AUTH_ID, AUTH_TOKEN, retry=RetryPolicy(max_attempts=5, sleep=no_sleep)
    ) as client:
        mocked.post(BY_UUID + "Participant/", status=502, repeat=True)
        with pytest.raises(OutcomeUnknownError):
            await client.multi_party_calls.add_participant("agent", uuid=UUID, from_=FROM, to_=TO)
    assert len(sent(mocked)) == 1


async def test_state_setting_actions_are_retried(mocked: aioresponses) -> None:
    async with AsyncPlivo(
        AUTH_ID, AUTH_TOKEN, retry=RetryPolicy(max_attempts=2, sleep=no_sleep)
    ) as client:
        for url in (BY_UUID + "Participant/10/", BY_UUID + "Record/Pause/", BY_UUID):
            mocked.post(url, status=500)
            mocked.post(url, payload={"api_id": "ok"})
        await client.multi_party_calls.update_participant(10, uuid=UUID, mute=True)
        await client.multi_party_calls.pause_recording(uuid=UUID)
        await client.multi_party_calls.start(uuid=UUID)
    assert len(sent(mocked)) == 6


async def test_iter_all_follows_meta_next(client: AsyncPlivo, mocked: aioresponses) -> None:
    first = fixture("list.json")
    second = {
        "api_id": "p2",
        "meta": {"count": 3, "limit": 2, "next": None, "offset": 2, "previous": "x"},
        "objects": [{"mpc_uuid": "third", "friendly_name": "Third"}],
    }
    mocked.get(API + "MultiPartyCall/?limit=2&offset=0", payload=first)
    mocked.get(API + "MultiPartyCall/?limit=2&offset=2", payload=second)
    names = [m.friendly_name async for m in client.multi_party_calls.iter_all(limit=2)]
    assert names == ["Support line 7", "Escalation", "Third"]


async def test_async_for_over_the_resource(client: AsyncPlivo, mocked: aioresponses) -> None:
    mocked.get(
        API + "MultiPartyCall/?limit=20&offset=0",
        payload={"meta": {"next": None}, "objects": [{"mpc_uuid": "u1"}]},
    )
    assert [m.mpc_uuid async for m in client.multi_party_calls] == ["u1"]


async def test_iter_participants(client: AsyncPlivo, mocked: aioresponses) -> None:
    mocked.get(BY_UUID + "Participant/", payload=fixture("list_participants.json"))
    got = [p.member_id async for p in client.multi_party_calls.iter_participants(uuid=UUID)]
    assert got == ["48", "49"]


async def test_iter_participants_follows_a_next_page(
    client: AsyncPlivo, mocked: aioresponses
) -> None:
    mocked.get(
        BY_UUID + "Participant/",
        payload={"meta": {"next": "/x/?limit=1&offset=1"}, "objects": [{"member_id": "1"}]},
    )
    mocked.get(
        BY_UUID + "Participant/?limit=1&offset=1",
        payload={"meta": {"next": None}, "objects": [{"member_id": "2"}]},
    )
    got = [p.member_id async for p in client.multi_party_calls.iter_participants(uuid=UUID)]
    assert got == ["1", "2"]


def test_response_fixtures_parse_into_typed_models() -> None:
    page = structure_response(MultiPartyCallListResponse, fixture("list.json"))
    assert page.meta.count == 3 and page.meta.limit == 2 and page.meta.next
    active, ended = page
    assert (active.status, active.recording, active.stay_alone) == ("Active", "recording", False)
    assert active.billed_amount is None and active.termination_cause_code is None
    assert (ended.billed_amount, ended.billed_duration, ended.termination_cause_code) == (
        0.3,
        60,
        1010,
    )
    assert len(page) == 2

    mpc = structure_response(MultiPartyCallDetails, fixture("get.json"))
    assert (mpc.mpc_uuid, mpc.duration, mpc.billed_amount) == (UUID, 1400, 21.6)

    added = structure_response(AddParticipantResponse, fixture("add_participant.json"))
    assert added.message == "add participant action initiated"
    assert [(c.from_, c.to) for c in added.calls] == [
        (FROM, "+14155550111"),
        (FROM, "+14155550112"),
    ]
    assert all(c.call_uuid for c in added.calls)

    participant = structure_response(Participant, fixture("get_participant.json"))
    assert (participant.member_id, participant.role, participant.coach_mode) == (
        "49",
        "customer",
        False,
    )
    assert participant.hold is None and participant.billed_amount == 0.005
    listing = structure_response(ParticipantListResponse, fixture("list_participants.json"))
    assert [p.mute for p in listing] == [False, True] and len(listing) == 2

    updated = structure_response(MultiPartyCallActionResponse, fixture("update_participant.json"))
    assert isinstance(updated.message, dict) and set(updated.message) == {"coach_mode", "mute"}
    started = structure_response(MultiPartyCallActionResponse, fixture("start.json"))
    assert started.message == "MPC: Support line 7 started" and started.request_uuid

    recording = structure_response(
        MultiPartyCallRecordingResponse, fixture("start_participant_recording.json")
    )
    assert recording.recording_id and recording.recording_url
    play = structure_response(MultiPartyCallPlayAudioResponse, fixture("start_play_audio.json"))
    assert (play.member_ids, play.mpc_name) == (["48"], "Support line 7")
    assert MultiPartyCallPlayAudioResponse().member_ids == []
    assert MultiPartyCallPlayAudioResponse(raw={"mpcMemberId": 7}).member_ids == ["7"]
    assert MultiPartyCallPlayAudioResponse().mpc_name is None
