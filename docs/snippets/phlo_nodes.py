"""PHLO conference bridge members, and any node by type (against the emulator)."""

import asyncio

from plivo_async import AsyncPlivo
from plivo_async.emulator import Emulator, PhloNode

PHLO_ID = "e564d7d4-5f2a-4a40-9b53-6a8c4a7f0d3e"
BRIDGE_ID = "5b2c0d3e-0000-4000-8000-000000000002"  # a Conference Bridge node
MEMBER = "+14155550111"


async def main() -> None:
    async with (
        # The emulator knows the PHLOs it is told of (else 404, as Plivo): the bridge and
        # the member already in it.
        Emulator(phlos={PHLO_ID: {BRIDGE_ID: PhloNode("conference_bridge", [MEMBER])}}) as emu,
        AsyncPlivo(
            emu.auth_id, emu.auth_token, base_url=emu.url, phlo_base_url=emu.phlo_url
        ) as client,
    ):
        bridge = client.phlo(PHLO_ID).conference_bridge(BRIDGE_ID)  # no request made
        member = bridge.member(MEMBER)
        await member.hold()
        await member.unhold()
        await member.mute()
        await member.hangup()

        node = client.phlo(PHLO_ID).node("conference_bridge", BRIDGE_ID)
        print((await node.get()).node_type)
        print([r.path for r in emu.history.requests][:1])


asyncio.run(main())
