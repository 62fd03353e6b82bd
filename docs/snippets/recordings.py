"""Record a call, list and fetch its recording, order a transcription, clean up."""

import asyncio

from plivo_async import AsyncPlivo, ResourceNotFoundError
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

        # Record the call in progress; ask for a transcription when it is done.
        started = await client.calls.record(
            call_uuid,
            file_format="wav",
            time_limit=300,
            transcription_type="auto",
            transcription_url="https://example.com/transcribed",
            transcription_report_type="verbose",
        )
        print("recording:", started.recording_id, started.url)
        await client.calls.stop_recording(call_uuid)

        # The recording is listed for the call, and can be fetched by id (str or int).
        page = await client.recordings.list(call_uuid=call_uuid, limit=5)
        print("recordings of the call:", [r.recording_id for r in page])
        recording = await client.recordings.get(started.recording_id or "")
        print("format:", recording.recording_format, "url:", recording.recording_url)

        # Every recording of the account, page after page.
        async for rec in client.recordings.iter_all(add_time__gt="2020-01-01 00:00"):
            print("  ", rec.add_time, rec.recording_id)

        # Transcriptions, with the official SDK's method names.
        transcription = await client.transcriptions.get_transcription(started.recording_id or "")
        print("transcript:", transcription.transcription)
        await client.transcriptions.delete_transcription(started.recording_id or "")

        await client.recordings.delete(started.recording_id or "")
        try:
            await client.recordings.get(started.recording_id or "")
        except ResourceNotFoundError:
            print("deleted")


asyncio.run(main())
