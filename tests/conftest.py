"""Shared fixtures: a fake clock for retry and limiter tests, and the emulator plugin."""

from __future__ import annotations

import asyncio

import pytest
from hypothesis import HealthCheck, settings

AUTH_ID = "MATESTAUTHID00000000"
AUTH_TOKEN = "s3cr3t-t0ken-do-not-leak-XYZ"

# Property tests check behaviour, not speed: on a shared CI machine a slow example is no
# failure (and no deadline: timing belongs to the benchmarks).
settings.register_profile(
    "plivo", deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large]
)
settings.load_profile("plivo")


class FakeClock:
    """Time that moves only when someone sleeps on it; records every sleep."""

    def __init__(self, start: float = 1000.0) -> None:
        self.now = start
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += max(seconds, 0.0)
        await asyncio.sleep(0)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


def _patch_aioresponses_for_aiohttp_314() -> None:
    """aioresponses 0.7.9 builds ClientResponse without aiohttp 3.14's ``stream_writer``.

    Until a release supports 3.14, give its mocked responses a class that supplies it.
    """
    import inspect

    import aiohttp
    import aioresponses.core

    if "stream_writer" not in inspect.signature(aiohttp.ClientResponse.__init__).parameters:
        return

    class _NullWriter:
        output_size = 0

    class CompatResponse(aiohttp.ClientResponse):
        def __init__(self, method: str, url: object, **kwargs: object) -> None:
            kwargs.setdefault("stream_writer", _NullWriter())
            super().__init__(method, url, **kwargs)  # type: ignore[arg-type]

    aioresponses.core.ClientResponse = CompatResponse  # type: ignore[misc]


_patch_aioresponses_for_aiohttp_314()
