"""Calls per second: ``calls_per_second=10`` seen from the server.

N creates are fired at once through a client with ``calls_per_second=10`` (no other
limit). The guarantee is checked where it matters, on the emulator's clock: the time each
call was placed, fetched from the emulator process (``GET /__bench__/calls``, see
:mod:`benchmarks.emulator_server`). The client-side times (when the CPS limiter let each
request go) are recorded too, by wrapping the client's limiter, to tell the limiter's own
precision apart from what the network and the server's scheduling add.

The steady rate is ``(N - 1 - cps) / (t[N-1] - t[cps])``: calls are paced one every
``(1 + PACING_MARGIN) / cps`` s; the first window is set apart because its first call
opens the connection (and is counted from its answer).
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

from plivo_async import AsyncPlivo

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
    timed,
)

NAME = "cps"
CPS = 10
RATE_TARGET = 9.9  # 99% of the CPS: calls are paced, not burst


def max_in_window(times: list[float], window: float = 1.0) -> int:
    """Most events within any half-open window ``[t, t + window)``."""
    ordered = sorted(times)
    best = start = 0
    for end, t in enumerate(ordered):
        while t - ordered[start] >= window:
            start += 1
        best = max(best, end - start + 1)
    return best


def tightest_gap(times: list[float], limit: int) -> float | None:
    """Smallest distance between event i and event i + limit (below 1 s: a window overflows)."""
    ordered = sorted(times)
    gaps = [b - a for a, b in zip(ordered, ordered[limit:], strict=False)]
    return min(gaps) if gaps else None


class _Recording:
    """Wraps the client's CPS limiter and notes when each acquisition was granted."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.times: list[float] = []

    restamps = True  # keep the transport's restamping of the inner limiter's grants

    async def acquire(self, n: int = 1) -> Any:
        grant = await self.inner.acquire(n)
        self.times.extend([time.time()] * n)
        return grant


async def _run(url: str, n: int) -> tuple[float, list[float]]:
    async with AsyncPlivo(
        AUTH_ID,
        AUTH_TOKEN,
        base_url=url,
        phlo_base_url=url,
        rate_limit=None,
        calls_per_second=CPS,
        max_concurrency=64,
    ) as client:
        recorder = _Recording(client.limits.calls)
        client.limits.calls = recorder
        create = client.calls.create
        with timed() as t:
            await asyncio.gather(
                *(create(from_=FROM, to=destination(i), answer_url=ANSWER_URL) for i in range(n))
            )
    return t.wall, recorder.times


def _analyse(times: list[float]) -> dict[str, Any]:
    span = max(times) - min(times) if times else 0.0
    return {
        "max_in_1s": max_in_window(times),
        "tightest_gap_s": tightest_gap(times, CPS),
        "span_s": span,
        "steady_rate": _steady_rate(times, CPS),
    }


def _steady_rate(times: list[float], cps: int) -> float | None:
    """Calls per second after the first window (which holds the cold start)."""
    ordered = sorted(times)
    if len(ordered) <= cps + 1:
        return None
    return (len(ordered) - 1 - cps) / (ordered[-1] - ordered[cps])


def run(quick: bool) -> Result:
    n = 30 if quick else 200
    with emulator() as emu:
        emu.reset()
        wall, client_times = _run_sync(emu.url, n)
        server = emu.call_times()
    server_times: list[float] = server["times"]
    if len(server_times) != n:
        raise RuntimeError(f"the emulator placed {len(server_times)} calls, expected {n}")
    at_server = _analyse(server_times)
    at_client = _analyse(client_times)
    rate = at_server["steady_rate"] or 0.0
    ok_window = at_server["max_in_1s"] <= CPS
    summary = {
        "server": at_server,
        "server_reported_max_in_1s": server["max_in_1s"],
        "client": at_client,
        "wall_s": wall,
        "calls_per_wall_second": n / wall,
        "met_window": ok_window,
        "met_rate": rate >= RATE_TARGET,
        "met": ok_window and rate >= RATE_TARGET,
    }
    log(
        f"  cps: server max {at_server['max_in_1s']}/s (client {at_client['max_in_1s']}/s), "
        f"steady {rate:.2f}/s, tightest 10-call gap at server {at_server['tightest_gap_s']:.4f}s"
    )
    rows = [
        Row(
            NAME,
            f"max calls in any 1 s (server arrival), N={n}",
            wall,
            None,
            f"{at_server['max_in_1s']} (client {at_client['max_in_1s']})",
            f"<= {CPS}",
            ok_window,
        ),
        Row(
            NAME,
            "steady rate after the first window, server times",
            wall,
            rate,
            f"{rate:.2f}/s",
            f">= {RATE_TARGET}/s",
            rate >= RATE_TARGET,
        ),
    ]
    params = {"calls": n, "calls_per_second": CPS, "timestamps": "emulator clock (time.time)"}
    raw = {"server_times": server_times, "client_times": sorted(client_times)}
    notes = [
        "window check on the emulator's placement times (GET /__bench__/calls); client times "
        "are when the client's CPS limiter granted each call",
        "tightest_gap_s = min over i of t[i + cps] - t[i]; below 1.0 s means some 1-s window "
        "held more than cps calls",
    ]
    return Result(NAME, rows, params, raw, summary, notes)


def _run_sync(url: str, n: int) -> tuple[float, list[float]]:
    return asyncio.run(_run(url, n))
