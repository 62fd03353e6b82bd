"""The fault suite: 2,000 calls through the bulk engine against a misbehaving API.

The emulator answers ~10% of creates with 429 (``Retry-After: 0``), ~5% with 503, ~3%
with a 500/502/504 *after* placing the call, drops ~2% of connections before and ~1%
after placing the call, and adds 0-5 ms of latency to every create. The faults come from
a seeded schedule (one entry per request as it arrives), so each run sees the same mix.

What must hold (guarded run):

* every row ends in exactly one outcome, and nobody is dialled twice;
* 429 and 503 are retried (the API certainly did nothing);
* a 5xx after processing and a dropped connection are *ambiguous* for a create: the row
  ends as ``unknown`` (:class:`OutcomeUnknownError`) after that one attempt, never
  retried. That includes ``drop_before``: the emulator reads the whole request before it
  drops the connection, so the client cannot tell it from ``drop_after`` and must not
  guess. For every processed-then-failed request the emulator recorded, the row with
  that destination is unknown and its destination was dialled exactly once.

Then the same input with ``retry_unsafe=True``: ambiguous failures are retried, and the
emulator's records show the people who were dialled twice: the guard is what prevents it.
"""

from __future__ import annotations

import random
import time
from collections import Counter
from collections.abc import Callable
from typing import Any

from plivo_async import (
    Outcome,
    OutcomeUnknownError,
    PlivoConnectionError,
    PlivoServerError,
    RateLimitError,
    Summary,
)
from plivo_async.emulator import Emulator, FaultConfig

from .conftest import ANSWER_URL, FROM, client_for, fast_retry, number

ROWS = 2_000
CONCURRENCY = 64
MAX_ATTEMPTS = 6
#: Fault mix per request: name -> probability (the rest are clean).
MIX = {
    "429": 0.10,
    "503": 0.05,
    "500_after": 0.01,
    "502_after": 0.01,
    "504_after": 0.01,
    "drop_before": 0.02,
    "drop_after": 0.01,
}
SAFE = frozenset({"429", "503"})
PROCESSED_THEN_FAILED = frozenset({"500_after", "502_after", "504_after", "drop_after"})
AMBIGUOUS = PROCESSED_THEN_FAILED | {"drop_before"}


def fault_schedule(length: int, seed: int) -> list[str | None]:
    """One fault (or None) per faultable request, drawn from :data:`MIX`."""
    rng = random.Random(seed)
    names, weights = list(MIX), list(MIX.values())
    names.append("ok")
    weights.append(1.0 - sum(weights))
    return [None if f == "ok" else f for f in rng.choices(names, weights, k=length)]


def faulty_emulator() -> Emulator:
    # Retries add ~20% requests; past the schedule's end no fault would be injected, so
    # make it long enough for any plausible run (checked after the run).
    config = FaultConfig(
        schedule=fault_schedule(3 * ROWS, seed=2024),
        latency_ms=(0.0, 5.0),
        retry_after=0,
        paths="calls",
    )
    return Emulator(faults=config, seed=11)


def rows() -> list[dict[str, Any]]:
    return [{"from": FROM, "to": number(i), "answer_url": ANSWER_URL} for i in range(ROWS)]


async def run_bulk(emu: Emulator, *, retry_unsafe: bool) -> tuple[list[Outcome], Summary, float]:
    async with client_for(
        emu, max_concurrency=CONCURRENCY, retry=fast_retry(max_attempts=MAX_ATTEMPTS)
    ) as client:
        started = time.perf_counter()
        # reconcile=False: this suite is about the retry guard alone (see test_reconciled_runs)
        run = client.bulk.create_calls(
            rows(), retry_unsafe=retry_unsafe, progress=False, reconcile=False
        )
        outcomes = await run.collect()
        wall = time.perf_counter() - started
    return outcomes, run.summary, wall


def check_accounting(emu: Emulator, outcomes: list[Outcome], summary: Summary) -> Counter[str]:
    """Identities that hold for any retry policy; returns the faults injected."""
    # Exactly one outcome per row.
    assert len(outcomes) == ROWS
    assert sorted(o.index for o in outcomes) == list(range(ROWS))
    assert summary.rows == ROWS
    assert summary.invalid == summary.cancelled == summary.skipped == 0
    # A row the API answered "not now" (429/503) on every attempt placed nothing: not_sent.
    assert summary.ok + summary.unknown + sum(summary.failed.values()) + summary.not_sent == ROWS
    for outcome in outcomes:
        if outcome.status == "not_sent":
            assert emu.dialled_counts()[outcome.request.to] == 0

    requests = emu.history.requests
    faults = Counter(r.fault or "ok" for r in requests)
    # The schedule was long enough: every request got its fault from it.
    assert len(requests) < 3 * ROWS
    # Every attempt the client counted reached the emulator, and nothing else did.
    assert summary.attempts == len(requests) == sum(o.attempts for o in outcomes)
    assert summary.retries == len(requests) - ROWS
    # Each clean request is the last attempt of exactly one row that ended ok.
    assert summary.ok == faults["ok"]
    assert all(r.status == 201 for r in requests if r.fault is None)

    # The emulator dialled each destination once per processed request (clean or
    # processed-then-failed) and never otherwise.
    after: Counter[str] = Counter()
    for r in requests:
        if r.fault in PROCESSED_THEN_FAILED:
            assert r.body is not None
            after[r.body["to"]] += 1
    dialled = emu.dialled_counts()
    for outcome in outcomes:
        to = outcome.request.to
        assert dialled[to] == after[to] + (1 if outcome.ok else 0), to
        if outcome.ok:
            # The uuid the user got is the call the emulator placed last for that number.
            last = [c for c in emu.history.calls if c.to == to][-1]
            assert outcome.response.request_uuid == last.uuid
    assert len(emu.history.calls) == faults["ok"] + sum(after.values())
    return faults


def report(label: str, summary: Summary, faults: Counter[str], emu: Emulator, wall: float) -> str:
    duplicates = emu.duplicates()
    extra = sum(n - 1 for n in duplicates.values())
    line = (
        f"[fault suite, {label}] rows={summary.rows} requests={summary.attempts} "
        f"retries={summary.retries} ok={summary.ok} unknown={summary.unknown} "
        f"failed={dict(summary.failed)} duplicates={len(duplicates)} (extra calls {extra}) "
        f"wall={wall:.2f}s faults={dict(sorted(faults.items()))}"
    )
    print(line)
    return line


async def test_fault_suite_nobody_is_dialled_twice(
    record_property: Callable[[str, object], None],
) -> None:
    async with faulty_emulator() as emu:
        outcomes, summary, wall = await run_bulk(emu, retry_unsafe=False)
        faults = check_accounting(emu, outcomes, summary)
        record_property("guarded", report("guarded", summary, faults, emu, wall))

        # The mix really happened (the schedule is seeded: these are not luck).
        assert faults["429"] > 100 and faults["503"] > 50
        assert all(faults[name] > 0 for name in AMBIGUOUS)

        # Nobody dialled twice.
        assert emu.duplicates() == {}
        assert max(emu.dialled_counts().values()) == 1

        by_to = {o.request.to: o for o in outcomes}
        unknown = [o for o in outcomes if o.status == "unknown"]
        # Each ambiguous fault ended its row there and then: one unknown per such request.
        assert len(unknown) == summary.unknown == sum(faults[name] for name in AMBIGUOUS)
        for outcome in unknown:
            assert isinstance(outcome.error, OutcomeUnknownError)
            assert outcome.error.attempts == outcome.attempts
            cause = outcome.error.__cause__
            assert isinstance(cause, (PlivoServerError, PlivoConnectionError))
            if isinstance(cause, PlivoServerError):
                assert cause.status in (500, 502, 504)
            else:
                assert cause.sent  # a reset after sending: ambiguous, not "safe"

        # Cross-check from the emulator's side: every request it processed and then failed
        # (5xx after, dropped after) is an unknown row whose callee was dialled once.
        processed_then_failed = [
            r for r in emu.history.requests if r.fault in PROCESSED_THEN_FAILED
        ]
        assert processed_then_failed
        dialled = emu.dialled_counts()
        for rec in processed_then_failed:
            assert rec.body is not None
            outcome = by_to[rec.body["to"]]
            assert outcome.status == "unknown", rec
            assert dialled[rec.body["to"]] == 1
            cause = outcome.error.__cause__ if outcome.error else None
            if rec.fault == "drop_after":
                assert isinstance(cause, PlivoConnectionError)
            else:
                assert isinstance(cause, PlivoServerError) and cause.status == rec.status
        # ... and the other unknown rows are the dropped-before ones: nobody was dialled.
        not_placed = [o for o in unknown if dialled[o.request.to] == 0]
        assert len(not_placed) == faults["drop_before"]
        assert len(unknown) == len(not_placed) + len(processed_then_failed)

        # 429/503 are retried: every safe fault led to a retry, except on rows that ran
        # out of attempts (which then failed with that error).
        failed = [o for o in outcomes if o.status == "failed"]
        assert faults["429"] + faults["503"] == summary.retries + len(failed)
        for outcome in failed:
            assert isinstance(outcome.error, (RateLimitError, PlivoServerError))
            assert outcome.attempts == MAX_ATTEMPTS
        retried = [o for o in outcomes if o.attempts > 1]
        assert len(retried) > 150
        assert sum(o.ok for o in retried) / len(retried) > 0.9


async def test_fault_suite_with_retry_unsafe_dials_people_twice(
    record_property: Callable[[str, object], None],
) -> None:
    """The control experiment: without the guard, the same faults make duplicate calls."""
    async with faulty_emulator() as emu:
        outcomes, summary, wall = await run_bulk(emu, retry_unsafe=True)
        faults = check_accounting(emu, outcomes, summary)
        record_property("retry_unsafe", report("retry_unsafe", summary, faults, emu, wall))

        duplicates = emu.duplicates()
        assert len(duplicates) > 0, "retrying ambiguous creates must show duplicate calls"
        # Each duplicate is a processed-then-failed request that was sent again.
        after_targets = {
            r.body["to"]
            for r in emu.history.requests
            if r.fault in PROCESSED_THEN_FAILED and r.body is not None
        }
        assert set(duplicates) <= after_targets
        assert len(duplicates) >= 0.8 * len(after_targets)
        # Ambiguous failures were retried, so almost every row now "succeeds"...
        assert summary.ok > 0.99 * ROWS
        assert summary.unknown < sum(faults[name] for name in AMBIGUOUS)
        # (every fault led to a retry, except on the rows that ended on one)
        ended_on_fault = summary.unknown + sum(summary.failed.values()) + summary.not_sent
        all_faults = sum(n for name, n in faults.items() if name != "ok")
        assert summary.retries == all_faults - ended_on_fault
        # ... and the rows reported ok after a processed-then-failed attempt are exactly
        # the people who were called twice (or more): "ok" hides a duplicate.
        dialled = emu.dialled_counts()
        ok_after_ambiguity = {
            o.request.to for o in outcomes if o.ok and o.request.to in after_targets
        }
        assert ok_after_ambiguity
        assert all(dialled[to] >= 2 for to in ok_after_ambiguity)
        assert ok_after_ambiguity <= set(duplicates)
