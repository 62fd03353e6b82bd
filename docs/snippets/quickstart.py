"""Place calls through the real client against the local emulator: no account needed."""

import asyncio

from plivo_async.client import AsyncPlivo
from plivo_async.emulator import Emulator


async def main() -> None:
    async with (
        Emulator() as emu,  # a fake Plivo API on 127.0.0.1, random free port
        AsyncPlivo(
            emu.auth_id, emu.auth_token, base_url=emu.url, phlo_base_url=emu.phlo_url
        ) as client,
    ):
        # One call: the response is a typed attrs object.
        resp = await client.calls.create(
            from_="+14155550100",
            to="+14155550101",
            answer_url="https://example.com/answer.xml",
        )
        print(resp.message, resp.request_uuid)

        # Several destinations in one request ("<"-joined, or a list): one uuid each.
        many = await client.calls.create(
            from_="+14155550100",
            to=["+14155550102", "sip:alice@example.com"],
            answer_url="https://example.com/answer.xml",
        )
        print(many.request_uuid)

        # The call is live (ringing) on the emulator; look it up, then hang up.
        live = await client.calls.get_live(resp.request_uuid)
        print(live.call_status, live.to)
        await client.calls.hangup(resp.request_uuid)

        # The emulator recorded everything it was asked to do.
        print(dict(emu.dialled_counts()))
        assert emu.duplicates() == {}  # nobody was dialled twice


asyncio.run(main())
