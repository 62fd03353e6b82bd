"""Row runners: what a bulk run does with one row, apart from everything rows share.

The engine (:mod:`plivo_async.bulk.engine`) keeps the feed, the slots, the journal, the
summary, the progress and the shutdown; a :class:`RowRunner` takes one row to its
outcome through a :class:`RowContext`, which gives it what a runner may use: the row,
its journal records, parking its slot while it waits, and the run's summary. The calls
runner (:mod:`.calls`) marks, reconciles, follows and redials; :mod:`.function` (and
:mod:`.mpc` on it) awaits one request.

On a resume, the runner decides what a row the journal left pending becomes
(:meth:`RowRunner.resume`), as one of the typed decisions below.
"""

from __future__ import annotations

from typing import Any, Protocol

import attrs

from ...errors import OutcomeUnknownError
from ..attempts import Sending
from ..journal import Pending
from ..outcome import Outcome, Summary
from ..records import Code, DeferredRecord, DispositionRecord, OutcomeRecord, StartRecord

__all__ = [
    "Follow",
    "Reconcile",
    "Redial",
    "ReportUnknown",
    "Resume",
    "RowContext",
    "RowRunner",
    "Send",
    "Skip",
]


@attrs.frozen
class Send:
    """Send the row as a new row (nothing pending, or resent on purpose)."""


@attrs.frozen
class Skip:
    """Nothing new to learn: the row stays as the journal has it."""


@attrs.frozen
class ReportUnknown:
    """A row in flight at a crash that cannot be reconciled: reported unknown, not sent."""

    why: str = ""

    def error(self, index: int) -> OutcomeUnknownError:
        return OutcomeUnknownError(
            f"row {index} was in flight when a previous run stopped; the call may have "
            f"been placed, so it is not sent again{self.why} (retry_unknown=True to resend)",
            method="POST",
            path="",
            attempts=0,
        )


@attrs.frozen
class Reconcile:
    """A dial a crash left in flight: ask the API about it (from its start record)."""

    start: StartRecord
    #: The uuids of the row's earlier calls (:attr:`Pending.calls`): never this dial's.
    earlier: frozenset[str] = frozenset()
    #: How the row's previous dial ended (a redial in flight): its dispositions so far.
    before: DispositionRecord | None = None


@attrs.frozen
class Redial:
    """A row whose call ended as the redial policy says: dial it again when due."""

    ended: DispositionRecord
    earlier: frozenset[str] = frozenset()


@attrs.frozen
class Follow:
    """A call placed in an earlier run and never followed to its end: follow it now."""

    placed: OutcomeRecord
    earlier: frozenset[str] = frozenset()
    before: DispositionRecord | None = None


Resume = Send | Skip | ReportUnknown | Reconcile | Redial | Follow


class RowContext(Protocol):
    """What a runner may use for one row."""

    index: int
    request: Any
    #: What the journal's pending records decided for this row (a resume), else Send().
    resume: Resume
    #: The outcome to deliver if the run stops while this row waits: the row's outcome
    #: so far, with a note saying what was not done (the runner keeps it up to date).
    so_far: Outcome | None
    #: The current dial's requests (see :mod:`.attempts`; None: nothing in flight):
    #: shutdown cancels a row not yet sent at once, and gives a sent one the grace period.
    in_flight: Sending | None
    summary: Summary

    @property
    def journaled(self) -> bool:
        """Whether the run has a journal (start records are written)."""

    async def write_start(self, *, mark: str | None, sent_at: float | None, dial: int) -> None:
        """Make the row's start record durable (before its request leaves)."""

    def record(self, outcome: Outcome) -> Outcome:
        """Journal one dial's outcome; returns it."""

    def record_disposition(self, record: DispositionRecord) -> None:
        """Journal how a dial's call(s) ended."""

    def calls_live(self, calls: int) -> None:
        """``calls`` of the row's calls are now live (followed to their end); negative:
        ended. The run's summary counts them, and its progress shows them."""

    def record_deferral(self, record: DeferredRecord) -> None:
        """Journal that the row's next dial waits for its calling window."""

    def park(self) -> None:
        """Give the row's slot to other rows while it waits."""

    async def unpark(self) -> None:
        """Take a slot again (waits for one)."""

    @property
    def stopping(self) -> bool:
        """Whether the run is stopping (no new dial may start)."""


class RowRunner(Protocol):
    """Takes one row to its outcome (see the module doc)."""

    def skipped(self, *, retry_unknown: bool, retry_failed: bool) -> frozenset[Code]:
        """The journal codes of rows a resume skips as done."""

    def pending(self) -> frozenset[Code]:
        """The codes of rows whose journal records :meth:`resume` needs."""

    def resume(self, index: int, code: Code, pending: Pending) -> Resume:
        """What a row the journal left in flight, unknown, placed or due becomes."""

    async def run(self, ctx: RowContext) -> Outcome:
        """The row's one outcome (its dials' outcomes journaled on the way)."""
