"""Against a near-zero-cost server: the client's own overhead, and the official SDK's.

Against the emulator the server is the bottleneck, so the client's cost per request hides
behind it. Here every variant talks to :mod:`benchmarks.fast_server` (a separate process
answering each POST with one fixed 201 body), so what is left is the client's cost:

* **raw aiohttp loop**: ``session.post(url, json=body)`` then ``await r.json()`` on a
  64-connection pool, the caller gathering under its own ``Semaphore(64)``;
* **AsyncPlivo calls.create** with ``rate_limit=None`` (validation, retry policy,
  response model: everything a user gets), its own semaphore of 64;
* **official SDK, 64 threads** (``plivo.RestClient`` pool, see :mod:`benchmarks.sdk`).

A fourth row measures the emulator itself (issue 17 item 4): the same raw loop against
the emulator process, i.e. how many call creates per second the load-test server takes.

Rounds are interleaved (the order rotates), medians of per-round ratios are reported.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import sys
from collections.abc import Iterator
from typing import Any

import aiohttp

from plivo_async._http import USER_AGENT
from plivo_async.emulator.process import start_process

from ._common import (
    ANSWER_URL,
    AUTH_ID,
    FROM,
    ROOT,
    Result,
    Row,
    Timed,
    auth_header,
    destination,
    emulator,
    log,
    median,
    timed,
)
from .overhead import CONCURRENCY, run_plivo
from .sdk import _sdk_round

NAME = "fast"
OVERHEAD_TARGET = 1.10
#: The load-proof figure (issue 26): CPU time per request against the raw loop's, in the
#: same rounds. Another tenant of the machine slows the wall clock, not this ratio.
CPU_TARGET = 1.30
SDK_TARGET = 6.0
RAW = "raw aiohttp loop"
OURS = "AsyncPlivo calls.create"
SDK = "official SDK, 64 threads"
EMULATOR = "emulator call creates (raw loop)"


@contextlib.contextmanager
def fast_server() -> Iterator[str]:
    """Start :mod:`benchmarks.fast_server` in a child process; yield its base URL."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH", "")]))
    argv = [sys.executable, "-m", "benchmarks.fast_server"]
    with start_process(argv, env=env, cwd=ROOT) as (url, _proc):
        yield url


async def run_raw(url: str, n: int) -> Timed:
    """The loop a careful user writes with aiohttp alone (``json=``, ``r.json()``)."""
    endpoint = f"{url}/v1/Account/{AUTH_ID}/Call/"
    headers = {"Authorization": auth_header(), "User-Agent": USER_AGENT}
    semaphore = asyncio.Semaphore(CONCURRENCY)
    connector = aiohttp.TCPConnector(limit=CONCURRENCY)
    async with aiohttp.ClientSession(connector=connector, headers=headers) as session:

        async def one(i: int) -> Any:
            body = {"from": FROM, "to": destination(i), "answer_url": ANSWER_URL}
            async with semaphore, session.post(endpoint, json=body) as r:
                if r.status != 201:
                    raise RuntimeError(f"raw loop: HTTP {r.status}")
                return await r.json()

        with timed() as t:
            responses = await asyncio.gather(*(one(i) for i in range(n)))
    if not all(r.get("request_uuid") for r in responses):
        raise RuntimeError("a create returned no request_uuid")
    return t


def python_calls_per_request(url: str, runner: Any, n: int) -> float:
    """Python function calls per request (cProfile's count): a measure of the work done
    that, unlike wall or CPU time, other tenants of a shared machine cannot disturb."""
    import cProfile
    import pstats

    profiler = cProfile.Profile()
    profiler.enable()
    asyncio.run(runner(url, n))
    profiler.disable()
    return float(pstats.Stats(profiler).total_calls) / n  # type: ignore[attr-defined]


def _entry(t: Timed, n: int) -> dict[str, float]:
    return {"wall_s": t.wall, "cpu_s": t.cpu, "req_per_s": n / t.wall}


def run(quick: bool) -> Result:
    n = 800 if quick else 3_000
    rounds = 3 if quick else 5
    names = [RAW, OURS, SDK]
    raw: dict[str, list[dict[str, float]]] = {name: [] for name in [*names, EMULATOR]}
    with fast_server() as url, emulator() as emu:

        def measure(name: str, size: int) -> dict[str, float]:
            if name == SDK:
                return _entry(_sdk_round(url, size, shared=False), size)
            if name == EMULATOR:
                emu.reset()
                return _entry(asyncio.run(run_raw(emu.url, size)), size)
            runner = run_raw if name == RAW else run_plivo
            return _entry(asyncio.run(runner(url, size)), size)

        for name in [*names, EMULATOR]:  # warm-up: imports, first connections; not recorded
            measure(name, min(n, 200))
        for r in range(rounds):
            order = names[r % len(names) :] + names[: r % len(names)]
            for name in [*order, EMULATOR]:
                raw[name].append(measure(name, n))
            log(
                f"  fast round {r + 1}/{rounds}: "
                + ", ".join(f"{name}: {raw[name][-1]['req_per_s']:,.0f}/s" for name in raw)
            )

        counts = {
            name: python_calls_per_request(url, r, 300 if quick else 1_000)
            for name, r in [(RAW, run_raw), (OURS, run_plivo)]
        }

    def per_round(a: str, b: str, key: str) -> list[float]:
        return [x[key] / y[key] for x, y in zip(raw[a], raw[b], strict=True)]

    overhead = median(per_round(OURS, RAW, "wall_s"))
    cpu_ratio = median(per_round(OURS, RAW, "cpu_s"))
    vs_sdk = median(per_round(OURS, SDK, "req_per_s"))
    raw_vs_sdk = median(per_round(RAW, SDK, "req_per_s"))  # the ceiling for ours, on this box
    summary: dict[str, Any] = {
        "overhead_ratio": overhead,
        "overhead_met": overhead <= OVERHEAD_TARGET,
        "cpu_ratio": cpu_ratio,
        "cpu_met": cpu_ratio <= CPU_TARGET,
        "sdk_speedup": vs_sdk,
        "sdk_met": vs_sdk >= SDK_TARGET,
        "raw_sdk_speedup": raw_vs_sdk,
    }
    rows: list[Row] = []
    for name, values in raw.items():
        wall = median([x["wall_s"] for x in values])
        summary[name] = {
            "wall_s_median": wall,
            "req_per_s": n / wall,
            "cpu_us_per_req": median([x["cpu_s"] for x in values]) / n * 1e6,
        }
        ratio, target, met = "", "", None
        if name == RAW:
            ratio, target = "1.00x", "baseline"
        elif name == OURS:
            ratio = f"{overhead:.3f}x"
            target = f"<= {OVERHEAD_TARGET:.2f}x raw wall"
            met = overhead <= OVERHEAD_TARGET
        elif name == SDK:
            ratio, target = f"{vs_sdk:.2f}x", f"ours >= {SDK_TARGET:.0f}x"
            met = vs_sdk >= SDK_TARGET
        else:
            target = "measured (server req/s)"
        rows.append(Row(NAME, name, wall, n / wall, ratio, target, met))
    rows.append(
        Row(
            NAME,
            "raw aiohttp loop vs official SDK (the ceiling)",
            ratio=f"{raw_vs_sdk:.2f}x",
            target="context for the 6x target",
        )
    )
    cpu = {name: summary[name]["cpu_us_per_req"] for name in (RAW, OURS)}
    rows.append(
        Row(
            NAME,
            f"CPU us/request: raw {cpu[RAW]:.0f}, calls.create {cpu[OURS]:.0f}",
            ratio=f"{cpu_ratio:.2f}x",
            target=f"<= {CPU_TARGET:.2f}x raw CPU (load-proof)",
            met=cpu_ratio <= CPU_TARGET,
        )
    )
    summary["python_calls_per_request"] = counts
    rows.append(
        Row(
            NAME,
            f"Python calls/request: raw {counts[RAW]:.0f}, calls.create {counts[OURS]:.0f}",
            ratio=f"{counts[OURS] / counts[RAW]:.2f}x",
            target="diagnostic (load-proof)",
        )
    )
    notes = [
        "server: benchmarks.fast_server (fixed 201 body) in its own process; the emulator row "
        "uses the emulator process instead",
        "CPU ratio = median over rounds of calls.create's process CPU time / the raw loop's "
        "(time.process_time over the same N requests, this process only)",
        "calls.create ratio = median over rounds of its wall / the raw loop's wall; SDK ratio = "
        "median over rounds of AsyncPlivo req/s / SDK req/s; the raw loop's own ratio to the SDK "
        "is the most a client built on aiohttp can reach on this machine",
    ]
    params = {"requests": n, "rounds": rounds, "concurrency": CONCURRENCY, "variants": list(raw)}
    return Result(NAME, rows, params, raw, summary, notes)
