"""The smaller voice resources on the emulator: live and queued calls, feedback, masking
sessions, verified caller ids, tokens, and an access token signed locally."""

import asyncio

from plivo_async import AsyncPlivo
from plivo_async.emulator import Emulator
from plivo_async.emulator.state import VerifyCallerIdState
from plivo_async.jwt import AccessToken


async def main() -> None:
    async with (
        Emulator() as emu,
        AsyncPlivo(
            emu.auth_id,
            emu.auth_token,
            base_url=emu.url,
            callinsights_base_url=emu.url,  # feedback goes to its own host
        ) as client,
    ):
        placed = await client.calls.create(
            from_="+14155550100", to="+14155550101", answer_url="https://example.com/answer"
        )
        call_uuid = placed.request_uuids[0]

        # The official SDK's spellings: client.live_calls / client.queued_calls.
        print("live:", len((await client.live_calls.list_ids()).calls))
        async for uuid in client.queued_calls:
            print("queued:", uuid)

        # Call quality feedback: a rating below 5 names the issues.
        fb = await client.call_feedback.create(call_uuid, 4, issues=["ECHO"], notes="slight")
        print(fb.message)

        # Number masking: two parties reach each other through a virtual number.
        made = await client.masking_sessions.create_masking_session(
            "+14155552345", "+12165554567", session_expiry=3600, record=True
        )
        print("dial", made.virtual_number, "to reach the other party")
        assert made.session_uuid is not None
        await client.masking_sessions.update_masking_session(made.session_uuid, record=False)
        async for session in client.masking_sessions.iter_all(status="active"):
            print("session", session.session_uuid, session.status)
        await client.masking_sessions.delete_masking_session(made.session_uuid)

        # Verify a caller id: Plivo sends a code, the owner of the number reads it back.
        started = await client.verify_callerids.initiate_verify("+14155550123", channel="sms")
        assert started.verification_uuid is not None
        code = emu.state(VerifyCallerIdState).otp_for(started.verification_uuid)  # the "SMS"
        done = await client.verify_callerids.verify_caller_id(started.verification_uuid, code)
        print("verified", done.phone_number)

        # A token minted by Plivo for a Browser SDK endpoint...
        minted = await client.token.create(emu.auth_id, sub="alice", incoming_allow=True)
        print("token from the API:", (minted.token or "")[:16], "...")

    # ... or one signed here with the auth token, no request at all.
    local = AccessToken("MA" + "X" * 18, "the-auth-token", "alice", lifetime=3600)
    local.add_voice_grants(incoming=True, outgoing=True)
    print("local token has", local.to_jwt().count("."), "dots")


asyncio.run(main())
