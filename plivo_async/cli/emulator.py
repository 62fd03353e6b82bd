"""``plivo-async emulator``: serve the Plivo API emulator until Ctrl-C / SIGTERM.

It prints what a client needs as ``export`` lines to paste into a shell (API and PHLO
roots, auth id and token), after which ``plivo-async dial`` and ``AsyncPlivo()`` talk to
it with no flags. ``--log-level info`` logs each request (method, path, status, time) on
stderr; when it stops, it says how many requests it served. A port already in use is one
line and exit 2.
"""

from __future__ import annotations

import asyncio
import contextlib
import shlex
import signal
import sys
from typing import Any

from ..bulk.progress import write_line
from ..emulator import Emulator
from ..emulator.__main__ import add_emulator_arguments, emulator_from_args, stopped
from ._common import EXIT_OK, add_log_level, configure_logging, describe_os_error, fail

__all__ = ["add_parser", "exports", "run"]


def add_parser(sub: Any) -> None:
    emulator = sub.add_parser(
        "emulator",
        help="serve the Plivo API emulator",
        description="Serve a local Plivo API emulator (calls, PHLO) with fault injection; "
        "paste the export lines it prints to point clients at it.",
        conflict_handler="resolve",  # our --log-level replaces the emulator module's
    )
    add_emulator_arguments(emulator)
    add_log_level(emulator)
    emulator.set_defaults(run=run)


def exports(emulator: Emulator) -> list[str]:
    """The shell lines that point ``AsyncPlivo()`` and ``plivo-async dial`` at ``emulator``."""
    values = {
        "PLIVO_BASE_URL": emulator.url,
        "PLIVO_PHLO_BASE_URL": emulator.phlo_url,
        "PLIVO_AUTH_ID": emulator.auth_id,
        "PLIVO_AUTH_TOKEN": emulator.auth_token,
    }
    return [f"export {name}={shlex.quote(value)}" for name, value in values.items()]


def run(args: Any) -> int:
    try:
        emulator = emulator_from_args(args)
    except ValueError as exc:
        return fail("emulator", exc)
    configure_logging(args.log_level)
    try:
        with contextlib.suppress(KeyboardInterrupt):
            asyncio.run(_serve(emulator))
    except OSError as exc:
        where = f"{args.host}:{args.port}"
        return fail("emulator", f"cannot listen on {where}: {describe_os_error(exc)}")
    return EXIT_OK


async def _serve(emulator: Emulator) -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(sig, stop.set)
    async with emulator:
        print(f"# plivo-async emulator on {emulator.url}; Ctrl-C stops it. In another shell:")
        for line in exports(emulator):
            print(line)
        sys.stdout.flush()
        await stop.wait()
    write_line(f"plivo-async emulator: {stopped(emulator)}")
