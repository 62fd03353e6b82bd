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
from typing import Any, Generic, TypeVar

import attrs

from ..errors import AuthenticationError, OutcomeUnknownError, ValidationError
from ..retry import count_attempts
from .inputs import Rows, enumerate_rows, row_digest
from .journal import DEFINITE, Journal, JournalMismatchError, JournalState
from .outcome import Outcome, Summary
from .progress import forget_row, make_progress

__all__ = ["BulkRun"]

log = logging.getLogger("plivo_async")

R = TypeVar("R")


class BulkRun(Generic[R]):
    """One bulk run: an async iterator of :class:`Outcome`, plus its :class:`Summary`.

    Iterate it to drive the run. Cancelling the task, or leaving ``async with run:``, or
    :meth:`aclose` stops feeding rows, gives in-flight requests ``grace_period`` seconds,
    records the rest as unknown (or cancelled, if never sent), and leaves a journal that
    resumes correctly. :meth:`stop` stops feeding but lets in-flight rows finish.
    ``total`` (default: ``len(rows)`` when the rows have a length) gives the progress bar
    its total and ETA.
    """

    def __init__(
        self,
        rows: Rows,
        *,
        prepare: Callable[[Any], Any],
        send: Callable[[Any], Awaitable[Any]],
        kind: str,
        concurrency: int = 64,
        journal: str | os.PathLike[str] | None = None,
        input_id: str | None = None,
        retry_unknown: bool = False,
        stop_after_failures: int | None = None,
        stop_on_auth_error: bool = True,
        progress: bool | Callable[[Summary], object] | None = None,
        grace_period: float = 10.0,
        total: int | None = None,
    ) -> None:
        if concurrency < 1:
            raise ValueError("concurrency must be >= 1")
        self.summary = Summary()
        self._rows = rows
        self._prepare = prepare
        self._send = send
        self._kind = kind
        self._concurrency = concurrency
        self._journal = None if journal is None else Journal(journal)
        self._input_id = input_id
        self._retry_unknown = retry_unknown
        self._stop_after_failures = stop_after_failures
        self._stop_on_auth_error = stop_on_auth_error
        self._callback = progress if callable(progress) else None
        self._bar = make_progress(progress, total=total, rows=rows)
        self._grace_period = grace_period
        self._iterator: AsyncIterator[Outcome] | None = None
        self._stop = asyncio.Event()

    async def __aenter__(self) -> BulkRun[R]:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        """End the run now, as cancelling it would: stop feeding, give in-flight rows the
        grace period, record the rest, close the journal.

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
        """Stop feeding new rows; rows in flight finish normally."""
        if not self._stop.is_set():
            self.summary.stopped = reason
            self._stop.set()

    # -- the engine ----------------------------------------------------------------------

    async def _drive(self) -> AsyncIterator[Outcome]:
        state = (
            None
            if self._journal is None
            else self._journal.open(kind=self._kind, input_id=self._input_id)
        )
        results: asyncio.Queue[Outcome | None] = asyncio.Queue()
        slots = asyncio.Semaphore(self._concurrency)
        tasks: set[asyncio.Task[None]] = set()
        feeder = asyncio.create_task(self._feed(state, results, slots, tasks))
        finished = False
        try:
            while True:
                outcome = await results.get()
                if outcome is None:
                    break
                slots.release()
                yield outcome
            await feeder  # re-raises what stopped the feeder (e.g. a journal mismatch)
            finished = True
        finally:
            if not finished:
                await self._shut_down(feeder, tasks)
            if self._journal is not None:
                await self._journal.close()
            if self._bar is not None:
                self._bar.close()

    async def _feed(
        self,
        state: JournalState | None,
        results: asyncio.Queue[Outcome | None],
        slots: asyncio.Semaphore,
        tasks: set[asyncio.Task[None]],
    ) -> None:
        try:
            async for index, row in enumerate_rows(self._rows):
                if self._stop.is_set():
                    break
                await slots.acquire()
                if self._stop.is_set():
                    slots.release()
                    break
                if not self._start_row(index, row, state, results, tasks):
                    slots.release()
            if tasks:
                await asyncio.wait(list(tasks))
        finally:
            results.put_nowait(None)

    def _start_row(
        self,
        index: int,
        row: Any,
        state: JournalState | None,
        results: asyncio.Queue[Outcome | None],
        tasks: set[asyncio.Task[None]],
    ) -> bool:
        """Decide what to do with one row; False if it needs no slot (skipped)."""
        request: Any = row
        invalid: ValidationError | None = None
        try:
            request = self._prepare(row)
        except ValidationError as exc:
            invalid = exc
        except Exception as exc:  # a row of the wrong shape is that row's problem, not the run's
            invalid = ValidationError.invalid("row", f"cannot be used ({exc})", row)
        digest = "" if self._journal is None else row_digest(request)  # only journals use it
        previous = None if state is None else state.rows.get(index)
        if previous is not None:
            if previous.digest is not None and previous.digest != digest:
                raise JournalMismatchError(
                    f"row {index} differs from the row the journal recorded: "
                    "this is not the input the journal was written for"
                )
            if previous.status in DEFINITE and not (
                previous.status == "unknown" and self._retry_unknown
            ):
                self.summary.skipped += 1
                forget_row(self._bar)
                return False
        if invalid is not None:
            self._finish(Outcome(index, row, error=invalid), digest, results)
            return True
        if previous is not None and previous.status is None and not self._retry_unknown:
            error = OutcomeUnknownError(
                f"row {index} was in flight when a previous run stopped; the call may "
                "have been placed, so it is not sent again (retry_unknown=True to resend)",
                method="POST",
                path="",
                attempts=0,
            )
            self._finish(Outcome(index, request, error=error), digest, results)
            return True
        task = asyncio.create_task(self._one(index, request, digest, results))
        tasks.add(task)
        task.add_done_callback(tasks.discard)
        return True

    async def _one(
        self,
        index: int,
        request: Any,
        digest: str,
        results: asyncio.Queue[Outcome | None],
    ) -> None:
        journal = self._journal
        # Never send before the row's start record is on disk: a crash after that point
        # leaves a start without an outcome, which a resume reports as unknown.
        counter = count_attempts(
            None if journal is None else lambda: journal.append({"s": index, "h": digest})
        )
        started = time.perf_counter()
        try:
            response = await self._send(request)
            outcome = Outcome(index, request, response, None, counter.attempts, 0.0)
        except asyncio.CancelledError:
            if counter.attempts:
                error = OutcomeUnknownError(
                    f"row {index} was cancelled in flight; the call may have been placed",
                    method="POST",
                    path="",
                    attempts=counter.attempts,
                )
                outcome = Outcome(index, request, error=error, attempts=counter.attempts)
            else:
                outcome = Outcome(index, request, status="cancelled")
            self._finish(outcome, digest, results, elapsed=time.perf_counter() - started)
            raise
        except Exception as exc:
            outcome = Outcome(index, request, error=exc, attempts=counter.attempts)
        self._finish(outcome, digest, results, elapsed=time.perf_counter() - started)

    def _finish(
        self,
        outcome: Outcome,
        digest: str,
        results: asyncio.Queue[Outcome | None],
        *,
        elapsed: float = 0.0,
    ) -> None:
        """Record one outcome: summary, journal, progress, stop conditions, then deliver."""
        if elapsed:
            outcome = attrs.evolve(outcome, elapsed=elapsed)
        self.summary.add(outcome)
        if self._journal is not None:
            self._journal.append(self._record(outcome, digest))
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
        if self._stop_on_auth_error and isinstance(outcome.error, AuthenticationError):
            self.stop("authentication failed: check PLIVO_AUTH_ID / PLIVO_AUTH_TOKEN")
        elif (
            self._stop_after_failures is not None
            and sum(self.summary.failed.values()) >= self._stop_after_failures
        ):
            self.stop(f"{self._stop_after_failures} failure(s)")
        results.put_nowait(outcome)

    @staticmethod
    def _record(outcome: Outcome, digest: str) -> dict[str, Any]:
        record: dict[str, Any] = {
            "o": outcome.index,
            "status": outcome.status,
            "h": digest,
            "attempts": outcome.attempts,
            "ms": round(outcome.elapsed * 1000, 1),
        }
        response = outcome.response
        if response is not None:
            for name in ("request_uuid", "api_id"):
                value = getattr(response, name, None)
                if value is not None:
                    record[name] = value
        error = outcome.error
        if error is not None:
            record["error"] = type(error).__name__
            record["message"] = str(error)[:300]
            status = getattr(error, "status", None)
            if status is not None:
                record["http_status"] = status
        return record

    async def _shut_down(self, feeder: asyncio.Task[None], tasks: set[asyncio.Task[None]]) -> None:
        """Stop feeding; give in-flight rows a grace period; cancel (record) the rest."""
        self._stop.set()
        feeder.cancel()
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await feeder
        pending = list(tasks)
        if pending:
            _, late = await asyncio.wait(pending, timeout=self._grace_period)
            for task in late:
                task.cancel()
            if late:
                await asyncio.wait(late)
        if self.summary.stopped is None:
            self.summary.stopped = "cancelled"
        log.info("bulk run stopped: %s", self.summary.as_dict())
