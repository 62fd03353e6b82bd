"""Audio streams of a live call: ``Call/{uuid}/Stream/`` (state: ``state/streams.py``)."""

from __future__ import annotations

from aiohttp import web

from ..core import EmulatorCore
from ..http import Ctx, RouteSpec
from ..rules import BadRequest
from ..rules.streams import validate_stream
from ..state import StreamRecord, StreamState
from ..state.streams import DEFAULT_STREAM_TIMEOUT
from ._paging import query_page
from .calls import CALL, live_call

__all__ = ["ROUTES"]

STREAMS = CALL + "/Stream"
STREAM = STREAMS + "/{stream_id}"


def _known_call(request: web.Request, core: EmulatorCore) -> str:
    call_uuid = request.match_info["call_uuid"]
    if core.calls.get(call_uuid) is None:
        raise web.HTTPNotFound(reason="call not found")
    return call_uuid


def _stream_of(request: web.Request, core: EmulatorCore) -> StreamRecord:
    stream = core.state(StreamState).streams.get(request.match_info["stream_id"])
    if stream is None or stream.call_uuid != _known_call(request, core):
        raise web.HTTPNotFound(reason="stream not found")
    return stream


async def start_stream(request: web.Request, ctx: Ctx) -> web.StreamResponse:
    """``POST``: a live call only; one running stream per ``service_url``."""
    core = ctx.core
    settings = validate_stream(ctx.body)
    call = live_call(core, request)
    now = core.clock()
    state = core.state(StreamState)
    if any(
        s.service_url == settings["service_url"] and s.is_running(now)
        for s in state.of_call(call.uuid)
    ):
        raise BadRequest("an active stream already exists for this service_url")
    timeout = settings.pop("stream_timeout") or DEFAULT_STREAM_TIMEOUT
    stream = StreamRecord(
        stream_id=core.new_id(),
        call_uuid=call.uuid,
        started=now,
        until=min(now + timeout, call.end_at),
        **settings,
    )
    state.streams[stream.stream_id] = stream
    payload = {
        "api_id": core.new_id(),
        "message": "audio streaming started",
        "stream_id": stream.stream_id,
    }
    return core.json(202, payload)


async def list_streams(request: web.Request, ctx: Ctx) -> web.StreamResponse:
    core = ctx.core
    call_uuid = _known_call(request, core)
    now = core.clock()
    views = [s.view(now, core.auth_id) for s in core.state(StreamState).of_call(call_uuid)]
    path = f"/v1/Account/{core.auth_id}/Call/{call_uuid}/Stream/"
    return core.json(200, {"api_id": core.new_id(), **query_page(request.query, views, path)})


async def get_stream(request: web.Request, ctx: Ctx) -> web.StreamResponse:
    core = ctx.core
    view = _stream_of(request, core).view(core.clock(), core.auth_id)
    return core.json(200, {"api_id": core.new_id(), **view})


async def stop_all(request: web.Request, ctx: Ctx) -> web.StreamResponse:
    core = ctx.core
    call = live_call(core, request)
    now = core.clock()
    for stream in core.state(StreamState).of_call(call.uuid):
        stream.until = min(stream.until, now)
    return web.Response(status=204)


async def stop_one(request: web.Request, ctx: Ctx) -> web.StreamResponse:
    core = ctx.core
    stream = _stream_of(request, core)
    now = core.clock()
    if not stream.is_running(now):
        return core.error(404, "stream not running")
    stream.until = now
    return web.Response(status=204)


ROUTES = (
    RouteSpec("POST", STREAMS, start_stream),
    RouteSpec("GET", STREAMS, list_streams),
    RouteSpec("DELETE", STREAMS, stop_all),
    RouteSpec("GET", STREAM, get_stream),
    RouteSpec("DELETE", STREAM, stop_one),
)
"""The audio stream API's endpoints (served with and without a trailing slash)."""
