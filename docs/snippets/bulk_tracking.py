"""A tracked bulk run on the emulator: faults reconciled, a disposition per row, redials."""

import asyncio

from aiohttp import web
from aiohttp.test_utils import TestServer

from plivo_async import AsyncPlivo, CallTracker, Redial
from plivo_async.emulator import Emulator, FaultConfig, Lifecycle, Script
from plivo_async.webhooks import AnswerEvent, CallbackEvent
from plivo_async.xml import Response, Speak

NUMBERS = [f"+1415555{i:04d}" for i in range(20)]


async def answer(event: CallbackEvent) -> Response | None:
    return Response([Speak("Hello")]) if isinstance(event, AnswerEvent) else None


async def main() -> None:
    tracker = CallTracker()
    faults = FaultConfig(schedule=[None, "drop_after", None, "drop_before"] * 3, paths="calls")
    emulator = Emulator(
        flows=True,
        callbacks=True,
        faults=faults,
        cdr_lag=0.2,  # call records show 0.2 s after hangup
        lifecycle=Lifecycle(ringing_s=0.05, talk_s=0.1),
    )
    async with emulator as emu:
        emu.flows.scripts[NUMBERS[3]] = Script(answer="busy")
        emu.flows.scripts[NUMBERS[4]] = Script(answer="no-answer")
        app = web.Application()
        app.add_subapp("/plivo/", tracker.app(emu.auth_token, on_event=answer))
        async with (
            TestServer(app, host="127.0.0.1") as server,
            AsyncPlivo(emu.auth_id, emu.auth_token, base_url=emu.url) as client,
        ):
            base = str(server.make_url("/plivo"))
            run = client.bulk.create_calls(
                [{"to": to} for to in NUMBERS],
                defaults={
                    "from": "+14155550100",
                    "answer_url": f"{base}/answer",
                    "hangup_url": f"{base}/hangup",
                },
                reconcile_lag=0.3,  # what this "account" takes to index a record, + margin
                reconcile_settle=0.2,  # ... and to process a create (Plivo's: use the default)
                track=tracker,
                redial=Redial(on={"busy", "no-answer"}, after=0.2, attempts=2),
            )
            dials = {}
            async for outcome in run:
                dials[outcome.request.to] = outcome.dials
                if outcome.reconciled or outcome.disposition != "answered":
                    print(outcome.index, outcome.status, outcome.reconciled, outcome.disposition)
            print(run.summary.render())
            # Nobody was dialled more often than their row's dials (redials included).
            extra = {to: n for to, n in emu.dialled_counts().items() if n > dials[to]}
            print("dialled more than planned:", extra)
            assert extra == {} and run.summary.unknown == 0


asyncio.run(main())
