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
from collections.abc import (
    AsyncIterable,
    AsyncIterator,
    Awaitable,
    Callable,
    Iterator,
    Sequence,
    Sized,
)
from typing import Any, Generic, TypeVar

from ..errors import (
    AuthenticationError,
    LimitsUnavailableError,
    PlivoError,
    ValidationError,
)
from .attempts import Sending
from .inputs import Rows, enumerate_rows, split_row
from .journal import (
    Journal,
    JournalMismatchError,
    JournalState,
    JournalStore,
    JournalWriteError,
    Pending,
)
from .outcome import Outcome, Summary, never_reached
from .progress import Progress, make_progress
from .records import (
    PENDING,
    SENT,
    Code,
    DeferredRecord,
    DispositionRecord,
    OutcomeRecord,
    RowKey,
    StartRecord,
    row_key,
)
from .report import Report, ReportWriteError
from .runners import ReportUnknown, Resume, RowRunner, Send, Skip
from .runners.function import FunctionRunner

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


class _Row:
    """One row being run: what the runner may use of the engine (a
    :class:`~plivo_async.bulk.runners.RowContext`), and what shutdown needs to know (has
    its request gone out?)."""

    def __init__(self, run: BulkRun[Any], index: int, request: Any, key: RowKey | None) -> None:
        self.index = index
        self.request = request
        self.key = key
        self.resume: Resume = Send()
        self.so_far: Outcome | None = None
        self.in_flight: Sending | None = None
        self.summary = run.summary
        self._run = run
        self._fields: tuple[dict[str, str] | None] | None = None

    @property
    def sent(self) -> bool:
        return self.in_flight is not None and self.in_flight.attempts > 0

    @property
    def journaled(self) -> bool:
        return self._run._journal is not None

    @property
    def stopping(self) -> bool:
        return self._run._stop.is_set()

    async def write_start(self, *, mark: str | None, sent_at: float | None, dial: int) -> None:
        journal, key = self._run._journal, self.key
        if journal is not None and key is not None:
            if self._fields is None:
                self._fields = (key.fields,)  # computed once per row, on its first start
            fields = self._fields[0]
            await journal.write_durable(
                StartRecord(self.index, key.digest, fields, mark, sent_at, dial)
            )

    def record(self, outcome: Outcome) -> Outcome:
        journal = self._run._journal
        if journal is not None:
            journal.write(OutcomeRecord.of(outcome, self.key))
        self._run._count_placed(self.index, outcome.placed)
        return outcome

    def calls_live(self, calls: int) -> None:
        self._run._calls_live(calls)

    def record_disposition(self, record: DispositionRecord) -> None:
        if self._run._journal is not None:
            self._run._journal.write(record)

    def record_deferral(self, record: DeferredRecord) -> None:
        if self._run._journal is not None:
            self._run._journal.write(record)

    def park(self) -> None:
        self._run._park(self.index)

    async def unpark(self) -> None:
        await self._run._unpark(self.index)


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
    its total and ETA. ``extra_columns`` names keys of dict rows that are not part of the
    work (a CRM export's name, email, notes): they are taken out of each row before it is
    prepared or digested, and the report shows them beside each row's outcome (a resumed
    run reads those of rows done earlier from the rows again: the journal never holds
    them). ``shard=(k, n)`` makes this run worker ``k`` of ``n``: it takes
    rows ``k, k+n, k+2n, ...`` (their numbers stay those of the whole input) and leaves the
    others to the other workers, each with its own journal; together they cover every row
    once.
    """

    def __init__(
        self,
        rows: Rows,
        *,
        prepare: Callable[[Any], Any],
        send: Callable[[Any], Awaitable[Any]] | None = None,
        runner: RowRunner | None = None,
        kind: str,
        concurrency: int = 64,
        journal: str | os.PathLike[str] | JournalStore | None = None,
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
        extra_columns: Sequence[str] = (),
    ) -> None:
        if (send is None) == (runner is None):
            raise ValueError("give one of send= and runner=")
        if concurrency < 1:
            raise ValueError("concurrency must be >= 1")
        self._shard = check_shard(shard)
        if shard is not None and total is None and hasattr(rows, "__len__"):
            k, n = shard
            total = max(0, -(-(len(rows) - k) // n))  # type: ignore[arg-type]  # k, k+n, ...
        self.summary = Summary()
        self._rows = rows
        self._prepare = prepare
        self._runner: RowRunner = runner or FunctionRunner(send)  # type: ignore[arg-type]
        self._kind = kind
        self._concurrency = concurrency
        if isinstance(journal, (str, os.PathLike)):
            journal = Journal(journal)
        self._journal: JournalStore | None = journal
        self._input_id = input_id
        self._retry_unknown = retry_unknown
        self._retry_failed = retry_failed
        self._stop_after_failures = stop_after_failures
        self._stop_on_auth_error = stop_on_auth_error
        self._progress = Progress(
            make_progress(progress, total=total, rows=rows),
            progress if callable(progress) else None,
        )
        self._grace_period = grace_period
        self._report_path = report
        self._report: Report | None = None
        self._extra_columns = tuple(extra_columns)
        self._extras: dict[int, tuple[str, ...]] = {}  # of rows started, until delivered
        self._report_error: ReportWriteError | None = None
        self._iterator: AsyncIterator[Outcome] | None = None
        self._stop = asyncio.Event()
        self._results: asyncio.Queue[Outcome | None] = asyncio.Queue()
        self._running: dict[asyncio.Task[None], _Row] = {}
        self._slots: asyncio.Semaphore | None = None
        self._parked: set[int] = set()  # rows whose slot was given back while they wait
        self._counted: dict[int, int] = {}  # calls placed by rows not yet delivered
        self._next: int | None = 0  # the first row the feeder has not started or skipped
        self._pending: dict[int, Pending] = {}
        self._unreachable = 0  # rows in a row that never reached the API
        self._skip = self._runner.skipped(retry_unknown=retry_unknown, retry_failed=retry_failed)
        self._done = self._skip - PENDING  # skipped without a digest (see CHECK_FIRST)

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

    def __repr__(self) -> str:
        return f"<BulkRun {self._kind} {self.summary!r}>"

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

    def _report_failed(self, exc: OSError) -> None:
        """Stop at once, as a journal write error does: the journal keeps every outcome."""
        path = str(self._report_path)
        error = ReportWriteError(
            f"cannot write the report {path} ({exc}): the journal keeps every outcome, "
            "and a resume writes the whole report again",
            path,
        )
        error.__cause__ = exc
        log.error("%s", error)
        if self._report_error is None:
            self._report_error = error
            self.stop("the report could not be written")
            self._results.put_nowait(None)

    @property
    def _failed(self) -> PlivoError | None:
        """The write error that stopped the run (journal first), if one did."""
        journal = None if self._journal is None else self._journal.error
        return journal or self._report_error

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
                self._report = Report(self._report_path, self._extra_columns)
                if state is not None and journal is not None:
                    earlier = self._earlier_extras(state)
                    for record, ended in journal.outcomes(state):
                        if state.code(record.index) in self._skip:
                            extras = earlier.get(record.index, ())
                            self._report.add_record(record, ended, extras)
            except BaseException:
                await self._close()
                raise
        codes = self._runner.pending()
        if state is not None and journal is not None and codes:
            self._pending = journal.pending(state, codes)
        return state

    def _earlier_extras(self, state: JournalState) -> dict[int, tuple[str, ...]]:
        """The extra columns of the rows done in an earlier run, read from the rows (one
        pass; rows given as a one-shot iterator cannot be read twice: theirs stay blank)."""
        rows, columns, found = self._rows, self._extra_columns, {}
        if not columns or isinstance(rows, (Iterator, AsyncIterable)):
            return {}
        for index, row in enumerate(rows):
            if index < len(state) and state.code(index) in self._skip:
                found[index] = split_row(row, columns)[1]
        return found

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
            if self._failed is None:
                await feeder  # re-raises what stopped the feeder (e.g. a journal mismatch)
                finished = True
        finally:
            if not finished:
                await self._shut_down(feeder)
            self._count_rows_left(state)
            await self._close()
        if self._failed is not None:
            raise self._failed

    async def _close(self) -> None:
        try:
            if self._journal is not None:
                with contextlib.suppress(JournalWriteError):  # raised once, by _drive
                    await self._journal.close()
        finally:
            if self._report is not None:
                try:
                    self._report.close()
                except OSError as exc:  # its last lines could not be flushed
                    self._report_failed(exc)
            self._progress.close(self.summary)

    async def _feed(self, state: JournalState | None, slots: asyncio.Semaphore) -> None:
        try:
            shard = self._shard
            skip = None if state is None else self._skipper(state)
            async for index, row in enumerate_rows(self._rows, skip):
                self._next = index  # the rows before were run or skipped
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
                self._next = index + 1  # (an async input is awaited for the next row)
            else:
                self._next = None  # every row was come to
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
        self._progress.forget_row()

    def _start_row(self, index: int, row: Any, state: JournalState | None) -> bool:
        """Decide what to do with one row; False if it needs no slot (skipped)."""
        row, extras = split_row(row, self._extra_columns)
        code = Code.NONE if state is None else state.code(index)
        key = None if self._journal is None else row_key(row)
        if state is not None and key is not None and code in SENT:
            self._check_same_row(state, index, key, code)
        if code in self._skip:
            self._skipped()
            return False
        if self._extra_columns and self._report_path is not None:
            self._extras[index] = extras  # the report's, when the row is delivered
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
        item = _Row(self, index, request, key)
        if code in (Code.REDIAL, Code.OK) or (
            code in (Code.STARTED, Code.UNKNOWN) and not self._retry_unknown
        ):
            decision = self._runner.resume(index, code, self._pending.get(index, Pending()))
            if isinstance(decision, Skip):
                self._extras.pop(index, None)
                self._skipped()
                return False
            if isinstance(decision, ReportUnknown):
                self._finish(Outcome(index, request, error=decision.error(index)), key)
                return True
            item.resume = decision
        task = asyncio.create_task(self._one(item))
        self._running[task] = item
        task.add_done_callback(self._running.pop)
        return True

    def _check_same_row(self, state: JournalState, index: int, key: RowKey, code: int) -> None:
        """A row whose request went out must be the row given now (its outcome stands)."""
        recorded = state.digest(index)
        if not recorded or recorded == key.digest:
            return
        if code == Code.FAILED_NOT_PLACED and self._retry_failed:
            return  # nothing was placed: the corrected row is sent
        assert self._journal is not None
        before, now = self._journal.recorded_fields(index), key.fields
        if before is not None and now is not None:
            names = sorted(
                name for name in before.keys() | now.keys() if before.get(name) != now.get(name)
            )
            what = "its fields " + ", ".join(names) + " differ"
        else:
            what = "it differs"
        raise JournalMismatchError(
            f"row {index} was sent in an earlier run of {self._journal.describe()}, and {what} "
            "from the row sent then. A row that was sent keeps its outcome and is never "
            "sent again: restore that row to what it was, or use a new journal to send "
            "the input as it is now."
        )

    async def _one(self, row: _Row) -> None:
        """One row to its one outcome, by the runner; a row the run stops while it waits
        gets its outcome so far."""
        try:
            outcome = await self._runner.run(row)
        except asyncio.CancelledError:
            if row.so_far is not None:
                self._deliver(row.so_far)
            raise
        self._deliver(outcome)

    def _park(self, index: int) -> None:
        """Give a row's slot back while it waits (its call to end, a redial, a lookup)."""
        if index not in self._parked and self._slots is not None:
            self._parked.add(index)
            self._slots.release()

    async def _unpark(self, index: int) -> None:
        assert self._slots is not None
        await self._slots.acquire()
        self._parked.discard(index)

    def _count_placed(self, index: int, placed: int) -> None:
        """A dial's outcome was recorded: the calls it placed count now, not when the row
        is delivered (a tracked row is delivered when its call ends)."""
        before = self._counted.get(index, 0)
        if placed > before:
            self._counted[index] = placed
            self.summary.placed += placed - before
            self._progress.show(self.summary)

    def _calls_live(self, calls: int) -> None:
        self.summary.live += calls
        self._progress.show(self.summary)

    def _count_rows_left(self, state: JournalState | None) -> None:
        """Rows the run never came to (it stopped first) are counted, so that the summary
        accounts for every row of the input: ``not_sent`` (a resume sends them), or
        ``skipped`` if an earlier run did them. Rows of unknown number are not."""
        rows, first, step = self._rows, self._next, 1
        if first is None or not isinstance(rows, Sized):
            return
        if self._shard is not None:
            k, step = self._shard
            first += (k - first) % step
        done, summary = self._skip, self.summary
        for index in range(first, len(rows), step):
            if state is not None and index < len(state) and state.code(index) in done:
                summary.skipped += 1
            else:
                summary.rows += 1
                summary.not_sent += 1

    def _finish(self, outcome: Outcome, key: RowKey | None) -> None:
        """Record and deliver the outcome of a row decided without sending anything."""
        if self._journal is not None:
            self._journal.write(OutcomeRecord.of(outcome, key))
        self._deliver(outcome)

    def _deliver(self, outcome: Outcome) -> None:
        """A row's one outcome: summary, report, progress, stop rules; hand it out."""
        self.summary.add(outcome, counted=self._counted.pop(outcome.index, 0))
        if self._report is not None and self._report_error is None:
            try:
                self._report.add(outcome, self._extras.pop(outcome.index, ()))
            except OSError as exc:
                self._report_failed(exc)
        self._progress.show(self.summary)
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
