"""Real servers and worker processes, for the tests and benchmarks that are about them.

redis-server and a subprocess emulator run on 127.0.0.1 on an ephemeral port; readiness
is read from the server's own output (no polling, no sleeping). No pytest here: the
benchmarks use this module too (``tests/shared/servers.py`` adds the fixtures).
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import socket
import subprocess
import sys
import urllib.request
from base64 import b64encode
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from plivo_async.emulator import DEFAULT_AUTH_ID, DEFAULT_AUTH_TOKEN
from plivo_async.emulator.process import run_in_subprocess


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class RedisMissing(RuntimeError):
    """No ``redis-server`` binary on this machine."""


class RedisServer:
    """One ``redis-server`` process: ``url``, and ``stop()`` to simulate an outage."""

    def __init__(self, directory: Path) -> None:
        binary = shutil.which("redis-server")
        if binary is None:
            raise RedisMissing("redis-server is not installed (apt-get install redis-server)")
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        argv = [binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", ""]
        argv += ["--appendonly", "no", "--dir", str(directory), "--daemonize", "no"]
        self._proc = subprocess.Popen(
            argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
        )
        assert self._proc.stdout is not None
        for line in self._proc.stdout:
            if "Ready to accept connections" in line:
                break
        else:
            raise RuntimeError(f"redis-server exited: code {self._proc.wait()}")

    def stop(self) -> None:
        if self._proc.poll() is None:
            self._proc.terminate()
            self._proc.wait(timeout=10)
        if self._proc.stdout is not None:
            self._proc.stdout.close()


@contextlib.contextmanager
def emulator_process(**config: Any) -> Iterator[str]:
    """An emulator in its own process (its own event loop and clock): yields its URL."""
    with run_in_subprocess(**config) as url:
        yield url


def arrivals(url: str) -> dict[str, Any]:
    """The emulator's arrival times of calls and requests (``GET /__emulator__/calls``)."""
    token = b64encode(f"{DEFAULT_AUTH_ID}:{DEFAULT_AUTH_TOKEN}".encode()).decode()
    request = urllib.request.Request(
        url.rstrip("/") + "/__emulator__/calls", headers={"Authorization": "Basic " + token}
    )
    with urllib.request.urlopen(request, timeout=10) as response:  # loopback only
        return json.loads(response.read())  # type: ignore[no-any-return]


def max_in_window(times: list[float], window: float = 1.0) -> int:
    """Most timestamps within any half-open window of ``window`` seconds."""
    ordered = sorted(times)
    best = start = 0
    for end, t in enumerate(ordered):
        while t - ordered[start] >= window:
            start += 1
        best = max(best, end - start + 1)
    return best


ROOT = Path(__file__).resolve().parents[2]


def workers(url: str, limits_url: str, count: int, per_worker: int, *extra: str) -> list[dict]:
    """Start ``count`` worker processes at once; wait for all; their JSON reports."""
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]),
    }
    procs = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "tests.shared.limits_worker",
                url,
                limits_url,
                "--count",
                str(per_worker),
                "--offset",
                str(k * per_worker),
                *extra,
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            text=True,
        )
        for k in range(count)
    ]
    reports = []
    for proc in procs:
        out, _ = proc.communicate(timeout=120)
        assert proc.returncode == 0
        reports.append(json.loads(out.strip().splitlines()[-1]))
    return reports
