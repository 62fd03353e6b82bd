"""One worker process of the shared-limits tests: N creates (or GETs) through one client.

``python -m tests.shared.limits_worker URL LIMITS_URL --cps 10 --count 75 --offset 0``
prints one JSON line: how many calls were placed, how many requests failed (by type), and
when the limiter granted each call (wall clock, keyed by destination).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import time
from collections import Counter
from typing import Any

from plivo_async import AsyncPlivo, Rate
from plivo_async.emulator import DEFAULT_AUTH_ID, DEFAULT_AUTH_TOKEN

FROM = "+14155550100"
ANSWER_URL = "https://example.com/answer"


class Stamp:
    """Wraps a limiter: notes when each task (named after its row) was granted."""

    restamps = True

    def __init__(self, inner: Any, granted: dict[str, float]) -> None:
        self.inner, self.granted = inner, granted

    async def acquire(self, n: int = 1) -> object:
        grant = await self.inner.acquire(n)
        # The limiter's own stamp (Redis TIME, microseconds) when it has one: what the
        # window was checked against; else this process's clock after the grant.
        stamp = getattr(grant, "_stamp", None)
        granted = stamp / 1e6 if isinstance(stamp, int) else time.time()
        self.granted[asyncio.current_task().get_name()] = granted  # type: ignore[union-attr]
        return grant


async def run(args: argparse.Namespace) -> dict[str, object]:
    options: dict[str, object] = {"rate_limit": None, "limits_url": args.limits_url}
    if args.requests_per_second:
        # Exact: no guard band; the limiter must keep the bound true at arrival itself.
        options["rate_limit"] = Rate(args.requests_per_second, 1.0)
    else:
        options["calls_per_second"] = args.cps
    errors: Counter[str] = Counter()
    placed = 0
    granted: dict[str, float] = {}
    async with AsyncPlivo(
        DEFAULT_AUTH_ID, DEFAULT_AUTH_TOKEN, base_url=args.url, phlo_base_url=args.url, **options
    ) as client:
        if client.limits.calls is not None:
            client.limits.calls = Stamp(client.limits.calls, granted)  # type: ignore[assignment]
        if client.limits.requests is not None:
            client.limits.requests = Stamp(client.limits.requests, granted)  # type: ignore[assignment]

        async def one(i: int) -> None:
            nonlocal placed
            try:
                if args.requests_per_second:
                    asyncio.current_task().set_name(str(args.offset + i))  # type: ignore[union-attr]
                    await client.calls.list(limit=1, offset=args.offset + i)
                else:
                    to = f"+1415{args.offset + i:07d}"
                    asyncio.current_task().set_name(to)  # type: ignore[union-attr]
                    await client.calls.create(from_=FROM, to=to, answer_url=ANSWER_URL)
                placed += 1
            except Exception as exc:  # counted and reported to the test
                errors[type(exc).__name__] += 1

        await asyncio.gather(*(one(i) for i in range(args.count)))
    return {"placed": placed, "errors": dict(errors), "granted": granted}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("url")
    parser.add_argument("limits_url")
    parser.add_argument("--cps", type=float, default=10)
    parser.add_argument("--requests-per-second", type=int, default=0)
    parser.add_argument("--count", type=int, default=10)
    parser.add_argument("--offset", type=int, default=0)
    print(json.dumps(asyncio.run(run(parser.parse_args()))), flush=True)


if __name__ == "__main__":
    main()
