"""Call tracking: from ``request_uuid`` to a final disposition, fed by signed callbacks.

Plivo tells what became of a call only through callbacks (ring, answer, hangup, machine
detection) to the URLs given at create time. A :class:`CallTracker` plugged into the
webhook receiver (which checks every signature first) links each callback's
``RequestUUID`` to its ``CallUUID`` (and to the correlation mark in the URL, see
:mod:`plivo_async.correlation`) and gives each call one :class:`CallResult`::

    tracker = CallTracker()
    app.add_subapp("/plivo/", tracker.app(auth_token, on_event=answer))
    resp = await client.calls.create(..., hangup_url=".../plivo/hangup")
    handle = tracker.track(resp.request_uuid)
    if await handle.answered(): ...
    result = await handle.ended()          # disposition, duration, hangup cause

Waiting is on asyncio events set by the callbacks: nothing polls. Callbacks that arrive
before ``track`` (they can beat the create's answer) are kept. Plivo may send a callback
twice; each kind (ring, answer, machine, hangup) counts once per call, the repeats are
counted in :attr:`CallTracker.duplicates`.

Memory stays bounded by the calls in flight: a call's owner calls
:meth:`CallTracker.release` once it has the result (the bulk engine does, for every row's
call it followed), which drops its handle, its call uuid and its marks; callbacks for
calls nobody tracked (yet) are kept for at most ``max_untracked`` calls, oldest dropped.

Dispositions (first rule that applies, on the hangup callback):

- ``machine``: a machine-detection callback said ``Machine=true``, or the hangup cause
  names a machine (``Machine Detected``);
- ``answered``: the call was answered (answer callback, ``AnswerTime``,
  ``Duration > 0``), or ``CallStatus=completed``;
- ``busy``: ``CallStatus=busy``, or a cause naming it (``USER_BUSY``, ``Busy Line``);
- ``no-answer``: ``CallStatus`` ``no-answer``/``timeout``; causes ``NO_ANSWER``,
  ``NO_USER_RESPONSE``, ``Ring Timeout``, ``Rejected``; other codes 3000..3999;
- ``cancelled``: ``CallStatus=cancel``; ``HangupCauseCode`` 1000..1999 (canceled, out of
  credits, dial limit); ``ORIGINATOR_CANCEL``;
- ``failed``: ``CallStatus=failed``; ``HangupCauseCode`` 2000..2999 (invalid or
  unreachable destination, barred country or number); anything not matched above.

Rules apply in that order: what earlier callbacks showed, then ``CallStatus`` (Plivo
sends it with every hangup), then ``HangupCauseCode`` (4000..4999, normal hangups, mean
``answered``), then the cause's name. :meth:`CallHandle.answered` is True for a call a
machine answered too; its disposition says ``machine``.
"""

from __future__ import annotations

import asyncio
import logging
from collections import OrderedDict
from collections.abc import Mapping
from typing import TYPE_CHECKING, Literal

import attrs

from .correlation import MARK_PARAM, mark_of
from .models.calls import CallDetails
from .webhooks.events import (
    AnswerEvent,
    CallbackEvent,
    CallEvent,
    HangupEvent,
    MachineDetectionEvent,
    RingEvent,
)

if TYPE_CHECKING:
    from aiohttp import web

    from .webhooks.receiver import OnEvent
    from .webhooks.signature import AuthToken
    from .webhooks.urls import Proxies

__all__ = [
    "CallHandle",
    "CallResult",
    "CallTracker",
    "Disposition",
    "disposition_of",
    "result_of_record",
]

log = logging.getLogger("plivo_async")

#: Calls whose callbacks came before anyone tracked them, kept (oldest dropped beyond it).
MAX_UNTRACKED = 10_000
#: Released calls remembered, so that their late repeats count as duplicates.
MAX_RELEASED = 20_000
_KINDS = ("ring", "answer", "machine", "hangup")

Disposition = Literal["answered", "busy", "no-answer", "failed", "machine", "cancelled"]

_BY_STATUS: dict[str, Disposition] = {
    "completed": "answered",
    "busy": "busy",
    "no-answer": "no-answer",
    "timeout": "no-answer",
    "cancel": "cancelled",
    "canceled": "cancelled",
    "cancelled": "cancelled",
    "failed": "failed",
}
_BY_CAUSE: tuple[tuple[str, Disposition], ...] = (
    ("machine", "machine"),
    ("busy", "busy"),
    ("no_answer", "no-answer"),
    ("no answer", "no-answer"),
    ("no_user_response", "no-answer"),
    ("ring timeout", "no-answer"),
    ("rejected", "no-answer"),
    ("cancel", "cancelled"),
)


def _by_code(code: int | None) -> Disposition | None:
    if code is None:
        return None
    if 1000 <= code < 2000:
        return "cancelled"
    if 2000 <= code < 3000:
        return "failed"
    if 3000 <= code < 4000:
        return None  # busy, rejected, ring timeout...: the cause name tells which
    if 4000 <= code < 5000:
        return "answered"
    return None


def disposition_of(
    hangup: HangupEvent, *, answered: bool = False, machine: bool = False
) -> Disposition:
    """The disposition of a call from its hangup callback (the table in the module doc).

    ``answered``/``machine``: what earlier callbacks of the same call showed.
    """
    cause = " ".join(filter(None, (hangup.hangup_cause, hangup.hangup_cause_name))).lower()
    if machine or "machine" in cause:
        return "machine"
    if answered or hangup.answer_time or (hangup.duration or 0) > 0:
        return "answered"
    status = _BY_STATUS.get((hangup.call_status or "").strip().lower())
    if status is not None:
        return status
    by_code = _by_code(hangup.hangup_cause_code)
    if by_code is not None:
        return by_code
    for needle, disposition in _BY_CAUSE:
        if needle in cause:
            return disposition
    code = hangup.hangup_cause_code
    return "no-answer" if code is not None and 3000 <= code < 4000 else "failed"


@attrs.frozen(kw_only=True)
class CallResult:
    """How one call ended: its disposition, how long it lasted and why it ended."""

    request_uuid: str
    call_uuid: str | None
    disposition: Disposition
    duration: int | None = None
    bill_duration: int | None = None
    hangup_cause: str | None = None
    hangup_cause_code: int | None = None
    hangup_source: str | None = None
    machine: bool = False
    confirmed: bool = True
    """Whether the disposition rests on the call record or on a callback whose signature
    covers its parameters (v3). A v2 signature covers only the URL without its query and
    the nonce: its parameters could be another call's, so a disposition
    from it is a hint, never a reason to dial again (see :class:`~plivo_async.bulk.Redial`)."""


def result_of_record(record: CallDetails, request_uuid: str) -> CallResult:
    """How a call ended, from its call detail record (``GET Call/{uuid}/``), by the same
    rules as a hangup callback: for a call whose callbacks went elsewhere (a crashed run's
    receiver) or never came."""
    hangup = HangupEvent(
        call_uuid=record.call_uuid,
        call_status=record.call_status,
        hangup_cause_name=record.hangup_cause_name,
        hangup_cause_code=record.hangup_cause_code,
        hangup_source=record.hangup_source,
        duration=record.call_duration,
        bill_duration=record.bill_duration,
        answer_time=record.answer_time,
    )
    return _result(request_uuid, record.call_uuid, hangup, disposition_of(hangup))


def _result(
    request_uuid: str, call_uuid: str | None, hangup: HangupEvent, disposition: Disposition
) -> CallResult:
    return CallResult(
        request_uuid=request_uuid,
        call_uuid=call_uuid,
        disposition=disposition,
        duration=hangup.duration,
        bill_duration=hangup.bill_duration,
        hangup_cause=hangup.hangup_cause or hangup.hangup_cause_name,
        hangup_cause_code=hangup.hangup_cause_code,
        hangup_source=hangup.hangup_source,
        machine=disposition == "machine",
    )


class CallHandle:
    """One tracked call: ``await answered()``, ``await ended()``; made by ``track``."""

    def __init__(self, request_uuid: str) -> None:
        self.request_uuid = request_uuid
        self.call_uuid: str | None = None
        self.mark: str | None = None
        self.rang = False
        self.was_answered = False
        self.machine = False
        self.result: CallResult | None = None
        """The final result once the hangup callback came, else None."""
        self._seen: dict[str, bool] = {}  # kind -> whether its parameters were signed
        self._keys: list[tuple[dict[str, str], str]] = []  # tracker index entries it owns
        self._settled = asyncio.Event()  # answered, or ended without an answer
        self._ended = asyncio.Event()
        self._confirmed = asyncio.Event()  # ended, by a callback with signed parameters

    def __repr__(self) -> str:
        state = self.result.disposition if self.result else "pending"
        return f"<CallHandle {self.request_uuid} {state}>"

    async def answered(self) -> bool:
        """Wait until the call is answered (True) or ends without an answer (False)."""
        await self._settled.wait()
        return self.was_answered

    async def confirmed(self) -> CallResult:
        """Wait for a hangup callback whose parameters were signed (see
        :attr:`CallResult.confirmed`)."""
        await self._confirmed.wait()
        assert self.result is not None
        return self.result

    async def ended(self) -> CallResult:
        """Wait for the hangup callback; the call's final :class:`CallResult`."""
        await self._ended.wait()
        assert self.result is not None
        return self.result

    def _apply(self, kind: str, event: CallEvent, signed: bool) -> None:
        if event.call_uuid and (self.call_uuid is None or signed):
            self.call_uuid = event.call_uuid
        if kind == "ring":
            self.rang = True
        elif kind == "answer":
            self.was_answered = True
            self._settled.set()
        elif kind == "machine":
            self.machine = self.machine or bool(getattr(event, "machine", False))
        elif kind == "hangup" and isinstance(event, HangupEvent):
            disposition = disposition_of(event, answered=self.was_answered, machine=self.machine)
            self.was_answered = self.was_answered or disposition in ("answered", "machine")
            result = _result(self.request_uuid, self.call_uuid, event, disposition)
            self.result = result if signed else attrs.evolve(result, confirmed=False)
            if signed:
                self._confirmed.set()
            self._settled.set()
            self._ended.set()


def _kind(event: CallEvent) -> str | None:
    if isinstance(event, HangupEvent):
        return "hangup"
    if isinstance(event, MachineDetectionEvent):
        return "machine"
    if isinstance(event, AnswerEvent):
        return "answer"
    if isinstance(event, RingEvent):
        return "ring"
    return None


class CallTracker:
    """Links callbacks to calls and gives each call a disposition (see the module doc).

    What it holds is bounded by the calls in flight, not by the calls ever made:

    - a tracked call stays until :meth:`release` (explicit rather than weak references:
      a handle nobody holds may still be awaited through a task, and its mark must stay
      proof for reconciliation until the row that placed it is done; a caller that never
      releases keeps every call, as before);
    - a call known only from callbacks (they can beat the create's answer, or name a call
      this run never made) is kept among at most ``max_untracked`` such calls; beyond it
      the oldest goes with its call uuid and mark, counted in :attr:`dropped` (a dropped
      mark is only a shortcut lost: reconciliation still asks the API);
    - the last ``max_released`` released calls are remembered by uuid and the kinds of
      callback they had, so that Plivo's late repeats count in :attr:`duplicates` (or
      :attr:`late`) and never bring a handle back.
    """

    def __init__(
        self, *, max_untracked: int = MAX_UNTRACKED, max_released: int = MAX_RELEASED
    ) -> None:
        if max_untracked < 1:
            raise ValueError(f"max_untracked must be >= 1, got {max_untracked}")
        if max_released < 0:
            raise ValueError(f"max_released must be >= 0, got {max_released}")
        self.max_untracked = max_untracked
        self.max_released = max_released
        self._calls: dict[str, CallHandle] = {}
        self._untracked: OrderedDict[str, CallHandle] = OrderedDict()
        self._released: OrderedDict[str, int] = OrderedDict()  # uuid -> kinds seen (bits)
        self._by_call_uuid: dict[str, str] = {}
        self._marks: dict[str, str] = {}
        self.duplicates = 0
        """Callbacks received again for a call (same kind) and not counted twice."""
        self.ignored = 0
        """Callbacks that name no request (MPC events, unknown kinds)."""
        self.dropped = 0
        """Calls known only from callbacks, dropped beyond ``max_untracked`` (oldest first)."""
        self.late = 0
        """Callbacks of a kind a released call had not had (dropped: its owner is done)."""

    def __len__(self) -> int:
        return len(self._calls) + len(self._untracked)

    def track(self, request_uuid: str) -> CallHandle:
        """The handle of ``request_uuid`` (the same one on every call; may already be done).

        Tracking a released call again starts afresh: it hears only later callbacks.
        """
        handle = self._calls.get(request_uuid)
        if handle is None:
            handle = self._untracked.pop(request_uuid, None) or CallHandle(request_uuid)
            self._calls[request_uuid] = handle
            self._released.pop(request_uuid, None)
        return handle

    def release(self, request_uuid: str) -> None:
        """Forget a call whose result its owner has: its handle, call uuid and marks (the
        marks of other calls stay). Its late repeated callbacks are counted, not kept."""
        handle = self._calls.pop(request_uuid, None) or self._untracked.pop(request_uuid, None)
        if handle is None:
            return
        self._forget(handle)
        if self.max_released:
            bits = sum(1 << i for i, kind in enumerate(_KINDS) if kind in handle._seen)
            self._released[request_uuid] = bits
            if len(self._released) > self.max_released:
                self._released.popitem(last=False)

    @property
    def marks(self) -> Mapping[str, str]:
        """``mark -> request_uuid`` seen in callbacks: proof for reconciliation."""
        return self._marks

    @property
    def handles(self) -> list[CallHandle]:
        return [*self._calls.values(), *self._untracked.values()]

    def _forget(self, handle: CallHandle) -> None:
        for index, key in handle._keys:
            if index.get(key) == handle.request_uuid:
                del index[key]
        handle._keys.clear()

    def _index(self, index: dict[str, str], key: str, handle: CallHandle, *, replace: bool) -> None:
        """Point ``key`` at the handle's request, remembering it to drop on release."""
        if index.get(key) == handle.request_uuid:
            return
        if not replace and key in index:
            return
        index[key] = handle.request_uuid
        handle._keys.append((index, key))

    def _handle_for(self, request_uuid: str) -> CallHandle:
        """The handle a callback feeds: a tracked one, or one kept among the untracked."""
        handle = self._calls.get(request_uuid) or self._untracked.get(request_uuid)
        if handle is None:
            handle = self._untracked[request_uuid] = CallHandle(request_uuid)
            if len(self._untracked) > self.max_untracked:
                _, oldest = self._untracked.popitem(last=False)
                self._forget(oldest)
                self.dropped += 1
                log.debug("callbacks of untracked call %s dropped", oldest.request_uuid)
        return handle

    def _after_release(self, request_uuid: str, kind: str) -> bool:
        """Count a callback for a released call: False when the call is not a released one."""
        bits = self._released.get(request_uuid)
        if bits is None:
            return False
        if bits & (1 << _KINDS.index(kind)):
            self.duplicates += 1
            log.debug("duplicate %s callback for %s", kind, request_uuid)
        else:
            self.late += 1
        return True

    def feed(
        self, event: CallbackEvent, *, mark: str | None = None, signed: bool | None = None
    ) -> bool:
        """Take one verified callback; False when it is a repeat or names no call.

        ``signed`` (default: the event's ``params_signed``, which the receiver sets): the
        callback's signature covers its parameters (v3), not only its URL
        and nonce (v2, on a POST or a GET alike). Unsigned parameters may be
        another call's: their disposition is not ``confirmed``, their mark (when it comes
        in the body) proves nothing, and a signed callback of the same kind replaces them.
        ``mark`` (from the callback's URL, which every signature covers) is taken as given.
        """
        if signed is None:
            signed = bool(getattr(event, "params_signed", False))
        if not isinstance(event, CallEvent) or (kind := _kind(event)) is None:
            self.ignored += 1
            return False
        request_uuid = event.request_uuid or self._by_call_uuid.get(event.call_uuid or "")
        if not request_uuid:
            self.ignored += 1
            return False
        if self._after_release(request_uuid, kind):
            return False
        handle = self._handle_for(request_uuid)
        if event.call_uuid:
            self._index(self._by_call_uuid, event.call_uuid, handle, replace=signed)
        mark = mark or (_scalar_str(event.raw.get(MARK_PARAM)) if signed else None)
        if mark and signed:
            handle.mark = handle.mark or mark
            self._index(self._marks, mark, handle, replace=False)
        seen = handle._seen.get(kind)  # the tracker owns its handles
        if seen is not None and (seen or not signed):
            self.duplicates += 1
            log.debug("duplicate %s callback for %s", kind, request_uuid)
            return False
        handle._seen[kind] = signed
        handle._apply(kind, event, signed)
        return True

    def observe(self, request: web.Request, event: CallbackEvent) -> None:
        """The receiver's ``observe`` hook: :meth:`feed`, with the mark from the URL and
        whether the receiver found the callback's parameters signed (v3)."""
        self.feed(event, mark=mark_of(str(request.rel_url)))

    async def on_event(self, event: CallbackEvent) -> None:
        """An ``on_event`` for ``webhook_app`` when nothing else handles the callbacks
        (whether a callback's parameters were signed is not known here: :meth:`app` knows)."""
        self.feed(event)

    def app(
        self,
        auth_token: AuthToken,
        *,
        on_event: OnEvent | None = None,
        public_url: str | None = None,
        trusted_proxies: Proxies = (),
        require_v3: bool = False,
        trust_forwarded: bool = False,
        base_url: str | None = None,
    ) -> web.Application:
        """A signature-checking receiver app that feeds this tracker, then ``on_event``.

        ``on_event`` answers what must be answered (Plivo XML for the answer URL); by
        default every callback gets an empty 200. ``public_url``, ``trusted_proxies``:
        the URL Plivo called, as for :func:`~plivo_async.webhooks.webhook_app`
        (``trust_forwarded`` and ``base_url`` are deprecated).
        """
        from .webhooks.receiver import webhook_app

        async def nothing(event: CallbackEvent) -> None:
            return None

        return webhook_app(
            auth_token,
            on_event or nothing,
            public_url=public_url,
            trusted_proxies=trusted_proxies,
            require_v3=require_v3,
            trust_forwarded=trust_forwarded,
            base_url=base_url,
            observe=self.observe,
        )


def _scalar_str(value: object) -> str | None:
    if isinstance(value, list):
        value = value[0] if value else None
    return value if isinstance(value, str) and value else None
