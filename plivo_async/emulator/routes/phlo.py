"""PHLO (phlorunner.plivo.com): get a PHLO or node, run it, multi-party-call actions."""

from __future__ import annotations

from aiohttp import web

from ..core import EmulatorCore
from ..http import Ctx, add_route
from ..rules import check_destination
from ..rules.phlo import validate_member_action, validate_mpc_action
from ..state import MemberState, PhloState, format_time

__all__ = ["BRIDGE", "MPC", "add_routes"]

MPC = "/v1/phlo/{phlo_id}/multi_party_call/{node_id}"
BRIDGE = "/v1/phlo/{phlo_id}/conference_bridge/{node_id}"


def add_routes(app: web.Application, core: EmulatorCore) -> None:
    """Serve ``/v1/phlo/...`` and the PHLO run endpoint under ``/v1/account/``."""
    phlo = core.state(PhloState)

    async def get_phlo(request: web.Request, ctx: Ctx) -> web.StreamResponse:
        phlo_id = request.match_info["phlo_id"]
        return core.json(
            200,
            {
                "api_id": core.new_id(),
                "phlo_id": phlo_id,
                "name": f"emulated phlo {phlo_id}",
                "created_on": format_time(core.clock()),
            },
        )

    async def get_mpc_node(request: web.Request, ctx: Ctx) -> web.StreamResponse:
        info = request.match_info
        return core.json(
            200,
            {
                "api_id": core.new_id(),
                "node_id": info["node_id"],
                "phlo_id": info["phlo_id"],
                "name": "Multi-Party Call",
                "node_type": "multi_party_call",
                "created_on": format_time(core.clock()),
            },
        )

    async def get_node(request: web.Request, ctx: Ctx) -> web.StreamResponse:
        """Any node by type (``phlo.node(type, id).get()``, e.g. a conference bridge)."""
        info = request.match_info
        return core.json(
            200,
            {
                "api_id": core.new_id(),
                "node_id": info["node_id"],
                "phlo_id": info["phlo_id"],
                "name": info["node_type"].replace("_", " ").title(),
                "node_type": info["node_type"],
                "created_on": format_time(core.clock()),
            },
        )

    async def run_phlo(request: web.Request, ctx: Ctx) -> web.StreamResponse:
        """``POST /v1/account/{auth_id}/phlo/{phlo_id}``: accepted, nothing is dialled."""
        phlo_id = request.match_info["phlo_id"]
        api_id = core.new_id()
        message = f"phlo {phlo_id} with phlo_run_uuid: {api_id} executed"
        return core.json(201, {"phlo_id": phlo_id, "api_id": api_id, "message": message})

    async def mpc_action(request: web.Request, ctx: Ctx) -> web.StreamResponse:
        """call / warm_transfer / cold_transfer: dial ``to`` and add it to the node."""
        action, to, role, trigger_source = validate_mpc_action(ctx.body)
        info = request.match_info
        phlo_id, node_id = info["phlo_id"], info["node_id"]
        call = core.place(
            ctx.rec,
            from_=trigger_source,
            to=to,
            source="mpc",
            params={"role": role, "trigger_source": trigger_source},
            mpc=(phlo_id, node_id, action),
        )
        members = phlo.node_members(phlo_id, node_id)
        members[to] = MemberState(to, role=role, call_uuid=call.uuid, actions=[action])
        if action == "cold_transfer" and trigger_source in members:
            members[trigger_source].left = True
        return core.json(200, {"api_id": core.new_id(), "error": ""})

    async def member_action(request: web.Request, ctx: Ctx) -> web.StreamResponse:
        """hold/unhold/mute/unmute/hangup/... of one member of the node."""
        info = request.match_info
        member_id = info["member_id"]
        action = validate_member_action(ctx.body, member_id)
        check_destination("member_id", member_id)
        members = phlo.node_members(info["phlo_id"], info["node_id"])
        member = members.setdefault(member_id, MemberState(member_id))
        member.actions.append(action)
        if action in ("hold", "unhold"):
            member.on_hold = action == "hold"
        elif action in ("mute", "unmute"):
            member.muted = action == "mute"
        elif action == "resume_call":
            member.on_hold = False
        elif action in ("hangup", "voicemail_drop"):
            member.left = True
            call = core.calls.get(member.call_uuid) if member.call_uuid else None
            if call is not None:
                core.hang_up(call)
        return core.json(200, {"api_id": core.new_id(), "error": ""})

    add_route(app, "GET", "/v1/phlo/{phlo_id}", get_phlo)
    add_route(app, "GET", MPC, get_mpc_node)
    add_route(app, "POST", MPC, mpc_action, places_calls=True)
    add_route(app, "POST", MPC + "/members/{member_id}", member_action)
    add_route(app, "POST", "/v1/account/{auth_id}/phlo/{phlo_id}", run_phlo)
    # Conference bridge members take the same member actions (the SDK's phlo.member()).
    add_route(app, "POST", BRIDGE + "/members/{member_id}", member_action)
    add_route(app, "GET", "/v1/phlo/{phlo_id}/{node_type}/{node_id}", get_node)
