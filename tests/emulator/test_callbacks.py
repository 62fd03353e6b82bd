"""Signed ring/answer/hangup callbacks to loopback URLs, checked by the webhooks validator."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest
from aiohttp import web

from plivo_async.emulator import Emulator, Lifecycle, ManualClock
from plivo_async.emulator.callbacks import is_loopback_url

from ._helpers import Api, auth_header, call_body

webhooks = pytest.importorskip("plivo_async.webhooks")


class Receiver:
    """A loopback web app that verifies each callback's signature and keeps it."""

    def __init__(self, auth_token: str) -> None:
        self.auth_token = auth_token
        self.received: list[tuple[str, str, dict[str, Any]]] = []
        self.arrived = asyncio.Event()
        self.url = ""

    async def handle(self, request: web.Request) -> web.Response:
        try:
            params = await webhooks.verify_request(request, self.auth_token)
        except webhooks.InvalidSignatureError:
            return web.Response(status=403)
        self.received.append((request.method, request.path, params))
        self.arrived.set()
        return web.Response(text="<Response/>", content_type="application/xml")

    async def next_callback(self) -> tuple[str, str, dict[str, Any]]:
        await asyncio.wait_for(self.arrived.wait(), timeout=5)
        self.arrived.clear()
        return self.received[-1]


@pytest.fixture
async def receiver() -> AsyncIterator[Receiver]:
    rec = Receiver("emulator-token")
    app = web.Application()
    app.router.add_route("*", "/{name}", rec.handle)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    rec.url = f"http://127.0.0.1:{runner.addresses[0][1]}"
    yield rec
    await runner.cleanup()


async def place(emu: Emulator, **body: Any) -> str:
    headers = auth_header(emu.auth_id, emu.auth_token)
    async with (
        aiohttp.ClientSession(headers=headers) as http,
        http.post(Api(emu).calls, json=call_body(**body)) as resp,
    ):
        assert resp.status == 201
        uuid: str = (await resp.json())["request_uuid"]
    return uuid


async def test_ring_answer_hangup_are_sent_signed_in_order(
    receiver: Receiver, manual_clock: ManualClock
) -> None:
    life = Lifecycle(ringing_s=2.0, talk_s=30.0)
    async with Emulator(
        clock=manual_clock, sleep=manual_clock.sleep, lifecycle=life, callbacks=True, seed=3
    ) as emu:
        uuid = await place(
            emu,
            ring_url=f"{receiver.url}/ring",
            answer_url=f"{receiver.url}/answer",
            hangup_url=f"{receiver.url}/hangup",
        )
        await emu.wait_for_callbacks()
        records = list(emu.history.callbacks)
    assert [path for _, path, _ in receiver.received] == ["/ring", "/answer", "/hangup"]
    ring, answer, hangup = (params for _, _, params in receiver.received)
    assert [p["CallStatus"] for p in (ring, answer, hangup)] == [
        "ringing",
        "in-progress",
        "completed",
    ]
    assert [p["Event"] for p in (ring, answer, hangup)] == ["Ring", "StartApp", "Hangup"]
    assert hangup["CallUUID"] == hangup["RequestUUID"] == uuid
    assert (hangup["From"], hangup["To"], hangup["Direction"]) == (
        "+14155550100",
        "+14155550101",
        "outbound",
    )
    assert (hangup["Duration"], hangup["BillDuration"]) == ("30", "60")
    assert hangup["HangupCause"] == "NORMAL_CLEARING"
    assert [(r.event, r.status, r.error) for r in records] == [
        ("ring", 200, None),
        ("answer", 200, None),
        ("hangup", 200, None),
    ]


async def test_get_callbacks_sign_the_query(receiver: Receiver, manual_clock: ManualClock) -> None:
    async with Emulator(clock=manual_clock, sleep=manual_clock.sleep, callbacks=True) as emu:
        await place(emu, answer_url=f"{receiver.url}/answer?tenant=7", answer_method="GET")
        await emu.wait_for_callbacks()
    # No hangup_url: the hangup goes to answer_url, like Plivo does.
    assert [(m, p) for m, p, _ in receiver.received] == [("GET", "/answer"), ("GET", "/answer")]
    assert receiver.received[0][2]["tenant"] == "7"
    assert receiver.received[1][2]["Event"] == "Hangup"


async def test_api_hangup_sends_the_hangup_callback_at_once(receiver: Receiver) -> None:
    async def never(_: float) -> None:
        await asyncio.Event().wait()  # time only moves through the API hangup

    async with Emulator(sleep=never, callbacks=True) as emu:
        uuid = await place(
            emu, ring_url=f"{receiver.url}/ring", hangup_url=f"{receiver.url}/hangup"
        )
        assert (await receiver.next_callback())[1] == "/ring"
        async with (
            aiohttp.ClientSession(headers=auth_header(emu.auth_id, emu.auth_token)) as s,
            s.delete(Api(emu).call(uuid)) as resp,
        ):
            assert resp.status == 204
        _, path, params = await receiver.next_callback()
    assert path == "/hangup"
    assert params["CallStatus"] == "cancel"
    assert params["HangupCause"] == "ORIGINATOR_CANCEL"


async def test_non_loopback_urls_are_never_called(manual_clock: ManualClock) -> None:
    async with Emulator(clock=manual_clock, sleep=manual_clock.sleep, callbacks=True) as emu:
        await place(emu, answer_url="https://example.com/answer")
        await emu.wait_for_callbacks()
        records = list(emu.history.callbacks)
    assert [(r.event, r.status, r.error) for r in records] == [
        ("answer", None, "not a loopback URL"),
        ("hangup", None, "not a loopback URL"),
    ]


async def test_unreachable_callback_is_recorded_not_raised(manual_clock: ManualClock) -> None:
    async with Emulator(clock=manual_clock, sleep=manual_clock.sleep, callbacks=True) as emu:
        # Port 9 (discard) on loopback is closed here: the connection is refused.
        await place(emu, answer_url="http://127.0.0.1:9/answer")
        await emu.wait_for_callbacks()
        records = list(emu.history.callbacks)
    assert [r.event for r in records] == ["answer", "hangup"]
    assert all(r.status is None and r.error for r in records)


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("http://127.0.0.1:8000/x", True),
        ("http://localhost/x", True),
        ("http://[::1]:80/x", True),
        ("http://127.1.2.3/x", True),
        ("https://example.com/x", False),
        ("http://10.0.0.1/x", False),
        ("ftp://127.0.0.1/x", False),
        ("not a url", False),
    ],
)
def test_is_loopback_url(url: str, expected: bool) -> None:
    assert is_loopback_url(url) is expected
