"""Differential test: for the seed operations we send what the official ``plivo`` SDK sends.

The SDK's requests are captured without any network: ``requests.Session.send`` is
replaced by a recorder that answers like Plivo. Ours are captured by aioresponses. For
each operation we compare the method, the URL path and the JSON body.

Two known, deliberate differences, asserted here so they stay visible:

* the SDK fills in its defaults (``answer_method="POST"``, ``ring_timeout=120``, ...);
  we leave unset fields out so the API applies the same documented defaults. With every
  argument given, the bodies are identical.
* the SDK appends ``/`` to PHLO URLs; Plivo's documentation (seeds 000-003) has none, and
  neither do we.
* the SDK's ``multi_party_call(node_id)`` first GETs the PHLO and the node; only its
  action POST is compared (we make no such extra request).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import plivo  # type: ignore[import-untyped]
import pytest
import requests
from aioresponses import aioresponses

from plivo_async.client import AsyncPlivo

from ._resources_helpers import (
    API,
    AUTH_ID,
    AUTH_TOKEN,
    NODE_ID,
    PHLO,
    PHLO_ID,
    client_fixture,  # noqa: F401 - the "client" fixture
    mocked_fixture,  # noqa: F401 - the "mocked" fixture
    sent,
)

# The defaults the SDK's calls.create() sends when an argument is not given; each is the
# API's documented default, so leaving the field out means the same thing.
SDK_CREATE_DEFAULTS = {
    "answer_method": "POST",
    "ring_method": "POST",
    "hangup_method": "POST",
    "fallback_method": "POST",
    "machine_detection_time": 5000,
    "machine_detection_method": "POST",
    "ring_timeout": 120,
    "error_if_parent_not_found": False,
}


class SdkRecorder:
    """Stands in for ``requests.Session.send``: records, answers like Plivo."""

    def __init__(self) -> None:
        self.requests: list[requests.PreparedRequest] = []

    def __call__(
        self, session: requests.Session, request: requests.PreparedRequest, **_: Any
    ) -> requests.Response:
        self.requests.append(request)
        path = urlsplit(request.url).path
        if request.method == "GET" and "/multi_party_call/" in path:
            body: dict[str, Any] = {
                "api_id": "g2",
                "phlo_id": PHLO_ID,
                "node_id": NODE_ID,
                "node_type": "multi_party_call",
                "name": "Multi-Party Call_1",
            }
        elif request.method == "GET":
            body = {"api_id": "g1", "phlo_id": PHLO_ID, "name": "mpc"}
        elif "/Call/" in path:
            body = {"api_id": "c1", "message": "call fired", "request_uuid": "r1"}
        else:
            body = {"api_id": "p1", "error": ""}
        response = requests.Response()
        response.status_code = 201 if request.method == "POST" else 200
        response._content = json.dumps(body).encode()
        response.headers["Content-Type"] = "application/json"
        response.url = request.url or ""
        response.request = request
        return response

    def last_post(self) -> tuple[str, str, Any]:
        posts = [r for r in self.requests if r.method == "POST"]
        assert len(posts) == 1, [(r.method, r.url) for r in self.requests]
        request = posts[0]
        body: Any = request.body
        return request.method or "", urlsplit(request.url or "").path, json.loads(body)


@pytest.fixture
def sdk(monkeypatch: pytest.MonkeyPatch) -> Iterator[SdkRecorder]:
    recorder = SdkRecorder()

    def send(session: requests.Session, request: requests.PreparedRequest, **kw: Any) -> Any:
        return recorder(session, request, **kw)

    monkeypatch.setattr(requests.Session, "send", send)
    yield recorder


def ours(m: aioresponses) -> tuple[str, str, Any]:
    [(method, url, kwargs)] = sent(m)
    data = kwargs.get("data")
    return method, url.path, json.loads(data) if data else None


FULL_CREATE: dict[str, Any] = {
    "from_": "+14152224444",
    "answer_url": "https://s3.amazonaws.com/plivosamplexml/play_url.xml",
    "answer_method": "GET",
    "ring_url": "https://www.foo.com/ring.url",
    "ring_method": "POST",
    "hangup_url": "https://www.foo.com/hangup.url",
    "hangup_method": "POST",
    "fallback_url": "https://www.foo.com/fallback.url",
    "fallback_method": "POST",
    "caller_name": "friendly_name",
    "send_digits": "1w2W3",
    "send_on_preanswer": True,
    "time_limit": 300,
    "hangup_on_ring": 45,
    "machine_detection": "hangup",
    "machine_detection_time": 3000,
    "machine_detection_url": "https://www.foo.com/amd",
    "machine_detection_method": "GET",
    "sip_headers": "head1=val1,head2=val2",
    "ring_timeout": 60,
    "parent_call_uuid": "aaf2bc0c-5c0b-11e7-9082-ef888d0400e9",
    "error_if_parent_not_found": True,
}
DESTINATIONS = [
    "+14152223333",
    "sip:john1234@phone.plivo.com",
    "+14152223333<+14152225555<sip:john1234@phone.plivo.com",
]


@pytest.mark.parametrize("to", DESTINATIONS)
async def test_create_call_with_every_argument_matches_the_sdk(
    sdk: SdkRecorder, client: AsyncPlivo, mocked: aioresponses, to: str
) -> None:
    plivo.RestClient(AUTH_ID, AUTH_TOKEN).calls.create(to_=to, **FULL_CREATE)
    mocked.post(API + "Call/", status=201, payload={"api_id": "c1", "request_uuid": "r1"})
    await client.calls.create(to=to, **FULL_CREATE)

    assert ours(mocked) == sdk.last_post()
    assert sdk.last_post()[1] == f"/v1/Account/{AUTH_ID}/Call/"


async def test_create_call_minimal_differs_only_by_the_sdk_defaults(
    sdk: SdkRecorder, client: AsyncPlivo, mocked: aioresponses
) -> None:
    args: dict[str, Any] = {
        "from_": "+14152224444",
        "answer_url": "https://s3.amazonaws.com/plivosamplexml/play_url.xml",
    }
    plivo.RestClient(AUTH_ID, AUTH_TOKEN).calls.create(to_="+14152223333", **args)
    mocked.post(API + "Call/", status=201, payload={"api_id": "c1", "request_uuid": "r1"})
    await client.calls.create(to="+14152223333", **args)

    sdk_method, sdk_path, sdk_body = sdk.last_post()
    method, path, body = ours(mocked)
    assert (method, path) == (sdk_method, sdk_path)
    extra = {k: v for k, v in sdk_body.items() if k not in body}
    assert {k: sdk_body[k] for k in body} == body
    assert extra == SDK_CREATE_DEFAULTS


@pytest.mark.parametrize("action", ["call", "warm_transfer", "cold_transfer"])
@pytest.mark.parametrize("role", ["agent", "customer"])
async def test_mpc_actions_match_the_sdk(
    sdk: SdkRecorder, client: AsyncPlivo, mocked: aioresponses, action: str, role: str
) -> None:
    phlo = plivo.phlo.RestClient(AUTH_ID, AUTH_TOKEN).phlo.get(PHLO_ID)
    getattr(phlo.multi_party_call(NODE_ID), action)("+14152223333", "+14152225555", role)
    mpc_url = f"{PHLO}{PHLO_ID}/multi_party_call/{NODE_ID}"
    mocked.post(mpc_url, status=201, payload={"api_id": "p1", "error": ""})
    mpc = client.phlo(PHLO_ID).multi_party_call(NODE_ID)
    await getattr(mpc, action)(trigger_source="+14152223333", to="+14152225555", role=role)

    sdk_method, sdk_path, sdk_body = sdk.last_post()
    method, path, body = ours(mocked)
    assert method == sdk_method == "POST"
    assert body == sdk_body
    # Same path but for the SDK's trailing slash (the documented URL has none).
    assert sdk_path == path + "/"
    assert path == f"/v1/phlo/{PHLO_ID}/multi_party_call/{NODE_ID}"


@pytest.mark.parametrize("action", ["hold", "unhold", "mute", "unmute", "hangup", "resume_call"])
async def test_member_actions_match_the_sdk(
    sdk: SdkRecorder, client: AsyncPlivo, mocked: aioresponses, action: str
) -> None:
    phlo = plivo.phlo.RestClient(AUTH_ID, AUTH_TOKEN).phlo.get(PHLO_ID)
    getattr(phlo.multi_party_call(NODE_ID).member("+14152225555"), action)()
    url = f"{PHLO}{PHLO_ID}/multi_party_call/{NODE_ID}/members/+14152225555"
    mocked.post(url, status=201, payload={"api_id": "p1", "error": ""})
    await getattr(client.phlo(PHLO_ID).multi_party_call(NODE_ID).member("+14152225555"), action)()

    sdk_method, sdk_path, sdk_body = sdk.last_post()
    method, path, body = ours(mocked)
    assert (method, body) == (sdk_method, sdk_body)
    assert sdk_path == path + "/"
