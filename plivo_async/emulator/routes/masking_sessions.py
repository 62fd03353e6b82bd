"""Number masking sessions: ``/v1/Account/{auth_id}/Masking/Session[/{session_uuid}]``.

A session is ``active`` until ``session_expiry`` seconds (3600 by default) have passed on
the emulator's clock, then ``expired``; a create with ``initiate_call_to_first_party``
places a call to the first party (counted like every call the emulator places).
"""

from __future__ import annotations

from typing import Any

from aiohttp import web

from ..core import EmulatorCore
from ..http import Ctx, add_route
from ..paging import page_meta
from ..rules import validate_list_query
from ..rules.masking_sessions import validate_session
from ..state import MaskingSessionState, format_time
from .calls import ACCOUNT

__all__ = ["SESSIONS", "add_routes"]

SESSIONS = ACCOUNT + "/Masking/Session"
_DEFAULT_EXPIRY = 3600
_FILTERS = ("first_party", "second_party", "virtual_number", "status")


def add_routes(app: web.Application, core: EmulatorCore) -> None:
    """Create, get, update, delete and list masking sessions."""
    state = core.state(MaskingSessionState)

    def view(session: dict[str, Any]) -> dict[str, Any]:
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

    def find(request: web.Request) -> dict[str, Any]:
        session = state.sessions.get(request.match_info["session_uuid"])
        if session is None or session.get("_ended") is not None:
            raise web.HTTPNotFound(reason="session not found")
        return session

    async def create(request: web.Request, ctx: Ctx) -> web.StreamResponse:
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
                "session": view(session),
            },
        )

    async def get(request: web.Request, ctx: Ctx) -> web.StreamResponse:
        return core.json(200, {"api_id": core.new_id(), "response": view(find(request))})

    async def update(request: web.Request, ctx: Ctx) -> web.StreamResponse:
        session = find(request)
        session.update(validate_session(ctx.body, create=False))
        session["modified_time"] = format_time(core.clock())
        return core.json(
            200, {"api_id": core.new_id(), "message": "Session updated", "session": view(session)}
        )

    async def delete(request: web.Request, ctx: Ctx) -> web.StreamResponse:
        session = find(request)
        session["_ended"] = core.clock()
        return core.json(200, {"api_id": core.new_id(), "message": "Session expired"})

    async def list_sessions(request: web.Request, ctx: Ctx) -> web.StreamResponse:
        limit, offset = validate_list_query(request.query)
        views = [view(s) for s in reversed(state.sessions.values())]
        for name in _FILTERS:
            if name in request.query:
                views = [s for s in views if s.get(name) == request.query[name]]
        meta = page_meta(request.path, limit, offset, len(views))
        page = views[offset : offset + limit]
        return core.json(
            200, {"api_id": core.new_id(), "response": {"meta": meta, "objects": page}}
        )

    add_route(app, "POST", SESSIONS, create, places_calls=True)
    add_route(app, "GET", SESSIONS, list_sessions)
    add_route(app, "GET", SESSIONS + "/{session_uuid}", get)
    add_route(app, "POST", SESSIONS + "/{session_uuid}", update)
    add_route(app, "DELETE", SESSIONS + "/{session_uuid}", delete)
