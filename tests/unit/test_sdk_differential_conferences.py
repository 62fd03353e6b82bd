"""Differential test: conferences, multi-party calls and PHLO nodes send what the SDK sends.

For every write operation (and the reads, which cost nothing more) the official SDK's
request is captured by replacing ``requests.Session.send``, ours by aioresponses; the
method, the raw (still percent-encoded) path, the ``Authorization`` header and the JSON
body are compared. "Modulo JSON types" means: the SDK sends ``{}`` as the body of a
``DELETE`` without parameters, we send no body; both mean "no parameters". And the SDK
copies the ids that are already in the path (``conference_name``, ``member_id``,
``uuid``, ``friendly_name``, ``participant_id``) into many bodies too; we send each id
once, in the path, so those keys are left out of the comparison (``PATH_IDS``).

Known, deliberate differences, asserted here so they stay visible:

* the SDK's ``add_participant`` / ``start_recording`` / participant recording methods
  fill in every documented default (``ring_timeout=45``, ``record_file_format='mp3'``...)
  and ``caller_name=from_``; we leave unset fields out so the API applies the same
  defaults. With every argument given, the bodies are identical.
* the SDK's ``multi_party_calls.start()`` sends ``{"status": ["active"]}`` (a trailing
  comma in its source makes a tuple); Plivo documents ``status=active`` and we send that.
* the SDK appends ``/`` to PHLO URLs, and ``phlo.node()`` first GETs the node; only the
  action POST is compared, without the trailing slash.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import urlsplit

import plivo  # type: ignore[import-untyped]
import pytest
import requests
from aioresponses import aioresponses

from plivo_async.client import AsyncPlivo

from ._resources_helpers import (
    API,
    AUTH_HEADER,
    AUTH_ID,
    AUTH_TOKEN,
    NODE_ID,
    PHLO,
    PHLO_ID,
    client_fixture,  # noqa: F401 - the "client" fixture
    mocked_fixture,  # noqa: F401 - the "mocked" fixture
    sent,
)

Wire = tuple[str, str, str | None, Any]  # method, raw path, Authorization, body


class Recorder:
    """Stands in for ``requests.Session.send``: records, answers like Plivo would."""

    def __init__(self) -> None:
        self.requests: list[requests.PreparedRequest] = []

    def __call__(self, request: requests.PreparedRequest) -> requests.Response:
        self.requests.append(request)
        path = urlsplit(request.url or "").path.strip("/").split("/")
        body: dict[str, Any] = {"api_id": "a1", "message": "ok", "objects": [], "meta": {}}
        if request.method == "GET" and "phlo" in path:
            at = path.index("phlo")
            ids = [*path[at + 1 :], "", ""]  # phlo_id[, node_type, node_id]
            body.update(phlo_id=ids[0], node_type=ids[1], node_id=ids[2], name="node")
        response = requests.Response()
        response.status_code = 200
        response._content = json.dumps(body).encode()
        response.headers["Content-Type"] = "application/json"
        response.url = request.url or ""
        response.request = request
        return response

    def last(self, method: str | None = None) -> Wire:
        chosen = [r for r in self.requests if method is None or r.method == method]
        request = chosen[-1]
        body: Any = request.body
        return (
            request.method or "",
            urlsplit(request.url or "").path,
            request.headers.get("Authorization"),
            json.loads(body) if body else None,
        )


@pytest.fixture
def sdk(monkeypatch: pytest.MonkeyPatch) -> Iterator[Recorder]:
    recorder = Recorder()
    monkeypatch.setattr(requests.Session, "send", lambda _s, r, **_kw: recorder(r))
    yield recorder


def ours(m: aioresponses) -> Wire:
    [(method, url, kwargs)] = sent(m)
    data = kwargs.get("data")
    return (
        method,
        url.raw_path,
        kwargs["headers"]["Authorization"],
        json.loads(data) if data else None,
    )


#: Path ids the SDK also copies into the body (its ``to_param_dict(locals())``).
PATH_IDS = frozenset({"conference_name", "member_id", "uuid", "friendly_name", "participant_id"})


def same(sdk_wire: Wire, our_wire: Wire) -> None:
    """Equal modulo JSON types and the SDK's echo of the path ids in the body."""
    method, path, auth, body = sdk_wire
    params = {k: v for k, v in (body or {}).items() if k not in PATH_IDS}
    assert our_wire == (method, path, auth, params or None)
    assert auth == AUTH_HEADER


SdkCall = Callable[[Any], Any]
OurCall = Callable[[AsyncPlivo], Any]
CONF = "My Conf Room"
CB = {"callback_url": "https://example.com/cb", "callback_method": "POST"}

CONFERENCE_OPS: list[tuple[str, SdkCall, OurCall]] = [
    (
        "delete",
        lambda s: s.conferences.delete(CONF, **CB),
        lambda c: c.conferences.delete(CONF, **CB),
    ),
    ("hangup", lambda s: s.conferences.hangup(CONF), lambda c: c.conferences.hangup(CONF)),
    ("delete_all", lambda s: s.conferences.delete_all(), lambda c: c.conferences.delete_all()),
    (
        "hangup_all",
        lambda s: s.conferences.hangup_all(**CB),
        lambda c: c.conferences.hangup_all(**CB),
    ),
    (
        "record",
        lambda s: s.conferences.record(
            CONF,
            file_format="wav",
            transcription_type="auto",
            transcription_url="https://example.com/t",
            transcription_method="GET",
            **CB,
        ),
        lambda c: c.conferences.record(
            CONF,
            file_format="wav",
            transcription_type="auto",
            transcription_url="https://example.com/t",
            transcription_method="GET",
            **CB,
        ),
    ),
    ("record_minimal", lambda s: s.conferences.record(CONF), lambda c: c.conferences.record(CONF)),
    (
        "record_stop",
        lambda s: s.conferences.record_stop(CONF),
        lambda c: c.conferences.record_stop(CONF),
    ),
    (
        "member_mute",
        lambda s: s.conferences.member_mute(CONF, "10", **CB),
        lambda c: c.conferences.member_mute(CONF, 10, **CB),
    ),
    (
        "member_mute_stop",
        lambda s: s.conferences.member_mute_stop(CONF, "10"),
        lambda c: c.conferences.member_mute_stop(CONF, "10"),
    ),
    (
        "member_deaf",
        lambda s: s.conferences.member_deaf(CONF, "10,11"),
        lambda c: c.conferences.member_deaf(CONF, [10, 11]),
    ),
    (
        "member_deaf_stop",
        lambda s: s.conferences.member_deaf_stop(CONF, "all", **CB),
        lambda c: c.conferences.member_deaf_stop(CONF, "all", **CB),
    ),
    (
        "member_kick",
        lambda s: s.conferences.member_kick(CONF, "10"),
        lambda c: c.conferences.member_kick(CONF, "10"),
    ),
    (
        "member_hangup",
        lambda s: s.conferences.member_hangup(CONF, "10"),
        lambda c: c.conferences.member_hangup(CONF, "10"),
    ),
    (
        "member_play",
        lambda s: s.conferences.member_play(CONF, "10", "https://example.com/a.mp3", **CB),
        lambda c: c.conferences.member_play(CONF, "10", "https://example.com/a.mp3", **CB),
    ),
    (
        "member_play_stop",
        lambda s: s.conferences.member_play_stop(CONF, "10"),
        lambda c: c.conferences.member_play_stop(CONF, "10"),
    ),
    (
        "member_speak",
        lambda s: s.conferences.member_speak(
            CONF, "10", "Hello there", voice="WOMAN", language="en-GB", **CB
        ),
        lambda c: c.conferences.member_speak(
            CONF, "10", "Hello there", voice="WOMAN", language="en-GB", **CB
        ),
    ),
    (
        "member_speak_minimal",
        lambda s: s.conferences.member_speak(CONF, "10", "Hi"),
        lambda c: c.conferences.member_speak(CONF, "10", "Hi"),
    ),
    (
        "member_speak_stop",
        lambda s: s.conferences.member_speak_stop(CONF, "10"),
        lambda c: c.conferences.member_speak_stop(CONF, "10"),
    ),
    ("get", lambda s: s.conferences.get(CONF), lambda c: c.conferences.get(CONF)),
    ("list", lambda s: s.conferences.list(), lambda c: c.conferences.list()),
]

UUID = "1b2c3d4e-1f30-11ef-a1b2-0242ac110002"
MPC = {"uuid": UUID}
NAMED = {"friendly_name": "Support line 7"}
REC = {
    "file_format": "wav",
    "recording_callback_url": "https://example.com/rec",
    "recording_callback_method": "GET",
    "transcription_url": "https://example.com/tr",
    "transcript": True,
}
FULL_ADD: dict[str, Any] = {
    "from_": "+14155550100",
    "to_": "+14155550111<+14155550112",
    "caller_name": "Support",
    "call_status_callback_url": "https://example.com/status",
    "call_status_callback_method": "GET",
    "sip_headers": "k1=v1,k2=v2",
    "confirm_key": "#",
    "confirm_key_sound_url": "https://example.com/confirm.mp3",
    "confirm_key_sound_method": "POST",
    "dial_music": "none",
    "ring_timeout": "30<40",
    "delay_dial": "0<5",
    "max_duration": 600,
    "max_participants": 5,
    "record_min_member_count": 2,
    "wait_music_url": "https://example.com/wait.mp3",
    "wait_music_method": "POST",
    "agent_hold_music_url": "https://example.com/agent.mp3",
    "agent_hold_music_method": "POST",
    "customer_hold_music_url": "https://example.com/customer.mp3",
    "customer_hold_music_method": "POST",
    "recording_callback_url": "https://example.com/rec",
    "recording_callback_method": "POST",
    "status_callback_url": "https://example.com/mpc",
    "status_callback_method": "POST",
    "on_exit_action_url": "https://example.com/exit",
    "on_exit_action_method": "GET",
    "record": True,
    "record_participant_track": True,
    "record_file_format": "wav",
    "status_callback_events": "mpc-state-changes,participant-speak-events",
    "stay_alone": True,
    "coach_mode": False,
    "mute": True,
    "hold": True,
    "start_mpc_on_enter": False,
    "end_mpc_on_exit": True,
    "relay_dtmf_inputs": True,
    "enter_sound": "none",
    "enter_sound_method": "POST",
    "exit_sound": "https://example.com/bye.mp3",
    "exit_sound_method": "POST",
    "start_recording_audio": "https://example.com/start.mp3",
    "start_recording_audio_method": "POST",
    "stop_recording_audio": "https://example.com/stop.mp3",
    "stop_recording_audio_method": "POST",
    "callback_url": "https://example.com/cb",
    "callback_method": "POST",
    "create_mpc_with_single_participant": False,
    "send_digits": "1w2",
    "send_on_preanswer": True,
    "transcription_url": "https://example.com/tr",
    "transcript": True,
}
#: What the SDK's add_participant() sends when an argument is not given: the API's
#: documented defaults (and caller_name = from_), so leaving them out means the same.
SDK_ADD_DEFAULTS: dict[str, Any] = {
    "call_status_callback_method": "POST",
    "confirm_key_sound_method": "GET",
    "dial_music": "real",
    "ring_timeout": 45,
    "delay_dial": 0,
    "max_duration": 14400,
    "max_participants": 10,
    "record_min_member_count": 1,
    "wait_music_method": "GET",
    "agent_hold_music_method": "GET",
    "customer_hold_music_method": "GET",
    "recording_callback_method": "GET",
    "status_callback_method": "GET",
    "on_exit_action_method": "POST",
    "record": False,
    "record_participant_track": False,
    "record_file_format": "mp3",
    "status_callback_events": "mpc-state-changes,participant-state-changes",
    "stay_alone": False,
    "coach_mode": True,
    "mute": False,
    "hold": False,
    "start_mpc_on_enter": True,
    "end_mpc_on_exit": False,
    "relay_dtmf_inputs": False,
    "enter_sound": "beep:1",
    "enter_sound_method": "GET",
    "exit_sound": "beep:2",
    "exit_sound_method": "GET",
    "start_recording_audio_method": "GET",
    "stop_recording_audio_method": "GET",
    "create_mpc_with_single_participant": True,
    "send_on_preanswer": False,
    "transcript": False,
}

MPC_OPS: list[tuple[str, SdkCall, OurCall]] = [
    (
        "add_participant_full",
        lambda s: s.multi_party_calls.add_participant("agent", **NAMED, **FULL_ADD),
        lambda c: c.multi_party_calls.add_participant("agent", **NAMED, **FULL_ADD),
    ),
    (
        "add_existing_call",
        lambda s: s.multi_party_calls.add_participant(
            "customer",
            **MPC,
            call_uuid="c-1",
            **{k: v for k, v in FULL_ADD.items() if k not in ("from_", "to_", "caller_name")},
        ),
        lambda c: c.multi_party_calls.add_participant(
            "customer",
            **MPC,
            call_uuid="c-1",
            **{k: v for k, v in FULL_ADD.items() if k not in ("from_", "to_", "caller_name")},
        ),
    ),
    (
        "stop",
        lambda s: s.multi_party_calls.stop(**MPC, **CB),
        lambda c: c.multi_party_calls.stop(**MPC, **CB),
    ),
    (
        "start_recording",
        lambda s: s.multi_party_calls.start_recording(**NAMED, **REC, **CB),
        lambda c: c.multi_party_calls.start_recording(**NAMED, **REC, **CB),
    ),
    (
        "stop_recording",
        lambda s: s.multi_party_calls.stop_recording(**MPC),
        lambda c: c.multi_party_calls.stop_recording(**MPC),
    ),
    (
        "pause_recording",
        lambda s: s.multi_party_calls.pause_recording(**MPC, **CB),
        lambda c: c.multi_party_calls.pause_recording(**MPC, **CB),
    ),
    (
        "resume_recording",
        lambda s: s.multi_party_calls.resume_recording(**MPC),
        lambda c: c.multi_party_calls.resume_recording(**MPC),
    ),
    (
        "update_participant",
        lambda s: s.multi_party_calls.update_participant(
            10, **MPC, coach_mode=True, mute=False, hold=True, **CB
        ),
        lambda c: c.multi_party_calls.update_participant(
            10, **MPC, coach_mode=True, mute=False, hold=True, **CB
        ),
    ),
    (
        "update_all",
        lambda s: s.multi_party_calls.update_participant("all", **NAMED, mute=True),
        lambda c: c.multi_party_calls.update_participant("all", **NAMED, mute=True),
    ),
    (
        "kick_participant",
        lambda s: s.multi_party_calls.kick_participant("10", **MPC),
        lambda c: c.multi_party_calls.kick_participant(10, **MPC),
    ),
    (
        "start_participant_recording",
        lambda s: s.multi_party_calls.start_participant_recording(
            10, **MPC, **REC, record_track_type="inbound", **CB
        ),
        lambda c: c.multi_party_calls.start_participant_recording(
            10, **MPC, **REC, record_track_type="inbound", **CB
        ),
    ),
    (
        "stop_participant_recording",
        lambda s: s.multi_party_calls.stop_participant_recording(
            10, **MPC, record_track_type="all"
        ),
        lambda c: c.multi_party_calls.stop_participant_recording(
            10, **MPC, record_track_type="all"
        ),
    ),
    (
        "pause_participant_recording",
        lambda s: s.multi_party_calls.pause_participant_recording(
            10, **MPC, record_track_type="all", **CB
        ),
        lambda c: c.multi_party_calls.pause_participant_recording(
            10, **MPC, record_track_type="all", **CB
        ),
    ),
    (
        "resume_participant_recording",
        lambda s: s.multi_party_calls.resume_participant_recording(
            10, **NAMED, record_track_type="all"
        ),
        lambda c: c.multi_party_calls.resume_participant_recording(
            10, **NAMED, record_track_type="all"
        ),
    ),
    (
        "start_play_audio",
        lambda s: s.multi_party_calls.start_play_audio(10, **MPC, url="https://example.com/a.mp3"),
        lambda c: c.multi_party_calls.start_play_audio(10, **MPC, url="https://example.com/a.mp3"),
    ),
    (
        "stop_play_audio",
        lambda s: s.multi_party_calls.stop_play_audio(10, **MPC),
        lambda c: c.multi_party_calls.stop_play_audio(10, **MPC),
    ),
    ("get", lambda s: s.multi_party_calls.get(**MPC), lambda c: c.multi_party_calls.get(**MPC)),
    (
        "get_participant",
        lambda s: s.multi_party_calls.get_participant(10, **MPC),
        lambda c: c.multi_party_calls.get_participant(10, **MPC),
    ),
]


@pytest.mark.parametrize(
    ("sdk_call", "our_call"),
    [op[1:] for op in CONFERENCE_OPS + MPC_OPS],
    ids=[op[0] for op in CONFERENCE_OPS + MPC_OPS],
)
async def test_operation_matches_the_sdk(
    sdk: Recorder,
    client: AsyncPlivo,
    mocked: aioresponses,
    sdk_call: SdkCall,
    our_call: OurCall,
) -> None:
    sdk_call(plivo.RestClient(AUTH_ID, AUTH_TOKEN))
    method, path, _auth, _body = sdk.last()
    mocked.add(f"https://api.plivo.com{path}", method, payload={"api_id": "a1"})
    await our_call(client)
    same(sdk.last(), ours(mocked))


async def test_add_participant_minimal_differs_only_by_the_sdk_defaults(
    sdk: Recorder, client: AsyncPlivo, mocked: aioresponses
) -> None:
    args = {"from_": "+14155550100", "to_": "+14155550111"}
    plivo.RestClient(AUTH_ID, AUTH_TOKEN).multi_party_calls.add_participant(
        "agent", **NAMED, **args
    )
    url = API + "MultiPartyCall/name_Support%20line%207/Participant/"
    mocked.post(url, payload={"api_id": "a1"})
    await client.multi_party_calls.add_participant("agent", **NAMED, **args)

    sdk_method, sdk_path, sdk_auth, sdk_body = sdk.last()
    method, path, auth, body = ours(mocked)
    assert (method, path, auth) == (sdk_method, sdk_path, sdk_auth)
    assert body == {"role": "agent", "from": "+14155550100", "to": "+14155550111"}
    assert {k: sdk_body[k] for k in body} == body
    extra = {k: v for k, v in sdk_body.items() if k not in body}
    assert extra == {**SDK_ADD_DEFAULTS, "caller_name": "+14155550100"}


async def test_start_sends_status_active_where_the_sdk_sends_a_list(
    sdk: Recorder, client: AsyncPlivo, mocked: aioresponses
) -> None:
    plivo.RestClient(AUTH_ID, AUTH_TOKEN).multi_party_calls.start(**MPC)
    mocked.post(f"{API}MultiPartyCall/uuid_{UUID}/", payload={"api_id": "a1"})
    await client.multi_party_calls.start(**MPC)

    sdk_method, sdk_path, sdk_auth, sdk_body = sdk.last()
    assert sdk_body == {"status": ["active"]}  # the SDK's tuple, serialised
    assert ours(mocked) == (sdk_method, sdk_path, sdk_auth, {"status": "active"})


@pytest.mark.parametrize(
    "action",
    [
        "hold",
        "unhold",
        "mute",
        "unmute",
        "hangup",
        "resume_call",
        "abort_transfer",
        "voicemail_drop",
    ],
)
async def test_conference_bridge_member_actions_match_the_sdk(
    sdk: Recorder, client: AsyncPlivo, mocked: aioresponses, action: str
) -> None:
    member = "+14155550111"
    plivo.phlo.RestClient(AUTH_ID, AUTH_TOKEN).phlo.member(PHLO_ID, NODE_ID, member, action)
    url = f"{PHLO}{PHLO_ID}/conference_bridge/{NODE_ID}/members/{member}"
    mocked.post(url, payload={"api_id": "p1", "error": ""})
    node = client.phlo(PHLO_ID).conference_bridge(NODE_ID)
    await getattr(node.member(member), action)()

    sdk_method, sdk_path, sdk_auth, sdk_body = sdk.last("POST")
    method, path, auth, body = ours(mocked)
    assert (
        (method, auth, body)
        == (sdk_method, sdk_auth, sdk_body)
        == ("POST", AUTH_HEADER, {"action": action})
    )
    assert sdk_path == path + "/"


@pytest.mark.parametrize("node_type", ["multi_party_call", "conference_bridge", "custom_node"])
async def test_generic_node_update_matches_the_sdk(
    sdk: Recorder, client: AsyncPlivo, mocked: aioresponses, node_type: str
) -> None:
    phlo = plivo.phlo.RestClient(AUTH_ID, AUTH_TOKEN).phlo.get(PHLO_ID)
    phlo.node(node_type, NODE_ID).update("call", "+14155550100", "+14155550111", "agent")
    url = f"{PHLO}{PHLO_ID}/{node_type}/{NODE_ID}"
    mocked.post(url, payload={"api_id": "p1", "error": ""})
    await (
        client.phlo(PHLO_ID)
        .node(node_type, NODE_ID)
        .update("call", "+14155550100", "+14155550111", "agent")
    )

    sdk_method, sdk_path, sdk_auth, sdk_body = sdk.last("POST")
    assert ours(mocked) == (sdk_method, sdk_path.rstrip("/"), sdk_auth, sdk_body)
    assert sdk_body == {
        "action": "call",
        "trigger_source": "+14155550100",
        "to": "+14155550111",
        "role": "agent",
    }
