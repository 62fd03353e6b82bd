"""What every route module uses: the route signature, its context and registration.

A route is a module-level ``async def route(request, ctx) -> web.StreamResponse``: the
middleware calls it after auth, the rate limit and fault injection, with ``ctx.core`` the
emulator's :class:`~plivo_async.emulator.core.EmulatorCore` (ids, clock, state, calls),
``ctx.body`` already parsed (a JSON object or a form, as a ``dict``; ``{}`` for GET) and
``ctx.rec`` the request's :class:`~plivo_async.emulator.history.RequestEntry`. An area
lists its routes as :class:`RouteSpec` values; :func:`add_route_specs` serves them.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from typing import Any, cast
from urllib.parse import parse_qsl

from aiohttp import web

from .core import EmulatorCore
from .history import RequestEntry
from .rules import BadRequest

__all__ = ["PLACING", "Ctx", "Handler", "Route", "RouteSpec", "add_route_specs", "parse_body"]

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


class Ctx:
    """What the middleware hands to a route: the emulator, the request's record and body."""

    __slots__ = ("body", "core", "rec")

    def __init__(self, core: EmulatorCore, rec: RequestEntry) -> None:
        self.core = core
        self.rec = rec
        self.body: dict[str, Any] = {}


Route = Callable[[web.Request, Ctx], Awaitable[web.StreamResponse]]

PLACING = web.AppKey("placing", set[Route])
"""Routes that place calls: ``FaultConfig(paths="calls")`` injects faults only into these."""


@dataclass(frozen=True, slots=True)
class RouteSpec:
    """One route of an area: ``method`` and absolute ``path`` served by ``route``.

    ``places_calls=True`` for every route that dials (Call create, MPC call/transfer, a
    conference or MPC participant added by the API): they count for ``paths="calls"``
    faults. The route must record each call it places through ``core.place(...)``.
    """

    method: str
    path: str
    route: Route
    places_calls: bool = False


def add_route_specs(app: web.Application, specs: Iterable[RouteSpec]) -> None:
    """Serve each route at its path with and without its trailing slash."""
    for spec in specs:
        # The middleware calls routes as route(request, ctx); aiohttp only stores them.
        handler = cast(Handler, spec.route)
        app.router.add_route(spec.method, spec.path, handler)
        app.router.add_route(spec.method, spec.path + "/", handler)
        if spec.places_calls:
            app[PLACING].add(spec.route)


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
