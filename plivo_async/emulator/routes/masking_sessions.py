"""Number masking sessions: ``/v1/Account/{auth_id}/Masking/Session[/{session_uuid}]``.

A session is ``active`` until ``session_expiry`` seconds (3600 by default) have passed on
the emulator's clock, then ``expired``; a create with ``initiate_call_to_first_party``
places a call to the first party (counted like every call the emulator places).
"""

from __future__ import annotations

from typing import Any

from aiohttp import web

from ..core import EmulatorCore
from ..http import Ctx, RouteSpec
from ..rules.masking_sessions import validate_session
from ..state import MaskingSessionState, format_time
from ._paging import query_page
from .calls import ACCOUNT

__all__ = ["ROUTES", "SESSIONS"]

SESSIONS = ACCOUNT + "/Masking/Session"
_DEFAULT_EXPIRY = 3600
_FILTERS = ("first_party", "second_party", "virtual_number", "status")


def _view(core: EmulatorCore, session: dict[str, Any]) -> dict[str, Any]:
    """The session as the API shows it now (status and expiry from the clock)."""
    created = session["_created"]
    expiry = session.get("session_expiry", _DEFAULT_EXPIRY)
    shown = {k: v for k, v in session.items() if not k.startswith("_")}
    ended = session.get("_ended")
    expired = ended is not None or (expiry and core.clock() >= created + expiry)
    shown["status"] = "expired" if expired else "active"
    shown["expiry_time"] = format_time(created + expiry)
    shown["duration"] = int((ended or core.clock()) - created)
    return shown


def _find(request: web.Request, core: EmulatorCore) -> dict[str, Any]:
    session = core.state(MaskingSessionState).sessions.get(request.match_info["session_uuid"])
    if session is None or session.get("_ended") is not None:
        raise web.HTTPNotFound(reason="session not found")
    return session


async def create(request: web.Request, ctx: Ctx) -> web.StreamResponse:
    core = ctx.core
    state = core.state(MaskingSessionState)
    fields = validate_session(ctx.body, create=True)
    session_uuid = core.new_id()
    now = core.clock()
    session: dict[str, Any] = {
        "session_uuid": session_uuid,
        "virtual_number": state.next_virtual_number(),
        "record": False,
        "record_file_format": "mp3",
        "session_expiry": _DEFAULT_EXPIRY,
        "ring_timeout": 120,
        "initiate_call_to_first_party": False,
        "callback_method": "POST",
        "recording_callback_method": "POST",
        **fields,
        "created_time": format_time(now),
        "modified_time": format_time(now),
        "_created": now,
    }
    state.sessions[session_uuid] = session
    if session["initiate_call_to_first_party"]:
        core.place(
            ctx.rec,
            from_=session["virtual_number"],
            to=session["first_party"],
            source="masking",
            params={"session_uuid": session_uuid},
        )
    return core.json(
        201,
        {
            "api_id": core.new_id(),
            "message": "Session created",
            "session_uuid": session_uuid,
            "virtual_number": session["virtual_number"],
            "session": _view(core, session),
        },
    )


async def get(request: web.Request, ctx: Ctx) -> web.StreamResponse:
    core = ctx.core
    return core.json(200, {"api_id": core.new_id(), "response": _view(core, _find(request, core))})


async def update(request: web.Request, ctx: Ctx) -> web.StreamResponse:
    core = ctx.core
    session = _find(request, core)
    session.update(validate_session(ctx.body, create=False))
    session["modified_time"] = format_time(core.clock())
    return core.json(
        200,
        {"api_id": core.new_id(), "message": "Session updated", "session": _view(core, session)},
    )


async def delete(request: web.Request, ctx: Ctx) -> web.StreamResponse:
    core = ctx.core
    session = _find(request, core)
    session["_ended"] = core.clock()
    return core.json(200, {"api_id": core.new_id(), "message": "Session expired"})


async def list_sessions(request: web.Request, ctx: Ctx) -> web.StreamResponse:
    core, query = ctx.core, request.query
    sessions = core.state(MaskingSessionState).sessions
    views = [_view(core, s) for s in reversed(sessions.values())]
    for name in _FILTERS:
        if name in query:
            views = [s for s in views if s.get(name) == query[name]]
    listed = query_page(query, views, request.path)
    return core.json(200, {"api_id": core.new_id(), "response": listed})


ROUTES = (
    RouteSpec("POST", SESSIONS, create, places_calls=True),
    RouteSpec("GET", SESSIONS, list_sessions),
    RouteSpec("GET", SESSIONS + "/{session_uuid}", get),
    RouteSpec("POST", SESSIONS + "/{session_uuid}", update),
    RouteSpec("DELETE", SESSIONS + "/{session_uuid}", delete),
)
"""Create, get, update, delete and list masking sessions."""
