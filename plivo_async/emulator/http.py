"""What every route module uses: the route signature, its context and registration.

A route is ``async def route(request, ctx) -> web.StreamResponse``: the middleware calls
it after auth, the rate limit and fault injection, with ``ctx.body`` already parsed (a
JSON object or a form, as a ``dict``; ``{}`` for GET) and ``ctx.rec`` the request's
:class:`~plivo_async.emulator.records.RequestRecord`.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from typing import Any, cast
from urllib.parse import parse_qsl

from aiohttp import web

from .records import RequestRecord
from .rules import BadRequest

__all__ = ["PLACING", "Ctx", "Handler", "Route", "add_route", "parse_body"]

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


class Ctx:
    """What the middleware hands to a route: the request's record and parsed body."""

    __slots__ = ("body", "rec")

    def __init__(self, rec: RequestRecord) -> None:
        self.rec = rec
        self.body: dict[str, Any] = {}


Route = Callable[[web.Request, Ctx], Awaitable[web.StreamResponse]]

PLACING = web.AppKey("placing", set[Route])
"""Routes that place calls: ``FaultConfig(paths="calls")`` injects faults only into these."""


def add_route(
    app: web.Application, method: str, path: str, route: Route, *, places_calls: bool = False
) -> None:
    """Serve ``route`` at ``path`` with and without its trailing slash.

    ``places_calls=True`` for every route that dials (Call create, MPC call/transfer, a
    conference or MPC participant added by the API): they count for ``paths="calls"``
    faults. The route must record each call it places through ``core.place(...)``.
    """
    # The middleware calls routes as route(request, ctx); aiohttp only stores them.
    handler = cast(Handler, route)
    app.router.add_route(method, path, handler)
    app.router.add_route(method, path + "/", handler)
    if places_calls:
        app[PLACING].add(route)


def parse_body(raw: bytes, content_type: str) -> dict[str, Any]:
    """A request body as a ``dict``: a JSON object or a urlencoded form (str values only).

    Anything else is a :class:`BadRequest` (400), never an exception from the parser.
    """
    if not raw.strip():
        return {}
    if content_type == "application/x-www-form-urlencoded":
        return _form(raw)
    try:
        data = json.loads(raw)
    except (ValueError, RecursionError):  # UnicodeDecodeError is a ValueError
        raise BadRequest("request body is not valid JSON") from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise BadRequest("request body must be a JSON object")
    return data


def _form(raw: bytes) -> dict[str, Any]:
    try:
        text = raw.rstrip().decode("utf-8")
        pairs = parse_qsl(text, keep_blank_values=True, encoding="utf-8", errors="strict")
    except (UnicodeDecodeError, ValueError):
        raise BadRequest("request body is not a valid UTF-8 urlencoded form") from None
    return dict(pairs)
