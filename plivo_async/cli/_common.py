"""What the commands share: the parser, option types, one-line errors, exit codes, output."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import os
import re
import signal
import sys
from collections.abc import Coroutine
from typing import Any, NoReturn

from ..bulk import BulkRun, Summary
from ..bulk.progress import write_line
from ..limits import Rate

__all__ = [
    "CREDENTIALS",
    "EXIT_INTERRUPTED",
    "EXIT_NOT_ALL_OK",
    "EXIT_OK",
    "EXIT_USAGE",
    "Parser",
    "RowLines",
    "UsageError",
    "add_log_level",
    "check_credentials",
    "configure_logging",
    "describe_os_error",
    "fail",
    "print_summary",
    "rate",
    "run_interruptibly",
    "warn",
]

EXIT_OK = 0  # every row of this run ended ok
EXIT_NOT_ALL_OK = 1  # some row did not, or the run stopped early
EXIT_USAGE = 2  # a usage or set-up mistake: nothing was sent
EXIT_INTERRUPTED = 130  # Ctrl-C or SIGTERM

LOG_LEVELS = ("debug", "info", "warning", "error", "critical")
#: What differs between two answers of the API that say the same (its id of each).
_API_ID = re.compile(r" \(api_id=[^)]*\)")
#: Where the commands that use an account take its credentials from (never from flags:
#: a flag's value shows in the process list and the shell's history).
CREDENTIALS = ("PLIVO_AUTH_ID", "PLIVO_AUTH_TOKEN")


class UsageError(Exception):
    """A set-up mistake found before anything is sent: one line, exit 2."""


class Parser(argparse.ArgumentParser):
    """An argument parser whose errors are one line (``prog: message (see prog --help)``)."""

    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_USAGE, f"{self.prog}: {message} (see {self.prog} --help)\n")


def log_level(text: str) -> str:
    """A logging level name, any case."""
    if text.lower() not in LOG_LEVELS:
        raise argparse.ArgumentTypeError(
            f"unknown log level {text!r} (choose from {', '.join(LOG_LEVELS)})"
        )
    return text.upper()


def add_log_level(parser: argparse.ArgumentParser, *, default: str | None = None) -> None:
    """``--log-level``; on a subcommand it defaults to "not given", so the value given
    before the subcommand (or the top-level default) stands."""
    parser.add_argument(
        "--log-level",
        type=log_level,
        default=argparse.SUPPRESS if default is None else default,
        metavar="LEVEL",
        help=f"library log level on stderr: {', '.join(LOG_LEVELS)} (default warning)",
    )


def configure_logging(level: str) -> None:
    logging.basicConfig(level=level, stream=sys.stderr)


def rate(text: str) -> Rate | None:
    """``300/5`` -> Rate(300, 5.0); ``none`` disables the limit."""
    if text.lower() == "none":
        return None
    count, _, seconds = text.partition("/")
    try:
        return Rate(int(count), float(seconds or 1))
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected COUNT/SECONDS or none, got {text!r}") from None


def describe_os_error(exc: OSError) -> str:
    """``rows.csv: no such file or directory`` rather than ``[Errno 2] ...``."""
    reason = (os.strerror(exc.errno) if exc.errno else str(exc)).lower()
    return f"{exc.filename}: {reason}" if exc.filename else reason


def fail(command: str, message: object) -> int:
    """Print ``plivo-async COMMAND: message`` on stderr; return the usage exit code."""
    write_line(f"plivo-async {command}: {message}")
    return EXIT_USAGE


def warn(command: str, message: str) -> None:
    write_line(f"plivo-async {command}: warning: {message}")


def check_credentials(**urls: str | None) -> None:
    """The account's credentials are in the environment, and no URL option carries any
    (``https://ID:TOKEN@host``); else a :class:`UsageError` that says what to set."""
    missing = [name for name in CREDENTIALS if not os.environ.get(name)]
    if missing:
        raise UsageError(
            f"no {' and no '.join(missing)}: set the environment variable"
            f"{'s' if len(missing) > 1 else ''} {' and '.join(CREDENTIALS)} to your "
            "account's auth id and token (or to those `plivo-async emulator` prints)"
        )
    for flag, url in urls.items():
        _, at, _ = (url or "").partition("://")[2].partition("/")[0].rpartition("@")
        if at:
            raise UsageError(
                f"{flag} must not contain credentials (user:password@): set "
                f"{' and '.join(CREDENTIALS)} instead"
            )


class RowLines:
    """One line on stderr per row that did not end well, but a run of rows that failed
    alike (64 rows refused for the same bad token) is one line for the first row and
    ``... and 63 more rows: same error``: alike is the same reason but for the API's id
    of each answer. Call :meth:`flush` at the end."""

    def __init__(self) -> None:
        self._reason: str | None = None
        self._more = 0

    def add(self, where: str, reason: str) -> None:
        """``where`` (``row 3 (line 5)``) and ``reason`` (``failed: ...``) of one row."""
        alike = _API_ID.sub("", reason)
        if alike == self._reason:
            self._more += 1
            return
        self.flush()
        self._reason = alike
        write_line(f"{where}: {reason}")

    def flush(self) -> None:
        if self._more:
            rows = "row" if self._more == 1 else "rows"
            write_line(f"... and {self._more} more {rows}: same error")
        self._more = 0


def print_summary(title: str, summary: Summary) -> None:
    print(f"\n{title}\n{summary}")


def run_interruptibly(work: Coroutine[Any, Any, int], runs: list[BulkRun[Any]]) -> int:
    """Run ``work``; Ctrl-C and SIGTERM cancel it, so every run's journal is closed
    cleanly, and print what each run had done (exit 130)."""
    try:
        return asyncio.run(_cancel_on_sigterm(work))
    except (KeyboardInterrupt, asyncio.CancelledError):
        for run in runs:
            write_line(f"interrupted; journal is consistent.\n{run.summary}")
        return EXIT_INTERRUPTED


async def _cancel_on_sigterm(work: Coroutine[Any, Any, int]) -> int:
    task = asyncio.ensure_future(work)
    loop = asyncio.get_running_loop()
    with contextlib.suppress(NotImplementedError, RuntimeError):
        loop.add_signal_handler(signal.SIGTERM, task.cancel)
    result: int = await task
    return result
