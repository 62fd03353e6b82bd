"""The bulk engine against the emulator: one outcome per row, stop rules, journal, resume."""

from __future__ import annotations

import asyncio
import json
from collections import Counter
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest

from plivo_async.bulk import (
    JournalInUseError,
    JournalMismatchError,
    MpcActionRow,
    Outcome,
    Summary,
    read_csv,
)
from plivo_async.client import AsyncPlivo
from plivo_async.emulator import Emulator
from plivo_async.errors import AuthenticationError, OutcomeUnknownError, ValidationError
from plivo_async.models.calls import CreateCallRequest
from plivo_async.retry import RetryPolicy

FROM = "+14155550100"
ANSWER = "https://example.com/answer"


def rows(n: int, start: int = 0) -> list[dict[str, str]]:
    return [
        {"from": FROM, "to": f"+1415{2000000 + i}", "answer_url": ANSWER} for i in range(start, n)
    ]


def client_for(emu: Emulator, **kw: Any) -> AsyncPlivo:
    options: dict[str, Any] = {
        "base_url": emu.url,
        "phlo_base_url": emu.phlo_url,
        "rate_limit": None,
        "retry": RetryPolicy(base=0.001, cap=0.005, max_retry_after=0.0),
    }
    options.update(kw)
    return AsyncPlivo(emu.auth_id, emu.auth_token, **options)


def journal_records(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text().splitlines()[1:]]


def gen(n: int) -> Iterator[dict[str, str]]:
    yield from rows(n)


async def agen(n: int) -> AsyncIterator[dict[str, str]]:
    for row in rows(n):
        await asyncio.sleep(0)
        yield row


@pytest.mark.parametrize(
    "source", ["list", "generator", "async generator", "empty"], ids=lambda s: s.replace(" ", "-")
)
async def test_exactly_one_outcome_per_row(source: str, plivo_emulator: Emulator) -> None:
    n = 0 if source == "empty" else 150
    inputs: Any = {"list": rows(n), "generator": gen(n), "async generator": agen(n), "empty": []}
    async with client_for(plivo_emulator, max_concurrency=8) as client:
        run = client.bulk.create_calls(inputs[source])
        outcomes = await run.collect()
    assert sorted(o.index for o in outcomes) == list(range(n))
    assert all(o.ok and o.attempts == 1 for o in outcomes)
    for outcome in outcomes:  # each outcome maps back to its own row
        assert outcome.request.to == f"+1415{2000000 + outcome.index}"
        assert outcome.response.request_uuid
    assert run.summary.rows == run.summary.ok == run.summary.placed == n
    assert len(plivo_emulator.history.calls) == n


async def test_invalid_rows_get_an_outcome_and_no_request(plivo_emulator: Emulator) -> None:
    data: list[Any] = rows(6)
    data[1] = {**data[1], "caller_name": "x" * 51}
    data[3] = {"from": FROM, "answer_url": ANSWER}  # no 'to'
    data[4] = {**data[4], "colour": "blue"}
    data[5] = CreateCallRequest(from_=FROM, to="+14153333333", answer_url=ANSWER)
    data.append(42)  # not a row at all
    async with client_for(plivo_emulator) as client:
        outcomes = {o.index: o for o in await client.bulk.create_calls(data).collect()}
    assert [outcomes[i].status for i in range(7)] == [
        "ok",
        "invalid",
        "ok",
        "invalid",
        "invalid",
        "ok",
        "invalid",
    ]
    assert outcomes[6].error.field == "row"  # type: ignore[union-attr]
    fields = [outcomes[i].error.field for i in (1, 3, 4)]  # type: ignore[union-attr]
    assert fields == ["caller_name", "to", "colour"]
    assert outcomes[1].request == data[1]  # the raw row, since no model could be built
    dialled = set(plivo_emulator.dialled_counts())
    assert dialled == {data[0]["to"], data[2]["to"], "+14153333333"}


async def test_in_flight_rows_are_bounded(plivo_emulator: Emulator) -> None:
    plivo_emulator.set_faults(latency_ms=2.0)
    peak = 0

    def watch(summary: Summary) -> None:
        nonlocal peak
        peak = max(peak, len(asyncio.all_tasks()))

    async with client_for(plivo_emulator) as client:
        before = len(asyncio.all_tasks())
        run = client.bulk.create_calls(gen(300), concurrency=5, progress=watch)
        assert len(await run.collect()) == 300
    # the engine never holds more than `concurrency` row tasks (plus its feeder);
    # the emulator's tasks live in the same loop: per request in flight, its handler and
    # the shielded processing (a request fully received is processed even if abandoned)
    assert peak - before <= 1 + 5 + 2 * 5 + 5


async def test_authentication_error_stops_the_run_at_once(plivo_emulator: Emulator) -> None:
    async with AsyncPlivo(
        plivo_emulator.auth_id,
        "wrong-token",
        base_url=plivo_emulator.url,
        rate_limit=None,
        retry=RetryPolicy.never(),
    ) as client:
        run = client.bulk.create_calls(gen(10_000), concurrency=4)
        outcomes = await run.collect()
    assert 1 <= len(outcomes) <= 8
    assert all(isinstance(o.error, AuthenticationError) for o in outcomes)
    assert run.summary.stopped is not None and "authentication" in run.summary.stopped
    assert len(plivo_emulator.history.requests) == len(outcomes)


async def test_stop_after_failures(plivo_emulator: Emulator) -> None:
    async with client_for(plivo_emulator) as client:
        missing = (f"no-such-call-{i}" for i in range(1000))
        run = client.bulk.run(missing, client.calls.get, concurrency=2, stop_after_failures=3)
        outcomes = await run.collect()
    assert 3 <= len(outcomes) <= 5  # the third failure stops feeding; in-flight rows finish
    assert all(o.status == "failed" for o in outcomes)
    assert run.summary.stopped == "3 failure(s)"


async def test_mpc_actions_in_bulk(plivo_emulator: Emulator) -> None:
    actions = ["call", "warm_transfer", "cold_transfer"]
    data: list[Any] = [
        {"action": actions[i % 3], "to": f"+1415{3000000 + i}", "trigger_source": FROM}
        for i in range(12)
    ]
    data.append({"action": "call", "to": "+14159999999", "trigger_source": FROM, "node_id": ""})
    async with client_for(plivo_emulator) as client:
        run = client.bulk.mpc_actions(data, defaults={"phlo_id": "p1", "node_id": "n1"})
        outcomes = {o.index: o for o in await run.collect()}
    assert all(outcomes[i].ok for i in range(12))
    assert isinstance(outcomes[0].request, MpcActionRow)
    assert outcomes[12].status == "invalid" and outcomes[12].error.field == "node_id"  # type: ignore[union-attr]
    assert len(plivo_emulator.history.calls) == 12
    assert run.summary.placed == 12


async def test_generic_run_for_any_awaitable(plivo_emulator: Emulator) -> None:
    async with client_for(plivo_emulator) as client:
        created = await client.calls.create(from_=FROM, to="+14154444444", answer_url=ANSWER)
        uuid = str(created.request_uuid)
        run = client.bulk.run([uuid, uuid, "no-such-call"], client.calls.get)
        outcomes = sorted(await run.collect(), key=lambda o: o.index)
    assert [o.status for o in outcomes] == ["ok", "ok", "failed"]
    assert outcomes[0].response.call_uuid == uuid
    assert run.summary.failed == Counter({"ResourceNotFoundError": 1})


async def test_journal_resume_skips_done_rows_and_reports_unknown(
    plivo_emulator: Emulator, tmp_path: Path
) -> None:
    journal = tmp_path / "run.jsonl"
    plivo_emulator.set_faults(schedule=["ok", "drop_after", "ok", "500_after"], paths="calls")
    async with client_for(plivo_emulator, max_concurrency=1) as client:
        # reconcile=False: this is the journal's own account of unknown rows
        run = client.bulk.create_calls(rows(20), journal=journal, reconcile=False)
        first = await run.collect()
        assert Counter(o.status for o in first) == {"ok": 18, "unknown": 2}
        assert all(isinstance(o.error, OutcomeUnknownError) for o in first if not o.ok)
        again = client.bulk.create_calls(rows(25), journal=journal, reconcile=False)
        second = await again.collect()
    # the 20 finished rows (unknown ones included) are skipped; only 5 new rows are sent
    assert sorted(o.index for o in second) == list(range(20, 25))
    assert again.summary.skipped == 20
    assert not plivo_emulator.duplicates()
    assert len(plivo_emulator.history.calls) == 25  # 18 ok + 2 placed-but-unknown + 5 new
    finals = Counter(r["o"] for r in journal_records(journal) if "o" in r)
    assert set(finals) == set(range(25)) and set(finals.values()) == {1}


async def test_retry_unknown_resends_unknown_rows_on_request(
    plivo_emulator: Emulator, tmp_path: Path
) -> None:
    journal = tmp_path / "run.jsonl"
    plivo_emulator.set_faults(schedule=["drop_after"], paths="calls")
    async with client_for(plivo_emulator, max_concurrency=1) as client:
        await client.bulk.create_calls(rows(3), journal=journal, reconcile=False).wait()
        resend = client.bulk.create_calls(
            rows(3), journal=journal, retry_unknown=True, reconcile=False
        )
        outcomes = await resend.collect()
    assert [o.index for o in outcomes] == [0]
    assert plivo_emulator.duplicates() == {rows(1)[0]["to"]: 2}  # the user asked for it


async def test_a_sent_row_that_differs_is_refused_naming_the_row_and_fields(
    plivo_emulator: Emulator, tmp_path: Path
) -> None:
    journal = tmp_path / "run.jsonl"
    async with client_for(plivo_emulator) as client:
        await client.bulk.create_calls(rows(5), journal=journal, input_id="a").wait()
        # a new label alone (the CLI's file digest after rows were appended) is no reason
        # to refuse: the rows are what is checked
        again = client.bulk.create_calls(rows(5), journal=journal, input_id="b")
        assert await again.collect() == [] and again.summary.skipped == 5
        other = rows(5)
        other[2]["to"] = "+14157777777"
        with pytest.raises(JournalMismatchError, match=r"row 2 .* fields to differ"):
            await client.bulk.create_calls(other, journal=journal).wait()
        with pytest.raises(JournalMismatchError, match="'calls'"):
            await client.bulk.mpc_actions([], journal=journal).wait()
    assert len(plivo_emulator.history.calls) == 5


async def test_cancellation_leaves_a_journal_that_resumes(
    plivo_emulator: Emulator, tmp_path: Path
) -> None:
    journal = tmp_path / "run.jsonl"
    plivo_emulator.set_faults(latency_ms=20.0)
    seen: list[Outcome] = []
    async with client_for(plivo_emulator) as client:
        run = client.bulk.create_calls(rows(400), journal=journal, concurrency=16, grace_period=0)

        async def consume() -> None:
            async for outcome in run:
                seen.append(outcome)
                if len(seen) == 40:
                    task.cancel()

        task = asyncio.create_task(consume())
        with pytest.raises(asyncio.CancelledError):
            await task
        assert run.summary.stopped == "cancelled"
        interrupted = run.summary.unknown + run.summary.cancelled
        assert interrupted > 0  # some rows were in flight when we cancelled
        plivo_emulator.clear_faults()
        # this emulator indexes at once and places a create within its 20 ms latency
        resumed = client.bulk.create_calls(
            rows(400), journal=journal, reconcile_lag=0.0, reconcile_settle=0.5
        )
        rest = await resumed.collect()
    assert not plivo_emulator.duplicates()
    assert len(plivo_emulator.dialled_counts()) == 400  # the unknown ones reconciled, resent
    last: dict[int, str] = {}
    for record in journal_records(journal):
        if "o" in record:
            last[record["o"]] = record["status"]
    assert set(last) == set(range(400)) and set(last.values()) == {"ok"}
    # rows left unknown by the cancel are reconciled by the resume, not skipped
    unknown = run.summary.unknown
    assert resumed.summary.skipped == run.summary.rows - run.summary.cancelled - unknown
    assert sum(resumed.summary.reconciled.values()) == unknown
    # outcomes that landed during the shutdown are journaled and counted, not yielded
    assert len(seen) <= run.summary.rows
    assert run.summary.rows - run.summary.cancelled - unknown + len(rest) == 400


def test_read_csv_streams_rows_and_drops_empty_cells(tmp_path: Path) -> None:
    path = tmp_path / "rows.csv"
    path.write_text("to,caller_name, time_limit\n+14155550101,Ann,\n+14155550102,,60\n")
    assert list(read_csv(path)) == [
        {"to": "+14155550101", "caller_name": "Ann"},
        {"to": "+14155550102", "time_limit": "60"},
    ]


def test_summary_percentiles_and_rendering() -> None:
    summary = Summary()
    request = CreateCallRequest(from_=FROM, to="+14155550101<+14155550102", answer_url=ANSWER)
    for ms in range(1, 101):
        summary.add(
            Outcome(ms, request, response=object(), attempts=1 + (ms % 10 == 0), elapsed=ms / 1000)
        )
    summary.add(Outcome(0, {}, error=ValidationError.invalid("to", "is required")))
    assert summary.ok == 100 and summary.placed == 200 and summary.invalid == 1
    assert summary.retries == 10
    assert summary.p50 == pytest.approx(0.050, rel=0.03)
    assert summary.p95 == pytest.approx(0.095, rel=0.03)
    text = summary.render()
    assert "placed 200 (100 ok)" in text and "invalid 1" in text and "unknown" not in text


def test_a_row_whose_redial_is_due_is_counted_not_done() -> None:
    """A redial the API refused (or the run stopped before) leaves the row ok with its last
    disposition: the summary must still say a resume has work (before, it said nothing)."""
    summary = Summary()
    request = CreateCallRequest(from_=FROM, to="+14155550101", answer_url=ANSWER)
    summary.add(Outcome(0, request, response=object(), disposition="busy", redial_at=1.0e9))
    summary.add(Outcome(1, request, response=object(), disposition="answered"))
    assert summary.ok == 2 and summary.redials_due == 1
    assert summary.as_dict()["redials_due"] == 1
    assert "redials due 1 (not made yet: a resume makes them)" in summary.render()


async def test_leaving_async_with_after_break_ends_the_run_and_resume_is_clean(
    plivo_emulator: Emulator, tmp_path: Path
) -> None:
    journal = tmp_path / "run.jsonl"
    plivo_emulator.set_faults(latency_ms=10.0)
    async with client_for(plivo_emulator) as client:
        async with client.bulk.create_calls(rows(300), journal=journal, concurrency=16) as run:
            async for outcome in run:
                if run.summary.rows >= 20 and outcome.ok:
                    break
        assert run.summary.stopped == "cancelled"
        placed_at_exit = len(plivo_emulator.history.calls)
        resumed = await client.bulk.create_calls(rows(300), journal=journal).collect()
    assert not plivo_emulator.duplicates()
    assert len(plivo_emulator.dialled_counts()) == 300
    assert len(resumed) == 300 - (run.summary.rows - run.summary.cancelled)
    assert placed_at_exit < 300  # the first run really stopped


async def test_two_runs_cannot_share_a_journal(plivo_emulator: Emulator, tmp_path: Path) -> None:
    journal = tmp_path / "run.jsonl"
    async with client_for(plivo_emulator) as client:
        async with client.bulk.create_calls(rows(50), journal=journal) as first:
            await anext(aiter(first))
            with pytest.raises(JournalInUseError):
                await client.bulk.create_calls(rows(50), journal=journal).wait()
        await client.bulk.create_calls(rows(50), journal=journal).wait()  # free again
    assert not plivo_emulator.duplicates()


async def test_rows_waiting_for_a_cps_permit_are_cancelled_not_unknown(
    plivo_emulator: Emulator, tmp_path: Path
) -> None:
    journal = tmp_path / "run.jsonl"
    client = client_for(plivo_emulator, calls_per_second=2)
    run = client.bulk.create_calls(rows(10), journal=journal, concurrency=10, grace_period=0)
    async with client, run:
        await anext(aiter(run))
    statuses = Counter(r["status"] for r in journal_records(journal) if "o" in r)
    started = {r["s"] for r in journal_records(journal) if "s" in r}
    # Paced at 2 per second: the first call goes at once, the rest wait for their slot.
    assert len(started) == len(plivo_emulator.history.calls) >= 1
    assert statuses["cancelled"] == 10 - len(started) and statuses["unknown"] == 0
