"""Calls per second, measured where it counts: on arrival at the (emulated) API."""

import asyncio
import time

from plivo_async import AsyncPlivo
from plivo_async.emulator import Emulator
from plivo_async.limits import paced_cps_limiter


async def dial(client: AsyncPlivo, numbers: range) -> None:
    """Fire one call per number, all at once; the client's limits pace them."""
    await asyncio.gather(
        *(
            client.calls.create(
                from_="+14155550100",
                to=f"+1415555{i:04d}",
                answer_url="https://example.com/answer.xml",
            )
            for i in numbers
        )
    )


async def main() -> None:
    async with Emulator() as emu:
        options = {"base_url": emu.url, "phlo_base_url": emu.phlo_url}

        # One client: max_concurrency and rate_limit are the defaults, CPS is 10.
        async with AsyncPlivo(
            emu.auth_id, emu.auth_token, calls_per_second=10, **options
        ) as client:
            started = time.perf_counter()
            await dial(client, range(30))
            elapsed = time.perf_counter() - started
        busiest = emu.history.max_calls_in_window(1.0)
        print(f"30 calls in {elapsed:.1f} s; at most {busiest} arrived in any 1-second window")

        # Two clients sharing one limiter: together they stay at 10 calls per second.
        emu.reset()
        shared = paced_cps_limiter(10)  # what calls_per_second=10 builds
        async with (
            AsyncPlivo(emu.auth_id, emu.auth_token, calls_per_second=shared, **options) as a,
            AsyncPlivo(emu.auth_id, emu.auth_token, calls_per_second=shared, **options) as b,
        ):
            await asyncio.gather(dial(a, range(1000, 1015)), dial(b, range(2000, 2015)))
        print("two clients, one limiter:", emu.history.max_calls_in_window(1.0), "per second")


asyncio.run(main())
