"""Call quality feedback: ``POST /v1/Call/{call_uuid}/Feedback`` (Plivo's stats host).

Point the client's ``callinsights_base_url`` at the emulator: it serves the feedback path
beside the account API. Unknown calls are a 404, a bad rating or issue list a 422 (as
Plivo documents); what was received is in ``emu.state(CallFeedbackState).received``.
"""

from __future__ import annotations

from aiohttp import web

from ..http import Ctx, RouteSpec
from ..rules.call_feedback import validate_feedback
from ..state import CallFeedbackState, Feedback

__all__ = ["FEEDBACK", "ROUTES"]

FEEDBACK = "/v1/Call/{call_uuid}/Feedback"


async def create(request: web.Request, ctx: Ctx) -> web.StreamResponse:
    core = ctx.core
    call_uuid = request.match_info["call_uuid"]
    if core.calls.get(call_uuid) is None:
        raise web.HTTPNotFound(reason="Please check the Call UUID")
    rating, issues, notes = validate_feedback(ctx.body)
    core.state(CallFeedbackState).received.append(Feedback(call_uuid, rating, issues, notes))
    return core.json(
        201,
        {"api_id": core.new_id(), "message": "Feedback has been posted", "status": "success"},
    )


ROUTES = (RouteSpec("POST", FEEDBACK, create),)
"""Feedback on calls the emulator placed."""
