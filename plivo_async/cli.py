"""``plivo-async``: ``demo`` (no account needed), ``dial`` (a CSV of calls), ``emulator``."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import logging
import signal
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from .bulk import BulkRun, Summary, file_digest, read_csv
from .client import PLIVO_RATE_LIMIT, AsyncPlivo, ConfigurationError
from .errors import PlivoError
from .limits import Rate
from .retry import RetryPolicy

__all__ = ["main"]

DEMO_FROM = "+14155550100"
DEMO_ANSWER_URL = "https://example.com/answer.xml"


def _rate(text: str) -> Rate | None:
    """``300/5`` -> Rate(300, 5.0); ``none`` disables the limit."""
    if text.lower() == "none":
        return None
    count, _, seconds = text.partition("/")
    try:
        return Rate(int(count), float(seconds or 1))
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected COUNT/SECONDS or none, got {text!r}") from None


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="plivo-async",
        description="Bulk outbound calls on Plivo, concurrently, never dialling anyone twice.",
    )
    parser.add_argument("--log-level", default="WARNING", help="library log level (stderr)")
    sub = parser.add_subparsers(dest="command", required=True)

    demo = sub.add_parser(
        "demo",
        help="dial through the real client against an embedded emulator (no account needed)",
    )
    demo.add_argument("--calls", type=int, default=300, help="calls to place (default 300)")
    demo.add_argument("--mpc", type=int, default=30, help="MPC transfers to make (default 30)")
    demo.add_argument("--concurrency", type=int, default=64, help="requests in flight")
    demo.add_argument("--cps", type=float, default=None, help="calls per second (default: none)")
    demo.add_argument("--seed", type=int, default=1, help="seed for the emulator's faults")
    demo.add_argument("--no-faults", action="store_true", help="switch fault injection off")
    demo.add_argument("--json", action="store_true", help="print the summary as JSON")

    dial = sub.add_parser("dial", help="place one call per CSV row (PLIVO_AUTH_ID/TOKEN)")
    dial.add_argument("rows", type=Path, help="CSV with a header; a 'to' column at least")
    dial.add_argument("--from", dest="from_", help="caller id for rows without a 'from'")
    dial.add_argument("--answer-url", help="answer_url for rows without one")
    dial.add_argument("--hangup-url", help="hangup_url for rows without one")
    dial.add_argument("--concurrency", type=int, default=64, help="requests in flight")
    dial.add_argument("--cps", type=float, default=None, help="your account's calls per second")
    dial.add_argument(
        "--rate-limit",
        type=_rate,
        default=PLIVO_RATE_LIMIT,
        help="requests per window, COUNT/SECONDS or none (default: Plivo's 300/5 + guard)",
    )
    dial.add_argument(
        "--journal",
        type=Path,
        default=None,
        help="crash-safe journal (default ROWS.journal.jsonl); rerun to resume",
    )
    dial.add_argument("--no-journal", action="store_true", help="run without a journal")
    dial.add_argument(
        "--retry-unknown",
        action="store_true",
        help="resend rows whose outcome is unknown (they may be dialled twice)",
    )
    dial.add_argument("--stop-after-failures", type=int, default=None, metavar="N")
    dial.add_argument("--base-url", default=None, help="API root (e.g. an emulator's URL)")
    dial.add_argument("--phlo-base-url", default=None, help="PHLO root")
    dial.add_argument("--timeout", type=float, default=30.0, help="seconds per request")
    dial.add_argument("--no-progress", action="store_true", help="no progress bar")
    dial.add_argument("--json", action="store_true", help="print the summary as JSON")

    from .emulator.__main__ import add_emulator_arguments

    add_emulator_arguments(sub.add_parser("emulator", help="serve the Plivo API emulator"))
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code (0 all rows ok, 1 some not, 2 bad usage)."""
    args: Any = _parser().parse_args(argv)
    if args.command == "emulator":
        from .emulator.__main__ import run_emulator_from_args

        return run_emulator_from_args(args)
    logging.basicConfig(level=str(args.log_level).upper(), stream=sys.stderr)
    command = _demo if args.command == "demo" else _dial
    runs: list[BulkRun[Any]] = []
    try:
        return asyncio.run(_interruptible(command(args, runs)))
    except (ConfigurationError, PlivoError, OSError) as exc:
        print(f"plivo-async {args.command}: {exc}", file=sys.stderr)
        return 2
    except (KeyboardInterrupt, asyncio.CancelledError):
        for run in runs:
            print(f"interrupted; journal is consistent.\n{run.summary.render()}", file=sys.stderr)
        return 130


async def _interruptible(work: Any) -> int:
    """Run ``work``; SIGTERM cancels it like Ctrl-C does, so the journal is closed cleanly."""
    task = asyncio.ensure_future(work)
    loop = asyncio.get_running_loop()
    with contextlib.suppress(NotImplementedError, RuntimeError):
        loop.add_signal_handler(signal.SIGTERM, task.cancel)
    result: int = await task
    return result


def _print_summary(title: str, summary: Summary) -> None:
    print(f"\n{title}\n{summary.render()}")


async def _dial(args: Any, runs: list[BulkRun[Any]]) -> int:
    defaults = {
        k: v
        for k, v in (
            ("from", args.from_),
            ("answer_url", args.answer_url),
            ("hangup_url", args.hangup_url),
        )
        if v
    }
    journal = None if args.no_journal else (args.journal or Path(f"{args.rows}.journal.jsonl"))
    urls = {"base_url": args.base_url, "phlo_base_url": args.phlo_base_url}
    async with AsyncPlivo(
        timeout=args.timeout,
        max_concurrency=args.concurrency,
        rate_limit=args.rate_limit,
        calls_per_second=args.cps,
        **{k: v for k, v in urls.items() if v},
    ) as client:
        run = client.bulk.create_calls(
            read_csv(args.rows),
            defaults=defaults,
            journal=journal,
            input_id=file_digest(args.rows),
            retry_unknown=args.retry_unknown,
            stop_after_failures=args.stop_after_failures,
            progress=False if args.no_progress else None,
        )
        runs.append(run)
        summary = await run.wait()
    if args.json:
        print(json.dumps({"calls": summary.as_dict(), "journal": str(journal)}))
    else:
        _print_summary(f"dialled {args.rows} (journal: {journal})", summary)
    return 0 if summary.rows == summary.ok else 1


async def _demo(args: Any, runs: list[BulkRun[Any]]) -> int:
    from .emulator import Emulator, FaultConfig

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
                ({"to": f"+1415{7000000 + i}"} for i in range(args.calls)),
                defaults={"from": DEMO_FROM, "answer_url": DEMO_ANSWER_URL},
            )
            runs.append(calls)
            await calls.wait()
            actions = ("call", "warm_transfer", "cold_transfer")
            mpc = client.bulk.mpc_actions(
                (
                    {"action": actions[i % 3], "to": f"+1415{8000000 + i}", "role": "agent"}
                    for i in range(args.mpc)
                ),
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
        _print_summary(f"{args.calls} calls", calls.summary)
        _print_summary(f"{args.mpc} MPC actions (add user, warm and cold transfer)", mpc.summary)
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
    return 0 if seen["duplicates"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
