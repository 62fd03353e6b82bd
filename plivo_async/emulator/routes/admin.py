"""``/__emulator__/``: stats, arrival times, reset and faults (for a child emulator)."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from ..faults import FaultConfig
from ..http import Ctx, RouteSpec
from ..rules import BadRequest, int_field

__all__ = ["ROUTES", "fault_config_from_json"]


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


async def admin_stats(request: web.Request, ctx: Ctx) -> web.StreamResponse:
    return ctx.core.json(200, ctx.core.history.summary())


async def admin_calls(request: web.Request, ctx: Ctx) -> web.StreamResponse:
    """Arrival times (its clock) of every call placed and every API request, since reset.

    What a test in another process needs to check a limit where Plivo counts it.
    """
    history = ctx.core.history
    calls = [{"to": c.to, "time": c.time, "source": c.source} for c in history.calls]
    requests = [
        {"time": r.time, "method": r.method, "path": r.path, "query": r.query}
        for r in history.requests
        if not r.path.startswith("/__emulator__")
    ]
    payload = {"calls": calls, "requests": requests, "max_in_1s": history.max_calls_in_window()}
    return ctx.core.json(200, payload)


async def admin_reset(request: web.Request, ctx: Ctx) -> web.StreamResponse:
    ctx.core.reset()
    return web.Response(status=204)


async def admin_faults(request: web.Request, ctx: Ctx) -> web.StreamResponse:
    ctx.core.faults = fault_config_from_json(ctx.body)
    return web.Response(status=204)


ROUTES = (
    RouteSpec("GET", "/__emulator__/stats", admin_stats),
    RouteSpec("GET", "/__emulator__/calls", admin_calls),
    RouteSpec("POST", "/__emulator__/reset", admin_reset),
    RouteSpec("PUT", "/__emulator__/faults", admin_faults),
)
"""Admin routes (same Basic auth as the API; never faulted: they are not under /v1/)."""
