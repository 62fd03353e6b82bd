"""Recordings and transcriptions: ``Recording/`` and ``Transcription/`` under the account.

Recordings come from ``POST Call/{uuid}/Record/`` (see ``routes/calls.py``); their state
is :class:`~plivo_async.emulator.state.RecordingState`.
"""

from __future__ import annotations

from aiohttp import web

from ..http import Ctx, RouteSpec
from ..rules import optional_url, validate_callback
from ..rules.recordings import recording_matches, validate_recording_query
from ..state import RecordingState
from ..state.recordings import TRANSCRIPT
from ._paging import query_page
from .calls import ACCOUNT

__all__ = ["ROUTES"]

RECORDING = ACCOUNT + "/Recording/{recording_id}"
TRANSCRIPTION = ACCOUNT + "/Transcription/{id}"


async def list_recordings(request: web.Request, ctx: Ctx) -> web.StreamResponse:
    """``GET /Recording/``: newest first, filtered as the API documents."""
    core, query = ctx.core, request.query
    validate_recording_query(query)
    now = core.clock()
    recordings = core.state(RecordingState).newest_first()
    views = [(r.view(now, core.auth_id), r.started) for r in recordings]
    selected = [view for view, started in views if recording_matches(view, started, query)]
    path = f"/v1/Account/{core.auth_id}/Recording/"
    return core.json(200, {"api_id": core.new_id(), **query_page(query, selected, path)})


async def get_recording(request: web.Request, ctx: Ctx) -> web.StreamResponse:
    core = ctx.core
    validate_callback(request.query)
    record = core.state(RecordingState).recordings.get(request.match_info["recording_id"])
    if record is None:
        return core.error(404, "recording not found")
    view = record.view(core.clock(), core.auth_id)
    return core.json(200, {"api_id": core.new_id(), **view})


async def delete_recording(request: web.Request, ctx: Ctx) -> web.StreamResponse:
    validate_callback(ctx.body)
    state = ctx.core.state(RecordingState)
    if state.recordings.pop(request.match_info["recording_id"], None) is None:
        return ctx.core.error(404, "recording not found")
    return web.Response(status=204)


async def create_transcription(request: web.Request, ctx: Ctx) -> web.StreamResponse:
    """``POST /Transcription/{recording_id}/``: ready at once, under the same id."""
    core = ctx.core
    state = core.state(RecordingState)
    recording_id = request.match_info["id"]
    if recording_id not in state.recordings:
        return core.error(404, "recording not found")
    optional_url(ctx.body, "transcription_callback_url", empty=True)
    state.transcriptions.add(recording_id)
    return core.json(202, {"api_id": core.new_id(), "message": "transcription in progress"})


async def get_transcription(request: web.Request, ctx: Ctx) -> web.StreamResponse:
    core = ctx.core
    state = core.state(RecordingState)
    transcription_id = request.match_info["id"]
    record = state.recordings.get(transcription_id)
    if record is None or transcription_id not in state.transcriptions:
        return core.error(404, "transcription not found")
    duration = int(max(0.0, record.end(core.clock()) - record.started))
    payload = {
        "api_id": core.new_id(),
        "transcription_id": transcription_id,
        "recording_id": transcription_id,
        "call_uuid": record.call_uuid,
        "status": "completed",
        "transcription": TRANSCRIPT,
        "duration": duration,
        "transcription_charge": 0.05,
        "transcription_rate": 0.05,
    }
    return core.json(200, payload)


async def delete_transcription(request: web.Request, ctx: Ctx) -> web.StreamResponse:
    state = ctx.core.state(RecordingState)
    transcription_id = request.match_info["id"]
    if transcription_id not in state.transcriptions:
        return ctx.core.error(404, "transcription not found")
    state.transcriptions.discard(transcription_id)
    return web.Response(status=204)


ROUTES = (
    RouteSpec("GET", ACCOUNT + "/Recording", list_recordings),
    RouteSpec("GET", RECORDING, get_recording),
    RouteSpec("DELETE", RECORDING, delete_recording),
    RouteSpec("POST", TRANSCRIPTION, create_transcription),
    RouteSpec("GET", TRANSCRIPTION, get_transcription),
    RouteSpec("DELETE", TRANSCRIPTION, delete_transcription),
)
"""The recordings and transcriptions API's endpoints."""
