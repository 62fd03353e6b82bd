"""The calls runner: one row's call, from its mark to its disposition and redials.

Every dial carries a fresh correlation mark (see :mod:`plivo_async.correlation`), recorded
in its start record with the moment each attempt leaves (:mod:`.attempts`). A create that
fails ambiguously is reconciled (:meth:`Dialer.resolve`): found is ``ok``, proven not
placed is sent again (same mark), anything else stays ``unknown``. With tracking, the row
gives its slot back while its call is live, is followed to its end (its hangup callback
or its call record), and is dialled again while the redial policy says so; the
live-call cap holds new calls while the row's calls are queued or live. On a resume, a
row a crash left in flight is reconciled from its start record, a row due is redialled,
and a call placed but never followed is followed (see :meth:`CallsRunner.resume`).

With a :class:`~plivo_async.bulk.campaign.Campaign`, every new dial (the first, each
redial, a resend of a dial proven not placed) is preceded by two checks: a number on the
do-not-call list ends the row (``suppressed``; a redial not made), and a row outside its
calling window waits for it without its slot, journaled as deferred.
"""

from __future__ import annotations

import asyncio
from datetime import datetime, timezone
from typing import Any

import attrs

from ...correlation import new_mark, with_mark
from ...errors import OutcomeUnknownError
from ...models.calls import CreateCallResponse
from ..attempts import Sending
from ..campaign import Campaign
from ..dialer import MAX_RESENDS, Dialer, Resolved
from ..journal import Pending
from ..outcome import Outcome, never_reached, row_request, utc_text
from ..policy import LiveCallCap
from ..records import PENDING, Code, DeferredRecord, DispositionRecord, StartRecord
from . import Follow, Reconcile, Redial, ReportUnknown, Resume, RowContext, Skip
from .function import Sent, send_once, skipped_codes

__all__ = ["CallsRunner"]


@attrs.define(eq=False)
class _Call:
    """What the runner knows of one row between its dials."""

    dial: int = 1
    placed: int = 0  # calls placed by the row's dials so far
    redial_at: float | None = None  # the next redial, while the row waits for it
    due: float | None = None  # when the redial being made was due
    #: What reconciliation found of this dial: the call records of calls already over,
    #: and the call uuids (a resumed run hears no callback of a call found over).
    records: tuple[Any, ...] = ()
    call_uuids: tuple[str, ...] = ()
    #: A redial that never reached the API: the row stops here, still due.
    redial_lost: bool = False
    #: How the last dial ended (its journal record), and the row's dials by disposition.
    ended: DispositionRecord | None = None
    seen: dict[str, int] = attrs.Factory(dict)
    #: When the calling window the row waits for opens (None: not waiting).
    window_opens: float | None = None
    #: The request and call uuids of the row's calls so far, this run's and (on a resume)
    #: the ones its journal records name: reconciling a later dial never takes one of
    #: them for the dial in flight (the run's bounded recent set may have let them go).
    own: set[str] = attrs.Factory(set)


def _before(ended: DispositionRecord | None, dial: int) -> DispositionRecord | None:
    """The disposition record of a dial before ``dial``: what a redial in flight (or
    placed, not yet followed) at a crash counts its schedule from."""
    return ended if ended is not None and ended.dial < dial else None


def _ended(call: _Call, ended: DispositionRecord) -> None:
    """Take the row's dispositions so far from its last disposition record, so a per-
    outcome redial schedule counts across a crash."""
    call.ended, call.seen = ended, dict(ended.seen or {})
    if not call.seen and ended.disposition is not None:
        call.seen = {ended.disposition: ended.dial}  # an older journal: the most it can be


def _calls(request: Any) -> int:
    return int(getattr(row_request(request), "calls", 1))


class CallsRunner:
    """Places, reconciles, follows and redials one row's call (see the module doc)."""

    def __init__(self, dialer: Dialer, campaign: Campaign | None = None) -> None:
        self.dialer = dialer
        self.campaign = campaign

    @property
    def tracking(self) -> bool:
        return self.dialer.tracking

    def skipped(self, *, retry_unknown: bool, retry_failed: bool) -> frozenset[Code]:
        skip = skipped_codes(retry_unknown=retry_unknown, retry_failed=retry_failed)
        if self.tracking:
            skip.discard(Code.OK)  # placed, its call never followed to its end: followed now
        if self.dialer.reconcile:
            skip.discard(Code.UNKNOWN)  # reconciled first
        if self.dialer.redial is not None:
            skip.discard(Code.REDIAL)
        return frozenset(skip)

    def pending(self) -> frozenset[Code]:
        return PENDING | {Code.OK} if self.tracking else PENDING

    def resume(self, index: int, code: Code, pending: Pending) -> Resume:
        ended, placed, start = pending.disposition, pending.outcome, pending.start
        earlier = pending.calls
        if code == Code.REDIAL and ended is not None and ended.redial is not None:
            return Redial(ended, earlier)
        if code == Code.OK and placed is not None:
            # Placed, but the run stopped before its call ended (or before its hangup was
            # journaled): follow it now, from its callbacks or its record.
            uuid = placed.request_uuid
            if not uuid or uuid.startswith("["):
                return Skip()  # several destinations: their uuids were not journaled
            return Follow(placed, earlier, _before(ended, placed.dial))
        if self.dialer.reconcile and start is not None and start.sent_at is not None:
            return Reconcile(start, earlier, _before(ended, start.dial))
        if code != Code.STARTED:
            return Skip()  # nothing new to learn: it stays as recorded
        why = " (no send time recorded to reconcile)" if self.dialer.reconcile else ""
        return ReportUnknown(why)

    async def run(self, ctx: RowContext) -> Outcome:
        """Dial; with tracking, follow the call to its end and dial again while the
        redial policy says so."""
        call, resume = _Call(), ctx.resume
        placed: Outcome | None = None
        resumed: StartRecord | None = None
        if isinstance(resume, (Redial, Follow, Reconcile)):
            call.own.update(resume.earlier)
        if isinstance(resume, Redial):
            call.dial, call.redial_at = resume.ended.dial, resume.ended.redial
            _ended(call, resume.ended)
            ctx.so_far = resume.ended.outcome_so_far(ctx.request)
        elif isinstance(resume, Follow):
            call.dial = resume.placed.dial
            if resume.before is not None:
                _ended(call, resume.before)
            uuid = resume.placed.request_uuid
            response = CreateCallResponse(message="placed in an earlier run", request_uuid=uuid)
            placed = Outcome(
                ctx.index,
                ctx.request,
                response,
                dials=call.dial,
                placed=0,
                reconciled=resume.placed.reconciled,
                note=resume.placed.note,
            )
        elif isinstance(resume, Reconcile):
            call.dial, resumed = resume.start.dial, resume.start
            if resume.before is not None:
                _ended(call, resume.before)
        outcome = ctx.so_far
        try:
            while True:
                if placed is not None:  # a call an earlier run placed: follow it first
                    outcome, placed = placed, None
                    await self._acquire_live(ctx, _calls(outcome.request))
                else:
                    if call.redial_at is not None and not await self._wait_to_redial(ctx, call):
                        # the run stopped first: a resume dials it
                        assert outcome is not None
                        outcome = attrs.evolve(
                            outcome, note=self._stopped(call), redial_at=call.redial_at
                        )
                        break
                    if resumed is None and self.campaign is not None:
                        ended = await self._before_dial(ctx, call)
                        if ended is not None:
                            outcome = ended
                            break
                    outcome = await self._dial(ctx, call, resumed)
                    resumed = None
                    if call.redial_lost:
                        break  # the redial never reached the API: still due (see _dial)
                    if not (outcome.ok and self.tracking):
                        break
                earlier = outcome.placed == 0 or outcome.reconciled == "found"
                outcome = await self._follow(ctx, call, outcome, resumed=earlier)
                if call.redial_at is None:
                    break
        except asyncio.CancelledError:
            if ctx.so_far is not None:
                ctx.so_far = attrs.evolve(
                    ctx.so_far, note=self._stopped(call), redial_at=call.redial_at
                )
            raise
        assert outcome is not None
        return outcome

    def _cancelled(self, ctx: RowContext, call: _Call) -> Outcome:
        """The outcome of a row the run stopped before its first dial was sent."""
        return Outcome(ctx.index, ctx.request, status="cancelled", note=self._stopped(call))

    @staticmethod
    def _stopped(call: _Call) -> str:
        """Why a row the run stopped while it waited (its call or a redial) is not done."""
        if call.window_opens is not None:
            return (
                f"dial {call.dial} waits for its calling window (opens "
                f"{utc_text(call.window_opens)}): the run stopped; a resume makes it then"
            )
        if call.redial_at is not None:
            when = datetime.fromtimestamp(call.redial_at, timezone.utc)
            due = when.isoformat(timespec="seconds")
            return f"redial due at {due} not made: the run stopped; a resume makes it"
        return "the run stopped before the call ended: no disposition"

    async def _dial(self, ctx: RowContext, call: _Call, resumed: StartRecord | None) -> Outcome:
        """One dial of the row: its outcome, journaled."""
        dialer, request = self.dialer, ctx.request
        call.records, call.call_uuids = (), ()
        proven: Resolved | None = None  # a resumed dial proven not placed: sent now
        if resumed is not None:
            decided = await self._reconcile_resumed(ctx, call, resumed)
            if isinstance(decided, Outcome):
                return ctx.record(decided)
            proven = decided
            if self.campaign is not None:  # sent now: as any new dial, checked first
                ended = await self._before_dial(ctx, call)
                if ended is not None:
                    return ended
        mark, calls, live = new_mark(), _calls(request), dialer.live

        async def send(sent: Sending) -> Sent:
            if live is not None:
                await self._acquire_live(ctx, calls)
            try:
                response, resolved = await self._create(ctx, call, mark, sent)
            except asyncio.CancelledError:
                if live is not None and sent.attempts == 0:
                    live.release(calls)
                raise
            except Exception:
                if live is not None:
                    live.release(calls)
                raise
            resolved = resolved or proven
            if resolved is None:
                return response, {}
            return response, {"reconciled": resolved.status, "note": resolved.note}

        previous = ctx.so_far
        outcome = await send_once(
            ctx, send, dial=call.dial, placed=call.placed, mark=mark, clock=dialer.clock
        )
        if call.dial > 1 and previous is not None and never_reached(outcome.error):
            # A redial the API never got: journaled not_sent with its dial, which a
            # resume reads as still due; the row's outcome is still its last dial's.
            call.redial_lost = True
            return attrs.evolve(
                previous,
                note=f"redial not made ({outcome.error}): a resume makes it",
                redial_at=call.due,
            )
        return outcome

    async def _create(
        self, ctx: RowContext, call: _Call, mark: str, sent: Sending
    ) -> tuple[CreateCallResponse, Resolved | None]:
        """Create the call; after an ambiguous failure, reconcile (and resend, with the same
        mark, if not placed). Raises what the create raised when reconciliation is off or
        cannot decide (an :class:`OutcomeUnknownError` carrying reconciliation's note)."""
        dialer, request = self.dialer, ctx.request
        marked = with_mark(request, mark)
        resends = 0
        resolved: Resolved | None = None  # the last reconciliation (a resend's: not placed)
        while True:
            try:
                response = await dialer.calls.create_from(
                    marked, retry_unsafe=dialer.retry_unsafe, observer=sent.counter
                )
            except OutcomeUnknownError as exc:
                if not dialer.reconcile or sent.sent_at is None:
                    raise
                resolved = await dialer.resolve(
                    request,
                    mark=mark,
                    sent_at=sent.sent_at,
                    error=exc,
                    own=call.own,
                    sleep=lambda seconds: self._sleep_parked(ctx, seconds),
                )
                self._count(ctx, call, resolved)
                if resolved.status == "not_placed" and resends < MAX_RESENDS:
                    resends += 1
                    continue
                if resolved.response is None:
                    assert resolved.error is not None
                    raise resolved.error from exc
                self._placed(call, resolved.response)
                return resolved.response, resolved
            self._placed(call, response)
            return response, resolved

    async def _reconcile_resumed(
        self, ctx: RowContext, call: _Call, start: StartRecord
    ) -> Outcome | Resolved:
        """Reconcile a dial a crash left in flight: its outcome if the API decides it
        (found: ok; unknown), or the proof that the call was not placed (send it now)."""
        assert start.sent_at is not None
        error = OutcomeUnknownError(
            f"row {ctx.index} was in flight when a previous run stopped; the call may have "
            "been placed",
            method="POST",
            path="",
            attempts=0,
        )
        resolved = await self.dialer.resolve(
            ctx.request,
            mark=start.mark,
            sent_at=start.sent_at,
            error=error,
            own=call.own,
            sleep=lambda seconds: self._sleep_parked(ctx, seconds),
        )
        self._count(ctx, call, resolved)
        if resolved.status == "not_placed":
            return resolved
        outcome = Outcome(
            ctx.index,
            ctx.request,
            resolved.response,
            resolved.error,
            reconciled=resolved.status,
            note=resolved.note,
            dials=call.dial,
            placed=call.placed,
        )
        if resolved.response is not None:
            self._placed(call, resolved.response)
            outcome = attrs.evolve(outcome, placed=call.placed + _calls(ctx.request))
        return outcome

    def _placed(self, call: _Call, response: CreateCallResponse) -> None:
        self.dialer.placed(response)
        call.own.update(response.request_uuids)

    @staticmethod
    def _count(ctx: RowContext, call: _Call, resolved: Resolved) -> None:
        ctx.summary.reconciled[resolved.status] += 1
        ctx.summary.lookups += resolved.lookups
        call.records, call.call_uuids = resolved.records, resolved.call_uuids

    async def _sleep_parked(self, ctx: RowContext, seconds: float) -> None:
        """Reconciliation's wait: the row's slot goes to other rows meanwhile."""
        ctx.park()
        await self.dialer.sleep(seconds)
        await ctx.unpark()

    async def _acquire_live(self, ctx: RowContext, calls: int) -> None:
        """Take ``calls`` units of the live-call cap, waiting without a slot: the rows
        holding the cap (parked while their calls are live) need a slot to finish."""
        live: LiveCallCap | None = self.dialer.live
        if live is None:
            return
        if live.fits(calls):
            await live.acquire(calls)
            return
        ctx.park()
        await live.acquire(calls)
        try:
            await ctx.unpark()
        except BaseException:
            live.release(calls)
            raise

    async def _follow(
        self, ctx: RowContext, call: _Call, outcome: Outcome, *, resumed: bool = False
    ) -> Outcome:
        """Wait for the row's call(s) to end; record the disposition and any redial.
        ``resumed``: the call may have been placed by an earlier run, whose receiver got
        its callbacks: its record is asked for too, as the wait goes on. The calls are
        released from the tracker then (a redial is a new call, with a new mark)."""
        dialer = self.dialer
        request = row_request(ctx.request)
        ctx.park()
        ctx.so_far = outcome
        live = _calls(request)
        ctx.calls_live(live)
        try:
            followed = await dialer.follow(
                request, outcome.response, call.records, call.call_uuids, resumed=resumed
            )
        finally:
            ctx.calls_live(-live)
            if dialer.live is not None:
                dialer.live.release(live)
            if dialer.tracker is not None and outcome.response is not None:
                for uuid in outcome.response.request_uuids:  # followed: only repeats can come
                    dialer.tracker.release(uuid)
        ctx.summary.lookups += followed.lookups
        call.own.update(r.call_uuid for r in followed.results if r is not None and r.call_uuid)
        disposition, first = followed.disposition, followed.first
        due = None
        if disposition is not None:
            call.seen[disposition] = call.seen.get(disposition, 0) + 1
        if dialer.redial is not None and len(request.destinations) == 1 and followed.confirmed:
            due = dialer.redial.due(disposition, call.dial, followed.ended_at, call.seen)
        seen = dict(call.seen) if dialer.redial is not None else None
        call.ended = DispositionRecord(
            ctx.index, call.dial, disposition, first, followed.note, due, seen
        )
        ctx.record_disposition(call.ended)
        call.redial_at, call.placed = due, outcome.placed
        outcome = attrs.evolve(
            outcome, disposition=disposition, call=first, note=followed.note or outcome.note
        )
        ctx.so_far = outcome
        return outcome

    async def _wait_to_redial(self, ctx: RowContext, call: _Call) -> bool:
        """Sleep until the row's redial is due, then take a slot; False if the run stopped."""
        assert call.redial_at is not None
        ctx.park()
        ctx.in_flight = None  # nothing in flight: stopping cancels this wait at once
        delay = call.redial_at - self.dialer.clock()
        if delay > 0:
            await self.dialer.sleep(delay)
        if ctx.stopping:
            return False
        await ctx.unpark()
        call.due, call.redial_at = call.redial_at, None
        call.dial += 1
        return True

    async def _before_dial(self, ctx: RowContext, call: _Call) -> Outcome | None:
        """The campaign's checks before a new dial: the row's outcome if it ends here
        (its number suppressed), else None once it is inside its calling window."""
        campaign = self.campaign
        assert campaign is not None
        request = ctx.request
        listed = await campaign.suppressed(request)
        if listed is not None:
            return self._suppressed(ctx, call, listed)
        clock = self.dialer.clock
        opens = campaign.opens(request, clock())
        if opens is None:
            raise AssertionError("a row whose window never opens is refused when prepared")
        if opens <= clock():
            return None
        ctx.park()
        in_flight, ctx.in_flight = ctx.in_flight, None  # nothing sent: a stop ends the wait
        call.window_opens = opens
        ctx.summary.defer(ctx.index, opens)
        ctx.record_deferral(DeferredRecord(ctx.index, call.dial, opens))
        if call.ended is None:
            ctx.so_far = self._cancelled(ctx, call)
        try:
            while opens is not None and opens > clock():
                await self.dialer.sleep(opens - clock())
                opens = campaign.opens(request, clock())
        except asyncio.CancelledError:
            if call.ended is None:
                ctx.so_far = ctx.record(self._cancelled(ctx, call))
            else:
                call.redial_at = call.due  # still due (the journal says so): see run()
            raise
        finally:
            ctx.summary.undefer(ctx.index)
        if ctx.stopping:  # as a redial's wait: no new dial once the run stops
            if call.ended is None:
                return ctx.record(self._cancelled(ctx, call))
            assert ctx.so_far is not None  # a redial: its last dial's outcome
            return attrs.evolve(ctx.so_far, note=self._stopped(call), redial_at=call.due)
        call.window_opens = None
        ctx.in_flight = in_flight
        if call.ended is None:
            ctx.so_far = None
        await ctx.unpark()
        listed = await campaign.suppressed(request)  # the list may have changed meanwhile
        return None if listed is None else self._suppressed(ctx, call, listed)

    @staticmethod
    def _suppressed(ctx: RowContext, call: _Call, number: str) -> Outcome:
        """A row whose number is on the do-not-call list: ``suppressed`` if it was never
        dialled; else its last dial's outcome, the redial not made (journaled as ended)."""
        ended = call.ended
        if ended is None:
            note = f"{number} is on the do-not-call list: not dialled"
            return ctx.record(Outcome(ctx.index, ctx.request, status="suppressed", note=note))
        note = f"{number} is on the do-not-call list: redial {call.dial} not made"
        call.ended = attrs.evolve(ended, note=note, redial=None)
        ctx.record_disposition(call.ended)
        so_far = ctx.so_far or ended.outcome_so_far(ctx.request)
        return attrs.evolve(so_far, note=note)
