"""The plain runner: one awaited request per row (``client.bulk.run``, MPC actions), and
the step every runner's dial takes: send, then journal the outcome."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import Any

import attrs

from ...errors import OutcomeUnknownError
from ..attempts import Sending, sending
from ..journal import Pending
from ..outcome import Outcome, row_request
from ..records import Code
from . import ReportUnknown, Resume, RowContext, Skip

__all__ = ["FunctionRunner", "send_once", "skipped_codes"]

#: What ``send`` gives back: the response, and any more fields of the row's outcome.
Sent = tuple[Any, dict[str, Any]]


def skipped_codes(*, retry_unknown: bool, retry_failed: bool) -> set[Code]:
    """The codes of rows done in an earlier run (resent: ``unknown`` ones with
    ``retry_unknown``, failures that prove nothing was placed with ``retry_failed``)."""
    skip = {Code.OK, Code.ENDED, Code.FAILED, Code.FAILED_NOT_PLACED, Code.UNKNOWN}
    skip.add(Code.REDIAL)  # its call ended; no redial policy this run
    if retry_unknown:
        skip.discard(Code.UNKNOWN)
    if retry_failed:
        skip.discard(Code.FAILED_NOT_PLACED)
    return skip


async def send_once(
    ctx: RowContext,
    send: Callable[[Sending], Awaitable[Sent]],
    *,
    dial: int = 1,
    placed: int = 0,
    mark: str | None = None,
    clock: Callable[[], float] = time.time,
) -> Outcome:
    """One dial of the row: ``send(sent)`` (its attempts counted in ``sent``, each after its start
    record), then the dial's outcome, journaled. Cancelled: a dial sent is recorded
    unknown, a first dial not sent ``cancelled``, and the cancellation goes on (a redial
    not sent is not recorded: the journal still says it is due)."""
    index, request = ctx.index, ctx.request
    sent = sending(ctx, mark=mark, dial=dial, clock=clock)
    try:
        response, extra = await send(sent)
        calls = int(getattr(row_request(request), "calls", 1))
        outcome = Outcome(
            index, request, response, None, sent.attempts, dials=dial, placed=placed + calls
        )
        outcome = attrs.evolve(outcome, **extra)
    except asyncio.CancelledError:
        if sent.attempts:
            error = OutcomeUnknownError(
                f"row {index} was cancelled in flight; the call may have been placed",
                method="POST",
                path="",
                attempts=sent.attempts,
            )
            outcome = Outcome(index, request, error=error, attempts=sent.attempts)
        elif dial > 1:
            raise
        else:
            outcome = Outcome(index, request, status="cancelled")
        ctx.so_far = _recorded(ctx, attrs.evolve(outcome, dials=dial), sent.started, sent.waited)
        raise
    except Exception as exc:
        outcome = Outcome(index, request, error=exc, attempts=sent.attempts)
        if sent.start_failed and not sent.attempts:
            outcome = attrs.evolve(outcome, status="not_sent")
        outcome = attrs.evolve(outcome, dials=dial, placed=placed)
    return _recorded(ctx, outcome, sent.started, sent.waited)


def _recorded(ctx: RowContext, outcome: Outcome, started: float, waited: float) -> Outcome:
    elapsed = time.perf_counter() - started
    return ctx.record(attrs.evolve(outcome, elapsed=elapsed, waited=waited))


class FunctionRunner:
    """Awaits ``send(request, observer)`` for each row (the observer goes with the row's
    requests: each attempt journaled before it leaves); a row in flight at a crash is
    unknown. A plain function (``observed=False``) cannot pass the observer on: its row
    counts as sent once it is called."""

    def __init__(self, send: Callable[..., Awaitable[Any]], *, observed: bool = True) -> None:
        self._send = send
        self._observed = observed

    def skipped(self, *, retry_unknown: bool, retry_failed: bool) -> frozenset[Code]:
        return frozenset(skipped_codes(retry_unknown=retry_unknown, retry_failed=retry_failed))

    def pending(self) -> frozenset[Code]:
        return frozenset()  # no record is needed to decide

    def resume(self, index: int, code: Code, pending: Pending) -> Resume:
        return ReportUnknown() if code == Code.STARTED else Skip()

    async def run(self, ctx: RowContext) -> Outcome:
        async def send(sent: Sending) -> Sent:
            if self._observed:
                return await self._send(ctx.request, sent.counter), {}
            await sent.counter.before_attempt(1)  # the start record, then the function
            return await self._send(ctx.request), {}

        return await send_once(ctx, send)
