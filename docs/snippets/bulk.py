"""A bulk run with a journal, stopped part-way, then resumed: nobody is dialled twice."""

import asyncio
import tempfile
from pathlib import Path

from plivo_async import AsyncPlivo, RetryPolicy
from plivo_async.emulator import Emulator, FaultConfig

ROWS = [{"to": f"+1415700{i:04d}"} for i in range(500)]  # or read_csv("rows.csv")
DEFAULTS = {"from": "+14155550100", "answer_url": "https://example.com/answer.xml"}
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
        # First run: ask it to stop after 200 outcomes, as a signal handler might.
        run = client.bulk.create_calls(ROWS, defaults=DEFAULTS, journal=journal)
        seen = 0
        async for outcome in run:
            seen += 1
            if outcome.status == "unknown":
                print(f"row {outcome.index} unknown: {outcome.error.__cause__!r}")
            if seen == 200:
                run.stop("enough for now")  # no new rows; the ones in flight finish
        print("first run:", run.summary.render(), sep="\n")

        # Second run, same rows, same journal: rows with an outcome are skipped.
        run = client.bulk.create_calls(ROWS, defaults=DEFAULTS, journal=journal)
        summary = await run.wait()
        print("resumed run:", summary.render(), sep="\n")

        print("calls the emulator placed:", len(emu.records.calls))
        print("destinations dialled twice:", emu.duplicates())


with tempfile.TemporaryDirectory() as tmp:
    asyncio.run(main(Path(tmp) / "rows.journal.jsonl"))
