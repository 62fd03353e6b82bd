"""Webhooks end to end: client places calls, the emulator calls back, the receiver verifies.

The emulator (``callbacks=True``) sends Plivo-style signed answer and hangup callbacks to
the URLs the client gave when it placed the calls; the receiver is the library's own
``webhook_app`` on loopback, checking the signatures with the account's auth token and
handing typed events to ``on_event``. Forged requests get 403 and never reach it.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import aiohttp
import pytest
from aiohttp import web

from plivo_async.emulator import Emulator, Lifecycle
from plivo_async.webhooks import (
    AnswerEvent,
    CallbackEvent,
    CallEvent,
    HangupEvent,
    sign_v3,
    signature_headers,
    webhook_app,
)

from .conftest import FROM, client_for, number

#: Short, real-time lifecycle: ring 10 ms, talk 20 ms.
LIFE = Lifecycle(queued_s=0.0, ringing_s=0.01, talk_s=0.02)


class Receiver:
    """A loopback aiohttp server with the library's webhook app mounted under /plivo/."""

    def __init__(self, auth_token: str) -> None:
        self.events: list[CallbackEvent] = []
        self.url = ""
        app = web.Application()
        app.add_subapp("/plivo/", webhook_app(auth_token, self.on_event))
        self.app = app

    async def on_event(self, event: CallbackEvent) -> str | None:
        self.events.append(event)
        if isinstance(event, AnswerEvent):
            return "<Response><Speak>Hello</Speak></Response>"
        return None

    def of(self, kind: type[CallbackEvent], call_uuid: str) -> list[CallbackEvent]:
        return [
            e
            for e in self.events
            if type(e) is kind and isinstance(e, CallEvent) and e.call_uuid == call_uuid
        ]


@pytest.fixture
async def emulator() -> AsyncIterator[Emulator]:
    async with Emulator(seed=5, lifecycle=LIFE, callbacks=True) as emu:
        yield emu


@pytest.fixture
async def receiver(emulator: Emulator) -> AsyncIterator[Receiver]:
    # The receiver trusts the same auth token the client uses (the account's).
    recv = Receiver(emulator.auth_token)
    runner = web.AppRunner(recv.app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    recv.url = f"http://127.0.0.1:{runner.addresses[0][1]}/plivo"
    yield recv
    await runner.cleanup()


@pytest.mark.parametrize("method", ["POST", "GET"])
async def test_callbacks_reach_on_event_typed_and_verified(
    emulator: Emulator, receiver: Receiver, method: str
) -> None:
    async with client_for(emulator) as client:
        single = await client.calls.create(
            from_=FROM,
            to=number(1),
            answer_url=f"{receiver.url}/answer",
            answer_method=method,
            hangup_url=f"{receiver.url}/hangup",
            hangup_method=method,
        )
        bulk = await client.calls.create(
            from_=FROM,
            to=[number(2), number(3)],
            answer_url=f"{receiver.url}/answer?campaign=spring",
            answer_method=method,
            hangup_url=f"{receiver.url}/hangup",
            hangup_method=method,
        )
    await emulator.wait_for_callbacks()

    uuids = single.request_uuids + bulk.request_uuids
    assert len(set(uuids)) == 3
    # Every callback the emulator sent was accepted (signature valid) and answered.
    callbacks = emulator.history.callbacks
    assert len(callbacks) == 6
    assert all(c.status == 200 and c.error is None for c in callbacks), callbacks
    assert all(c.method == method for c in callbacks)

    # One answer and one hangup event per call, typed, matching the uuid the client got.
    assert len(receiver.events) == 6
    for uuid, to in zip(uuids, [number(1), number(2), number(3)], strict=True):
        [answer] = receiver.of(AnswerEvent, uuid)
        [hangup] = receiver.of(HangupEvent, uuid)
        assert isinstance(answer, AnswerEvent)
        assert isinstance(hangup, HangupEvent)
        assert (answer.request_uuid, answer.to, answer.from_) == (uuid, to, FROM)
        assert answer.call_status == "in-progress"
        assert answer.event == "StartApp"
        assert hangup.hangup_cause == "NORMAL_CLEARING"
        assert hangup.hangup_source == "Callee"
        assert hangup.call_status == "completed"
        assert hangup.duration is not None and hangup.duration >= 0
        assert hangup.answer_time is not None
    # Answer events come before hangup events of the same call.
    order = [(type(e).__name__, getattr(e, "call_uuid", None)) for e in receiver.events]
    for uuid in uuids:
        assert order.index(("AnswerEvent", uuid)) < order.index(("HangupEvent", uuid))


async def test_hangup_through_the_api_calls_back_early(
    emulator: Emulator, receiver: Receiver
) -> None:
    """A call hung up by the client while ringing ends as cancelled, and says so."""
    async with Emulator(
        seed=6, lifecycle=Lifecycle(ringing_s=60.0, talk_s=60.0), callbacks=True
    ) as emu:
        async with client_for(emu) as client:
            created = await client.calls.create(
                from_=FROM,
                to=number(4),
                answer_url=f"{receiver.url}/answer",
                hangup_url=f"{receiver.url}/hangup",
            )
            assert isinstance(created.request_uuid, str)
            await client.calls.hangup(created.request_uuid)
        await emu.wait_for_callbacks()  # returns at once: the hangup woke the follower
    [event] = receiver.events
    assert isinstance(event, HangupEvent)
    assert event.call_uuid == created.request_uuid
    assert event.hangup_cause == "ORIGINATOR_CANCEL"
    assert event.hangup_source == "API Request"
    assert event.call_status == "cancel"


async def test_forged_requests_get_403_and_never_reach_on_event(
    emulator: Emulator, receiver: Receiver
) -> None:
    url = f"{receiver.url}/hangup"
    params = {
        "CallUUID": "11111111-1111-4111-8111-111111111111",
        "Event": "Hangup",
        "HangupCause": "NORMAL_CLEARING",
        "From": FROM,
        "To": number(9),
    }
    token = emulator.auth_token
    good = signature_headers("POST", url, params, token, nonce="12345678901234567890")
    forged = {
        "unsigned": {},
        "wrong token": signature_headers("POST", url, params, "not-the-token"),
        "tampered params": {
            **good,
            "X-Plivo-Signature-V3": sign_v3("POST", url, {**params, "To": number(8)}, "1", token),
        },
        "v3 of other params": {
            **good,
            "X-Plivo-Signature-V3": sign_v3(
                "POST",
                url,
                {**params, "HangupCause": "X"},
                good["X-Plivo-Signature-V3-Nonce"],
                token,
            ),
        },
        "garbage": {"X-Plivo-Signature-V3": "AAAA", "X-Plivo-Signature-V3-Nonce": "1"},
    }
    async with aiohttp.ClientSession() as http:
        for name, headers in forged.items():
            async with http.post(url, data=params, headers=headers) as resp:
                assert resp.status == 403, name
        assert receiver.events == []
        # Control: the same request, correctly signed, is accepted and parsed.
        async with http.post(url, data=params, headers=good) as resp:
            assert resp.status == 200
    [event] = receiver.events
    assert isinstance(event, HangupEvent)
    assert event.call_uuid == params["CallUUID"]
