"""PHLO: ``client.phlo(phlo_id)``, its multi-party call nodes and their members.

Handles make no request when they are created: ``client.phlo(id).multi_party_call(node)``
and ``.member(address)`` only build URLs (the official SDK fetches the PHLO and the node
first; nothing here needs that round trip). Method names and arguments follow the SDK:
``await mpc.call(trigger_source, to, role)``, ``await mpc.member(address).hold()``.

URLs (``phlo_base`` is ``https://phlorunner.plivo.com/v1/phlo/``), as documented by Plivo:

* ``GET  phlo/{phlo_id}``
* ``POST account/{auth_id}/phlo/{phlo_id}`` (run)
* ``POST phlo/{phlo_id}/multi_party_call/{node_id}`` with ``action``, ``to``, ``role``,
  ``trigger_source``
* ``POST phlo/{phlo_id}/multi_party_call/{node_id}/members/{member_address}`` with ``action``

The official SDK appends a ``/`` to each of these; the API docs (and these URLs) do not.
"""

from __future__ import annotations

import json as _json
from typing import TYPE_CHECKING, Any

from .._convert import structure_response, to_wire
from ..models.phlo import (
    MemberActionRequest,
    MultiPartyCallActionRequest,
    PhloActionResponse,
    PhloDetails,
    PhloRunResponse,
)
from ..validation import check, check_destination, check_path_segment

if TYPE_CHECKING:
    from ..transport import Transport

__all__ = ["Member", "MultiPartyCall", "Phlo"]

# Member actions that set a state (setting it twice is the same as once): safe to retry.
_IDEMPOTENT_MEMBER_ACTIONS = frozenset({"hold", "unhold", "mute", "unmute"})


class Phlo:
    """One PHLO. Get it as ``client.phlo(phlo_id)``; no request is made until awaited."""

    def __init__(self, transport: Transport, phlo_id: str) -> None:
        self._transport = transport
        self.phlo_id = check_path_segment("phlo_id", phlo_id)

    def __repr__(self) -> str:
        return f"<Phlo {self.phlo_id}>"

    async def get(self) -> PhloDetails:
        """The PHLO's details (``GET phlo/{phlo_id}``)."""
        data = await self._transport.request("GET", self._transport.phlo_base + self.phlo_id)
        return structure_response(PhloDetails, data)

    async def run(self, *, retry_unsafe: bool = False, **payload: Any) -> PhloRunResponse:
        """Run the PHLO with the payload its Start node expects (``phlo.run(**payload)``).

        Not idempotent: a run may place calls or send messages, so an ambiguous failure
        raises :class:`~plivo_async.errors.OutcomeUnknownError` unless ``retry_unsafe``.
        """
        try:
            _json.dumps(payload)
        except (TypeError, ValueError):
            check("payload", False, "must be JSON-serialisable", payload)
        data = await self._transport.request(
            "POST",
            self._transport.phlo_runner_base + self.phlo_id,
            json=payload,
            retry_unsafe=retry_unsafe,
        )
        return structure_response(PhloRunResponse, data)

    def multi_party_call(self, node_id: str) -> MultiPartyCall:
        """A handle on one multi-party call node of this PHLO (no request is made)."""
        return MultiPartyCall(self._transport, self.phlo_id, node_id)


class MultiPartyCall:
    """A multi-party call node: add a user, warm or cold transfer, act on members."""

    def __init__(self, transport: Transport, phlo_id: str, node_id: str) -> None:
        self._transport = transport
        self.phlo_id = check_path_segment("phlo_id", phlo_id)
        self.node_id = check_path_segment("node_id", node_id)
        self.url = f"{transport.phlo_base}{self.phlo_id}/multi_party_call/{self.node_id}"

    def __repr__(self) -> str:
        return f"<MultiPartyCall phlo={self.phlo_id} node={self.node_id}>"

    async def call(
        self, trigger_source: str, to: str, role: str = "agent", *, retry_unsafe: bool = False
    ) -> PhloActionResponse:
        """Dial ``to`` and add them to the call with ``role`` (agent or customer)."""
        return await self.update("call", trigger_source, to, role, retry_unsafe=retry_unsafe)

    async def warm_transfer(
        self, trigger_source: str, to: str, role: str = "agent", *, retry_unsafe: bool = False
    ) -> PhloActionResponse:
        """Dial ``to``; ``trigger_source`` talks to them privately before the hand-over."""
        return await self.update(
            "warm_transfer", trigger_source, to, role, retry_unsafe=retry_unsafe
        )

    async def cold_transfer(
        self, trigger_source: str, to: str, role: str = "agent", *, retry_unsafe: bool = False
    ) -> PhloActionResponse:
        """Dial ``to`` and hand the call over; ``trigger_source`` leaves the call."""
        return await self.update(
            "cold_transfer", trigger_source, to, role, retry_unsafe=retry_unsafe
        )

    async def update(
        self,
        action: str,
        trigger_source: str,
        to: str,
        role: str = "agent",
        *,
        retry_unsafe: bool = False,
    ) -> PhloActionResponse:
        """Any of the node's actions by name (``call``, ``warm_transfer``, ``cold_transfer``)."""
        request = MultiPartyCallActionRequest(
            action=action, trigger_source=trigger_source, to=to, role=role
        )
        return await self.update_from(request, retry_unsafe=retry_unsafe)

    async def update_from(
        self, request: MultiPartyCallActionRequest, *, retry_unsafe: bool = False
    ) -> PhloActionResponse:
        """Send a prebuilt action request. It places one call: it counts against
        ``calls_per_second`` and is not retried after an ambiguous failure unless
        ``retry_unsafe``."""
        data = await self._transport.request(
            "POST",
            self.url,
            json=to_wire(request),
            calls=request.calls,
            retry_unsafe=retry_unsafe,
        )
        return structure_response(PhloActionResponse, data)

    def member(self, member_id: str) -> Member:
        """A handle on one member (their phone number or SIP URI); no request is made."""
        return Member(self, member_id)


class Member:
    """One member of a multi-party call, addressed by phone number or SIP URI."""

    def __init__(self, mpc: MultiPartyCall, member_id: str) -> None:
        self._transport = mpc._transport
        self.mpc = mpc
        self.member_id = check_destination("member_id", member_id)
        self.url = f"{mpc.url}/members/{self.member_id}"

    def __repr__(self) -> str:
        return f"<Member {self.member_id} of {self.mpc!r}>"

    async def update(self, action: str, *, retry_unsafe: bool = False) -> PhloActionResponse:
        """Any member action by name. ``hold``/``unhold``/``mute``/``unmute`` set a state
        and are retried like idempotent requests; the others are not, unless
        ``retry_unsafe``."""
        request = MemberActionRequest(action=action)
        data = await self._transport.request(
            "POST",
            self.url,
            json=to_wire(request),
            idempotent=request.action in _IDEMPOTENT_MEMBER_ACTIONS,
            retry_unsafe=retry_unsafe,
        )
        return structure_response(PhloActionResponse, data)

    async def abort_transfer(self, *, retry_unsafe: bool = False) -> PhloActionResponse:
        """Abort a transfer this member started."""
        return await self.update("abort_transfer", retry_unsafe=retry_unsafe)

    async def resume_call(self, *, retry_unsafe: bool = False) -> PhloActionResponse:
        """Return to the call after a warm transfer."""
        return await self.update("resume_call", retry_unsafe=retry_unsafe)

    async def voicemail_drop(self, *, retry_unsafe: bool = False) -> PhloActionResponse:
        """Leave the configured voicemail for this member and drop them."""
        return await self.update("voicemail_drop", retry_unsafe=retry_unsafe)

    async def hangup(self, *, retry_unsafe: bool = False) -> PhloActionResponse:
        """Hang up this member."""
        return await self.update("hangup", retry_unsafe=retry_unsafe)

    async def hold(self) -> PhloActionResponse:
        """Put this member on hold."""
        return await self.update("hold")

    async def unhold(self) -> PhloActionResponse:
        """Take this member off hold."""
        return await self.update("unhold")

    async def mute(self) -> PhloActionResponse:
        """Mute this member."""
        return await self.update("mute")

    async def unmute(self) -> PhloActionResponse:
        """Unmute this member."""
        return await self.update("unmute")
