"""Voice pricing: ``GET Pricing/?country_iso=`` (the table is ``state/pricing.py``)."""

from __future__ import annotations

from aiohttp import web

from ..http import Ctx, RouteSpec
from ..rules.pricing import validate_pricing_query
from .calls import ACCOUNT

__all__ = ["ROUTES"]


async def get_pricing(request: web.Request, ctx: Ctx) -> web.StreamResponse:
    core = ctx.core
    country_iso = validate_pricing_query(request.query)
    prices = core.prices.countries.get(country_iso)
    if prices is None:
        raise web.HTTPNotFound(reason=f"no pricing for country {country_iso}")
    return core.json(200, {"api_id": core.new_id(), **prices.view(country_iso)})


ROUTES = (RouteSpec("GET", ACCOUNT + "/Pricing", get_pricing),)
"""The pricing API's endpoint (served with and without a trailing slash)."""
