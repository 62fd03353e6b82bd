"""The account: ``GET``/``POST`` of ``Account/{auth_id}/`` itself (``state/account.py``).

Its ``cash_credits`` is the starting credit (``Emulator(cash_credit=...)``) less every
call billed so far, at the prices ``GET Pricing/`` serves.
"""

from __future__ import annotations

from aiohttp import web

from ..http import Ctx, RouteSpec
from ..rules.account import validate_account_update
from .calls import ACCOUNT

__all__ = ["ROUTES"]


async def get_account(request: web.Request, ctx: Ctx) -> web.StreamResponse:
    core = ctx.core
    view = core.account.view(core.auth_id, core.credit())
    return core.json(200, {"api_id": core.new_id(), **view})


async def update_account(request: web.Request, ctx: Ctx) -> web.StreamResponse:
    core = ctx.core
    core.account.details.update(validate_account_update(ctx.body))
    return core.json(202, {"api_id": core.new_id(), "message": "changed"})


ROUTES = (
    RouteSpec("GET", ACCOUNT, get_account),
    RouteSpec("POST", ACCOUNT, update_account),
)
"""The account API's endpoints (served with and without a trailing slash)."""
