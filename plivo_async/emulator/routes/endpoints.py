"""SIP endpoints: ``Endpoint/`` under the account (state: ``state/endpoints.py``)."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from ..core import EmulatorCore
from ..http import Ctx, RouteSpec
from ..rules import BadRequest, validate_callback
from ..rules.endpoints import validate_endpoint
from ..state import ApplicationState, EndpointRecord, EndpointState
from ..state.endpoints import numeric_id
from ._paging import query_page
from .calls import ACCOUNT

__all__ = ["ROUTES"]

ENDPOINT = ACCOUNT + "/Endpoint/{endpoint_id}"


def _endpoint_of(request: web.Request, core: EmulatorCore) -> EndpointRecord:
    endpoint = core.state(EndpointState).endpoints.get(request.match_info["endpoint_id"])
    if endpoint is None:
        raise web.HTTPNotFound(reason="endpoint not found")
    return endpoint


def _check_app(core: EmulatorCore, fields: dict[str, Any]) -> None:
    app_id = fields.get("app_id")
    if app_id and app_id not in core.state(ApplicationState).applications:
        raise BadRequest(f"invalid app_id: no application {app_id}")


async def create_endpoint(request: web.Request, ctx: Ctx) -> web.StreamResponse:
    core = ctx.core
    fields = validate_endpoint(ctx.body, create=True)
    _check_app(core, fields)
    state = core.state(EndpointState)
    username = state.full_username(fields.pop("username"), core.clock())
    endpoint = EndpointRecord(
        endpoint_id=numeric_id(core.new_id(), 14), username=username, **fields
    )
    state.endpoints[endpoint.endpoint_id] = endpoint
    payload = {
        "alias": endpoint.alias,
        "api_id": core.new_id(),
        "endpoint_id": endpoint.endpoint_id,
        "message": "created",
        "username": username,
    }
    return core.json(201, payload)


async def list_endpoints(request: web.Request, ctx: Ctx) -> web.StreamResponse:
    core = ctx.core
    validate_callback(request.query)
    views = [e.view(core.auth_id) for e in core.state(EndpointState).endpoints.values()]
    path = f"/v1/Account/{core.auth_id}/Endpoint/"
    return core.json(200, {"api_id": core.new_id(), **query_page(request.query, views, path)})


async def get_endpoint(request: web.Request, ctx: Ctx) -> web.StreamResponse:
    core = ctx.core
    validate_callback(request.query)
    view = _endpoint_of(request, core).view(core.auth_id)
    return core.json(200, {"api_id": core.new_id(), **view})


async def update_endpoint(request: web.Request, ctx: Ctx) -> web.StreamResponse:
    core = ctx.core
    fields = validate_endpoint(ctx.body, create=False)
    _check_app(core, fields)
    endpoint = _endpoint_of(request, core)
    for name, value in fields.items():
        setattr(endpoint, name, value)
    return core.json(202, {"api_id": core.new_id(), "message": "changed"})


async def delete_endpoint(request: web.Request, ctx: Ctx) -> web.StreamResponse:
    validate_callback(ctx.body)
    endpoint = _endpoint_of(request, ctx.core)
    del ctx.core.state(EndpointState).endpoints[endpoint.endpoint_id]
    return web.Response(status=204)


ROUTES = (
    RouteSpec("POST", ACCOUNT + "/Endpoint", create_endpoint),
    RouteSpec("GET", ACCOUNT + "/Endpoint", list_endpoints),
    RouteSpec("GET", ENDPOINT, get_endpoint),
    RouteSpec("POST", ENDPOINT, update_endpoint),
    RouteSpec("DELETE", ENDPOINT, delete_endpoint),
)
"""The SIP endpoint API's endpoints (served with and without a trailing slash)."""
