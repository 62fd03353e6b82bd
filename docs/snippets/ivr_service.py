"""A phone menu (IVR) as an aiohttp service: typed callback events in, typed Plivo XML out.

``ivr_app`` is the whole service; ``demo()`` sends it signed callbacks as Plivo would
(answer, then the menu choice) and prints the documents it answers with.
"""

import asyncio
import socket

import aiohttp
from aiohttp import web

from plivo_async.webhooks import CallbackEvent, signature_headers, webhook_handler
from plivo_async.xml import Dial, GetDigits, Hangup, Number, Response, Speak

AGENT = "+14155550199"


def ivr_app(auth_token: str, public_url: str) -> web.Application:
    """POST /answer: the menu; POST /menu: Plivo posts the caller's key press here."""

    async def answer(event: CallbackEvent) -> Response:
        prompt = Speak("Press 1 to talk to an agent, or 2 to hear our opening hours.")
        return Response(
            [
                GetDigits([prompt], action=f"{public_url}/menu", num_digits=1, valid_digits="12"),
                Speak("We did not get your choice. Goodbye."),
                Hangup(),
            ]
        )

    async def menu(event: CallbackEvent) -> Response:
        if event.raw.get("Digits") == "1":
            return Response([Speak("Connecting you."), Dial([Number(AGENT)], timeout=20)])
        return Response([Speak("We are open from nine to five."), Hangup()])

    app = web.Application()  # signatures are checked: forged callbacks get a 403
    app.router.add_post("/answer", webhook_handler(auth_token, answer, public_url=public_url))
    app.router.add_post("/menu", webhook_handler(auth_token, menu, public_url=public_url))
    return app


async def demo() -> None:
    token, call = "demo-auth-token", {"CallUUID": "c-1", "From": "+14155550100"}
    sock = socket.socket()  # bound first, so the service knows its URL before it serves
    sock.bind(("127.0.0.1", 0))
    url = f"http://127.0.0.1:{sock.getsockname()[1]}"
    runner = web.AppRunner(ivr_app(token, url))
    await runner.setup()
    await web.SockSite(runner, sock).start()
    steps = [("/answer", {"Event": "StartApp"}), ("/menu", {"Digits": "1"}), ("/menu", {})]
    try:
        async with aiohttp.ClientSession() as http:
            for path, extra in steps:
                params = {**call, **extra}
                headers = signature_headers("POST", url + path, params, token)
                async with http.post(url + path, data=params, headers=headers) as resp:
                    print(f"POST {path} {extra} -> {resp.status} {resp.content_type}")
                    print(await resp.text())
    finally:
        await runner.cleanup()


if __name__ == "__main__":
    asyncio.run(demo())
