"""Client options: a view with other options, raw responses, and your own aiohttp session."""

import asyncio

import aiohttp

from plivo_async import AsyncPlivo, OutcomeUnknownError, PlivoTimeoutError
from plivo_async.emulator import Emulator

CALL = {"from_": "+14155550100", "to": "+14155550101", "answer_url": "https://example.com/a.xml"}


async def main() -> None:
    async with Emulator() as emu:
        urls = {"base_url": emu.url, "phlo_base_url": emu.phlo_url}
        async with AsyncPlivo(emu.auth_id, emu.auth_token, **urls) as client:
            # A view for some calls: its own timeout and retries, the same session.
            quick = client.with_options(timeout=0.5, max_retries=0)
            print("same session:", quick.transport.session is client.transport.session)
            emu.set_faults(latency_ms=2000.0)
            try:
                await quick.calls.create(**CALL)
            except (PlivoTimeoutError, OutcomeUnknownError) as exc:
                print("quick view gave up:", type(exc).__name__)
            emu.clear_faults()

            # The HTTP facts of one request, and the usual model from .parse().
            raw = await client.with_raw_response.calls.create(**CALL)
            print("status", raw.status, "attempts", raw.attempts)
            print("content type", raw.headers["Content-Type"])
            print("request_uuid", raw.parse().request_uuid == raw.json()["request_uuid"])

        # Your own session: the client uses it and leaves it open.
        async with aiohttp.ClientSession() as session:
            async with AsyncPlivo(emu.auth_id, emu.auth_token, session=session, **urls) as c:
                await c.calls.create(**CALL)
            print("own session still open:", not session.closed)


asyncio.run(main())
