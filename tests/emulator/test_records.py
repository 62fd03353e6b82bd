"""Records: every request and every placed call, so tests can prove nobody was dialled twice."""

from __future__ import annotations

import time

import aiohttp

from plivo_async.emulator import Emulator, ManualClock
from plivo_async.emulator.records import CallRecord, Records

from ._helpers import Api, call_body


async def test_requests_are_recorded_with_both_clocks_and_body(
    http: aiohttp.ClientSession, api: Api, emu: Emulator, manual_clock: ManualClock
) -> None:
    before = time.monotonic()
    async with http.post(api.calls, json=call_body()) as resp:
        assert resp.status == 201
    manual_clock.advance(7)
    async with http.get(api.calls, params={"limit": "5"}) as resp:
        assert resp.status == 200
    first, second = emu.records.requests
    path = f"/v1/Account/{emu.auth_id}/Call/"
    assert (first.index, first.method, first.path) == (0, "POST", path)
    assert first.body == call_body()
    assert first.status == 201 and first.fault is None
    assert second.method == "GET" and second.query == {"limit": "5"} and second.body is None
    assert second.time - first.time == 7.0
    assert before <= first.monotonic <= second.monotonic <= time.monotonic()


async def test_dialled_counts_and_duplicates(
    http: aiohttp.ClientSession, api: Api, emu: Emulator
) -> None:
    for to in ("+14155550101", "+14155550102<+14155550103", "+14155550101"):
        async with http.post(api.calls, json=call_body(to=to)) as resp:
            assert resp.status == 201
    assert emu.dialled_counts() == {"+14155550101": 2, "+14155550102": 1, "+14155550103": 1}
    assert emu.duplicates() == {"+14155550101": 2}
    calls = emu.records.calls
    assert [c.request_index for c in calls] == [0, 1, 1, 2]
    summary = emu.records.summary()
    assert summary["calls"] == 4 and summary["duplicates"] == {"+14155550101": 2}
    emu.reset_records()
    assert emu.duplicates() == {} and emu.records.requests == []
    assert len(emu.calls) == 3 + 1  # the emulated calls themselves remain
    emu.reset()
    assert emu.calls == []


def test_max_calls_in_window_checks_a_cps_limit() -> None:
    records = Records()
    for i, t in enumerate([0.0, 0.5, 0.99, 1.0, 1.6, 3.0]):
        records.add_call(CallRecord(f"u{i}", f"+1415555000{i}", "+14155550100", t, "api", i, "r"))
    assert records.max_calls_in_window(1.0) == 3  # never 4 within any 1 s
    assert records.max_calls_in_window(0.5) == 2
    assert records.max_calls_in_window(1.0, source="mpc") == 0
