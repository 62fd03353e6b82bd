"""PHLO (phlorunner.plivo.com): get a PHLO or node, run it, multi-party-call actions.

State is :class:`~plivo_async.emulator.state.PhloState`: an unknown PHLO, node (or a node
of another type) or member is Plivo's 404, unless the emulator accepts any
(``any_phlo=True``).
"""

from __future__ import annotations

from collections.abc import Mapping

from aiohttp import web

from ..http import Ctx, RouteSpec
from ..rules import check_destination
from ..rules.phlo import validate_member_action, validate_mpc_action
from ..state import MemberState, PhloNode, PhloState, format_time

__all__ = ["BRIDGE", "MPC", "ROUTES"]

MPC = "/v1/phlo/{phlo_id}/multi_party_call/{node_id}"
BRIDGE = "/v1/phlo/{phlo_id}/conference_bridge/{node_id}"


def _phlo(ctx: Ctx, phlo_id: str) -> PhloState:
    """The PHLO state, once ``phlo_id`` is known to be a PHLO (else a 404)."""
    state = ctx.core.state(PhloState)
    if not state.knows(phlo_id):
        raise web.HTTPNotFound(reason="phlo not found")  # ids are the caller's: not echoed
    return state


def _known_node(ctx: Ctx, info: Mapping[str, str], node_type: str) -> PhloNode:
    """The node of the path, of ``node_type``: a 404 for an unknown PHLO or node."""
    phlo_id, node_id = info["phlo_id"], info["node_id"]
    node = _phlo(ctx, phlo_id).node(phlo_id, node_id, node_type)
    if node is None:
        raise web.HTTPNotFound(reason="node not found in this phlo (or of another type)")
    return node


async def get_phlo(request: web.Request, ctx: Ctx) -> web.StreamResponse:
    core = ctx.core
    phlo_id = request.match_info["phlo_id"]
    _phlo(ctx, phlo_id)
    return core.json(
        200,
        {
            "api_id": core.new_id(),
            "phlo_id": phlo_id,
            "name": f"emulated phlo {phlo_id}",
            "created_on": format_time(core.clock()),
        },
    )


def _node(ctx: Ctx, info: Mapping[str, str], node_type: str, name: str) -> web.Response:
    core = ctx.core
    _known_node(ctx, info, node_type)
    view = {"node_id": info["node_id"], "phlo_id": info["phlo_id"], "name": name}
    view.update(node_type=node_type, created_on=format_time(core.clock()))
    return core.json(200, {"api_id": core.new_id(), **view})


async def get_mpc_node(request: web.Request, ctx: Ctx) -> web.StreamResponse:
    return _node(ctx, request.match_info, "multi_party_call", "Multi-Party Call")


async def get_node(request: web.Request, ctx: Ctx) -> web.StreamResponse:
    """Any node by type (``phlo.node(type, id).get()``, e.g. a conference bridge)."""
    node_type = request.match_info["node_type"]
    return _node(ctx, request.match_info, node_type, node_type.replace("_", " ").title())


async def run_phlo(request: web.Request, ctx: Ctx) -> web.StreamResponse:
    """``POST /v1/account/{auth_id}/phlo/{phlo_id}``: accepted, nothing is dialled."""
    core = ctx.core
    phlo_id = request.match_info["phlo_id"]
    _phlo(ctx, phlo_id)
    api_id = core.new_id()
    message = f"phlo {phlo_id} with phlo_run_uuid: {api_id} executed"
    return core.json(201, {"phlo_id": phlo_id, "api_id": api_id, "message": message})


async def mpc_action(request: web.Request, ctx: Ctx) -> web.StreamResponse:
    """call / warm_transfer / cold_transfer: dial ``to`` and add it to the node (and
    ``trigger_source``, the member already in the call)."""
    core, info = ctx.core, request.match_info
    _known_node(ctx, info, "multi_party_call")
    action, to, role, trigger_source = validate_mpc_action(ctx.body)
    phlo_id, node_id = info["phlo_id"], info["node_id"]
    call = core.place(
        ctx.rec,
        from_=trigger_source,
        to=to,
        source="mpc",
        params={"role": role, "trigger_source": trigger_source},
        mpc=(phlo_id, node_id, action),
    )
    members = core.state(PhloState).node_members(phlo_id, node_id)
    members[to] = MemberState(to, role=role, call_uuid=call.uuid, actions=[action])
    source = members.setdefault(trigger_source, MemberState(trigger_source))
    if action == "cold_transfer":
        source.left = True
    return core.json(200, {"api_id": core.new_id(), "error": ""})


async def member_action(request: web.Request, ctx: Ctx) -> web.StreamResponse:
    """hold/unhold/mute/unmute/hangup/... of one member of the node."""
    core, info = ctx.core, request.match_info
    node_type = "conference_bridge" if "/conference_bridge/" in request.path else "multi_party_call"
    _known_node(ctx, info, node_type)
    member_id = info["member_id"]
    action = validate_member_action(ctx.body, member_id)
    check_destination("member_id", member_id)
    member = core.state(PhloState).member(info["phlo_id"], info["node_id"], member_id)
    if member is None:
        raise web.HTTPNotFound(reason="member not found in this node")
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


ROUTES = (
    RouteSpec("GET", "/v1/phlo/{phlo_id}", get_phlo),
    RouteSpec("GET", MPC, get_mpc_node),
    RouteSpec("POST", MPC, mpc_action, places_calls=True),
    RouteSpec("POST", MPC + "/members/{member_id}", member_action),
    RouteSpec("POST", "/v1/account/{auth_id}/phlo/{phlo_id}", run_phlo),
    # Conference bridge members take the same member actions (the SDK's phlo.member()).
    RouteSpec("POST", BRIDGE + "/members/{member_id}", member_action),
    RouteSpec("GET", "/v1/phlo/{phlo_id}/{node_type}/{node_id}", get_node),
)
"""PHLO's endpoints (served with and without a trailing slash)."""
