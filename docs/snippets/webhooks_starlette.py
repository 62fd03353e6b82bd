"""Plivo callbacks in a Starlette app, sent as Plivo sends them (through httpx's ASGI client).

``plivo(request)`` returns the typed event, or raises a 403 before the endpoint goes on:
a wrong signature, a tampered body, or a nonce seen before (a replay).
"""

import asyncio

import httpx
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from plivo_async.webhooks import HangupEvent, signature_headers
from plivo_async.webhooks.starlette import PlivoWebhook

AUTH_TOKEN = "demo-auth-token"  # the account's auth token (PLIVO_AUTH_TOKEN)
PUBLIC_URL = "https://hooks.example.com"  # what Plivo calls; the app runs behind a proxy

plivo = PlivoWebhook(AUTH_TOKEN, public_url=PUBLIC_URL)
hangups: dict[str, str | None] = {}


async def hangup(request: Request) -> Response:
    event = await plivo(request)  # a forged or replayed callback stops here: 403
    if isinstance(event, HangupEvent) and event.call_uuid:
        try:
            hangups[event.call_uuid] = event.hangup_cause  # your database, in real life
        except Exception:
            await plivo.release(event)  # not handled: Plivo's retry must be served
            raise
    return Response()


app = Starlette(routes=[Route("/plivo/hangup", hangup, methods=["POST"])])


async def demo() -> None:
    params = {"CallUUID": "c-1", "Event": "Hangup", "HangupCause": "NORMAL_CLEARING"}
    signed = signature_headers("POST", f"{PUBLIC_URL}/plivo/hangup", params, AUTH_TOKEN)
    tampered = {**params, "HangupCause": "USER_BUSY"}
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://app:8000") as http:
        for what, body in (("genuine", params), ("replayed", params), ("tampered", tampered)):
            resp = await http.post("/plivo/hangup", data=body, headers=signed)
            print(f"{what}: {resp.status_code}")
    print(hangups)


if __name__ == "__main__":
    asyncio.run(demo())
