"""A bulk run with a journal, left part-way, then resumed: nobody is dialled twice."""

import asyncio
import tempfile
from pathlib import Path

from plivo_async import AsyncPlivo, RetryPolicy
from plivo_async.bulk import JournalInUseError
from plivo_async.emulator import Emulator, FaultConfig

ROWS = [{"to": f"+1415700{i:04d}"} for i in range(500)]  # or read_csv("rows.csv")
DEFAULTS = {"from": "+14155550100", "answer_url": "https://example.com/answer.xml"}
# Ambiguous creates are reconciled (looked up in the API) before a row ends. These are what
# the emulator takes to index a call record and to process a create; on Plivo, keep the
# defaults (60 s and 30 s).
OPTIONS = {"defaults": DEFAULTS, "reconcile_lag": 0, "reconcile_settle": 0.5}
# 429s and 503s (retried), other 5xx and dropped answers (ambiguous: outcome unknown).
FAULTS = FaultConfig(
    rate_429=0.05, rate_5xx=0.02, drop_after=0.01, latency_ms=(5, 20), retry_after=0.2
)


async def main(journal: Path) -> None:
    async with (
        Emulator(faults=FAULTS, seed=7) as emu,
        AsyncPlivo(
            emu.auth_id,
            emu.auth_token,
            base_url=emu.url,
            max_concurrency=32,
            retry=RetryPolicy(base=0.05, cap=1.0),
        ) as client,
    ):
        # First run: leave it after 200 outcomes. Leaving `async with` ends the run.
        async with client.bulk.create_calls(ROWS, journal=journal, **OPTIONS) as run:
            seen = 0
            async for outcome in run:
                seen += 1
                if outcome.reconciled:
                    print(f"row {outcome.index} reconciled: {outcome.reconciled}")
                if seen == 200:
                    break
            # Until then the run holds its journal: a second run on it is refused.
            try:
                await client.bulk.create_calls(ROWS, journal=journal, **OPTIONS).wait()
            except JournalInUseError as exc:
                print("second run on the same journal:", type(exc).__name__)
        # Ended: no new rows, the ones in flight had the grace period, journal closed.
        print("first run:", run.summary.render(), sep="\n")

        # Second run, same rows, same journal: rows with an outcome are skipped.
        async with client.bulk.create_calls(ROWS, journal=journal, **OPTIONS) as run:
            summary = await run.wait()
        print("resumed run:", summary.render(), sep="\n")

        print("calls the emulator placed:", len(emu.history.calls))
        print("destinations dialled twice:", emu.duplicates())


with tempfile.TemporaryDirectory() as tmp:
    asyncio.run(main(Path(tmp) / "rows.journal.jsonl"))
