"""Against the official SDK: the same N call creates, ``plivo.RestClient`` in 64 threads.

The official SDK is synchronous (``requests``), so the fair way to get concurrency out of
it is a thread pool. Two ways to use it are measured, interleaved with ``AsyncPlivo``:

* **client pool**: 64 ``RestClient``\\ s built before timing, one per thread at a time
  (its best case: each keeps its own keep-alive connection, no shared mutable state);
* **shared client**: one ``RestClient`` for all 64 threads (the simplest code; its
  ``requests`` pool keeps 10 connections, so the others are opened and dropped).

The target compares ``AsyncPlivo`` with the *faster* SDK variant. The SDK is pointed at the
emulator by setting ``plivo.rest.client.API_VOICE_BASE_URI``.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import logging
import queue
import threading
from collections.abc import Callable
from typing import Any

from ._common import (
    ANSWER_URL,
    AUTH_ID,
    AUTH_TOKEN,
    FROM,
    EmulatorProcess,
    Result,
    Row,
    Timed,
    destination,
    emulator,
    log,
    median,
    timed,
)
from .overhead import run_plivo

NAME = "sdk"
THREADS = 64
TARGET = 3.0
OURS = "AsyncPlivo calls.create"
POOL = "official SDK, 64 threads, client pool"
SHARED = "official SDK, 64 threads, shared client"


def _point_sdk_at(url: str) -> Any:
    import plivo  # type: ignore[import-untyped]
    import plivo.rest.client  # type: ignore[import-untyped]

    plivo.rest.client.API_VOICE_BASE_URI = f"{url}/v1/Account"
    # A shared requests pool full of connections logs a warning per discarded connection.
    logging.getLogger("urllib3").setLevel(logging.ERROR)
    return plivo


def _started_pool() -> concurrent.futures.ThreadPoolExecutor:
    """A pool whose 64 threads all exist already (thread start-up is not timed)."""
    pool = concurrent.futures.ThreadPoolExecutor(max_workers=THREADS)
    barrier = threading.Barrier(THREADS)
    for future in [pool.submit(barrier.wait) for _ in range(THREADS)]:
        future.result()
    return pool


def _sdk_round(url: str, n: int, *, shared: bool) -> Timed:
    plivo = _point_sdk_at(url)
    clients = [plivo.RestClient(AUTH_ID, AUTH_TOKEN) for _ in range(1 if shared else THREADS)]
    free: queue.SimpleQueue[Any] = queue.SimpleQueue()
    for c in clients:
        free.put(c)

    def one_pooled(i: int) -> Any:
        c = free.get()
        try:
            return c.calls.create(from_=FROM, to_=destination(i), answer_url=ANSWER_URL)
        finally:
            free.put(c)

    def one_shared(i: int) -> Any:
        return clients[0].calls.create(from_=FROM, to_=destination(i), answer_url=ANSWER_URL)

    one: Callable[[int], Any] = one_shared if shared else one_pooled
    pool = _started_pool()
    try:
        with timed() as t:
            responses = list(pool.map(one, range(n)))
    finally:
        pool.shutdown(wait=True)
        for c in clients:
            c.session.close()
            c.multipart_session.close()
    if not all(r.request_uuid for r in responses):
        raise RuntimeError("an SDK create returned no request_uuid")
    return t


def _measure(emu: EmulatorProcess, name: str, n: int) -> dict[str, float]:
    emu.reset()
    if name == OURS:
        t = asyncio.run(run_plivo(emu.url, n))
    else:
        t = _sdk_round(emu.url, n, shared=name == SHARED)
    return {"wall_s": t.wall, "cpu_s": t.cpu, "req_per_s": n / t.wall}


def run(quick: bool) -> Result:
    n = 1_000 if quick else 5_000
    rounds = 2 if quick else 3
    names = [OURS, POOL, SHARED]
    raw: dict[str, list[dict[str, float]]] = {name: [] for name in names}
    with emulator() as emu:
        for name in names:  # warm-up, not recorded
            _measure(emu, name, min(n, 500))
        for r in range(rounds):
            order = names[r % 3 :] + names[: r % 3]
            for name in order:
                raw[name].append(_measure(emu, name, n))
            log(
                f"  sdk round {r + 1}/{rounds}: "
                + ", ".join(f"{name}: {raw[name][-1]['req_per_s']:,.0f}/s" for name in names)
            )

    def speedup(name: str) -> float:
        """Median over rounds of ours req/s / that variant's req/s (same round)."""
        pairs = zip(raw[OURS], raw[name], strict=True)
        return median([a["req_per_s"] / b["req_per_s"] for a, b in pairs])

    best_sdk = max((POOL, SHARED), key=lambda name: median([x["req_per_s"] for x in raw[name]]))
    ratio = speedup(best_sdk)
    summary: dict[str, Any] = {"ratio_vs_best_sdk": ratio, "best_sdk": best_sdk}
    rows = []
    for name in names:
        wall = median([x["wall_s"] for x in raw[name]])
        summary[name] = {
            "wall_s_median": wall,
            "req_per_s": n / wall,
            "cpu_us_per_req": median([x["cpu_s"] for x in raw[name]]) / n * 1e6,
        }
        if name == OURS:
            rows.append(
                Row(
                    NAME,
                    name,
                    wall,
                    n / wall,
                    f"{ratio:.2f}x",
                    f">= {TARGET:.0f}x",
                    ratio >= TARGET,
                )
            )
        else:
            s = speedup(name)
            summary[name]["ours_speedup"] = s
            label = "baseline" if name == best_sdk else "ours vs this"
            rows.append(Row(NAME, name, wall, n / wall, f"{s:.2f}x", label, None))
    summary["met"] = ratio >= TARGET
    notes = [
        "ratio = median over rounds of AsyncPlivo req/s / SDK req/s in the same round, "
        "against the faster SDK variant",
        "the SDK sends its defaults too (answer_method, ring_timeout, ...): a larger body",
    ]
    params = {"requests": n, "rounds": rounds, "threads": THREADS, "variants": names}
    return Result(NAME, rows, params, raw, summary, notes)
