"""Tracking memory: peak RSS of a tracked bulk run with callbacks, at two sizes, and its slope.

Each size runs in a fresh child process (:mod:`benchmarks.tracking_child`), client and a
fast in-process server firing signed hangups (before and after the create's answer,
repeats, unknown calls) into the run's :class:`~plivo_async.tracking.CallTracker`.
The slope is (large peak - small peak) / (large - small rows), in bytes per row: what
10 million rows would add is 10 million times that. The tracker keeps a fixed number of
untracked and released calls (see :class:`CallTracker`), full from 20,000 rows on here:
both sizes are past that.

Target (issue 22 item 1): under ``SLOPE_TARGET`` bytes per row, so 10 million rows add
under a gigabyte (the tracker kept ~2.5 KB per row before).
"""

from __future__ import annotations

import json
import subprocess
import sys
from typing import Any

from ._common import ROOT, Result, Row, log

NAME = "tracking"
SLOPE_TARGET = 100.0


def _child(rows: int) -> dict[str, Any]:
    argv = [sys.executable, "-m", "benchmarks.tracking_child", str(rows)]
    done = subprocess.run(argv, cwd=ROOT, capture_output=True, text=True, check=False)
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    if done.returncode != 0 or not lines:
        raise RuntimeError(
            f"tracking child ({rows} rows) failed with code {done.returncode}: "
            f"{done.stderr[-2000:]}"
        )
    report: dict[str, Any] = json.loads(lines[-1])
    return report


def run(quick: bool, *, large: int | None = None) -> Result:
    big = large or (50_000 if quick else 1_000_000)
    small = 25_000 if quick else min(30_000, big // 2)
    reports: dict[int, dict[str, Any]] = {}
    for n in (small, big):
        log(f"  tracking: {n:,} rows ...")
        report = reports[n] = _child(n)
        log(
            f"  tracking: {n:,} rows: peak {report['peak_mb']:.1f} MB, "
            f"{report['rows_per_s']:,.0f} rows/s, tracker {report['tracker']}"
        )
    slope = (reports[big]["peak_mb"] - reports[small]["peak_mb"]) * 2**20 / (big - small)
    met = slope < SLOPE_TARGET
    rows = [
        Row(
            NAME,
            f"tracked bulk {n:,} rows + callbacks: peak {r['peak_mb']:.1f} MB",
            r["elapsed_s"],
            r["rows_per_s"],
            f"{slope:+,.0f} B/row" if n == big else "",
            f"< {SLOPE_TARGET:.0f} B/row" if n == big else "",
            met if n == big else None,
        )
        for n, r in reports.items()
    ]
    summary = {
        "peak_mb": {str(n): r["peak_mb"] for n, r in reports.items()},
        "bytes_per_row": slope,
        "gib_per_10m_rows": slope * 10_000_000 / 2**30,
        "tracker": {str(n): r["tracker"] for n, r in reports.items()},
        "met": met,
    }
    params = {"small_rows": small, "large_rows": big, "slope_target_b": SLOPE_TARGET}
    notes = [
        "peak = VmHWM of the child (client + in-process fast server + tracker)",
        "slope = (large peak - small peak) / (large - small rows)",
    ]
    return Result(NAME, rows, params, list(reports.values()), summary, notes)
