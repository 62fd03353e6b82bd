"""``callback_url`` / ``callback_method`` (Plivo's asynchronous mode) on endpoints,
applications and recordings: checked before sending, sent where the official SDK sends
them (the query of a ``GET``, the JSON body of a ``POST`` or ``DELETE``)."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

import plivo  # type: ignore[import-untyped]
import pytest
import requests
from aioresponses import aioresponses

from plivo_async.client import AsyncPlivo
from plivo_async.errors import ValidationError

from ._fixtures import refused
from ._resources_helpers import (
    API,
    AUTH_ID,
    AUTH_TOKEN,
    body_of,
    client_fixture,  # noqa: F401 - the "client" fixture
    mocked_fixture,  # noqa: F401 - the "mocked" fixture
    only_request,
)

ENDPOINT_ID = "27183456211405"
APP_ID = "20468599130939380"
RECORDING_ID = "7f3c91d2-8d41-11ee-b7c2-0242ac110002"
CB = {"callback_url": "https://example.com/async", "callback_method": "GET"}
ASYNC_ANSWER = {"api_id": "a1", "message": "async api spawned"}

#: (id, method, path, the SDK's call, ours)
CASES: list[tuple[str, str, str, Callable[[Any], Any], Callable[[AsyncPlivo], Any]]] = [
    (
        "endpoints.create",
        "POST",
        "Endpoint/",
        lambda s: s.endpoints.create("frontdesk", "s3cret-pass", "Desk", **CB),
        lambda c: c.endpoints.create("frontdesk", "s3cret-pass", "Desk", **CB),
    ),
    (
        "endpoints.get",
        "GET",
        f"Endpoint/{ENDPOINT_ID}/",
        lambda s: s.endpoints.get(ENDPOINT_ID, **CB),
        lambda c: c.endpoints.get(ENDPOINT_ID, **CB),
    ),
    (
        "endpoints.list",
        "GET",
        "Endpoint/",
        lambda s: s.endpoints.list(limit=5, offset=0, **CB),
        lambda c: c.endpoints.list(limit=5, offset=0, **CB),
    ),
    (
        "endpoints.update",
        "POST",
        f"Endpoint/{ENDPOINT_ID}/",
        lambda s: s.endpoints.update(ENDPOINT_ID, alias="Reception", **CB),
        lambda c: c.endpoints.update(ENDPOINT_ID, alias="Reception", **CB),
    ),
    (
        "endpoints.delete",
        "DELETE",
        f"Endpoint/{ENDPOINT_ID}/",
        lambda s: s.endpoints.delete(ENDPOINT_ID, **CB),
        lambda c: c.endpoints.delete(ENDPOINT_ID, **CB),
    ),
    (
        "applications.get",
        "GET",
        f"Application/{APP_ID}/",
        lambda s: s.applications.get(APP_ID, **CB),
        lambda c: c.applications.get(APP_ID, **CB),
    ),
    (
        "applications.list",
        "GET",
        "Application/",
        lambda s: s.applications.list(limit=5, offset=0, **CB),
        lambda c: c.applications.list(limit=5, offset=0, **CB),
    ),
    (
        "applications.delete",
        "DELETE",
        f"Application/{APP_ID}/",
        lambda s: s.applications.delete(APP_ID, cascade=True, **CB),
        lambda c: c.applications.delete(APP_ID, cascade=True, **CB),
    ),
    (
        "recordings.get",
        "GET",
        f"Recording/{RECORDING_ID}/",
        lambda s: s.recordings.get(RECORDING_ID, **CB),
        lambda c: c.recordings.get(RECORDING_ID, **CB),
    ),
    (
        "recordings.list",
        "GET",
        "Recording/",
        lambda s: s.recordings.list(limit=5, offset=0, **CB),
        lambda c: c.recordings.list(limit=5, offset=0, **CB),
    ),
    (
        "recordings.delete",
        "DELETE",
        f"Recording/{RECORDING_ID}/",
        lambda s: s.recordings.delete(RECORDING_ID, **CB),
        lambda c: c.recordings.delete(RECORDING_ID, **CB),
    ),
]

Sent = tuple[str, str, dict[str, str], Any]  # method, path, query, body


class SdkRecorder:
    """Stands in for ``requests.Session.send``: records each request, answers as Plivo's
    asynchronous mode does."""

    def __init__(self) -> None:
        self.requests: list[requests.PreparedRequest] = []

    def __call__(self, request: requests.PreparedRequest) -> requests.Response:
        self.requests.append(request)
        response = requests.Response()
        response.status_code = 200
        response._content = json.dumps(ASYNC_ANSWER).encode()
        response.headers["Content-Type"] = "application/json"
        response.url = request.url or ""
        response.request = request
        return response

    def only(self) -> Sent:
        [request] = self.requests
        url = urlsplit(request.url or "")
        raw: Any = request.body
        return (
            request.method or "",
            unquote(url.path),
            dict(parse_qsl(url.query)),
            json.loads(raw) if raw else None,
        )


@pytest.fixture
def sdk(monkeypatch: pytest.MonkeyPatch) -> Iterator[SdkRecorder]:
    recorder = SdkRecorder()

    def send(_session: requests.Session, request: requests.PreparedRequest, **_: Any) -> Any:
        return recorder(request)

    monkeypatch.setattr(requests.Session, "send", send)
    yield recorder


@pytest.mark.parametrize(
    ("method", "path", "run_sdk", "run_ours"),
    [pytest.param(*case[1:], id=case[0]) for case in CASES],
)
async def test_the_asynchronous_mode_is_sent_as_the_sdk_sends_it(
    sdk: SdkRecorder,
    client: AsyncPlivo,
    mocked: aioresponses,
    method: str,
    path: str,
    run_sdk: Callable[[Any], Any],
    run_ours: Callable[[AsyncPlivo], Any],
) -> None:
    run_sdk(plivo.RestClient(AUTH_ID, AUTH_TOKEN))
    # Any query: it is compared below.
    url = re.compile(re.escape(API + path) + r"(\?.*)?$")
    getattr(mocked, method.lower())(url, status=200, payload=ASYNC_ANSWER)
    answer = await run_ours(client)
    got_method, url, kwargs = only_request(mocked)
    mine: Sent = (got_method, unquote(url.path), dict(url.query), body_of(kwargs))
    theirs = sdk.only()
    assert mine[:2] == (method, f"/v1/Account/{AUTH_ID}/{path}")
    theirs_body = theirs[3]
    if method == "DELETE" and isinstance(theirs_body, dict):
        # The SDK echoes the path's id into its body (see test_sdk_differential_media).
        for echoed in ("endpoint_id", "app_id", "recording_id"):
            theirs_body.pop(echoed, None)
    if method == "GET":
        # The SDK sends its list defaults (limit/offset) too; the mode's fields are equal.
        assert {k: mine[2][k] for k in CB} == {k: theirs[2][k] for k in CB} == CB
        assert mine[3] is None and not theirs_body
    else:
        assert mine[2] == theirs[2] == {}
        assert {k: mine[3][k] for k in CB} == CB
        assert {k: theirs_body[k] for k in CB} == CB
    assert getattr(answer, "api_id", None) == "a1"


@pytest.mark.parametrize(
    ("field", "value"),
    [("callback_url", "ftp://example.com/x"), ("callback_method", "PUT")],
)
@pytest.mark.parametrize(
    "call",
    [
        lambda c, kw: c.endpoints.create("frontdesk", "s3cret-pass", "Desk", **kw),
        lambda c, kw: c.endpoints.get(ENDPOINT_ID, **kw),
        lambda c, kw: c.endpoints.list(**kw),
        lambda c, kw: c.endpoints.update(ENDPOINT_ID, alias="x", **kw),
        lambda c, kw: c.endpoints.delete(ENDPOINT_ID, **kw),
        lambda c, kw: c.applications.create("Support", **kw),
        lambda c, kw: c.applications.get(APP_ID, **kw),
        lambda c, kw: c.applications.list(**kw),
        lambda c, kw: c.applications.update(APP_ID, **kw),
        lambda c, kw: c.applications.delete(APP_ID, **kw),
        lambda c, kw: c.recordings.get(RECORDING_ID, **kw),
        lambda c, kw: c.recordings.list(**kw),
        lambda c, kw: c.recordings.delete(RECORDING_ID, **kw),
    ],
)
async def test_a_bad_callback_argument_is_refused_before_sending(
    client: AsyncPlivo, mocked: aioresponses, call: Any, field: str, value: str
) -> None:
    kw = {**CB, field: value}
    with pytest.raises(ValidationError) as excinfo:
        await call(client, kw)
    refused(excinfo, field, mocked)


async def test_create_and_update_of_an_application_carry_the_mode_in_the_body(
    client: AsyncPlivo, mocked: aioresponses
) -> None:
    mocked.post(API + f"Application/{APP_ID}/", status=200, payload=ASYNC_ANSWER)
    await client.applications.update(APP_ID, answer_url="https://example.com/a", **CB)
    _, _, kwargs = only_request(mocked)
    assert body_of(kwargs) == {"answer_url": "https://example.com/a", **CB}


@pytest.mark.parametrize("area", ["applications", "recordings"])
async def test_iterating_in_the_asynchronous_mode_is_refused(
    client: AsyncPlivo, mocked: aioresponses, area: str
) -> None:
    with pytest.raises(ValidationError) as excinfo:
        async for _ in getattr(client, area).iter_all(**CB):
            pass
    refused(excinfo, "callback_url", mocked)
