"""Truthful lookups: call records appear after hangup plus ``cdr_lag``; documented filters."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime, timezone
from typing import Any

import aiohttp
import pytest

from plivo_async.emulator import Emulator, Lifecycle, ManualClock

from ._helpers import FROM, Api, auth_header, call_body

START = 1_700_000_000.0
LAG = 10.0


@pytest.fixture
async def lagged(manual_clock: ManualClock, lifecycle: Lifecycle) -> AsyncIterator[Emulator]:
    async with Emulator(
        seed=3, clock=manual_clock, sleep=manual_clock.sleep, lifecycle=lifecycle, cdr_lag=LAG
    ) as emulator:
        yield emulator


@pytest.fixture
async def session(lagged: Emulator) -> AsyncIterator[aiohttp.ClientSession]:
    headers = auth_header(lagged.auth_id, lagged.auth_token)
    async with aiohttp.ClientSession(headers=headers) as s:
        yield s


async def create(http: aiohttp.ClientSession, api: Api, to: str, **extra: Any) -> str:
    async with http.post(api.calls, json=call_body(to=to, **extra)) as resp:
        assert resp.status == 201
        return str((await resp.json())["request_uuid"])


async def records(http: aiohttp.ClientSession, api: Api, **query: Any) -> list[dict[str, Any]]:
    async with http.get(api.calls, params={k: str(v) for k, v in query.items()}) as resp:
        assert resp.status == 200, await resp.text()
        return list((await resp.json())["objects"])


async def live_ids(http: aiohttp.ClientSession, api: Api, **query: Any) -> list[str]:
    params = {"status": "live", **{k: str(v) for k, v in query.items()}}
    async with http.get(api.calls, params=params) as resp:
        assert resp.status == 200
        return list((await resp.json())["calls"])


async def test_a_record_appears_only_after_hangup_plus_the_lag(
    session: aiohttp.ClientSession, lagged: Emulator, manual_clock: ManualClock
) -> None:
    api = Api(lagged)
    uuid = await create(session, api, "+14155550101")
    # Ringing, then talking for 30 s: live, but no call record yet.
    assert await live_ids(session, api) == [uuid]
    assert await records(session, api) == []
    async with session.get(api.call(uuid)) as resp:
        assert resp.status == 404
    manual_clock.advance(2 + 30)  # the callee hangs up now
    assert await live_ids(session, api) == []
    manual_clock.advance(LAG - 0.5)  # over, but not yet indexed: nowhere to be seen
    assert await records(session, api) == []
    async with session.get(api.call(uuid)) as resp:
        assert resp.status == 404
    manual_clock.advance(0.5)
    [record] = await records(session, api)
    assert (record["call_uuid"], record["call_status"]) == (uuid, "completed")
    async with session.get(api.call(uuid)) as resp:
        assert resp.status == 200
        assert (await resp.json())["end_time"] == "2023-11-14 22:13:52+00:00"


async def test_without_a_lag_every_call_has_a_record_at_once(
    http: aiohttp.ClientSession, api: Api
) -> None:
    uuid = await create(http, api, "+14155550101")
    assert [r["call_uuid"] for r in await records(http, api)] == [uuid]


def utc(t: float) -> str:
    return datetime.fromtimestamp(t, timezone.utc).strftime("%Y-%m-%d %H:%M:%S")


async def test_record_filters_follow_the_documented_names(
    session: aiohttp.ClientSession, lagged: Emulator, manual_clock: ManualClock
) -> None:
    api = Api(lagged)
    early = await create(session, api, "+14155550101", time_limit=5)  # ends at +7
    manual_clock.advance(100)
    late = await create(session, api, "+14255550102", hangup_on_ring=1)  # not answered
    manual_clock.advance(100)

    def uuids(found: list[dict[str, Any]]) -> list[str]:
        return [r["call_uuid"] for r in found]

    assert uuids(await records(session, api)) == [late, early]  # newest first
    assert uuids(await records(session, api, to_number="+1415")) == [early]
    assert uuids(await records(session, api, to_number="1425555")) == [late]
    assert uuids(await records(session, api, from_number=FROM)) == [late, early]
    assert uuids(await records(session, api, from_number="+1999")) == []
    assert uuids(await records(session, api, end_time__gt=utc(START + 50))) == [late]
    assert uuids(await records(session, api, end_time__lte=utc(START + 7))) == [early]
    window = {"end_time__gte": utc(START), "end_time__lt": utc(START + 8)}
    assert uuids(await records(session, api, **window)) == [early]
    assert uuids(await records(session, api, end_time=utc(START + 7))) == [early]
    assert uuids(await records(session, api, end_time__gt=utc(START) + ".5")) == [late, early]
    assert uuids(await records(session, api, end_time__gt=utc(START)[:16])) == [late, early]
    assert uuids(await records(session, api, bill_duration__gte=1)) == [early]
    assert uuids(await records(session, api, bill_duration=0)) == [late]
    assert uuids(await records(session, api, hangup_cause_code=4000)) == [early]
    assert uuids(await records(session, api, hangup_source="Plivo")) == [late, early]
    assert uuids(await records(session, api, call_direction="inbound")) == []
    assert uuids(await records(session, api, call_direction="outbound")) == [late, early]
    assert uuids(await records(session, api, subaccount="SA0000000000000000000")) == []
    assert uuids(await records(session, api, parent_call_uuid=early)) == []


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"end_time__gt": "yesterday"}, "end_time__gt"),
        ({"end_time": "2023-13-01 00:00"}, "end_time"),
        ({"bill_duration__lt": "-1"}, "bill_duration__lt"),
        ({"hangup_cause_code": "x"}, "hangup_cause_code"),
    ],
)
async def test_a_malformed_filter_is_a_400_naming_it(
    http: aiohttp.ClientSession, api: Api, query: dict[str, str], field: str
) -> None:
    async with http.get(api.calls, params=query) as resp:
        assert resp.status == 400
        assert field in (await resp.json())["error"]


async def test_live_and_queued_ids_filter_by_prefix_and_page(
    manual_clock: ManualClock, lifecycle: Lifecycle
) -> None:
    async with Emulator(
        seed=1, clock=manual_clock, sleep=manual_clock.sleep, lifecycle=lifecycle, cps=1
    ) as emu:
        api = Api(emu)
        async with aiohttp.ClientSession(headers=auth_header(emu.auth_id, emu.auth_token)) as s:
            first = await create(s, api, "+14155550101")
            queued = [await create(s, api, f"+1425555010{i}") for i in range(3)]
            assert await live_ids(s, api) == [first]
            assert await live_ids(s, api, to_number="1425") == []
            assert await live_ids(s, api, to_number="+1415", from_number=FROM[:5]) == [first]
            assert await live_ids(s, api, call_direction="inbound") == []
            params = {"status": "queued", "to_number": "+1425", "limit": "2", "offset": "1"}
            async with s.get(api.calls, params=params) as resp:
                assert (await resp.json())["calls"] == queued[1:]
