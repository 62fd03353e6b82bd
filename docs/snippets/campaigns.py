"""A campaign on the emulator: preflight, a do-not-call list, local caller ids and a
redial schedule per outcome (the calling window is in the guide: it waits for real hours)."""

import asyncio

from aiohttp import web
from aiohttp.test_utils import TestServer

from plivo_async import AsyncPlivo, CallingWindow, CallTracker, Redial, Retry
from plivo_async.emulator import Emulator, Lifecycle, Script
from plivo_async.webhooks import AnswerEvent, CallbackEvent
from plivo_async.xml import Response, Speak

CALLEES = ["+12125550142", "+12125550143", "+14155550142", "+13125550142", "+442071234567"]
POOL = ["+12125550001", "+14155550001", "+442071230001"]  # our numbers
DO_NOT_CALL = {"+13125550142"}  # asked not to be called


async def answer(event: CallbackEvent) -> Response | None:
    return Response([Speak("Hello from the campaign")]) if isinstance(event, AnswerEvent) else None


async def main() -> None:
    tracker = CallTracker()
    life = Lifecycle(ringing_s=0.05, talk_s=0.1)
    async with Emulator(flows=True, callbacks=True, lifecycle=life) as emu:
        emu.flows.scripts["+12125550143"] = Script(answer="busy")
        emu.flows.scripts["+14155550142"] = Script(answer="no-answer")
        app = web.Application()
        app.add_subapp("/plivo/", tracker.app(emu.auth_token, on_event=answer))
        async with (
            TestServer(app, host="127.0.0.1") as server,
            AsyncPlivo(emu.auth_id, emu.auth_token, base_url=emu.url) as client,
        ):
            base = str(server.make_url("/plivo"))
            rows = [{"to": to} for to in CALLEES]
            defaults = {
                "from": "+14155550100",
                "answer_url": f"{base}/answer",
                "hangup_url": f"{base}/hangup",
            }
            # What the campaign would do in US calling hours, without placing a call.
            report = await client.bulk.preflight(
                rows,
                defaults=defaults,
                window=CallingWindow(start="08:00", end="21:00", days="mon-sat"),
                suppress=DO_NOT_CALL,
                caller_ids=POOL,
                cps=2,
            )
            print(report.render())

            run = client.bulk.create_calls(
                rows,
                defaults=defaults,
                suppress=DO_NOT_CALL,
                caller_ids=POOL,
                track=tracker,
                redial=Redial(
                    {"busy": Retry(after=0.2, attempts=2), "no-answer": Retry(after=0.3)},
                    max_attempts=3,
                ),
            )
            async for outcome in run:
                print(outcome.request.to, outcome.status, outcome.disposition, outcome.dials)
            print(run.summary.render())
            placed = emu.dialled_counts()
            assert "+13125550142" not in placed  # suppressed: never dialled
            assert placed["+12125550143"] == 3 and placed["+14155550142"] == 2
            froms = {call.to: call.from_ for call in emu.history.calls}
            assert froms["+14155550142"] == "+14155550001"  # same area code
            assert froms["+442071234567"] == "+442071230001"  # same country


asyncio.run(main())
