"""Applications: ``Application/`` under the account (state: ``state/applications.py``)."""

from __future__ import annotations

from aiohttp import web

from ..core import EmulatorCore
from ..http import Ctx, RouteSpec
from ..rules import BadRequest, bool_field, text_field, validate_callback
from ..rules.applications import validate_application
from ..state import ApplicationRecord, ApplicationState, EndpointState
from ..state.endpoints import numeric_id
from ._paging import query_page
from .calls import ACCOUNT

__all__ = ["ROUTES"]

APPLICATION = ACCOUNT + "/Application/{app_id}"


def _application_of(request: web.Request, core: EmulatorCore) -> ApplicationRecord:
    found = core.state(ApplicationState).applications.get(request.match_info["app_id"])
    if found is None:
        raise web.HTTPNotFound(reason="application not found")
    return found


async def create_application(request: web.Request, ctx: Ctx) -> web.StreamResponse:
    core = ctx.core
    fields = validate_application(ctx.body, create=True)
    state = core.state(ApplicationState)
    name = fields.pop("app_name")
    if state.by_name(name) is not None:
        raise BadRequest(f"an application named {name!r} already exists")
    record = ApplicationRecord(app_id=numeric_id(core.new_id(), 17), app_name=name)
    state.apply(record, fields)
    state.applications[record.app_id] = record
    return core.json(201, {"api_id": core.new_id(), "app_id": record.app_id, "message": "created"})


async def list_applications(request: web.Request, ctx: Ctx) -> web.StreamResponse:
    core, query = ctx.core, request.query
    validate_callback(query)
    selected = [
        a.view(core.auth_id)
        for a in core.state(ApplicationState).applications.values()
        if query.get("app_name") in (None, a.app_name)
        and query.get("subaccount") in (None, a.settings["sub_account"])
    ]
    path = f"/v1/Account/{core.auth_id}/Application/"
    return core.json(200, {"api_id": core.new_id(), **query_page(query, selected, path)})


async def get_application(request: web.Request, ctx: Ctx) -> web.StreamResponse:
    core = ctx.core
    validate_callback(request.query)
    view = _application_of(request, core).view(core.auth_id)
    return core.json(200, {"api_id": core.new_id(), **view})


async def update_application(request: web.Request, ctx: Ctx) -> web.StreamResponse:
    core = ctx.core
    fields = validate_application(ctx.body, create=False)
    core.state(ApplicationState).apply(_application_of(request, core), fields)
    return core.json(202, {"api_id": core.new_id(), "message": "changed"})


async def delete_application(request: web.Request, ctx: Ctx) -> web.StreamResponse:
    """``cascade`` (default true) deletes its endpoints; else they move or detach."""
    core = ctx.core
    validate_callback(ctx.body)
    record = _application_of(request, core)
    state = core.state(ApplicationState)
    cascade = bool_field(ctx.body, "cascade")
    target = text_field(ctx.body, "new_endpoint_application")
    if target is not None and target not in state.applications:
        raise BadRequest(f"invalid new_endpoint_application: no application {target}")
    endpoints = core.state(EndpointState).endpoints
    for endpoint_id, endpoint in list(endpoints.items()):
        if endpoint.app_id != record.app_id:
            continue
        if cascade is False:
            endpoint.app_id = target
        else:
            del endpoints[endpoint_id]
    del state.applications[record.app_id]
    return web.Response(status=204)


ROUTES = (
    RouteSpec("POST", ACCOUNT + "/Application", create_application),
    RouteSpec("GET", ACCOUNT + "/Application", list_applications),
    RouteSpec("GET", APPLICATION, get_application),
    RouteSpec("POST", APPLICATION, update_application),
    RouteSpec("DELETE", APPLICATION, delete_application),
)
"""The application API's endpoints (served with and without a trailing slash)."""
