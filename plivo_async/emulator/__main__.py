"""``python -m plivo_async.emulator``: serve the emulator until SIGINT/SIGTERM.

The first line on stdout is ``PLIVO_EMULATOR_URL=http://HOST:PORT`` (the API and PHLO
root), so scripts and :func:`~plivo_async.emulator.run_in_subprocess` can parse it.
:func:`add_emulator_arguments` and :func:`run_emulator_from_args` are reused by the
``plivo-async emulator`` CLI subcommand.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import signal
import sys
from collections.abc import Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from .faults import FaultConfig
from .history import DEFAULT_HISTORY_LIMIT
from .server import DEFAULT_AUTH_ID, DEFAULT_AUTH_TOKEN, Emulator
from .state import Lifecycle
from .state.account import DEFAULT_CASH_CREDIT

__all__ = [
    "add_emulator_arguments",
    "emulator_from_args",
    "main",
    "run_emulator_from_args",
    "stopped",
]

_LIFE = Lifecycle()


def _probability(text: str) -> float:
    value = float(text)
    if not 0.0 <= value <= 1.0:
        raise argparse.ArgumentTypeError("a probability must be within 0..1")
    return value


def _cash_credit(text: str) -> Decimal:
    try:
        value = Decimal(text)
    except InvalidOperation:
        value = Decimal("NaN")
    if not value.is_finite():
        raise argparse.ArgumentTypeError("a cash credit must be a decimal amount, e.g. 1000.00")
    return value


def _latency(text: str) -> float | tuple[float, float]:
    """``20`` (fixed ms) or ``10:50`` (uniform range in ms)."""
    low, sep, high = text.partition(":")
    try:
        return (float(low), float(high)) if sep else float(low)
    except ValueError:
        raise argparse.ArgumentTypeError("latency is MS or MIN:MAX (milliseconds)") from None


def _rate_limit(text: str) -> tuple[int, float]:
    """``300/5``: 300 requests per 5 seconds."""
    count, _, period = text.partition("/")
    try:
        return int(count), float(period or 1)
    except ValueError:
        raise argparse.ArgumentTypeError("rate limit is COUNT/SECONDS, e.g. 300/5") from None


def _history_limit(text: str) -> int | None:
    """``N`` entries (>= 0) or ``none`` (no limit)."""
    if text.lower() == "none":
        return None
    try:
        value = int(text)
    except ValueError:
        value = -1
    if value < 0:
        raise argparse.ArgumentTypeError("a history limit is a whole number >= 0, or none")
    return value


def _phlo(text: str) -> tuple[str, dict[str, str]]:
    """``PHLO_ID[:NODE_ID[=TYPE][,NODE_ID[=TYPE]...]]``; a node's type defaults to
    ``multi_party_call``."""
    phlo_id, _, nodes_text = text.partition(":")
    nodes: dict[str, str] = {}
    for part in filter(None, nodes_text.split(",")):
        node_id, _, node_type = part.partition("=")
        if not node_id.strip():
            raise argparse.ArgumentTypeError(f"a node id is missing in {text!r}")
        nodes[node_id.strip()] = node_type.strip() or "multi_party_call"
    if not phlo_id.strip():
        raise argparse.ArgumentTypeError("a PHLO is PHLO_ID[:NODE_ID[=TYPE],...]")
    return phlo_id.strip(), nodes


def _retry_after(text: str) -> float | None:
    return None if text.lower() == "none" else float(text)


def add_emulator_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the emulator's options to ``parser``."""
    add = parser.add_argument
    add("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    add("--port", type=int, default=0, help="port to bind; 0 picks a free one (default)")
    add("--auth-id", default=DEFAULT_AUTH_ID, help=f"accepted auth id (default {DEFAULT_AUTH_ID})")
    add(
        "--auth-token",
        default=DEFAULT_AUTH_TOKEN,
        help="accepted auth token",
    )
    add("--seed", type=int, default=None, help="seed for faults and ids (reproducible runs)")
    add("--latency-ms", type=_latency, default=0.0, help="added latency: MS or MIN:MAX")
    add("--fault-429", type=_probability, default=0.0, metavar="P", help="P(429 + Retry-After)")
    add("--fault-5xx", type=_probability, default=0.0, metavar="P", help="P(5xx, nothing done)")
    add(
        "--fault-5xx-after",
        type=_probability,
        default=0.0,
        metavar="P",
        help="P(request processed, then 5xx)",
    )
    add("--drop-before", type=_probability, default=0.0, metavar="P", help="P(drop, nothing done)")
    add("--drop-after", type=_probability, default=0.0, metavar="P", help="P(processed, dropped)")
    add("--retry-after", type=_retry_after, default=1.0, help="Retry-After seconds on 429, or none")
    add("--fault-paths", choices=("all", "calls"), default="all", help="where faults apply")
    add("--schedule", default="", help="comma-separated fault per request, e.g. 429,ok,drop_after")
    add("--cps", type=float, default=None, help="queue calls beyond this many per second")
    add("--cdr-lag", type=float, default=None, help="seconds from hangup to a findable record")
    add("--rate-limit", type=_rate_limit, default=None, help="429 beyond COUNT/SECONDS, e.g. 300/5")
    add("--queued-s", type=float, default=_LIFE.queued_s, help="seconds a call stays queued")
    add("--ringing-s", type=float, default=_LIFE.ringing_s, help="seconds a call rings")
    add("--talk-s", type=float, default=_LIFE.talk_s, help="seconds an answered call lasts")
    add("--callbacks", action="store_true", help="send signed callbacks to loopback URLs")
    add(
        "--duplicate-callbacks",
        type=_probability,
        default=0.0,
        metavar="P",
        help="P(a callback is sent twice, as Plivo retries webhooks)",
    )
    add(
        "--history-limit",
        type=_history_limit,
        default=DEFAULT_HISTORY_LIMIT,
        metavar="N",
        help="full request/callback entries kept, the oldest dropped (default "
        f"{DEFAULT_HISTORY_LIMIT}; 'none': all); counts and duplicates stay exact",
    )
    add(
        "--cash-credit",
        type=_cash_credit,
        default=DEFAULT_CASH_CREDIT,
        help="the account's starting credit; calls are billed from it as they end",
    )
    add(
        "--phlo",
        type=_phlo,
        action="append",
        default=[],
        metavar="PHLO_ID[:NODE_ID[=TYPE],...]",
        help="a PHLO to serve, with its nodes (TYPE default multi_party_call); repeatable. "
        "Other PHLO, node and member ids get Plivo's 404",
    )
    add("--any-phlo", action="store_true", help="accept any PHLO, node and member id (demos)")
    add(
        "--log-level",
        default="WARNING",
        help="logging level (stderr); info logs each request: method, path, status, time",
    )


def emulator_from_args(args: argparse.Namespace) -> Emulator:
    """Build (not start) an :class:`Emulator` from parsed arguments."""
    schedule = [name.strip() for name in args.schedule.split(",") if name.strip()]
    faults = FaultConfig(
        rate_429=args.fault_429,
        rate_5xx=args.fault_5xx,
        rate_5xx_after=args.fault_5xx_after,
        drop_before=args.drop_before,
        drop_after=args.drop_after,
        latency_ms=args.latency_ms,
        retry_after=args.retry_after,
        paths=args.fault_paths,
        schedule=schedule,
        duplicate_callbacks=args.duplicate_callbacks,
    )
    return Emulator(
        auth_id=args.auth_id,
        auth_token=args.auth_token,
        faults=faults,
        seed=args.seed,
        lifecycle=Lifecycle(args.queued_s, args.ringing_s, args.talk_s),
        cps=args.cps,
        cdr_lag=args.cdr_lag,
        rate_limit=args.rate_limit,
        callbacks=args.callbacks,
        history_limit=args.history_limit,
        phlos=_merged(args.phlo),
        any_phlo=args.any_phlo,
        cash_credit=args.cash_credit,
        host=args.host,
        port=args.port,
    )


def _merged(phlos: list[tuple[str, dict[str, str]]]) -> dict[str, dict[str, str]]:
    """``--phlo`` given twice for one PHLO adds its nodes."""
    merged: dict[str, dict[str, str]] = {}
    for phlo_id, nodes in phlos:
        merged.setdefault(phlo_id, {}).update(nodes)
    return merged


async def serve(emulator: Emulator) -> None:
    """Serve until SIGINT/SIGTERM, announcing the URLs on stdout (URL line first)."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(sig, stop.set)
    async with emulator:
        print(f"PLIVO_EMULATOR_URL={emulator.url}", flush=True)
        print(f"PLIVO_EMULATOR_PHLO_URL={emulator.phlo_url}", flush=True)
        print(f"PLIVO_EMULATOR_AUTH_ID={emulator.auth_id}", flush=True)
        await stop.wait()
    print(f"emulator: {stopped(emulator)}", file=sys.stderr, flush=True)


def stopped(emulator: Emulator) -> str:
    """What an emulator that stopped serving says: how many requests it answered."""
    count = emulator.history.requests.total
    return f"stopped after serving {count} request{'' if count == 1 else 's'}"


def run_emulator_from_args(args: argparse.Namespace) -> int:
    """Serve until interrupted; returns the process exit code."""
    try:
        emulator = emulator_from_args(args)
    except ValueError as exc:
        print(f"plivo-async emulator: {exc}", file=sys.stderr)
        return 2
    logging.basicConfig(level=str(args.log_level).upper(), stream=sys.stderr)
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(serve(emulator))
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m plivo_async.emulator", description="Serve a local Plivo API emulator."
    )
    add_emulator_arguments(parser)
    args: Any = parser.parse_args(argv)
    return run_emulator_from_args(args)


if __name__ == "__main__":
    sys.exit(main())
