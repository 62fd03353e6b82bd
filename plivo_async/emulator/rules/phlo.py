"""What the emulated PHLO runner answers 400 to: multi-party-call node and member actions."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ._fields import BadRequest, check_destination, required_field, text_field

__all__ = [
    "MEMBER_ACTIONS",
    "MPC_ACTIONS",
    "ROLES",
    "validate_member_action",
    "validate_mpc_action",
]

MPC_ACTIONS = frozenset({"call", "warm_transfer", "cold_transfer"})
MEMBER_ACTIONS = frozenset(
    {
        "abort_transfer",
        "resume_call",
        "voicemail_drop",
        "hangup",
        "hold",
        "unhold",
        "mute",
        "unmute",
    }
)
ROLES = frozenset({"agent", "customer"})


def validate_mpc_action(body: Mapping[str, Any]) -> tuple[str, str, str, str]:
    """Check a PHLO multi-party-call action; return (action, to, role, trigger_source)."""
    action = required_field(body, "action")
    if action not in MPC_ACTIONS:
        raise BadRequest(f"invalid action {action!r}; allowed: {', '.join(sorted(MPC_ACTIONS))}")
    to = check_destination("to", required_field(body, "to"))
    trigger_source = check_destination("trigger_source", required_field(body, "trigger_source"))
    role = (text_field(body, "role") or "agent").lower()
    if role not in ROLES:
        raise BadRequest(f"invalid role {role!r}; allowed: agent, customer")
    return action, to, role, trigger_source


def validate_member_action(body: Mapping[str, Any], member_id: str) -> str:
    """Check a PHLO multi-party-call member action; return the action."""
    check_destination("member_id", member_id)
    action = required_field(body, "action")
    if action not in MEMBER_ACTIONS:
        raise BadRequest(f"invalid action {action!r}; allowed: {', '.join(sorted(MEMBER_ACTIONS))}")
    return action
