"""Calls and their lifecycle: the state behind the Call API routes.

A call's state is a pure function of the emulator's clock: its milestones (leaves the
queue, answered, ends) are fixed when it is placed, and a hangup/cancel only moves the
end earlier. Nothing runs in the background, so an injected clock drives everything.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import datetime, timezone
from decimal import Decimal
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..scripts import Script

__all__ = ["HANGUP_CAUSE_CODES", "CallState", "CallStore", "Lifecycle", "format_time"]

INF = math.inf
_FREE = Decimal(0)


@dataclass(frozen=True, slots=True)
class Lifecycle:
    """Seconds a placed call spends in each state: queued -> ringing -> in-progress.

    ``queued_s`` defaults to 0: as on Plivo, a call only waits in the queue when calls are
    placed faster than the account's CPS (see ``Emulator(cps=...)``).
    """

    queued_s: float = 0.0
    ringing_s: float = 2.0
    talk_s: float = 30.0
    """How long the callee stays on before hanging up (capped by ``time_limit``)."""

    def __post_init__(self) -> None:
        if min(self.queued_s, self.ringing_s, self.talk_s) < 0:
            raise ValueError("lifecycle durations must be >= 0")


def format_time(t: float) -> str:
    """Plivo's timestamp format, in UTC."""
    return datetime.fromtimestamp(t, timezone.utc).strftime("%Y-%m-%d %H:%M:%S+00:00")


HANGUP_CAUSE_CODES: dict[str, int] = {
    "Unknown": 0,
    "Canceled": 1000,
    "Busy Line": 3000,
    "Rejected": 3010,
    "Ring Timeout": 3020,
    "Machine Detected": 3040,
    "Normal Hangup": 4000,
    "End Of XML Instructions": 4010,
}
"""Plivo's hangup cause names and codes (its "hangup causes" table) the emulator produces.

1000 (Canceled), 4000 and 4010 are as Plivo documents them; the 3000-range codes (busy,
rejected, ring timeout, machine) follow the table as remembered, not checked against a
copy of it (tracking reads ``CallStatus`` and the name first, so no disposition hangs on
them). A name not listed here (``Answer URL Unreachable``, ...) is reported with code 0
(Plivo's "Unknown").
"""

_UNANSWERED = {
    "busy": ("USER_BUSY", "Busy Line"),
    "no-answer": ("NO_ANSWER", "Ring Timeout"),
    "cancel": ("ORIGINATOR_CANCEL", "Canceled"),
}
"""``HangupCause`` and its Plivo name for a call that ended before being answered."""


def _nanp(number: str) -> bool:
    return number.lstrip("+").startswith("1") and number.lstrip("+").isdigit()


def stir_verification(from_: str, to: str) -> str:
    """The record's STIR/SHAKEN result, decided the same way every time: a call to the
    US/Canada from a US/Canada number is ``Verified`` (the emulator takes every caller ID
    as the account's own), from elsewhere ``Not Verified``; any other ``Not Applicable``."""
    if not _nanp(to):
        return "Not Applicable"
    return "Verified" if _nanp(from_) else "Not Verified"


@dataclass(slots=True)
class CallState:
    """One emulated outbound call (the emulator uses the same uuid as call and request id)."""

    uuid: str
    from_: str
    to: str
    source: str
    created: float
    dial_at: float
    answer_at: float
    end_at: float
    params: dict[str, Any] = field(default_factory=dict)
    hangup_source: str = "Callee"
    hangup_cause: str = "NORMAL_CLEARING"
    """``HangupCause`` of an answered call (an unanswered one's follows its status)."""
    hangup_cause_name: str = "Normal Hangup"
    """Plivo's name for why an answered call ended (``End Of XML Instructions``, ...)."""
    no_answer_status: str = "no-answer"
    machine: bool = False
    """Machine detection finds a machine (the destination's script, and with a greeting
    the call's tuning parameters, say so)."""
    flow: bool = False
    """A call flow follows the call (it requests ``answer_url``, not the callbacks)."""
    _events: dict[str, Any] | None = field(default=None, repr=False)

    @property
    def events(self) -> dict[str, Any]:
        """Per-call extras (recording, playing, ...), for in-call actions; made on first
        use (most calls have none, and a million empty dicts are 64 MB)."""
        if self._events is None:
            self._events = {}
        return self._events

    def status(self, now: float) -> str:
        """``queued``, ``ringing``, ``in-progress`` or a final status."""
        if now < self.dial_at and now < self.end_at:
            return "queued"
        if now < self.end_at:
            return "in-progress" if now >= self.answer_at else "ringing"
        if self.answer_at <= self.end_at:
            return "completed"
        return self.no_answer_status

    def is_live(self, now: float) -> bool:
        """Plivo's "live": ringing or in progress."""
        return self.status(now) in ("ringing", "in-progress")

    def is_over(self, now: float) -> bool:
        return now >= self.end_at

    def hang_up(
        self, now: float, *, source: str = "API Request", cause: str = "Normal Hangup"
    ) -> None:
        """End the call now (before answer: it ends as ``cancel``); ``cause`` is Plivo's
        name for why an answered call ended."""
        if now >= self.end_at:
            return
        self.end_at = now
        self.hangup_source = source
        if now < self.answer_at:
            self.no_answer_status = "cancel"
        else:
            self.hangup_cause_name = cause

    def cause(self) -> tuple[str, str, int]:
        """``(HangupCause, HangupCauseName, HangupCauseCode)`` of the call's end."""
        if self.answer_at <= self.end_at:
            cause, name = self.hangup_cause, self.hangup_cause_name
        else:
            cause, name = _UNANSWERED.get(self.no_answer_status, _UNANSWERED["no-answer"])
        return cause, name, HANGUP_CAUSE_CODES.get(name, 0)

    def durations(self, now: float) -> tuple[int, int]:
        """(duration, billed_duration) in whole seconds; billed in 60-s increments."""
        if now < self.answer_at:
            return 0, 0
        duration = math.ceil(max(0.0, min(now, self.end_at) - self.answer_at))
        return duration, 60 * math.ceil(duration / 60)

    def cost(self, now: float, rate: Decimal) -> Decimal:
        """What the call costs at ``rate`` per minute: its billed minutes times it."""
        return rate * (self.durations(now)[1] // 60)

    def cdr(self, now: float, auth_id: str, rate: Decimal = _FREE) -> dict[str, Any]:
        """The call detail record shape of ``GET /Call/{uuid}/`` (plus ``call_status``);
        ``rate`` is the per-minute price of its destination."""
        status = self.status(now)
        over = now >= self.end_at
        duration, billed = self.durations(now)
        answered = self.answer_at <= min(now, self.end_at)
        _, cause_name, cause_code = self.cause()
        return {
            "answer_time": format_time(self.answer_at) if answered else None,
            "bill_duration": duration,
            "billed_duration": billed,
            "call_direction": "outbound",
            "call_duration": duration,
            "call_state": _CALL_STATE.get(status, status.upper()),
            "call_status": status,
            "call_uuid": self.uuid,
            "conference_uuid": None,
            "end_time": format_time(self.end_at) if over else None,
            "from_number": self.from_,
            "hangup_cause_code": cause_code if over else None,
            "hangup_cause_name": cause_name if over else None,
            "hangup_source": self.hangup_source if over else None,
            "initiation_time": format_time(self.created),
            "parent_call_uuid": self.params.get("parent_call_uuid"),
            "request_uuid": self.uuid,
            "resource_uri": f"/v1/Account/{auth_id}/Call/{self.uuid}/",
            "stir_verification": stir_verification(self.from_, self.to),
            "to_number": self.to,
            "total_amount": f"{self.cost(now, rate):.5f}",
            "total_rate": f"{rate:.5f}",
        }

    def live_view(self, now: float) -> dict[str, Any]:
        """The shape of a live or queued call lookup (``?status=live|queued``)."""
        return {
            "direction": "outbound",
            "from": self.from_.lstrip("+"),
            "to": self.to.lstrip("+"),
            "call_status": self.status(now),
            "caller_name": self.params.get("caller_name") or self.from_,
            "call_uuid": self.uuid,
            "request_uuid": self.uuid,
            "session_start": format_time(self.dial_at),
        }


_CALL_STATE = {
    "queued": "QUEUED",
    "ringing": "RINGING",
    "in-progress": "ANSWER",
    "completed": "ANSWER",
    "no-answer": "NO_ANSWER",
    "busy": "BUSY",
    "cancel": "CANCEL",
}


class CallStore:
    """All calls of one emulator, by uuid, in placement order."""

    def __init__(
        self, lifecycle: Lifecycle, cps: float | None = None, cdr_lag: float | None = None
    ) -> None:
        if cps is not None and cps <= 0:
            raise ValueError("cps must be > 0")
        if cdr_lag is not None and not 0 <= cdr_lag < INF:
            raise ValueError("cdr_lag must be a finite number of seconds >= 0, or None")
        self.lifecycle = lifecycle
        self.cps = cps
        self.cdr_lag = cdr_lag
        """Seconds from hangup until a call's record can be looked up; None: at once, live
        calls included (the emulator's lenient default)."""
        self.calls: dict[str, CallState] = {}
        self._next_slot = -INF

    def place(
        self,
        uuid: str,
        *,
        from_: str,
        to: str,
        source: str,
        now: float,
        params: dict[str, Any] | None = None,
        script: Script | None = None,
    ) -> CallState:
        """Create a call; with ``cps`` set, calls beyond the rate wait in the queue.

        ``script`` (the destination's, see :mod:`plivo_async.emulator.scripts`) says who
        answers and when: its ``ring_s``/``talk_s`` replace the lifecycle's, a busy line
        or a ring-out never answers. The create's ``ring_timeout``, ``hangup_on_ring`` and
        ``time_limit`` then cut the call short as Plivo would.
        """
        params = params or {}
        life = self.lifecycle
        start = now
        if self.cps is not None:
            start = max(now, self._next_slot)
            self._next_slot = start + 1.0 / self.cps
        ringing_s, talk_s = life.ringing_s, life.talk_s
        if script is not None:
            ringing_s = life.ringing_s if script.ring_s is None else script.ring_s
            talk_s = life.talk_s if script.talk_s is None else script.talk_s
        dial_at = start + life.queued_s
        answer_at = dial_at + ringing_s
        end_at = answer_at + talk_s
        call = CallState(uuid, from_, to, source, now, dial_at, answer_at, end_at, params)
        ring_timeout = params.get("ring_timeout")
        if script is not None and not script.answers:
            call.answer_at = INF
            if script.answer == "busy":
                call.end_at = dial_at + (script.ring_s or 0.0)
                call.no_answer_status = "busy"
            else:  # rings out: for ring_s if given, else the lifecycle's whole call
                rings = end_at if script.ring_s is None else dial_at + script.ring_s
                call.end_at = min(rings, dial_at + (ring_timeout or 60))
        elif ring_timeout is not None and ring_timeout <= ringing_s:
            call.answer_at = INF
            call.end_at = dial_at + ring_timeout
        if script is not None and script.detected_as_machine(params):
            call.machine = True
        hangup_on_ring = params.get("hangup_on_ring")
        if hangup_on_ring is not None and dial_at + hangup_on_ring < call.end_at:
            call.end_at = dial_at + hangup_on_ring
            call.hangup_source = "Plivo"
            if call.end_at < call.answer_at:
                call.answer_at = INF
        time_limit = params.get("time_limit")
        if time_limit is not None and call.answer_at + time_limit < call.end_at:
            call.end_at = call.answer_at + time_limit
            call.hangup_source = "Plivo"
        self.calls[uuid] = call
        return call

    def get(self, uuid: str) -> CallState | None:
        return self.calls.get(uuid)

    def has_record(self, call: CallState, now: float) -> bool:
        """Whether ``GET Call/`` and ``GET Call/{uuid}/`` show the call's record at ``now``.

        As on Plivo, a call record exists once the call is over, and is found only after
        an indexing lag (``cdr_lag``); with ``cdr_lag=None`` every call has a record from
        the start.
        """
        return self.cdr_lag is None or call.end_at + self.cdr_lag <= now

    def with_status(self, now: float, *statuses: str) -> list[CallState]:
        """Calls currently in one of ``statuses`` (O(n); only for list lookups)."""
        return [c for c in self.calls.values() if c.status(now) in statuses]

    def reset(self) -> None:
        self.calls.clear()
        self._next_slot = -INF
