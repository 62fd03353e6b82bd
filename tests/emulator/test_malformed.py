"""Malformed requests get Plivo's 4xx, never a 500; a request fully received is processed.

Each case here was a 500 (an exception escaping a route) before the validation moved into
``rules.py`` parsers and the middleware; ``test_fuzz.py`` covers the whole class.
"""

from __future__ import annotations

import asyncio
import io
import json
from typing import Any

import aiohttp
import pytest
from aiohttp import web

from plivo_async.emulator import Emulator, FaultConfig, ManualClock

from ._helpers import Api, auth_header, call_body


async def error_of(resp: aiohttp.ClientResponse) -> str:
    body = await resp.json()
    assert set(body) == {"api_id", "error"}
    return str(body["error"])


async def test_a_form_body_with_invalid_utf8_is_a_400(
    http: aiohttp.ClientSession, api: Api, emu: Emulator
) -> None:
    form = {"Content-Type": "application/x-www-form-urlencoded"}
    async with http.post(api.calls, data=b"from=%2B14155550100&to=\xff\xfe", headers=form) as resp:
        assert resp.status == 400
        assert "UTF-8" in await error_of(resp)
    assert emu.history.calls == []


@pytest.mark.parametrize("field", ["answer_url", "ring_url", "hangup_url", "fallback_url"])
@pytest.mark.parametrize("url", ["http://[::1", "http://[x]/", "http://h:99999/", "http://h:x/"])
async def test_an_unparsable_callback_url_is_a_400_naming_the_field(
    http: aiohttp.ClientSession, api: Api, field: str, url: str
) -> None:
    async with http.post(api.calls, json=call_body(**{field: url})) as resp:
        assert resp.status == 400
        assert field in await error_of(resp)


async def live_uuid(http: aiohttp.ClientSession, api: Api, emu: Emulator) -> str:
    async with http.post(api.calls, json=call_body()) as resp:
        uuid = str((await resp.json())["request_uuid"])
    assert isinstance(emu.clock, ManualClock)
    emu.clock.advance(5)  # ringing is over: the call is answered
    return uuid


@pytest.mark.parametrize("url", ["http://[::1", "http://[::1]:70000/x"])
async def test_a_transfer_to_an_unparsable_aleg_url_is_a_400(
    http: aiohttp.ClientSession, api: Api, emu: Emulator, url: str
) -> None:
    uuid = await live_uuid(http, api, emu)
    async with http.post(api.call(uuid), json={"legs": "aleg", "aleg_url": url}) as resp:
        assert resp.status == 400
        assert "aleg_url" in await error_of(resp)


@pytest.mark.parametrize("time_limit", ["9" * 5000, "1" * 19, 10**30, "+-5", "٣"])
async def test_record_refuses_a_huge_or_odd_time_limit(
    http: aiohttp.ClientSession, api: Api, emu: Emulator, time_limit: Any
) -> None:
    uuid = await live_uuid(http, api, emu)
    async with http.post(api.call(uuid, "Record"), json={"time_limit": time_limit}) as resp:
        assert resp.status == 400
        assert "time_limit" in await error_of(resp)


@pytest.mark.parametrize("field", ["time_limit", "ring_timeout", "hangup_on_ring"])
async def test_create_refuses_integers_too_long_for_the_clock(
    http: aiohttp.ClientSession, api: Api, emu: Emulator, field: str
) -> None:
    """``ring_timeout="9"*400`` parsed, then overflowed float arithmetic on the clock."""
    async with http.post(api.calls, json=call_body(**{field: "9" * 400})) as resp:
        assert resp.status == 400
        assert field in await error_of(resp)
    assert emu.history.calls == []


@pytest.mark.parametrize(
    "config",
    [
        {"schedule": {"x": "500"}},
        {"schedule": {"": "500"}},
        {"schedule": {"1.5": "500"}},
        {"schedule": {"9" * 5000: "500"}},
        {"schedule": {"0": 5}},
        {"schedule": [5]},
        {"schedule": [["500"]]},
        {"schedule": [{"a": 1}]},
        {"schedule": "500"},
        {"schedule": ["latency:inf"]},
        {"latency_ms": "fast"},
        {"latency_ms": [1, 2, 3]},
        {"latency_ms": [5, "x"]},
        {"rate_429": "often"},
        {"nonsense": 1},
    ],
)
async def test_put_faults_refuses_a_malformed_config_with_a_400(
    http: aiohttp.ClientSession, emu: Emulator, config: dict[str, Any]
) -> None:
    async with http.put(f"{emu.url}/__emulator__/faults", json=config) as resp:
        assert resp.status == 400
        assert "fault" in (await error_of(resp)) or "schedule" in (await error_of(resp))
    assert emu.faults == FaultConfig()


async def test_put_faults_still_takes_a_schedule_with_string_positions(
    http: aiohttp.ClientSession, emu: Emulator
) -> None:
    config = {"schedule": {"0": "503", "2": None}, "latency_ms": [1, 2]}
    async with http.put(f"{emu.url}/__emulator__/faults", json=config) as resp:
        assert resp.status == 204
    assert emu.faults == FaultConfig(schedule={0: "503", 2: None}, latency_ms=(1, 2))


# -- a client that gives up during injected latency ------------------------------------


class GatedSleep:
    """An emulator ``sleep`` that holds every wait until the test opens the gate."""

    def __init__(self) -> None:
        self.entered = asyncio.Event()
        self.gate = asyncio.Event()

    async def __call__(self, seconds: float) -> None:
        self.entered.set()
        await self.gate.wait()


@pytest.mark.parametrize("handler_cancellation", [False, True])
async def test_a_request_fully_received_is_processed_after_the_client_left(
    handler_cancellation: bool,
) -> None:
    """Real Plivo, holding the whole request, places the call whatever the client does next.

    Before the fix the emulator read the body after the latency: the disconnect had
    poisoned it and no call was placed (and with ``handler_cancellation`` the handler was
    cancelled outright), so crash tests against the emulator were laxer than reality.
    """
    sleep = GatedSleep()
    emu = Emulator(sleep=sleep, faults=FaultConfig(schedule=["latency:5000"]))
    runner = web.AppRunner(emu.app, handler_cancellation=handler_cancellation)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    port = runner.addresses[0][1]
    url = f"http://127.0.0.1:{port}/v1/Account/{emu.auth_id}/Call/"
    try:
        async with aiohttp.ClientSession(headers=auth_header(emu.auth_id, emu.auth_token)) as s:
            request = asyncio.ensure_future(s.post(url, json=call_body(to="+14155550123")))
            await sleep.entered.wait()  # the whole request is in; the emulator is "slow"
            request.cancel()  # the client times out and closes its connection
            with pytest.raises(asyncio.CancelledError):
                await request
        server = runner.server
        assert server is not None
        for _ in range(1000):  # let the server see the disconnect (loop turns, no clock)
            if all(handler.transport is None for handler in server.connections):
                break
            await asyncio.sleep(0)
        assert all(handler.transport is None for handler in server.connections), "still open"
        sleep.gate.set()
        for _ in range(1000):
            if emu.history.requests[0].status is not None:
                break
            await asyncio.sleep(0)
        assert [c.to for c in emu.history.calls] == ["+14155550123"]
        assert emu.history.requests[0].status == 201
        assert emu.history.requests[0].fault == "latency:5000"
    finally:
        sleep.gate.set()
        await runner.cleanup()


async def test_a_body_over_the_size_cap_is_a_413_in_plivo_shape(
    http: aiohttp.ClientSession, api: Api, emu: Emulator
) -> None:
    big = json.dumps({"from": "+14155550100", "padding": "x" * (1024**2 + 1)}).encode()
    headers = {"Content-Type": "application/json"}
    async with http.post(api.calls, data=io.BytesIO(big), headers=headers) as resp:
        assert resp.status == 413
        assert await error_of(resp)
    assert emu.history.calls == []
