"""Campaigns on the emulator: calling windows in the callee's zone, the do-not-call list,
redial schedules per outcome and local caller ids.

The run's clock is virtual (:class:`Clock`), shared with the emulator, so each call's
``time`` in ``emu.history`` is the run's moment of dialling: a window's wait takes no
real time and is checked to the second.
"""

from __future__ import annotations

import asyncio
import contextlib
import heapq
import inspect
import json
from collections.abc import Callable
from datetime import datetime, timezone
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from plivo_async.bulk.campaign import CallingWindow
from plivo_async.bulk.policy import Redial, Retry
from plivo_async.emulator import Emulator, Script
from plivo_async.errors import ValidationError

from .conftest import ANSWER_URL, FROM, client_for
from .test_bulk_tracking import (
    BUSY,
    HUMAN,
    SILENT,
    Setup,
    setup_fixture,  # noqa: F401 - the "setup" fixture: a tracked emulator
)

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


# -- the do-not-call list --------------------------------------------------------------------


async def test_a_suppressed_number_never_reaches_the_emulator(tmp_path: Path) -> None:
    dnc = tmp_path / "dnc.txt"
    dnc.write_text("number\n(212) 555-0142  # asked not to be called\n\n")
    clock = Clock(MONDAY_NOON)
    async with Emulator(clock=clock) as emu, client_for(emu) as plivo:
        run = plivo.bulk.create_calls(
            rows(NEW_YORK, LONDON), suppress=dnc, region="US", journal=tmp_path / "j.jsonl"
        )
        outcomes = {o.request.to: o for o in await run.collect()}
        assert outcomes[NEW_YORK].status == "suppressed" and outcomes[LONDON].ok
        assert "do-not-call" in (outcomes[NEW_YORK].note or "")
        assert run.summary.suppressed == 1 and "suppressed 1" in run.summary.render()
        # a resume asks the list again: still suppressed, still never sent
        again = plivo.bulk.create_calls(
            rows(NEW_YORK, LONDON), suppress={"+12125550142"}, journal=tmp_path / "j.jsonl"
        )
        assert [o.status for o in await again.collect()] == ["suppressed"]
    assert [c.to for c in emu.history.calls] == [LONDON]


async def test_a_bad_number_in_the_do_not_call_file_is_named_before_anything_is_sent(
    tmp_path: Path,
) -> None:
    dnc = tmp_path / "dnc.txt"
    dnc.write_text("+12125550142\nnot a number\n")
    async with Emulator() as emu, client_for(emu) as plivo:
        with pytest.raises(ValidationError, match=r"dnc\.txt line 2: 'not a number'"):
            plivo.bulk.create_calls(rows(LONDON), suppress=dnc)
    assert emu.history.requests == []


# -- tracked: redial schedules, suppression before a redial -----------------------------------

SCHEDULE = Redial(
    {
        "busy": Retry(after=300, attempts=3),
        "no-answer": Retry(after=3600, attempts=2),
        "machine": Retry(after=7200, attempts=1),
    }
)


async def test_each_outcome_is_redialled_as_its_schedule_says(setup: Setup, tmp_path: Path) -> None:
    clock = Clock(MONDAY_NOON, block_beyond=10_000.0)  # the tracking timer never fires
    async with client_for(setup.emu) as plivo:
        run = plivo.bulk.create_calls(
            setup.rows([HUMAN, BUSY, SILENT]),
            track=setup.tracker,
            redial=SCHEDULE,
            journal=tmp_path / "run.jsonl",
            clock=clock,
            sleep=clock.sleep,
            progress=clock.poke,
        )
        outcomes = {o.request.to: o for o in await collect(run, clock, 3)}
    assert setup.emu.dialled_counts() == {HUMAN: 1, BUSY: 4, SILENT: 3}  # never answered twice
    assert outcomes[BUSY].dials == 4 and outcomes[SILENT].dials == 3
    assert sorted(d for d in clock.delays if d <= 10_000) == [300.0] * 3 + [3600.0] * 2
    lines = [json.loads(line) for line in (tmp_path / "run.jsonl").read_text().splitlines()[1:]]
    busy = [r for r in lines if "d" in r and r["disposition"] == "busy"]
    assert [r["seen"] for r in busy] == [{"busy": n} for n in (1, 2, 3, 4)]
    assert [r.get("redial") is not None for r in busy] == [True, True, True, False]


async def test_a_row_put_on_the_list_after_its_first_call_is_not_redialled(
    setup: Setup, tmp_path: Path
) -> None:
    clock = Clock(MONDAY_NOON, block_beyond=10_000.0)

    async def on_the_list(number: str) -> bool:
        return number == BUSY and setup.emu.dialled_counts().get(BUSY, 0) >= 1

    async with client_for(setup.emu) as plivo:
        run = plivo.bulk.create_calls(
            setup.rows([BUSY]),
            track=setup.tracker,
            redial=SCHEDULE,
            suppress=on_the_list,
            journal=tmp_path / "run.jsonl",
            clock=clock,
            sleep=clock.sleep,
            progress=clock.poke,
        )
        [outcome] = await collect(run, clock, 1)
    assert setup.emu.dialled_counts() == {BUSY: 1}
    assert outcome.ok and outcome.disposition == "busy" and outcome.dials == 1
    assert "do-not-call list: redial 2 not made" in (outcome.note or "")
    last = json.loads((tmp_path / "run.jsonl").read_text().splitlines()[-1])
    assert last["d"] == 0 and "redial" not in last  # ended: a resume makes no redial


async def test_a_redial_due_outside_the_window_waits_for_it(setup: Setup) -> None:
    # 20:30 in Los Angeles: the busy call's redial (300 s on) would fall at 20:35
    clock = Clock(utc(8, 4, 30), block_beyond=90_000.0)
    window = CallingWindow(start="08:00", end="20:33")
    setup.emu.flows.scripts[LOS_ANGELES] = Script(answer="busy")
    async with client_for(setup.emu) as plivo:
        run = plivo.bulk.create_calls(
            setup.rows([LOS_ANGELES]),
            track=setup.tracker,
            redial=Redial({"busy": Retry(after=300, attempts=1)}),
            track_wait=100_000.0,  # its timer never fires (beyond block_beyond)
            window=window,
            clock=clock,
            sleep=clock.sleep,
            progress=clock.poke,
        )
        [outcome] = await collect(run, clock, 1)
    assert outcome.dials == 2 and setup.emu.dialled_counts() == {LOS_ANGELES: 2}
    # 300 s to the redial, then the wait until 08:00 the next morning (11 h 25 min)
    assert [d for d in clock.delays if d <= 90_000] == [300.0, 11 * 3600 + 25 * 60]
    assert run.summary.deferrals == 1


# -- local caller ids --------------------------------------------------------------------------

POOL = ["+12125550001", "+12125550002", "+14155550001", "+442071230001"]


async def test_each_row_is_called_from_the_pool_number_of_its_area_then_its_country() -> None:
    chicago, paris = "+13125550142", "+33142685300"
    async with Emulator() as emu, client_for(emu) as plivo:
        given = rows(NEW_YORK, LOS_ANGELES, LONDON, chicago, paris)
        given.append({**rows("+12125550199")[0], "from": "+19995550100"})  # its own from wins
        for row in given[:-1]:
            del row["from"]
        run = plivo.bulk.create_calls(given, defaults={"from": FROM}, caller_ids=POOL)
        assert all(o.ok for o in await run.collect())
        first = {c.to: c.from_ for c in emu.history.calls}
        await plivo.bulk.create_calls(given, defaults={"from": FROM}, caller_ids=POOL).collect()
    strip = {to.lstrip("+"): number.lstrip("+") for to, number in first.items()}
    assert strip[NEW_YORK[1:]] in ("12125550001", "12125550002")
    assert strip[LOS_ANGELES[1:]] == "14155550001"
    assert strip[LONDON[1:]] == "442071230001"
    assert strip[chicago[1:]] in ("12125550001", "12125550002", "14155550001")  # same country
    assert strip[paris[1:]] == FROM[1:]  # no French number: the default
    assert strip["12125550199"] == "19995550100"
    second = [(c.to, c.from_) for c in emu.history.calls[len(given) :]]
    assert dict(second) == first  # stable: the same choice every run


@pytest.mark.parametrize("bad", ["4155550100", "+1415", "+99912345"])
async def test_a_caller_id_pool_with_a_bad_number_is_refused_naming_it(bad: str) -> None:
    async with Emulator() as emu, client_for(emu) as plivo:
        with pytest.raises(ValidationError, match="caller_ids") as raised:
            plivo.bulk.create_calls(rows(LONDON), caller_ids=["+12125550001", bad])
    assert bad in str(raised.value) and emu.history.requests == []


# -- the preflight against the emulator's pricing and account ---------------------------------

needs_billing = pytest.mark.skipif(
    "cash_credit" not in inspect.signature(Emulator).parameters,
    reason="the emulator's Pricing and Account APIs (branch acct) are not merged yet",
)


@needs_billing
async def test_the_preflight_figures_match_the_emulators_pricing_and_account() -> None:
    clock = Clock(MONDAY_NOON)
    async with Emulator(clock=clock, cash_credit="0.05") as emu, client_for(emu) as plivo:
        given = rows(NEW_YORK, LOS_ANGELES, LONDON, "+12125550199")
        report = await plivo.bulk.preflight(
            given,
            window=US_HOURS,
            suppress={"+12125550199"},
            cps=1.0,
            avg_minutes=2.5,
            clock=clock,
        )
        rates = [
            (await plivo.pricing.get(country)).outbound_rate(to)  # type: ignore[attr-defined]
            for country, to in (("US", NEW_YORK), ("US", LOS_ANGELES), ("GB", LONDON))
        ]
        credit = (await plivo.account.get()).cash_credit  # type: ignore[attr-defined]
    assert None not in rates
    assert report.cost == sum(rate * Decimal("2.5") for rate in rates)
    assert report.credit == credit == Decimal("0.05")
    assert report.affordable == (report.cost <= credit)
    assert (report.valid, report.suppressed, report.out_of_window) == (3, 1, 2)
    assert report.duration == 4 * 3600  # Los Angeles opens at 16:00 UTC
    assert emu.history.calls == []


async def test_a_redial_stopped_while_it_waits_for_its_window_is_due_and_made_by_the_resume(
    setup: Setup, tmp_path: Path
) -> None:
    journal = tmp_path / "run.jsonl"
    clock = Clock(utc(8, 4, 30), block_beyond=30_000.0)  # the night's wait never ends
    setup.emu.flows.scripts[LOS_ANGELES] = Script(answer="busy")

    def run() -> Any:
        return plivo.bulk.create_calls(
            setup.rows([LOS_ANGELES]),
            journal=journal,
            track=setup.tracker,
            track_wait=100_000.0,
            redial=Redial({"busy": Retry(after=300, attempts=1)}),
            window=CallingWindow(start="08:00", end="20:33"),
            clock=clock,
            sleep=clock.sleep,
            progress=clock.poke,
            grace_period=0.1,
        )

    async with client_for(setup.emu) as plivo:
        first = run()

        async def consume() -> None:
            async with first:
                async for _ in first:
                    pass

        driver = asyncio.create_task(clock.drive(first, 1))
        task = asyncio.create_task(consume())
        await clock.until(lambda: clock.blocked == 2)  # the track timer, then the night
        assert first.summary.waiting == {0: utc(8, 16)}
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
        driver.cancel()
        assert setup.emu.dialled_counts() == {LOS_ANGELES: 1}
        assert first.summary.redials_due == 1  # not done: a resume makes it

        clock.now, clock.block_beyond = utc(8, 15, 59), 90_000.0  # a minute before 08:00
        again = run()
        [outcome] = await collect(again, clock, 1)
    assert outcome.dials == 2 and setup.emu.dialled_counts() == {LOS_ANGELES: 2}
    assert clock.now >= utc(8, 16)  # the resume waited for 08:00 in Los Angeles
