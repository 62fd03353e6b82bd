"""Bulk runs against the emulator at the edges of "nobody dialled twice, no row lost":
a wrong token, Ctrl-C while rows wait for CPS permits, a rerun after fixing a mistake,
an input that grew, and the report of a run that was resumed."""

from __future__ import annotations

import asyncio
import csv
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from plivo_async.bulk import JournalMismatchError
from plivo_async.emulator import Emulator, FaultConfig
from plivo_async.errors import AuthenticationError, RateLimitError

from .conftest import ANSWER_URL, FROM, client_for, fast_retry, number


def rows(n: int, start: int = 0, **extra: str) -> list[dict[str, str]]:
    return [{"to": number(i), **extra} for i in range(start, n)]


DEFAULTS = {"from": FROM, "answer_url": ANSWER_URL}


async def test_a_wrong_token_marks_nothing_done_and_the_fixed_rerun_dials_everyone_once(
    tmp_path: Path,
) -> None:
    journal = tmp_path / "run.jsonl"
    async with Emulator() as emu:
        async with client_for(emu, auth_token="wrong-token") as client:
            run = client.bulk.create_calls(
                rows(60), defaults=DEFAULTS, journal=journal, concurrency=8
            )
            outcomes = await run.collect()
        assert outcomes and all(isinstance(o.error, AuthenticationError) for o in outcomes)
        assert {o.status for o in outcomes} == {"not_sent"}
        # the rows stopped by the 401 and those the run never came to: not sent, all 60
        assert run.summary.not_sent == run.summary.rows == 60 and run.summary.stopped
        assert not emu.history.calls
        async with client_for(emu) as client:
            resumed = client.bulk.create_calls(rows(60), defaults=DEFAULTS, journal=journal)
            await resumed.wait()
        assert resumed.summary.skipped == 0 and resumed.summary.ok == 60
        assert emu.dialled_counts() == Counter({number(i): 1 for i in range(60)})


async def test_rows_the_api_said_not_now_to_are_not_sent_and_a_plain_rerun_sends_them(
    tmp_path: Path,
) -> None:
    """A 429 (or 503) to every attempt placed nothing and is final about nothing: the row is
    ``not_sent``, and the rerun sends it without being asked (issue 21 item 6)."""
    journal = tmp_path / "run.jsonl"
    config = FaultConfig(schedule=["429", None, "429"], retry_after=0, paths="calls")
    async with Emulator(faults=config) as emu:
        async with client_for(emu, retry=fast_retry(max_attempts=1), max_concurrency=1) as client:
            first = await client.bulk.create_calls(
                rows(5), defaults=DEFAULTS, journal=journal
            ).collect()
            not_sent = sorted(o.index for o in first if o.status == "not_sent")
            assert not_sent == [0, 2]
            assert all(isinstance(o.error, RateLimitError) for o in first if not o.ok)
            again = client.bulk.create_calls(rows(5), defaults=DEFAULTS, journal=journal)
            resent = await again.collect()
            assert again.summary.skipped == 3
        assert sorted(o.index for o in resent) == [0, 2] and all(o.ok for o in resent)
        assert emu.dialled_counts() == Counter({number(i): 1 for i in range(5)})


async def test_ctrl_c_cancels_rows_waiting_for_a_cps_permit_at_once(tmp_path: Path) -> None:
    """At CPS 10 and concurrency 64, the calls placed after the signal are at most the
    requests on the wire at that moment (the emulator holds every request it gets)."""
    gate = asyncio.Event()
    arrived = asyncio.Event()
    held = 0

    async def hold(seconds: float) -> None:
        nonlocal held
        held += 1
        if held == 5:
            arrived.set()
        await gate.wait()

    journal = tmp_path / "run.jsonl"
    faults = FaultConfig(latency_ms=1.0, paths="calls")
    async with Emulator(faults=faults, sleep=hold) as emu:
        client = client_for(emu, calls_per_second=10, max_concurrency=64)
        async with client:
            run = client.bulk.create_calls(
                rows(200), defaults=DEFAULTS, journal=journal, concurrency=64, grace_period=30
            )
            task = asyncio.create_task(run.wait())
            await arrived.wait()
            on_the_wire = len(emu.history.requests)  # every one is held, unanswered
            task.cancel()  # what Ctrl-C does in the CLI
            gate.set()  # the requests already sent get their answers in the grace period
            with pytest.raises(asyncio.CancelledError):
                await task
        assert len(emu.history.requests) == len(emu.history.calls) == on_the_wire
        summary = run.summary
        assert summary.ok + summary.unknown == on_the_wire
        assert summary.cancelled == 64 - on_the_wire
        # the rows the run never came to are not sent too: every row is counted
        assert summary.not_sent == 200 - on_the_wire and summary.rows == 200
        # ... and the resume sends the rest, nobody twice
        async with client_for(emu) as again:
            await again.bulk.create_calls(rows(200), defaults=DEFAULTS, journal=journal).wait()
        assert emu.dialled_counts() == Counter({number(i): 1 for i in range(200)})


async def test_rerun_after_fixing_a_mistake_and_appending_rows_continues_the_run(
    emu: Emulator, tmp_path: Path
) -> None:
    journal = tmp_path / "run.jsonl"
    data = rows(6)
    data[3]["to"] = "not-a-number"  # a mistake in the input: invalid, never sent
    async with client_for(emu) as client:
        # no answer_url: every row but the ones that carry it is invalid
        first = client.bulk.create_calls(
            data, defaults={"from": FROM}, journal=journal, input_id="v1"
        )
        await first.wait()
        assert first.summary.invalid == 6 and not emu.history.calls
        # fixed: the option is given now; the rows never sent are prepared again
        data[3]["to"] = number(3)
        second = client.bulk.create_calls(data, defaults=DEFAULTS, journal=journal)
        await second.wait()
        assert second.summary.ok == 6
        # the input grew (the CLI's file digest changed with it): the run continues
        third = client.bulk.create_calls(rows(9), defaults=DEFAULTS, journal=journal, input_id="v2")
        await third.wait()
        assert third.summary.skipped == 6 and third.summary.ok == 3
        # a row that was sent and now differs is refused, naming the row and the fields
        changed = rows(9)
        changed[4]["caller_name"] = "Someone"
        with pytest.raises(JournalMismatchError, match=r"row 4 .*caller_name.*new journal"):
            await client.bulk.create_calls(changed, defaults=DEFAULTS, journal=journal).wait()
    assert emu.dialled_counts() == Counter({number(i): 1 for i in range(9)})


def read_report(path: Path) -> list[dict[str, str]]:
    with path.open(newline="") as handle:
        return list(csv.DictReader(handle))


async def test_the_report_has_one_line_per_row_and_is_complete_on_resume(
    tmp_path: Path,
) -> None:
    journal, report = tmp_path / "run.jsonl", tmp_path / "report.csv"
    data: list[dict[str, Any]] = rows(8)
    data[1] = {"to": number(1), "caller_name": "x" * 51}  # invalid
    config = FaultConfig(schedule=[None, "drop_after", None], paths="calls")
    async with Emulator(faults=config) as emu, client_for(emu, max_concurrency=1) as client:
        async with client.bulk.create_calls(
            data, defaults=DEFAULTS, journal=journal, report=report, concurrency=1, reconcile=False
        ) as run:
            async for outcome in run:
                partial = read_report(report)  # flushed as rows finish
                assert partial[-1]["index"] == str(outcome.index)
                if run.summary.rows == 4:
                    break
        first = read_report(report)
        assert [line["index"] for line in first] == ["0", "1", "2", "3"]
        by_index = {line["index"]: line for line in first}
        assert by_index["0"]["status"] == "ok" and by_index["0"]["request_uuid"]
        assert by_index["0"]["to"] == number(0)
        assert by_index["1"]["status"] == "invalid" and "caller_name" in by_index["1"]["error"]
        assert (
            by_index["2"]["status"] == "unknown"
            and "OutcomeUnknownError" in (by_index["2"]["error"])
        )
        await client.bulk.create_calls(
            data, defaults=DEFAULTS, journal=journal, report=report, reconcile=False
        ).wait()
    final = read_report(report)
    assert sorted(int(line["index"]) for line in final) == list(range(8))
    again = {line["index"]: line for line in final}
    assert again["0"] == by_index["0"] and again["2"]["status"] == "unknown"
    assert again["2"]["error"] == by_index["2"]["error"]
    assert again["1"]["status"] == "invalid"  # prepared again, still invalid
    assert all(again[str(i)]["status"] == "ok" for i in (3, 4, 5, 6, 7))
    assert emu.auth_token not in report.read_text()
    assert not emu.duplicates()
