"""The framework-free ``verify(method, url, headers, body)`` and the URL Plivo signed.

No server here: what a framework hands over (the method, the public URL, the headers in
whatever case and shape, the raw body) goes in, a typed event or a typed error comes out.
"""

from __future__ import annotations

import json
import pickle
from typing import Any
from urllib.parse import urlencode

import pytest
from multidict import CIMultiDict
from plivo.utils.signature_v3 import (  # type: ignore[import-untyped]
    construct_post_url,
    get_signature_v3,
)

from plivo_async.webhooks import (
    SIGNATURE_V3_HEADER,
    SIGNATURE_V3_MA_HEADER,
    SIGNATURE_V3_NONCE_HEADER,
    AnswerEvent,
    HangupEvent,
    InvalidSignatureError,
    MemoryNonces,
    MPCEvent,
    RingEvent,
    TrustedProxies,
    public_request_url,
    sign_v3,
    signature_headers,
    verify,
)
from tests.unit.test_webhooks_receiver import HANGUP, MAIN_TOKEN, TOKEN

URL = "https://hooks.example.com/plivo/hangup"
FORM = {"Content-Type": "application/x-www-form-urlencoded"}


def form(params: dict[str, Any]) -> bytes:
    return urlencode(params, doseq=True).encode()


async def test_a_signed_form_post_is_its_typed_event() -> None:
    headers = {**signature_headers("POST", URL, HANGUP, TOKEN, nonce="1"), **FORM}
    event = await verify("POST", URL, headers, form(HANGUP), TOKEN, nonces=None)
    assert isinstance(event, HangupEvent) and event.raw == HANGUP
    assert (event.bill_duration, event.params_signed, event.nonce) == (60, True, "1")


async def test_headers_in_any_case_and_shape() -> None:
    """ASGI servers give lower-case names; aiohttp a multidict; WSGI-style code pairs."""
    signed = {**signature_headers("POST", URL, HANGUP, TOKEN, nonce="2"), **FORM}
    shapes: list[Any] = [
        {k.lower(): v for k, v in signed.items()},
        CIMultiDict(signed),
        [(k.upper(), v) for k, v in signed.items()],
    ]
    for headers in shapes:
        event = await verify("POST", URL, headers, form(HANGUP), TOKEN, nonces=None)
        assert isinstance(event, HangupEvent)


async def test_a_signature_computed_by_the_official_sdk() -> None:
    signature = get_signature_v3(TOKEN, construct_post_url(URL, dict(HANGUP)), "3").decode()
    headers = {SIGNATURE_V3_HEADER: signature, SIGNATURE_V3_NONCE_HEADER: "3", **FORM}
    assert isinstance(
        await verify("POST", URL, headers, form(HANGUP), TOKEN, nonces=None), HangupEvent
    )


async def test_a_get_callback_has_its_params_in_the_url() -> None:
    params = {"CallUUID": "abc", "Event": "Ring", "Tag": ["b", "a"]}
    url = f"{URL}?{urlencode(params, doseq=True)}"
    headers = signature_headers("GET", url, {}, TOKEN)
    event = await verify("get", url, headers, b"ignored", TOKEN, nonces=None)
    assert isinstance(event, RingEvent) and event.raw == params
    with pytest.raises(InvalidSignatureError, match="v3 signature does not match"):
        await verify("GET", url.replace("abc", "abd"), headers, b"", TOKEN, nonces=None)


async def test_json_bodies() -> None:
    body = {"EventName": "MPCEnd", "MPCUUID": "m-2", "MPCDuration": 9}
    headers = {**signature_headers("POST", URL, body, TOKEN), "content-type": "application/json"}
    event = await verify("POST", URL, headers, json.dumps(body).encode(), TOKEN, nonces=None)
    assert isinstance(event, MPCEvent) and event.mpc_duration == 9
    with pytest.raises(InvalidSignatureError, match="JSON body is not an object"):
        await verify("POST", URL, headers, b"[1]", TOKEN, nonces=None)


async def test_a_v2_only_callback_is_served_unsigned_unless_v3_is_required() -> None:
    v2 = {k: v for k, v in signature_headers("POST", URL, HANGUP, TOKEN).items() if "V2" in k}
    event = await verify("POST", URL, {**v2, **FORM}, form(HANGUP), TOKEN, nonces=None)
    assert event.params_signed is False
    with pytest.raises(InvalidSignatureError, match="no v3 signature"):
        await verify("POST", URL, {**v2, **FORM}, form(HANGUP), TOKEN, nonces=None, require_v3=True)


async def test_the_main_account_signature() -> None:
    headers = {**signature_headers("POST", URL, HANGUP, "subaccount-token", nonce="4"), **FORM}
    with pytest.raises(InvalidSignatureError):
        await verify("POST", URL, headers, form(HANGUP), MAIN_TOKEN, nonces=None)
    headers[SIGNATURE_V3_MA_HEADER] = sign_v3("POST", URL, HANGUP, "4", MAIN_TOKEN)
    assert await verify("POST", URL, headers, form(HANGUP), MAIN_TOKEN, nonces=None)


@pytest.mark.parametrize(
    ("url", "headers", "body", "reason"),
    [
        (URL, FORM, form(HANGUP), "unsigned request"),
        (URL, None, form({**HANGUP, "Duration": "1"}), "v3 signature does not match"),
        (URL + "x", None, form(HANGUP), "v3 signature does not match"),
        (URL, None, b"a=\xff", "form body is not UTF-8"),
        (URL, {"Content-Type": "text/plain"}, b"x", "a body of type 'text/plain'"),
        (URL, {"Content-Type": f"{FORM['Content-Type']}; charset=latin-1"}, b"a=1", "latin-1"),
    ],
    ids=["unsigned", "tampered", "other-url", "not-utf8", "other-type", "other-charset"],
)
async def test_a_forgery_is_an_invalid_signature_error_without_secrets(
    url: str, headers: dict[str, str] | None, body: bytes, reason: str
) -> None:
    signed = {**signature_headers("POST", URL, HANGUP, TOKEN), **FORM}
    sent = signed if headers is None else {**signed, **headers} if headers is not FORM else FORM
    with pytest.raises(InvalidSignatureError, match=reason) as caught:
        await verify("POST", url, sent, body, TOKEN, nonces=None)
    error = caught.value
    for text in (str(error), repr(error), repr(pickle.loads(pickle.dumps(error)))):
        assert TOKEN not in text and signed[SIGNATURE_V3_HEADER] not in text


async def test_a_nonce_seen_before_is_refused_and_released_ones_come_again() -> None:
    nonces = MemoryNonces()
    headers = {**signature_headers("POST", URL, HANGUP, TOKEN, nonce="5"), **FORM}
    event = await verify("POST", URL, headers, form(HANGUP), TOKEN, nonces=nonces)
    with pytest.raises(InvalidSignatureError, match="nonce seen before"):
        await verify("POST", URL, headers, form(HANGUP), TOKEN, nonces=nonces)
    assert event.nonce is not None
    await nonces.release(event.nonce)  # its handling failed: Plivo's retry is served
    assert await verify("POST", URL, headers, form(HANGUP), TOKEN, nonces=nonces)


async def test_an_empty_token_is_refused_up_front() -> None:
    with pytest.raises(ValueError, match="auth_token"):
        await verify("POST", URL, {}, b"", "", nonces=None)


async def test_a_multipart_form_without_files() -> None:
    body = (
        b'--xyz\r\nContent-Disposition: form-data; name="CallUUID"\r\n\r\nabc\r\n'
        b'--xyz\r\nContent-Disposition: form-data; name="Event"\r\n\r\nStartApp\r\n--xyz--\r\n'
    )
    params = {"CallUUID": "abc", "Event": "StartApp"}
    headers = {
        **signature_headers("POST", URL, params, TOKEN),
        "Content-Type": "multipart/form-data; boundary=xyz",
    }
    event = await verify("POST", URL, headers, body, TOKEN, nonces=None)
    assert isinstance(event, AnswerEvent) and event.raw == params


# -- the URL Plivo signed -------------------------------------------------------------------


def url_of(headers: dict[str, str], peer: str | None, **options: Any) -> str:
    lower = {k.lower(): v for k, v in headers.items()}
    return public_request_url(
        "http", "app:8000", "/cb?x=1", headers=lower.get, peer=peer, **options
    )


def test_public_url_is_joined_with_the_target() -> None:
    assert url_of({}, None, public_url="https://h.example/base/") == "https://h.example/base/cb?x=1"


@pytest.mark.parametrize(
    ("headers", "peer", "expected"),
    [
        (
            {"X-Forwarded-Proto": "https", "X-Forwarded-Host": "h.example"},
            "10.0.0.1",
            "https://h.example",
        ),
        (
            {"X-Forwarded-Proto": "https", "X-Forwarded-Host": "h.example"},
            "192.0.2.1",
            "http://app:8000",
        ),
        ({"X-Forwarded-Proto": "https"}, None, "http://app:8000"),
        ({"Forwarded": "proto=https;host=h.example"}, "::ffff:10.0.0.1", "https://h.example"),
        (
            {"Forwarded": 'for="[2001:db8::1]:4711";proto=https, for=10.9.9.9;proto=http'},
            "10.0.0.1",
            "https://app:8000",
        ),
        (
            {"Forwarded": "for=192.0.2.60;proto=https, for=192.0.2.61;proto=http"},
            "10.0.0.1",
            "http://app:8000",
        ),
        ({"X-Forwarded-Proto": "gopher", "X-Forwarded-Host": "a b"}, "10.0.0.1", "http://app:8000"),
        ({"X-Forwarded-Host": "user@evil.example"}, "10.0.0.1", "http://app:8000"),
    ],
    ids=[
        "trusted",
        "untrusted",
        "no-peer",
        "v4-mapped",
        "v6-hop",
        "untrusted-hop",
        "bad-proto",
        "userinfo",
    ],
)
def test_forwarded_headers_count_only_from_trusted_proxies(
    headers: dict[str, str], peer: str | None, expected: str
) -> None:
    trusted = TrustedProxies(["10.0.0.0/8"])
    assert url_of(headers, peer, trusted_proxies=trusted) == expected + "/cb?x=1"


def test_trusted_proxies_are_checked_when_given() -> None:
    assert "10.1.2.3" in TrustedProxies("10.0.0.0/8")
    assert "[::1]:80" in TrustedProxies(["::1"]) and "127.0.0.1:80" in TrustedProxies(["127.0.0.1"])
    assert "unix:/tmp/s" not in TrustedProxies(["127.0.0.1"]) and None not in TrustedProxies(
        ["::1"]
    )
    with pytest.raises(ValueError, match=r"trusted_proxies: '10\.0\.0\.0/33' is not"):
        TrustedProxies(["10.0.0.0/33"])
