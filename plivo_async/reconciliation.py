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
  timed out mid-request leaves a create that is placed a moment later). When those
  moments are more than ``wait`` seconds away, the answer is ``unknown``, with a note
  saying when to look again;
* any lookup that fails leaves the answer ``unknown`` too.

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
from collections.abc import AsyncIterator, Awaitable, Callable, Collection, Mapping
from datetime import datetime, timedelta, timezone
from typing import TYPE_CHECKING, Literal

import attrs

from .errors import PlivoError, ResourceNotFoundError
from .models.calls import CallDetails, CreateCallRequest, LiveCall, QueuedCall

if TYPE_CHECKING:
    from .resources.calls import Calls

__all__ = ["DEFAULT_LAG", "DEFAULT_SETTLE", "Reconciliation", "Status", "reconcile"]

Status = Literal["found", "not_placed", "unknown"]
#: Seconds a call record may take to appear after hangup, unless told otherwise.
DEFAULT_LAG = 60.0
#: Seconds the API may still be processing a create after it was sent (the client's
#: default request timeout), unless told otherwise.
DEFAULT_SETTLE = 30.0
_PAGE = 20


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


@attrs.frozen
class _Found:
    request_uuid: str
    call_uuid: str
    where: str
    record: CallDetails | None = None


def _same(a: str | None, b: str) -> bool:
    return a is not None and a.lstrip("+") == b.lstrip("+")


def _parse_time(text: str | None) -> datetime | None:
    if not text:
        return None
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)


class _Lookup:
    """The lookups for one destination of one create; counts requests."""

    def __init__(
        self, calls: Calls, caller: str, to: str, since: datetime, exclude: Collection[str]
    ) -> None:
        self.calls, self.caller, self.to, self.since = calls, caller, to, since
        self.exclude = exclude
        self.requests = 0

    def _ours(self, request_uuid: str | None, call_uuid: str | None) -> bool:
        return request_uuid not in self.exclude and call_uuid not in self.exclude

    async def queued(self) -> _Found | None:
        # No number filter on the queue: every queued call is looked at.
        async def page(offset: int) -> list[str]:
            return (await self.calls.list_queued(limit=_PAGE, offset=offset)).calls

        # A call that left the queue since is covered by the live lookup, made later.
        return await self._scan("queued", page, self.calls.get_queued)

    async def live(self) -> _Found | None:
        async def page(offset: int) -> list[str]:
            ids = await self.calls.list_live(
                to_number=self.to, from_number=self.caller, limit=_PAGE, offset=offset
            )
            return ids.calls

        # A call that ended since shows in the records within the lag.
        return await self._scan("live", page, self.calls.get_live)

    async def _scan(
        self,
        where: str,
        page: Callable[[int], Awaitable[list[str]]],
        get: Callable[[str], Awaitable[LiveCall | QueuedCall]],
    ) -> _Found | None:
        """Page through the ids of ``where``; look at each call not excluded."""
        offset = 0
        while True:
            self.requests += 1
            uuids = await page(offset)
            for uuid in uuids:
                if uuid in self.exclude:
                    continue
                self.requests += 1
                try:
                    call = await get(uuid)
                except ResourceNotFoundError:
                    continue  # it moved on meanwhile (see the callers)
                found = self._match(call.from_, call.to, call.request_uuid, uuid, where)
                if found is not None:
                    return found
            if len(uuids) < _PAGE:
                return None
            offset += _PAGE

    def _match(
        self, from_: str | None, to: str | None, request_uuid: str | None, uuid: str, where: str
    ) -> _Found | None:
        if not (_same(from_, self.caller) and _same(to, self.to)):
            return None
        if not self._ours(request_uuid, uuid):
            return None
        return _Found(request_uuid or uuid, uuid, where)

    async def records(self) -> _Found | None:
        # A call sent at `since` ends no earlier: end_time__gte narrows the search.
        filters = {
            "to_number": self.to,
            "from_number": self.caller,
            "end_time__gte": self.since.strftime("%Y-%m-%d %H:%M:%S"),
            "limit": _PAGE,
        }
        async for record in self._record_pages(filters):
            started = _parse_time(record.initiation_time)
            if started is not None and started < self.since:
                continue  # an older call to the same number
            request_uuid = record.raw.get("request_uuid")
            call_uuid = record.call_uuid or ""
            if not self._ours(request_uuid, call_uuid):
                continue
            return _Found(str(request_uuid or call_uuid), call_uuid, "records", record)
        return None

    async def _record_pages(self, filters: dict[str, object]) -> AsyncIterator[CallDetails]:
        offset = 0
        while True:
            self.requests += 1
            page = await self.calls.list(**filters, offset=offset)
            for record in page.objects:
                yield record
            if page.meta.next is None or not page.objects:
                return
            offset += len(page.objects)


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
    calls: Calls,
    request: CreateCallRequest,
    *,
    sent_at: datetime,
    mark: str | None = None,
    marks: Mapping[str, str] | None = None,
    exclude: Collection[str] = (),
    lag: float = DEFAULT_LAG,
    settle: float = DEFAULT_SETTLE,
    wait: float = 0.0,
    skew: float = 2.0,
    clock: Callable[[], float] = time.time,
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
) -> Reconciliation:
    """Look up the call(s) of an ambiguous create; see the module docstring for the rules.

    ``sent_at`` is when the create was sent (aware, or naive UTC); ``skew`` seconds before
    it still count, for clock differences with the API. ``lag`` is the longest the API
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
    since = sent_at - timedelta(seconds=skew)
    settled_at = sent_at.timestamp() + settle
    statuses: list[Status] = []
    notes: list[str] = []
    found: list[_Found] = []
    requests = 0
    for to in request.destinations:
        lookup = _Lookup(calls, request.from_, to, since, exclude)
        try:
            status, note, hit = await _one(
                lookup, settled_at=settled_at, lag=lag, wait=wait, clock=clock, sleep=sleep
            )
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
