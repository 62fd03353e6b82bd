"""Fixtures for the emulator tests: a hand-driven clock, an emulator, a raw HTTP session.

The ``plivo_emulator`` fixture itself comes from the plugin's ``pytest11`` entry point
(plivo-async is installed in development mode), so it is not re-registered here.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import aiohttp
import pytest

from plivo_async.emulator import Emulator, Lifecycle, ManualClock

from ._helpers import Api, auth_header

#: The PHLO the emulator tests use (``Api.mpc()``'s default ids).
PHLOS = {"phlo1": {"node1": "multi_party_call"}}


@pytest.fixture
def manual_clock() -> ManualClock:
    return ManualClock(start=1_700_000_000.0)


@pytest.fixture
def lifecycle() -> Lifecycle:
    return Lifecycle(queued_s=0.0, ringing_s=2.0, talk_s=30.0)


@pytest.fixture
async def emu(manual_clock: ManualClock, lifecycle: Lifecycle) -> AsyncIterator[Emulator]:
    async with Emulator(
        seed=1,
        clock=manual_clock,
        sleep=manual_clock.sleep,
        lifecycle=lifecycle,
        phlos=PHLOS,
    ) as emulator:
        yield emulator


@pytest.fixture
def api(emu: Emulator) -> Api:
    return Api(emu)


@pytest.fixture
async def http(emu: Emulator) -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession(headers=auth_header(emu.auth_id, emu.auth_token)) as session:
        yield session
