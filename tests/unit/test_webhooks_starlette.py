"""The Starlette/FastAPI dependency, in a real Starlette app through an ASGI client.

Signatures are computed by the official SDK (v3) or checked by it (v2), so the dependency
accepts what Plivo sends; forged, tampered and replayed callbacks are a 403 before the
endpoint runs; forwarded headers count only from a trusted proxy.
"""

from __future__ import annotations

import asyncio
import base64
import logging
import re
import subprocess
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
from plivo.utils import validate_signature as sdk_validate_v2  # type: ignore[import-untyped]
from plivo.utils.signature_v3 import (  # type: ignore[import-untyped]
    construct_get_url,
    construct_post_url,
    get_signature_v3,
)
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from plivo_async.webhooks import (
    SIGNATURE_V2_HEADER,
    SIGNATURE_V2_NONCE_HEADER,
    SIGNATURE_V3_HEADER,
    SIGNATURE_V3_MA_HEADER,
    SIGNATURE_V3_NONCE_HEADER,
    CallbackEvent,
    HangupEvent,
    MemoryNonces,
    MPCEvent,
    RingEvent,
    sign_v2,
    sign_v3,
    signature_headers,
)
from plivo_async.webhooks.starlette import PlivoWebhook
from tests.unit.test_webhooks_receiver import HANGUP, MAIN_TOKEN, TOKEN

BASE = "http://testserver"
FORM = "application/x-www-form-urlencoded"
PUBLIC = "https://hooks.example.com/plivo/hangup"


def sdk_v3(method: str, url: str, params: dict[str, Any], nonce: str, token: str) -> dict[str, str]:
    """v3 headers as the official SDK computes the signature."""
    build = construct_get_url if method == "GET" else construct_post_url
    signature = get_signature_v3(token, build(url, dict(params)), nonce)
    return {SIGNATURE_V3_HEADER: signature.decode(), SIGNATURE_V3_NONCE_HEADER: nonce}


def v2(url: str, nonce: str, token: str = TOKEN) -> dict[str, str]:
    signature = sign_v2(url, nonce, token)
    assert sdk_validate_v2(url, nonce, signature, token)  # the SDK agrees
    return {SIGNATURE_V2_HEADER: signature, SIGNATURE_V2_NONCE_HEADER: nonce}


class Endpoint:
    """A Starlette endpoint that verifies with the dependency, records, and may fail."""

    def __init__(self, webhook: PlivoWebhook, fail: int = 0) -> None:
        self.webhook, self.fail = webhook, fail
        self.events: list[CallbackEvent] = []
        self.bodies: list[bytes] = []

    async def handle(self, request: Request) -> Response:
        event = await self.webhook(request)
        try:
            if self.fail:
                self.fail -= 1
                raise RuntimeError("the database is down")
        except RuntimeError:
            await self.webhook.release(event)  # so Plivo's retry is served
            raise
        self.events.append(event)
        self.bodies.append(await request.body())  # still readable after the dependency
        return PlainTextResponse(type(event).__name__)


def app_for(endpoint: Endpoint) -> Starlette:
    return Starlette(routes=[Route("/plivo/{kind}", endpoint.handle, methods=["GET", "POST"])])


@asynccontextmanager
async def client(app: Starlette, peer: str = "127.0.0.1") -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app, client=(peer, 40000), raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url=BASE) as http:
        yield http


@asynccontextmanager
async def receiver(
    peer: str = "127.0.0.1", fail: int = 0, **options: Any
) -> AsyncIterator[tuple[httpx.AsyncClient, Endpoint]]:
    endpoint = Endpoint(PlivoWebhook(options.pop("auth_token", TOKEN), **options), fail)
    async with client(app_for(endpoint), peer) as http:
        yield http, endpoint


async def test_a_v3_form_post_signed_by_the_sdk_reaches_the_endpoint_typed() -> None:
    url = f"{BASE}/plivo/hangup"
    async with receiver() as (http, endpoint):
        resp = await http.post(url, data=HANGUP, headers=sdk_v3("POST", url, HANGUP, "12", TOKEN))
        assert (resp.status_code, resp.text) == (200, "HangupEvent")
    [event] = endpoint.events
    assert isinstance(event, HangupEvent) and event.raw == HANGUP
    assert (event.duration, event.params_signed, event.nonce) == (37, True, "12")
    assert b"HangupCause=NORMAL_CLEARING" in endpoint.bodies[0]


async def test_a_v2_only_post_is_served_but_its_params_are_not_signed() -> None:
    url = f"{BASE}/plivo/hangup"
    async with receiver() as (http, endpoint):
        assert (await http.post(url, data=HANGUP, headers=v2(url, "34"))).status_code == 200
    async with receiver(require_v3=True) as (http, strict):
        assert (await http.post(url, data=HANGUP, headers=v2(url, "35"))).status_code == 403
    [event] = endpoint.events
    assert event.params_signed is False and strict.events == []


async def test_a_get_callback_takes_its_params_from_the_query() -> None:
    params = {"CallUUID": "abc", "Event": "Ring", "CallStatus": "ringing", "Note": "a b&c"}
    bare = f"{BASE}/plivo/ring"
    url = str(httpx.URL(bare, params=params))
    async with receiver() as (http, endpoint):
        headers = sdk_v3("GET", bare, params, "56", TOKEN)  # the bare URL plus its params
        assert (await http.get(url, headers=headers)).status_code == 200
        forged = str(httpx.URL(bare, params={**params, "CallStatus": "completed"}))
        assert (
            await http.get(forged, headers=sdk_v3("GET", bare, params, "57", TOKEN))
        ).status_code == 403
    [event] = endpoint.events
    assert isinstance(event, RingEvent) and event.raw == params and event.params_signed


async def test_a_json_body_is_a_callback_too() -> None:
    url = f"{BASE}/plivo/mpc"
    body = {"EventName": "MPCStart", "MPCUUID": "m-1", "MPCDuration": 5}
    async with receiver() as (http, endpoint):
        headers = signature_headers("POST", url, body, TOKEN)
        assert (await http.post(url, json=body, headers=headers)).status_code == 200
    [event] = endpoint.events
    assert isinstance(event, MPCEvent) and event.mpc_duration == 5


async def test_the_main_account_signature_of_a_subaccount_callback() -> None:
    url = f"{BASE}/plivo/hangup"
    headers = sdk_v3("POST", url, HANGUP, "78", "subaccount-token")
    headers[SIGNATURE_V3_MA_HEADER] = sign_v3("POST", url, HANGUP, "78", MAIN_TOKEN)
    async with receiver(auth_token=MAIN_TOKEN) as (http, endpoint):
        assert (await http.post(url, data=HANGUP, headers=headers)).status_code == 200
    assert len(endpoint.events) == 1


@pytest.mark.parametrize(
    ("body", "headers"),
    [
        ({**HANGUP, "Duration": "1"}, "genuine"),  # tampered body
        ({**HANGUP, "Extra": "x"}, "genuine"),  # added param
        (HANGUP, "wrong token"),
        (HANGUP, "unsigned"),
    ],
    ids=["tampered", "added", "wrong-token", "unsigned"],
)
async def test_a_forged_callback_is_a_403_before_the_endpoint(
    body: dict[str, str], headers: str, caplog: pytest.LogCaptureFixture
) -> None:
    url = f"{BASE}/plivo/hangup"
    sent = {
        "genuine": sdk_v3("POST", url, HANGUP, "90", TOKEN),
        "wrong token": sdk_v3("POST", url, HANGUP, "90", "guessed"),
        "unsigned": {},
    }[headers]
    async with receiver() as (http, endpoint):
        with caplog.at_level(logging.WARNING, logger="plivo_async"):
            resp = await http.post(url, data=body, headers=sent)
    assert (resp.status_code, endpoint.events) == (403, [])
    assert "rejected Plivo callback POST /plivo/hangup" in caplog.text
    assert TOKEN not in caplog.text and TOKEN not in resp.text
    assert all(sig not in caplog.text for sig in sent.values() if not sig.isdigit())


async def test_a_nonce_seen_before_is_a_403() -> None:
    url = f"{BASE}/plivo/hangup"
    headers = sdk_v3("POST", url, HANGUP, "1111", TOKEN)
    genuine_v2 = v2(url, "2222")
    async with receiver() as (http, endpoint):
        statuses = [(await http.post(url, data=HANGUP, headers=headers)).status_code for _ in "ab"]
        statuses.append((await http.post(url, data=HANGUP, headers=genuine_v2)).status_code)
        forged = {**HANGUP, "CallStatus": "busy"}  # v2 covers no body: a replay with another
        statuses.append((await http.post(url, data=forged, headers=genuine_v2)).status_code)
    assert statuses == [200, 403, 200, 403]
    assert len(endpoint.events) == 2


async def test_replays_are_taken_only_when_asked() -> None:
    url = f"{BASE}/plivo/hangup"
    headers = sdk_v3("POST", url, HANGUP, "3333", TOKEN)
    async with receiver(nonces=False) as (http, endpoint):
        for _ in "ab":
            assert (await http.post(url, data=HANGUP, headers=headers)).status_code == 200
    assert len(endpoint.events) == 2


async def test_one_store_shared_by_two_dependencies_refuses_across_them() -> None:
    url = f"{BASE}/plivo/hangup"
    nonces = MemoryNonces()
    first, second = (Endpoint(PlivoWebhook(TOKEN, nonces=nonces)) for _ in "ab")
    headers = sdk_v3("POST", url, HANGUP, "4444", TOKEN)
    async with client(app_for(first)) as a, client(app_for(second)) as b:
        assert (await a.post(url, data=HANGUP, headers=headers)).status_code == 200
        assert (await b.post(url, data=HANGUP, headers=headers)).status_code == 403


async def test_a_callback_whose_handling_failed_and_was_released_may_come_again() -> None:
    url = f"{BASE}/plivo/hangup"
    headers = sdk_v3("POST", url, HANGUP, "5555", TOKEN)
    async with receiver(fail=1) as (http, endpoint):
        statuses = [(await http.post(url, data=HANGUP, headers=headers)).status_code for _ in "abc"]
    assert statuses == [500, 200, 403]
    assert len(endpoint.events) == 1


# -- the URL Plivo called -----------------------------------------------------------------

FORWARDED = {"X-Forwarded-Proto": "https", "X-Forwarded-Host": "hooks.example.com"}


async def test_public_url_is_joined_with_the_path_and_query() -> None:
    public = "https://hooks.example.com/plivo/hangup?campaign=spring"
    async with receiver(public_url="https://hooks.example.com/") as (http, endpoint):
        headers = sdk_v3("POST", public, HANGUP, "61", TOKEN)
        resp = await http.post(f"{BASE}/plivo/hangup?campaign=spring", data=HANGUP, headers=headers)
        assert resp.status_code == 200
        direct = sdk_v3("POST", f"{BASE}/plivo/hangup", HANGUP, "62", TOKEN)
        assert (await http.post("/plivo/hangup", data=HANGUP, headers=direct)).status_code == 403
    assert len(endpoint.events) == 1


async def test_forwarded_headers_from_an_untrusted_peer_are_ignored() -> None:
    signed = {**sdk_v3("POST", PUBLIC, HANGUP, "71", TOKEN), **FORWARDED}
    async with receiver(peer="203.0.113.9", trusted_proxies=["10.0.0.0/8"]) as (http, endpoint):
        assert (await http.post("/plivo/hangup", data=HANGUP, headers=signed)).status_code == 403
        # what counts is the URL requested, whatever the headers claim
        direct = {**sdk_v3("POST", f"{BASE}/plivo/hangup", HANGUP, "72", TOKEN), **FORWARDED}
        assert (await http.post("/plivo/hangup", data=HANGUP, headers=direct)).status_code == 200
    assert len(endpoint.events) == 1


@pytest.mark.parametrize(
    "forwarded",
    [
        FORWARDED,
        {"Forwarded": 'for=198.51.100.7;proto=https;host="hooks.example.com"'},
        # two proxies, both trusted: the outer one's view counts
        {
            "X-Forwarded-Proto": "https, http",
            "X-Forwarded-Host": "hooks.example.com, lb.internal",
            "X-Forwarded-For": "198.51.100.7, 10.1.2.3",
        },
        {
            "Forwarded": "for=198.51.100.7;proto=https;host=hooks.example.com,"
            " for=10.1.2.3;proto=http"
        },
    ],
    ids=["x-forwarded", "forwarded", "x-forwarded-chain", "forwarded-chain"],
)
async def test_forwarded_headers_from_a_trusted_proxy_are_used(forwarded: dict[str, str]) -> None:
    signed = {**sdk_v3("POST", PUBLIC, HANGUP, "81", TOKEN), **forwarded}
    async with receiver(peer="10.0.0.5", trusted_proxies=["10.0.0.0/8"]) as (http, endpoint):
        assert (await http.post("/plivo/hangup", data=HANGUP, headers=signed)).status_code == 200
    assert len(endpoint.events) == 1


async def test_a_chain_through_an_untrusted_hop_stops_at_the_nearest_trusted_proxy() -> None:
    """The outer hop (203.0.113.50) is not ours: what it claims is not believed."""
    forwarded = {
        "Forwarded": "for=1.2.3.4;proto=https;host=evil.example,"
        " for=203.0.113.50;proto=https;host=hooks.example.com"
    }
    signed = {**sdk_v3("POST", PUBLIC, HANGUP, "82", TOKEN), **forwarded}
    evil = {**sdk_v3("POST", "https://evil.example/plivo/hangup", HANGUP, "83", TOKEN), **forwarded}
    async with receiver(peer="10.0.0.5", trusted_proxies=["10.0.0.0/8"]) as (http, endpoint):
        assert (await http.post("/plivo/hangup", data=HANGUP, headers=signed)).status_code == 200
        assert (await http.post("/plivo/hangup", data=HANGUP, headers=evil)).status_code == 403
    assert len(endpoint.events) == 1


# -- limits, reprs, configuration ----------------------------------------------------------


async def test_a_body_over_the_limit_is_a_413() -> None:
    url = f"{BASE}/plivo/hangup"
    body = {**HANGUP, "Pad": "x" * 2000}
    async with receiver(max_body_size=1000) as (http, endpoint):
        headers = sdk_v3("POST", url, body, "91", TOKEN)
        assert (await http.post(url, data=body, headers=headers)).status_code == 413

        async def chunks() -> AsyncIterator[bytes]:  # no Content-Length: counted as it comes
            for _ in range(5):
                yield b"a=" + b"x" * 300

        chunked = {**headers, "Content-Type": FORM}
        assert (await http.post(url, content=chunks(), headers=chunked)).status_code == 413
    assert endpoint.events == []


async def test_a_body_that_never_arrives_is_a_408() -> None:
    url = f"{BASE}/plivo/hangup"
    never = asyncio.Event()

    async def stalled() -> AsyncIterator[bytes]:
        yield b"CallUUID="
        await never.wait()  # the rest never comes
        yield b"x"  # pragma: no cover

    headers = {**sdk_v3("POST", url, HANGUP, "92", TOKEN), "Content-Type": FORM}
    async with receiver(body_timeout=0.05) as (http, endpoint):
        assert (await http.post(url, content=stalled(), headers=headers)).status_code == 408
    assert endpoint.events == []


def test_the_token_is_in_no_repr_and_bad_options_are_refused_up_front() -> None:
    webhook = PlivoWebhook(TOKEN, trusted_proxies=["10.0.0.0/8"], public_url="https://h.example")
    assert TOKEN not in repr(webhook) and "10.0.0.0/8" in repr(webhook)
    with pytest.raises(ValueError, match="auth_token"):
        PlivoWebhook("")
    with pytest.raises(ValueError, match=r"trusted_proxies: 'proxy\.internal' is not an IP"):
        PlivoWebhook(TOKEN, trusted_proxies=["proxy.internal"])
    with pytest.raises(ValueError, match="body_timeout"):
        PlivoWebhook(TOKEN, body_timeout=0)


def test_the_package_imports_without_starlette() -> None:
    code = (
        "import sys\n"
        "sys.modules['starlette'] = None  # as if not installed\n"
        "import plivo_async.webhooks as w\n"
        "assert w.verify and w.webhook_app\n"
        "try:\n"
        "    import plivo_async.webhooks.starlette\n"
        "except ImportError as exc:\n"
        "    print(exc)\n"
    )
    root = Path(__file__).resolve().parents[2]
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=root, capture_output=True, text=True, check=True
    )
    assert "pip install 'plivo-async[starlette]'" in out.stdout


# -- FastAPI: the guide's example, run as written --------------------------------------------


def guide_example(title: str) -> str:
    guide = Path(__file__).resolve().parents[2] / "docs" / "guide" / "webhooks.md"
    pattern = rf'```python title="{re.escape(title)}"\n(.*?)```'
    match = re.search(pattern, guide.read_text(), re.S)
    assert match, f"no {title} example in the guide"
    return match.group(1)


async def test_the_fastapi_example_in_the_guide(monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("fastapi")
    monkeypatch.setenv("PLIVO_AUTH_TOKEN", TOKEN)
    monkeypatch.setenv("PUBLIC_URL", "https://hooks.example.com")
    namespace: dict[str, Any] = {"__name__": "fastapi_example"}
    exec(compile(guide_example("fastapi_app.py"), "fastapi_app.py", "exec"), namespace)
    async with client(namespace["app"], peer="10.0.0.5") as http:
        headers = sdk_v3("POST", PUBLIC, HANGUP, "101", TOKEN)
        resp = await http.post("/plivo/hangup", data=HANGUP, headers=headers)
        assert resp.status_code == 200
        assert (await http.post("/plivo/hangup", data=HANGUP, headers=headers)).status_code == 403
        answer = {**HANGUP, "Event": "StartApp"}
        url = "https://hooks.example.com/plivo/answer"
        resp = await http.post(
            "/plivo/answer", data=answer, headers=sdk_v3("POST", url, answer, "102", TOKEN)
        )
        assert resp.status_code == 200 and "<Speak>" in resp.text
        assert resp.headers["content-type"].startswith("application/xml")
    assert base64.b64decode(headers[SIGNATURE_V3_HEADER])  # (a real signature was sent)
