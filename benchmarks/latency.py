"""Latency hiding: N creates at concurrency C against a server that takes 50 ms per request.

With C requests in flight and nothing else in the way, N requests need ``ceil(N / C)``
round trips, so ``ceil(N / C) * latency`` is the lower bound on the wall time; the ratio
of the wall time to that bound says how much the client adds on top of waiting.

Each wave of C responses arrives together, and the client spends C times its per-request
CPU cost handling them before the next wave is fully out, so the ratio is roughly
``1 + C * cpu_per_request / latency`` (plus the emulator's share). The raw aiohttp loop of
:mod:`benchmarks.overhead` runs interleaved as a reference: what aiohttp alone achieves.
"""

from __future__ import annotations

import asyncio
import math
from typing import Any

from ._common import (
    ANSWER_URL,
    AUTH_ID,
    AUTH_TOKEN,
    FROM,
    Result,
    Row,
    destination,
    emulator,
    log,
    median,
    timed,
)
from .overhead import run_raw

NAME = "latency"
LATENCY_MS = 50.0
CONCURRENCY = 64
TARGET = 1.2


async def _round(url: str, n: int, concurrency: int) -> tuple[float, float]:
    from plivo_async import AsyncPlivo

    async with AsyncPlivo(
        AUTH_ID,
        AUTH_TOKEN,
        base_url=url,
        phlo_base_url=url,
        rate_limit=None,
        calls_per_second=None,
        max_concurrency=concurrency,
    ) as client:
        create = client.calls.create
        with timed() as t:
            await asyncio.gather(
                *(create(from_=FROM, to=destination(i), answer_url=ANSWER_URL) for i in range(n))
            )
    return t.wall, t.cpu


async def _raw_round(url: str, n: int) -> tuple[float, float]:
    t = await run_raw(url, n)
    return t.wall, t.cpu


def run(quick: bool) -> Result:
    n = 640 if quick else 2_000
    rounds = 2 if quick else 3
    bound = math.ceil(n / CONCURRENCY) * LATENCY_MS / 1000.0
    raw: dict[str, list[dict[str, float]]] = {"AsyncPlivo": [], "raw aiohttp loop": []}
    with emulator(latency_ms=LATENCY_MS) as emu:
        asyncio.run(_round(emu.url, CONCURRENCY, CONCURRENCY))  # warm-up, not recorded
        for r in range(rounds):
            order = ["AsyncPlivo", "raw aiohttp loop"]
            for name in order if r % 2 == 0 else order[::-1]:
                emu.reset()
                if name == "AsyncPlivo":
                    wall, cpu = asyncio.run(_round(emu.url, n, CONCURRENCY))
                else:
                    wall, cpu = asyncio.run(_raw_round(emu.url, n))
                raw[name].append({"wall_s": wall, "cpu_us_per_req": cpu / n * 1e6})
            log(
                f"  latency round {r + 1}/{rounds}: "
                + ", ".join(f"{k} {v[-1]['wall_s']:.3f}s" for k, v in raw.items())
                + f" (bound {bound:.3f}s)"
            )
    summary: dict[str, Any] = {"bound_s": bound}
    rows = []
    for name, runs in raw.items():
        wall = median([x["wall_s"] for x in runs])
        ratio = wall / bound
        summary[name] = {
            "wall_s_median": wall,
            "ratio": ratio,
            "req_per_s": n / wall,
            "cpu_us_per_req": median([x["cpu_us_per_req"] for x in runs]),
        }
        subject = name == "AsyncPlivo"
        rows.append(
            Row(
                NAME,
                f"{name}: N={n} C={CONCURRENCY} at {LATENCY_MS:g} ms (bound {bound:.2f}s)",
                wall,
                n / wall,
                f"{ratio:.3f}x",
                f"<= {TARGET:.1f}x bound" if subject else "reference",
                ratio <= TARGET if subject else None,
            )
        )
    summary["ratio"] = summary["AsyncPlivo"]["ratio"]
    summary["met"] = summary["ratio"] <= TARGET
    summary["ideal_req_per_s"] = CONCURRENCY / (LATENCY_MS / 1000.0)
    params = {"requests": n, "concurrency": CONCURRENCY, "latency_ms": LATENCY_MS, "rounds": rounds}
    notes = ["bound = ceil(N / C) * latency; ratio = median wall / bound"]
    return Result(NAME, rows, params, raw, summary, notes)
