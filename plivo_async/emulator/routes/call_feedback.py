"""Call quality feedback: ``POST /v1/Call/{call_uuid}/Feedback`` (Plivo's stats host).

Point the client's ``callinsights_base_url`` at the emulator: it serves the feedback path
beside the account API. Unknown calls are a 404, a bad rating or issue list a 422 (as
Plivo documents); what was received is in ``emu.state(CallFeedbackState).received``.
"""

from __future__ import annotations

from aiohttp import web

from ..core import EmulatorCore
from ..http import Ctx, add_route
from ..rules.call_feedback import validate_feedback
from ..state import CallFeedbackState, Feedback

__all__ = ["FEEDBACK", "add_routes"]

FEEDBACK = "/v1/Call/{call_uuid}/Feedback"


def add_routes(app: web.Application, core: EmulatorCore) -> None:
    """Receive feedback on calls the emulator placed."""
    state = core.state(CallFeedbackState)

    async def create(request: web.Request, ctx: Ctx) -> web.StreamResponse:
        call_uuid = request.match_info["call_uuid"]
        if core.calls.get(call_uuid) is None:
            raise web.HTTPNotFound(reason="Please check the Call UUID")
        rating, issues, notes = validate_feedback(ctx.body)
        state.received.append(Feedback(call_uuid, rating, issues, notes))
        return core.json(
            201,
            {"api_id": core.new_id(), "message": "Feedback has been posted", "status": "success"},
        )

    add_route(app, "POST", FEEDBACK, create)
