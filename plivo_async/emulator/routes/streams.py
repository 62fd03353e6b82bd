"""Audio streams of a live call: ``Call/{uuid}/Stream/`` (state: ``state/streams.py``)."""

from __future__ import annotations

from aiohttp import web

from ..core import EmulatorCore
from ..http import Ctx, add_route
from ..rules import BadRequest
from ..rules.streams import validate_stream
from ..state import StreamRecord, StreamState
from ..state.streams import DEFAULT_STREAM_TIMEOUT
from ._pages import list_page
from .calls import CALL, live_call

__all__ = ["add_routes"]

STREAMS = CALL + "/Stream"
STREAM = STREAMS + "/{stream_id}"


def add_routes(app: web.Application, core: EmulatorCore) -> None:
    """Serve ``Call/{uuid}/Stream/`` and ``Call/{uuid}/Stream/{stream_id}/``."""

    def streams() -> StreamState:
        return core.state(StreamState)

    def known_call(request: web.Request) -> str:
        call_uuid = request.match_info["call_uuid"]
        if core.calls.get(call_uuid) is None:
            raise web.HTTPNotFound(reason="call not found")
        return call_uuid

    def stream_of(request: web.Request) -> StreamRecord:
        stream = streams().streams.get(request.match_info["stream_id"])
        if stream is None or stream.call_uuid != known_call(request):
            raise web.HTTPNotFound(reason="stream not found")
        return stream

    async def start_stream(request: web.Request, ctx: Ctx) -> web.StreamResponse:
        """``POST``: a live call only; one running stream per ``service_url``."""
        settings = validate_stream(ctx.body)
        call = live_call(core, request)
        now = core.clock()
        state = streams()
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
        call_uuid = known_call(request)
        now = core.clock()
        views = [s.view(now, core.auth_id) for s in streams().of_call(call_uuid)]
        return list_page(core, request.query, views, f"Call/{call_uuid}/Stream")

    async def get_stream(request: web.Request, ctx: Ctx) -> web.StreamResponse:
        view = stream_of(request).view(core.clock(), core.auth_id)
        return core.json(200, {"api_id": core.new_id(), **view})

    async def stop_all(request: web.Request, ctx: Ctx) -> web.StreamResponse:
        call = live_call(core, request)
        now = core.clock()
        for stream in streams().of_call(call.uuid):
            stream.until = min(stream.until, now)
        return web.Response(status=204)

    async def stop_one(request: web.Request, ctx: Ctx) -> web.StreamResponse:
        stream = stream_of(request)
        now = core.clock()
        if not stream.is_running(now):
            return core.error(404, "stream not running")
        stream.until = now
        return web.Response(status=204)

    add_route(app, "POST", STREAMS, start_stream)
    add_route(app, "GET", STREAMS, list_streams)
    add_route(app, "DELETE", STREAMS, stop_all)
    add_route(app, "GET", STREAM, get_stream)
    add_route(app, "DELETE", STREAM, stop_one)
