"""Every attempt that may reach the API is journaled with its moment, before it leaves, and
reconciliation counts from the last one (issue 21 item 3).

Before: the send time and start record were written before a row's *first* request only,
so a create retried after a 429 with ``Retry-After``, a resend after *not placed*, or a
resend cut short by kill -9 was reconciled against the first send: ``settle`` had passed
for a create the API was still processing, and the person was dialled twice.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from aioresponses import aioresponses

from plivo_async import AsyncPlivo
from plivo_async.bulk import Redial
from plivo_async.bulk.dialer import Dialer, Resolved
from plivo_async.emulator import ManualClock
from plivo_async.errors import OutcomeUnknownError
from plivo_async.retry import RetryPolicy
from plivo_async.tracking import CallTracker

from ._resources_helpers import API, AUTH_ID, AUTH_TOKEN

ROW = {"from": "+14155550100", "to": "+14155550101", "answer_url": "https://example.com/a"}
START = 1_700_000_000.0
CREATE = re.compile(re.escape(API) + r"Call/$")


def lines(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text().splitlines()[1:]]


@pytest.fixture
def resolutions(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """The ``sent_at`` of every reconciliation, which answers unknown (nothing else)."""
    seen: list[float] = []

    async def resolve(
        self: Dialer,
        request: Any,
        *,
        mark: Any,
        sent_at: float,
        error: BaseException,
        own: Any = (),
        sleep: Any = None,
    ) -> Resolved:
        seen.append(sent_at)
        unknown = OutcomeUnknownError("still unknown", method="POST", path="", attempts=0)
        return Resolved("unknown", "test", error=unknown)

    monkeypatch.setattr(Dialer, "resolve", resolve)
    return seen


def client(clock: ManualClock) -> AsyncPlivo:
    policy = RetryPolicy(
        max_attempts=3, sleep=clock.sleep, clock=clock, wall_clock=clock, random=lambda: 0.0
    )
    return AsyncPlivo(AUTH_ID, AUTH_TOKEN, retry=policy, rate_limit=None)


async def test_a_retry_after_a_429_is_journaled_and_reconciled_from_its_own_moment(
    tmp_path: Path, resolutions: list[float]
) -> None:
    clock = ManualClock(START)
    journal = tmp_path / "run.jsonl"
    with aioresponses() as m:
        m.post(CREATE, status=429, headers={"Retry-After": "7"}, payload={"error": "slow down"})
        m.post(CREATE, exception=aiohttp.ServerDisconnectedError())
        async with client(clock) as plivo:
            run = plivo.bulk.create_calls([ROW], journal=journal, clock=clock, sleep=clock.sleep)
            [outcome] = await run.collect()
    assert outcome.status == "unknown"
    starts = [r for r in lines(journal) if "s" in r]
    assert [s["t"] for s in starts] == [START, START + 7]
    assert len({s["m"] for s in starts}) == 1  # the same create, the same mark
    assert resolutions == [START + 7]


async def test_a_resume_reconciles_from_the_last_start_record(
    tmp_path: Path, resolutions: list[float]
) -> None:
    """kill -9 just after a resend: its start record is on disk, and it is what counts."""
    clock = ManualClock(START + 100)
    journal = tmp_path / "run.jsonl"
    with aioresponses() as m:
        m.post(CREATE, exception=aiohttp.ServerDisconnectedError())
        async with client(clock) as plivo:
            await plivo.bulk.create_calls(
                [ROW], journal=journal, clock=clock, sleep=clock.sleep
            ).collect()
    text = journal.read_text().splitlines()
    header, start = text[0], json.loads(text[1])
    later = {**start, "t": START + 50}  # the resend's record; then the crash
    journal.write_text("\n".join([header, json.dumps(start), json.dumps(later)]) + "\n")
    resolutions.clear()
    async with client(clock) as plivo:
        [outcome] = await plivo.bulk.create_calls(
            [ROW], journal=journal, clock=clock, sleep=clock.sleep
        ).collect()
    assert outcome.status == "unknown"
    assert resolutions == [START + 50]


async def test_a_resend_after_not_placed_is_reconciled_from_the_resend(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    clock = ManualClock(START)
    seen: list[float] = []

    async def resolve(
        self: Dialer,
        request: Any,
        *,
        mark: Any,
        sent_at: float,
        error: BaseException,
        own: Any = (),
        sleep: Any = None,
    ) -> Resolved:
        seen.append(sent_at)
        clock.advance(40)  # the lookups took their time: lag, settle
        if len(seen) == 1:
            return Resolved("not_placed", "proven")
        unknown = OutcomeUnknownError("still unknown", method="POST", path="", attempts=0)
        return Resolved("unknown", "test", error=unknown)

    monkeypatch.setattr(Dialer, "resolve", resolve)
    journal = tmp_path / "run.jsonl"
    with aioresponses() as m:
        m.post(CREATE, exception=aiohttp.ServerDisconnectedError(), repeat=True)
        async with client(clock) as plivo:
            run = plivo.bulk.create_calls([ROW], journal=journal, clock=clock, sleep=clock.sleep)
            [outcome] = await run.collect()
    assert outcome.status == "unknown"
    assert seen == [START, START + 40]
    assert [r["t"] for r in lines(journal) if "s" in r] == [START, START + 40]


async def test_a_resumed_redial_is_never_reconciled_against_the_rows_earlier_calls(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """kill -9 while a redial was in flight: the row's first call (same number, same caller
    id, maybe inside the time window) is in the journal, and reconciliation is told it is
    not the redial. Before, only this run's in-memory set was excluded: a resume took the
    first call for the redial, and the redial was never made (found by the soak)."""
    clock = ManualClock(START + 100)
    tracked_row = {**ROW, "hangup_url": "https://example.com/hangup"}
    excluded: list[set[str]] = []

    async def resolve(self: Dialer, request: Any, *, own: Any = (), **_: Any) -> Resolved:
        excluded.append(set(own))
        unknown = OutcomeUnknownError("still unknown", method="POST", path="", attempts=0)
        return Resolved("unknown", "test", error=unknown)

    journal = tmp_path / "run.jsonl"
    with aioresponses() as m:
        m.post(CREATE, exception=aiohttp.ServerDisconnectedError())
        async with client(clock) as plivo:
            await plivo.bulk.create_calls(
                [tracked_row], journal=journal, clock=clock, sleep=clock.sleep, reconcile=False
            ).collect()
    header, first = journal.read_text().splitlines()[:2]
    start = json.loads(first)
    ok = {"o": 0, "status": "ok", "h": start["h"], "request_uuid": "r1", "attempts": 1, "ms": 1}
    busy = {"d": 0, "dial": 1, "disposition": "busy", "call_uuid": "c1", "redial": START + 10}
    redial = {**start, "m": "m2", "t": START + 10, "dial": 2}  # in flight at the crash
    records = [json.loads(header), start, ok, busy, redial]
    journal.write_text("".join(json.dumps(r) + "\n" for r in records))
    monkeypatch.setattr(Dialer, "resolve", resolve)
    async with client(clock) as plivo:
        run = plivo.bulk.create_calls(
            [tracked_row],
            journal=journal,
            clock=clock,
            sleep=clock.sleep,
            track=CallTracker(),
            redial=Redial(after=10, attempts=3),
        )
        [outcome] = await run.collect()
    assert outcome.status == "unknown", outcome.error
    assert excluded == [{"r1", "c1"}]
