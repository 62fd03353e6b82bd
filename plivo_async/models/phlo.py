"""Models of PHLO: multi-party call (MPC) actions, member actions and their answers."""

from __future__ import annotations

from typing import Any

import attrs

from .. import validation as v
from .._convert import request_model

__all__ = [
    "MEMBER_ACTIONS",
    "MPC_ACTIONS",
    "MPC_ROLES",
    "MemberActionRequest",
    "MultiPartyCallActionRequest",
    "NodeActionRequest",
    "PhloActionResponse",
    "PhloDetails",
    "PhloNodeDetails",
    "PhloRunResponse",
]

#: Actions on a multi-party call node that dial someone (call-placing requests).
MPC_ACTIONS = ("call", "warm_transfer", "cold_transfer")
#: Roles a user can join a multi-party call with.
MPC_ROLES = ("agent", "customer")
#: Actions on one member of a multi-party call (none of them places a call).
MEMBER_ACTIONS = (
    "abort_transfer",
    "resume_call",
    "voicemail_drop",
    "hangup",
    "hold",
    "unhold",
    "mute",
    "unmute",
)


@request_model
@attrs.frozen(kw_only=True)
class MultiPartyCallActionRequest:
    """Body of ``POST phlo/{phlo_id}/multi_party_call/{node_id}``.

    ``action`` is ``call`` (add a user), ``warm_transfer`` or ``cold_transfer``; ``to`` and
    ``trigger_source`` are one phone number or SIP URI each; ``role`` is ``agent``
    (the default) or ``customer``. Each action dials ``to``: one call.
    """

    action: str = attrs.field(
        converter=v.to_lower, validator=v.all_of(v.required(), v.one_of(MPC_ACTIONS))
    )
    to: str = attrs.field(validator=v.destination())
    role: str = attrs.field(
        default="agent", converter=v.to_lower, validator=v.all_of(v.required(), v.one_of(MPC_ROLES))
    )
    trigger_source: str = attrs.field(validator=v.destination())

    @property
    def calls(self) -> int:
        """Calls this request places: always one."""
        return 1


@request_model
@attrs.frozen(kw_only=True)
class NodeActionRequest:
    """Body of ``POST phlo/{phlo_id}/{node_type}/{node_id}``: any node's action by name."""

    action: str = attrs.field(validator=v.all_of(v.required(), v.non_empty_str()))
    to: str = attrs.field(validator=v.destination())
    role: str = attrs.field(
        default="agent", converter=v.to_lower, validator=v.all_of(v.required(), v.one_of(MPC_ROLES))
    )
    trigger_source: str = attrs.field(validator=v.destination())


@request_model
@attrs.frozen(kw_only=True)
class MemberActionRequest:
    """Body of ``POST phlo/{phlo_id}/multi_party_call/{node_id}/members/{member_id}``."""

    action: str = attrs.field(
        converter=v.to_lower, validator=v.all_of(v.required(), v.one_of(MEMBER_ACTIONS))
    )


@attrs.frozen(kw_only=True)
class PhloActionResponse:
    """The answer to an MPC or member action: ``api_id``, and ``error`` (``""`` when fine)."""

    api_id: str | None = None
    error: str | None = None
    raw: dict[str, Any] = attrs.field(factory=dict, repr=False, eq=False)

    @property
    def ok(self) -> bool:
        """True when the API reported no error."""
        return not self.error


@attrs.frozen(kw_only=True)
class PhloDetails:
    """``GET phlo/{phlo_id}``: the PHLO's id, name and creation time."""

    api_id: str | None = None
    phlo_id: str | None = None
    name: str | None = None
    created_on: str | None = None
    raw: dict[str, Any] = attrs.field(factory=dict, repr=False, eq=False)


@attrs.frozen(kw_only=True)
class PhloRunResponse:
    """``POST account/{auth_id}/phlo/{phlo_id}``: ``api_id`` is the run's id (phlo_run_id)."""

    api_id: str | None = None
    phlo_id: str | None = None
    name: str | None = None
    message: str | None = None
    error: str | None = None
    raw: dict[str, Any] = attrs.field(factory=dict, repr=False, eq=False)

    @property
    def phlo_run_id(self) -> str | None:
        """The id of this run (Plivo returns it as ``api_id``)."""
        return self.api_id


@attrs.frozen(kw_only=True)
class PhloNodeDetails:
    """``GET phlo/{phlo_id}/{node_type}/{node_id}``: the node's id, type and name."""

    api_id: str | None = None
    phlo_id: str | None = None
    node_id: str | None = None
    node_type: str | None = None
    name: str | None = None
    created_on: str | None = None
    raw: dict[str, Any] = attrs.field(factory=dict, repr=False, eq=False)
