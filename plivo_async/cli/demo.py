"""``plivo-async demo``: the real client against an embedded emulator with faults.

It dials calls and multi-party-call actions, then compares what the client reported with
what the emulator saw: nobody dialled twice, every "placed" really placed. No account.
"""

from __future__ import annotations

import json
from typing import Any

from ..bulk import BulkRun
from ..client import AsyncPlivo
from ..retry import RetryPolicy
from ._common import (
    EXIT_NOT_ALL_OK,
    EXIT_OK,
    add_log_level,
    configure_logging,
    print_summary,
    run_interruptibly,
)

__all__ = ["add_parser", "run"]

DEMO_FROM = "+14155550100"
DEMO_ANSWER_URL = "https://example.com/answer.xml"


def add_parser(sub: Any) -> None:
    demo = sub.add_parser(
        "demo",
        help="dial through the real client against an embedded emulator (no account needed)",
        description="Dial calls and MPC transfers through the real client against an "
        "emulator with faults, and compare what the client reported with what it saw.",
    )
    add = demo.add_argument
    add("--calls", type=int, default=300, help="calls to place (default 300)")
    add("--mpc", type=int, default=30, help="MPC transfers to make (default 30)")
    add("--concurrency", type=int, default=64, metavar="N", help="requests in flight (64)")
    add("--cps", type=float, default=None, help="calls per second (default: none)")
    add("--seed", type=int, default=1, help="seed for the emulator's faults")
    add("--no-faults", action="store_true", help="switch fault injection off")
    add("--json", action="store_true", help="print the summary as JSON")
    add_log_level(demo)
    demo.set_defaults(run=run)


def run(args: Any) -> int:
    configure_logging(args.log_level)
    runs: list[BulkRun[Any]] = []
    return run_interruptibly(_demo(args, runs), runs)


async def _demo(args: Any, runs: list[BulkRun[Any]]) -> int:
    from ..emulator import Emulator, FaultConfig

    faults = (
        None
        if args.no_faults
        else FaultConfig(
            rate_429=0.05,
            rate_5xx=0.02,
            drop_before=0.01,
            drop_after=0.005,
            latency_ms=(20.0, 80.0),
            retry_after=0.2,
            paths="calls",
        )
    )
    async with Emulator(faults=faults, seed=args.seed) as emulator:
        if not args.json:
            print(f"emulator on {emulator.url} (faults {'off' if faults is None else 'on'})")
        async with AsyncPlivo(
            emulator.auth_id,
            emulator.auth_token,
            base_url=emulator.url,
            phlo_base_url=emulator.phlo_url,
            max_concurrency=args.concurrency,
            rate_limit=None,  # the emulator does not enforce Plivo's account limit
            calls_per_second=args.cps,
            retry=RetryPolicy(base=0.05, cap=1.0),
        ) as client:
            calls = client.bulk.create_calls(
                [{"to": f"+1415{7000000 + i}"} for i in range(args.calls)],
                defaults={"from": DEMO_FROM, "answer_url": DEMO_ANSWER_URL},
            )
            runs.append(calls)
            await calls.wait()
            actions = ("call", "warm_transfer", "cold_transfer")
            mpc = client.bulk.mpc_actions(
                [
                    {"action": actions[i % 3], "to": f"+1415{8000000 + i}", "role": "agent"}
                    for i in range(args.mpc)
                ],
                defaults={
                    "phlo_id": "demo-phlo",
                    "node_id": "demo-node",
                    "trigger_source": DEMO_FROM,
                },
            )
            runs.append(mpc)
            await mpc.wait()
        records = emulator.records
        emulator_placed = len(records.calls)
        seen = {
            "calls_placed": emulator_placed,
            "duplicates": len(emulator.duplicates()),
            "faults": dict(records.faults()),
        }
    result = {"calls": calls.summary.as_dict(), "mpc": mpc.summary.as_dict(), "emulator": seen}
    if args.json:
        print(json.dumps(result))
    else:
        print_summary(f"{args.calls} calls", calls.summary)
        print_summary(f"{args.mpc} MPC actions (add user, warm and cold transfer)", mpc.summary)
        print(
            f"\nthe emulator saw {seen['calls_placed']} calls placed, "
            f"{seen['duplicates']} destination(s) dialled twice; faults injected: "
            f"{seen['faults'] or 'none'}"
        )
        placed = calls.summary.placed + mpc.summary.placed
        unknown = calls.summary.unknown + mpc.summary.unknown
        print(
            f"the client: {placed} placed for sure, {unknown} unknown (an ambiguous failure; "
            f"the emulator had placed {emulator_placed - placed} of them). "
            "Unknown rows are never re-sent, so nobody was dialled twice."
        )
    return EXIT_OK if seen["duplicates"] == 0 else EXIT_NOT_ALL_OK
