"""The one middleware every request passes: record it, inject faults, auth, limits, body.

Order, as on a real API front: the request is recorded on arrival and its whole body
received; from then on it is processed even if the client leaves (shielded from the
handler's cancellation, as Plivo holding the request would place the call). The fault
injector decides (latency, then a fault before processing); credentials are checked
(401) and the account's request window (429); the body is parsed (400 when unreadable:
bad JSON, invalid UTF-8); the route runs and a
:class:`~plivo_async.emulator.rules.BadRequest` it raises becomes Plivo's 400
(``web.HTTPException`` becomes the same shape with its status); a fault after processing
replaces the answer last. What a fault does is its kind's own behaviour
(``faults.FAULT_KINDS``). Routes therefore never check auth or catch their own errors.
"""

from __future__ import annotations

import asyncio
import time
from typing import cast

from aiohttp import web
from aiohttp.typedefs import Middleware

from .core import EmulatorCore
from .faults import NO_FAULT, drop_connection
from .history import RequestEntry
from .http import PLACING, Ctx, Handler, Route, parse_body
from .rules import BadRequest

__all__ = ["emulator_middleware"]


def emulator_middleware(core: EmulatorCore) -> Middleware:
    """The middleware of ``core``'s app (see the module docstring for what it does)."""

    @web.middleware
    async def middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
        query = dict(request.query) if request.query_string else {}
        rec = RequestEntry(
            core.history.requests.total,  # kept or dropped since, every request counts
            request.method,
            request.path,
            query,
            core.clock(),
            time.monotonic(),
        )
        core.history.requests.append(rec)
        body = await _receive(request)
        # Like Plivo, which holds the whole request: once it has arrived it is processed,
        # even if the client gives up meanwhile (e.g. during injected latency).
        return await asyncio.shield(_respond(core, request, rec, body))

    return middleware


async def _receive(request: web.Request) -> bytes | web.HTTPException | None:
    """The whole body (b"" for GET); None if the client left before sending all of it."""
    if request.method == "GET" or not request.body_exists:
        return b""
    try:
        return await request.read()
    except web.HTTPException as exc:  # 413: over client_max_size
        return exc
    except ConnectionError:
        return None


async def _respond(
    core: EmulatorCore,
    request: web.Request,
    rec: RequestEntry,
    body: bytes | web.HTTPException | None,
) -> web.StreamResponse:
    match = request.match_info
    route = None if match.http_exception is not None else cast(Route, match.route.handler)
    decision = NO_FAULT
    injector = core.injector
    if request.path.startswith("/v1/") and (
        injector.config.paths == "all" or route in request.app[PLACING]
    ):
        decision = injector.decide()
        if decision.name is not None:
            core.history.add_fault(rec, decision.name)
    if decision.latency:
        await core.sleep(decision.latency)
    kind = decision.kind
    if body is None:  # never fully received: nothing to process, nobody to answer
        return drop_connection(request)
    if kind is not None and not kind.after:
        return kind.act(request, rec, core)
    if route is None:
        unrouted = match.http_exception
        status, reason = (unrouted.status, unrouted.reason) if unrouted else (404, "Not Found")
        response: web.StreamResponse = core.error(status, reason)
    else:
        try:
            response = await _process(core, request, route, Ctx(core, rec), body)
        except web.HTTPException as exc:
            response = core.error(exc.status, exc.reason)
    if kind is not None:  # after processing
        return kind.act(request, rec, core)
    rec.status = response.status
    return response


async def _process(
    core: EmulatorCore,
    request: web.Request,
    route: Route,
    ctx: Ctx,
    body: bytes | web.HTTPException,
) -> web.StreamResponse:
    rec = ctx.rec
    if not core.credentials.accept(request):
        return core.error(401, "authentication failed: check auth_id and auth_token")
    if core.window is not None and not core.window.admit(rec.time):
        if rec.fault is None:
            core.history.add_fault(rec, "rate_limited")
        return core.error(429, "too many requests: account limit exceeded")
    if isinstance(body, web.HTTPException):
        raise body
    try:
        if request.method != "GET":
            rec.body = ctx.body = parse_body(body, request.content_type)
        return await route(request, ctx)
    except BadRequest as exc:
        return core.error(400, exc.message)
