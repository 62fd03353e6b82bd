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
import csv
import hashlib
import json
import logging
import math
import os
import sys
import time
from collections import Counter
from collections.abc import AsyncIterable, AsyncIterator, Awaitable, Callable, Iterable, Iterator
from typing import TYPE_CHECKING, Any, Generic, TypeVar

import attrs

from ._convert import from_wire, to_wire, wire_name
from .errors import AuthenticationError, OutcomeUnknownError, ValidationError
from .journal import DEFINITE, Journal, JournalInUseError, JournalMismatchError, JournalState
from .models.calls import CreateCallRequest
from .models.phlo import MultiPartyCallActionRequest
from .retry import count_attempts

if TYPE_CHECKING:
    from .client import AsyncPlivo

__all__ = [
    "Bulk",
    "BulkRun",
    "JournalInUseError",
    "JournalMismatchError",
    "MpcActionRow",
    "Outcome",
    "Summary",
    "file_digest",
    "read_csv",
]

log = logging.getLogger("plivo_async")

R = TypeVar("R")
Rows = Iterable[Any] | AsyncIterable[Any]


@attrs.frozen
class Outcome:
    """What became of one input row.

    ``status`` is ``ok``; ``invalid`` (refused before sending); ``failed`` (the API said no);
    ``unknown`` (the call may or may not have been placed: an ambiguous failure, or in flight
    when a previous run died or this one was cancelled); or ``cancelled`` (never sent; a
    resumed run sends it).
    """

    index: int
    request: Any
    response: Any = None
    error: BaseException | None = None
    attempts: int = 0
    elapsed: float = 0.0
    status: str = attrs.field()

    @status.default
    def _status(self) -> str:
        if self.error is None:
            return "ok"
        if isinstance(self.error, OutcomeUnknownError):
            return "unknown"
        if isinstance(self.error, ValidationError) and self.error.status is None:
            return "invalid"
        return "failed"

    @property
    def ok(self) -> bool:
        return self.status == "ok"


@attrs.frozen
class MpcActionRow:
    """One bulk MPC action: which PHLO node, and what to do there."""

    phlo_id: str
    node_id: str
    request: MultiPartyCallActionRequest


class _Histogram:
    """Latency percentiles in constant memory (log buckets, about 2% resolution)."""

    _GROWTH = math.log(1.02)

    def __init__(self) -> None:
        self._buckets: Counter[int] = Counter()
        self.count = 0

    def add(self, seconds: float) -> None:
        self._buckets[int(math.log(max(seconds, 1e-6)) / self._GROWTH)] += 1
        self.count += 1

    def quantile(self, q: float) -> float | None:
        if not self.count:
            return None
        rank, seen = q * self.count, 0
        for bucket in sorted(self._buckets):
            seen += self._buckets[bucket]
            if seen >= rank:
                return math.exp((bucket + 0.5) * self._GROWTH)
        return None  # pragma: no cover - unreachable: seen reaches count


@attrs.define
class Summary:
    """Running totals of a bulk run; final once the run ends."""

    rows: int = 0
    ok: int = 0
    placed: int = 0
    failed: Counter[str] = attrs.Factory(Counter)
    invalid: int = 0
    unknown: int = 0
    cancelled: int = 0
    skipped: int = 0
    attempts: int = 0
    retries: int = 0
    started: float = attrs.Factory(time.perf_counter)
    elapsed: float = 0.0
    stopped: str | None = None
    latency: _Histogram = attrs.Factory(_Histogram)

    def add(self, outcome: Outcome) -> None:
        self.rows += 1
        self.attempts += outcome.attempts
        self.retries += max(outcome.attempts - 1, 0)
        if outcome.status == "ok":
            self.ok += 1
            self.placed += getattr(_model(outcome.request), "calls", 1)
            self.latency.add(outcome.elapsed)
        elif outcome.status == "failed":
            self.failed[type(outcome.error).__name__] += 1
        else:
            setattr(self, outcome.status, getattr(self, outcome.status) + 1)
        self.elapsed = time.perf_counter() - self.started

    @property
    def calls_per_second(self) -> float:
        return self.placed / self.elapsed if self.elapsed > 0 else 0.0

    @property
    def p50(self) -> float | None:
        return self.latency.quantile(0.50)

    @property
    def p95(self) -> float | None:
        return self.latency.quantile(0.95)

    def as_dict(self) -> dict[str, Any]:
        """A JSON-ready view (what the CLI prints and benchmarks record)."""
        return {
            "rows": self.rows,
            "ok": self.ok,
            "placed": self.placed,
            "failed": dict(self.failed),
            "invalid": self.invalid,
            "unknown": self.unknown,
            "cancelled": self.cancelled,
            "skipped": self.skipped,
            "retries": self.retries,
            "elapsed_s": round(self.elapsed, 3),
            "calls_per_second": round(self.calls_per_second, 2),
            "p50_ms": None if self.p50 is None else round(self.p50 * 1000, 1),
            "p95_ms": None if self.p95 is None else round(self.p95 * 1000, 1),
            "stopped": self.stopped,
        }

    def render(self) -> str:
        """A short human summary; zero counts of the rarer statuses are left out."""
        d = self.as_dict()
        parts = [f"rows {d['rows']}: placed {d['placed']} ({d['ok']} ok)"]
        failed = sum(d["failed"].values())
        if failed:
            kinds = ", ".join(f"{k} {v}" for k, v in sorted(d["failed"].items()))
            parts.append(f"failed {failed} ({kinds})")
        for key in ("invalid", "unknown", "cancelled"):
            if d[key]:
                parts.append(f"{key} {d[key]}")
        if d["skipped"]:
            parts.append(f"skipped {d['skipped']} (done in an earlier run)")
        lines = [
            ", ".join(parts),
            f"retries {d['retries']}, {d['calls_per_second']} calls/s over {d['elapsed_s']} s, "
            f"latency p50 {d['p50_ms']} ms, p95 {d['p95_ms']} ms",
        ]
        if d["stopped"]:
            lines.append(f"stopped early: {d['stopped']}")
        return "\n".join(lines)


def _model(request: Any) -> Any:
    return request.request if isinstance(request, MpcActionRow) else request


def _digest(request: Any) -> str:
    model = _model(request)
    try:
        data: Any = to_wire(model)
        if isinstance(request, MpcActionRow):
            data = [request.phlo_id, request.node_id, data]
    except Exception:
        data = request
    text = json.dumps(data, sort_keys=True, default=repr, separators=(",", ":"))
    return hashlib.blake2b(text.encode(), digest_size=8).hexdigest()


def read_csv(path: str | os.PathLike[str]) -> Iterator[dict[str, str]]:
    """Stream the rows of a CSV file with a header line; empty cells are dropped."""
    with open(path, newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            yield {k.strip(): v.strip() for k, v in row.items() if k and v and v.strip()}


def file_digest(path: str | os.PathLike[str]) -> str:
    """A content hash of an input file: the journal's check that a resume uses the same input."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return "sha256:" + digest.hexdigest()


async def _enumerate(rows: Rows) -> AsyncIterator[tuple[int, Any]]:
    index = 0
    if isinstance(rows, AsyncIterable):
        async for row in rows:
            yield index, row
            index += 1
    else:
        for row in rows:
            yield index, row
            index += 1


def _make_progress(progress: Any) -> Any:
    """A tqdm bar when asked or when attached to a terminal/notebook, else None."""
    if progress is False or callable(progress):
        return None
    interactive = "ipykernel" in sys.modules or sys.stderr.isatty()
    if progress is None and not interactive:
        return None
    try:
        from tqdm.auto import tqdm  # type: ignore[import-untyped,unused-ignore]
    except ImportError:
        if progress is True:
            log.warning("progress=True needs tqdm: pip install 'plivo-async[progress]'")
        return None
    return tqdm(unit="row", dynamic_ncols=True, mininterval=0.2)


class BulkRun(Generic[R]):
    """One bulk run: an async iterator of :class:`Outcome`, plus its :class:`Summary`.

    Iterate it to drive the run. Cancelling the task, or leaving ``async with run:``, or
    :meth:`aclose` stops feeding rows, gives in-flight requests ``grace_period`` seconds,
    records the rest as unknown (or cancelled, if never sent), and leaves a journal that
    resumes correctly. :meth:`stop` stops feeding but lets in-flight rows finish.
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
        self._bar = _make_progress(progress)
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
            async for index, row in _enumerate(self._rows):
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
        digest = "" if self._journal is None else _digest(request)  # only journals use it
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


class Bulk:
    """Bulk operations of one client (``client.bulk``)."""

    def __init__(self, client: AsyncPlivo) -> None:
        self._client = client

    def _options(self, options: dict[str, Any]) -> dict[str, Any]:
        options.setdefault("concurrency", self._client.limits.max_concurrency)
        return options

    def create_calls(
        self,
        rows: Rows,
        *,
        defaults: dict[str, Any] | None = None,
        retry_unsafe: bool = False,
        journal: str | os.PathLike[str] | None = None,
        input_id: str | None = None,
        concurrency: int | None = None,
        retry_unknown: bool = False,
        stop_after_failures: int | None = None,
        stop_on_auth_error: bool = True,
        progress: bool | Callable[[Summary], object] | None = None,
        grace_period: float = 10.0,
    ) -> BulkRun[Any]:
        """Place one call (or one ``<`` bulk call) per row, concurrently.

        Rows are dicts of :meth:`Calls.create` arguments (``from`` or ``from_``; CSV rows
        work as they are) merged over ``defaults``, or prebuilt ``CreateCallRequest``\\ s.
        A row that fails validation gets an ``invalid`` outcome and no request. See
        :class:`BulkRun` for journal, cancellation and stop conditions.
        Raises :class:`JournalMismatchError` if ``journal`` belongs to another input.
        """
        base = dict(defaults or {})

        def prepare(row: Any) -> CreateCallRequest:
            if isinstance(row, CreateCallRequest):
                return row
            request: CreateCallRequest = _build(CreateCallRequest, {**base, **row})
            return request

        calls = self._client.calls
        return BulkRun(
            rows,
            prepare=prepare,
            send=lambda request: calls.create_from(request, retry_unsafe=retry_unsafe),
            kind="calls",
            concurrency=concurrency or self._client.limits.max_concurrency,
            journal=journal,
            input_id=input_id,
            retry_unknown=retry_unknown,
            stop_after_failures=stop_after_failures,
            stop_on_auth_error=stop_on_auth_error,
            progress=progress,
            grace_period=grace_period,
        )

    def mpc_actions(
        self,
        rows: Rows,
        *,
        defaults: dict[str, Any] | None = None,
        retry_unsafe: bool = False,
        **options: Any,
    ) -> BulkRun[Any]:
        """One multi-party-call action per row: add a user, warm or cold transfer.

        Rows hold ``phlo_id``, ``node_id``, ``action`` (``call``, ``warm_transfer``,
        ``cold_transfer``), ``to``, ``trigger_source`` and optionally ``role``, merged over
        ``defaults``. Options are those of :meth:`create_calls`.
        """
        base = dict(defaults or {})

        def prepare(row: Any) -> MpcActionRow:
            if isinstance(row, MpcActionRow):
                return row
            data = {**base, **row}
            ids = {}
            for key in ("phlo_id", "node_id"):
                ids[key] = data.pop(key, None)
                if not ids[key]:
                    raise ValidationError.invalid(key, "is required")
            request = _build(MultiPartyCallActionRequest, data)
            return MpcActionRow(ids["phlo_id"], ids["node_id"], request)

        def send(row: MpcActionRow) -> Awaitable[Any]:
            mpc = self._client.phlo(row.phlo_id).multi_party_call(row.node_id)
            return mpc.update_from(row.request, retry_unsafe=retry_unsafe)

        return BulkRun(rows, prepare=prepare, send=send, kind="mpc", **self._options(options))

    def run(
        self,
        items: Rows,
        fn: Callable[[Any], Awaitable[Any]],
        *,
        kind: str = "items",
        **options: Any,
    ) -> BulkRun[Any]:
        """Await ``fn(item)`` for every item under the same engine (limits, journal, outcomes).

        ``fn`` may raise :class:`ValidationError` to refuse an item. With a journal, items
        must be JSON-serialisable (their digest checks that a resume uses the same input).
        """
        return BulkRun(
            items, prepare=lambda item: item, send=fn, kind=kind, **self._options(options)
        )


def _build(cls: Any, data: dict[str, Any]) -> Any:
    """Build a request model from a row; a missing required field is a ValidationError too."""
    try:
        return from_wire(cls, data)
    except TypeError as exc:  # the model's __init__ lacks a required argument
        given = {wire_name(key) for key in data} | set(data)
        missing = [
            f.name
            for f in attrs.fields(cls)
            if f.default is attrs.NOTHING and f.name not in given and wire_name(f.name) not in given
        ]
        raise ValidationError.invalid(missing[0] if missing else "row", "is required") from exc
