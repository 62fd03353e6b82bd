"""SIP endpoints: ``Endpoint/`` under the account (state: ``state/endpoints.py``)."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from ..core import EmulatorCore
from ..http import Ctx, add_route
from ..rules import BadRequest
from ..rules.endpoints import validate_endpoint
from ..state import ApplicationState, EndpointRecord, EndpointState
from ..state.endpoints import numeric_id
from ._pages import list_page
from .calls import ACCOUNT

__all__ = ["add_routes"]

ENDPOINT = ACCOUNT + "/Endpoint/{endpoint_id}"


def add_routes(app: web.Application, core: EmulatorCore) -> None:
    """Serve ``Endpoint/`` and ``Endpoint/{endpoint_id}/``."""

    def endpoints() -> EndpointState:
        return core.state(EndpointState)

    def endpoint_of(request: web.Request) -> EndpointRecord:
        endpoint = endpoints().endpoints.get(request.match_info["endpoint_id"])
        if endpoint is None:
            raise web.HTTPNotFound(reason="endpoint not found")
        return endpoint

    def check_app(fields: dict[str, Any]) -> None:
        app_id = fields.get("app_id")
        if app_id and app_id not in core.state(ApplicationState).applications:
            raise BadRequest(f"invalid app_id: no application {app_id}")

    async def create_endpoint(request: web.Request, ctx: Ctx) -> web.StreamResponse:
        fields = validate_endpoint(ctx.body, create=True)
        check_app(fields)
        state = endpoints()
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
        views = [e.view(core.auth_id) for e in endpoints().endpoints.values()]
        return list_page(core, request.query, views, "Endpoint")

    async def get_endpoint(request: web.Request, ctx: Ctx) -> web.StreamResponse:
        view = endpoint_of(request).view(core.auth_id)
        return core.json(200, {"api_id": core.new_id(), **view})

    async def update_endpoint(request: web.Request, ctx: Ctx) -> web.StreamResponse:
        fields = validate_endpoint(ctx.body, create=False)
        check_app(fields)
        endpoint = endpoint_of(request)
        for name, value in fields.items():
            setattr(endpoint, name, value)
        return core.json(202, {"api_id": core.new_id(), "message": "changed"})

    async def delete_endpoint(request: web.Request, ctx: Ctx) -> web.StreamResponse:
        endpoint = endpoint_of(request)
        del endpoints().endpoints[endpoint.endpoint_id]
        return web.Response(status=204)

    add_route(app, "POST", ACCOUNT + "/Endpoint", create_endpoint)
    add_route(app, "GET", ACCOUNT + "/Endpoint", list_endpoints)
    add_route(app, "GET", ENDPOINT, get_endpoint)
    add_route(app, "POST", ENDPOINT, update_endpoint)
    add_route(app, "DELETE", ENDPOINT, delete_endpoint)
