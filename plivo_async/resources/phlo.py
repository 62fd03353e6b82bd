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

from .._types import split_request_options
from ..models.phlo import (
    MemberActionRequest,
    MultiPartyCallActionRequest,
    NodeActionRequest,
    PhloActionResponse,
    PhloDetails,
    PhloNodeDetails,
    PhloRunResponse,
)
from ..validation import check, check_destination, path_segment
from ._base import Resource

if TYPE_CHECKING:
    from typing_extensions import Unpack

    from .._base_client import BaseClient as Transport
    from .._types import RequestObserver, RequestOptions

__all__ = ["ConferenceBridge", "Member", "MultiPartyCall", "Node", "Phlo"]

# Member actions that set a state (setting it twice is the same as once): safe to retry.
_IDEMPOTENT_MEMBER_ACTIONS = frozenset({"hold", "unhold", "mute", "unmute"})


class Phlo(Resource):
    """One PHLO. Get it as ``client.phlo(phlo_id)``; no request is made until awaited.

    Each method's ``Raises`` section (here and on :class:`MultiPartyCall` and
    :class:`Member`) lists what is specific to it. Every method that sends a request may
    also raise, from the request itself:

    * :class:`~plivo_async.errors.AuthenticationError` (401),
      :class:`~plivo_async.errors.ForbiddenError` (403),
      :class:`~plivo_async.errors.ValidationError` (400: the API refused the input) or
      :class:`~plivo_async.errors.PlivoRestError` (any other error answer). These are
      never retried. (A success whose body is not JSON counts as an ambiguous failure.)
    * :class:`~plivo_async.errors.RateLimitError` (429),
      :class:`~plivo_async.errors.PlivoServerError` (503) or
      :class:`~plivo_async.errors.PlivoConnectionError` (could not connect), once retries
      run out: the API certainly did nothing, so every request retries these.
    * For idempotent requests (:meth:`get`, and a member's hold, unhold, mute and unmute),
      an *ambiguous* failure (a timeout, a connection lost after sending, a 5xx other than
      503) is retried too, then raised as :class:`~plivo_async.errors.PlivoTimeoutError`,
      :class:`~plivo_async.errors.PlivoConnectionError` or
      :class:`~plivo_async.errors.PlivoServerError`.
    * For the others (a run, the multi-party call actions, the other member actions), an
      ambiguous failure raises :class:`~plivo_async.errors.OutcomeUnknownError` instead, as
      their sections say.

    Raises:
        ValidationError: If ``phlo_id`` is empty, ``.`` or ``..``, or holds a control
            character or a lone surrogate (anything else is percent-encoded into one path
            segment).
    """

    def __init__(self, transport: Transport, phlo_id: str) -> None:
        super().__init__(transport)
        self.phlo_id = phlo_id
        self._segment = path_segment("phlo_id", phlo_id)  # encoded once, used in every URL

    def __repr__(self) -> str:
        return f"<Phlo {self.phlo_id}>"

    async def get(self, **options: Unpack[RequestOptions]) -> PhloDetails:
        """The PHLO's details (``GET phlo/{phlo_id}``).

        Raises:
            ResourceNotFoundError: If no PHLO has this id.
        """
        return await self._get(
            self._transport.phlo_base + self._segment, cast_to=PhloDetails, options=options
        )

    async def run(self, *, retry_unsafe: bool = False, **payload: Any) -> PhloRunResponse:
        """Run the PHLO with the payload its Start node expects (``phlo.run(**payload)``).

        The per-call :class:`~plivo_async._types.RequestOptions` (``timeout``,
        ``extra_headers``, ...) are taken out of the keywords; a PHLO variable of one of
        those names goes in ``extra_body``.

        Not idempotent: a run may place calls or send messages, so a request that failed
        ambiguously is not sent again unless ``retry_unsafe=True``.

        Raises:
            ValidationError: If the payload is not JSON-serialisable.
            ResourceNotFoundError: If no PHLO has this id.
            OutcomeUnknownError: If the request failed ambiguously, so the PHLO may or may
                not have run. Raised at once, or when retries run out if
                ``retry_unsafe=True``.
        """
        options, payload = split_request_options(payload)
        try:
            _json.dumps(payload)
        except (TypeError, ValueError):
            check("payload", False, "must be JSON-serialisable", payload)
        return await self._post(
            self._transport.phlo_runner_base + self._segment,
            cast_to=PhloRunResponse,
            body=payload,
            retry_unsafe=retry_unsafe,
            options=options,
        )

    def multi_party_call(self, node_id: str) -> MultiPartyCall:
        """A handle on one multi-party call node of this PHLO (no request is made).

        Raises:
            ValidationError: If ``node_id`` is empty, ``.`` or ``..``, or holds a control
                character or a lone surrogate (anything else is percent-encoded into one
                path segment).
        """
        return MultiPartyCall(self._transport, self.phlo_id, node_id)

    def conference_bridge(self, node_id: str) -> ConferenceBridge:
        """A handle on one conference bridge node of this PHLO (no request is made).

        Raises:
            ValidationError: If ``node_id`` is empty, ``.``/``..`` or holds control
                characters.
        """
        return ConferenceBridge(self._transport, self.phlo_id, node_id)

    def node(self, node_type: str, node_id: str) -> Node:
        """A handle on any node of this PHLO by type, as the SDK's ``phlo.node()``.

        ``node.update(action, trigger_source, to, role)`` and ``node.member(address)``
        work for any node type (``conference_bridge`` gives a :class:`ConferenceBridge`).
        No request is made (the SDK GETs the node first; ``await node.get()`` does that
        when wanted).

        Raises:
            ValidationError: If ``node_type`` or ``node_id`` is empty, ``.``/``..`` or holds
                control characters.
        """
        if node_type == "conference_bridge":
            return ConferenceBridge(self._transport, self.phlo_id, node_id)
        return Node(self._transport, self.phlo_id, node_type, node_id)


class MultiPartyCall(Resource):
    """A multi-party call node: add a user, warm or cold transfer, act on members.

    Get it as ``client.phlo(phlo_id).multi_party_call(node_id)``. Its methods may also
    raise the request errors listed under :class:`Phlo`.

    Raises:
        ValidationError: If ``phlo_id`` or ``node_id`` is empty, ``.`` or ``..``, or holds
            a control character or a lone surrogate (anything else is percent-encoded).
    """

    def __init__(self, transport: Transport, phlo_id: str, node_id: str) -> None:
        super().__init__(transport)
        self.phlo_id = phlo_id
        self.node_id = node_id
        phlo, node = path_segment("phlo_id", phlo_id), path_segment("node_id", node_id)
        self.url = f"{transport.phlo_base}{phlo}/multi_party_call/{node}"

    def __repr__(self) -> str:
        return f"<MultiPartyCall phlo={self.phlo_id} node={self.node_id}>"

    async def call(
        self,
        trigger_source: str,
        to: str,
        role: str = "agent",
        *,
        retry_unsafe: bool = False,
        **options: Unpack[RequestOptions],
    ) -> PhloActionResponse:
        """Dial ``to`` and add them to the call with ``role`` (agent or customer).

        Raises:
            ValidationError: If ``trigger_source`` or ``to`` is not a phone number or SIP
                URI, or ``role`` is not agent or customer.
            ResourceNotFoundError: If the PHLO or the node does not exist.
            OutcomeUnknownError: If the request failed ambiguously, so ``to`` may or may not
                have been dialled. Raised at once, or when retries run out if
                ``retry_unsafe=True``.
        """
        return await self.update(
            "call", trigger_source, to, role, retry_unsafe=retry_unsafe, **options
        )

    async def warm_transfer(
        self,
        trigger_source: str,
        to: str,
        role: str = "agent",
        *,
        retry_unsafe: bool = False,
        **options: Unpack[RequestOptions],
    ) -> PhloActionResponse:
        """Dial ``to``; ``trigger_source`` talks to them privately before the hand-over.

        Raises:
            ValidationError: If ``trigger_source`` or ``to`` is not a phone number or SIP
                URI, or ``role`` is not agent or customer.
            ResourceNotFoundError: If the PHLO or the node does not exist.
            OutcomeUnknownError: If the request failed ambiguously, so ``to`` may or may not
                have been dialled. Raised at once, or when retries run out if
                ``retry_unsafe=True``.
        """
        return await self.update(
            "warm_transfer", trigger_source, to, role, retry_unsafe=retry_unsafe, **options
        )

    async def cold_transfer(
        self,
        trigger_source: str,
        to: str,
        role: str = "agent",
        *,
        retry_unsafe: bool = False,
        **options: Unpack[RequestOptions],
    ) -> PhloActionResponse:
        """Dial ``to`` and hand the call over; ``trigger_source`` leaves the call.

        Raises:
            ValidationError: If ``trigger_source`` or ``to`` is not a phone number or SIP
                URI, or ``role`` is not agent or customer.
            ResourceNotFoundError: If the PHLO or the node does not exist.
            OutcomeUnknownError: If the request failed ambiguously, so ``to`` may or may not
                have been dialled. Raised at once, or when retries run out if
                ``retry_unsafe=True``.
        """
        return await self.update(
            "cold_transfer", trigger_source, to, role, retry_unsafe=retry_unsafe, **options
        )

    async def update(
        self,
        action: str,
        trigger_source: str,
        to: str,
        role: str = "agent",
        *,
        retry_unsafe: bool = False,
        observer: RequestObserver | None = None,
        **options: Unpack[RequestOptions],
    ) -> PhloActionResponse:
        """Any of the node's actions by name (``call``, ``warm_transfer``, ``cold_transfer``).

        Raises:
            ValidationError: If ``action`` is not one of those three, ``trigger_source`` or
                ``to`` is not a phone number or SIP URI, or ``role`` is not agent or
                customer.
            ResourceNotFoundError: If the PHLO or the node does not exist.
            OutcomeUnknownError: If the request failed ambiguously, so ``to`` may or may not
                have been dialled. Raised at once, or when retries run out if
                ``retry_unsafe=True``.
        """
        request = MultiPartyCallActionRequest(
            action=action, trigger_source=trigger_source, to=to, role=role
        )
        return await self.update_from(
            request, retry_unsafe=retry_unsafe, observer=observer, **options
        )

    async def update_from(
        self,
        request: MultiPartyCallActionRequest,
        *,
        retry_unsafe: bool = False,
        observer: RequestObserver | None = None,
        **options: Unpack[RequestOptions],
    ) -> PhloActionResponse:
        """Send a prebuilt, already validated action request.

        It places one call, so it counts against ``calls_per_second``; ``observer`` hears
        each attempt (the bulk engine's journal).

        Raises:
            ResourceNotFoundError: If the PHLO or the node does not exist.
            OutcomeUnknownError: If the request failed ambiguously, so ``to`` may or may not
                have been dialled. Raised at once, or when retries run out if
                ``retry_unsafe=True``.
        """
        return await self._post(
            self.url,
            cast_to=PhloActionResponse,
            body=request,
            calls=request.calls,
            retry_unsafe=retry_unsafe,
            observer=observer,
            options=options,
        )

    def member(self, member_id: str) -> Member:
        """A handle on one member (their phone number or SIP URI); no request is made.

        Raises:
            ValidationError: If ``member_id`` is not a phone number or SIP URI.
        """
        return Member(self, member_id)


class Member(Resource):
    """One member of a multi-party call, addressed by phone number or SIP URI.

    Get it as ``mpc.member(member_id)``. Its methods may also raise the request errors
    listed under :class:`Phlo`.

    Raises:
        ValidationError: If ``member_id`` is not a phone number or SIP URI.
    """

    def __init__(self, mpc: MultiPartyCall | Node, member_id: str) -> None:
        super().__init__(mpc._transport)
        self.mpc = mpc
        self.member_id = check_destination("member_id", member_id)
        # A SIP URI's user part may hold '/', '?' or '..': encoded, it stays one segment.
        self.url = f"{mpc.url}/members/{path_segment('member_id', self.member_id)}"

    def __repr__(self) -> str:
        return f"<Member {self.member_id} of {self.mpc!r}>"

    async def update(
        self, action: str, *, retry_unsafe: bool = False, **options: Unpack[RequestOptions]
    ) -> PhloActionResponse:
        """Any member action by name.

        ``hold``, ``unhold``, ``mute`` and ``unmute`` set a state, so they are retried like
        idempotent requests; the others are not, unless ``retry_unsafe=True``.

        Raises:
            ValidationError: If ``action`` is not a member action.
            ResourceNotFoundError: If the PHLO, the node or the member does not exist.
            OutcomeUnknownError: If a non-idempotent action failed ambiguously, so it may or
                may not have happened. Raised at once, or when retries run out if
                ``retry_unsafe=True``.
        """
        request = MemberActionRequest(action=action)
        return await self._post(
            self.url,
            cast_to=PhloActionResponse,
            body=request,
            idempotent=request.action in _IDEMPOTENT_MEMBER_ACTIONS,
            retry_unsafe=retry_unsafe,
            options=options,
        )

    async def abort_transfer(
        self, *, retry_unsafe: bool = False, **options: Unpack[RequestOptions]
    ) -> PhloActionResponse:
        """Abort a transfer this member started.

        Raises:
            ResourceNotFoundError: If the PHLO, the node or the member does not exist.
            OutcomeUnknownError: If the request failed ambiguously, so the transfer may or
                may not have been aborted. Raised at once, or when retries run out if
                ``retry_unsafe=True``.
        """
        return await self.update("abort_transfer", retry_unsafe=retry_unsafe, **options)

    async def resume_call(
        self, *, retry_unsafe: bool = False, **options: Unpack[RequestOptions]
    ) -> PhloActionResponse:
        """Return to the call after a warm transfer.

        Raises:
            ResourceNotFoundError: If the PHLO, the node or the member does not exist.
            OutcomeUnknownError: If the request failed ambiguously, so the member may or may
                not be back. Raised at once, or when retries run out if
                ``retry_unsafe=True``.
        """
        return await self.update("resume_call", retry_unsafe=retry_unsafe, **options)

    async def voicemail_drop(
        self, *, retry_unsafe: bool = False, **options: Unpack[RequestOptions]
    ) -> PhloActionResponse:
        """Leave the configured voicemail for this member and drop them.

        Raises:
            ResourceNotFoundError: If the PHLO, the node or the member does not exist.
            OutcomeUnknownError: If the request failed ambiguously, so the voicemail may or
                may not have been left. Raised at once, or when retries run out if
                ``retry_unsafe=True``.
        """
        return await self.update("voicemail_drop", retry_unsafe=retry_unsafe, **options)

    async def hangup(
        self, *, retry_unsafe: bool = False, **options: Unpack[RequestOptions]
    ) -> PhloActionResponse:
        """Hang up this member.

        Raises:
            ResourceNotFoundError: If the PHLO, the node or the member does not exist.
            OutcomeUnknownError: If the request failed ambiguously, so the member may or may
                not have been hung up. Raised at once, or when retries run out if
                ``retry_unsafe=True``.
        """
        return await self.update("hangup", retry_unsafe=retry_unsafe, **options)

    async def hold(self, **options: Unpack[RequestOptions]) -> PhloActionResponse:
        """Put this member on hold.

        Raises:
            ResourceNotFoundError: If the PHLO, the node or the member does not exist.
        """
        return await self.update("hold", **options)

    async def unhold(self, **options: Unpack[RequestOptions]) -> PhloActionResponse:
        """Take this member off hold.

        Raises:
            ResourceNotFoundError: If the PHLO, the node or the member does not exist.
        """
        return await self.update("unhold", **options)

    async def mute(self, **options: Unpack[RequestOptions]) -> PhloActionResponse:
        """Mute this member.

        Raises:
            ResourceNotFoundError: If the PHLO, the node or the member does not exist.
        """
        return await self.update("mute", **options)

    async def unmute(self, **options: Unpack[RequestOptions]) -> PhloActionResponse:
        """Unmute this member.

        Raises:
            ResourceNotFoundError: If the PHLO, the node or the member does not exist.
        """
        return await self.update("unmute", **options)


class Node(Resource):
    """Any node of a PHLO, addressed by type and id: ``client.phlo(id).node(type, node)``.

    ``phlo/{phlo_id}/{node_type}/{node_id}``. Its methods may also raise the request
    errors listed under :class:`Phlo`.

    Raises:
        ValidationError: If ``phlo_id``, ``node_type`` or ``node_id`` is empty,
            ``.``/``..`` or holds control characters.
    """

    node_type: str

    def __init__(self, transport: Transport, phlo_id: str, node_type: str, node_id: str) -> None:
        super().__init__(transport)
        self.phlo_id = path_segment("phlo_id", phlo_id)
        self.node_type = path_segment("node_type", node_type)
        self.node_id = path_segment("node_id", node_id)
        self.url = f"{transport.phlo_base}{self.phlo_id}/{self.node_type}/{self.node_id}"

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.node_type} phlo={self.phlo_id} node={self.node_id}>"

    async def get(self, **options: Unpack[RequestOptions]) -> PhloNodeDetails:
        """The node's details (``GET phlo/{phlo_id}/{node_type}/{node_id}``).

        Raises:
            ResourceNotFoundError: If the PHLO or the node does not exist.
        """
        return await self._get(self.url, cast_to=PhloNodeDetails, options=options)

    async def update(
        self,
        action: str,
        trigger_source: str,
        to: str,
        role: str = "agent",
        *,
        retry_unsafe: bool = False,
        **options: Unpack[RequestOptions],
    ) -> PhloActionResponse:
        """Any node action by name, as the SDK's ``Node.update(action, trigger_source, to, role)``.

        Counted as one call (the node actions dial ``to``); not idempotent.

        Raises:
            ValidationError: If ``action`` is empty, ``trigger_source`` or ``to`` is not a
                phone number or SIP URI, or ``role`` is not agent or customer.
            ResourceNotFoundError: If the PHLO or the node does not exist.
            OutcomeUnknownError: If the request failed ambiguously, so ``to`` may or may not
                have been dialled. Raised at once, or when retries run out if
                ``retry_unsafe=True``.
        """
        request = NodeActionRequest(action=action, trigger_source=trigger_source, to=to, role=role)
        return await self._post(
            self.url,
            cast_to=PhloActionResponse,
            body=request,
            calls=1,
            retry_unsafe=retry_unsafe,
            options=options,
        )

    def member(self, member_id: str) -> Member:
        """A handle on one member of this node (phone number or SIP URI); no request is made.

        Raises:
            ValidationError: If ``member_id`` is not a phone number or SIP URI.
        """
        return Member(self, member_id)


class ConferenceBridge(Node):
    """A conference bridge node: ``client.phlo(id).conference_bridge(node_id)``.

    Its members (``.member(address)``) take the SDK's member actions: ``hold``,
    ``unhold``, ``mute``, ``unmute``, ``hangup``, ``resume_call``, ``abort_transfer``,
    ``voicemail_drop`` (``phlo/{phlo_id}/conference_bridge/{node_id}/members/{address}``),
    as the SDK's ``phlo.member(phlo_id, node_id, member_id, action)`` sends them.

    Raises:
        ValidationError: If ``phlo_id`` or ``node_id`` is empty, ``.``/``..`` or holds
            control characters.
    """

    def __init__(self, transport: Transport, phlo_id: str, node_id: str) -> None:
        super().__init__(transport, phlo_id, "conference_bridge", node_id)
