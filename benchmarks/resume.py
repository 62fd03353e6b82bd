"""Resume: a finished journal of N rows, resumed with those N rows plus one new one.

Issue 17's targets for N = 1,000,000: peak RSS under 80 MB for the whole process, and the
new row sent ("ready to send") within 10 s. The journal is written once here, in the
engine's format (a start and an outcome record per row); each round resumes a fresh copy
of it in its own process (:mod:`benchmarks.resume_child`), so each peak is its own.
"""

from __future__ import annotations

import json
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from plivo_async.bulk.records import VERSION, row_key

from ._common import ROOT, Result, Row, log
from .resume_child import rows

NAME = "resume"
PEAK_TARGET_MB = 80.0
READY_TARGET_S = 10.0
ROUNDS = 3


def write_journal(path: Path, n: int) -> None:
    """A journal in which every one of the ``n`` rows ended ``ok``, its start records
    carrying a correlation mark and a send time as a reconciling calls run writes them."""
    compact = {"separators": (",", ":")}
    with path.open("w") as out:
        header = {"journal": "plivo-async", "version": VERSION, "kind": "calls", "input": None}
        out.write(json.dumps(header, **compact) + "\n")  # type: ignore[arg-type]
        for i, row in enumerate(rows(n)):
            key = row_key(row)
            start = {"s": i, "h": key.digest, "f": key.fields, "m": f"{i:032x}"}
            start["t"] = round(1_764_640_000 + i / 100, 3)
            done = {"o": i, "status": "ok", "h": key.digest, "attempts": 1, "ms": 12.3}
            done.update(to=row["to"], request_uuid=f"{i:036d}", api_id=f"{i:036d}")
            out.write(json.dumps(start, **compact) + "\n")  # type: ignore[arg-type]
            out.write(json.dumps(done, **compact) + "\n")  # type: ignore[arg-type]


def _child(journal: Path, n: int) -> dict[str, Any]:
    argv = [sys.executable, "-m", "benchmarks.resume_child", str(journal), str(n)]
    done = subprocess.run(argv, cwd=ROOT, capture_output=True, text=True, check=False)
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    if done.returncode != 0 or not lines:
        raise RuntimeError(f"resume child failed ({done.returncode}): {done.stderr[-2000:]}")
    report: dict[str, Any] = json.loads(lines[-1])
    if report["skipped"] != n or report["sent"] != 1:
        raise RuntimeError(f"the resume did not skip {n} rows and send one: {report}")
    return report


def run(quick: bool, *, large: int | None = None) -> Result:
    n = large or (100_000 if quick else 1_000_000)
    raw: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory() as tmp:
        finished, journal = Path(tmp) / "finished.jsonl", Path(tmp) / "run.jsonl"
        log(f"  resume: writing a finished journal of {n:,} rows ...")
        write_journal(finished, n)
        for round_ in range(ROUNDS):
            shutil.copyfile(finished, journal)
            report = _child(journal, n)
            raw.append(report)
            log(
                f"  resume round {round_ + 1}: ready in {report['ready_s']:.2f} s "
                f"({report['ready_cpu_s']:.2f} s CPU), "
                f"peak {report['peak_mb']:.1f} MB"
            )
        size_mb = finished.stat().st_size / 1e6
    ready = statistics.median(r["ready_s"] for r in raw)
    peak = statistics.median(r["peak_mb"] for r in raw)
    cpu = statistics.median(r["ready_cpu_s"] for r in raw)
    met = peak < PEAK_TARGET_MB and ready < READY_TARGET_S
    table = [
        Row(
            NAME,
            f"resume of {n:,} finished rows: peak {peak:.1f} MB, {cpu:.1f} s CPU",
            ready,
            n / ready if ready else None,
            "",
            f"< {PEAK_TARGET_MB:.0f} MB, ready < {READY_TARGET_S:.0f} s",
            met,
        )
    ]
    summary = {"rows": n, "ready_s": ready, "ready_cpu_s": cpu, "peak_mb": peak, "met": met}
    summary["journal_mb"] = size_mb
    notes = [
        "median of 3 rounds; peak = VmHWM of the resuming process (imports included)",
        "ready = seconds from the start of the run until the one new row is sent (wall; CPU "
        "seconds beside it: on a shared machine the wall time includes waiting for a core)",
    ]
    return Result(NAME, table, {"rows": n, "rounds": ROUNDS}, raw, summary, notes)
