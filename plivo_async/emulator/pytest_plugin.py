"""pytest plugin: the ``plivo_emulator`` fixture, a fresh in-process emulator per test.

Registered as the ``pytest11`` entry point ``plivo_async``, so installing plivo-async makes
the fixture available. Configure it per test with the marker::

    @pytest.mark.plivo_emulator(faults=FaultConfig(rate_429=0.2), seed=7)
    async def test_retries(plivo_emulator): ...

The marker's keyword arguments go to :class:`~plivo_async.emulator.Emulator`, e.g.
``history_limit=1000`` to keep only the newest 1,000 full request entries in a long test. The
fixture is async and needs pytest-asyncio; without it only tests using the fixture fail (pytest says
an async plugin is missing), not every pytest run.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

from .server import Emulator

__all__ = ["plivo_emulator"]


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "plivo_emulator(**kwargs): keyword arguments for the plivo_emulator fixture"
    )


def _options(request: pytest.FixtureRequest) -> dict[str, Any]:
    marker = request.node.get_closest_marker("plivo_emulator")
    return dict(marker.kwargs) if marker is not None else {}


try:
    from pytest_asyncio import fixture as _async_fixture
except ImportError:  # pragma: no cover - without pytest-asyncio, pytest reports the async fixture
    _async_fixture = pytest.fixture  # type: ignore[assignment]


@_async_fixture
async def plivo_emulator(request: pytest.FixtureRequest) -> AsyncIterator[Emulator]:
    """A running :class:`Emulator` on 127.0.0.1 (ephemeral port), stopped after the test."""
    async with Emulator(**_options(request)) as emulator:
        yield emulator
