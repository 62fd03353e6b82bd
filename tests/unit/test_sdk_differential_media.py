"""Differential test: recordings, transcriptions, streams, endpoints and applications.

Every write operation (POST, DELETE) sends what the official ``plivo`` SDK sends for the
same call: the same method, the same path, the same ``Authorization`` header and the same
JSON body. The SDK's requests are captured by replacing ``requests.Session.send``; ours
by aioresponses. No network either way.

Known, deliberate differences, asserted here so they stay visible:

* the SDK sends a body of ``{}`` with a ``DELETE`` (and a ``POST``) that has no
  arguments; we send no body for a ``DELETE`` without arguments (an empty body, the same
  request for the API), and ``{}`` for a ``POST`` as the SDK does.
* the SDK also puts the ids it sends in the path into the body (``call_uuid`` for
  ``record`` and the stream methods, ``stream_id``, ``recording_id``, and
  ``endpoint_id`` / ``app_id`` for the deletes): ours go in the path only.
  :func:`compare` removes them from the SDK's body after checking they are the path's ids.
* ``applications.create`` / ``update``: the SDK sends its defaults for every argument not
  given (``answer_method="POST"``, ``default_number_app=False``, ...); we leave them
  out. On create the API applies the same defaults; on update the SDK's defaults *reset*
  fields the caller did not name, ours keep them. With every argument given, the bodies
  are identical.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, Iterator
from typing import Any
from urllib.parse import unquote, urlsplit

import plivo  # type: ignore[import-untyped]
import pytest
import requests
from aioresponses import aioresponses

from plivo_async.client import AsyncPlivo

from ._resources_helpers import (
    API,
    AUTH_HEADER,
    AUTH_ID,
    AUTH_TOKEN,
    CALL_UUID,
    client_fixture,  # noqa: F401 - the "client" fixture
    mocked_fixture,  # noqa: F401 - the "mocked" fixture
    sent,
)

RECORDING_ID = "7f3c91d2-8d41-11ee-b7c2-0242ac110002"
STREAM_ID = "30852c23-ee79-4eb4-b7b9-cd3605459650"
ENDPOINT_ID = "27183456211405"
APP_ID = "20468599130939380"

#: What the SDK's applications.create/update send for every argument left out.
SDK_APPLICATION_DEFAULTS = {
    "answer_method": "POST",
    "hangup_method": "POST",
    "fallback_method": "POST",
    "message_method": "POST",
    "default_number_app": False,
    "default_endpoint_app": False,
    "log_incoming_messages": True,
}

Request = tuple[str, str, str, Any]  # method, path, Authorization, body


class SdkRecorder:
    """Stands in for ``requests.Session.send``: records each request, answers 200."""

    def __init__(self) -> None:
        self.requests: list[requests.PreparedRequest] = []

    def __call__(self, request: requests.PreparedRequest) -> requests.Response:
        self.requests.append(request)
        response = requests.Response()
        response.status_code = 200
        response._content = json.dumps({"api_id": "sdk", "message": "ok"}).encode()
        response.headers["Content-Type"] = "application/json"
        response.url = request.url or ""
        response.request = request
        return response

    def only(self) -> Request:
        assert len(self.requests) == 1, [(r.method, r.url) for r in self.requests]
        request = self.requests[0]
        raw: Any = request.body
        body = json.loads(raw) if raw else None
        return (
            request.method or "",
            unquote(urlsplit(request.url or "").path),
            request.headers["Authorization"],
            body,
        )


@pytest.fixture
def sdk(monkeypatch: pytest.MonkeyPatch) -> Iterator[SdkRecorder]:
    recorder = SdkRecorder()

    def send(_session: requests.Session, request: requests.PreparedRequest, **_: Any) -> Any:
        return recorder(request)

    monkeypatch.setattr(requests.Session, "send", send)
    yield recorder


@pytest.fixture
def official() -> Any:
    return plivo.RestClient(AUTH_ID, AUTH_TOKEN)


def ours(m: aioresponses) -> Request:
    [(method, url, kwargs)] = sent(m)
    data = kwargs.get("data")
    return (
        method,
        unquote(url.path),
        kwargs["headers"]["Authorization"],
        (json.loads(data) if data else None),
    )


def empty_as_none(request: Request) -> Request:
    method, path, auth, body = request
    return method, path, auth, body or None


async def compare(
    m: aioresponses,
    sdk: SdkRecorder,
    method: str,
    path: str,
    run_sdk: Callable[[], Any],
    run_ours: Callable[[], Awaitable[Any]],
    *,
    echoed: dict[str, str] | None = None,
) -> tuple[Request, Request]:
    """Run both; check ours went to ``path`` with the client's auth; return both requests.

    ``echoed``: the path ids the SDK copies into its body (name -> value); they are
    checked and removed from the SDK's body.
    """
    run_sdk()
    getattr(m, method.lower())(API + path, status=200, payload={"api_id": "ours"})
    await run_ours()
    mine, theirs = ours(m), sdk.only()
    assert mine[:3] == (method, f"/v1/Account/{AUTH_ID}/{path}", AUTH_HEADER)
    if echoed:
        sdk_method, sdk_path, sdk_auth, sdk_body = theirs
        assert {k: sdk_body.pop(k) for k in echoed} == echoed
        theirs = (sdk_method, sdk_path, sdk_auth, sdk_body)
    return mine, theirs


# -- every write operation, side by side -----------------------------------------------------

FULL_RECORD: dict[str, Any] = {
    "time_limit": 300,
    "file_format": "wav",
    "transcription_type": "auto",
    "transcription_url": "https://example.com/transcription",
    "transcription_method": "GET",
    "transcription_report_type": "verbose",
    "callback_url": "https://example.com/recorded",
    "callback_method": "POST",
    "record_channel_type": "stereo",
}

FULL_STREAM: dict[str, Any] = {
    "bidirectional": True,
    "audio_track": "inbound",
    "stream_timeout": 600,
    "status_callback_url": "https://example.com/stream-status",
    "status_callback_method": "GET",
    "content_type": "audio/x-mulaw;rate=8000",
    "extra_headers": "tenant=acme,priority=1",
    "cx_bot": True,
}


FULL_APPLICATION: dict[str, Any] = {
    "answer_url": "https://example.com/answer",
    "answer_method": "GET",
    "hangup_url": "https://example.com/hangup",
    "hangup_method": "GET",
    "fallback_answer_url": "https://example.com/fallback",
    "fallback_method": "GET",
    "message_url": "https://example.com/message",
    "message_method": "GET",
    "default_number_app": True,
    "default_endpoint_app": True,
    "subaccount": "SAXXXXXXXXXXXXXXXXXX",
    "log_incoming_messages": False,
    "public_uri": True,
}


WSS = "wss://stream.example.com/audio"
MOVE = {"cascade": False, "new_endpoint_application": "16638156474000802"}
NEW_SETTINGS = {"password": "n3w-pass", "alias": "Reception", "app_id": APP_ID}
CALL = {"call_uuid": CALL_UUID}

#: (id, method, path, the SDK's call, ours, the path ids the SDK echoes in its body)
CASES: list[tuple[str, str, str, Any, Any, dict[str, str]]] = [
    (
        "calls.record",
        "POST",
        f"Call/{CALL_UUID}/Record/",
        lambda sdk_client: sdk_client.calls.record(CALL_UUID, **FULL_RECORD),
        lambda c: c.calls.record(CALL_UUID, **FULL_RECORD),
        CALL,
    ),
    (
        "calls.start_recording",
        "POST",
        f"Call/{CALL_UUID}/Record/",
        lambda sdk_client: sdk_client.calls.start_recording(CALL_UUID, **FULL_RECORD),
        lambda c: c.calls.start_recording(CALL_UUID, **FULL_RECORD),
        CALL,
    ),
    (
        "calls.start_stream-every-argument",
        "POST",
        f"Call/{CALL_UUID}/Stream/",
        lambda sdk_client: sdk_client.calls.start_stream(CALL_UUID, WSS, **FULL_STREAM),
        lambda c: c.calls.start_stream(CALL_UUID, WSS, **FULL_STREAM),
        CALL,
    ),
    (
        "calls.start_stream-service-url-only",
        "POST",
        f"Call/{CALL_UUID}/Stream/",
        lambda sdk_client: sdk_client.calls.start_stream(CALL_UUID, WSS),
        lambda c: c.calls.start_stream(CALL_UUID, WSS),
        CALL,
    ),
    (
        "calls.delete_all_streams",
        "DELETE",
        f"Call/{CALL_UUID}/Stream/",
        lambda sdk_client: sdk_client.calls.delete_all_streams(CALL_UUID),
        lambda c: c.calls.delete_all_streams(CALL_UUID),
        CALL,
    ),
    (
        "calls.delete_specific_stream",
        "DELETE",
        f"Call/{CALL_UUID}/Stream/{STREAM_ID}/",
        lambda sdk_client: sdk_client.calls.delete_specific_stream(CALL_UUID, STREAM_ID),
        lambda c: c.calls.delete_specific_stream(CALL_UUID, STREAM_ID),
        {**CALL, "stream_id": STREAM_ID},
    ),
    (
        "calls.delete_stream",  # our short name for the SDK's delete_specific_stream
        "DELETE",
        f"Call/{CALL_UUID}/Stream/{STREAM_ID}/",
        lambda sdk_client: sdk_client.calls.delete_specific_stream(CALL_UUID, STREAM_ID),
        lambda c: c.calls.delete_stream(CALL_UUID, STREAM_ID),
        {**CALL, "stream_id": STREAM_ID},
    ),
    (
        "recordings.delete",
        "DELETE",
        f"Recording/{RECORDING_ID}/",
        lambda sdk_client: sdk_client.recordings.delete(RECORDING_ID),
        lambda c: c.recordings.delete(RECORDING_ID),
        {"recording_id": RECORDING_ID},
    ),
    (
        "transcriptions.create_transcription",
        "POST",
        f"Transcription/{RECORDING_ID}/",
        lambda sdk_client: sdk_client.transcriptions.create_transcription(RECORDING_ID),
        lambda c: c.transcriptions.create_transcription(RECORDING_ID),
        {"recording_id": RECORDING_ID},
    ),
    (
        "transcriptions.create_transcription-callback",
        "POST",
        f"Transcription/{RECORDING_ID}/",
        lambda sdk_client: sdk_client.transcriptions.create_transcription(
            RECORDING_ID, "https://e.com/t"
        ),
        lambda c: c.transcriptions.create_transcription(RECORDING_ID, "https://e.com/t"),
        {"recording_id": RECORDING_ID},
    ),
    (
        "transcriptions.delete_transcription",
        "DELETE",
        f"Transcription/{RECORDING_ID}/",
        lambda sdk_client: sdk_client.transcriptions.delete_transcription(RECORDING_ID),
        lambda c: c.transcriptions.delete_transcription(RECORDING_ID),
        {},
    ),
    (
        "endpoints.create",
        "POST",
        "Endpoint/",
        lambda sdk_client: sdk_client.endpoints.create("frontdesk", "s3cret-pass", "Front desk"),
        lambda c: c.endpoints.create("frontdesk", "s3cret-pass", "Front desk"),
        {},
    ),
    (
        "endpoints.create-app_id",
        "POST",
        "Endpoint/",
        lambda sdk_client: sdk_client.endpoints.create(
            "frontdesk", "s3cret-pass", "Front desk", APP_ID
        ),
        lambda c: c.endpoints.create("frontdesk", "s3cret-pass", "Front desk", APP_ID),
        {},
    ),
    (
        "endpoints.update-every-argument",
        "POST",
        f"Endpoint/{ENDPOINT_ID}/",
        lambda sdk_client: sdk_client.endpoints.update(ENDPOINT_ID, **NEW_SETTINGS),
        lambda c: c.endpoints.update(ENDPOINT_ID, **NEW_SETTINGS),
        {},
    ),
    (
        "endpoints.update-alias-only",
        "POST",
        f"Endpoint/{ENDPOINT_ID}/",
        lambda sdk_client: sdk_client.endpoints.update(ENDPOINT_ID, alias="Reception"),
        lambda c: c.endpoints.update(ENDPOINT_ID, alias="Reception"),
        {},
    ),
    (
        "endpoints.delete",
        "DELETE",
        f"Endpoint/{ENDPOINT_ID}/",
        lambda sdk_client: sdk_client.endpoints.delete(ENDPOINT_ID),
        lambda c: c.endpoints.delete(ENDPOINT_ID),
        {"endpoint_id": ENDPOINT_ID},
    ),
    (
        "applications.create-every-argument",
        "POST",
        "Application/",
        lambda sdk_client: sdk_client.applications.create("Support line", **FULL_APPLICATION),
        lambda c: c.applications.create("Support line", **FULL_APPLICATION),
        {},
    ),
    (
        "applications.update-every-argument",
        "POST",
        f"Application/{APP_ID}/",
        lambda sdk_client: sdk_client.applications.update(APP_ID, **FULL_APPLICATION),
        lambda c: c.applications.update(APP_ID, **FULL_APPLICATION),
        {},
    ),
    (
        "applications.delete",
        "DELETE",
        f"Application/{APP_ID}/",
        lambda sdk_client: sdk_client.applications.delete(APP_ID),
        lambda c: c.applications.delete(APP_ID),
        {"app_id": APP_ID},
    ),
    (
        "applications.delete-cascade",
        "DELETE",
        f"Application/{APP_ID}/",
        lambda sdk_client: sdk_client.applications.delete(APP_ID, cascade=True),
        lambda c: c.applications.delete(APP_ID, cascade=True),
        {"app_id": APP_ID},
    ),
    (
        "applications.delete-move-endpoints",
        "DELETE",
        f"Application/{APP_ID}/",
        lambda sdk_client: sdk_client.applications.delete(APP_ID, **MOVE),
        lambda c: c.applications.delete(APP_ID, **MOVE),
        {"app_id": APP_ID},
    ),
]


@pytest.mark.parametrize(
    ("method", "path", "run_sdk", "run_ours", "echoed"),
    [pytest.param(*case[1:], id=case[0]) for case in CASES],
)
async def test_write_operation_matches_the_sdk(
    sdk: SdkRecorder,
    official: Any,
    client: AsyncPlivo,
    mocked: aioresponses,
    method: str,
    path: str,
    run_sdk: Any,
    run_ours: Any,
    echoed: dict[str, str],
) -> None:
    mine, theirs = await compare(
        mocked,
        sdk,
        method,
        path,
        lambda: run_sdk(official),
        lambda: run_ours(client),
        echoed=echoed,
    )
    # A DELETE without arguments: the SDK sends {}, we send no body (same request).
    assert mine == (empty_as_none(theirs) if method == "DELETE" else theirs)


def test_the_table_covers_every_write_method() -> None:
    """The table covers each write method of the five areas at least once."""
    covered = {case[0].split("-")[0] for case in CASES}
    assert covered >= {
        "calls.record", "calls.start_stream", "calls.delete_all_streams",
        "calls.delete_specific_stream", "recordings.delete",
        "transcriptions.create_transcription", "transcriptions.delete_transcription",
        "endpoints.create", "endpoints.update", "endpoints.delete",
        "applications.create", "applications.update", "applications.delete",
    }  # fmt: skip


@pytest.mark.parametrize("operation", ["create", "update"])
async def test_application_minimal_differs_only_by_the_sdk_defaults(
    sdk: SdkRecorder, official: Any, client: AsyncPlivo, mocked: aioresponses, operation: str
) -> None:
    answer = {"answer_url": "https://example.com/answer"}
    if operation == "create":
        path = "Application/"
        mine, theirs = await compare(
            mocked,
            sdk,
            "POST",
            path,
            lambda: official.applications.create("Support line", **answer),
            lambda: client.applications.create("Support line", **answer),
        )
    else:
        path = f"Application/{APP_ID}/"
        mine, theirs = await compare(
            mocked,
            sdk,
            "POST",
            path,
            lambda: official.applications.update(APP_ID, **answer),
            lambda: client.applications.update(APP_ID, **answer),
        )
    assert mine[:3] == theirs[:3]
    body, sdk_body = mine[3], theirs[3]
    assert {k: sdk_body[k] for k in body} == body
    assert {k: v for k, v in sdk_body.items() if k not in body} == SDK_APPLICATION_DEFAULTS
