"""Campaigns on the emulator: calling windows in the callee's zone, the do-not-call list,
redial schedules per outcome and local caller ids.

The run's clock is virtual (:class:`Clock`), shared with the emulator, so each call's
``time`` in ``emu.history`` is the run's moment of dialling: a window's wait takes no
real time and is checked to the second.
"""

from __future__ import annotations

import asyncio
import heapq
import json
from collections.abc import AsyncIterator, Callable
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer

from plivo_async.bulk.campaign import CallingWindow
from plivo_async.bulk.policy import Redial, Retry
from plivo_async.emulator import Emulator, Lifecycle, Script
from plivo_async.errors import ValidationError
from plivo_async.tracking import CallTracker
from plivo_async.webhooks import AnswerEvent, CallbackEvent
from plivo_async.xml import Response, Speak

from .conftest import ANSWER_URL, FROM, client_for

pytest.importorskip("phonenumbers")

NEW_YORK, LOS_ANGELES, LONDON, TOKYO = (
    "+12125550142",
    "+14155550142",
    "+442071234567",
    "+81312345678",
)
#: Monday 7 December 2026, 12:00 UTC: 07:00 in New York, 04:00 in Los Angeles, 12:00 in
#: London, 21:00 in Tokyo (its window just closed).
MONDAY_NOON = datetime(2026, 12, 7, 12, 0, tzinfo=timezone.utc).timestamp()
US_HOURS = CallingWindow(start="08:00", end="21:00", days="mon-sat")


def utc(day: int, hour: int, minute: int = 0) -> float:
    return datetime(2026, 12, day, hour, minute, tzinfo=timezone.utc).timestamp()


class Clock:
    """Virtual time for a run: ``sleep`` waits until :meth:`drive` moves the clock to its
    deadline, which it does, earliest first, only once every row is done or asleep (so
    a row woken dials before the clock moves on). A sleep longer than ``block_beyond``
    never returns (the tracking timer; a first run stopped while its rows wait)."""

    def __init__(self, start: float, block_beyond: float = float("inf")) -> None:
        self.now = start
        self.block_beyond = block_beyond
        self.sleepers: list[tuple[float, int, asyncio.Future[None]]] = []
        self.delays: list[float] = []
        self.blocked = 0
        self.changed = asyncio.Event()

    def __call__(self) -> float:
        return self.now

    def poke(self, *_: object) -> None:
        self.changed.set()

    async def sleep(self, seconds: float) -> None:
        self.delays.append(seconds)
        if seconds > self.block_beyond:
            self.blocked += 1
            self.poke()
            await asyncio.Event().wait()
        if seconds <= 0:
            await asyncio.sleep(0)
            return
        waiter = asyncio.get_running_loop().create_future()
        entry = (self.now + seconds, id(waiter), waiter)
        heapq.heappush(self.sleepers, entry)
        self.poke()
        try:
            await waiter
        finally:
            if entry in self.sleepers:
                self.sleepers.remove(entry)
                heapq.heapify(self.sleepers)

    async def until(self, ready: Callable[[], bool]) -> None:
        while not ready():
            self.changed.clear()
            await self.changed.wait()

    async def drive(self, run: Any, rows: int) -> None:
        """Move time for ``run`` (give it ``progress=clock.poke``) until cancelled."""
        while True:
            await self.until(
                lambda: bool(self.sleepers) and run.summary.rows + len(self.sleepers) >= rows
            )
            deadline, _, waiter = heapq.heappop(self.sleepers)
            self.now = max(self.now, deadline)
            waiter.set_result(None)
            await asyncio.sleep(0)


async def collect(run: Any, clock: Clock, rows: int) -> list[Any]:
    """Run to the end, the clock driven."""
    driver = asyncio.create_task(clock.drive(run, rows))
    try:
        return await run.collect()  # type: ignore[no-any-return]
    finally:
        driver.cancel()


def rows(*numbers: str, **extra: Any) -> list[dict[str, Any]]:
    return [{"from": FROM, "to": to, "answer_url": ANSWER_URL, **extra} for to in numbers]


def dialled_at(emu: Emulator) -> dict[str, list[float]]:
    times: dict[str, list[float]] = {}
    for call in emu.history.calls:
        times.setdefault("+" + call.to.lstrip("+"), []).append(call.time)
    return times


# -- calling windows -----------------------------------------------------------------------


async def test_rows_in_four_zones_are_dialled_each_when_its_own_window_opens() -> None:
    clock = Clock(MONDAY_NOON)
    async with Emulator(clock=clock) as emu, client_for(emu) as plivo:
        run = plivo.bulk.create_calls(
            rows(NEW_YORK, LOS_ANGELES, LONDON, TOKYO),
            window=US_HOURS,
            clock=clock,
            sleep=clock.sleep,
            progress=clock.poke,
        )
        outcomes = await collect(run, clock, 4)
    assert all(o.ok for o in outcomes)
    assert dialled_at(emu) == {
        LONDON: [utc(7, 12)],  # open now: at once
        NEW_YORK: [utc(7, 13)],  # 08:00 EST
        LOS_ANGELES: [utc(7, 16)],  # 08:00 PST
        TOKYO: [utc(7, 23)],  # 08:00 JST on Tuesday
    }
    assert run.summary.deferrals == 3 and run.summary.waiting == {}


async def test_a_tz_column_overrides_the_number_and_tz_fixes_one_zone_for_the_run() -> None:
    clock = Clock(MONDAY_NOON)
    async with Emulator(clock=clock) as emu, client_for(emu) as plivo:
        given = rows(LONDON) + rows(NEW_YORK, tz="Europe/London")
        run = plivo.bulk.create_calls(
            given,
            window=US_HOURS,
            tz="Asia/Tokyo",
            clock=clock,
            sleep=clock.sleep,
            progress=clock.poke,
        )
        await collect(run, clock, 2)
    # the run's zone (Tokyo) for London's row; the row's own zone for New York's
    assert dialled_at(emu) == {NEW_YORK: [utc(7, 12)], LONDON: [utc(7, 23)]}


async def test_a_resume_across_a_window_boundary_dials_nothing_early(tmp_path: Path) -> None:
    journal = tmp_path / "run.jsonl"
    first = Clock(MONDAY_NOON, block_beyond=60.0)  # run 1 is stopped while its rows wait
    async with Emulator(clock=first) as emu, client_for(emu) as plivo:
        run = plivo.bulk.create_calls(
            rows(NEW_YORK, LOS_ANGELES, LONDON, TOKYO),
            journal=journal,
            window=US_HOURS,
            clock=first,
            sleep=first.sleep,
        )
        async with run:
            async for outcome in run:
                assert outcome.request.to == LONDON
                await first.until(lambda: first.blocked == 3)
                assert sorted(run.summary.waiting.values()) == [
                    utc(7, 13),
                    utc(7, 16),
                    utc(7, 23),
                ]
                assert "waiting for their calling window: 3 rows" in run.summary.render()
                break
        deferred = [json.loads(line) for line in journal.read_text().splitlines()[1:]]
        assert sorted(r["until"] for r in deferred if "w" in r) == [
            utc(7, 13),
            utc(7, 16),
            utc(7, 23),
        ]
        assert [c.to for c in emu.history.calls] == [LONDON]

        # Resumed at 12:59:30 UTC, half a minute before New York's window opens.
        second = first
        second.now, second.block_beyond = utc(7, 12, 59) + 30, float("inf")
        again = plivo.bulk.create_calls(
            rows(NEW_YORK, LOS_ANGELES, LONDON, TOKYO),
            journal=journal,
            window=US_HOURS,
            clock=second,
            sleep=second.sleep,
            progress=second.poke,
        )
        resumed = await collect(again, second, 3)
    assert again.summary.skipped == 1 and len(resumed) == 3 and all(o.ok for o in resumed)
    times = dialled_at(emu)
    assert times[NEW_YORK] == [utc(7, 13)]  # not at 12:59:30
    assert times[LOS_ANGELES] == [utc(7, 16)] and times[TOKYO] == [utc(7, 23)]
    assert len(emu.history.calls) == 4


async def test_a_row_whose_zone_cannot_be_known_is_invalid_and_sent_nothing() -> None:
    clock = Clock(MONDAY_NOON)
    async with Emulator(clock=clock) as emu, client_for(emu) as plivo:
        outcomes = await plivo.bulk.create_calls(
            rows(LONDON, "+18005550142", tz="Mars/Olympus"), window=US_HOURS, clock=clock
        ).collect()
    assert {o.status for o in outcomes} == {"invalid"}
    assert all("tz: unknown time zone 'Mars/Olympus'" in str(o.error) for o in outcomes)
    assert emu.history.calls == []
