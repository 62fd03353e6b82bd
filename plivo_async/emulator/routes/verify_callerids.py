"""Verified caller ids: ``/v1/Account/{auth_id}/VerifiedCallerId/...``.

``POST VerifiedCallerId`` "sends" a code: tests read it with
``emu.state(VerifyCallerIdState).otp_for(verification_uuid)`` and post it to
``VerifiedCallerId/Verification/{uuid}``; a wrong code is a 400, and the number is a
verified caller id from then on (get, update, delete, list).
"""

from __future__ import annotations

from aiohttp import web

from ..core import EmulatorCore
from ..http import Ctx, add_route
from ..paging import page_meta
from ..rules import BadRequest, required_field, validate_list_query
from ..rules.verify_callerids import validate_initiate, validate_update
from ..state import PendingVerification, VerifyCallerIdState, format_time
from .calls import ACCOUNT

__all__ = ["VERIFIED", "add_routes"]

VERIFIED = ACCOUNT + "/VerifiedCallerId"


def add_routes(app: web.Application, core: EmulatorCore) -> None:
    """Initiate, verify, get, update, delete and list verified caller ids."""
    state = core.state(VerifyCallerIdState)

    def verified(request: web.Request) -> dict[str, object]:
        found = state.verified.get(request.match_info["phone_number"])
        if found is None:
            raise web.HTTPNotFound(reason="verified caller id not found")
        return found

    async def initiate(request: web.Request, ctx: Ctx) -> web.StreamResponse:
        fields = validate_initiate(ctx.body)
        verification_uuid = core.new_id()
        otp = str(int(verification_uuid.replace("-", ""), 16))[-6:]
        state.pending[verification_uuid] = PendingVerification(
            verification_uuid, fields["phone_number"], otp, fields
        )
        message = f"Verification code is sent to number {fields['phone_number']}"
        return core.json(
            201,
            {"api_id": core.new_id(), "message": message, "verification_uuid": verification_uuid},
        )

    async def verify(request: web.Request, ctx: Ctx) -> web.StreamResponse:
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
        record = {k: v for k, v in verified(request).items() if k != "channel"}
        return core.json(200, {"api_id": core.new_id(), **record})

    async def update(request: web.Request, ctx: Ctx) -> web.StreamResponse:
        record = verified(request)
        record.update(validate_update(ctx.body))
        record["modified_at"] = format_time(core.clock())
        return core.json(200, {"api_id": core.new_id(), **record})

    async def delete(request: web.Request, ctx: Ctx) -> web.StreamResponse:
        verified(request)
        del state.verified[request.match_info["phone_number"]]
        return web.Response(status=204)

    async def list_verified(request: web.Request, ctx: Ctx) -> web.StreamResponse:
        limit, offset = validate_list_query(request.query)
        records = list(reversed(state.verified.values()))
        for name in ("country", "alias", "subaccount"):
            if name in request.query:
                records = [r for r in records if r.get(name) == request.query[name]]
        meta = page_meta(request.path, limit, offset, len(records))
        page = records[offset : offset + limit]
        return core.json(200, {"api_id": core.new_id(), "meta": meta, "objects": page})

    add_route(app, "POST", VERIFIED, initiate)
    add_route(app, "GET", VERIFIED, list_verified)
    add_route(app, "POST", VERIFIED + "/Verification/{verification_uuid}", verify)
    add_route(app, "GET", VERIFIED + "/{phone_number}", get)
    add_route(app, "POST", VERIFIED + "/{phone_number}", update)
    add_route(app, "DELETE", VERIFIED + "/{phone_number}", delete)
