"""Track calls to their dispositions, and reconcile an ambiguous create, on the emulator."""

import asyncio
from datetime import datetime, timezone

from aiohttp import web
from aiohttp.test_utils import TestServer

from plivo_async import AsyncPlivo, OutcomeUnknownError
from plivo_async.correlation import new_mark
from plivo_async.emulator import Emulator, Lifecycle, Script
from plivo_async.models.calls import CreateCallRequest
from plivo_async.tracking import CallTracker
from plivo_async.webhooks import AnswerEvent, CallbackEvent
from plivo_async.xml import Response, Speak

FROM = "+14155550100"


async def answer(event: CallbackEvent) -> Response | None:
    return Response([Speak("Hello")]) if isinstance(event, AnswerEvent) else None


async def main() -> None:
    tracker = CallTracker()
    life = Lifecycle(ringing_s=0.05, talk_s=0.1)
    async with Emulator(flows=True, callbacks=True, lifecycle=life) as emu:
        emu.flows.scripts["+14155550102"] = Script(answer="busy")
        app = web.Application()
        app.add_subapp("/plivo/", tracker.app(emu.auth_token, on_event=answer))
        async with (
            TestServer(app, host="127.0.0.1") as server,
            AsyncPlivo(emu.auth_id, emu.auth_token, base_url=emu.url) as client,
        ):
            base = str(server.make_url("/plivo"))
            handles = []
            for to in ("+14155550101", "+14155550102"):
                request = CreateCallRequest(
                    from_=FROM, to=to, answer_url=f"{base}/answer", hangup_url=f"{base}/hangup"
                )
                resp = await client.calls.create_from(request, mark=new_mark())
                handles.append(tracker.track(str(resp.request_uuid)))
            for handle in handles:
                result = await handle.ended()
                print(result.disposition, result.duration, result.hangup_cause)

            # An ambiguous create: the emulator places the call, then drops the connection.
            request = CreateCallRequest(from_=FROM, to="+14155550103", answer_url=f"{base}/answer")
            sent_at = datetime.now(timezone.utc)
            emu.set_faults(schedule=["drop_after"], paths="calls")
            try:
                await client.calls.create_from(request, mark=new_mark())
            except OutcomeUnknownError:
                found = await client.calls.reconcile(request, sent_at=sent_at)
                print(found.status, found.request_uuid == emu.calls[-1].uuid)
            await emu.flows.drain()
            await emu.wait_for_callbacks()


asyncio.run(main())
