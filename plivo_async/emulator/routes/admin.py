"""``/__emulator__/``: stats, reset and faults, for an emulator in another process."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from ..core import EmulatorCore
from ..faults import FaultConfig
from ..http import Ctx, add_route
from ..rules import BadRequest, int_field

__all__ = ["add_routes", "fault_config_from_json"]


def fault_config_from_json(body: dict[str, Any]) -> FaultConfig:
    """A :class:`FaultConfig` from JSON (lists for tuples, string keys for a schedule).

    Anything :class:`FaultConfig` refuses, and a schedule key that is not a decimal
    request position, is a :class:`BadRequest`.
    """
    fields = dict(body)
    for key in ("latency_ms", "server_errors"):
        if isinstance(fields.get(key), list):
            fields[key] = tuple(fields[key])
    schedule = fields.get("schedule")
    if isinstance(schedule, dict):
        positions = {key: int_field({"schedule key": key}, "schedule key", 0) for key in schedule}
        if None in positions.values():
            raise BadRequest("schedule keys must be request positions (integers >= 0)")
        fields["schedule"] = {positions[key]: name for key, name in schedule.items()}
    try:
        return FaultConfig(**fields)
    except (TypeError, ValueError) as exc:
        raise BadRequest(f"invalid fault config: {exc}") from None


def add_routes(app: web.Application, core: EmulatorCore) -> None:
    """Admin routes (same Basic auth as the API; never faulted: they are not under /v1/)."""

    async def admin_stats(request: web.Request, ctx: Ctx) -> web.StreamResponse:
        return core.json(200, core.records.summary())

    async def admin_reset(request: web.Request, ctx: Ctx) -> web.StreamResponse:
        core.reset()
        return web.Response(status=204)

    async def admin_faults(request: web.Request, ctx: Ctx) -> web.StreamResponse:
        core.faults = fault_config_from_json(ctx.body)
        return web.Response(status=204)

    add_route(app, "GET", "/__emulator__/stats", admin_stats)
    add_route(app, "POST", "/__emulator__/reset", admin_reset)
    add_route(app, "PUT", "/__emulator__/faults", admin_faults)
