"""A webhook answer handler returns a typed document; it is served as application/xml."""

from __future__ import annotations

from aiohttp.test_utils import TestClient, TestServer

from plivo_async.webhooks import AnswerEvent, CallbackEvent, signature_headers, webhook_app
from plivo_async.xml import GetDigits, Hangup, Response, Speak, parse

TOKEN = "s3cr3t-t0ken-do-not-leak-XYZ"
ANSWER = {
    "CallUUID": "ebacced2-21ab-11e4-b6b4-f1ee8e2a3ea4",
    "From": "+14155550100",
    "To": "+14155550101",
    "Event": "StartApp",
    "CallStatus": "in-progress",
}


async def test_typed_event_in_typed_document_out() -> None:
    seen: list[CallbackEvent] = []

    async def on_event(event: CallbackEvent) -> Response:
        seen.append(event)
        return Response(
            [
                GetDigits([Speak(f"Hello {event.to}")], action="https://example.com/menu"),
                Hangup(),
            ]
        )

    async with TestClient(TestServer(webhook_app(TOKEN, on_event), host="127.0.0.1")) as client:
        url = str(client.make_url("/answer"))
        resp = await client.post(
            "/answer", data=ANSWER, headers=signature_headers("POST", url, ANSWER, TOKEN)
        )
        assert resp.status == 200
        assert resp.content_type == "application/xml"
        body = await resp.text()
    [event] = seen
    assert isinstance(event, AnswerEvent)
    document = parse(body)
    assert body == str(document)
    menu = document.children[0]
    assert isinstance(menu, GetDigits)
    assert menu.children == [Speak("Hello +14155550101")]
