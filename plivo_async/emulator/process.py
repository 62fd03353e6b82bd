"""Run the emulator in a child process, so a benchmark's client and server don't share a loop.

``with run_in_subprocess(fault_429=0.05, seed=1) as url: ...`` starts
``python -m plivo_async.emulator --host 127.0.0.1 --port 0 ...``, waits for the
``PLIVO_EMULATOR_URL=`` line, yields the URL, and terminates the child on exit. The history of
a child emulator are read over HTTP: ``GET {url}/__emulator__/stats`` (same Basic auth).
"""

from __future__ import annotations

import contextlib
import os
import queue
import subprocess
import sys
import threading
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import IO, Any

__all__ = ["emulator_command", "run_in_subprocess", "start_process"]

_PREFIX = "PLIVO_EMULATOR_URL="

# keyword -> CLI flag; values are formatted by _format.
_FLAGS = {
    "host": "--host",
    "port": "--port",
    "auth_id": "--auth-id",
    "auth_token": "--auth-token",
    "seed": "--seed",
    "latency_ms": "--latency-ms",
    "fault_429": "--fault-429",
    "fault_5xx": "--fault-5xx",
    "fault_5xx_after": "--fault-5xx-after",
    "drop_before": "--drop-before",
    "drop_after": "--drop-after",
    "retry_after": "--retry-after",
    "fault_paths": "--fault-paths",
    "schedule": "--schedule",
    "cps": "--cps",
    "cdr_lag": "--cdr-lag",
    "rate_limit": "--rate-limit",
    "queued_s": "--queued-s",
    "ringing_s": "--ringing-s",
    "talk_s": "--talk-s",
    "duplicate_callbacks": "--duplicate-callbacks",
    "history_limit": "--history-limit",
    "cash_credit": "--cash-credit",
    "log_level": "--log-level",
}


def _node_type(node: Any) -> str:
    """A node's type: the string itself, or a ``PhloNode``'s (members are not passed on)."""
    return str(getattr(node, "node_type", node))


def _format(key: str, value: Any) -> str:
    if key == "latency_ms" and isinstance(value, (tuple, list)):
        return f"{value[0]}:{value[1]}"
    if key == "rate_limit" and isinstance(value, (tuple, list)):
        return f"{value[0]}/{value[1]}"
    if key == "schedule" and not isinstance(value, str):
        return ",".join("ok" if v is None else str(v) for v in value)
    if key in ("retry_after", "history_limit") and value is None:
        return "none"
    return str(value)


def emulator_command(**config: Any) -> list[str]:
    """The argv that starts an emulator with ``config`` (keywords as in the CLI, snake_case;
    ``phlos`` as for :class:`~plivo_async.emulator.Emulator`, each a ``--phlo``)."""
    argv = [sys.executable, "-m", "plivo_async.emulator"]
    config.setdefault("host", "127.0.0.1")
    config.setdefault("port", 0)
    if config.pop("callbacks", False):
        argv.append("--callbacks")
    if config.pop("any_phlo", False):
        argv.append("--any-phlo")
    for phlo_id, nodes in dict(config.pop("phlos", None) or {}).items():
        types = ",".join(f"{node_id}={_node_type(node)}" for node_id, node in nodes.items())
        argv += ["--phlo", f"{phlo_id}:{types}" if types else phlo_id]
    for key, value in config.items():
        if key not in _FLAGS:
            raise TypeError(f"unknown emulator option {key!r}")
        if value is None and key not in ("retry_after", "history_limit"):  # None: "none"
            continue
        argv += [_FLAGS[key], _format(key, value)]
    return argv


def _pump(stream: IO[str], lines: queue.Queue[str | None]) -> None:
    """Forward the child's stdout lines (keeps the pipe drained until the child exits)."""
    for line in stream:
        lines.put(line)
    lines.put(None)


def _child_env() -> dict[str, str]:
    """The parent's environment, plus this package on PYTHONPATH (it may not be installed)."""
    env = dict(os.environ)
    root = str(Path(__file__).resolve().parents[2])
    parts: Sequence[str] = [root, *filter(None, env.get("PYTHONPATH", "").split(os.pathsep))]
    env["PYTHONPATH"] = os.pathsep.join(parts)
    return env


@contextlib.contextmanager
def start_process(
    argv: Sequence[str],
    *,
    startup_timeout: float = 15.0,
    env: dict[str, str] | None = None,
    cwd: str | os.PathLike[str] | None = None,
) -> Iterator[tuple[str, subprocess.Popen[str]]]:
    """Run an emulator command line; yield its URL (from its first output line) and process.

    For variants of the emulator (benchmarks add routes); most callers want
    :func:`run_in_subprocess`.
    """
    proc = subprocess.Popen(
        list(argv),
        cwd=cwd,
        stdout=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
        text=True,
        env=env or _child_env(),
    )
    assert proc.stdout is not None
    lines: queue.Queue[str | None] = queue.Queue()
    pump = threading.Thread(target=_pump, args=(proc.stdout, lines), daemon=True)
    pump.start()
    try:
        url = None
        while url is None:
            try:
                line = lines.get(timeout=startup_timeout)
            except queue.Empty:
                raise TimeoutError(f"emulator did not start within {startup_timeout} s") from None
            if line is None:
                raise RuntimeError(f"emulator exited during startup (code {proc.wait()})")
            if line.startswith(_PREFIX):
                url = line[len(_PREFIX) :].strip()
        yield url, proc
    finally:
        if proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        pump.join(timeout=5)
        if not pump.is_alive():
            proc.stdout.close()


@contextlib.contextmanager
def run_in_subprocess(*, startup_timeout: float = 15.0, **config: Any) -> Iterator[str]:
    """Start an emulator process; yield its base URL (API and PHLO root); stop it on exit."""
    with start_process(emulator_command(**config), startup_timeout=startup_timeout) as (url, _):
        yield url
