"""History: every request and every placed call, so tests can prove nobody was dialled twice."""

from __future__ import annotations

import asyncio
import gc
import time
import tracemalloc

import aiohttp

from plivo_async.emulator import Emulator, ManualClock
from plivo_async.emulator.history import CallEntry, History, Recent

from ._helpers import Api, auth_header, call_body


async def test_requests_are_recorded_with_both_clocks_and_body(
    http: aiohttp.ClientSession, api: Api, emu: Emulator, manual_clock: ManualClock
) -> None:
    before = time.monotonic()
    async with http.post(api.calls, json=call_body()) as resp:
        assert resp.status == 201
    manual_clock.advance(7)
    async with http.get(api.calls, params={"limit": "5"}) as resp:
        assert resp.status == 200
    first, second = emu.history.requests
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
    calls = emu.history.calls
    assert [c.request_index for c in calls] == [0, 1, 1, 2]
    summary = emu.history.summary()
    assert summary["calls"] == 4 and summary["duplicates"] == {"+14155550101": 2}
    emu.reset_history()
    assert emu.duplicates() == {} and emu.history.requests == []
    assert len(emu.calls) == 3 + 1  # the emulated calls themselves remain
    emu.reset()
    assert emu.calls == []


def test_max_calls_in_window_checks_a_cps_limit() -> None:
    history = History()
    for i, t in enumerate([0.0, 0.5, 0.99, 1.0, 1.6, 3.0]):
        history.add_call(CallEntry(f"u{i}", f"+1415555000{i}", "+14155550100", t, "api", i, "r"))
    assert history.max_calls_in_window(1.0) == 3  # never 4 within any 1 s
    assert history.max_calls_in_window(0.5) == 2
    assert history.max_calls_in_window(1.0, source="mpc") == 0


def test_recent_keeps_the_newest_and_reads_like_a_list() -> None:
    recent: Recent[int] = Recent(3)
    for i in range(5):
        recent.append(i)
    assert recent == [2, 3, 4] and recent[-1] == 4 and recent[1:] == [3, 4]
    assert (len(recent), recent.dropped, recent.total, recent.limit) == (3, 2, 5, 3)
    recent.clear()
    assert recent == [] and recent.total == 0
    unlimited: Recent[int] = Recent(None)
    for i in range(5):
        unlimited.append(i)
    assert unlimited == [0, 1, 2, 3, 4] and unlimited.dropped == 0


async def test_a_record_limit_keeps_n_full_records_and_exact_counts(
    manual_clock: ManualClock,
) -> None:
    """Past the limit the oldest full records go (counted); what tests assert on stays exact."""
    destinations = [f"+1415555{i % 4:04d}" for i in range(12)]  # 4 destinations, 3 times each
    schedule = ["500", None, "500_after", "429"]  # faults of requests whose records are dropped
    async with Emulator(
        seed=1, clock=manual_clock, sleep=manual_clock.sleep, history_limit=5
    ) as emu:
        emu.set_faults(schedule=schedule, retry_after=None)
        async with aiohttp.ClientSession(headers=auth_header(emu.auth_id, emu.auth_token)) as http:
            for to in destinations:
                async with http.post(Api(emu).calls, json=call_body(to=to)) as resp:
                    await resp.read()
        requests = emu.history.requests
        assert len(requests) == 5 and requests.dropped == 7 and requests.total == 12
        assert [r.index for r in requests] == [7, 8, 9, 10, 11]
        assert [r.body and r.body["to"] for r in requests] == destinations[7:]
        placed = 12 - 2  # the 500 and the 429 placed nothing
        assert len(emu.history.calls) == placed
        assert emu.history.faults() == {"500": 1, "500_after": 1, "429": 1}
        assert emu.dialled_counts() == {
            "+14155550000": 2,
            "+14155550001": 3,
            "+14155550002": 3,
            "+14155550003": 2,
        }
        assert emu.duplicates() == emu.dialled_counts()
        history = [c.request_index for c in emu.history.calls if c.to == "+14155550000"]
        assert history == [4, 8]  # the per-destination history is whole
        assert emu.history.summary()["requests"] == 12
        assert emu.history.summary()["dropped_requests"] == 7


async def test_memory_per_call_stays_small_past_the_record_limit(
    manual_clock: ManualClock,
) -> None:
    """What one more call costs the emulator once its full records are at their limit.

    Measured with tracemalloc on allocations made from the emulator's own code (the
    client's are not its cost). Keeping every full record cost ~1,700 B a call (2 GB
    for a million calls, with aiohttp's share); past the limit a call costs its state
    (kept for lookups) and its compact history, ~850 B.
    """
    warm, measured, concurrency = 600, 4000, 20
    async with Emulator(
        seed=1, clock=manual_clock, sleep=manual_clock.sleep, history_limit=500
    ) as emu:
        url = Api(emu).calls
        async with aiohttp.ClientSession(headers=auth_header(emu.auth_id, emu.auth_token)) as http:

            async def create(i: int) -> None:
                body = call_body(to=f"+1{4_155_000_000 + i}")
                async with http.post(url, json=body) as resp:
                    assert resp.status == 201

            async def creates(first: int, count: int) -> None:
                for start in range(first, first + count, concurrency):
                    await asyncio.gather(*(create(i) for i in range(start, start + concurrency)))

            await creates(0, warm)  # the records reach their limit
            gc.collect()
            tracemalloc.start(8)
            try:
                before = _emulator_bytes(tracemalloc.take_snapshot())
                await creates(warm, measured)
                gc.collect()
                after = _emulator_bytes(tracemalloc.take_snapshot())
            finally:
                tracemalloc.stop()
        assert len(emu.history.calls) == warm + measured and len(emu.history.requests) == 500
    per_call = (after - before) / measured
    print(f"emulator memory: {per_call:.0f} B per call past the record limit")
    assert per_call < 1100  # was ~1,700 (every full record kept); ~850 now


def _emulator_bytes(snapshot: tracemalloc.Snapshot) -> int:
    mine = snapshot.filter_traces(
        [tracemalloc.Filter(True, "*/plivo_async/emulator/*", all_frames=True)]
    )
    return sum(stat.size for stat in mine.statistics("filename"))
