"""Recordings and transcriptions: ``Recording/`` and ``Transcription/`` under the account.

Recordings come from ``POST Call/{uuid}/Record/`` (see ``routes/calls.py``); their state
is :class:`~plivo_async.emulator.state.RecordingState`.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Mapping
from datetime import datetime, timezone
from typing import Any

from aiohttp import web

from ..core import EmulatorCore
from ..http import Ctx, add_route
from ..rules import optional_url
from ..rules.recordings import validate_recording_query
from ..state import RecordingState
from ..state.recordings import TRANSCRIPT
from ._pages import list_page
from .calls import ACCOUNT

__all__ = ["add_routes"]

RECORDING = ACCOUNT + "/Recording/{recording_id}"
TRANSCRIPTION = ACCOUNT + "/Transcription/{id}"
_EQUAL = (
    "call_uuid",
    "from_number",
    "to_number",
    "conference_name",
    "conference_uuid",
    "mpc_name",
    "mpc_uuid",
)
_OPS: dict[str, Callable[[Any, Any], bool]] = {
    "": operator.eq,
    "__gt": operator.gt,
    "__gte": operator.ge,
    "__lt": operator.lt,
    "__lte": operator.le,
}


def _epoch(text: str) -> float:
    for fmt in ("%Y-%m-%d %H:%M:%S.%f", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M"):
        try:
            parsed = datetime.strptime(text, fmt)
        except ValueError:
            continue
        return parsed.replace(tzinfo=timezone.utc).timestamp()
    return 0.0  # unreachable: validate_recording_query checked the format


def _matches(view: Mapping[str, Any], started: float, query: Mapping[str, str]) -> bool:
    for name in _EQUAL:
        if name in query and view.get(name) != query[name]:
            return False
    for suffix, compare in _OPS.items():
        added = query.get("add_time" + suffix)
        if suffix and added is not None and not compare(started, _epoch(added)):
            return False
        stored = query.get("recording_storage_duration" + suffix)
        if stored is not None and not compare(view["recording_storage_duration"], int(stored)):
            return False
    return True


def add_routes(app: web.Application, core: EmulatorCore) -> None:
    """Serve ``Recording/`` and ``Transcription/``."""

    def recordings() -> RecordingState:
        return core.state(RecordingState)

    async def list_recordings(request: web.Request, ctx: Ctx) -> web.StreamResponse:
        """``GET /Recording/``: newest first, filtered as the API documents."""
        query = request.query
        validate_recording_query(query)
        now = core.clock()
        views = [(r.view(now, core.auth_id), r.started) for r in recordings().newest_first()]
        selected = [view for view, started in views if _matches(view, started, query)]
        return list_page(core, query, selected, "Recording")

    async def get_recording(request: web.Request, ctx: Ctx) -> web.StreamResponse:
        record = recordings().recordings.get(request.match_info["recording_id"])
        if record is None:
            return core.error(404, "recording not found")
        view = record.view(core.clock(), core.auth_id)
        return core.json(200, {"api_id": core.new_id(), **view})

    async def delete_recording(request: web.Request, ctx: Ctx) -> web.StreamResponse:
        state = recordings()
        if state.recordings.pop(request.match_info["recording_id"], None) is None:
            return core.error(404, "recording not found")
        return web.Response(status=204)

    async def create_transcription(request: web.Request, ctx: Ctx) -> web.StreamResponse:
        """``POST /Transcription/{recording_id}/``: ready at once, under the same id."""
        state = recordings()
        recording_id = request.match_info["id"]
        if recording_id not in state.recordings:
            return core.error(404, "recording not found")
        optional_url(ctx.body, "transcription_callback_url", empty=True)
        state.transcriptions.add(recording_id)
        return core.json(202, {"api_id": core.new_id(), "message": "transcription in progress"})

    async def get_transcription(request: web.Request, ctx: Ctx) -> web.StreamResponse:
        state = recordings()
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
        state = recordings()
        transcription_id = request.match_info["id"]
        if transcription_id not in state.transcriptions:
            return core.error(404, "transcription not found")
        state.transcriptions.discard(transcription_id)
        return web.Response(status=204)

    add_route(app, "GET", ACCOUNT + "/Recording", list_recordings)
    add_route(app, "GET", RECORDING, get_recording)
    add_route(app, "DELETE", RECORDING, delete_recording)
    add_route(app, "POST", TRANSCRIPTION, create_transcription)
    add_route(app, "GET", TRANSCRIPTION, get_transcription)
    add_route(app, "DELETE", TRANSCRIPTION, delete_transcription)
