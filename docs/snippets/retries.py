"""What is retried, what is not: the decision table, acted out on the emulator."""

import asyncio

from plivo_async import AsyncPlivo, OutcomeUnknownError, RetryPolicy
from plivo_async.emulator import Emulator

CALL = {"from_": "+14155550100", "answer_url": "https://example.com/answer.xml"}


def seen(emu: Emulator) -> list[str]:
    """What the emulator answered, request by request (drops show as None)."""
    return [f"{r.method} {r.status} {r.fault or ''}".strip() for r in emu.history.requests]


async def main() -> None:
    policy = RetryPolicy(base=0.05, cap=1.0, max_attempts=5)  # short waits for the demo
    async with (
        Emulator() as emu,
        AsyncPlivo(emu.auth_id, emu.auth_token, base_url=emu.url, retry=policy) as client,
    ):
        # Safe failures (429, 503, a connection that could not be made) are retried for
        # every request, placing a call included: the API certainly did nothing.
        emu.set_faults(schedule=["503", "429"], retry_after=0.1)
        resp = await client.calls.create(to="+14155550101", **CALL)
        print("after 503 and 429:", seen(emu), "->", resp.message)

        # An ambiguous failure (here: Plivo placed the call, then answered 500) on a
        # request that places a call is NOT retried: the outcome is unknown.
        emu.reset()
        emu.set_faults(schedule=["500_after"])
        try:
            await client.calls.create(to="+14155550102", **CALL)
        except OutcomeUnknownError as exc:
            print("500 after placing:", seen(emu), "->", type(exc).__name__, exc.attempts)
            print("  cause:", repr(exc.__cause__))
        print("  dialled:", dict(emu.dialled_counts()))

        # The same failure on an idempotent request (a GET) is simply retried.
        emu.reset()
        resp = await client.calls.create(to="+14155550103", **CALL)
        emu.set_faults(schedule=["500_after"])
        live = await client.calls.get_live(resp.request_uuid)
        print("GET after a 500:", seen(emu)[1:], "->", live.call_status)

        # retry_unsafe=True accepts the risk: the call is sent again, and placed twice.
        emu.reset()
        emu.set_faults(schedule=["500_after"])
        await client.calls.create(to="+14155550104", retry_unsafe=True, **CALL)
        print("retry_unsafe=True:", seen(emu), "-> dialled twice:", emu.duplicates())


asyncio.run(main())
