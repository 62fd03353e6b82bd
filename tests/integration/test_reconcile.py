"""Reconciliation against the emulator: ambiguous creates turned into found / not_placed.

The emulator runs on a :class:`ManualClock` with ``cdr_lag``: a call is queued or live
while it lasts, then in no lookup for ``cdr_lag`` seconds, then in the call records.
Reconciliation's waits use the same clock's ``sleep``, so nothing waits on wall time.
"""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from plivo_async import AsyncPlivo, OutcomeUnknownError
from plivo_async.correlation import MARK_PARAM, mark_of, new_mark
from plivo_async.emulator import Emulator, Lifecycle, ManualClock
from plivo_async.models.calls import CreateCallRequest
from plivo_async.resources.calls import Calls

from .conftest import FROM, client_for, number

LAG = 30.0
# The in-process emulator answers a create only once it has placed the call: nothing is
# still being processed after an answer, so settle=0 is the truth about it (see
# test_a_create_still_being_processed_is_not_called_not_placed for settle itself).


def request_to(i: int, **fields: object) -> CreateCallRequest:
    return CreateCallRequest(
        from_=FROM, to=number(i), answer_url="https://example.com/a?x=1", **fields
    )


def utc(clock: ManualClock) -> datetime:
    return datetime.fromtimestamp(clock(), timezone.utc)


@pytest.fixture
def cdr_lag() -> float:
    return LAG


async def ambiguous_create(
    plivo: AsyncPlivo, emu: Emulator, request: CreateCallRequest, fault: str, mark: str
) -> None:
    emu.set_faults(schedule=[fault], paths="calls")
    with pytest.raises(OutcomeUnknownError):
        await plivo.calls.create_from(request, mark=mark)
    emu.clear_faults()


async def test_the_mark_reaches_the_api_in_every_callback_url(
    plivo: AsyncPlivo, lagged: Emulator
) -> None:
    mark = new_mark()
    request = request_to(1, hangup_url="https://example.com/h#frag")
    await plivo.calls.create_from(request, mark=mark)
    params = lagged.calls[0].params
    assert params["answer_url"] == f"https://example.com/a?x=1&{MARK_PARAM}={mark}"
    assert params["hangup_url"] == f"https://example.com/h?{MARK_PARAM}={mark}#frag"
    assert mark_of(params["answer_url"]) == mark
    await plivo.calls.create(from_=FROM, to=number(2), answer_url="https://e.com/a", mark="m2")
    assert lagged.calls[1].params["answer_url"] == f"https://e.com/a?{MARK_PARAM}=m2"


async def test_a_create_dropped_after_processing_is_found_live(
    plivo: AsyncPlivo, lagged: Emulator, manual_clock: ManualClock
) -> None:
    request, sent = request_to(2), utc(manual_clock)
    await ambiguous_create(plivo, lagged, request, "drop_after", new_mark())
    result = await plivo.calls.reconcile(request, sent_at=sent, settle=0, clock=manual_clock)
    placed = lagged.calls[0]
    assert result.status == "found"
    assert result.request_uuids == (placed.uuid,) and result.call_uuids == (placed.uuid,)
    assert "live" in result.note and result.lookups >= 2


async def test_a_call_found_in_the_records_once_indexed(
    plivo: AsyncPlivo, lagged: Emulator, manual_clock: ManualClock
) -> None:
    request, sent = request_to(3, time_limit=5), utc(manual_clock)
    await ambiguous_create(plivo, lagged, request, "drop_after", new_mark())
    manual_clock.advance(2 + 5 + 1)  # over, but its record is not indexed yet
    early = await plivo.calls.reconcile(
        request, sent_at=sent, settle=0, lag=LAG, clock=manual_clock
    )
    assert early.status == "unknown" and "look again after" in early.note
    waited = await plivo.calls.reconcile(
        request,
        sent_at=sent,
        settle=0,
        lag=LAG,
        wait=LAG,
        clock=manual_clock,
        sleep=manual_clock.sleep,
    )
    assert waited.status == "found" and waited.request_uuid == lagged.calls[0].uuid
    assert "records" in waited.note


async def test_a_create_dropped_before_is_not_placed_only_after_the_lag(
    plivo: AsyncPlivo, lagged: Emulator, manual_clock: ManualClock
) -> None:
    request, sent = request_to(4), utc(manual_clock)
    await ambiguous_create(plivo, lagged, request, "drop_before", new_mark())
    assert lagged.calls == []
    now = await plivo.calls.reconcile(request, sent_at=sent, settle=0, lag=LAG, clock=manual_clock)
    assert now.status == "unknown"  # a record could still show: no evidence yet
    manual_clock.advance(LAG - 1)
    almost = await plivo.calls.reconcile(
        request, sent_at=sent, settle=0, lag=LAG, clock=manual_clock
    )
    assert almost.status == "unknown"
    start = manual_clock()
    later = await plivo.calls.reconcile(
        request,
        sent_at=sent,
        settle=0,
        lag=LAG,
        wait=LAG,
        clock=manual_clock,
        sleep=manual_clock.sleep,
    )
    assert later.status == "not_placed", later.note
    assert manual_clock() - start >= LAG  # it waited out the lag on the clock
    await plivo.calls.create_from(request)  # re-sent under the normal rules
    assert lagged.dialled_counts()[number(4)] == 1 and lagged.duplicates() == {}


async def test_a_records_lookup_made_before_the_lag_passed_is_no_evidence_however_late_now(
    plivo: AsyncPlivo,
    lagged: Emulator,
    manual_clock: ManualClock,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The event loop may stall after a lookup (here: the clock jumps past the lag as the
    records page comes back). That page was asked for before the call's record could
    show, so it proves nothing: reconciliation must look again, not call it not placed."""
    request, sent = request_to(8, time_limit=5), utc(manual_clock)
    await ambiguous_create(plivo, lagged, request, "drop_after", new_mark())
    manual_clock.advance(2 + 5 + 1)  # over before the live lookup; not indexed yet
    records = Calls.list

    async def stalling_list(self: Calls, **filters: object) -> object:
        page = await records(self, **filters)
        manual_clock.advance(LAG + 1)
        return page

    monkeypatch.setattr(Calls, "list", stalling_list)  # reconcile's raw view is a Calls too
    result = await plivo.calls.reconcile(
        request,
        sent_at=sent,
        settle=0,
        lag=LAG,
        wait=LAG,
        clock=manual_clock,
        sleep=manual_clock.sleep,
    )
    assert result.status == "found", result.note
    assert result.request_uuid == lagged.calls[0].uuid


async def test_a_lag_longer_than_the_wait_keeps_it_unknown(
    manual_clock: ManualClock, lifecycle: Lifecycle
) -> None:
    async with (
        Emulator(
            seed=3, clock=manual_clock, sleep=manual_clock.sleep, lifecycle=lifecycle, cdr_lag=120
        ) as emu,
        client_for(emu) as plivo,
    ):
        for i, fault in ((5, "drop_before"), (6, "drop_after")):
            request = request_to(i, hangup_on_ring=1)  # the placed one ends at once
            sent = utc(manual_clock)
            await ambiguous_create(plivo, emu, request, fault, new_mark())
            manual_clock.advance(5)
            result = await plivo.calls.reconcile(
                request,
                sent_at=sent,
                settle=0,
                lag=120,
                wait=30,
                clock=manual_clock,
                sleep=manual_clock.sleep,
            )
            assert result.status == "unknown", (fault, result.note)
        assert emu.duplicates() == {} and emu.dialled_counts()[number(6)] == 1


async def test_a_mark_seen_in_a_callback_is_proof(plivo: AsyncPlivo) -> None:
    result = await plivo.calls.reconcile(
        request_to(7), sent_at=datetime.now(timezone.utc), mark="m1", marks={"m1": "req-1"}
    )
    assert result.status == "found" and result.request_uuid == "req-1" and result.lookups == 0


async def test_calls_of_other_rows_are_not_evidence(
    plivo: AsyncPlivo, lagged: Emulator, manual_clock: ManualClock
) -> None:
    request, sent = request_to(8), utc(manual_clock)
    other = await plivo.calls.create_from(request)  # another row, same number and caller
    await ambiguous_create(plivo, lagged, request, "drop_before", new_mark())
    result = await plivo.calls.reconcile(
        request,
        sent_at=sent,
        settle=0,
        exclude={str(other.request_uuid)},
        lag=LAG,
        wait=LAG,
        clock=manual_clock,
        sleep=manual_clock.sleep,
    )
    assert result.status == "not_placed", result.note


async def test_a_failing_lookup_leaves_it_unknown(
    plivo: AsyncPlivo, lagged: Emulator, manual_clock: ManualClock
) -> None:
    lagged.set_faults(rate_5xx=1.0, server_errors=(503,))
    result = await plivo.calls.reconcile(request_to(9), sent_at=utc(manual_clock), settle=0)
    assert result.status == "unknown" and "lookup failed" in result.note


async def test_heavy_faults_every_unknown_resolved_and_nobody_dialled_twice(
    manual_clock: ManualClock,
) -> None:
    life = Lifecycle(queued_s=0.0, ringing_s=2.0, talk_s=20.0)
    rows = 300
    async with (
        Emulator(
            seed=21, clock=manual_clock, sleep=manual_clock.sleep, lifecycle=life, cdr_lag=LAG
        ) as emu,
        client_for(emu) as plivo,
    ):
        emu.set_faults(
            rate_429=0.1, rate_5xx_after=0.1, drop_before=0.1, drop_after=0.1, latency_ms=(0, 2)
        )
        mine: dict[int, str] = {}
        reconciled = resent = found = 0
        for i in range(rows):
            request = request_to(1000 + i, time_limit=1 + i % 7)
            while i not in mine:
                sent = utc(manual_clock)
                try:
                    created = await plivo.calls.create_from(request, mark=new_mark())
                except OutcomeUnknownError:
                    pass
                else:
                    mine[i] = str(created.request_uuid)
                    break
                result = None
                for _ in range(10):  # a lookup may fail under faults: ask again
                    reconciled += 1
                    result = await plivo.calls.reconcile(
                        request,
                        sent_at=sent,
                        settle=0,
                        lag=LAG,
                        wait=LAG,
                        clock=manual_clock,
                        sleep=manual_clock.sleep,
                    )
                    if result.status != "unknown":
                        break
                assert result is not None and result.status != "unknown", result
                if result.status == "found":
                    found += 1
                    mine[i] = str(result.request_uuid)
                else:
                    resent += 1  # not placed: send it again
            manual_clock.advance(0.5)
        emu.clear_faults()
        assert reconciled > 0 and resent > 0 and found > 0
        counts = emu.dialled_counts()
        assert emu.duplicates() == {}
        for i, uuid in mine.items():
            assert counts[number(1000 + i)] == 1
            call = emu.call(uuid)
            assert call is not None and call.to == number(1000 + i)
        assert len(mine) == rows


async def test_pages_of_other_rows_calls_and_older_calls_are_no_evidence(
    plivo: AsyncPlivo, lagged: Emulator, manual_clock: ManualClock
) -> None:
    request = request_to(30)
    others = [str((await plivo.calls.create_from(request)).request_uuid) for _ in range(21)]
    manual_clock.advance(10)  # the others started before this row was sent
    sent = utc(manual_clock).replace(tzinfo=None)  # naive: read as UTC
    await ambiguous_create(plivo, lagged, request, "drop_before", new_mark())
    live = await plivo.calls.reconcile(
        request, sent_at=sent, settle=0, exclude=set(others), lag=LAG, clock=manual_clock
    )
    # queued ids (an empty page, read three times: a short page is the end only if it
    # stays so), two overlapping pages of live ids, the short one twice again and the page
    # after it (all excluded: none looked up), records
    assert live.status == "unknown" and live.lookups == 9
    manual_clock.advance(60)  # the others are over and indexed, but started too early
    result = await plivo.calls.reconcile(
        request,
        sent_at=sent,
        settle=0,
        lag=LAG,
        wait=LAG,
        clock=manual_clock,
        sleep=manual_clock.sleep,
    )
    assert result.status == "not_placed", result.note
    assert lagged.dialled_counts()[number(30)] == 21


async def test_a_bulk_create_is_found_only_when_every_destination_is(
    plivo: AsyncPlivo, lagged: Emulator, manual_clock: ManualClock
) -> None:
    sent = utc(manual_clock)
    await plivo.calls.create_from(request_to(31))  # as if the bulk create placed only one
    both = CreateCallRequest(from_=FROM, to=[number(31), number(32)], answer_url="https://e.com/a")
    result = await plivo.calls.reconcile(both, sent_at=sent, settle=0, lag=LAG, clock=manual_clock)
    assert result.status == "unknown" and len(result.request_uuids) == 1
    assert number(31) in result.note and number(32) in result.note
    with pytest.raises(ValueError, match="lag"):
        await plivo.calls.reconcile(both, sent_at=sent, settle=0, lag=-1)


async def test_a_call_waiting_in_plivos_queue_is_found_there(
    manual_clock: ManualClock, lifecycle: Lifecycle
) -> None:
    async with (
        Emulator(
            seed=4, clock=manual_clock, sleep=manual_clock.sleep, lifecycle=lifecycle, cps=0.5
        ) as emu,
        client_for(emu) as plivo,
    ):
        for i in (40, 41):  # other numbers ahead in the queue: looked at, not ours
            await plivo.calls.create_from(request_to(i))
        request, sent = request_to(42), utc(manual_clock)
        await ambiguous_create(plivo, emu, request, "drop_after", new_mark())
        result = await plivo.calls.reconcile(request, sent_at=sent, settle=0, clock=manual_clock)
        assert result.status == "found" and "queued" in result.note
        assert result.request_uuid == emu.calls[-1].uuid


@pytest.mark.parametrize("settle", [0.0, 5.0])
async def test_a_create_still_being_processed_is_not_called_not_placed(
    plivo: AsyncPlivo,
    lagged: Emulator,
    manual_clock: ManualClock,
    monkeypatch: pytest.MonkeyPatch,
    settle: float,
) -> None:
    """The client died (or gave up) mid-request; the API places the call just after the
    first live lookup (as the records are looked up). Lookups asked before ``settle`` has
    passed prove nothing absent."""
    request, sent = request_to(11), utc(manual_clock)
    await ambiguous_create(plivo, lagged, request, "drop_before", new_mark())
    records = Calls.list
    late: list[str] = []

    async def api_still_processing(self: Calls, **filters: object) -> object:
        page = await records(self, **filters)
        if not late:  # ... and now the API is done with the create
            late.append(str((await plivo.calls.create_from(request)).request_uuid))
        return page

    monkeypatch.setattr(Calls, "list", api_still_processing)
    result = await plivo.calls.reconcile(
        request,
        sent_at=sent,
        settle=settle,
        lag=LAG,
        wait=LAG + settle,
        clock=manual_clock,
        sleep=manual_clock.sleep,
    )
    if settle:
        assert result.status == "found" and result.request_uuid == late[0], result.note
    else:  # what a settle too short for the API does: the call would be dialled again
        assert result.status == "not_placed"


async def test_a_settle_beyond_the_wait_is_unknown_with_when_to_look_again(
    plivo: AsyncPlivo, lagged: Emulator, manual_clock: ManualClock
) -> None:
    request, sent = request_to(12), utc(manual_clock)
    await ambiguous_create(plivo, lagged, request, "drop_before", new_mark())
    result = await plivo.calls.reconcile(
        request, sent_at=sent, settle=30, wait=10, clock=manual_clock, sleep=manual_clock.sleep
    )
    assert result.status == "unknown" and "still have been processing" in result.note
    assert lagged.calls == []
