"""What the calls runner asks the API about one row's call: reconciliation, tracking.

Every create of a calls run carries a fresh correlation mark (see
:mod:`plivo_async.correlation`), recorded in the row's start record with the time it was
sent. When the create fails ambiguously (:class:`~plivo_async.errors.OutcomeUnknownError`)
and reconciliation is on, the :class:`Dialer` asks the API what happened
(:func:`plivo_async.reconciliation.reconcile`): a call found turns the row ``ok`` with its
uuid; a call proven not placed is sent again (with the same mark: the first create made
nothing); anything else stays ``unknown`` with a note saying why. A resumed run does the
same for the rows a crash left in flight, from their start records.

With a :class:`~plivo_async.tracking.CallTracker`, the dialer then waits for each call's
hangup callback and gives the row its disposition (answered, busy, no-answer, failed,
machine, cancelled), or gives up after ``track_wait`` seconds (the call's own limits plus
a margin, by default).
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Collection, Iterator
from datetime import datetime, timezone
from typing import Any

import attrs

from ..errors import OutcomeUnknownError, PlivoError
from ..models.calls import CallDetails, CreateCallRequest, CreateCallResponse
from ..reconciliation import DEFAULT_LAG, DEFAULT_SETTLE, DEFAULT_SKEW, Reconciliation
from ..resources.calls import Calls
from ..tracking import CallHandle, CallResult, CallTracker, result_of_record
from .policy import LiveCallCap, Redial

__all__ = ["Dialer", "Followed", "Resolved"]

#: How many of the run's own placed calls are remembered, so that reconciliation does not
#: take one of them for the call of another row to the same number.
RECENT_CALLS = 20_000
#: How many times a row proven not placed is sent again within one run.
MAX_RESENDS = 3
#: Times a call's record is asked for again after the wait for its hangup expired.
RECORD_TRIES = 5
#: Seconds added to a call's own limits (ring timeout + time limit) before tracking gives up.
TRACK_MARGIN = 60.0
_PLIVO_RING_TIMEOUT = 120
_PLIVO_TIME_LIMIT = 14_400


@attrs.frozen
class Resolved:
    """What reconciliation made of one ambiguous create: the response of the call found,
    or the error the row keeps; ``status``/``note`` say what the API showed."""

    status: str
    note: str
    response: CreateCallResponse | None = None
    error: BaseException | None = None
    lookups: int = 0
    records: tuple[CallDetails, ...] = ()
    call_uuids: tuple[str, ...] = ()


@attrs.frozen
class Followed:
    """How a row's call(s) ended: one :class:`CallResult` per destination, None where
    no hangup callback came within the wait."""

    results: tuple[CallResult | None, ...]
    note: str | None = None
    ended_at: float = 0.0
    lookups: int = 0

    @property
    def disposition(self) -> str | None:
        """The row's disposition: ``answered`` if any of its calls was, else the first's."""
        known = [r.disposition for r in self.results if r is not None]
        if "answered" in known:
            return "answered"
        if not known or len(known) < len(self.results):
            return None
        return known[0]

    @property
    def first(self) -> CallResult | None:
        return self.results[0] if self.results else None

    @property
    def confirmed(self) -> bool:
        """Whether every call's disposition is confirmed (see :attr:`CallResult.confirmed`):
        only then may it lead to a redial."""
        return all(r is not None and r.confirmed for r in self.results)


class _Recent(Collection[str]):
    """The request and call uuids of the run's last placed calls (bounded)."""

    def __init__(self, size: int = RECENT_CALLS) -> None:
        self._size = size
        self._uuids: OrderedDict[str, None] = OrderedDict()

    def add(self, uuid: str | None) -> None:
        if uuid:
            self._uuids[uuid] = None
            if len(self._uuids) > self._size:
                self._uuids.popitem(last=False)

    def __contains__(self, item: object) -> bool:
        return item in self._uuids

    def __iter__(self) -> Iterator[str]:
        return iter(self._uuids)

    def __len__(self) -> int:
        return len(self._uuids)


class _Both(Collection[str]):
    """Two collections of uuids read as one, without copying the run's recent set."""

    def __init__(self, first: Collection[str], second: Collection[str]) -> None:
        self._first, self._second = first, second

    def __contains__(self, item: object) -> bool:
        return item in self._first or item in self._second

    def __iter__(self) -> Iterator[str]:
        yield from self._first
        yield from (uuid for uuid in self._second if uuid not in self._first)

    def __len__(self) -> int:
        return sum(1 for _ in self)


class Dialer:
    """Places, reconciles and follows the calls of one bulk run (see the module doc).

    ``lag`` is the longest the API may take to show a call record after hangup, ``settle``
    the longest it may still be processing a create after it was sent, ``wait`` how long
    a row may wait for both (default: their sum plus 5 s, so that a row not placed can be
    proven so and resent); ``clock``/``sleep`` are injectable (epoch seconds).
    """

    def __init__(
        self,
        calls: Calls,
        *,
        retry_unsafe: bool = False,
        reconcile: bool = True,
        lag: float = DEFAULT_LAG,
        settle: float = DEFAULT_SETTLE,
        wait: float | None = None,
        skew: float = DEFAULT_SKEW,
        tracker: CallTracker | None = None,
        track_wait: float | None = None,
        redial: Redial | None = None,
        max_live_calls: int | None = None,
        clock: Callable[[], float] = time.time,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        if tracker is None and (redial is not None or max_live_calls is not None):
            raise ValueError("redial= and max_live_calls= need track= (a CallTracker)")
        if (
            lag < 0
            or not skew >= 0
            or (wait is not None and wait < 0)
            or (track_wait is not None and track_wait <= 0)
        ):
            raise ValueError("reconcile lag, skew and wait must be >= 0, track_wait > 0")
        self.calls = calls
        self.retry_unsafe = retry_unsafe
        self.reconcile = reconcile
        self.lag = lag
        self.settle = settle
        self.wait = settle + lag + 5.0 if wait is None else wait
        self.skew = skew
        self.tracker = tracker
        self.track_wait = track_wait
        self.redial = redial
        self.live = None if max_live_calls is None else LiveCallCap(max_live_calls)
        self.clock = clock
        self.sleep = sleep
        self.recent = _Recent()

    @property
    def tracking(self) -> bool:
        return self.tracker is not None

    async def resolve(
        self,
        request: CreateCallRequest,
        *,
        mark: str | None,
        sent_at: float,
        error: BaseException,
        own: Collection[str] = (),
        sleep: Callable[[float], Awaitable[None]] | None = None,
    ) -> Resolved:
        """Ask the API about one ambiguous create (its own lookups are not the row's
        attempts); ``own``: the uuids of the row's earlier calls, never this create's."""
        found = await self.calls.reconcile(
            request,
            sent_at=datetime.fromtimestamp(sent_at, timezone.utc),
            mark=mark,
            marks=None if self.tracker is None else self.tracker.marks,
            exclude=_Both(self.recent, own) if own else self.recent,
            lag=self.lag,
            settle=self.settle,
            wait=self.wait,
            skew=self.skew,
            clock=self.clock,
            sleep=sleep or self.sleep,
        )
        return _resolved(found, error)

    def placed(self, response: CreateCallResponse) -> None:
        for uuid in response.request_uuids:
            self.recent.add(uuid)

    def wait_for(self, request: CreateCallRequest) -> float:
        """How long to wait for a call's hangup: ``track_wait``, or its own limits + a margin."""
        if self.track_wait is not None:
            return self.track_wait
        ring = request.ring_timeout or _PLIVO_RING_TIMEOUT
        return ring + (request.time_limit or _PLIVO_TIME_LIMIT) + TRACK_MARGIN

    async def follow(
        self,
        request: CreateCallRequest,
        response: CreateCallResponse,
        records: tuple[CallDetails, ...] = (),
        call_uuids: tuple[str, ...] = (),
        *,
        resumed: bool = False,
    ) -> Followed:
        """How each call of one create ended: from its hangup callback (waiting up to
        :meth:`wait_for`), or from its call record (see :meth:`_result_of`): the one
        reconciliation found (``records``; ``call_uuids`` are the uuids it told, in the
        order of the response's request uuids), or ``GET Call/{uuid}``.

        ``resumed``: the call may have been placed by an earlier run or a create this run
        saw fail, so its callbacks may have gone to a receiver that is gone: its record is
        asked for every ``lag`` seconds (at least 1 s) while the wait goes on.
        """
        assert self.tracker is not None
        handles = [self.tracker.track(uuid) for uuid in response.request_uuids]
        over = {str(r.raw.get("request_uuid") or r.call_uuid): r for r in records}
        told = dict(zip(response.request_uuids, call_uuids, strict=False))  # () when not reconciled
        wait = self.wait_for(request)
        deadline = self.clock() + wait
        lookups = 0
        while True:
            waiting = [h for h in handles if h.result is None and h.request_uuid not in over]
            if resumed:
                for handle in waiting:
                    record, asked = await self._own_record(
                        handle, request, told.get(handle.request_uuid)
                    )
                    lookups += asked
                    if record is not None:
                        over[handle.request_uuid] = record
                waiting = [h for h in waiting if h.request_uuid not in over]
            remaining = deadline - self.clock()
            if not waiting or remaining <= 0:
                break
            pause = min(max(self.lag, 1.0), remaining) if resumed else remaining
            await self._first_of(asyncio.gather(*(h.ended() for h in waiting)), pause)
            if not resumed:
                break
        results: list[CallResult | None] = []
        for handle in handles:
            result, asked = await self._result_of(
                handle,
                request,
                over.get(handle.request_uuid),
                told.get(handle.request_uuid),
                deadline,
            )
            self.recent.add(handle.call_uuid)
            lookups += asked
            results.append(result)
        note = None
        if any(r is None for r in results):
            note = f"no hangup callback within {wait:g}s (track_wait), and no call record"
        elif any(r is not None and not r.confirmed for r in results):
            note = (
                "disposition from a callback whose signature does not cover its parameters"
                " (v2), not confirmed by the call record: not redialled"
            )
        return Followed(tuple(results), note, self.clock(), lookups)

    async def _result_of(
        self,
        handle: CallHandle,
        request: CreateCallRequest,
        record: CallDetails | None,
        told: str | None,
        deadline: float,
    ) -> tuple[CallResult | None, int]:
        """One call's result, and the lookups it took: a signed hangup callback's; else
        the call's own record (reconciliation's, or :meth:`_own_record`); else an
        unsigned hangup's, unconfirmed, once ``deadline`` passed without a signed
        callback or a record (asked again every ``lag`` seconds)."""
        asked = tries = 0
        while True:
            result = handle.result
            if result is not None and result.confirmed:
                return result, asked
            if record is None:
                record, more = await self._own_record(handle, request, told)
                asked += more
            if record is not None:
                return result_of_record(record, handle.request_uuid), asked
            remaining = deadline - self.clock()
            if result is None:
                # No hangup within the wait: the call is over by now (the wait covers its
                # own limits), so its record shows within the lag; a failed lookup proves
                # nothing: ask again, a few times.
                if tries >= RECORD_TRIES:
                    return None, asked
                tries += 1
                await self.sleep(max(self.lag, 1.0))
                continue
            if remaining <= 0:
                return result, asked  # no proof in time: unconfirmed
            await self._first_of(handle.confirmed(), min(max(self.lag, 1.0), remaining))

    async def _own_record(
        self, handle: CallHandle, request: CreateCallRequest, told: str | None
    ) -> tuple[CallDetails | None, int]:
        """The call's record, once it is over, and the lookups it took: ``GET Call/{uuid}``
        for the uuid reconciliation told, the one a callback told, then the request uuid
        (Plivo's call uuid of a single-destination call), each checked to be this call's."""
        asked = 0
        for uuid in dict.fromkeys(u for u in (told, handle.call_uuid, handle.request_uuid) if u):
            record = await self._record_of(uuid)
            asked += 1
            if record is not None and _is_record_of(record, handle.request_uuid, request):
                return record, asked
        return None, asked

    async def _first_of(self, done: Awaitable[Any], wait: float) -> None:
        """Wait for ``done`` or ``wait`` seconds on the injected sleep, whichever is first."""
        ended: asyncio.Future[Any] = asyncio.ensure_future(done)
        timer: asyncio.Future[Any] = asyncio.ensure_future(self.sleep(wait))
        try:
            await asyncio.wait([ended, timer], return_when=asyncio.FIRST_COMPLETED)
        finally:
            for task in (ended, timer):
                task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await asyncio.gather(ended, timer, return_exceptions=True)

    async def _record_of(self, call_uuid: str) -> CallDetails | None:
        """The call's detail record, if the API has it and it shows the call over (a lookup
        apart from the row's); a record with no end time says nothing of how it ended."""
        try:
            record = await self.calls.get(call_uuid)
        except PlivoError:
            return None  # not indexed yet, or the lookup failed: no disposition
        return record if record.end_time else None


def _same_number(a: str | None, b: str) -> bool:
    return a is not None and a.lstrip("+") == b.lstrip("+")


def _is_record_of(record: CallDetails, request_uuid: str, request: CreateCallRequest) -> bool:
    """Whether a call record is of this request's call: to one of its destinations, and
    naming this request if it names one."""
    named = record.raw.get("request_uuid")
    return named in (None, request_uuid) and any(
        _same_number(record.to_number, to) for to in request.destinations
    )


def _resolved(found: Reconciliation, error: BaseException) -> Resolved:
    lookups = found.lookups
    if found.status == "found":
        uuids = list(found.request_uuids)
        response = CreateCallResponse(
            message="found by reconciliation",
            request_uuid=uuids[0] if len(uuids) == 1 else uuids,
        )
        return Resolved(
            "found",
            found.note,
            response,
            lookups=lookups,
            records=found.records,
            call_uuids=found.call_uuids,
        )
    message = f"{error}; reconciliation: {found.note}"
    unknown = OutcomeUnknownError(
        message,
        method=getattr(error, "method", "POST") or "POST",
        path=getattr(error, "path", "") or "",
        attempts=getattr(error, "attempts", 0) or 0,
    )
    return Resolved(found.status, found.note, error=unknown, lookups=lookups)
