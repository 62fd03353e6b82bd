"""Number lookup: ``GET /v1/Number/{number}?type=carrier``, Plivo's lookup host.

The emulator serves it at its own root, so a client with ``lookup_base_url=emu.url``
asks it; answers are derived from the number (``state/lookup.py``), 404 when invalid.
"""

from __future__ import annotations

from aiohttp import web

from ..http import Ctx, RouteSpec
from ..rules.lookup import validate_lookup_query
from ..state.lookup import LookupState

__all__ = ["ROUTES"]


async def lookup_number(request: web.Request, ctx: Ctx) -> web.StreamResponse:
    core = ctx.core
    validate_lookup_query(request.query)
    found = core.state(LookupState).answer(request.match_info["number"], core.prices)
    if found is None:
        raise web.HTTPNotFound(reason="phone number is invalid or does not exist")
    return core.json(200, {"api_id": core.new_id(), **found})


ROUTES = (RouteSpec("GET", "/v1/Number/{number}", lookup_number),)
"""The lookup endpoint (served with and without a trailing slash)."""
