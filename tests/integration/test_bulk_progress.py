"""The progress bar of a bulk run shows the run's summary and nothing else: the rows
finished, the calls placed and live (while tracked calls go on, before any row ends),
and a cancelled run's unsent rows are not counted finished."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from plivo_async.bulk import Summary, engine, progress
from plivo_async.emulator import Emulator

from .conftest import FROM, client_for, number
from .test_bulk_tracking import (
    BUSY,
    HUMAN,
    MACHINE,
    SILENT,
    FakeSleep,
    Setup,
    setup_fixture,  # noqa: F401 - the "setup" fixture, shared with the tracking tests
)

ANSWER_URL = "https://example.com/answer"


class FakeBar:
    """What a tqdm bar is given: its count, total and postfix; each draw is kept with
    the summary's counters at that moment."""

    def __init__(self, total: int | None) -> None:
        self.total = total
        self.n = 0
        self.postfix: dict[str, int] = {}
        self.summary: Summary | None = None
        self.draws: list[tuple[int, dict[str, int], dict[str, int]]] = []
        self.closed = False

    def set_postfix(self, values: dict[str, int], refresh: bool = True) -> None:
        self.postfix = dict(values)

    def refresh(self) -> None:
        assert self.summary is not None
        s = self.summary
        counters = {
            "finished": s.rows - s.not_sent,
            "placed": s.placed,
            "live": s.live,
            "retries": s.retries,
            "failed": sum(s.failed.values()),
            "unknown": s.unknown,
            "not_sent": s.not_sent,
        }
        self.draws.append((self.n, dict(self.postfix), counters))

    def close(self) -> None:
        self.closed = True


@pytest.fixture
def bars(monkeypatch: pytest.MonkeyPatch) -> list[FakeBar]:
    """Every run's bar is a FakeBar, drawn at every update (no time between draws)."""
    made: list[FakeBar] = []

    def make(_: Any, *, total: int | None = None, rows: object = None) -> FakeBar:
        bar = FakeBar(total if total is not None else len(rows))  # type: ignore[arg-type]
        made.append(bar)
        return bar

    monkeypatch.setattr(engine, "make_progress", make)
    monkeypatch.setattr(progress, "REFRESH", 0.0)
    return made


def agree(bar: FakeBar) -> None:
    """At every draw, the bar showed exactly the summary's counters of that moment."""
    assert bar.draws
    for n, shown, counters in bar.draws:
        assert n == counters["finished"]
        assert shown["placed"] == counters["placed"] and shown["live"] == counters["live"]
        for name in ("retries", "failed", "unknown", "not_sent"):
            assert shown.get(name, 0) == counters[name], name


async def test_a_tracked_run_shows_calls_placed_and_live_before_any_row_finishes(
    setup: Setup, bars: list[FakeBar]
) -> None:
    numbers = [HUMAN, BUSY, SILENT, MACHINE]
    async with setup.client() as plivo:
        run = plivo.bulk.create_calls(setup.rows(numbers), track=setup.tracker, sleep=FakeSleep())
        [bar] = bars
        bar.summary = run.summary
        await run.wait()
    agree(bar)
    # calls were shown placed and live while no row had finished (the bar was not stuck
    # at 0 with calls under way)
    assert any(n == 0 and shown["placed"] > 0 and shown["live"] > 0 for n, shown, _ in bar.draws)
    assert max(shown["live"] for _, shown, _ in bar.draws) >= 2
    # the last draw is the final summary
    n, shown, _ = bar.draws[-1]
    assert (n, shown) == (4, {"placed": 4, "live": 0}) and bar.closed
    assert run.summary.placed == 4 and run.summary.live == 0


async def test_a_cancelled_run_counts_only_what_happened_and_every_input_row(
    bars: list[FakeBar],
) -> None:
    rows = [{"from": FROM, "to": number(i), "answer_url": ANSWER_URL} for i in range(200)]
    async with Emulator() as emu, client_for(emu) as plivo:
        emu.set_faults(latency_ms=(5.0, 20.0))
        run = plivo.bulk.create_calls(rows, concurrency=8)
        [bar] = bars
        bar.summary = run.summary
        seen = 0

        async def consume() -> None:
            nonlocal seen
            async for _ in run:
                seen += 1
                if seen == 20:
                    task.cancel()  # what Ctrl-C does in the CLI

        task = asyncio.create_task(consume())
        with pytest.raises(asyncio.CancelledError):
            await task
        placed = len(emu.history.calls)
    agree(bar)
    summary = run.summary
    assert summary.rows == 200  # every input row is counted ...
    decided = summary.ok + summary.unknown + summary.invalid + sum(summary.failed.values())
    assert summary.not_sent == 200 - decided > 150  # ... the unsent ones as not sent
    # the bar never counted an unsent row finished: it ends at the rows decided, and it
    # never went back
    counts = [n for n, _, _ in bar.draws]
    assert counts[-1] == decided < 50 and counts == sorted(counts)
    assert bar.draws[-1][1]["placed"] == summary.placed == summary.ok <= placed
    assert bar.total == 200
