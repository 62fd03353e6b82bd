"""Multi-party calls (Voice API): add participants, record, act on them (on the emulator)."""

import asyncio

from plivo_async import AsyncPlivo
from plivo_async.emulator import Emulator

MPC = {"friendly_name": "Support line 7"}  # or {"uuid": "..."}: exactly one of the two


async def main() -> None:
    async with (
        Emulator() as emu,
        AsyncPlivo(emu.auth_id, emu.auth_token, base_url=emu.url, calls_per_second=2) as client,
    ):
        # The first participant creates the multi-party call; each destination is a call
        # (counted against calls_per_second, never re-sent after an ambiguous failure).
        added = await client.multi_party_calls.add_participant(
            "agent", **MPC, from_="+14155550100", to_="+14155550111", coach_mode=False
        )
        print(added.message, [c.call_uuid for c in added.calls])
        await client.multi_party_calls.add_participant(
            "customer", **MPC, from_="+14155550100", to_="+14155550122", end_mpc_on_exit=True
        )

        mpc = await client.multi_party_calls.get(**MPC)
        print(mpc.friendly_name, mpc.status, mpc.mpc_uuid)
        agent, customer = await client.multi_party_calls.list_participants(uuid=mpc.mpc_uuid)

        # Recording the whole call, then one participant.
        started = await client.multi_party_calls.start_recording(**MPC, file_format="wav")
        print("recording:", started.recording_url)
        await client.multi_party_calls.pause_recording(**MPC)
        await client.multi_party_calls.resume_recording(**MPC)
        await client.multi_party_calls.stop_recording(**MPC)
        await client.multi_party_calls.start_participant_recording(customer.member_id, **MPC)
        await client.multi_party_calls.stop_participant_recording(customer.member_id, **MPC)

        # Participant actions: ids as strings or ints, "all" where the API allows it.
        await client.multi_party_calls.update_participant(customer.member_id, **MPC, hold=True)
        await client.multi_party_calls.start_play_audio(
            customer.member_id, **MPC, url="https://example.com/hold-music.mp3"
        )
        await client.multi_party_calls.stop_play_audio(customer.member_id, **MPC)
        await client.multi_party_calls.update_participant("all", **MPC, mute=False, hold=False)
        await client.multi_party_calls.kick_participant(agent.member_id, **MPC)

        async for each in client.multi_party_calls.iter_all(status="active"):
            print("active:", each.friendly_name)
        await client.multi_party_calls.stop(**MPC)
        print("status:", (await client.multi_party_calls.get(**MPC)).status)
        print("dialled:", dict(emu.dialled_counts()))


asyncio.run(main())
