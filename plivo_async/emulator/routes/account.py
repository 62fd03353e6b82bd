"""The account: ``GET``/``POST`` of ``Account/{auth_id}/`` itself (``state/account.py``).

Its ``cash_credits`` is the starting credit (``Emulator(cash_credit=...)``) less every
call billed so far, at the prices ``GET Pricing/`` serves. A subaccount asking for its
own ``Account/{SA...}/`` gets its auth id and name, and the credit it spends (the main
account's); it changes its details through ``Subaccount/`` (403 here).
"""

from __future__ import annotations

from aiohttp import web

from ..http import Ctx, RouteSpec
from ..rules.account import validate_account_update
from .calls import ACCOUNT

__all__ = ["ROUTES"]


async def get_account(request: web.Request, ctx: Ctx) -> web.StreamResponse:
    core = ctx.core
    auth_id = request.match_info["auth_id"]
    view = core.account.view(auth_id, core.credit())
    sub = core.subaccounts.subaccounts.get(auth_id)
    if sub is not None:  # authenticated as itself, so it exists
        view["name"] = sub.name
    return core.json(200, {"api_id": core.new_id(), **view})


async def update_account(request: web.Request, ctx: Ctx) -> web.StreamResponse:
    core = ctx.core
    if request.match_info["auth_id"] != core.auth_id:
        raise web.HTTPForbidden(reason="a subaccount changes its details via Subaccount/")
    core.account.details.update(validate_account_update(ctx.body))
    return core.json(202, {"api_id": core.new_id(), "message": "changed"})


ROUTES = (
    RouteSpec("GET", ACCOUNT, get_account),
    RouteSpec("POST", ACCOUNT, update_account),
)
"""The account API's endpoints (served with and without a trailing slash)."""
