"""Four processes, one account: ``calls_per_second=10`` shared through a real Redis.

Four worker processes (``tests/shared/limits_worker.py``) each fire their share of the
calls at once through a client with ``limits_url=redis://...``; an emulator in its own
process records when each call arrived. The table shows the busiest 1-second window at
the emulator (the guarantee: at most the CPS) and the share of the CPS the four got
together after the first window (the target: 99%).
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from tests.shared.processes import RedisServer, arrivals, emulator_process, max_in_window, workers

from ._common import Result, Row, log, timed

NAME = "multiprocess"
CPS = 10
WORKERS = 4


def run(quick: bool) -> Result:
    per_worker = 15 if quick else 75  # 6 s or 30 s at 10 calls/s
    with tempfile.TemporaryDirectory() as tmp:
        redis = RedisServer(Path(tmp))
        try:
            with emulator_process() as url, timed() as t:
                reports = workers(url, redis.url, WORKERS, per_worker, "--cps", str(CPS))
                seen = arrivals(url)
        finally:
            redis.stop()
    times = sorted(c["time"] for c in seen["calls"])
    granted = {to: g for r in reports for to, g in r["granted"].items()}
    lags = [c["time"] - granted[c["to"]] for c in seen["calls"]]
    busiest = max_in_window(times)
    rate = (len(times) - 1 - CPS) / (times[-1] - times[CPS])
    share = rate / CPS
    errors: dict[str, int] = {}
    for report in reports:
        for name, count in report["errors"].items():
            errors[name] = errors.get(name, 0) + count
    log(f"  multiprocess: busiest 1 s {busiest}, {rate:.3f} calls/s ({share:.1%} of {CPS})")
    rows = [
        Row(
            NAME,
            f"{WORKERS} processes, max calls in any 1 s (arrival)",
            t.wall,
            None,
            str(busiest),
            f"<= {CPS}",
            busiest <= CPS,
        ),
        Row(
            NAME,
            f"{WORKERS} processes, combined rate after the first window",
            t.wall,
            rate,
            f"{share:.1%} of {CPS}/s",
            ">= 99%",
            share >= 0.99,
        ),
    ]
    summary: dict[str, Any] = {
        "max_in_1s": busiest,
        "rate": rate,
        "share": share,
        "calls": len(times),
        "distinct": len({c["to"] for c in seen["calls"]}),
        "errors": errors,
        "lag_ms": {"min": min(lags) * 1e3, "max": max(lags) * 1e3},
    }
    params = {"workers": WORKERS, "calls_per_worker": per_worker, "calls_per_second": CPS}
    notes = [
        "arrival = the emulator's clock (time.time, its own process) when it placed each call",
        f"grant-to-arrival lag {min(lags) * 1e3:.1f}..{max(lags) * 1e3:.1f} ms on this machine",
    ]
    return Result(NAME, rows, params, {"times": times}, summary, notes)
