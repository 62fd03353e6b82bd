"""The Call API: create, list, get, transfer, hang up, cancel, record, play, speak, DTMF."""

from __future__ import annotations

from collections.abc import Mapping

from aiohttp import web

from ..core import EmulatorCore
from ..http import Ctx, Route, RouteSpec
from ..rules import BadRequest, check_url, int_field, text_field, validate_list_query
from ..rules.calls import (
    call_params,
    number_matches,
    validate_cdr_query,
    validate_create,
    validate_digits,
    validate_in_call_media,
    validate_record,
    validate_transfer,
)
from ..state import CallState, RecordingState
from ._paging import page

__all__ = ["ACCOUNT", "CALL", "ROUTES", "live_call"]

ACCOUNT = "/v1/Account/{auth_id}"
CALL = ACCOUNT + "/Call/{call_uuid}"


def live_call(core: EmulatorCore, request: web.Request) -> CallState:
    """The ringing or answered call of ``{call_uuid}`` in the path, else a 404."""
    call = core.calls.get(request.match_info["call_uuid"])
    if call is None or not call.is_live(core.clock()):
        raise web.HTTPNotFound(reason="call not found or not live")
    return call


async def create_call(request: web.Request, ctx: Ctx) -> web.StreamResponse:
    """``POST /Call/``: one call per ``<``-separated destination.

    With ``callback_url`` (Plivo's asynchronous mode) the answer is only
    ``{"message": "async api spawned", "api_id"}``; the real answer is posted to
    ``callback_url`` (``callback_method``, default POST) as form fields ``api_id``,
    ``message`` and ``request_uuid`` (several destinations: their uuids joined by
    ``,``), signed and to loopback only like every callback, when ``callbacks=True``.
    """
    core, body = ctx.core, ctx.body
    fields = validate_create(body)
    callback_url = text_field(body, "callback_url") if "callback_url" in body else None
    if callback_url is not None:
        check_url("callback_url", callback_url)
    parent = fields["parent_call_uuid"]
    if parent and fields["error_if_parent_not_found"] and core.calls.get(parent) is None:
        raise BadRequest(f"parent call {parent} not found")
    destinations: list[str] = fields.pop("to")
    from_ = fields["from"]
    params = call_params(fields)
    place = core.place
    uuids = [
        place(ctx.rec, from_=from_, to=to, source="api", params=params).uuid for to in destinations
    ]
    request_uuid: str | list[str] = uuids[0] if len(uuids) == 1 else uuids
    api_id = core.new_id()
    if callback_url is None:
        return core.json(
            201, {"message": "call fired", "request_uuid": request_uuid, "api_id": api_id}
        )
    if core.callbacks is not None:
        result = {"api_id": api_id, "message": "call fired", "request_uuid": ",".join(uuids)}
        method = text_field(body, "callback_method")
        core.callbacks.send_result(callback_url, method, result, uuids[0])
    return core.json(201, {"message": "async api spawned", "api_id": api_id})


async def list_calls(request: web.Request, ctx: Ctx) -> web.StreamResponse:
    """``GET /Call/``: call records (CDRs), or ids of live/queued calls with ``?status=``."""
    core, query = ctx.core, request.query
    now = core.clock()
    status = query.get("status")
    if status in ("live", "queued"):
        return _live_ids(core, query, status, now)
    limit, offset = validate_list_query(query)
    tests = validate_cdr_query(query)
    store = core.calls
    selected = []
    for call in reversed(store.calls.values()):  # newest first, like Plivo's CDR list
        if not store.has_record(call, now) or (status and call.status(now) != status):
            continue
        cdr = call.cdr(now, core.auth_id, core.rate(call))
        end = call.end_at if call.is_over(now) else None
        if all(test(cdr, end) for test in tests):
            selected.append(cdr)
    path = f"/v1/Account/{core.auth_id}/Call/"
    return core.json(200, {"api_id": core.new_id(), **page(selected, path, limit, offset)})


def _live_ids(
    core: EmulatorCore, query: Mapping[str, str], status: str, now: float
) -> web.Response:
    """``?status=live|queued``: ids, filtered by number prefixes, paged if asked."""
    if query.get("call_direction", "outbound") != "outbound":
        calls: list[CallState] = []  # the emulator only places outbound calls
    else:
        wanted = ("ringing", "in-progress") if status == "live" else ("queued",)
        calls = core.calls.with_status(now, *wanted)
    for name, attribute in (("to_number", "to"), ("from_number", "from_")):
        prefix = query.get(name)
        if prefix:
            calls = [c for c in calls if number_matches(getattr(c, attribute), prefix)]
    if "limit" in query or "offset" in query:
        limit, offset = validate_list_query(query)
        calls = calls[offset : offset + limit]
    return core.json(200, {"api_id": core.new_id(), "calls": [c.uuid for c in calls]})


async def get_call(request: web.Request, ctx: Ctx) -> web.StreamResponse:
    """``GET /Call/{uuid}/``; ``?status=live|queued`` for the live/queued lookups."""
    core = ctx.core
    call = core.calls.get(request.match_info["call_uuid"])
    if call is None:
        return core.error(404, "call not found")
    now = core.clock()
    status = request.query.get("status")
    if status in ("live", "queued"):
        current = call.status(now)
        ok = call.is_live(now) if status == "live" else current == "queued"
        if not ok:
            return core.error(404, f"call is not {status}")
        return core.json(200, {"api_id": core.new_id(), **call.live_view(now)})
    if not core.calls.has_record(call, now):
        return core.error(404, "call not found")
    cdr = call.cdr(now, core.auth_id, core.rate(call))
    return core.json(200, {"api_id": core.new_id(), **cdr})


async def transfer_call(request: web.Request, ctx: Ctx) -> web.StreamResponse:
    """``POST /Call/{uuid}/``: transfer legs to new XML URLs."""
    core, body = ctx.core, ctx.body
    legs = validate_transfer(body)
    call = live_call(core, request)
    call.events.setdefault("transfers", []).append({"legs": legs, **body})
    return core.json(202, {"message": "call transferred", "api_id": core.new_id()})


async def hangup_call(request: web.Request, ctx: Ctx) -> web.StreamResponse:
    """``DELETE /Call/{uuid}/``: end a queued, ringing or answered call."""
    core = ctx.core
    call = core.calls.get(request.match_info["call_uuid"])
    if call is None or call.is_over(core.clock()):
        return core.error(404, "call not found")
    core.hang_up(call)
    return web.Response(status=204)


async def cancel_request(request: web.Request, ctx: Ctx) -> web.StreamResponse:
    """``DELETE /Request/{uuid}/``: cancel a call still in Plivo's queue."""
    core = ctx.core
    call = core.calls.get(request.match_info["request_uuid"])
    if call is None or call.status(core.clock()) != "queued":
        return core.error(404, "request not found or no longer queued")
    core.hang_up(call)
    return web.Response(status=204)


async def start_recording(request: web.Request, ctx: Ctx) -> web.StreamResponse:
    """``POST /Call/{uuid}/Record/``."""
    core, body = ctx.core, ctx.body
    file_format = validate_record(body)
    time_limit = int_field(body, "time_limit", 1)
    call = live_call(core, request)
    recording_id = core.new_id()
    call.events.setdefault("recordings", []).append(recording_id)
    url = (
        f"https://media.plivo.com/v1/Account/{core.auth_id}/Recording/{recording_id}.{file_format}"
    )
    core.state(RecordingState).start(  # listed by routes/recordings.py
        call,
        recording_id=recording_id,
        url=url,
        now=core.clock(),
        file_format=file_format,
        time_limit=time_limit,
        transcribe=bool(body.get("transcription_type")),
    )
    return core.json(
        202,
        {
            "url": url,
            "message": "call recording started",
            "recording_id": recording_id,
            "api_id": core.new_id(),
        },
    )


async def stop_recording(request: web.Request, ctx: Ctx) -> web.StreamResponse:
    """``DELETE /Call/{uuid}/Record/``: the call's running recordings end now."""
    core = ctx.core
    call = live_call(core, request)
    core.state(RecordingState).stop(call.uuid, core.clock())
    return web.Response(status=204)


def _in_call_media(event: str, required: str, message: str) -> Route:
    """Play (``urls``) and Speak (``text``) on a live call: the same shape of action."""

    async def start(request: web.Request, ctx: Ctx) -> web.StreamResponse:
        validate_in_call_media(ctx.body, required)
        call = live_call(ctx.core, request)
        call.events.setdefault(event, []).append(ctx.body)
        return ctx.core.json(202, {"message": message, "api_id": ctx.core.new_id()})

    return start


async def send_digits(request: web.Request, ctx: Ctx) -> web.StreamResponse:
    """``POST /Call/{uuid}/DTMF/``: ``digits`` required."""
    digits = validate_digits(ctx.body)
    call = live_call(ctx.core, request)
    call.events.setdefault("dtmf", []).append(digits)
    return ctx.core.json(202, {"message": "digits sent", "api_id": ctx.core.new_id()})


async def stop_action(request: web.Request, ctx: Ctx) -> web.StreamResponse:
    """``DELETE`` of Play/Speak: 204 on a live call."""
    live_call(ctx.core, request)
    return web.Response(status=204)


ROUTES = (
    RouteSpec("POST", ACCOUNT + "/Call", create_call, places_calls=True),
    RouteSpec("GET", ACCOUNT + "/Call", list_calls),
    RouteSpec("GET", CALL, get_call),
    RouteSpec("POST", CALL, transfer_call),
    RouteSpec("DELETE", CALL, hangup_call),
    RouteSpec("POST", CALL + "/Record", start_recording),
    RouteSpec("DELETE", CALL + "/Record", stop_recording),
    RouteSpec("POST", CALL + "/Play", _in_call_media("play", "urls", "play started")),
    RouteSpec("DELETE", CALL + "/Play", stop_action),
    RouteSpec("POST", CALL + "/Speak", _in_call_media("speak", "text", "speak started")),
    RouteSpec("DELETE", CALL + "/Speak", stop_action),
    RouteSpec("POST", CALL + "/DTMF", send_digits),
    RouteSpec("DELETE", ACCOUNT + "/Request/{request_uuid}", cancel_request),
)
"""The Call API's endpoints (served with and without a trailing slash)."""
