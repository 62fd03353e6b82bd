"""One bulk run in a fresh process, reporting its own peak RSS.

``python -m benchmarks.memory_child N --url URL [--journal]`` drives
``client.bulk.create_calls`` over a generator of N rows (nothing is materialised up front)
against an emulator that runs elsewhere, and prints one JSON line: peak and current RSS
at the start, at every tenth of the run and at the end, the elapsed time, the bulk summary
and, with ``--journal``, the size of the journal it wrote in a temporary directory
(removed afterwards).

The peak is ``VmHWM`` from ``/proc/self/status``, not ``ru_maxrss``: on Linux
``getrusage(RUSAGE_SELF).ru_maxrss`` survives fork + exec, so a child started by a 200 MB
parent reports at least 200 MB whatever it does. ``ru_maxrss`` is still recorded, as
``ru_maxrss_mb``, for comparison.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import re
import resource
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from plivo_async import AsyncPlivo

from ._common import ANSWER_URL, AUTH_ID, AUTH_TOKEN, FROM, destination


def ru_maxrss_mb() -> float:
    """``ru_maxrss`` (KiB on Linux): includes the parent's high-water mark, see above."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def peak_rss_mb() -> float:
    """This process image's peak resident set size (``VmHWM``), or ``ru_maxrss`` without /proc."""
    try:
        with open("/proc/self/status") as handle:
            match = re.search(r"^VmHWM:\s+(\d+) kB", handle.read(), re.MULTILINE)
    except OSError:
        match = None
    return int(match.group(1)) / 1024 if match else ru_maxrss_mb()


def current_rss_mb() -> float | None:
    try:
        with open("/proc/self/statm") as handle:
            pages = int(handle.read().split()[1])
    except (OSError, ValueError, IndexError):
        return None
    return pages * resource.getpagesize() / 2**20


def rows(n: int) -> Iterator[dict[str, str]]:
    for i in range(n):
        yield {"from": FROM, "to": destination(i), "answer_url": ANSWER_URL}


async def bulk(url: str, n: int, journal: Path | None) -> dict[str, Any]:
    checkpoints: list[dict[str, float | int | None]] = []
    step = max(n // 10, 1)
    async with AsyncPlivo(
        AUTH_ID,
        AUTH_TOKEN,
        base_url=url,
        phlo_base_url=url,
        rate_limit=None,
        calls_per_second=None,
    ) as client:
        run = client.bulk.create_calls(rows(n), journal=journal, progress=False)
        started = time.perf_counter()
        done = 0
        async for _outcome in run:
            done += 1
            if done % step == 0:
                checkpoints.append(
                    {"rows": done, "peak_mb": peak_rss_mb(), "rss_mb": current_rss_mb()}
                )
        elapsed = time.perf_counter() - started
    return {
        "elapsed_s": elapsed,
        "rows_per_s": n / elapsed if elapsed else None,
        "checkpoints": checkpoints,
        "summary": run.summary.as_dict(),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.memory_child")
    parser.add_argument("--url", required=True, help="emulator base URL")
    parser.add_argument("rows", type=int, help="how many rows to send")
    parser.add_argument("--journal", action="store_true", help="journal in a temporary dir")
    args = parser.parse_args(argv)
    report: dict[str, Any] = {"rows": args.rows, "journal": args.journal}
    report["start_peak_mb"] = peak_rss_mb()
    report["start_rss_mb"] = current_rss_mb()
    with tempfile.TemporaryDirectory(prefix="plivo-bench-") as tmp:
        journal = Path(tmp) / "run.jsonl" if args.journal else None
        report.update(asyncio.run(bulk(args.url, args.rows, journal)))
        report["journal_bytes"] = journal.stat().st_size if journal is not None else None
    return finish(report, args.rows)


def finish(report: dict[str, Any], rows: int) -> int:
    """Add the end figures, print the report as one JSON line; 0 if every row was ok."""
    report["peak_mb"] = peak_rss_mb()
    report["ru_maxrss_mb"] = ru_maxrss_mb()
    report["end_rss_mb"] = current_rss_mb()
    print(json.dumps(report), flush=True)
    return 0 if report["summary"]["ok"] == rows else 1


if __name__ == "__main__":
    sys.exit(main())
