"""The Voice API's multi-party calls (``MultiPartyCall/``): participants, recording, audio.

State is :class:`~plivo_async.emulator.state.MultiPartyCallState`. A multi-party call is
addressed as ``uuid_<uuid>`` or ``name_<friendly_name>``; adding a participant to an
unknown ``name_...`` creates it, and every participant dialled is a call placed through
``core.place`` (counted by ``emu.duplicates()``, the CPS queue and ``paths="calls"``
faults).
"""

from __future__ import annotations

from typing import Any

from aiohttp import web

from ..core import EmulatorCore
from ..http import Ctx, Route, RouteSpec
from ..rules import BadRequest, int_field, text_field, validate_callback
from ..rules.conferences import validate_play
from ..rules.multi_party_calls import (
    validate_add_participant,
    validate_mpc_recording,
    validate_update_participant,
)
from ..state import CallState, MultiPartyCallRoom, MultiPartyCallState, ParticipantState
from ..state.multi_party_calls import HANGUP_API
from ._paging import page
from .calls import ACCOUNT

__all__ = ["MPC", "ROUTES"]

MPC = ACCOUNT + "/MultiPartyCall/{mpc_id}"
PARTICIPANT = MPC + "/Participant/{member_id}"
_STATUSES = ("active", "initialized", "ended")


def _parse_id(request: web.Request) -> tuple[str, str]:
    mpc_id = request.match_info["mpc_id"]
    kind, _, value = mpc_id.partition("_")
    if kind not in ("uuid", "name") or not value:
        raise BadRequest("multi party call id must be uuid_<uuid> or name_<friendly_name>")
    return kind, value


def _find(core: EmulatorCore, kind: str, value: str, now: float) -> MultiPartyCallRoom | None:
    mpcs = core.state(MultiPartyCallState)
    return mpcs.by_uuid(value, now) if kind == "uuid" else mpcs.by_name(value, now)


def _room_of(request: web.Request, core: EmulatorCore) -> MultiPartyCallRoom:
    room = _find(core, *_parse_id(request), core.clock())
    if room is None:
        raise web.HTTPNotFound(reason="multi party call not found")
    return room


def _open_room_of(request: web.Request, core: EmulatorCore) -> MultiPartyCallRoom:
    room = _room_of(request, core)
    if room.status == "Ended":
        raise web.HTTPNotFound(reason="multi party call has ended")
    return room


def _participants_of(
    request: web.Request, core: EmulatorCore
) -> tuple[MultiPartyCallRoom, list[ParticipantState]]:
    room = _open_room_of(request, core)
    wanted = request.match_info["member_id"]
    if wanted.lower() == "all":
        return room, room.active_participants()
    participant = room.participants.get(wanted)
    if participant is None or participant.exit_time is not None:
        raise web.HTTPNotFound(reason="participant not found")
    return room, [participant]


def _answer(core: EmulatorCore, message: Any, status: int = 200, **extra: Any) -> web.Response:
    payload = {"api_id": core.new_id(), "message": message, "request_uuid": core.new_id()}
    return core.json(status, {**payload, **extra})


def _list_answer(
    core: EmulatorCore, views: list[dict[str, Any]], path: str, limit: int, offset: int
) -> web.Response:
    """A list in the MPC API's shape: its ``meta`` counts under ``count``."""
    listed = page(views, path, limit, offset, total_key="count")
    return core.json(200, {"api_id": core.new_id(), **listed})


async def list_mpcs(request: web.Request, ctx: Ctx) -> web.StreamResponse:
    core, query = ctx.core, request.query
    validate_callback(query)
    limit = int_field(query, "limit", 1, 20) or 20
    offset = int_field(query, "offset", 0) or 0
    status = text_field(query, "status")
    if status is not None and status.lower() not in _STATUSES:
        raise BadRequest(f"status must be one of {', '.join(_STATUSES)}")
    mpcs = core.state(MultiPartyCallState)
    mpcs.refresh(core.clock())
    rooms = sorted(mpcs.rooms.values(), key=lambda r: r.created, reverse=True)
    if status is not None:
        rooms = [r for r in rooms if r.status.lower() == status.lower()]
    if "friendly_name" in query:
        rooms = [r for r in rooms if r.friendly_name == query["friendly_name"]]
    views = [r.view(core.auth_id, core.clock()) for r in rooms]
    path = f"/v1/Account/{core.auth_id}/MultiPartyCall/"
    return _list_answer(core, views, path, limit, offset)


async def get_mpc(request: web.Request, ctx: Ctx) -> web.StreamResponse:
    core = ctx.core
    validate_callback(request.query)
    room = _room_of(request, core)
    return core.json(200, {"api_id": core.new_id(), **room.view(core.auth_id, core.clock())})


async def start(request: web.Request, ctx: Ctx) -> web.StreamResponse:
    status = ctx.body.get("status")
    if isinstance(status, list) and len(status) == 1:  # the official SDK sends ["active"]
        status = status[0]
    if not isinstance(status, str) or status.lower() != "active":
        raise BadRequest("status must be active")
    validate_callback({k: v for k, v in ctx.body.items() if k != "status"})
    room = _open_room_of(request, ctx.core)
    room.status = "Active"
    return _answer(ctx.core, f"MPC: {room.friendly_name} started")


async def stop(request: web.Request, ctx: Ctx) -> web.StreamResponse:
    core = ctx.core
    validate_callback(ctx.body)
    room = _open_room_of(request, core)
    calls = [p.call for p in room.active_participants()]
    room.end(core.clock(), HANGUP_API)
    for call in calls:
        core.hang_up(call)
    return web.Response(status=204)


def _room_for_participants(
    request: web.Request, core: EmulatorCore, fields: dict[str, Any], now: float
) -> MultiPartyCallRoom:
    """The open room of the path; an unknown or ended ``name_...`` starts a new one."""
    kind, value = _parse_id(request)
    room = _find(core, kind, value, now)
    if room is None or room.status == "Ended":
        if kind == "uuid":
            raise web.HTTPNotFound(reason="multi party call not found")
        room = core.state(MultiPartyCallState).create(core.new_id(), value, now)
        if fields["max_participants"] is not None:
            room.max_participants = fields["max_participants"]
        if fields["stay_alone"] is not None:
            room.stay_alone = fields["stay_alone"]
    return room


def _joining_calls(ctx: Ctx, fields: dict[str, Any], now: float) -> list[CallState]:
    """The live call of ``call_uuid``, or one call placed per ``to``."""
    core = ctx.core
    if fields["call_uuid"] is None:
        return [
            core.place(ctx.rec, from_=fields["from"], to=to, source="mpc", params=fields)
            for to in fields["to"]
        ]
    call = core.calls.get(fields["call_uuid"])
    if call is None or not call.is_live(now):
        raise web.HTTPNotFound(reason="call not found or not live")
    return [call]


async def add_participant(request: web.Request, ctx: Ctx) -> web.StreamResponse:
    core = ctx.core
    fields = validate_add_participant(ctx.body)
    now = core.clock()
    room = _room_for_participants(request, core, fields, now)
    joining = fields["to"] or [None]
    if len(room.active_participants()) + len(joining) > room.max_participants:
        raise BadRequest(f"max_participants ({room.max_participants}) reached")
    calls = _joining_calls(ctx, fields, now)
    mpcs = core.state(MultiPartyCallState)
    for call in calls:
        room.add(
            ParticipantState(
                member_id=mpcs.new_member_id(),
                call=call,
                role=fields["role"],
                joined_at=now,
                coach_mode=fields["coach_mode"] is not False,
                mute=bool(fields["mute"]),
                hold=bool(fields["hold"]),
                start_mpc_on_enter=fields["start_mpc_on_enter"] is not False,
                end_mpc_on_exit=bool(fields["end_mpc_on_exit"]),
            )
        )
    placed = [{"to": c.to, "from": c.from_, "call_uuid": c.uuid} for c in calls]
    extra: dict[str, Any] = {"calls": placed} if fields["call_uuid"] is None and placed else {}
    return _answer(core, "add participant action initiated", **extra)


def _recording_started(
    core: EmulatorCore, room: MultiPartyCallRoom, file_format: str
) -> tuple[str, web.Response]:
    """A new recording's id and the answer announcing it."""
    recording_id = core.new_id()
    url = f"https://media.plivo.com/v1/Account/{core.auth_id}/Recording/{recording_id}"
    return recording_id, core.json(
        200,
        {
            "api_id": core.new_id(),
            "message": f"MPC: {room.friendly_name} record started",
            "recording_id": recording_id,
            "recording_url": f"{url}.{file_format}",
        },
    )


async def start_recording(request: web.Request, ctx: Ctx) -> web.StreamResponse:
    """``POST MultiPartyCall/{id}/Record/``: the whole call is recorded."""
    core = ctx.core
    file_format = validate_mpc_recording(ctx.body)
    room = _open_room_of(request, core)
    recording_id, answer = _recording_started(core, room, file_format)
    room.recording = "recording"
    room.recordings.append({"recording_id": recording_id, "started": core.clock()})
    return answer


def _recording(state: str) -> Route:
    """Stop (``not-recording``), pause or resume the whole call's recording."""

    async def route(request: web.Request, ctx: Ctx) -> web.StreamResponse:
        validate_callback(ctx.body)
        room = _open_room_of(request, ctx.core)
        if room.recording == "not-recording":
            raise BadRequest("multi party call is not being recorded")
        room.recording = state
        if state == "not-recording":
            return web.Response(status=204)
        return _answer(ctx.core, f"MPC: {room.friendly_name} recording {state}")

    return route


async def list_participants(request: web.Request, ctx: Ctx) -> web.StreamResponse:
    core = ctx.core
    validate_callback(request.query)
    room = _room_of(request, core)
    chosen = list(room.participants.values())
    if "call_uuid" in request.query:
        chosen = [p for p in chosen if p.call.uuid == request.query["call_uuid"]]
    views = [p.view(room.uuid, core.auth_id, core.clock()) for p in chosen]
    return _list_answer(core, views, request.path, max(len(views), 1), 0)


async def get_participant(request: web.Request, ctx: Ctx) -> web.StreamResponse:
    core = ctx.core
    validate_callback(request.query)
    room = _room_of(request, core)
    participant = room.participants.get(request.match_info["member_id"])
    if participant is None:
        raise web.HTTPNotFound(reason="participant not found")
    view = participant.view(room.uuid, core.auth_id, core.clock())
    return core.json(200, {"api_id": core.new_id(), **view})


async def update_participant(request: web.Request, ctx: Ctx) -> web.StreamResponse:
    changes = validate_update_participant(ctx.body, request.match_info["member_id"])
    room, participants = _participants_of(request, ctx.core)
    for participant in participants:
        for name, value in changes.items():
            setattr(participant, name, value)
    messages = {name: f"MPC: {room.friendly_name} {name} updated" for name in changes}
    return _answer(ctx.core, messages)


async def kick(request: web.Request, ctx: Ctx) -> web.StreamResponse:
    core = ctx.core
    validate_callback(ctx.body)
    room, participants = _participants_of(request, core)
    for participant in participants:
        room.leave(participant, core.clock(), "Kicked Out")
        core.hang_up(participant.call)
    return web.Response(status=204)


async def start_participant_recording(request: web.Request, ctx: Ctx) -> web.StreamResponse:
    """``POST .../Participant/{id}/Record/``: the participants named are recorded."""
    file_format = validate_mpc_recording(ctx.body)
    room, participants = _participants_of(request, ctx.core)
    _recording_id, answer = _recording_started(ctx.core, room, file_format)
    for participant in participants:
        participant.recording = "recording"
    return answer


def _participant_recording(state: str) -> Route:
    """Stop (``not-recording``), pause or resume the recording of participants."""

    async def route(request: web.Request, ctx: Ctx) -> web.StreamResponse:
        validate_callback(ctx.body)
        room, participants = _participants_of(request, ctx.core)
        if any(p.recording == "not-recording" for p in participants):
            raise BadRequest("participant is not being recorded")
        for participant in participants:
            participant.recording = state
        if state == "not-recording":
            return web.Response(status=204)
        return _answer(ctx.core, f"MPC: {room.friendly_name} participant recording {state}")

    return route


async def play(request: web.Request, ctx: Ctx) -> web.StreamResponse:
    core = ctx.core
    url = validate_play(ctx.body)
    room, participants = _participants_of(request, core)
    for participant in participants:
        participant.playing = url
    return core.json(
        202,
        {
            "api_id": core.new_id(),
            "message": "play queued into MPC",
            "mpcMemberId": [p.member_id for p in participants],
            "mpcName": room.friendly_name,
        },
    )


async def play_stop(request: web.Request, ctx: Ctx) -> web.StreamResponse:
    _room, participants = _participants_of(request, ctx.core)
    for participant in participants:
        participant.playing = None
    return web.Response(status=204)


ROUTES = (
    RouteSpec("GET", ACCOUNT + "/MultiPartyCall", list_mpcs),
    RouteSpec("GET", MPC, get_mpc),
    RouteSpec("POST", MPC, start),
    RouteSpec("DELETE", MPC, stop),
    RouteSpec("POST", MPC + "/Participant", add_participant, places_calls=True),
    RouteSpec("GET", MPC + "/Participant", list_participants),
    RouteSpec("POST", MPC + "/Record", start_recording),
    RouteSpec("DELETE", MPC + "/Record", _recording("not-recording")),
    RouteSpec("POST", MPC + "/Record/Pause", _recording("paused")),
    RouteSpec("POST", MPC + "/Record/Resume", _recording("recording")),
    RouteSpec("GET", PARTICIPANT, get_participant),
    RouteSpec("POST", PARTICIPANT, update_participant),
    RouteSpec("DELETE", PARTICIPANT, kick),
    RouteSpec("POST", PARTICIPANT + "/Record", start_participant_recording),
    RouteSpec("DELETE", PARTICIPANT + "/Record", _participant_recording("not-recording")),
    RouteSpec("POST", PARTICIPANT + "/Record/Pause", _participant_recording("paused")),
    RouteSpec("POST", PARTICIPANT + "/Record/Resume", _participant_recording("recording")),
    RouteSpec("POST", MPC + "/Member/{member_id}/Play", play),
    RouteSpec("DELETE", MPC + "/Member/{member_id}/Play", play_stop),
)
"""The multi-party call API's endpoints (served with and without a trailing slash)."""
