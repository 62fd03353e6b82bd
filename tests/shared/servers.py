"""Fixtures for the tests that need a real redis-server (see :mod:`tests.shared.processes`).

``redis-server`` comes from Debian's package (``.ci/run`` installs it); without it these
tests fail in CI and skip elsewhere, with the reason.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from .processes import (
    RedisMissing,
    RedisServer,
    arrivals,
    emulator_process,
    free_port,
    max_in_window,
    workers,
)

__all__ = [
    "RedisServer",
    "arrivals",
    "emulator_process",
    "free_port",
    "max_in_window",
    "redis_server",
    "workers",
]


@pytest.fixture
def redis_server(tmp_path: Path) -> Iterator[RedisServer]:
    try:
        server = RedisServer(tmp_path)
    except RedisMissing as exc:
        if os.environ.get("CI"):
            pytest.fail(str(exc))
        pytest.skip(str(exc))
    try:
        yield server
    finally:
        server.stop()
