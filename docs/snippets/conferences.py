"""Conferences: list, inspect, act on members, record, hang up (against the emulator)."""

import asyncio

from plivo_async import AsyncPlivo
from plivo_async.emulator import Emulator, ManualClock
from plivo_async.emulator.state import ConferenceState

ROOM = "My Conf Room"  # free text: sent percent-encoded, as one path segment


async def main() -> None:
    clock = ManualClock(start=1_700_000_000.0)  # the emulator's time moves when we say so
    async with (
        Emulator(clock=clock, sleep=clock.sleep) as emu,
        AsyncPlivo(emu.auth_id, emu.auth_token, base_url=emu.url) as client,
    ):
        # Callers join a conference with the <Conference> XML element; on the emulator,
        # place two calls and join them with its documented helper.
        for to in ("+14155550111", "+14155550122"):
            created = await client.calls.create(
                from_="+14155550100", to=to, answer_url="https://example.com/answer"
            )
            clock.advance(3)  # answered
            call = emu.call(created.request_uuids[0])
            assert call is not None
            emu.state(ConferenceState).join(ROOM, call, now=clock())

        print("in progress:", list(await client.conferences.list()))
        conf = await client.conferences.get(ROOM)
        first, second = (m.member_id for m in conf.members)
        print(conf.conference_name, conf.conference_member_count, "members")

        # Member actions take one id, several (a list or "1,2"), or "all".
        await client.conferences.member_mute(ROOM, first)
        await client.conferences.member_deaf(ROOM, [first, second])
        await client.conferences.member_deaf_stop(ROOM, "all")
        await client.conferences.member_speak(ROOM, "all", "Welcome to the call")
        await client.conferences.member_play(ROOM, second, "https://example.com/hold.mp3")
        await client.conferences.member_play_stop(ROOM, second)
        print([(m.member_id, m.muted) for m in (await client.conferences.get(ROOM)).members])

        recording = await client.conferences.record(ROOM, file_format="mp3")
        print("recording to", recording.url)
        await client.conferences.record_stop(ROOM)

        await client.conferences.member_kick(ROOM, first)  # out of the room, call goes on
        await client.conferences.hangup(ROOM)  # everyone left is hung up
        print("after hangup:", list(await client.conferences.list()))


asyncio.run(main())
