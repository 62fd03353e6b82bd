"""A three-step IVR end to end: the client places calls, the emulator runs the service's XML.

answer -> GetDigits menu -> "1": Dial an agent / "2": Speak and Hangup / silence: the
document goes on ("no choice", Hangup). The service is an aiohttp app built with the
library's webhook handlers (signatures checked) returning typed ``plivo_async.xml``
documents; the emulator requests it over loopback and the scripted digits choose the
branch. The records show the path each destination took.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer

from plivo_async import AsyncPlivo
from plivo_async.emulator import Emulator, Lifecycle, ManualClock, Script
from plivo_async.webhooks import CallbackEvent, webhook_handler
from plivo_async.xml import Dial, GetDigits, Hangup, Number, Response, Speak

FROM, AGENT = "+14155550100", "+14155550199"
SALES, HOURS, SILENT, BUSY = "+14155550101", "+14155550102", "+14155550103", "+14155550104"


def ivr(auth_token: str, base: list[str]) -> web.Application:
    async def answer(event: CallbackEvent) -> Response:
        return Response(
            [
                GetDigits(
                    [Speak("Press 1 for an agent, 2 for our hours.")],
                    action=f"{base[0]}/menu",
                    num_digits=1,
                    valid_digits="12",
                    retries=2,
                ),
                Speak("No choice. Goodbye."),
                Hangup(),
            ]
        )

    async def menu(event: CallbackEvent) -> Response:
        if event.raw.get("Digits") == "1":
            return Response([Speak("Connecting you."), Dial([Number(AGENT)], time_limit=20)])
        return Response([Speak("We are open nine to five."), Hangup()])

    app = web.Application()
    app.router.add_post("/answer", webhook_handler(auth_token, answer))
    app.router.add_post("/menu", webhook_handler(auth_token, menu))
    return app


@pytest.fixture
async def emu() -> AsyncIterator[Emulator]:
    clock = ManualClock()
    life = Lifecycle(ringing_s=2.0, talk_s=600.0)
    # No callbacks here: with a ManualClock every sleeper moves time, and the callback
    # sender sleeps until each call's end (test_flow_with_callbacks runs both, in real time).
    async with Emulator(flows=True, clock=clock, sleep=clock.sleep, lifecycle=life) as emulator:
        yield emulator


async def test_three_step_ivr(emu: Emulator) -> None:
    base: list[str] = []
    async with TestServer(ivr(emu.auth_token, base), host="127.0.0.1") as server:
        base.append(str(server.make_url("")).rstrip("/"))
        emu.flows.scripts[SALES] = Script(inputs=["1"])
        emu.flows.scripts[HOURS] = Script(inputs=["2#"])
        emu.flows.scripts[SILENT] = Script(inputs=[None, "9"])  # silence, then a wrong key
        emu.flows.scripts[BUSY] = Script(answer="busy")
        async with AsyncPlivo(emu.auth_id, emu.auth_token, base_url=emu.url) as client:
            for to in (SALES, HOURS, SILENT, BUSY):
                await client.calls.create(from_=FROM, to=to, answer_url=f"{base[0]}/answer")
            await emu.flows.drain()

    menu = ["answer", "GetDigits", "Speak"]
    assert emu.flows.path(SALES) == [
        *menu, "input", "action", "Speak", "Dial", "bridge", "hangup",
    ]  # fmt: skip
    assert emu.flows.path(HOURS) == [*menu, "input", "action", "Speak", "Hangup", "hangup"]
    assert emu.flows.path(SILENT) == [
        *menu, "input", "GetDigits", "Speak", "input", "Speak", "Hangup", "hangup",
    ]  # fmt: skip
    assert emu.flows.path(BUSY) == ["hangup"]

    steps = {step.kind: step for step in emu.flows.steps if step.to == SALES}
    assert steps["action"].detail["params"] == {"Digits": "1"}
    assert steps["action"].detail["status"] == 200
    assert steps["hangup"].detail == {"cause": "End Of XML Instructions", "source": "Plivo"}
    b_leg = emu.call(steps["bridge"].detail["b_leg"])
    assert b_leg is not None and b_leg.to == AGENT
    assert b_leg.params["parent_call_uuid"] == steps["action"].call_uuid
    # The B-leg is a call like any other: recorded and counted once.
    assert emu.dialled_counts() == {SALES: 1, HOURS: 1, SILENT: 1, BUSY: 1, AGENT: 1}
    # The bridge (from the B-leg's answer) lasted the Dial's timeLimit (a ManualClock shared
    # by concurrent flows may overshoot a wake-up, never undershoot; the "bridge" step is
    # stamped when the flow gets to run, which another flow's sleep can delay), then the
    # document ended.
    assert steps["bridge"].time >= b_leg.answer_at
    assert 20.0 <= steps["hangup"].time - b_leg.answer_at < 25.0
    assert b_leg.answer_at + 20.0 <= b_leg.end_at < b_leg.answer_at + 25.0
    hours = [s for s in emu.flows.steps if s.to == HOURS]
    assert hours[-2].detail == {"reason": None} and hours[-1].detail["source"] == "Answer XML"
    silent = [s.detail for s in emu.flows.steps if s.to == SILENT and s.kind == "input"]
    assert silent == [{"heard": None}, {"digits": "9", "valid": False}]
    assert all(call.is_over(emu.clock()) for call in emu.calls)


async def test_flow_with_callbacks_in_real_time() -> None:
    """The flow takes over answer_url; ring and hangup callbacks still go to their URLs."""
    hangups: list[CallbackEvent] = []

    async def answer(event: CallbackEvent) -> Response:
        return Response([Speak("Hi")])

    async def hangup(event: CallbackEvent) -> None:
        hangups.append(event)

    life = Lifecycle(ringing_s=0.01, talk_s=5.0)
    async with Emulator(flows=True, callbacks=True, lifecycle=life) as emu:
        app = web.Application()
        app.router.add_post("/answer", webhook_handler(emu.auth_token, answer))
        app.router.add_post("/hangup", webhook_handler(emu.auth_token, hangup))
        async with TestServer(app, host="127.0.0.1") as server:
            base = str(server.make_url("")).rstrip("/")
            async with AsyncPlivo(emu.auth_id, emu.auth_token, base_url=emu.url) as client:
                await client.calls.create(
                    from_=FROM, to=SALES, answer_url=f"{base}/answer", hangup_url=f"{base}/hangup"
                )
                await emu.flows.drain()
                await emu.wait_for_callbacks()
        assert emu.flows.path(SALES) == ["answer", "Speak", "hangup"]
        assert [c.event for c in emu.history.callbacks] == ["hangup"]  # no second answer request
        assert [e.raw["To"] for e in hangups] == [SALES]
        assert hangups[0].raw["HangupSource"] == "Plivo"
