"""The bulk engine: many calls or MPC actions at once, one outcome per row, never twice.

Rows are pulled from the input only as fast as slots free up (at most ``concurrency``
rows are in flight or waiting to be consumed), so memory stays flat whatever the number
of rows. Outcomes stream out in completion order. With a journal, a run survives a crash:
rows already done are skipped, rows that were in flight are reported as unknown and not
dialled again unless ``retry_unknown=True``.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import datetime, timezone
from typing import Any, Generic, TypeVar

import attrs

from .._types import AttemptCounter, RequestObserver
from ..correlation import new_mark
from ..errors import (
    AuthenticationError,
    LimitsUnavailableError,
    OutcomeUnknownError,
    ValidationError,
)
from ..models.calls import CreateCallResponse
from .dialer import Dialer, Resolved
from .inputs import Rows, enumerate_rows
from .journal import (
    Code,
    Journal,
    JournalMismatchError,
    JournalState,
    JournalWriteError,
    RowKey,
    outcome_records,
    pending_records,
    recorded_fields,
    row_key,
)
from .outcome import Outcome, Summary, never_reached, request_model
from .policy import LiveCalls
from .progress import forget_row, make_progress
from .records import disposition_record, outcome_record, outcome_so_far
from .report import Report

__all__ = ["BulkRun"]

log = logging.getLogger("plivo_async")

R = TypeVar("R")

#: A resume does not digest the rows it skips as done (OK, FAILED, a FAILED_NOT_PLACED not
#: retried; not the pending ones: unknown, in flight, due to redial): at a million rows the
#: digests alone cost seconds. It checks a sample instead:
#: every such row below ``CHECK_FIRST`` and one in ``CHECK_EVERY`` after, so another
#: input (a different or reordered file) is refused at once, while one edited done row
#: past the first rows is seen only if sampled. Rows sent again, reported unknown or
#: prepared again are always checked or digested.
CHECK_FIRST = 4096
CHECK_EVERY = 64
#: Rows in a row whose requests never reached the API (see :func:`never_reached`) that
#: stop the run: the API is down or unreachable, and every further row would end the same.
UNREACHABLE_STOP = 10


def check_shard(shard: object) -> tuple[int, int] | None:
    """``None``, or ``(k, n)`` with ``0 <= k < n``: worker ``k`` of ``n``."""
    if shard is None:
        return None
    ok = (
        isinstance(shard, tuple)
        and len(shard) == 2
        and all(isinstance(x, int) and not isinstance(x, bool) for x in shard)
        and 0 <= shard[0] < shard[1]
    )
    if not ok:
        raise ValueError(f"shard must be (k, n) with 0 <= k < n, worker k of n (got {shard!r})")
    return shard  # type: ignore[return-value]


@attrs.define(eq=False)
class _Row:
    """One row being sent: what shutdown needs to know (has its request gone out?), and,
    in a calls run, its dial's mark and send time, and what a resume found of it."""

    index: int
    request: Any
    key: RowKey | None
    counter: AttemptCounter | None = None
    start_failed: bool = False
    dial: int = 1
    mark: str | None = None
    sent_at: float | None = None
    #: A resume: the start record of the dial a crash left in flight (to reconcile), or
    #: the outcome so far of a row due for a redial at ``redial_at``.
    resumed: dict[str, Any] | None = None
    redial_at: float | None = None
    previous: Outcome | None = None
    placed: int = 0
    #: What reconciliation found of this dial: the call records of calls already over,
    #: and the call uuids (a resumed run hears no callback of a call found over).
    records: tuple[Any, ...] = ()
    call_uuids: tuple[str, ...] = ()
    #: A redial that never reached the API: the row stops here, still due.
    redial_lost: bool = False
    #: A resume: the outcome of a dial placed in an earlier run whose call was never
    #: followed to its end (followed now, with no new request).
    unfollowed: Outcome | None = None

    @property
    def sent(self) -> bool:
        return self.counter is not None and self.counter.attempts > 0


class BulkRun(Generic[R]):
    """One bulk run: an async iterator of :class:`Outcome`, plus its :class:`Summary`.

    Iterate it to drive the run. Cancelling the task, or leaving ``async with run:``, or
    :meth:`aclose` stops at once: rows whose request has not gone out (waiting for a
    concurrency, rate or CPS permit, or for their start record) are cancelled and never
    sent; only requests already sent get ``grace_period`` seconds, then are recorded as
    unknown. The journal is left ready to resume. :meth:`stop` stops feeding but lets
    rows already started finish.

    On a resume, rows the journal has a final outcome for are skipped (``unknown`` ones
    are resent with ``retry_unknown=True``; ``failed`` ones whose failure proves nothing
    was placed, with ``retry_failed=True``); rows never sent (``invalid``, ``cancelled``,
    ``not_sent``) are prepared again, with the options of this run. A row that was sent
    must be the same row as given then: if it differs, :class:`JournalMismatchError`
    says which row and which fields. ``report`` writes a CSV of every row (see
    :mod:`plivo_async.bulk.report`). If the journal cannot be written,
    :class:`~plivo_async.bulk.journal.JournalWriteError` is raised out of the iteration.
    ``total`` (default: ``len(rows)`` when the rows have a length) gives the progress bar
    its total and ETA. ``shard=(k, n)`` makes this run worker ``k`` of ``n``: it takes
    rows ``k, k+n, k+2n, ...`` (their numbers stay those of the whole input) and leaves the
    others to the other workers, each with its own journal; together they cover every row
    once.
    """

    def __init__(
        self,
        rows: Rows,
        *,
        prepare: Callable[[Any], Any],
        send: Callable[[Any, RequestObserver], Awaitable[Any]],
        kind: str,
        concurrency: int = 64,
        journal: str | os.PathLike[str] | Journal | None = None,
        input_id: str | None = None,
        retry_unknown: bool = False,
        retry_failed: bool = False,
        stop_after_failures: int | None = None,
        stop_on_auth_error: bool = True,
        progress: bool | Callable[[Summary], object] | None = None,
        grace_period: float = 10.0,
        total: int | None = None,
        report: str | os.PathLike[str] | None = None,
        shard: tuple[int, int] | None = None,
        dialer: Dialer | None = None,
    ) -> None:
        if concurrency < 1:
            raise ValueError("concurrency must be >= 1")
        self._shard = check_shard(shard)
        if shard is not None and total is None and hasattr(rows, "__len__"):
            k, n = shard
            total = max(0, -(-(len(rows) - k) // n))  # type: ignore[arg-type]  # k, k+n, ...
        self.summary = Summary()
        self._rows = rows
        self._prepare = prepare
        self._send = send
        self._kind = kind
        self._concurrency = concurrency
        self._journal = journal if isinstance(journal, Journal) or journal is None else None
        if journal is not None and self._journal is None:
            self._journal = Journal(journal)  # type: ignore[arg-type]
        self._input_id = input_id
        self._retry_unknown = retry_unknown
        self._retry_failed = retry_failed
        self._stop_after_failures = stop_after_failures
        self._stop_on_auth_error = stop_on_auth_error
        self._callback = progress if callable(progress) else None
        self._bar = make_progress(progress, total=total, rows=rows)
        self._grace_period = grace_period
        self._report_path = report
        self._report: Report | None = None
        self._iterator: AsyncIterator[Outcome] | None = None
        self._stop = asyncio.Event()
        self._results: asyncio.Queue[Outcome | None] = asyncio.Queue()
        self._running: dict[asyncio.Task[None], _Row] = {}
        self._dialer = dialer
        self._clock = time.time if dialer is None else dialer.clock
        self._slots: asyncio.Semaphore | None = None
        self._parked: set[int] = set()  # rows whose slot was given back while they wait
        self._pending: dict[int, dict[str, Any]] = {}
        self._unreachable = 0  # rows in a row that never reached the API
        self._skip = self._skipped_codes()
        self._done = self._skip - Code.PENDING  # skipped without a digest (see CHECK_FIRST)

    @property
    def _tracking(self) -> bool:
        return self._dialer is not None and self._dialer.tracking

    def _skipped_codes(self) -> frozenset[int]:
        skip = {Code.OK, Code.ENDED, Code.FAILED, Code.FAILED_NOT_PLACED, Code.UNKNOWN}
        if self._tracking:
            skip.discard(Code.OK)  # placed, its call never followed to its end: followed now
        if self._retry_unknown or (self._dialer is not None and self._dialer.reconcile):
            skip.discard(Code.UNKNOWN)  # resent, or reconciled first
        if self._retry_failed:
            skip.discard(Code.FAILED_NOT_PLACED)
        if self._dialer is None or self._dialer.redial is None:
            skip.add(Code.REDIAL)  # its call ended; no redial policy this run
        return frozenset(skip)

    async def __aenter__(self) -> BulkRun[R]:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        """End the run now, as cancelling it would: cancel rows not yet sent, give requests
        already sent the grace period, record the rest, close the journal.

        ``break`` alone does not end an async iterator in Python (its cleanup waits for
        garbage collection), so use ``async with client.bulk.create_calls(...) as run:``
        or call this after breaking out of the loop.
        """
        if self._iterator is not None:
            await self._iterator.aclose()  # type: ignore[attr-defined]

    def __aiter__(self) -> AsyncIterator[Outcome]:
        if self._iterator is None:
            self._iterator = self._drive()
        return self._iterator

    async def collect(self) -> list[Outcome]:
        """Run to the end and return every outcome (for small runs and tests)."""
        return [outcome async for outcome in self]

    async def wait(self) -> Summary:
        """Run to the end, dropping outcomes (they are still journaled); return the summary."""
        async for _ in self:
            pass
        return self.summary

    def stop(self, reason: str = "stopped by the caller") -> None:
        """Stop feeding new rows; rows already started finish normally."""
        if not self._stop.is_set():
            self.summary.stopped = reason
            self._stop.set()

    # -- the engine ----------------------------------------------------------------------

    def _journal_failed(self, error: JournalWriteError) -> None:
        self.stop("the journal could not be written")
        self._results.put_nowait(None)

    async def _open(self) -> JournalState | None:
        """Open the journal, then the report (rows done in earlier runs first)."""
        journal, state = self._journal, None
        if journal is not None:
            state = journal.open(
                kind=self._kind,
                input_id=self._input_id,
                on_error=self._journal_failed,
                track_outcomes=self._report_path is not None,
            )
        if self._report_path is not None:
            try:
                self._report = Report(self._report_path)
                if state is not None and journal is not None:
                    for record in outcome_records(journal.path, state):
                        if state.code(record["o"]) in self._skip:
                            self._report.add_record(record)
            except BaseException:
                await self._close()
                raise
        if state is not None and journal is not None and self._dialer is not None:
            codes = Code.PENDING | {Code.OK} if self._tracking else Code.PENDING
            self._pending = pending_records(journal.path, state, codes)
        return state

    async def _drive(self) -> AsyncIterator[Outcome]:
        state = await self._open()
        results = self._results
        slots = self._slots = asyncio.Semaphore(self._concurrency)
        feeder = asyncio.create_task(self._feed(state, slots))
        finished = False
        try:
            while True:
                outcome = await results.get()
                if outcome is None:
                    break
                if outcome.index in self._parked:
                    self._parked.discard(outcome.index)  # its slot was given back already
                else:
                    slots.release()
                yield outcome
            if self._journal is None or self._journal.error is None:
                await feeder  # re-raises what stopped the feeder (e.g. a journal mismatch)
                finished = True
        finally:
            if not finished:
                await self._shut_down(feeder)
            await self._close()
        if self._journal is not None and self._journal.error is not None:
            raise self._journal.error

    async def _close(self) -> None:
        try:
            if self._journal is not None:
                with contextlib.suppress(JournalWriteError):  # raised once, by _drive
                    await self._journal.close()
        finally:
            if self._report is not None:
                self._report.close()
            if self._bar is not None:
                self._bar.close()

    async def _feed(self, state: JournalState | None, slots: asyncio.Semaphore) -> None:
        try:
            shard = self._shard
            skip = None if state is None else self._skipper(state)
            async for index, row in enumerate_rows(self._rows, skip):
                if shard is not None and index % shard[1] != shard[0]:
                    continue  # another worker's row
                if self._stop.is_set():
                    break
                await slots.acquire()
                if self._stop.is_set():
                    slots.release()
                    break
                if not self._start_row(index, row, state):
                    slots.release()
            if self._running:
                await asyncio.wait(list(self._running))
        finally:
            self._results.put_nowait(None)

    def _skipper(self, state: JournalState) -> Callable[[int, Any], bool]:
        """``skip(index, row)``: True for a row done in an earlier run, skipped here with no
        slot and no digest, unless sampled for the same-row check (see :data:`CHECK_FIRST`),
        which :meth:`_start_row` makes before skipping it. Called once per row: kept small."""
        codes, done, shard, stop = state.codes, self._done, self._shard, self._stop
        recorded = len(codes)

        def skip(index: int, row: Any) -> bool:
            if index >= recorded or codes[index] not in done or stop.is_set():
                return False
            if shard is not None and index % shard[1] != shard[0]:
                return False  # another worker's row: the feeder passes it over
            if index < CHECK_FIRST or index % CHECK_EVERY == 0:
                self._start_row(index, row, state)  # checks, then skips (False)
                return True
            self._skipped()
            return True

        return skip

    def _skipped(self) -> None:
        """A row done in an earlier run: counted, and taken off the progress bar's total."""
        self.summary.skipped += 1
        forget_row(self._bar)

    def _start_row(self, index: int, row: Any, state: JournalState | None) -> bool:
        """Decide what to do with one row; False if it needs no slot (skipped)."""
        code = Code.NONE if state is None else state.code(index)
        key = None if self._journal is None else row_key(row)
        if state is not None and key is not None and code in Code.SENT:
            self._check_same_row(state, index, key, code)
        if code in self._skip:
            self._skipped()
            return False
        request: Any = row
        try:
            request = self._prepare(row)
        except ValidationError as exc:
            self._finish(Outcome(index, row, error=exc), key)
            return True
        except Exception as exc:  # a row of the wrong shape is that row's problem, not the run's
            invalid = ValidationError.invalid("row", f"cannot be used ({exc})", row)
            self._finish(Outcome(index, row, error=invalid), key)
            return True
        item = _Row(index, request, key)
        if (
            code == Code.REDIAL
            or (code in Code.PENDING and not self._retry_unknown)
            or (code == Code.OK and self._tracking)
        ):
            verdict = self._resume_pending(item, code)
            if verdict != "send":
                return verdict == "finished"
        task = asyncio.create_task(self._one(item))
        self._running[task] = item
        task.add_done_callback(self._running.pop)
        return True

    def _resume_pending(self, row: _Row, code: int) -> str:
        """A row a previous run left in flight, unknown or due for a redial: ``send`` (set
        up to reconcile or redial), ``finished`` (recorded unknown now) or ``skipped``."""
        records = self._pending.get(row.index, {})
        start, ended = records.get("s"), records.get("d")
        dialer = self._dialer
        if code == Code.REDIAL and ended is not None:
            row.dial = int(ended.get("dial", 1))  # the dial that ended; the next is due
            row.redial_at = float(ended["redial"])
            row.previous = outcome_so_far(row.index, row.request, ended, row.dial)
            return "send"
        placed = records.get("o")
        if code == Code.OK and placed is not None:
            # Placed, but the run stopped before its call ended (or before its hangup was
            # journaled): follow it now, from its callbacks or its record.
            uuid = placed.get("request_uuid")
            if not isinstance(uuid, str) or not uuid or uuid.startswith("["):
                self._skipped()  # several destinations: their uuids were not journaled
                return "skipped"
            row.dial = int(placed.get("dial", 1))
            response = CreateCallResponse(message="placed in an earlier run", request_uuid=uuid)
            row.unfollowed = Outcome(
                row.index,
                row.request,
                response,
                dials=row.dial,
                placed=0,
                reconciled=placed.get("reconciled"),
                note=placed.get("note"),
            )
            return "send"
        stamp = None if start is None else start.get("t")
        if dialer is not None and dialer.reconcile and isinstance(stamp, (int, float)):
            row.resumed = start
            row.dial = int(start.get("dial", 1)) if start is not None else 1
            return "send"
        if code != Code.STARTED:  # nothing new to learn: it stays as recorded
            self._skipped()
            return "skipped"
        why = (
            ""
            if dialer is None or not dialer.reconcile
            else " (no send time recorded to reconcile)"
        )
        error = OutcomeUnknownError(
            f"row {row.index} was in flight when a previous run stopped; the call may "
            f"have been placed, so it is not sent again{why} (retry_unknown=True to resend)",
            method="POST",
            path="",
            attempts=0,
        )
        self._finish(Outcome(row.index, row.request, error=error), row.key)
        return "finished"

    def _check_same_row(self, state: JournalState, index: int, key: RowKey, code: int) -> None:
        """A row whose request went out must be the row given now (its outcome stands)."""
        recorded = state.digest(index)
        if not recorded or recorded == key.digest:
            return
        if code == Code.FAILED_NOT_PLACED and self._retry_failed:
            return  # nothing was placed: the corrected row is sent
        assert self._journal is not None
        before, now = recorded_fields(self._journal.path, index), key.fields
        if before is not None and now is not None:
            names = sorted(
                name for name in before.keys() | now.keys() if before.get(name) != now.get(name)
            )
            what = "its fields " + ", ".join(names) + " differ"
        else:
            what = "it differs"
        raise JournalMismatchError(
            f"row {index} was sent in an earlier run of {self._journal.path}, and {what} "
            "from the row sent then. A row that was sent keeps its outcome and is never "
            "sent again: restore that row to what it was, or use a new journal to send "
            "the input as it is now."
        )

    async def _one(self, row: _Row) -> None:
        """One row to its one outcome: dial; with tracking, follow the call to its end and
        dial again while the redial policy says so."""
        outcome = row.previous
        placed, row.unfollowed = row.unfollowed, None
        try:
            while True:
                if placed is not None:  # a call an earlier run placed: follow it first
                    outcome, placed = placed, None
                    await self._hold_live(row, outcome)
                else:
                    if row.redial_at is not None and not await self._wait_to_redial(row):
                        break  # the run stopped first: a resume dials it
                    outcome = await self._attempt(row)
                    if row.redial_lost:
                        break  # the redial never reached the API: still due (see _attempt)
                    if not (outcome.ok and self._tracking):
                        break
                earlier = outcome.placed == 0 or outcome.reconciled == "found"
                outcome = await self._follow(row, outcome, resumed=earlier)
                if row.redial_at is None:
                    break
        except asyncio.CancelledError:
            if row.previous is not None:
                self._deliver(self._stopped(row, row.previous))
            raise
        assert outcome is not None
        self._deliver(outcome)

    def _start_record(self, row: _Row) -> Callable[[], Awaitable[None]] | None:
        """What runs just before each attempt of a dial leaves: stamp its send time and
        make a start record with it durable. Never send before the start record is on disk:
        a crash after that point leaves a start without an outcome, which a resume
        reconciles (counting from the last attempt's moment) or reports as unknown."""
        journal, dialer = self._journal, self._dialer
        if journal is None or row.key is None:
            if dialer is None:
                return None

            async def stamp() -> None:
                row.sent_at = round(self._clock(), 3)

            return stamp
        start: dict[str, Any] = {"s": row.index, "h": row.key.digest}
        fields = row.key.fields
        if fields is not None:
            start["f"] = fields

        async def write_start() -> None:
            row.sent_at = round(self._clock(), 3)
            if row.mark is not None:
                start.update(m=row.mark, t=row.sent_at)
            if row.dial > 1:
                start["dial"] = row.dial
            try:
                await journal.write_durable(dict(start))
            except JournalWriteError:
                row.start_failed = True
                raise

        return write_start

    async def _attempt(self, row: _Row) -> Outcome:
        """One dial of a row (or one item of another kind): its outcome, journaled."""
        index, dialer = row.index, self._dialer
        row.counter, row.sent_at, row.start_failed = None, None, False
        row.records, row.call_uuids = (), ()
        row.mark = None if dialer is None else new_mark()
        calls = int(getattr(request_model(row.request), "calls", 1))
        proven: Resolved | None = None  # a resumed dial proven not placed: sent now
        if row.resumed is not None:
            resumed, row.resumed = row.resumed, None
            decided = await self._reconcile_resumed(row, resumed)
            if isinstance(decided, Outcome):
                return self._record_outcome(decided, row)
            proven = decided
        counter = row.counter = AttemptCounter(before_send=self._start_record(row))
        started = time.perf_counter()
        live = None if dialer is None else dialer.live
        holding = 0  # live-call units this dial holds (given back unless its call is placed)
        try:
            if dialer is None:
                response = await self._send(row.request, counter)
                resolved: Resolved | None = None
            else:
                assert row.mark is not None  # every dial of a calls run has its own mark
                if live is not None:
                    await self._acquire_live(row, live, calls)
                    holding = calls
                response, resolved = await dialer.create(
                    row.request,
                    mark=row.mark,
                    observer=counter,
                    sent_at=lambda: row.sent_at,
                    on_resolved=lambda resolved: self._count_resolved(resolved, row),
                    sleep=lambda seconds: self._sleep_parked(row, seconds),
                )
            resolved = resolved or proven
            outcome = Outcome(
                index,
                row.request,
                response,
                None,
                counter.attempts,
                reconciled=None if resolved is None else resolved.status,
                note=None if resolved is None else resolved.note,
                dials=row.dial,
                placed=row.placed + calls,
            )
        except asyncio.CancelledError:
            if live is not None and holding and counter.attempts == 0:
                live.release(holding)
            if counter.attempts:
                error = OutcomeUnknownError(
                    f"row {index} was cancelled in flight; the call may have been placed",
                    method="POST",
                    path="",
                    attempts=counter.attempts,
                )
                outcome = Outcome(index, row.request, error=error, attempts=counter.attempts)
            elif row.dial > 1:
                raise  # a redial never sent: the journal still says it is due
            else:
                outcome = Outcome(index, row.request, status="cancelled")
            row.previous = self._record_outcome(
                attrs.evolve(outcome, dials=row.dial), row, counter, started
            )
            raise
        except Exception as exc:
            if live is not None and holding:
                live.release(holding)
            if row.dial > 1 and row.previous is not None and never_reached(exc):
                # A redial the API never got: journaled not_sent with its dial, which a
                # resume reads as still due; the row's outcome is still its last dial's.
                failed = Outcome(index, row.request, error=exc, attempts=counter.attempts)
                self._record_outcome(attrs.evolve(failed, dials=row.dial), row, counter, started)
                row.redial_lost = True
                return attrs.evolve(
                    row.previous, note=f"redial not made ({exc}): a resume makes it"
                )
            status = "not_sent" if row.start_failed and not counter.attempts else None
            outcome = Outcome(index, row.request, error=exc, attempts=counter.attempts)
            if status is not None:
                outcome = attrs.evolve(outcome, status=status)
            outcome = attrs.evolve(outcome, dials=row.dial, placed=row.placed)
        return self._record_outcome(outcome, row, counter, started)

    async def _reconcile_resumed(self, row: _Row, start: dict[str, Any]) -> Outcome | Resolved:
        """Reconcile a dial a crash left in flight: its outcome if the API decides it
        (found: ok; unknown), or the proof that the call was not placed (send it now)."""
        dialer = self._dialer
        assert dialer is not None
        mark = start.get("m")
        error = OutcomeUnknownError(
            f"row {row.index} was in flight when a previous run stopped; the call may have "
            "been placed",
            method="POST",
            path="",
            attempts=0,
        )
        resolved = await dialer.resolve(
            row.request,
            mark=mark if isinstance(mark, str) else None,
            sent_at=float(start["t"]),
            error=error,
            sleep=lambda seconds: self._sleep_parked(row, seconds),
        )
        self._count_resolved(resolved, row)
        if resolved.status == "not_placed":
            return resolved
        outcome = Outcome(
            row.index,
            row.request,
            resolved.response,
            resolved.error,
            reconciled=resolved.status,
            note=resolved.note,
            dials=row.dial,
            placed=row.placed,
        )
        if resolved.response is not None:
            dialer.placed(resolved.response)
            outcome = attrs.evolve(
                outcome, placed=row.placed + int(getattr(row.request, "calls", 1))
            )
        return outcome

    def _count_resolved(self, resolved: Resolved, row: _Row) -> None:
        self.summary.reconciled[resolved.status] += 1
        self.summary.lookups += resolved.lookups
        row.records, row.call_uuids = resolved.records, resolved.call_uuids

    async def _sleep_parked(self, row: _Row, seconds: float) -> None:
        """Reconciliation's wait: the row's slot goes to other rows meanwhile."""
        assert self._dialer is not None
        self._park(row)
        await self._dialer.sleep(seconds)
        await self._unpark(row)

    async def _acquire_live(self, row: _Row, live: LiveCalls, calls: int) -> None:
        """Take ``calls`` units of the live-call cap, waiting without a slot: the rows
        holding the cap (parked while reconciliation waits) need a slot to finish."""
        if live.fits(calls):
            await live.acquire(calls)
            return
        self._park(row)
        await live.acquire(calls)
        try:
            await self._unpark(row)
        except BaseException:
            live.release(calls)
            raise

    async def _unpark(self, row: _Row) -> None:
        assert self._slots is not None
        await self._slots.acquire()
        self._parked.discard(row.index)

    def _park(self, row: _Row) -> None:
        """Give the row's slot back while it waits for its call to end or to redial."""
        if row.index not in self._parked and self._slots is not None:
            self._parked.add(row.index)
            self._slots.release()

    async def _hold_live(self, row: _Row, outcome: Outcome) -> None:
        """A call placed in an earlier run counts against the live-call cap until it ends."""
        live = None if self._dialer is None else self._dialer.live
        if live is not None:
            await self._acquire_live(row, live, int(getattr(outcome.request, "calls", 1)))

    async def _follow(self, row: _Row, outcome: Outcome, *, resumed: bool = False) -> Outcome:
        """Wait for the row's call(s) to end; record the disposition and any redial.
        ``resumed``: the call may have been placed by an earlier run, whose receiver got
        its callbacks: its record is asked for too, as the wait goes on."""
        dialer = self._dialer
        assert dialer is not None
        request = request_model(row.request)
        self._park(row)
        row.previous = outcome
        try:
            followed = await dialer.follow(
                request, outcome.response, row.records, row.call_uuids, resumed=resumed
            )
        finally:
            if dialer.live is not None:
                dialer.live.release(int(getattr(request, "calls", 1)))
        self.summary.lookups += followed.lookups
        disposition, first = followed.disposition, followed.first
        due = None
        if dialer.redial is not None and len(request.destinations) == 1 and followed.confirmed:
            due = dialer.redial.due(disposition, row.dial, followed.ended_at)
        if self._journal is not None:
            self._journal.write(disposition_record(row.index, row.dial, followed, due))
        row.redial_at, row.placed = due, outcome.placed
        outcome = attrs.evolve(
            outcome, disposition=disposition, call=first, note=followed.note or outcome.note
        )
        row.previous = outcome
        return outcome

    async def _wait_to_redial(self, row: _Row) -> bool:
        """Sleep until the row's redial is due, then take a slot; False if the run stopped."""
        dialer = self._dialer
        assert dialer is not None and row.redial_at is not None and self._slots is not None
        self._park(row)
        row.counter = None  # nothing in flight: stopping cancels this wait at once
        delay = row.redial_at - dialer.clock()
        if delay > 0:
            await dialer.sleep(delay)
        if self._stop.is_set():
            return False
        await self._slots.acquire()
        self._parked.discard(row.index)
        row.redial_at = None
        row.dial += 1
        return True

    def _stopped(self, row: _Row, outcome: Outcome) -> Outcome:
        """The outcome so far of a row the run stopped while it waited (its call or a redial)."""
        if row.redial_at is not None:
            when = datetime.fromtimestamp(row.redial_at, timezone.utc).isoformat(timespec="seconds")
            note = f"redial due at {when} not made: the run stopped; a resume makes it"
        else:
            note = "the run stopped before the call ended: no disposition"
        return attrs.evolve(outcome, note=note)

    def _record_outcome(
        self,
        outcome: Outcome,
        row: _Row,
        counter: AttemptCounter | None = None,
        started: float | None = None,
    ) -> Outcome:
        """Journal one dial's outcome (with its elapsed and wait times)."""
        if started is not None:
            waited = float(getattr(counter, "waited", 0.0))  # AttemptCounter.waited, if any
            outcome = attrs.evolve(outcome, elapsed=time.perf_counter() - started, waited=waited)
        if self._journal is not None:
            self._journal.write(outcome_record(outcome, row.key))
        return outcome

    def _finish(self, outcome: Outcome, key: RowKey | None) -> None:
        """Record and deliver the outcome of a row decided without sending anything."""
        if self._journal is not None:
            self._journal.write(outcome_record(outcome, key))
        self._deliver(outcome)

    def _deliver(self, outcome: Outcome) -> None:
        """A row's one outcome: summary, report, progress, stop rules; hand it out."""
        self.summary.add(outcome)
        if self._report is not None:
            self._report.add(outcome)
        if self._bar is not None:
            self._bar.update(1)
            if self.summary.rows % 50 == 0:
                self._bar.set_postfix(
                    retries=self.summary.retries,
                    failed=sum(self.summary.failed.values()),
                    unknown=self.summary.unknown,
                    refresh=False,
                )
        if self._callback is not None:
            self._callback(self.summary)
        reached = not never_reached(outcome.error) or outcome.status != "not_sent"
        self._unreachable = 0 if reached else self._unreachable + 1
        if self._unreachable >= UNREACHABLE_STOP:
            self.stop(
                f"the API was not reached for {self._unreachable} rows in a row (last:"
                f" {type(outcome.error).__name__}: {outcome.error}); nothing was placed for"
                " them: rerun the same command to resume"
            )
        elif self._stop_on_auth_error and isinstance(outcome.error, AuthenticationError):
            self.stop("authentication failed: check PLIVO_AUTH_ID / PLIVO_AUTH_TOKEN")
        elif isinstance(outcome.error, LimitsUnavailableError):
            self.stop(f"shared limits unavailable: {outcome.error}")
        elif (
            self._stop_after_failures is not None
            and sum(self.summary.failed.values()) >= self._stop_after_failures
        ):
            self.stop(f"{self._stop_after_failures} failure(s)")
        self._results.put_nowait(outcome)

    async def _shut_down(self, feeder: asyncio.Task[None]) -> None:
        """Stop feeding; cancel rows not yet sent at once; give sent rows the grace period."""
        self._stop.set()
        feeder.cancel()
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await feeder
        journal_failed = self._journal is not None and self._journal.error is not None
        unsent = [task for task, row in self._running.items() if not row.sent]
        for task in unsent:
            task.cancel()
        sent = [task for task in self._running if task not in unsent]
        if sent and not journal_failed:  # with a failed journal, their outcome is lost anyway
            _, sent_set = await asyncio.wait(sent, timeout=self._grace_period)
            sent = list(sent_set)
        for task in sent:
            task.cancel()
        if unsent or sent:
            await asyncio.wait([*unsent, *sent])
        if self.summary.stopped is None:
            self.summary.stopped = "cancelled"
        log.info("bulk run stopped: %s", self.summary.as_dict())
