"""A bulk run in a process of its own, for kill -9 tests: ``python -m tests.shared.bulk_worker``.

Arguments: the emulator's URL, the journal, the number of rows and the first number;
credentials are the emulator's defaults. It prints the summary as JSON when it ends (a
killed worker prints nothing).
"""

from __future__ import annotations

import argparse
import asyncio
import json

from plivo_async import AsyncPlivo
from plivo_async.emulator import DEFAULT_AUTH_ID, DEFAULT_AUTH_TOKEN
from plivo_async.retry import RetryPolicy


async def main(url: str, journal: str, rows: int, first: int, lag: float) -> None:
    retry = RetryPolicy(base=0.001, cap=0.01, max_attempts=6, budget_initial=100_000.0)
    async with AsyncPlivo(
        DEFAULT_AUTH_ID, DEFAULT_AUTH_TOKEN, base_url=url, rate_limit=None, retry=retry
    ) as client:
        run = client.bulk.create_calls(
            [{"to": f"+1415{first + i}"} for i in range(rows)],
            defaults={"from": "+14155550100", "answer_url": "https://example.com/answer"},
            journal=journal,
            concurrency=16,
            reconcile_lag=lag,
            progress=False,
        )
        summary = await run.wait()
    print(json.dumps(summary.as_dict()))


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("url")
    parser.add_argument("journal")
    parser.add_argument("rows", type=int)
    parser.add_argument("first", type=int)
    parser.add_argument("--lag", type=float, default=0.0)
    args = parser.parse_args()
    asyncio.run(main(args.url, args.journal, args.rows, args.first, args.lag))
