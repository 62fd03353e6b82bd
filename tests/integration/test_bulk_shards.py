"""A campaign split across workers: ``shard=(k, n)`` takes rows k, k+n, ... of one input.

Four workers run at once on one emulator, each with its own journal; one stops mid-run
(as a crash or Ctrl-C leaves it) and resumes on its own. Together they dial every row
exactly once.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from plivo_async.emulator import Emulator

from .conftest import ANSWER_URL, FROM, client_for, number

DEFAULTS = {"from": FROM, "answer_url": ANSWER_URL}
N_ROWS, WORKERS = 200, 4


def rows() -> list[dict[str, str]]:
    return [{"to": number(i)} for i in range(N_ROWS)]


async def test_four_shards_cover_every_row_once_even_when_one_stops_and_resumes(
    tmp_path: Path,
) -> None:
    async with Emulator(seed=5) as emu, client_for(emu) as client:
        emu.set_faults(latency_ms=(1.0, 5.0))

        async def worker(k: int, stop_after: int | None = None) -> list[int]:
            run = client.bulk.create_calls(
                rows(),
                defaults=DEFAULTS,
                journal=tmp_path / f"shard-{k}.jsonl",
                shard=(k, WORKERS),
                concurrency=4,
                progress=False,
            )
            seen: list[int] = []
            async with run:
                async for outcome in run:
                    seen.append(outcome.index)
                    if stop_after is not None and len(seen) >= stop_after:
                        break  # leaving `async with` stops the run, as Ctrl-C does
            return seen

        first = await asyncio.gather(*(worker(k, 10 if k == 2 else None) for k in range(4)))
        assert len(first[2]) < N_ROWS // WORKERS  # the stopped worker really stopped
        resumed = await worker(2)
        dialled = emu.dialled_counts()

    for k, seen in enumerate(first):
        assert all(i % WORKERS == k for i in seen)  # a worker only ever takes its rows
    assert set(first[2]).isdisjoint(resumed)  # the resume sends only what was not done
    # (rows that were in flight at the stop finished then: journaled, not yielded)
    assert set(first[2]) | set(resumed) <= set(range(2, N_ROWS, WORKERS))
    assert dialled == {number(i): 1 for i in range(N_ROWS)}  # everyone once, nobody twice
    assert emu.duplicates() == {}


def test_a_bad_shard_is_refused_before_anything_runs() -> None:
    from plivo_async.bulk.engine import check_shard

    for bad in [(4, 4), (-1, 2), (0, 0), (1,), (True, 2), "0/4", (0.5, 2)]:
        with pytest.raises(ValueError, match="worker k of n"):
            check_shard(bad)
    assert check_shard((3, 4)) == (3, 4)
