"""Plivo callbacks in any framework: method, URL, headers and body in, a typed event out.

``on_callback`` is what a framework's route would call with what it knows of the request;
the URL is the one Plivo called (the public one, with its query).
"""

import asyncio
from urllib.parse import urlencode

from plivo_async.webhooks import (
    CallbackEvent,
    HangupEvent,
    InvalidSignatureError,
    MemoryNonces,
    RingEvent,
    signature_headers,
    verify,
)

AUTH_TOKEN = "demo-auth-token"
nonces = MemoryNonces()  # one store for the process's lifetime (RedisNonces for several)


async def on_callback(method: str, url: str, headers: dict[str, str], body: bytes) -> int:
    """The HTTP status to answer with."""
    try:
        event = await verify(method, url, headers, body, AUTH_TOKEN, nonces=nonces)
    except InvalidSignatureError as exc:
        print(f"  refused: {exc}")
        return 403
    handle(event)
    return 200


def handle(event: CallbackEvent) -> None:
    if isinstance(event, RingEvent):
        print(f"  ringing: {event.call_uuid}")
    elif isinstance(event, HangupEvent):
        print(f"  hung up: {event.call_uuid} {event.hangup_cause} after {event.duration} s")


async def demo() -> None:
    # A GET callback: the params are in the URL's query.
    ring = f"https://hooks.example.com/plivo/ring?{urlencode({'CallUUID': 'c-1', 'Event': 'Ring'})}"
    headers = signature_headers("GET", ring, {}, AUTH_TOKEN)
    print("GET ring:", await on_callback("GET", ring, headers, b""))
    # A POST callback: a form body (Plivo sends JSON for some products; both are read).
    url = "https://hooks.example.com/plivo/hangup"
    params = {
        "CallUUID": "c-1",
        "Event": "Hangup",
        "HangupCause": "NORMAL_CLEARING",
        "Duration": "7",
    }
    headers = {
        **signature_headers("POST", url, params, AUTH_TOKEN),
        "content-type": "application/x-www-form-urlencoded",
    }
    print("POST hangup:", await on_callback("POST", url, headers, urlencode(params).encode()))
    print("the same again:", await on_callback("POST", url, headers, urlencode(params).encode()))


if __name__ == "__main__":
    asyncio.run(demo())
