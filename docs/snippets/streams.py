"""Stream a live call's audio to a WebSocket service, look at the streams, stop them."""

import asyncio

from plivo_async import AsyncPlivo
from plivo_async.emulator import Emulator


async def main() -> None:
    async with (
        Emulator() as emu,
        AsyncPlivo(emu.auth_id, emu.auth_token, base_url=emu.url) as client,
    ):
        placed = await client.calls.create(
            from_="+14155550100", to="+14155550101", answer_url="https://example.com/answer"
        )
        call_uuid = placed.request_uuids[0]

        started = await client.calls.start_stream(
            call_uuid,
            "wss://stream.example.com/audio",
            audio_track="inbound",
            bidirectional=True,  # the service may send audio back (inbound track only)
            content_type="audio/x-l16;rate=16000",
            stream_timeout=600,
            extra_headers={"tenant": "acme"},  # sent as "tenant=acme"
            status_callback_url="https://example.com/stream-status",
        )
        print(started.message, started.stream_id)

        stream = await client.calls.get_stream(call_uuid, started.stream_id or "")
        print("status:", stream.status, "track:", stream.audio_track)
        for each in await client.calls.get_all_streams(call_uuid):
            print("  ", each.stream_id, each.service_url)

        await client.calls.delete_stream(call_uuid, started.stream_id or "")  # just this one
        await client.calls.delete_all_streams(call_uuid)  # every stream of the call


asyncio.run(main())
