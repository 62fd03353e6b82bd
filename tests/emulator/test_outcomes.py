"""Scripted outcomes tell the truth: callbacks, call records and what tracking makes of them.

Each scripted outcome (a person answers, a machine answers, busy, no answer, cancelled
through the API) must come back with Plivo's ``CallStatus``, hangup cause, cause name and
code (Plivo's hangup-cause table) in the hangup callback and in the call record, and
:func:`plivo_async.tracking.disposition_of` must read the right disposition from them.
Scripts set when each destination answers and for how long; a create with
``callback_url`` gets its answer by callback; the ``duplicate_callbacks`` fault sends
callbacks twice.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest
from aiohttp import web

from plivo_async.emulator import Emulator, FaultConfig, Lifecycle, ManualClock, Script
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
            await asyncio.wait_for(emu.wait_for_callbacks(), timeout=10)
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


def asyncio_event() -> asyncio.Event:
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


async def test_scripts_set_when_each_destination_answers_and_for_how_long(
    emu: Emulator, http: aiohttp.ClientSession
) -> None:
    slow, quick, ringout, capped, busy = (f"+1415555020{i}" for i in range(5))
    emu.scripts[slow] = Script(ring_s=12, talk_s=95)
    emu.scripts[quick] = Script(talk_s=0)  # answers, hangs up at once
    emu.scripts[ringout] = Script(answer="no-answer", ring_s=7)
    emu.scripts[capped] = Script(answer="no-answer", ring_s=50)
    emu.scripts[busy] = Script(answer="busy", ring_s=3)
    calls = {}
    for to in (slow, quick, ringout, capped, busy, "+14155550299"):
        extra = {"ring_timeout": 20} if to == capped else {}
        calls[to] = emu.call(await place(http, emu, to=to, **extra))

    def timeline(to: str) -> tuple[float, float]:
        call = calls[to]
        assert call is not None
        return call.answer_at - call.dial_at, call.end_at - call.dial_at

    inf = float("inf")
    assert timeline(slow) == (12, 12 + 95)
    assert timeline(quick) == (2, 2)  # the lifecycle's ringing_s (conftest: 2 s)
    assert timeline(ringout) == (inf, 7)
    assert timeline(capped) == (inf, 20)  # the create's ring_timeout ends it first
    assert timeline(busy) == (inf, 3)
    assert timeline("+14155550299") == (2, 32)  # no script: the lifecycle
    with pytest.raises(ValueError, match="ring_s"):
        Script(ring_s=-1)
    # The records say the same: answered after 12 s, 95 s of talk.
    emu_clock = emu.clock
    assert isinstance(emu_clock, ManualClock)
    emu_clock.advance(200)
    async with http.get(Api(emu).call(calls[slow].uuid)) as resp:  # type: ignore[union-attr]
        cdr = await resp.json()
    assert (cdr["call_duration"], cdr["call_status"]) == (95, "completed")
    statuses = {to: c.status(emu.clock()) for to, c in calls.items() if c is not None}
    assert (statuses[ringout], statuses[capped], statuses[busy]) == ("no-answer",) * 2 + ("busy",)


async def test_a_create_with_callback_url_answers_by_callback(
    receiver: Receiver, manual_clock: ManualClock
) -> None:
    async with Emulator(
        callbacks=True, seed=4, clock=manual_clock, sleep=manual_clock.sleep
    ) as emu:
        headers = auth_header(emu.auth_id, emu.auth_token)
        async with aiohttp.ClientSession(headers=headers) as http:
            body = call_body(to="+14155550101<+14155550102", callback_url=f"{receiver.url}/result")
            async with http.post(Api(emu).calls, json=body) as resp:
                assert resp.status == 201
                ack = await resp.json()
            await emu.wait_for_callbacks()
    assert set(ack) == {"api_id", "message"} and ack["message"] == "async api spawned"
    [result] = receiver.at("/result")  # signed (the receiver verified it)
    uuids = [c.uuid for c in emu.calls]
    assert result == {
        "api_id": ack["api_id"],
        "message": "call fired",
        "request_uuid": ",".join(uuids),
    }
    [record] = [r for r in emu.history.callbacks if r.event == "async_result"]
    assert (record.call_uuid, record.status) == (uuids[0], 200)


async def test_callback_url_without_callbacks_is_acknowledged_only(
    emu: Emulator, http: aiohttp.ClientSession
) -> None:
    async with http.post(Api(emu).calls, json=call_body(callback_url="http://127.0.0.1:9/r")) as r:
        assert (r.status, (await r.json())["message"]) == (201, "async api spawned")
    assert len(emu.calls) == 1 and emu.history.callbacks == []
    async with http.post(Api(emu).calls, json=call_body(callback_url="not a url")) as r:
        assert r.status == 400
    assert len(emu.calls) == 1


async def test_duplicate_callbacks_fault_sends_callbacks_twice(receiver: Receiver) -> None:
    life = Lifecycle(ringing_s=0.01, talk_s=0.01)
    faults = FaultConfig(duplicate_callbacks=1.0)
    async with Emulator(callbacks=True, lifecycle=life, faults=faults, seed=5) as emu:
        headers = auth_header(emu.auth_id, emu.auth_token)
        async with aiohttp.ClientSession(headers=headers) as http:
            await place(http, emu, **urls(receiver))
            await emu.wait_for_callbacks()
    records = [(r.event, r.duplicate, r.status) for r in emu.history.callbacks]
    assert records == [
        (event, duplicate, 200)
        for event in ("ring", "answer", "hangup")
        for duplicate in (False, True)
    ]
    assert [path for path, _ in receiver.received] == [
        "/ring", "/ring", "/answer", "/answer", "/hangup", "/hangup",
    ]  # fmt: skip
    first, again = receiver.at("/hangup")
    assert first == again  # the same callback, delivered twice


async def test_duplicate_callbacks_are_seeded(receiver: Receiver) -> None:
    async def run(seed: int) -> list[bool]:
        life = Lifecycle(ringing_s=0.0, talk_s=0.0)
        async with Emulator(callbacks=True, lifecycle=life, seed=seed) as emu:
            emu.set_faults(duplicate_callbacks=0.5)
            headers = auth_header(emu.auth_id, emu.auth_token)
            async with aiohttp.ClientSession(headers=headers) as http:
                for i in range(12):
                    await place(http, emu, to=f"+141555503{i:02}", hangup_url=f"{receiver.url}/h")
                    await emu.wait_for_callbacks()  # one call at a time: a fixed order
        return [r.duplicate for r in emu.history.callbacks if r.event == "hangup"]

    first, second = await run(9), await run(9)
    assert first == second and 12 < len(first) < 24  # some twice, not all
    with pytest.raises(ValueError, match=r"0\.\.1"):
        FaultConfig(duplicate_callbacks=1.5)


async def test_a_hangup_during_a_callback_is_not_lost(receiver: Receiver) -> None:
    """The API hangs the call up while its ring callback is in flight: the hangup
    callback still follows (it used to wait for the call's natural end)."""

    async def never(_: float) -> None:
        await asyncio.Event().wait()  # time moves only through the API hangup

    async with Emulator(sleep=never, callbacks=True) as emu:
        headers = auth_header(emu.auth_id, emu.auth_token)
        async with aiohttp.ClientSession(headers=headers) as http:
            uuid = ""

            async def ring(request: web.Request) -> web.Response:
                async with http.delete(Api(emu).call(uuid)) as resp:  # before answering
                    assert resp.status == 204
                return web.Response()

            app = web.Application()
            app.router.add_post("/ring", ring)
            app.router.add_post("/hangup", receiver.handle)
            runner = web.AppRunner(app, access_log=None)
            await runner.setup()
            site = web.TCPSite(runner, "127.0.0.1", 0)
            await site.start()
            base = f"http://127.0.0.1:{runner.addresses[0][1]}"
            try:
                uuid = await place(http, emu, ring_url=f"{base}/ring", hangup_url=f"{base}/hangup")
                await asyncio.wait_for(emu.wait_for_callbacks(), timeout=10)
            finally:
                await runner.cleanup()
    [hangup] = receiver.at("/hangup")
    assert hangup["CallStatus"] == "cancel" and hangup["HangupSource"] == "API Request"
