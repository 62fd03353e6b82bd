"""Tracking end to end: scripted outcomes per destination come back as dispositions.

The emulator runs call flows (``flows=True``: scripts per destination, the answer URL's
XML) and sends signed ring/hangup callbacks (``callbacks=True``) to a real receiver on
loopback: the library's webhook app with a :class:`CallTracker` plugged in. Real time,
with a lifecycle of a fraction of a second, since the callback sender and the flows both
sleep on the emulator's clock.
"""

from __future__ import annotations

import aiohttp
from aiohttp import web
from aiohttp.test_utils import TestServer

from plivo_async import AsyncPlivo
from plivo_async.correlation import new_mark
from plivo_async.emulator import Emulator, FaultConfig, Lifecycle, Script
from plivo_async.models.calls import CreateCallRequest
from plivo_async.tracking import CallTracker
from plivo_async.webhooks import AnswerEvent, CallbackEvent, signature_headers
from plivo_async.xml import Response, Speak

from .conftest import FROM, number

HUMAN, BUSY, SILENT, MACHINE, CANCELLED = (number(i) for i in range(71, 76))


async def answer(event: CallbackEvent) -> Response | None:
    return Response([Speak("Hi")]) if isinstance(event, AnswerEvent) else None


async def test_scripted_outcomes_come_back_as_dispositions() -> None:
    tracker = CallTracker()
    life = Lifecycle(ringing_s=0.3, talk_s=0.2)
    async with Emulator(flows=True, callbacks=True, lifecycle=life) as emu:
        emu.flows.scripts[BUSY] = Script(answer="busy")
        emu.flows.scripts[SILENT] = Script(answer="no-answer")
        emu.flows.scripts[MACHINE] = Script(answer="machine")
        app = web.Application()
        app.add_subapp("/plivo/", tracker.app(emu.auth_token, on_event=answer))
        async with TestServer(app, host="127.0.0.1") as server:
            base = str(server.make_url("/plivo")).rstrip("/")
            urls = {
                "answer_url": f"{base}/answer",
                "ring_url": f"{base}/ring",
                "hangup_url": f"{base}/hangup",
                "machine_detection_url": f"{base}/machine",
            }
            handles = {}
            marks = {}
            async with AsyncPlivo(emu.auth_id, emu.auth_token, base_url=emu.url) as client:
                for to in (HUMAN, BUSY, SILENT, MACHINE, CANCELLED):
                    extra = {"machine_detection": "hangup"} if to == MACHINE else {}
                    request = CreateCallRequest(from_=FROM, to=to, **urls, **extra)
                    marks[to] = new_mark()
                    resp = await client.calls.create_from(request, mark=marks[to])
                    handles[to] = tracker.track(str(resp.request_uuid))
                await client.calls.hangup(handles[CANCELLED].request_uuid)  # still ringing
                assert await handles[HUMAN].answered() is True
                assert await handles[BUSY].answered() is False
                results = {to: await handle.ended() for to, handle in handles.items()}
                await emu.flows.drain()
                await emu.wait_for_callbacks()

                # Plivo may send a callback twice: replay each hangup, signed as Plivo does.
                hangups = [c for c in emu.history.callbacks if c.event == "hangup"]
                async with aiohttp.ClientSession() as http:
                    for record in hangups:
                        headers = signature_headers(
                            "POST", record.url, record.params, emu.auth_token
                        )
                        async with http.post(record.url, data=record.params, headers=headers) as r:
                            assert r.status == 200
                    # A forged callback never reaches the tracker.
                    forged = {**hangups[0].params, "CallStatus": "busy"}
                    async with http.post(hangups[0].url, data=forged) as r:
                        assert r.status == 403

    disposition = {to: result.disposition for to, result in results.items()}
    assert disposition == {
        HUMAN: "answered",
        BUSY: "busy",
        SILENT: "no-answer",
        MACHINE: "machine",
        CANCELLED: "cancelled",
    }
    assert results[HUMAN].duration == 1 and results[HUMAN].call_uuid == handles[HUMAN].request_uuid
    assert results[BUSY].duration == 0 and results[BUSY].hangup_cause is not None
    assert tracker.duplicates == len(hangups) == 5
    assert all(handle.result is results[to] for to, handle in handles.items())  # counted once
    # Every callback URL carried its row's mark: the tracker knows each one's request.
    assert tracker.marks == {marks[to]: handles[to].request_uuid for to in handles}


async def test_scripted_timing_and_duplicate_callbacks_counted_once() -> None:
    """Callbacks only (no call flow), each sent twice by the ``duplicate_callbacks``
    fault; scripts say when each destination answers and how long it talks."""
    short, long_, busy, silent = (number(i) for i in range(81, 85))
    tracker = CallTracker()
    faults = FaultConfig(duplicate_callbacks=1.0)
    async with Emulator(callbacks=True, faults=faults, seed=7) as emu:
        emu.scripts[short] = Script(ring_s=0.2, talk_s=0.4)
        emu.scripts[long_] = Script(ring_s=0.05, talk_s=1.2)
        emu.scripts[busy] = Script(answer="busy")
        emu.scripts[silent] = Script(answer="no-answer", ring_s=0.1)
        app = web.Application()
        app.add_subapp("/plivo/", tracker.app(emu.auth_token))
        async with TestServer(app, host="127.0.0.1") as server:
            base = str(server.make_url("/plivo")).rstrip("/")
            urls = {"answer_url": f"{base}/answer", "ring_url": f"{base}/ring"}
            async with AsyncPlivo(emu.auth_id, emu.auth_token, base_url=emu.url) as client:
                handles = {}
                for to in (short, long_, busy, silent):
                    resp = await client.calls.create(from_=FROM, to=to, **urls)
                    handles[to] = tracker.track(str(resp.request_uuid))
                results = {to: await handle.ended() for to, handle in handles.items()}
                await emu.wait_for_callbacks()
    summary = {to: (r.disposition, r.duration) for to, r in results.items()}
    assert summary == {
        short: ("answered", 1),  # 0.4 s of talk, billed by the started second
        long_: ("answered", 2),
        busy: ("busy", 0),
        silent: ("no-answer", 0),
    }
    sent_twice = [r for r in emu.history.callbacks if r.duplicate]
    assert {r.event for r in sent_twice} == {"ring", "answer", "hangup"}
    assert tracker.duplicates == len(sent_twice) == 3 + 3 + 1 + 2  # busy never rings
    assert all(r.status == 200 for r in emu.history.callbacks)
