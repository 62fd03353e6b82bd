"""One resume measured in its own process: ``python -m benchmarks.resume_child JOURNAL N``.

The journal holds N finished rows (written by ``benchmarks.resume``); the resume gets the
same N rows plus one new one and must skip the N without sending, then send the new one.
Prints one JSON line: peak RSS (VmHWM) before and after, and the seconds until the new
row is sent ("ready to send", also as CPU seconds: on a shared machine the wall time
includes waiting for a core) and until the run ends.
"""

from __future__ import annotations

import asyncio
import json
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from plivo_async._types import RequestObserver
from plivo_async.bulk import BulkRun


def vm_hwm_mb() -> float | None:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:  # pragma: no cover - not Linux
        return None
    return None


def rows(n: int) -> Iterator[dict[str, str]]:
    for i in range(n):
        yield {"to": f"+1415{i:07d}", "caller_name": "Bench"}


async def resume(journal: Path, n: int) -> dict[str, Any]:
    sent: list[float] = []
    cpu: list[float] = []
    started, cpu_started = time.perf_counter(), time.process_time()

    async def send(row: dict[str, str], observer: RequestObserver) -> dict[str, str]:
        await observer.before_attempt(1)
        sent.append(time.perf_counter() - started)
        cpu.append(time.process_time() - cpu_started)
        return {"request_uuid": "new"}

    run: BulkRun[Any] = BulkRun(
        rows(n + 1), prepare=lambda row: row, send=send, kind="calls", journal=journal
    )
    summary = await run.wait()
    return {
        "skipped": summary.skipped,
        "sent": len(sent),
        "ready_s": sent[0] if sent else None,
        "ready_cpu_s": cpu[0] if cpu else None,
        "elapsed_s": time.perf_counter() - started,
    }


def main() -> None:
    journal, n = Path(sys.argv[1]), int(sys.argv[2])
    start_mb = vm_hwm_mb()
    report = asyncio.run(resume(journal, n))
    report.update(rows=n, start_peak_mb=start_mb, peak_mb=vm_hwm_mb())
    print(json.dumps(report))


if __name__ == "__main__":
    main()
