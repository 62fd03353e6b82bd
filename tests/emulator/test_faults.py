"""Fault injection: exact schedules, seeded probabilities, drops, 429s, latency, scope."""

from __future__ import annotations

import time
from typing import Any

import aiohttp
import pytest

from plivo_async.emulator import Emulator, FaultConfig, ManualClock, PhloNode
from plivo_async.emulator.faults import FaultInjector

from ._helpers import Api, auth_header, call_body

DISCONNECTED = (aiohttp.ServerDisconnectedError, aiohttp.ClientPayloadError, aiohttp.ClientOSError)


async def post_create(http: aiohttp.ClientSession, api: Api, to: str) -> int | str:
    """Status of one create, or "dropped" if the connection was closed."""
    try:
        async with http.post(api.calls, json=call_body(to=to)) as resp:
            await resp.read()
            return resp.status
    except DISCONNECTED:
        return "dropped"


async def test_schedule_gives_exactly_those_faults_in_order(
    http: aiohttp.ClientSession, api: Api, emu: Emulator
) -> None:
    emu.set_faults(schedule=["429", None, "503", "drop_before", "ok", "500_after", "drop_after"])
    results = [await post_create(http, api, f"+1415555{i:04d}") for i in range(8)]
    assert results == [429, 201, 503, "dropped", 201, 500, "dropped", 201]
    faults = [r.fault for r in emu.history.requests]
    assert faults == ["429", None, "503", "drop_before", None, "500_after", "drop_after", None]
    # Calls were placed for the clean requests and the *_after faults only.
    assert [c.to for c in emu.history.calls] == [
        "+14155550001",
        "+14155550004",
        "+14155550005",
        "+14155550006",
        "+14155550007",
    ]
    statuses = [r.status for r in emu.history.requests]
    assert statuses == [429, 201, 503, None, 201, 500, None, 201]


async def test_schedule_mapping_and_reapplying_restarts_it(
    http: aiohttp.ClientSession, api: Api, emu: Emulator
) -> None:
    emu.faults = FaultConfig(schedule={1: "502"})
    first = [await post_create(http, api, f"+1415555{i:04d}") for i in range(3)]
    emu.faults = FaultConfig(schedule={1: "502"})
    again = [await post_create(http, api, f"+1415556{i:04d}") for i in range(3)]
    assert first == again == [201, 502, 201]
    emu.clear_faults()
    assert await post_create(http, api, "+14155559999") == 201


async def fault_sequence(seed: int, n: int = 40) -> list[str | None]:
    faults = FaultConfig(rate_429=0.2, rate_5xx=0.2, drop_before=0.1, drop_after=0.1)
    async with Emulator(seed=seed, faults=faults) as emu:
        api = Api(emu)
        async with aiohttp.ClientSession(headers=auth_header(emu.auth_id, emu.auth_token)) as http:
            for i in range(n):
                await post_create(http, api, f"+1415555{i:04d}")
        return [r.fault for r in emu.history.requests]


async def test_probabilities_are_reproducible_with_a_seed() -> None:
    first = await fault_sequence(seed=42)
    second = await fault_sequence(seed=42)
    other = await fault_sequence(seed=43)
    assert first == second
    assert first != other
    kinds = set(first)
    assert {"429", None} <= kinds
    assert kinds & {"500", "502", "503", "504"}
    assert kinds & {"drop_before", "drop_after"}


def test_injector_frequencies_follow_the_probabilities() -> None:
    injector = FaultInjector(FaultConfig(rate_429=0.3, rate_5xx_after=0.1), seed=7)
    names = [injector.decide().name for _ in range(5000)]
    assert 0.27 < names.count("429") / 5000 < 0.33
    after = sum(1 for n in names if n and n.endswith("_after")) / 5000
    assert 0.08 < after < 0.12
    assert all(
        n in (None, "429", "500_after", "502_after", "503_after", "504_after") for n in names
    )


async def test_drop_before_places_nothing(
    http: aiohttp.ClientSession, api: Api, emu: Emulator
) -> None:
    emu.set_faults(drop_before=1.0)
    with pytest.raises(DISCONNECTED):
        async with http.post(api.calls, json=call_body()) as resp:
            await resp.read()
    assert emu.history.calls == []
    assert emu.dialled_counts() == {}
    [request] = emu.history.requests
    assert (request.fault, request.status) == ("drop_before", None)


async def test_drop_after_places_the_call_but_the_client_sees_a_disconnect(
    http: aiohttp.ClientSession, api: Api, emu: Emulator
) -> None:
    emu.set_faults(drop_after=1.0)
    with pytest.raises(DISCONNECTED):
        async with http.post(api.calls, json=call_body(to="+14155550101")) as resp:
            await resp.read()
    assert [c.to for c in emu.history.calls] == ["+14155550101"]
    assert emu.history.requests[0].fault == "drop_after"
    # The naive retry dials the same person twice, and the records show it.
    emu.clear_faults()
    assert await post_create(http, api, "+14155550101") == 201
    assert emu.duplicates() == {"+14155550101": 2}


async def test_429_carries_retry_after(
    http: aiohttp.ClientSession, api: Api, emu: Emulator
) -> None:
    emu.set_faults(schedule=["429"], retry_after=2.0)
    async with http.post(api.calls, json=call_body()) as resp:
        assert resp.status == 429
        assert resp.headers["Retry-After"] == "2"
        data = await resp.json()
    assert data["api_id"] and data["error"]
    assert emu.history.calls == []
    emu.set_faults(schedule=["429"], retry_after=None)
    async with http.post(api.calls, json=call_body()) as resp:
        assert resp.status == 429
        assert "Retry-After" not in resp.headers


async def test_server_errors_use_the_configured_statuses(
    http: aiohttp.ClientSession, api: Api, emu: Emulator
) -> None:
    emu.set_faults(rate_5xx=1.0, server_errors=(504,))
    assert [await post_create(http, api, f"+1415555{i:04d}") for i in range(3)] == [504] * 3
    assert emu.history.calls == []


async def test_injected_latency_uses_the_emulator_sleep(
    http: aiohttp.ClientSession, api: Api, emu: Emulator, manual_clock: ManualClock
) -> None:
    emu.set_faults(latency_ms=(100, 300), schedule=[None, "latency:1000"])
    for i in range(4):
        assert await post_create(http, api, f"+1415555{i:04d}") == 201
    sleeps = manual_clock.sleeps
    assert len(sleeps) == 4
    assert all(0.1 <= s <= 0.3 for s in (sleeps[0], sleeps[2], sleeps[3]))
    assert 1.1 <= sleeps[1] <= 1.3  # scheduled latency adds to the configured one


async def test_real_latency_is_at_least_the_configured_value() -> None:
    async with Emulator(faults=FaultConfig(latency_ms=20)) as emu:
        api = Api(emu)
        async with aiohttp.ClientSession(headers=auth_header(emu.auth_id, emu.auth_token)) as http:
            started = time.monotonic()
            async with http.get(api.calls) as resp:
                assert resp.status == 200
            elapsed = time.monotonic() - started
    assert elapsed >= 0.02


async def test_paths_calls_limits_faults_to_call_placing_posts(
    http: aiohttp.ClientSession, api: Api, emu: Emulator
) -> None:
    emu.set_faults(rate_5xx=1.0, server_errors=(500,), paths="calls")
    emu.declare_phlos({"phlo1": {"node1": PhloNode("multi_party_call", ["+14155550102"])}})
    async with http.get(api.calls) as resp:
        assert resp.status == 200
    async with http.get(f"{api.phlo}/phlo1") as resp:
        assert resp.status == 200
    assert await post_create(http, api, "+14155550101") == 500
    body = {"action": "call", "to": "+14155550102", "trigger_source": "+14155550100"}
    async with http.post(api.mpc(), json=body) as resp:
        assert resp.status == 500
    async with http.post(api.mpc() + "/members/+14155550102", json={"action": "hold"}) as resp:
        assert resp.status == 200
    assert emu.history.calls == []


async def test_rate_limit_window_answers_429_beyond_the_limit(
    manual_clock: ManualClock,
) -> None:
    async with Emulator(clock=manual_clock, rate_limit=(3, 5.0)) as emu:
        api = Api(emu)
        async with aiohttp.ClientSession(headers=auth_header(emu.auth_id, emu.auth_token)) as http:
            statuses = [await post_create(http, api, f"+1415555{i:04d}") for i in range(4)]
            manual_clock.advance(5.0)
            statuses.append(await post_create(http, api, "+14155550009"))
    assert statuses == [201, 201, 201, 429, 201]
    assert emu.history.requests[3].fault == "rate_limited"
    assert len(emu.history.calls) == 4


@pytest.mark.parametrize(
    "kwargs",
    [
        {"rate_429": 1.5},
        {"rate_429": 0.6, "rate_5xx": 0.6},
        {"schedule": ["418"]},
        {"schedule": ["latency:-5"]},
        {"latency_ms": (50, 10)},
        {"server_errors": (501,)},
        {"paths": "some"},
    ],
)
def test_fault_config_rejects_nonsense(kwargs: dict[str, Any]) -> None:
    with pytest.raises(ValueError):
        FaultConfig(**kwargs)


def test_set_faults_takes_a_config_or_fields_not_both() -> None:
    emu = Emulator()
    with pytest.raises(TypeError):
        emu.set_faults(FaultConfig(), rate_429=0.5)
    assert emu.set_faults(rate_429=0.5).rate_429 == 0.5
