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
from ..http import Ctx, Route, RouteSpec
from ..rules import BadRequest, bool_field, text_field, validate_callback
from ..rules.conferences import validate_conference_record, validate_play, validate_speak
from ..state import ConferenceMemberState, ConferenceRoom, ConferenceState
from .calls import ACCOUNT

__all__ = ["CONFERENCE", "ROUTES"]

CONFERENCE = ACCOUNT + "/Conference/{conference_name}"
MEMBER = CONFERENCE + "/Member/{member_id}"


def _room_of(request: web.Request, core: EmulatorCore) -> ConferenceRoom:
    room = core.state(ConferenceState).get(request.match_info["conference_name"], core.clock())
    if room is None:
        raise web.HTTPNotFound(reason="conference not found")
    return room


def _members_of(
    request: web.Request, core: EmulatorCore
) -> tuple[str, list[ConferenceMemberState]]:
    """The members ``{member_id}`` names: one id, ``a,b,c`` or ``all``; else a 404."""
    room = _room_of(request, core)
    wanted = request.match_info["member_id"]
    if wanted == "all":
        return wanted, list(room.members.values())
    ids = wanted.split(",")
    if not all(i in room.members for i in ids):
        raise web.HTTPNotFound(reason="member not found")
    return wanted, [room.members[i] for i in ids]


def _member_answer(core: EmulatorCore, message: str, member_id: str) -> web.Response:
    return core.json(202, {"message": message, "member_id": member_id, "api_id": core.new_id()})


def _end(core: EmulatorCore, room: ConferenceRoom) -> None:
    for member in room.members.values():
        core.hang_up(member.call)
    room.members.clear()
    core.state(ConferenceState).live(core.clock())


async def list_conferences(request: web.Request, ctx: Ctx) -> web.StreamResponse:
    core = ctx.core
    validate_callback(request.query)
    names = list(core.state(ConferenceState).live(core.clock()))
    return core.json(200, {"api_id": core.new_id(), "conferences": names})


async def get_conference(request: web.Request, ctx: Ctx) -> web.StreamResponse:
    core = ctx.core
    validate_callback(request.query)
    room = _room_of(request, core)
    return core.json(200, {"api_id": core.new_id(), **room.view(core.clock())})


async def hang_up_conference(request: web.Request, ctx: Ctx) -> web.StreamResponse:
    validate_callback(ctx.body)
    _end(ctx.core, _room_of(request, ctx.core))
    return web.Response(status=204)


async def hang_up_all(request: web.Request, ctx: Ctx) -> web.StreamResponse:
    core = ctx.core
    validate_callback(ctx.body)
    for room in list(core.state(ConferenceState).live(core.clock()).values()):
        _end(core, room)
    return web.Response(status=204)


async def record(request: web.Request, ctx: Ctx) -> web.StreamResponse:
    core = ctx.core
    file_format = validate_conference_record(ctx.body)
    room = _room_of(request, core)
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
    room = _room_of(request, ctx.core)
    if not room.recording:
        raise BadRequest("conference is not being recorded")
    room.recording = False
    room.recordings[-1]["stopped"] = ctx.core.clock()
    return web.Response(status=204)


def _flag(name: str, value: bool, message: str) -> Route:
    """Mute/deaf on (``value``) or off for the members named in the path."""

    async def route(request: web.Request, ctx: Ctx) -> web.StreamResponse:
        validate_callback(ctx.body)
        member_id, members = _members_of(request, ctx.core)
        for member in members:
            setattr(member, name, value)
            member.actions.append(message if value else f"{message}_stop")
        if not value:
            return web.Response(status=204)
        return _member_answer(ctx.core, message, member_id)

    return route


async def kick(request: web.Request, ctx: Ctx) -> web.StreamResponse:
    core = ctx.core
    validate_callback(ctx.body)
    member_id, members = _members_of(request, core)
    room = _room_of(request, core)
    for member in members:
        del room.members[member.member_id]  # the call goes on, out of the conference
    core.state(ConferenceState).live(core.clock())
    return _member_answer(core, "kicked", member_id)


async def member_hangup(request: web.Request, ctx: Ctx) -> web.StreamResponse:
    core = ctx.core
    member_id, members = _members_of(request, core)
    for member in members:
        core.hang_up(member.call)
    core.state(ConferenceState).live(core.clock())
    return _member_answer(core, "hangup", member_id)


async def play(request: web.Request, ctx: Ctx) -> web.StreamResponse:
    url = validate_play(ctx.body)
    member_id, members = _members_of(request, ctx.core)
    for member in members:
        member.playing = url
    return _member_answer(ctx.core, "play queued into conference", member_id)


async def speak(request: web.Request, ctx: Ctx) -> web.StreamResponse:
    text = validate_speak(ctx.body)
    member_id, members = _members_of(request, ctx.core)
    for member in members:
        member.speaking = text
    return _member_answer(ctx.core, "speak queued into conference", member_id)


def _stop(attribute: str) -> Route:
    """Stop what the members named in the path play (``playing``) or speak (``speaking``)."""

    async def route(request: web.Request, ctx: Ctx) -> web.StreamResponse:
        validate_callback(ctx.body)
        _member_id, members = _members_of(request, ctx.core)
        for member in members:
            setattr(member, attribute, None)
        return web.Response(status=204)

    return route


async def join(request: web.Request, ctx: Ctx) -> web.StreamResponse:
    """The control endpoint: a live call joins the conference, as with XML."""
    core = ctx.core
    call_uuid = text_field(ctx.body, "call_uuid")
    call = core.calls.get(call_uuid) if call_uuid else None
    if call is None or not call.is_live(core.clock()):
        raise web.HTTPNotFound(reason="call not found or not live")
    member = core.state(ConferenceState).join(
        request.match_info["conference_name"],
        call,
        now=core.clock(),
        caller_name=text_field(ctx.body, "caller_name"),
        muted=bool(bool_field(ctx.body, "muted")),
        deaf=bool(bool_field(ctx.body, "deaf")),
    )
    return core.json(201, {"api_id": core.new_id(), **member.view(core.clock())})


ROUTES = (
    RouteSpec("GET", ACCOUNT + "/Conference", list_conferences),
    RouteSpec("DELETE", ACCOUNT + "/Conference", hang_up_all),
    RouteSpec("GET", CONFERENCE, get_conference),
    RouteSpec("DELETE", CONFERENCE, hang_up_conference),
    RouteSpec("POST", CONFERENCE + "/Record", record),
    RouteSpec("DELETE", CONFERENCE + "/Record", record_stop),
    RouteSpec("DELETE", MEMBER, member_hangup),
    RouteSpec("POST", MEMBER + "/Mute", _flag("muted", True, "mute")),
    RouteSpec("DELETE", MEMBER + "/Mute", _flag("muted", False, "mute")),
    RouteSpec("POST", MEMBER + "/Deaf", _flag("deaf", True, "deaf")),
    RouteSpec("DELETE", MEMBER + "/Deaf", _flag("deaf", False, "deaf")),
    RouteSpec("POST", MEMBER + "/Kick", kick),
    RouteSpec("POST", MEMBER + "/Play", play),
    RouteSpec("DELETE", MEMBER + "/Play", _stop("playing")),
    RouteSpec("POST", MEMBER + "/Speak", speak),
    RouteSpec("DELETE", MEMBER + "/Speak", _stop("speaking")),
    RouteSpec("POST", "/__emulator__/Conference/{conference_name}/Member", join),
)
"""The Conference API's endpoints and the join control endpoint."""
