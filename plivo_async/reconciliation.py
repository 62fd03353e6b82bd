"""Reconciliation: after an ambiguous create, find out from the API whether the call exists.

A create that failed ambiguously (timeout, connection lost after sending, 5xx) may or may
not have placed its call. A placed call is in exactly one of these states, and each has
a lookup: waiting in Plivo's queue (``GET Call/?status=queued``), ringing or answered
(``?status=live``, filtered by destination and caller id), or over (the call records,
``GET Call/``, filtered by destination, caller id and an end-time window), with one gap:
a call record appears only some time after hangup (the API's indexing lag). So:

* a matching call in any lookup is ``found`` (its uuids are returned);
* ``not_placed`` needs evidence against every state: not queued at ``t_q``, not live at
  ``t_l >= t_q`` (a call only moves queued -> live -> over, so if it existed it was over
  by ``t_l``), and no record in a lookup made at least ``lag`` seconds after ``t_l`` (by
  then its record must show), with ``t_q`` no earlier than ``settle`` seconds after the
  create was sent (until then the API may still be processing it: a client killed or
  timed out mid-request leaves a create that is placed a moment later). ``sent_at`` is
  the moment the *last* attempt that may have reached the API left. When those moments
  are more than ``wait`` seconds away, the answer is ``unknown``, with a note saying when
  to look again;
* anything short of positive evidence leaves the answer ``unknown``: a lookup that fails,
  a 2xx answer without its list (or with a list of the wrong shape), a page that ends
  early, records that do not match the filters asked, a list that moved under the pages so
  that a call could have slipped between two of them, a record with no start time or one
  too near the edge of the time window to tell.

Evidence is read from the answers as they came (raw JSON), never from a model's defaults:
a missing ``calls`` list is no list, not an empty one.

**Pages of a moving list.** The queue drains while it is paged by offset: calls leave its
head, the rest shift forward, and a plain walk skips the call at a page boundary. Pages
are read with an overlap (each starts ``_OVERLAP`` entries before the previous one ended)
and a walk counts only when every page starts with a call the previous page showed:
calls keep their order in the queue, so nothing was skipped. A short page ends the walk
only when two more reads of it are the same (or its tail, as calls leave the head) and
nothing follows it (a page cut short, with more behind it, is not the end). Otherwise
the walk starts again (at most ``_WALKS`` times), then gives up: no evidence. (An API
that cut the same page short the same way three times running would still be believed.)

**Clock skew.** Call records carry the API's times in whole seconds. ``skew`` bounds how far
the client's clock may be from the API's; the ``Date`` headers of the lookups' answers
widen it when they show more. A record that started clearly before the create was sent
(more than the bound plus a second, and a margin as wide again) is another call; one in
the margin is no evidence either way.

A call to the same destination from the same caller id that is known to be another row's
(``exclude``: its request or call uuid) is not evidence for this one. A ``mark`` that a
callback already tied to a request (``marks``, e.g. :attr:`CallTracker.marks
<plivo_async.tracking.CallTracker.marks>`) is proof on its own.

Residual risk (documented in the tracking guide): a call to the same number from the same
caller id in the time window, placed by someone else on the account and not excluded,
reads as ``found`` (the row is then not re-sent: the person may go uncalled, never called
twice); and a create the API takes longer than ``settle`` to process (after the client
gave up) could appear after the lookups: ``settle`` defaults to the client's request
timeout, and the kill -9 tests show what a too-short ``settle`` does.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Collection, Mapping
from datetime import datetime, timedelta, timezone
from email.utils import parsedate_to_datetime
from typing import Any, Literal, Protocol

import attrs

from ._convert import structure_response
from .errors import PlivoError, ResourceNotFoundError
from .models.calls import CallDetails, CreateCallRequest

__all__ = [
    "DEFAULT_LAG",
    "DEFAULT_SETTLE",
    "DEFAULT_SKEW",
    "CallLookups",
    "Reconciliation",
    "Status",
    "reconcile",
]

Status = Literal["found", "not_placed", "unknown"]
#: Seconds a call record may take to appear after hangup, unless told otherwise.
DEFAULT_LAG = 60.0
#: Seconds the API may still be processing a create after it was sent (the client's
#: default request timeout), unless told otherwise.
DEFAULT_SETTLE = 30.0
#: Seconds the client's clock may be off the API's, unless told otherwise (or the API's
#: ``Date`` headers show more).
DEFAULT_SKEW = 2.0
_PAGE = 20
#: Entries each page of a moving list re-reads from the previous one.
_OVERLAP = 10
#: Walks of a moving list before it counts as no evidence.
_WALKS = 3
#: Reads again of a short page before it counts as the end of its list.
_REREADS = 2


class Answer(Protocol):
    """One lookup's answer as it came (a :class:`~plivo_async.RawResponse`)."""

    @property
    def data(self) -> Any: ...

    @property
    def headers(self) -> Mapping[str, str] | None: ...

    @property
    def elapsed(self) -> float: ...


class CallLookups(Protocol):
    """The lookups reconciliation makes, answering raw (``calls.with_raw_response``)."""

    async def list_queued(self, *, limit: int, offset: int) -> Answer: ...

    async def get_queued(self, call_uuid: str) -> Answer: ...

    async def list_live(
        self, *, to_number: str, from_number: str, limit: int, offset: int
    ) -> Answer: ...

    async def get_live(self, call_uuid: str) -> Answer: ...

    async def list(self, **filters: Any) -> Answer: ...


@attrs.frozen(kw_only=True)
class Reconciliation:
    """What the API says about one ambiguous create.

    ``request_uuids``/``call_uuids`` list the calls found, one per destination;
    ``records`` the call records of those found already over (they say how each ended:
    see :func:`plivo_async.tracking.result_of_record`); ``lookups`` counts the API
    requests made; ``note`` says why, in words.
    """

    status: Status
    note: str
    request_uuids: tuple[str, ...] = ()
    call_uuids: tuple[str, ...] = ()
    lookups: int = 0
    records: tuple[CallDetails, ...] = ()

    @property
    def request_uuid(self) -> str | None:
        """The first request uuid found (the only one for a single destination)."""
        return self.request_uuids[0] if self.request_uuids else None


class NoEvidence(Exception):
    """An answer that proves nothing either way (see the module docstring)."""


@attrs.frozen
class _Found:
    request_uuid: str
    call_uuid: str
    where: str
    record: CallDetails | None = None


def _same(a: object, b: str) -> bool:
    return isinstance(a, str) and a.lstrip("+") == b.lstrip("+")


def _parse_time(text: object) -> datetime | None:
    if not isinstance(text, str) or not text:
        return None
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)


def _ids(answer: Answer, where: str) -> list[str]:
    """The call uuids of a queued/live list answer: present, a list, every one a uuid."""
    data = answer.data
    calls = data.get("calls") if isinstance(data, dict) else None
    if not isinstance(calls, list) or not all(isinstance(u, str) and u for u in calls):
        raise NoEvidence(f"the {where} lookup answered without a list of call uuids")
    return calls


def _call(answer: Answer, uuid: str, where: str) -> tuple[str, str, str | None]:
    """``(from, to, request_uuid)`` of one queued/live call; both numbers must be there."""
    data = answer.data
    if not isinstance(data, dict):
        raise NoEvidence(f"the {where} call {uuid} was answered without its details")
    caller, to, request_uuid = data.get("from"), data.get("to"), data.get("request_uuid")
    if not isinstance(caller, str) or not isinstance(to, str):
        raise NoEvidence(f"the {where} call {uuid} was answered without its numbers")
    return caller, to, request_uuid if isinstance(request_uuid, str) else None


class _Lookup:
    """The lookups for one destination of one create; counts requests, reads the skew."""

    def __init__(
        self,
        calls: CallLookups,
        caller: str,
        to: str,
        sent_at: datetime,
        skew: float,
        exclude: Collection[str],
        clock: Callable[[], float],
    ) -> None:
        self.calls, self.caller, self.to, self.sent_at = calls, caller, to, sent_at
        self.skew, self.exclude, self.clock = skew, exclude, clock
        self.requests = 0

    def _ours(self, request_uuid: str | None, call_uuid: str | None) -> bool:
        return request_uuid not in self.exclude and call_uuid not in self.exclude

    def _read(self, answer: Answer) -> Answer:
        """Count one answer; widen the skew bound when its ``Date`` shows more."""
        headers = answer.headers
        date = None if headers is None else headers.get("Date")
        if date:
            try:
                api = parsedate_to_datetime(date).timestamp()
            except (TypeError, ValueError, IndexError, OverflowError):
                api = None
            if api is not None:
                now = self.clock()
                # Date is whole seconds and was stamped between sending and now.
                off = max(abs(api - (now - answer.elapsed)), abs(api + 1.0 - now))
                self.skew = max(self.skew, off)
        return answer

    async def queued(self) -> _Found | None:
        # No number filter on the queue: every queued call is looked at.
        async def page(offset: int) -> Answer:
            return await self.calls.list_queued(limit=_PAGE, offset=offset)

        # A call that left the queue since is covered by the live lookup, made later.
        return await self._walk("queued", page, self.calls.get_queued)

    async def live(self) -> _Found | None:
        async def page(offset: int) -> Answer:
            return await self.calls.list_live(
                to_number=self.to, from_number=self.caller, limit=_PAGE, offset=offset
            )

        # A call that ended since shows in the records within the lag.
        return await self._walk("live", page, self.calls.get_live)

    async def _walk(
        self,
        where: str,
        page: Callable[[int], Awaitable[Answer]],
        get: Callable[[str], Awaitable[Answer]],
    ) -> _Found | None:
        """Walk the ids of ``where`` (a moving list), then look at each call not excluded.

        A call some read showed and the walk that counted did not must have left the list:
        the newest such one is asked for (calls leave in order, so the older ones left
        too); if it is still there, the list hid it: no evidence."""
        uuids, gone = await self._ids(where, page)
        if gone:
            self.requests += 1
            try:
                _call(self._read(await get(gone[-1])), gone[-1], where)
            except ResourceNotFoundError:
                pass  # it left, as the walk said
            else:
                raise NoEvidence(f"the {where} list hid call {gone[-1]} from a walk")
        for uuid in uuids:
            found = await self._look_at(where, uuid, get)
            if found is not None:
                return found
        return None

    async def _ids(
        self, where: str, page: Callable[[int], Awaitable[Answer]]
    ) -> tuple[list[str], list[str]]:
        """Every id of a list that may move while it is paged: each page re-reads the last
        ``_OVERLAP`` ids of the one before and must start among them (calls keep their
        order, so none slipped between the pages), and a short page is the end only when
        it stays so (:meth:`_stays`) and nothing follows it (a page cut short, with more
        behind it, is not the end); else walk again, at most ``_WALKS`` times. Returns the
        ids, and the ids any read showed that the walk did not (in the order first read)."""
        ever: dict[str, None] = {}

        async def read(offset: int) -> list[str]:
            self.requests += 1
            uuids = _ids(self._read(await page(offset)), where)
            ever.update(dict.fromkeys(uuids))
            return uuids

        for _ in range(_WALKS):
            seen: list[str] = []
            offset = 0
            while True:
                uuids = await read(offset)
                if offset and (not uuids or uuids[0] not in seen[-_OVERLAP:]):
                    break  # the list moved past the overlap: a call may have slipped
                known = set(seen)
                seen.extend(u for u in uuids if u not in known)
                if len(uuids) >= _PAGE:
                    offset += _PAGE - _OVERLAP
                    continue
                if not await self._stays(read, offset, uuids):
                    break  # cut short, or moved under the re-reads: walk again
                if not uuids or not await read(offset + len(uuids)):
                    counted = set(seen)
                    return seen, [u for u in ever if u not in counted]
                break  # more behind a short page
        raise NoEvidence(f"the {where} list kept moving under its pages")

    @staticmethod
    async def _stays(
        read: Callable[[int], Awaitable[list[str]]], offset: int, short: list[str]
    ) -> bool:
        """Whether a short page read again ``_REREADS`` times is the same page (or its
        tail, as calls leave the head): a page cut short at random does not stay so."""
        for _ in range(_REREADS):
            again = await read(offset)
            if again != short and not (again and short[-len(again) :] == again):
                return False
            short = again
        return True

    async def _look_at(
        self, where: str, uuid: str, get: Callable[[str], Awaitable[Answer]]
    ) -> _Found | None:
        if uuid in self.exclude:
            return None
        self.requests += 1
        try:
            caller, to, request_uuid = _call(self._read(await get(uuid)), uuid, where)
        except ResourceNotFoundError:
            return None  # it moved on meanwhile (see the callers)
        if not (_same(caller, self.caller) and _same(to, self.to)):
            return None
        if not self._ours(request_uuid, uuid):
            return None
        return _Found(request_uuid or uuid, uuid, where)

    async def records(self) -> _Found | None:
        """The call records since the create, filtered by the API and checked here."""
        # Ours started no earlier than `earliest` (API time, whole seconds); one that
        # started within `margin` before that is no evidence either way.
        earliest = self.sent_at - timedelta(seconds=self.skew + 1.0)
        margin = timedelta(seconds=self.skew + 1.0)
        since = earliest - margin
        filters = {
            "to_number": self.to,
            "from_number": self.caller,
            "end_time__gte": since.strftime("%Y-%m-%d %H:%M:%S"),
            "limit": _PAGE,
        }
        offset = 0
        while True:
            self.requests += 1
            data = self._read(await self.calls.list(**filters, offset=offset)).data
            objects, more = _records_page(data)
            for item in objects:
                found = self._record(item, earliest, since)
                if found is not None:
                    return found
            if not more:
                return None
            offset += len(objects)

    def _record(self, item: dict[str, Any], earliest: datetime, since: datetime) -> _Found | None:
        to, caller = item.get("to_number"), item.get("from_number")
        if not isinstance(to, str) or not isinstance(caller, str):
            raise NoEvidence("a call record came without its numbers")
        if not (to.lstrip("+").startswith(self.to.lstrip("+")) and _same(caller, self.caller)):
            raise NoEvidence("the records lookup answered with records it was not asked for")
        ended = _parse_time(item.get("end_time"))
        if ended is None or ended < since.replace(microsecond=0):
            raise NoEvidence("the records lookup answered with records it was not asked for")
        if not _same(to, self.to):
            return None  # a longer number that the prefix filter matched
        request_uuid, call_uuid = item.get("request_uuid"), item.get("call_uuid")
        request_uuid = request_uuid if isinstance(request_uuid, str) else None
        call_uuid = call_uuid if isinstance(call_uuid, str) else None
        if not self._ours(request_uuid, call_uuid):
            return None
        started = _parse_time(item.get("initiation_time"))
        if started is None:
            raise NoEvidence(f"a call record to {self.to} came without its start time")
        if started < since:
            return None  # an older call to the same number
        if started < earliest:
            raise NoEvidence(
                f"a call record to {self.to} started {started.isoformat()}, too near the"
                " window's edge to tell whether it is this create's"
            )
        if call_uuid is None:
            raise NoEvidence(f"a call record to {self.to} came without its call uuid")
        record = structure_response(CallDetails, item)
        return _Found(request_uuid or call_uuid, call_uuid, "records", record)


def _records_page(data: Any) -> tuple[list[dict[str, Any]], bool]:
    """A records page's objects and whether more pages follow; no evidence unless the
    page says so itself (``meta.next`` present), and a page that promises more has some."""
    if not isinstance(data, dict):
        raise NoEvidence("the records lookup answered without a page")
    objects, meta = data.get("objects"), data.get("meta")
    if not isinstance(objects, list) or not all(isinstance(o, dict) for o in objects):
        raise NoEvidence("the records lookup answered without a list of records")
    if not isinstance(meta, dict) or "next" not in meta:
        raise NoEvidence("the records lookup answered without saying whether more pages follow")
    more = meta["next"] is not None
    if more and not objects:
        raise NoEvidence("the records lookup answered an empty page that promises more")
    return objects, more


def _later(ready_at: float) -> str:
    return datetime.fromtimestamp(ready_at, timezone.utc).isoformat(timespec="seconds")


async def _one(
    lookup: _Lookup,
    *,
    settled_at: float,
    lag: float,
    wait: float,
    clock: Callable[[], float],
    sleep: Callable[[float], Awaitable[None]],
) -> tuple[Status, str, _Found | None]:
    budget = wait  # seconds it may still sleep
    while True:
        asked = clock()  # a lookup is evidence from the moment it was asked
        found = await lookup.queued() or await lookup.live()
        live_at = records_at = clock()
        found = found or await lookup.records()
        if found is not None:
            return "found", f"{lookup.to}: {found.where}", found
        if asked >= settled_at:
            break
        # Asked while the API could still be processing the create (a client that died
        # or gave up mid-request): a call placed after that would show nowhere yet.
        pause = max(settled_at - clock(), 0.0)
        if pause > budget:
            return (
                "unknown",
                f"{lookup.to}: not queued, live or in the records yet, but the API may still"
                f" have been processing the create; look again after {_later(settled_at)}",
                None,
            )
        budget -= pause
        await sleep(pause)
    ready_at = live_at + lag
    if records_at < ready_at:
        # That lookup came too early to rule the records out (even if the clock has
        # passed ready_at since, e.g. on a busy event loop): look again, late enough.
        remaining = ready_at - clock()
        if remaining > budget:
            return (
                "unknown",
                f"{lookup.to}: not queued, live or in the records yet, but a record may take"
                f" up to {lag:g}s after hangup to appear; look again after {_later(ready_at)}",
                None,
            )
        if remaining > 0:
            await sleep(remaining)
        found = await lookup.records()
        if found is not None:
            return "found", f"{lookup.to}: records", found
    return (
        "not_placed",
        f"{lookup.to}: not queued, not live, no record {lag:g}s after the live lookup",
        None,
    )


async def reconcile(
    calls: CallLookups,
    request: CreateCallRequest,
    *,
    sent_at: datetime,
    mark: str | None = None,
    marks: Mapping[str, str] | None = None,
    exclude: Collection[str] = (),
    lag: float = DEFAULT_LAG,
    settle: float = DEFAULT_SETTLE,
    wait: float = 0.0,
    skew: float = DEFAULT_SKEW,
    clock: Callable[[], float] = time.time,
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
) -> Reconciliation:
    """Look up the call(s) of an ambiguous create; see the module docstring for the rules.

    ``calls`` answers raw (``client.calls.with_raw_response``). ``sent_at`` is when the
    last attempt of the create that may have reached the API left (aware, or naive UTC).
    ``skew`` bounds the difference between this host's clock and the API's, in seconds
    (widened by what the API's ``Date`` headers show). ``lag`` is the longest the API
    takes to show a call record after hangup; ``settle`` the longest the API may still be
    processing a create after it was sent (a client that died mid-request): queued and
    live lookups asked sooner prove nothing absent. ``wait`` is how long this may sleep
    for those to pass (0: answer now, ``unknown`` if they have not). A bulk create (several
    destinations) is ``found`` or ``not_placed`` only when every destination is.
    ``clock``/``sleep`` are injectable (epoch seconds), for tests.

    Raises:
        ValueError: If ``lag``, ``settle``, ``wait`` or ``skew`` is negative.
    """
    if min(lag, settle, wait, skew) < 0:
        raise ValueError("lag, settle, wait and skew must be >= 0")
    if mark is not None and marks is not None and mark in marks:
        uuid = marks[mark]
        return Reconciliation(
            status="found", note=f"a callback carried mark {mark}", request_uuids=(uuid,)
        )
    if sent_at.tzinfo is None:
        sent_at = sent_at.replace(tzinfo=timezone.utc)
    settled_at = sent_at.timestamp() + settle
    statuses: list[Status] = []
    notes: list[str] = []
    found: list[_Found] = []
    requests = 0
    for to in request.destinations:
        lookup = _Lookup(calls, request.from_, to, sent_at, skew, exclude, clock)
        try:
            status, note, hit = await _one(
                lookup, settled_at=settled_at, lag=lag, wait=wait, clock=clock, sleep=sleep
            )
        except NoEvidence as exc:
            status, note, hit = "unknown", f"{to}: no evidence: {exc}", None
        except PlivoError as exc:
            status, note, hit = "unknown", f"{to}: lookup failed: {type(exc).__name__}: {exc}", None
        requests += lookup.requests
        statuses.append(status)
        notes.append(note)
        if hit is not None:
            found.append(hit)
    if all(s == "found" for s in statuses):
        overall: Status = "found"
    elif all(s == "not_placed" for s in statuses):
        overall = "not_placed"
    else:
        overall = "unknown"
    return Reconciliation(
        status=overall,
        note="; ".join(notes),
        request_uuids=tuple(f.request_uuid for f in found),
        call_uuids=tuple(f.call_uuid for f in found),
        lookups=requests,
        records=tuple(f.record for f in found if f.record is not None),
    )
