"""Run the real ``plivo-async`` in a subprocess (measured by coverage when the tests are)."""

from __future__ import annotations

import asyncio
import os
import sys
import uuid
from pathlib import Path
from typing import Any

import attrs

from plivo_async.emulator import Emulator

REPO = Path(__file__).resolve().parents[2]
CLIENT_VARIABLES = ("PLIVO_AUTH_ID", "PLIVO_AUTH_TOKEN", "PLIVO_BASE_URL", "PLIVO_PHLO_BASE_URL")


@attrs.frozen
class Finished:
    code: int
    out: str
    err: str

    @property
    def err_lines(self) -> list[str]:
        return self.err.splitlines()


def cli_environment(emulator: Emulator | None = None, **extra: str) -> dict[str, str]:
    """The environment of a CLI run: this tree first; the emulator's credentials and URLs."""
    env = {k: v for k, v in os.environ.items() if k not in CLIENT_VARIABLES}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")]))
    if emulator is not None:
        env.update(
            PLIVO_AUTH_ID=emulator.auth_id,
            PLIVO_AUTH_TOKEN=emulator.auth_token,
            PLIVO_BASE_URL=emulator.url,
            PLIVO_PHLO_BASE_URL=emulator.phlo_url,
        )
    env.update(extra)
    return env


class _Coverage:
    """Measure a child the way the parent is measured, and merge its data into the parent's."""

    def __init__(self) -> None:
        try:
            import coverage
        except ImportError:  # pragma: no cover - coverage is a test dependency
            self.current: Any = None
        else:
            self.current = coverage.Coverage.current()
        self.data_file = REPO / f".coverage.cli-{uuid.uuid4().hex}"

    def prefix(self) -> list[str]:
        if self.current is None:
            return []
        return ["-m", "coverage", "run", f"--data-file={self.data_file}"]

    def merge(self) -> None:
        if self.current is None or not self.data_file.exists():
            return
        from coverage import CoverageData

        data = CoverageData(basename=str(self.data_file))
        data.read()
        self.current.get_data().update(data)
        self.data_file.unlink()


async def start_cli(*args: str, env: dict[str, str]) -> tuple[asyncio.subprocess.Process, Any]:
    """Start ``python -m plivo_async.cli ARGS``; returns the process and its coverage hook."""
    measured = _Coverage()
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        *measured.prefix(),
        "-m",
        "plivo_async.cli",
        *args,
        env=env,
        cwd=REPO,
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    return process, measured


async def run_cli(*args: str, env: dict[str, str], timeout: float = 60) -> Finished:
    """Run the CLI to the end (the test's event loop keeps serving the emulator meanwhile)."""
    process, measured = await start_cli(*args, env=env)
    out, err = await asyncio.wait_for(process.communicate(), timeout)
    measured.merge()
    assert process.returncode is not None
    return Finished(process.returncode, out.decode(), err.decode())
