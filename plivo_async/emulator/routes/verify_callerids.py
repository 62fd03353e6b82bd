"""Verified caller ids: ``/v1/Account/{auth_id}/VerifiedCallerId/...``.

``POST VerifiedCallerId`` "sends" a code: tests read it with
``emu.state(VerifyCallerIdState).otp_for(verification_uuid)`` and post it to
``VerifiedCallerId/Verification/{uuid}``; a wrong code is a 400, and the number is a
verified caller id from then on (get, update, delete, list).
"""

from __future__ import annotations

from aiohttp import web

from ..core import EmulatorCore
from ..http import Ctx, RouteSpec
from ..rules import BadRequest, required_field
from ..rules.verify_callerids import validate_initiate, validate_update
from ..state import PendingVerification, VerifyCallerIdState, format_time
from ._paging import query_page
from .calls import ACCOUNT

__all__ = ["ROUTES", "VERIFIED"]

VERIFIED = ACCOUNT + "/VerifiedCallerId"


def _verified(request: web.Request, core: EmulatorCore) -> dict[str, object]:
    found = core.state(VerifyCallerIdState).verified.get(request.match_info["phone_number"])
    if found is None:
        raise web.HTTPNotFound(reason="verified caller id not found")
    return found


async def initiate(request: web.Request, ctx: Ctx) -> web.StreamResponse:
    core = ctx.core
    fields = validate_initiate(ctx.body)
    verification_uuid = core.new_id()
    otp = str(int(verification_uuid.replace("-", ""), 16))[-6:]
    core.state(VerifyCallerIdState).pending[verification_uuid] = PendingVerification(
        verification_uuid, fields["phone_number"], otp, fields
    )
    message = f"Verification code is sent to number {fields['phone_number']}"
    return core.json(
        201,
        {"api_id": core.new_id(), "message": message, "verification_uuid": verification_uuid},
    )


async def verify(request: web.Request, ctx: Ctx) -> web.StreamResponse:
    core = ctx.core
    state = core.state(VerifyCallerIdState)
    pending = state.pending.get(request.match_info["verification_uuid"])
    if pending is None:
        raise web.HTTPNotFound(reason="verification not found")
    if required_field(ctx.body, "otp") != pending.otp:
        raise BadRequest("Invalid OTP")
    del state.pending[pending.verification_uuid]
    now = format_time(core.clock())
    record: dict[str, object] = {
        "alias": None,
        "country": None,
        "subaccount": None,
        **pending.fields,
        "verification_uuid": pending.verification_uuid,
        "created_at": now,
        "modified_at": now,
    }
    state.verified[pending.phone_number] = record
    return core.json(200, {"api_id": core.new_id(), **record})


async def get(request: web.Request, ctx: Ctx) -> web.StreamResponse:
    record = {k: v for k, v in _verified(request, ctx.core).items() if k != "channel"}
    return ctx.core.json(200, {"api_id": ctx.core.new_id(), **record})


async def update(request: web.Request, ctx: Ctx) -> web.StreamResponse:
    core = ctx.core
    record = _verified(request, core)
    record.update(validate_update(ctx.body))
    record["modified_at"] = format_time(core.clock())
    return core.json(200, {"api_id": core.new_id(), **record})


async def delete(request: web.Request, ctx: Ctx) -> web.StreamResponse:
    _verified(request, ctx.core)
    del ctx.core.state(VerifyCallerIdState).verified[request.match_info["phone_number"]]
    return web.Response(status=204)


async def list_verified(request: web.Request, ctx: Ctx) -> web.StreamResponse:
    core, query = ctx.core, request.query
    records = list(reversed(core.state(VerifyCallerIdState).verified.values()))
    for name in ("country", "alias", "subaccount"):
        if name in query:
            records = [r for r in records if r.get(name) == query[name]]
    return core.json(200, {"api_id": core.new_id(), **query_page(query, records, request.path)})


ROUTES = (
    RouteSpec("POST", VERIFIED, initiate),
    RouteSpec("GET", VERIFIED, list_verified),
    RouteSpec("POST", VERIFIED + "/Verification/{verification_uuid}", verify),
    RouteSpec("GET", VERIFIED + "/{phone_number}", get),
    RouteSpec("POST", VERIFIED + "/{phone_number}", update),
    RouteSpec("DELETE", VERIFIED + "/{phone_number}", delete),
)
"""Initiate, verify, get, update, delete and list verified caller ids."""
