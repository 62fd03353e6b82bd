"""The Conference API: list, get, hang up, record, and act on members.

State is :class:`~plivo_async.emulator.state.ConferenceState`. Callers join conferences
with XML, which the API cannot do, so this module also serves a control endpoint (same
Basic auth, never faulted: it is not under ``/v1/``)::

    POST /__emulator__/Conference/{conference_name}/Member/
         {"call_uuid": "<a live call>", "caller_name": "...", "muted": false, "deaf": false}

answered 201 with the new member's view (``member_id`` ...), 404 for an unknown or ended
call. In-process, tests call ``emu.state(ConferenceState).join(name, call, now=...)``.
"""

from __future__ import annotations

from aiohttp import web

from ..core import EmulatorCore
from ..http import Ctx, Route, add_route
from ..rules import BadRequest, bool_field, text_field, validate_callback
from ..rules.conferences import (
    validate_conference_record,
    validate_play,
    validate_speak,
)
from ..state import ConferenceMemberState, ConferenceRoom, ConferenceState
from .calls import ACCOUNT

__all__ = ["CONFERENCE", "add_routes"]

CONFERENCE = ACCOUNT + "/Conference/{conference_name}"
MEMBER = CONFERENCE + "/Member/{member_id}"


def add_routes(app: web.Application, core: EmulatorCore) -> None:
    """Serve ``Conference/`` under the account, and the join control endpoint."""
    confs = core.state(ConferenceState)

    def room_of(request: web.Request) -> ConferenceRoom:
        room = confs.get(request.match_info["conference_name"], core.clock())
        if room is None:
            raise web.HTTPNotFound(reason="conference not found")
        return room

    def members_of(request: web.Request) -> tuple[str, list[ConferenceMemberState]]:
        """The members ``{member_id}`` names: one id, ``a,b,c`` or ``all``; else a 404."""
        room = room_of(request)
        wanted = request.match_info["member_id"]
        if wanted == "all":
            return wanted, list(room.members.values())
        ids = wanted.split(",")
        if not all(i in room.members for i in ids):
            raise web.HTTPNotFound(reason="member not found")
        return wanted, [room.members[i] for i in ids]

    def member_answer(message: str, member_id: str) -> web.Response:
        return core.json(202, {"message": message, "member_id": member_id, "api_id": core.new_id()})

    async def list_conferences(request: web.Request, ctx: Ctx) -> web.StreamResponse:
        validate_callback(request.query)
        names = list(confs.live(core.clock()))
        return core.json(200, {"api_id": core.new_id(), "conferences": names})

    async def get_conference(request: web.Request, ctx: Ctx) -> web.StreamResponse:
        validate_callback(request.query)
        room = room_of(request)
        return core.json(200, {"api_id": core.new_id(), **room.view(core.clock())})

    def end(room: ConferenceRoom) -> None:
        for member in room.members.values():
            core.hang_up(member.call)
        room.members.clear()
        confs.live(core.clock())

    async def hang_up_conference(request: web.Request, ctx: Ctx) -> web.StreamResponse:
        validate_callback(ctx.body)
        end(room_of(request))
        return web.Response(status=204)

    async def hang_up_all(request: web.Request, ctx: Ctx) -> web.StreamResponse:
        validate_callback(ctx.body)
        for room in list(confs.live(core.clock()).values()):
            end(room)
        return web.Response(status=204)

    async def record(request: web.Request, ctx: Ctx) -> web.StreamResponse:
        file_format = validate_conference_record(ctx.body)
        room = room_of(request)
        recording_id = core.new_id()
        url = f"https://media.plivo.com/v1/Account/{core.auth_id}/Recording/{recording_id}"
        room.recording = True
        room.recordings.append(
            {"recording_id": recording_id, "url": f"{url}.{file_format}", "started": core.clock()}
        )
        return core.json(
            202,
            {
                "api_id": core.new_id(),
                "message": "conference recording started",
                "recording_id": recording_id,
                "url": f"{url}.{file_format}",
            },
        )

    async def record_stop(request: web.Request, ctx: Ctx) -> web.StreamResponse:
        validate_callback(ctx.body)
        room = room_of(request)
        if not room.recording:
            raise BadRequest("conference is not being recorded")
        room.recording = False
        room.recordings[-1]["stopped"] = core.clock()
        return web.Response(status=204)

    def flag(name: str, value: bool, message: str) -> Route:
        async def route(request: web.Request, ctx: Ctx) -> web.StreamResponse:
            validate_callback(ctx.body)
            member_id, members = members_of(request)
            for member in members:
                setattr(member, name, value)
                member.actions.append(message if value else f"{message}_stop")
            if not value:
                return web.Response(status=204)
            return member_answer(message, member_id)

        return route

    async def kick(request: web.Request, ctx: Ctx) -> web.StreamResponse:
        validate_callback(ctx.body)
        member_id, members = members_of(request)
        room = room_of(request)
        for member in members:
            del room.members[member.member_id]  # the call goes on, out of the conference
        confs.live(core.clock())
        return member_answer("kicked", member_id)

    async def member_hangup(request: web.Request, ctx: Ctx) -> web.StreamResponse:
        member_id, members = members_of(request)
        for member in members:
            core.hang_up(member.call)
        confs.live(core.clock())
        return member_answer("hangup", member_id)

    async def play(request: web.Request, ctx: Ctx) -> web.StreamResponse:
        url = validate_play(ctx.body)
        member_id, members = members_of(request)
        for member in members:
            member.playing = url
        return member_answer("play queued into conference", member_id)

    async def speak(request: web.Request, ctx: Ctx) -> web.StreamResponse:
        text = validate_speak(ctx.body)
        member_id, members = members_of(request)
        for member in members:
            member.speaking = text
        return member_answer("speak queued into conference", member_id)

    def stop(attribute: str) -> Route:
        async def route(request: web.Request, ctx: Ctx) -> web.StreamResponse:
            validate_callback(ctx.body)
            _member_id, members = members_of(request)
            for member in members:
                setattr(member, attribute, None)
            return web.Response(status=204)

        return route

    async def join(request: web.Request, ctx: Ctx) -> web.StreamResponse:
        """The control endpoint: a live call joins the conference, as with XML."""
        call_uuid = text_field(ctx.body, "call_uuid")
        call = core.calls.get(call_uuid) if call_uuid else None
        if call is None or not call.is_live(core.clock()):
            raise web.HTTPNotFound(reason="call not found or not live")
        member = confs.join(
            request.match_info["conference_name"],
            call,
            now=core.clock(),
            caller_name=text_field(ctx.body, "caller_name"),
            muted=bool(bool_field(ctx.body, "muted")),
            deaf=bool(bool_field(ctx.body, "deaf")),
        )
        return core.json(201, {"api_id": core.new_id(), **member.view(core.clock())})

    add_route(app, "GET", ACCOUNT + "/Conference", list_conferences)
    add_route(app, "DELETE", ACCOUNT + "/Conference", hang_up_all)
    add_route(app, "GET", CONFERENCE, get_conference)
    add_route(app, "DELETE", CONFERENCE, hang_up_conference)
    add_route(app, "POST", CONFERENCE + "/Record", record)
    add_route(app, "DELETE", CONFERENCE + "/Record", record_stop)
    add_route(app, "DELETE", MEMBER, member_hangup)
    add_route(app, "POST", MEMBER + "/Mute", flag("muted", True, "mute"))
    add_route(app, "DELETE", MEMBER + "/Mute", flag("muted", False, "mute"))
    add_route(app, "POST", MEMBER + "/Deaf", flag("deaf", True, "deaf"))
    add_route(app, "DELETE", MEMBER + "/Deaf", flag("deaf", False, "deaf"))
    add_route(app, "POST", MEMBER + "/Kick", kick)
    add_route(app, "POST", MEMBER + "/Play", play)
    add_route(app, "DELETE", MEMBER + "/Play", stop("playing"))
    add_route(app, "POST", MEMBER + "/Speak", speak)
    add_route(app, "DELETE", MEMBER + "/Speak", stop("speaking"))
    add_route(app, "POST", "/__emulator__/Conference/{conference_name}/Member", join)
