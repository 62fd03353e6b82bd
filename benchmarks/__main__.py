"""``python -m benchmarks [--quick] [--only NAME ...]``: run, print tables, write JSON.

Exits non-zero only when a benchmark crashed; a missed target is reported, not failed.
"""

from __future__ import annotations

import argparse
import sys
import time
import traceback
from collections.abc import Callable

from . import cps, fast, latency, memory, multiprocess, overhead, resume, sdk, tracking
from ._common import RESULTS, Result, Row, machine_info, render_table, write_result

NAMES = (
    "overhead",
    "sdk",
    "fast",
    "latency",
    "cps",
    "multiprocess",
    "memory",
    "tracking",
    "resume",
)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="small sizes (CI): < 2 minutes")
    parser.add_argument("--only", nargs="+", choices=NAMES, metavar="NAME", help=str(NAMES))
    parser.add_argument(
        "--profile",
        action="store_true",
        help="overhead: also profile one calls.create round with pyinstrument",
    )
    parser.add_argument(
        "--memory-rows", type=int, default=None, help="memory: the large size (default 1M, 100k)"
    )
    parser.add_argument(
        "--tracking-rows", type=int, default=None, help="tracking: the large size (default 1M)"
    )
    args = parser.parse_args(argv)
    selected = args.only or list(NAMES)
    runners: dict[str, Callable[[], Result]] = {
        "overhead": lambda: overhead.run(args.quick, do_profile=args.profile),
        "sdk": lambda: sdk.run(args.quick),
        "fast": lambda: fast.run(args.quick),
        "latency": lambda: latency.run(args.quick),
        "cps": lambda: cps.run(args.quick),
        "multiprocess": lambda: multiprocess.run(args.quick),
        "memory": lambda: memory.run(args.quick, large=args.memory_rows),
        "tracking": lambda: tracking.run(args.quick, large=args.tracking_rows),
        "resume": lambda: resume.run(args.quick),
    }
    machine = machine_info()
    print(
        f"plivo-async benchmarks ({'quick' if args.quick else 'full'}): python "
        f"{machine['python']}, {machine['cpu_count']} CPUs, load {machine.get('loadavg')}, "
        f"git {machine.get('git', '?')}",
        flush=True,
    )
    all_rows: list[Row] = []
    crashed: list[str] = []
    started = time.perf_counter()
    for name in NAMES:
        if name not in selected:
            continue
        print(f"\n== {name} ==", flush=True)
        t0 = time.perf_counter()
        try:
            result = runners[name]()
        except Exception:
            traceback.print_exc()
            crashed.append(name)
            all_rows.append(Row(name, "CRASHED (see traceback above)"))
            continue
        path = write_result(result, quick=args.quick, machine=machine)
        print(render_table(result.rows))
        if name == "overhead":
            print()
            print(overhead.detail(result))
        for note in result.notes:
            print(f"  note: {note}")
        print(f"  ({time.perf_counter() - t0:.1f} s; {path.relative_to(RESULTS.parent.parent)})")
        all_rows.extend(result.rows)
    print(f"\n== all ({time.perf_counter() - started:.0f} s) ==")
    print(render_table(all_rows))
    if crashed:
        print(f"\ncrashed: {', '.join(crashed)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
