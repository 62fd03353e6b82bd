"""Scripted outcomes tell the truth: callbacks, call records and what tracking makes of them.

Each scripted outcome (a person answers, a machine answers, busy, no answer, cancelled
through the API) must come back with Plivo's ``CallStatus``, hangup cause, cause name and
code (Plivo's hangup-cause table) in the hangup callback and in the call record, and
:func:`plivo_async.tracking.disposition_of` must read the right disposition from them.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest
from aiohttp import web

from plivo_async.emulator import Emulator, Lifecycle, ManualClock, Script
from plivo_async.tracking import disposition_of
from plivo_async.webhooks import HangupEvent, parse_event, verify_request

from ._helpers import Api, auth_header, call_body

TOKEN = "emulator-token"


class Receiver:
    """Checks each callback's signature, keeps it, answers an empty document."""

    def __init__(self) -> None:
        self.received: list[tuple[str, dict[str, Any]]] = []
        self.url = ""

    async def handle(self, request: web.Request) -> web.Response:
        params = await verify_request(request, TOKEN)  # raises (500) if unsigned
        self.received.append((request.path, params))
        return web.Response(text="<Response/>", content_type="application/xml")

    def at(self, path: str) -> list[dict[str, Any]]:
        return [params for p, params in self.received if p == path]


@pytest.fixture
async def receiver() -> AsyncIterator[Receiver]:
    rec = Receiver()
    app = web.Application()
    app.router.add_route("*", "/{name}", rec.handle)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    rec.url = f"http://127.0.0.1:{runner.addresses[0][1]}"
    yield rec
    await runner.cleanup()


def urls(receiver: Receiver) -> dict[str, str]:
    return {
        "answer_url": f"{receiver.url}/answer",
        "ring_url": f"{receiver.url}/ring",
        "hangup_url": f"{receiver.url}/hangup",
        "machine_detection_url": f"{receiver.url}/machine",
    }


async def place(http: aiohttp.ClientSession, emu: Emulator, **body: Any) -> str:
    async with http.post(Api(emu).calls, json=call_body(**body)) as resp:
        assert resp.status == 201, await resp.text()
        uuid: str = (await resp.json())["request_uuid"]
    return uuid


# answer mode, extra create fields -> CallStatus, HangupCause, name, code, disposition
OUTCOMES = {
    "human": (
        {},
        ("completed", "NORMAL_CLEARING", "End Of XML Instructions", "4010", "answered"),
    ),
    "machine": (
        {"machine_detection": "hangup"},
        ("completed", "NORMAL_CLEARING", "Machine Detected", "3040", "machine"),
    ),
    "busy": ({}, ("busy", "USER_BUSY", "Busy Line", "3000", "busy")),
    "no-answer": ({}, ("no-answer", "NO_ANSWER", "Ring Timeout", "3020", "no-answer")),
}


@pytest.mark.parametrize("flows", [True, False], ids=["flows", "callbacks-only"])
@pytest.mark.parametrize("mode", list(OUTCOMES))
async def test_each_scripted_outcome_has_plivos_hangup_cause(
    mode: str, flows: bool, receiver: Receiver
) -> None:
    extra, expected = OUTCOMES[mode]
    if not flows and mode == "human":
        expected = ("completed", "NORMAL_CLEARING", "Normal Hangup", "4000", "answered")
    to = "+14155550101"
    # Real time (a ManualClock would let the callback sender's sleeps run the clock past
    # the flow's requests); nothing waits for the callee's 10 s: the document, the machine
    # detection, the busy line or the 0.1 s ring-out ends each call first.
    life = Lifecycle(ringing_s=0.05, talk_s=10.0)
    async with Emulator(callbacks=True, flows=flows, lifecycle=life, seed=2) as emu:
        ring_s = 0.1 if mode == "no-answer" else None
        talk_s = 0.1 if mode == "human" and not flows else None  # no document ends it
        emu.scripts[to] = Script(answer=mode, ring_s=ring_s, talk_s=talk_s)  # type: ignore[arg-type]
        headers = auth_header(emu.auth_id, emu.auth_token)
        async with aiohttp.ClientSession(headers=headers) as http:
            uuid = await place(http, emu, to=to, **urls(receiver), **extra)
            if flows:
                await emu.flows.drain()
            await emu.wait_for_callbacks()
            async with http.get(Api(emu).call(uuid)) as resp:
                assert resp.status == 200, await resp.text()
                cdr = await resp.json()
    [hangup] = receiver.at("/hangup")
    status, cause, name, code, disposition = expected
    fields = ("CallStatus", "HangupCause", "HangupCauseName", "HangupCauseCode")
    assert tuple(hangup[f] for f in fields) == (status, cause, name, code)
    event = parse_event(hangup)
    assert isinstance(event, HangupEvent)
    machine = any(p.get("Machine") == "true" for p in receiver.at("/machine"))
    assert disposition_of(event, machine=machine) == disposition
    # The call record agrees with the callback.
    assert (cdr["call_status"], cdr["hangup_cause_name"], str(cdr["hangup_cause_code"])) == (
        status,
        name,
        code,
    )


async def test_a_call_cancelled_while_ringing(receiver: Receiver) -> None:
    async def never(_: float) -> None:
        await asyncio_event().wait()

    async with Emulator(sleep=never, callbacks=True, seed=2) as emu:
        headers = auth_header(emu.auth_id, emu.auth_token)
        async with aiohttp.ClientSession(headers=headers) as http:
            uuid = await place(http, emu, **urls(receiver))
            async with http.delete(Api(emu).call(uuid)) as resp:
                assert resp.status == 204
            await emu.wait_for_callbacks()
            async with http.get(Api(emu).call(uuid)) as resp:
                cdr = await resp.json()
    [hangup] = receiver.at("/hangup")
    assert (hangup["CallStatus"], hangup["HangupCause"], hangup["HangupCauseName"]) == (
        "cancel",
        "ORIGINATOR_CANCEL",
        "Canceled",
    )
    assert hangup["HangupCauseCode"] == "1000" and hangup["HangupSource"] == "API Request"
    event = parse_event(hangup)
    assert isinstance(event, HangupEvent) and disposition_of(event) == "cancelled"
    assert (cdr["call_status"], cdr["hangup_cause_code"]) == ("cancel", 1000)


def asyncio_event() -> Any:
    import asyncio

    return asyncio.Event()


async def test_a_plain_completed_call_is_a_normal_hangup(
    receiver: Receiver, manual_clock: ManualClock
) -> None:
    life = Lifecycle(ringing_s=1.0, talk_s=5.0)
    async with Emulator(
        clock=manual_clock, sleep=manual_clock.sleep, lifecycle=life, callbacks=True
    ) as emu:
        headers = auth_header(emu.auth_id, emu.auth_token)
        async with aiohttp.ClientSession(headers=headers) as http:
            await place(http, emu, **urls(receiver))
            await emu.wait_for_callbacks()
    [hangup] = receiver.at("/hangup")
    assert (hangup["HangupCause"], hangup["HangupCauseName"], hangup["HangupCauseCode"]) == (
        "NORMAL_CLEARING",
        "Normal Hangup",
        "4000",
    )
    assert hangup["HangupSource"] == "Callee" and hangup["Duration"] == "5"
