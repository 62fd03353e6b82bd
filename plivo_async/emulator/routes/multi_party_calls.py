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
from ..http import Ctx, Route, add_route
from ..rules import BadRequest, int_field, text_field, validate_callback
from ..rules.conferences import validate_play
from ..rules.multi_party_calls import (
    validate_add_participant,
    validate_mpc_recording,
    validate_update_participant,
)
from ..state import MultiPartyCallRoom, MultiPartyCallState, ParticipantState
from ..state.multi_party_calls import HANGUP_API
from .calls import ACCOUNT

__all__ = ["MPC", "add_routes"]

MPC = ACCOUNT + "/MultiPartyCall/{mpc_id}"
PARTICIPANT = MPC + "/Participant/{member_id}"
_STATUSES = ("active", "initialized", "ended")


def add_routes(app: web.Application, core: EmulatorCore) -> None:
    """Serve ``MultiPartyCall/`` under the account."""
    mpcs = core.state(MultiPartyCallState)

    def parse_id(request: web.Request) -> tuple[str, str]:
        mpc_id = request.match_info["mpc_id"]
        kind, _, value = mpc_id.partition("_")
        if kind not in ("uuid", "name") or not value:
            raise BadRequest("multi party call id must be uuid_<uuid> or name_<friendly_name>")
        return kind, value

    def room_of(request: web.Request) -> MultiPartyCallRoom:
        kind, value = parse_id(request)
        now = core.clock()
        room = mpcs.by_uuid(value, now) if kind == "uuid" else mpcs.by_name(value, now)
        if room is None:
            raise web.HTTPNotFound(reason="multi party call not found")
        return room

    def open_room_of(request: web.Request) -> MultiPartyCallRoom:
        room = room_of(request)
        if room.status == "Ended":
            raise web.HTTPNotFound(reason="multi party call has ended")
        return room

    def participants_of(request: web.Request) -> tuple[MultiPartyCallRoom, list[ParticipantState]]:
        room = open_room_of(request)
        wanted = request.match_info["member_id"]
        if wanted.lower() == "all":
            return room, room.active_participants()
        participant = room.participants.get(wanted)
        if participant is None or participant.exit_time is not None:
            raise web.HTTPNotFound(reason="participant not found")
        return room, [participant]

    def answer(message: Any, status: int = 200, **extra: Any) -> web.Response:
        payload = {"api_id": core.new_id(), "message": message, "request_uuid": core.new_id()}
        return core.json(status, {**payload, **extra})

    def page(items: list[dict[str, Any]], path: str, limit: int, offset: int) -> dict[str, Any]:
        chosen = items[offset : offset + limit]
        after = offset + limit
        return {
            "api_id": core.new_id(),
            "meta": {
                "count": len(items),
                "limit": limit,
                "offset": offset,
                "next": f"{path}?limit={limit}&offset={after}" if after < len(items) else None,
                "previous": (
                    f"{path}?limit={limit}&offset={max(offset - limit, 0)}" if offset else None
                ),
            },
            "objects": chosen,
        }

    async def list_mpcs(request: web.Request, ctx: Ctx) -> web.StreamResponse:
        query = request.query
        validate_callback(query)
        limit = int_field(query, "limit", 1, 20) or 20
        offset = int_field(query, "offset", 0) or 0
        status = text_field(query, "status")
        if status is not None and status.lower() not in _STATUSES:
            raise BadRequest(f"status must be one of {', '.join(_STATUSES)}")
        mpcs.refresh(core.clock())
        rooms = sorted(mpcs.rooms.values(), key=lambda r: r.created, reverse=True)
        if status is not None:
            rooms = [r for r in rooms if r.status.lower() == status.lower()]
        if "friendly_name" in query:
            rooms = [r for r in rooms if r.friendly_name == query["friendly_name"]]
        views = [r.view(core.auth_id, core.clock()) for r in rooms]
        path = f"/v1/Account/{core.auth_id}/MultiPartyCall/"
        return core.json(200, page(views, path, limit, offset))

    async def get_mpc(request: web.Request, ctx: Ctx) -> web.StreamResponse:
        validate_callback(request.query)
        room = room_of(request)
        return core.json(200, {"api_id": core.new_id(), **room.view(core.auth_id, core.clock())})

    async def start(request: web.Request, ctx: Ctx) -> web.StreamResponse:
        status = ctx.body.get("status")
        if isinstance(status, list) and len(status) == 1:  # the official SDK sends ["active"]
            status = status[0]
        if not isinstance(status, str) or status.lower() != "active":
            raise BadRequest("status must be active")
        validate_callback({k: v for k, v in ctx.body.items() if k != "status"})
        room = open_room_of(request)
        room.status = "Active"
        return answer(f"MPC: {room.friendly_name} started")

    async def stop(request: web.Request, ctx: Ctx) -> web.StreamResponse:
        validate_callback(ctx.body)
        room = open_room_of(request)
        calls = [p.call for p in room.active_participants()]
        room.end(core.clock(), HANGUP_API)
        for call in calls:
            core.hang_up(call)
        return web.Response(status=204)

    async def add_participant(request: web.Request, ctx: Ctx) -> web.StreamResponse:
        fields = validate_add_participant(ctx.body)
        kind, value = parse_id(request)
        now = core.clock()
        room = mpcs.by_uuid(value, now) if kind == "uuid" else mpcs.by_name(value, now)
        if room is None or room.status == "Ended":
            if kind == "uuid":
                raise web.HTTPNotFound(reason="multi party call not found")
            room = mpcs.create(core.new_id(), value, now)
            if fields["max_participants"] is not None:
                room.max_participants = fields["max_participants"]
            if fields["stay_alone"] is not None:
                room.stay_alone = fields["stay_alone"]
        joining = fields["to"] or [None]
        if len(room.active_participants()) + len(joining) > room.max_participants:
            raise BadRequest(f"max_participants ({room.max_participants}) reached")
        placed = []
        if fields["call_uuid"] is not None:
            call = core.calls.get(fields["call_uuid"])
            if call is None or not call.is_live(now):
                raise web.HTTPNotFound(reason="call not found or not live")
            calls = [call]
        else:
            calls = [
                core.place(ctx.rec, from_=fields["from"], to=to, source="mpc", params=fields)
                for to in fields["to"]
            ]
            placed = [{"to": c.to, "from": c.from_, "call_uuid": c.uuid} for c in calls]
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
        extra: dict[str, Any] = {"calls": placed} if placed else {}
        return answer("add participant action initiated", **extra)

    def recording(state: str, *, start: bool = False) -> Route:
        async def route(request: web.Request, ctx: Ctx) -> web.StreamResponse:
            if start:
                file_format = validate_mpc_recording(ctx.body)
            else:
                validate_callback(ctx.body)
            room = open_room_of(request)
            if start:
                recording_id = core.new_id()
                url = f"https://media.plivo.com/v1/Account/{core.auth_id}/Recording/{recording_id}"
                room.recording = "recording"
                room.recordings.append({"recording_id": recording_id, "started": core.clock()})
                return core.json(
                    200,
                    {
                        "api_id": core.new_id(),
                        "message": f"MPC: {room.friendly_name} record started",
                        "recording_id": recording_id,
                        "recording_url": f"{url}.{file_format}",
                    },
                )
            if room.recording == "not-recording":
                raise BadRequest("multi party call is not being recorded")
            room.recording = state
            if state == "not-recording":
                return web.Response(status=204)
            return answer(f"MPC: {room.friendly_name} recording {state}")

        return route

    async def list_participants(request: web.Request, ctx: Ctx) -> web.StreamResponse:
        validate_callback(request.query)
        room = room_of(request)
        chosen = list(room.participants.values())
        if "call_uuid" in request.query:
            chosen = [p for p in chosen if p.call.uuid == request.query["call_uuid"]]
        views = [p.view(room.uuid, core.auth_id, core.clock()) for p in chosen]
        return core.json(200, page(views, request.path, max(len(views), 1), 0))

    async def get_participant(request: web.Request, ctx: Ctx) -> web.StreamResponse:
        validate_callback(request.query)
        room = room_of(request)
        participant = room.participants.get(request.match_info["member_id"])
        if participant is None:
            raise web.HTTPNotFound(reason="participant not found")
        view = participant.view(room.uuid, core.auth_id, core.clock())
        return core.json(200, {"api_id": core.new_id(), **view})

    async def update_participant(request: web.Request, ctx: Ctx) -> web.StreamResponse:
        changes = validate_update_participant(ctx.body, request.match_info["member_id"])
        room, participants = participants_of(request)
        for participant in participants:
            for name, value in changes.items():
                setattr(participant, name, value)
        messages = {name: f"MPC: {room.friendly_name} {name} updated" for name in changes}
        return answer(messages)

    async def kick(request: web.Request, ctx: Ctx) -> web.StreamResponse:
        validate_callback(ctx.body)
        room, participants = participants_of(request)
        for participant in participants:
            room.leave(participant, core.clock(), "Kicked Out")
            core.hang_up(participant.call)
        return web.Response(status=204)

    def participant_recording(state: str, *, start: bool = False) -> Route:
        async def route(request: web.Request, ctx: Ctx) -> web.StreamResponse:
            if start:
                file_format = validate_mpc_recording(ctx.body)
            else:
                validate_callback(ctx.body)
            room, participants = participants_of(request)
            if start:
                recording_id = core.new_id()
                url = f"https://media.plivo.com/v1/Account/{core.auth_id}/Recording/{recording_id}"
                for participant in participants:
                    participant.recording = "recording"
                return core.json(
                    200,
                    {
                        "api_id": core.new_id(),
                        "message": f"MPC: {room.friendly_name} record started",
                        "recording_id": recording_id,
                        "recording_url": f"{url}.{file_format}",
                    },
                )
            if any(p.recording == "not-recording" for p in participants):
                raise BadRequest("participant is not being recorded")
            for participant in participants:
                participant.recording = state
            if state == "not-recording":
                return web.Response(status=204)
            return answer(f"MPC: {room.friendly_name} participant recording {state}")

        return route

    async def play(request: web.Request, ctx: Ctx) -> web.StreamResponse:
        url = validate_play(ctx.body)
        room, participants = participants_of(request)
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
        _room, participants = participants_of(request)
        for participant in participants:
            participant.playing = None
        return web.Response(status=204)

    add_route(app, "GET", ACCOUNT + "/MultiPartyCall", list_mpcs)
    add_route(app, "GET", MPC, get_mpc)
    add_route(app, "POST", MPC, start)
    add_route(app, "DELETE", MPC, stop)
    add_route(app, "POST", MPC + "/Participant", add_participant, places_calls=True)
    add_route(app, "GET", MPC + "/Participant", list_participants)
    add_route(app, "POST", MPC + "/Record", recording("recording", start=True))
    add_route(app, "DELETE", MPC + "/Record", recording("not-recording"))
    add_route(app, "POST", MPC + "/Record/Pause", recording("paused"))
    add_route(app, "POST", MPC + "/Record/Resume", recording("recording"))
    add_route(app, "GET", PARTICIPANT, get_participant)
    add_route(app, "POST", PARTICIPANT, update_participant)
    add_route(app, "DELETE", PARTICIPANT, kick)
    add_route(app, "POST", PARTICIPANT + "/Record", participant_recording("recording", start=True))
    add_route(app, "DELETE", PARTICIPANT + "/Record", participant_recording("not-recording"))
    add_route(app, "POST", PARTICIPANT + "/Record/Pause", participant_recording("paused"))
    add_route(app, "POST", PARTICIPANT + "/Record/Resume", participant_recording("recording"))
    add_route(app, "POST", MPC + "/Member/{member_id}/Play", play)
    add_route(app, "DELETE", MPC + "/Member/{member_id}/Play", play_stop)
