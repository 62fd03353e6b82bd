"""Call lifecycle driven by the injected clock: queued -> ringing -> in-progress -> completed."""

from __future__ import annotations

from typing import Any

import aiohttp
import pytest

from plivo_async.emulator import Emulator, Lifecycle, ManualClock
from plivo_async.emulator.state import CallStore

from ._helpers import Api, auth_header, call_body


async def status_of(http: aiohttp.ClientSession, api: Api, uuid: str) -> dict[str, Any]:
    async with http.get(api.call(uuid)) as resp:
        assert resp.status == 200
        data: dict[str, Any] = await resp.json()
        return data


async def place(http: aiohttp.ClientSession, api: Api, **extra: Any) -> str:
    async with http.post(api.calls, json=call_body(**extra)) as resp:
        assert resp.status == 201
        uuid: str = (await resp.json())["request_uuid"]
        return uuid


async def test_states_advance_with_the_clock(
    http: aiohttp.ClientSession, api: Api, manual_clock: ManualClock
) -> None:
    uuid = await place(http, api)
    seen = []
    for step in (0.0, 1.9, 0.2, 29.0, 1.0):  # ringing 2 s, talk 30 s
        manual_clock.advance(step)
        seen.append((await status_of(http, api, uuid))["call_status"])
    assert seen == ["ringing", "ringing", "in-progress", "in-progress", "completed"]
    cdr = await status_of(http, api, uuid)
    assert cdr["call_duration"] == 30
    assert cdr["billed_duration"] == 60
    assert cdr["hangup_cause_name"] == "Normal Hangup"
    assert cdr["hangup_source"] == "Callee"
    assert cdr["answer_time"] is not None and cdr["end_time"] is not None


async def test_time_limit_caps_the_call(
    http: aiohttp.ClientSession, api: Api, manual_clock: ManualClock
) -> None:
    uuid = await place(http, api, time_limit=10)
    manual_clock.advance(12.5)
    cdr = await status_of(http, api, uuid)
    assert cdr["call_status"] == "completed"
    assert cdr["call_duration"] == 10
    assert cdr["hangup_source"] == "Plivo"


async def test_ring_timeout_means_no_answer(
    http: aiohttp.ClientSession, api: Api, manual_clock: ManualClock
) -> None:
    uuid = await place(http, api, ring_timeout=1)
    manual_clock.advance(1.5)
    cdr = await status_of(http, api, uuid)
    assert cdr["call_status"] == "no-answer"
    assert cdr["answer_time"] is None
    assert cdr["call_duration"] == 0


async def test_hangup_while_ringing_is_a_cancel(
    http: aiohttp.ClientSession, api: Api, manual_clock: ManualClock
) -> None:
    uuid = await place(http, api)
    manual_clock.advance(1)
    async with http.delete(api.call(uuid)) as resp:
        assert resp.status == 204
    manual_clock.advance(100)
    cdr = await status_of(http, api, uuid)
    assert cdr["call_status"] == "cancel"
    assert cdr["call_duration"] == 0


async def test_cps_queues_calls_and_request_can_be_cancelled(
    manual_clock: ManualClock,
) -> None:
    life = Lifecycle(queued_s=0.0, ringing_s=2.0, talk_s=30.0)
    async with Emulator(clock=manual_clock, cps=1, lifecycle=life) as emu:
        api = Api(emu)
        async with aiohttp.ClientSession(headers=auth_header(emu.auth_id, emu.auth_token)) as http:
            first = await place(http, api, to="+14155550101")
            second = await place(http, api, to="+14155550102")
            third = await place(http, api, to="+14155550103")
            assert (await status_of(http, api, first))["call_status"] == "ringing"
            assert (await status_of(http, api, second))["call_status"] == "queued"
            async with http.get(api.calls, params={"status": "queued"}) as resp:
                assert (await resp.json())["calls"] == [second, third]
            async with http.get(api.call(second), params={"status": "queued"}) as resp:
                assert resp.status == 200
                assert (await resp.json())["call_status"] == "queued"
            async with http.delete(f"{api.account}/Request/{third}/") as resp:
                assert resp.status == 204
            async with http.delete(f"{api.account}/Request/{first}/") as resp:
                assert resp.status == 404  # no longer queued
            manual_clock.advance(1.0)
            assert (await status_of(http, api, second))["call_status"] == "ringing"
            manual_clock.advance(5.0)
            assert (await status_of(http, api, third))["call_status"] == "cancel"


def test_store_rejects_bad_configuration() -> None:
    with pytest.raises(ValueError, match="cps"):
        CallStore(Lifecycle(), cps=0)
    with pytest.raises(ValueError, match="durations"):
        Lifecycle(ringing_s=-1)
