"""A row's requests as they leave: counted, and each preceded by its durable start record.

The observer a runner passes with a row's requests (``observer=sent.counter``): before
each attempt of a dial leaves, stamp its moment and make the row's start record (with
that moment) durable. Never send before the start record is on disk: a crash after that point leaves
a start without an outcome, which a resume reconciles (counting from the last attempt's
moment) or reports as unknown. Lookups made for a row (reconciliation, call records)
pass no observer: they are not the row's attempts.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Protocol

import attrs

from .._types import AttemptCounter
from .journal import JournalWriteError

__all__ = ["Sending", "sending"]


@attrs.define(eq=False)
class Sending:
    """One dial's requests: how many went out, when the last left, how long they waited
    for the client's own limits, and whether the start record failed (nothing sent)."""

    counter: AttemptCounter = attrs.Factory(AttemptCounter)
    sent_at: float | None = None
    start_failed: bool = False
    started: float = attrs.Factory(time.perf_counter)

    @property
    def attempts(self) -> int:
        return self.counter.attempts

    @property
    def waited(self) -> float:
        return self.counter.waited


class _Row(Protocol):
    """What :func:`sending` needs of a row (a :class:`~plivo_async.bulk.runners.RowContext`)."""

    in_flight: Sending | None

    @property
    def journaled(self) -> bool: ...

    async def write_start(self, *, mark: str | None, sent_at: float | None, dial: int) -> None: ...


def sending(
    ctx: _Row,
    *,
    mark: str | None = None,
    dial: int = 1,
    clock: Callable[[], float] = time.time,
) -> Sending:
    """Count the requests this task makes from now on as the row's dial ``dial``; before
    each leaves, stamp ``clock()`` and write the start record (with ``mark`` and that
    moment, in a calls run) durably. Tells ``ctx`` what is in flight."""
    sent = Sending()

    async def before_send() -> None:
        sent.sent_at = round(clock(), 3)
        try:
            await ctx.write_start(
                mark=mark, sent_at=None if mark is None else sent.sent_at, dial=dial
            )
        except JournalWriteError:
            sent.start_failed = True
            raise

    needed = ctx.journaled or mark is not None
    sent.counter = AttemptCounter(before_send=before_send if needed else None)
    ctx.in_flight = sent
    return sent
