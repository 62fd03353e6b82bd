"""kill -9 in the middle of a faulty bulk run, then resume: the crash's unknowns are
reconciled and nobody is dialled twice.

The run happens in a process of its own (``tests/shared/bulk_worker.py``) against the
test's emulator, which injects the fault suite's mix and 20-50 ms of latency, so rows are
in flight when the process is killed at the moment the emulator has placed a given number
of calls (an event in the emulator's records: no sleeping, no polling). The resume runs in
the test's process on the same journal. The emulator keeps call records at once
(``cdr_lag=None``), so ``reconcile_lag=0`` is the truth about it; it finishes processing
a create within its latency, so ``reconcile_settle=0.5`` is too (with ``settle=0`` the
resume could look before the killed process's last creates were placed, and dial them
again: this test caught that).
"""

from __future__ import annotations

import asyncio
import json
import signal
import sys
from pathlib import Path
from typing import Any

import pytest

from plivo_async.emulator import Emulator, FaultConfig

from .conftest import client_for, fast_retry
from .test_fault_suite import fault_schedule

ROWS = 240
REPO = Path(__file__).resolve().parents[2]


def records(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text().splitlines()[1:]]


@pytest.mark.parametrize("kill_at", [40, 120, 200])
async def test_kill_9_mid_run_then_resume_reconciles_the_crash_and_dials_nobody_twice(
    tmp_path: Path, kill_at: int
) -> None:
    config = FaultConfig(
        schedule=fault_schedule(4 * ROWS, seed=kill_at), latency_ms=(20.0, 50.0), paths="calls"
    )
    journal = tmp_path / "run.jsonl"
    first = 5_000_000 + kill_at * 1000
    async with Emulator(faults=config, seed=kill_at) as emu:
        enough = asyncio.Event()
        add_call = emu.history.add_call

        def counting_add_call(record: Any) -> None:
            add_call(record)
            if len(emu.history.calls) >= kill_at:
                enough.set()

        emu.history.add_call = counting_add_call  # type: ignore[method-assign]
        worker = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "tests.shared.bulk_worker",
            emu.url,
            str(journal),
            str(ROWS),
            str(first),
            cwd=REPO,
            stdout=asyncio.subprocess.PIPE,
        )
        await asyncio.wait_for(enough.wait(), timeout=60)
        worker.send_signal(signal.SIGKILL)
        await worker.wait()
        assert worker.returncode == -signal.SIGKILL

        before = records(journal)
        started = {r["s"] for r in before if "s" in r}
        finished = {r["o"] for r in before if "o" in r}
        in_flight = started - finished
        assert in_flight, "the kill should land with rows in flight"
        assert all("m" in r and "t" in r for r in before if "s" in r)  # what a resume needs

        emu.clear_faults()
        async with client_for(emu, retry=fast_retry()) as plivo:
            run = plivo.bulk.create_calls(
                [{"to": f"+1415{first + i}"} for i in range(ROWS)],
                defaults={"from": "+14155550100", "answer_url": "https://example.com/answer"},
                journal=journal,
                reconcile_lag=0.0,
                # the emulator processes a create within its latency (<= 50 ms): a create
                # the killed process left in flight is placed by then
                reconcile_settle=0.5,
            )
            resumed = {o.index: o for o in await run.collect()}

        summary = run.summary
        assert summary.unknown == 0
        assert in_flight <= set(resumed)
        for index in in_flight:  # every row the crash left in flight was reconciled
            assert resumed[index].reconciled in ("found", "not_placed"), resumed[index]
            assert resumed[index].ok
        assert emu.duplicates() == {}
        dialled = emu.dialled_counts()
        assert len(dialled) == ROWS and set(dialled.values()) == {1}
        finals = {}
        for record in records(journal):
            if "o" in record:
                finals[record["o"]] = record
        assert set(finals) == set(range(ROWS))
        for index, record in finals.items():  # each row's last word names its one call
            placed = [c for c in emu.history.calls if c.to == f"+1415{first + index}"]
            assert record["status"] == "ok" and record["request_uuid"] == placed[0].uuid
