"""A service that places calls and receives their hangup events, checked against the emulator.

``CallService`` is the whole service; ``demo()`` runs it on loopback against an emulator
that sends signed callbacks, exactly as Plivo would to the service's public URL.
"""

import asyncio
import socket

import aiohttp
from aiohttp import web

from plivo_async import AsyncPlivo
from plivo_async.emulator import Emulator, Lifecycle
from plivo_async.webhooks import AnswerEvent, CallbackEvent, HangupEvent, webhook_app

ANSWER_XML = "<Response><Speak>Hello from plivo-async.</Speak></Response>"


class CallService:
    """Places calls; answers Plivo's callbacks under PUBLIC_URL/plivo/ (signatures checked)."""

    def __init__(self, client: AsyncPlivo, auth_token: str, public_url: str) -> None:
        self.client, self.public_url = client, public_url.rstrip("/")
        self.hangups: dict[str, asyncio.Future[HangupEvent]] = {}
        self.app = web.Application()
        hooks = webhook_app(auth_token, self.on_event, public_url=self.public_url)
        self.app.add_subapp("/plivo/", hooks)  # forged callbacks get a 403

    def _hangup(self, request_uuid: str) -> asyncio.Future[HangupEvent]:
        return self.hangups.setdefault(request_uuid, asyncio.get_running_loop().create_future())

    async def on_event(self, event: CallbackEvent) -> str | None:
        if isinstance(event, AnswerEvent):
            return ANSWER_XML  # what the callee hears
        if isinstance(event, HangupEvent) and event.request_uuid:
            future = self._hangup(event.request_uuid)
            if not future.done():  # Plivo may deliver a callback twice
                future.set_result(event)
        return None

    async def call(self, from_: str, to: str) -> HangupEvent:
        """Place a call and return its hangup event, once Plivo has sent it."""
        resp = await self.client.calls.create(
            from_=from_,
            to=to,
            answer_url=f"{self.public_url}/plivo/answer",
            hangup_url=f"{self.public_url}/plivo/hangup",
        )
        try:
            return await self._hangup(resp.request_uuid)
        finally:
            self.hangups.pop(resp.request_uuid, None)


async def demo() -> None:
    sock = socket.socket()  # bound first, so the service knows its URL before it serves
    sock.bind(("127.0.0.1", 0))
    public_url = f"http://127.0.0.1:{sock.getsockname()[1]}"
    lifecycle = Lifecycle(ringing_s=0.2, talk_s=0.5)  # short calls for the demo
    async with (
        Emulator(callbacks=True, lifecycle=lifecycle) as emu,
        AsyncPlivo(emu.auth_id, emu.auth_token, base_url=emu.url) as client,
    ):
        service = CallService(client, emu.auth_token, public_url)
        runner = web.AppRunner(service.app)
        await runner.setup()
        await web.SockSite(runner, sock).start()
        try:
            numbers = [f"+1415555{i:04d}" for i in range(5)]
            events = await asyncio.gather(*(service.call("+14155550100", to) for to in numbers))
            for event in events:
                print(event.to, event.hangup_cause, f"{event.duration} s", event.end_time)
            print("callbacks:", [(c.event, c.status) for c in emu.history.callbacks][:3], "...")
            async with (  # an unsigned (forged) callback
                aiohttp.ClientSession() as http,
                http.post(f"{public_url}/plivo/hangup", data={"CallUUID": "x"}) as forged,
            ):
                print("forged callback:", forged.status)
        finally:
            await runner.cleanup()


if __name__ == "__main__":
    asyncio.run(demo())
