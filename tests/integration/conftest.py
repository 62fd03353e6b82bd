"""Fixtures for the loopback integration tests: the real client against the real emulator.

Everything runs in the test's event loop over 127.0.0.1: the emulator on an ephemeral
port, the client pointed at it with ``base_url``/``phlo_base_url``. The emulator's own
clock is a :class:`ManualClock`, so call lifecycles (queued -> ringing -> answered ->
over) move only when a test advances it, and nothing waits on wall time.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

from plivo_async import AsyncPlivo
from plivo_async.emulator import Emulator, Lifecycle, ManualClock
from plivo_async.emulator.state import Phlos
from plivo_async.retry import RetryPolicy

FROM = "+14155550100"
ANSWER_URL = "https://example.com/answer"
PHLO_ID = "phlo-0001"
NODE_ID = "node-0001"


def number(i: int) -> str:
    """A distinct, valid E.164 destination per ``i`` (valid for client and emulator)."""
    return f"+1415{i:07d}"


def fast_retry(**overrides: Any) -> RetryPolicy:
    """Tiny backoff and a budget too large to matter: the tests are about the decision table."""
    options: dict[str, Any] = {
        "base": 0.001,
        "cap": 0.01,
        "max_attempts": 5,
        "max_retry_after": 0.01,
        "budget_initial": 100_000.0,
    }
    options.update(overrides)
    return RetryPolicy(**options)


def client_for(emu: Emulator, **options: Any) -> AsyncPlivo:
    """A client pointed at ``emu``, no request-rate limit, fast retries (override freely)."""
    kwargs: dict[str, Any] = {
        "base_url": emu.url,
        "phlo_base_url": emu.phlo_url,
        "rate_limit": None,
        "retry": fast_retry(),
    }
    kwargs.update(options)
    return AsyncPlivo(
        kwargs.pop("auth_id", emu.auth_id), kwargs.pop("auth_token", emu.auth_token), **kwargs
    )


@pytest.fixture
def manual_clock() -> ManualClock:
    return ManualClock(start=1_700_000_000.0)


@pytest.fixture
def lifecycle() -> Lifecycle:
    """Calls ring for 2 s, then talk for 30 s (on the manual clock)."""
    return Lifecycle(queued_s=0.0, ringing_s=2.0, talk_s=30.0)


@pytest.fixture
def phlos() -> Phlos:
    """The PHLOs the emulator serves (a module overrides this fixture to declare others)."""
    return {PHLO_ID: {NODE_ID: "multi_party_call"}}


@pytest.fixture
async def emu(
    manual_clock: ManualClock, lifecycle: Lifecycle, phlos: Phlos
) -> AsyncIterator[Emulator]:
    async with Emulator(
        seed=7, clock=manual_clock, sleep=manual_clock.sleep, lifecycle=lifecycle, phlos=phlos
    ) as emulator:
        yield emulator


@pytest.fixture
async def client(emu: Emulator) -> AsyncIterator[AsyncPlivo]:
    async with client_for(emu) as plivo:
        yield plivo


@pytest.fixture
def cdr_lag() -> float:
    """The indexing lag of the ``lagged`` emulator; a module overrides it to change it."""
    return 60.0


@pytest.fixture
async def lagged(
    manual_clock: ManualClock, lifecycle: Lifecycle, cdr_lag: float
) -> AsyncIterator[Emulator]:
    """An emulator whose call records appear ``cdr_lag`` s after hangup (truthful lookups)."""
    async with Emulator(
        seed=5, clock=manual_clock, sleep=manual_clock.sleep, lifecycle=lifecycle, cdr_lag=cdr_lag
    ) as emulator:
        yield emulator


@pytest.fixture
async def plivo(lagged: Emulator) -> AsyncIterator[AsyncPlivo]:
    """A client of ``lagged``."""
    async with client_for(lagged) as client:
        yield client
