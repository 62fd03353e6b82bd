"""Bulk runs with reconciliation on (the default): heavy faults end with 0 unknown rows.

The emulator injects the fault suite's mix (429, 503, 5xx after placing the call,
connections dropped before and after) and keeps an indexing lag (``cdr_lag``) between a
call's end and its record. Emulator and bulk run share a :class:`ManualClock`: the
reconciliation's wait for the lag to pass moves the clock instead of taking wall time.

Each row's final status is checked against the emulator's own records: a row ``ok``
names the one call the emulator placed for its number; a row that was resent after
*not placed* was dialled exactly once in all; nobody was dialled twice.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

from plivo_async import AsyncPlivo, OutcomeUnknownError
from plivo_async.bulk import Outcome
from plivo_async.emulator import Emulator, FaultConfig, Lifecycle, ManualClock

from .conftest import ANSWER_URL, FROM, client_for, fast_retry, number
from .test_fault_suite import AMBIGUOUS, PROCESSED_THEN_FAILED, fault_schedule

ROWS = 2_000
LAG = 30.0


def rows(n: int = ROWS, base: int = 0) -> list[dict[str, Any]]:
    return [{"from": FROM, "to": number(base + i), "answer_url": ANSWER_URL} for i in range(n)]


def faulty(clock: ManualClock, *, cdr_lag: float = LAG, seed: int = 2024) -> Emulator:
    config = FaultConfig(schedule=fault_schedule(3 * ROWS, seed=seed), retry_after=0, paths="calls")
    life = Lifecycle(ringing_s=2.0, talk_s=20.0)
    return Emulator(
        faults=config, seed=11, clock=clock, sleep=clock.sleep, cdr_lag=cdr_lag, lifecycle=life
    )


def client(emu: Emulator) -> AsyncPlivo:
    return client_for(emu, max_concurrency=64, retry=fast_retry(max_attempts=6))


def check_against_the_emulator(emu: Emulator, outcomes: list[Outcome], n: int) -> None:
    """Exactly one outcome per row; what each row says agrees with what was dialled."""
    assert sorted(o.index for o in outcomes) == list(range(n))
    assert emu.duplicates() == {}
    dialled = emu.dialled_counts()
    assert max(dialled.values()) == 1
    for outcome in outcomes:
        to = outcome.request.to
        if outcome.ok:
            placed = [c for c in emu.history.calls if c.to == to]
            assert len(placed) == 1, to
            assert outcome.response.request_uuid == placed[0].uuid, outcome
        else:
            assert outcome.status == "unknown"


async def test_heavy_faults_with_reconciliation_end_with_no_unknown_and_no_duplicate(
    tmp_path: Path,
) -> None:
    clock = ManualClock()
    async with faulty(clock) as emu, client(emu) as plivo:
        run = plivo.bulk.create_calls(
            rows(),
            journal=tmp_path / "run.jsonl",
            reconcile_lag=LAG,
            clock=clock,
            sleep=clock.sleep,
            progress=False,
        )
        outcomes = await run.collect()
    summary = run.summary
    faults = Counter(r.fault or "ok" for r in emu.history.requests)
    assert all(faults[name] > 0 for name in AMBIGUOUS)  # the mix really happened

    assert summary.unknown == 0 and summary.ok == ROWS
    check_against_the_emulator(emu, outcomes, ROWS)
    # Every ambiguous create was reconciled: a placed call found, the rest proven not
    # placed and resent (each exactly once, checked above).
    reconciled = summary.reconciled
    ambiguous = sum(faults[name] for name in AMBIGUOUS)
    assert sum(reconciled.values()) == ambiguous
    placed_then_failed = sum(faults[name] for name in PROCESSED_THEN_FAILED)
    assert reconciled["found"] == placed_then_failed
    assert reconciled["not_placed"] == ambiguous - placed_then_failed
    found = [o for o in outcomes if o.reconciled == "found"]
    assert len(found) == placed_then_failed
    assert all(o.response.message == "found by reconciliation" for o in found)
    resent = [o for o in outcomes if o.reconciled == "not_placed"]
    assert all(o.ok for o in resent)
    # The lookups went through the client and are counted apart from the creates.
    assert summary.lookups >= 2 * ambiguous
    lookups = [r for r in emu.history.requests if r.method == "GET"]
    assert len(lookups) == summary.lookups
    assert summary.attempts == len(emu.history.requests) - len(lookups)


async def test_an_indexing_lag_beyond_the_wait_leaves_rows_unknown_and_nobody_twice() -> None:
    clock = ManualClock()
    # The lag is known (reconcile_lag = the API's), but the run may not wait for it.
    async with faulty(clock, cdr_lag=600.0, seed=7) as emu, client(emu) as plivo:
        run = plivo.bulk.create_calls(
            rows(400),
            reconcile_lag=600.0,
            reconcile_wait=5.0,
            clock=clock,
            sleep=clock.sleep,
            progress=False,
        )
        outcomes = await run.collect()
    check_against_the_emulator(emu, outcomes, 400)
    unknown = [o for o in outcomes if o.status == "unknown"]
    assert unknown and run.summary.reconciled["unknown"] == len(unknown)
    dialled = emu.dialled_counts()
    for outcome in unknown:
        assert isinstance(outcome.error, OutcomeUnknownError)
        assert "reconciliation" in str(outcome.error) and "look again after" in str(outcome.error)
        assert dialled.get(outcome.request.to, 0) <= 1
    # The placed ones still live when looked up were found.
    assert run.summary.reconciled["found"] > 0


async def test_a_resume_reconciles_the_rows_an_earlier_run_left_unknown(tmp_path: Path) -> None:
    clock = ManualClock()
    journal = tmp_path / "run.jsonl"
    async with faulty(clock, seed=5) as emu, client(emu) as plivo:
        first = plivo.bulk.create_calls(
            rows(300), journal=journal, reconcile=False, clock=clock, sleep=clock.sleep
        )
        await first.wait()
        assert first.summary.unknown > 0
        before = emu.dialled_counts()
        emu.clear_faults()
        second = plivo.bulk.create_calls(
            rows(300), journal=journal, reconcile_lag=LAG, clock=clock, sleep=clock.sleep
        )
        resumed = await second.collect()
    assert len(resumed) == first.summary.unknown  # only the unknown rows are looked at
    assert second.summary.skipped == 300 - first.summary.unknown
    assert second.summary.unknown == 0
    assert sum(second.summary.reconciled.values()) == first.summary.unknown
    assert emu.duplicates() == {}
    dialled = emu.dialled_counts()
    assert len(dialled) == 300 and max(dialled.values()) == 1
    for outcome in resumed:
        if outcome.reconciled == "found":
            assert before[outcome.request.to] == 1  # placed by the first run, found now
        else:
            assert outcome.reconciled == "not_placed" and outcome.request.to not in before
        placed = [c for c in emu.history.calls if c.to == outcome.request.to]
        assert outcome.response.request_uuid == placed[0].uuid
