"""Memory: peak RSS of a bulk run, a small input vs a large one, without and with a journal.

Each run is a fresh child process (:mod:`benchmarks.memory_child`) so its peak is its own;
only the client process is measured. The emulator keeps a record of every request and
call, so while a child runs this process resets the emulator every second: its memory
stays flat, and it is not ours anyway (its RSS is reported for information).

Targets: peak RSS under 150 MB, and no growth with N: the large run's peak within
``GROWTH_MB`` of the small run's, and its current RSS at the end of the run within
``GROWTH_MB`` of what it was after the first tenth (a leak shows there even when the
peak was set at start-up).
"""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from typing import Any

from ._common import ROOT, EmulatorProcess, Result, Row, emulator, log

NAME = "memory"
PEAK_TARGET_MB = 150.0
GROWTH_MB = 10.0
SMALL = 10_000


def _child(emu: EmulatorProcess, rows: int, journal: bool) -> dict[str, Any]:
    argv = [sys.executable, "-m", "benchmarks.memory_child", str(rows), "--url", emu.url]
    if journal:
        argv.append("--journal")
    stop = threading.Event()

    def reset_forever() -> None:
        while not stop.wait(1.0):
            try:
                emu.reset()
            except OSError as exc:  # the emulator is busy; the next reset will do
                log(f"  (emulator reset failed: {exc})")

    resetter = threading.Thread(target=reset_forever, daemon=True)
    resetter.start()
    try:
        done = subprocess.run(argv, cwd=ROOT, capture_output=True, text=True, check=False)
    finally:
        stop.set()
        resetter.join()
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    if done.returncode != 0 or not lines:
        raise RuntimeError(
            f"memory child ({rows} rows, journal={journal}) failed with code "
            f"{done.returncode}: {done.stderr[-2000:]}"
        )
    report: dict[str, Any] = json.loads(lines[-1])
    report["emulator_rss_mb"] = emu.rss_mb()
    return report


def _in_run_growth(report: dict[str, Any]) -> float | None:
    points = [c["rss_mb"] for c in report["checkpoints"] if c.get("rss_mb") is not None]
    return points[-1] - points[0] if len(points) >= 2 else None


def run(quick: bool, *, large: int | None = None) -> Result:
    big = large or (30_000 if quick else 1_000_000)  # quick: CI keeps it from rotting, fast
    raw: list[dict[str, Any]] = []
    rows: list[Row] = []
    summary: dict[str, Any] = {}
    with emulator() as emu:
        for journal in (False, True):
            label = "journal" if journal else "no journal"
            reports = {}
            for n in (SMALL, big):
                log(f"  memory: {n:,} rows, {label} ...")
                report = _child(emu, n, journal)
                raw.append(report)
                reports[n] = report
                log(
                    f"  memory: {n:,} rows, {label}: peak {report['peak_mb']:.1f} MB, "
                    f"{report['rows_per_s']:,.0f} rows/s"
                )
            small, large_report = reports[SMALL], reports[big]
            growth = large_report["peak_mb"] - small["peak_mb"]
            in_run = _in_run_growth(large_report)
            peak = max(small["peak_mb"], large_report["peak_mb"])
            met = (
                peak < PEAK_TARGET_MB
                and growth <= GROWTH_MB
                and (in_run is None or in_run <= GROWTH_MB)
            )
            summary[label] = {
                "peak_mb": {str(SMALL): small["peak_mb"], str(big): large_report["peak_mb"]},
                "start_mb": large_report["start_peak_mb"],
                "growth_mb": growth,
                "in_run_rss_growth_mb": in_run,
                "met": met,
            }
            for n, report in reports.items():
                is_big = n == big
                rows.append(
                    Row(
                        NAME,
                        f"bulk {n:,} rows, {label}: peak {report['peak_mb']:.1f} MB",
                        report["elapsed_s"],
                        report["rows_per_s"],
                        f"{growth:+.1f} MB (in run {in_run or 0.0:+.1f})" if is_big else "",
                        f"< {PEAK_TARGET_MB:.0f} MB, +<= {GROWTH_MB:.0f} MB" if is_big else "",
                        met if is_big else None,
                    )
                )
    summary["met"] = all(summary[k]["met"] for k in ("no journal", "journal"))
    params = {"small_rows": SMALL, "large_rows": big, "peak_target_mb": PEAK_TARGET_MB}
    notes = [
        "peak = VmHWM of the child process (client only; ru_maxrss would include this "
        "parent's RSS, it survives fork+exec); growth = large peak - small peak",
        "in run = current RSS at the end of the large run - at its first tenth",
        "start_mb = peak right after imports, before the run",
    ]
    return Result(NAME, rows, params, raw, summary, notes)
