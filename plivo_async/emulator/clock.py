"""A hand-driven clock for deterministic emulator tests (calls advance only when told)."""

from __future__ import annotations

import asyncio

__all__ = ["ManualClock"]


class ManualClock:
    """Callable returning the current time; ``advance`` moves it, ``sleep`` advances and yields.

    Pass it as ``Emulator(clock=clock, sleep=clock.sleep)``: latency and callback waits then
    take no real time, and every sleep is recorded in ``sleeps``.
    """

    def __init__(self, start: float = 1_700_000_000.0) -> None:
        self.now = start
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        if seconds < 0:
            raise ValueError("time only moves forward")
        self.now += seconds

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += max(seconds, 0.0)
        await asyncio.sleep(0)
