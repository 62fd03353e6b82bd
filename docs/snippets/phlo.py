"""PHLO multi-party calls: add a user, warm and cold transfer, act on members."""

import asyncio

from plivo_async import AsyncPlivo
from plivo_async.emulator import Emulator

PHLO_ID = "e564d7d4-5f2a-4a40-9b53-6a8c4a7f0d3e"  # from the PHLO console
NODE_ID = "3a1b9c2d-0000-4000-8000-000000000001"  # the Multi-Party Call node's id
AGENT = "+14155550100"  # the member who triggers the action
CUSTOMER = "+14155550111"


async def main() -> None:
    async with (
        Emulator(phlos={PHLO_ID: {NODE_ID: "multi_party_call"}}) as emu,  # yours, declared
        AsyncPlivo(
            emu.auth_id, emu.auth_token, base_url=emu.url, phlo_base_url=emu.phlo_url
        ) as client,
    ):
        mpc = client.phlo(PHLO_ID).multi_party_call(NODE_ID)  # no request is made here

        # Add a user: dial CUSTOMER into the call as a customer.
        resp = await mpc.call(trigger_source=AGENT, to=CUSTOMER, role="customer")
        print("call:", resp.ok, resp.api_id)

        # Warm transfer: AGENT talks to a supervisor first, then hands over.
        await mpc.warm_transfer(trigger_source=AGENT, to="+14155550122")
        # Changed their mind: abort the transfer, and go back to the customer.
        await mpc.member(AGENT).abort_transfer()
        await mpc.member(AGENT).resume_call()

        # Cold transfer: dial another agent; AGENT leaves the call at once.
        await mpc.cold_transfer(trigger_source=AGENT, to="+14155550133", role="agent")

        # Member actions: by phone number (or SIP URI).
        customer = mpc.member(CUSTOMER)
        await customer.hold()
        await customer.unhold()
        await customer.mute()
        await customer.unmute()
        await customer.hangup()

        # Each add-user and transfer placed exactly one call.
        print([(c.action, c.to) for c in emu.history.calls])

        # Run a PHLO from its start node, with the payload it expects.
        run = await client.phlo(PHLO_ID).run(**{"from": AGENT, "to": CUSTOMER})
        print("phlo run id:", run.phlo_run_id)


asyncio.run(main())
