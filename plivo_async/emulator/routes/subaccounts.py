"""Subaccounts: ``Subaccount/`` under the main account (state: ``state/subaccounts.py``).

Only the main account manages subaccounts: a subaccount's own credentials get 403 here.
Deleting one ends its credentials; ``cascade`` deletes its applications, otherwise they
move to the main account.
"""

from __future__ import annotations

from aiohttp import web

from ..core import EmulatorCore
from ..http import Ctx, RouteSpec
from ..rules import bool_field
from ..rules.subaccounts import validate_subaccount
from ..state import ApplicationState, SubaccountRecord, SubaccountState
from ..state.calls import format_time
from ._paging import query_page
from .calls import ACCOUNT

__all__ = ["ROUTES"]

SUBACCOUNT = ACCOUNT + "/Subaccount/{sub_id}"


def _state(request: web.Request, core: EmulatorCore) -> SubaccountState:
    """The subaccounts, if the main account asks (403 for a subaccount)."""
    if request.match_info["auth_id"] != core.auth_id:
        raise web.HTTPForbidden(reason="a subaccount cannot manage subaccounts")
    return core.subaccounts


def _subaccount_of(request: web.Request, core: EmulatorCore) -> SubaccountRecord:
    found = _state(request, core).subaccounts.get(request.match_info["sub_id"])
    if found is None:
        raise web.HTTPNotFound(reason="subaccount not found")
    return found


def _today(core: EmulatorCore) -> str:
    return format_time(core.clock())[:10]


async def create_subaccount(request: web.Request, ctx: Ctx) -> web.StreamResponse:
    core = ctx.core
    state = _state(request, core)
    name, enabled = validate_subaccount(ctx.body)
    auth_id = "SA" + core.new_id().replace("-", "").upper()[:18]
    token = (core.new_id() + core.new_id()).replace("-", "")[:40]
    state.subaccounts[auth_id] = SubaccountRecord(
        auth_id, token, name, bool(enabled), created=_today(core)
    )
    payload = {"api_id": core.new_id(), "auth_id": auth_id, "auth_token": token}
    return core.json(201, {**payload, "message": "created"})


async def list_subaccounts(request: web.Request, ctx: Ctx) -> web.StreamResponse:
    core = ctx.core
    views = [s.view(core.auth_id) for s in _state(request, core).subaccounts.values()]
    path = f"/v1/Account/{core.auth_id}/Subaccount/"
    return core.json(200, {"api_id": core.new_id(), **query_page(request.query, views, path)})


async def get_subaccount(request: web.Request, ctx: Ctx) -> web.StreamResponse:
    core = ctx.core
    view = _subaccount_of(request, core).view(core.auth_id)
    return core.json(200, {"api_id": core.new_id(), **view})


async def update_subaccount(request: web.Request, ctx: Ctx) -> web.StreamResponse:
    core = ctx.core
    record = _subaccount_of(request, core)
    name, enabled = validate_subaccount(ctx.body)
    record.name = name
    if enabled is not None:
        record.enabled = enabled
    record.modified = _today(core)
    return core.json(202, {"api_id": core.new_id(), "message": "changed"})


async def delete_subaccount(request: web.Request, ctx: Ctx) -> web.StreamResponse:
    core = ctx.core
    record = _subaccount_of(request, core)
    cascade = bool_field(ctx.body, "cascade")
    applications = core.state(ApplicationState).applications
    for app_id, app in list(applications.items()):
        if app.settings["sub_account"] == record.auth_id:
            if cascade:
                del applications[app_id]
            else:
                app.settings["sub_account"] = None
    del core.subaccounts.subaccounts[record.auth_id]
    return web.Response(status=204)


ROUTES = (
    RouteSpec("POST", ACCOUNT + "/Subaccount", create_subaccount),
    RouteSpec("GET", ACCOUNT + "/Subaccount", list_subaccounts),
    RouteSpec("GET", SUBACCOUNT, get_subaccount),
    RouteSpec("POST", SUBACCOUNT, update_subaccount),
    RouteSpec("DELETE", SUBACCOUNT, delete_subaccount),
)
"""The subaccount API's endpoints (served with and without a trailing slash)."""
