"""``/__emulator__/``: stats, reset and faults, for an emulator in another process."""

from __future__ import annotations

from aiohttp import web

from ..core import EmulatorCore
from ..faults import FaultConfig
from ..http import Ctx, add_route
from ..rules import BadRequest

__all__ = ["add_routes"]


def add_routes(app: web.Application, core: EmulatorCore) -> None:
    """Admin routes (same Basic auth as the API; never faulted: they are not under /v1/)."""

    async def admin_stats(request: web.Request, ctx: Ctx) -> web.StreamResponse:
        return core.json(200, core.records.summary())

    async def admin_reset(request: web.Request, ctx: Ctx) -> web.StreamResponse:
        core.reset()
        return web.Response(status=204)

    async def admin_faults(request: web.Request, ctx: Ctx) -> web.StreamResponse:
        body = dict(ctx.body)
        for key in ("latency_ms", "server_errors"):
            if isinstance(body.get(key), list):
                body[key] = tuple(body[key])
        if isinstance(body.get("schedule"), dict):
            body["schedule"] = {int(k): v for k, v in body["schedule"].items()}
        try:
            core.faults = FaultConfig(**body)
        except (TypeError, ValueError) as exc:
            raise BadRequest(str(exc)) from None
        return web.Response(status=204)

    add_route(app, "GET", "/__emulator__/stats", admin_stats)
    add_route(app, "POST", "/__emulator__/reset", admin_reset)
    add_route(app, "PUT", "/__emulator__/faults", admin_faults)
