"""The aiohttp receiver, over real loopback HTTP: verify, then parse, then user code."""

from __future__ import annotations

import json
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import aiohttp
import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer
from multidict import MultiDict

from plivo_async.webhooks import (
    SIGNATURE_V2_HEADER,
    SIGNATURE_V2_NONCE_HEADER,
    SIGNATURE_V3_HEADER,
    SIGNATURE_V3_MA_HEADER,
    SIGNATURE_V3_NONCE_HEADER,
    AnswerEvent,
    CallbackEvent,
    HangupEvent,
    MPCEvent,
    RingEvent,
    sign_v3,
    signature_headers,
    webhook_app,
    webhook_handler,
)

TOKEN = "s3cr3t-t0ken-do-not-leak-XYZ"
MAIN_TOKEN = "main-account-token-0000"
HANGUP = {
    "CallUUID": "ebacced2-21ab-11e4-b6b4-f1ee8e2a3ea4",
    "From": "+14155550100",
    "To": "+14155550101",
    "Event": "Hangup",
    "CallStatus": "completed",
    "HangupCause": "NORMAL_CLEARING",
    "Duration": "37",
    "BillDuration": "60",
}


class Recorder:
    """An ``on_event`` that records what reached user code and replies as told."""

    def __init__(self, reply: web.StreamResponse | str | None = None) -> None:
        self.events: list[CallbackEvent] = []
        self.reply = reply

    async def __call__(self, event: CallbackEvent) -> web.StreamResponse | str | None:
        self.events.append(event)
        return self.reply


@asynccontextmanager
async def serve(app: web.Application) -> AsyncIterator[TestClient[web.Request, web.Application]]:
    async with TestClient(TestServer(app, host="127.0.0.1")) as client:
        yield client


@asynccontextmanager
async def receiver(
    recorder: Recorder, *, mount: str = "", **options: Any
) -> AsyncIterator[TestClient[web.Request, web.Application]]:
    sub = webhook_app(options.pop("auth_token", TOKEN), recorder, **options)
    if mount:
        app = web.Application()
        app.add_subapp(mount, sub)
    else:
        app = sub
    async with serve(app) as client:
        yield client


def url_of(client: TestClient[Any, Any], path: str) -> str:
    return str(client.make_url(path))


async def test_signed_form_post_reaches_on_event_typed() -> None:
    recorder = Recorder()
    async with receiver(recorder) as client:
        url = url_of(client, "/hangup")
        headers = signature_headers("POST", url, HANGUP, TOKEN)
        resp = await client.post("/hangup", data=HANGUP, headers=headers)
        assert resp.status == 200
        assert await resp.text() == ""
    [event] = recorder.events
    assert isinstance(event, HangupEvent)
    assert event.call_uuid == HANGUP["CallUUID"]
    assert event.from_ == "+14155550100"
    assert (event.duration, event.bill_duration) == (37, 60)
    assert event.raw == HANGUP


async def test_answer_reply_is_sent_as_xml() -> None:
    xml = "<Response><Speak>Hello</Speak></Response>"
    recorder = Recorder(reply=xml)
    params = {**HANGUP, "Event": "StartApp", "CallStatus": "in-progress"}
    async with receiver(recorder) as client:
        headers = signature_headers("POST", url_of(client, "/answer"), params, TOKEN)
        resp = await client.post("/answer", data=params, headers=headers)
        assert resp.status == 200
        assert resp.content_type == "application/xml"
        assert await resp.text() == xml
    assert isinstance(recorder.events[0], AnswerEvent)


async def test_on_event_may_return_a_response() -> None:
    recorder = Recorder(reply=web.Response(status=204))
    async with receiver(recorder) as client:
        headers = signature_headers("POST", url_of(client, "/h"), HANGUP, TOKEN)
        resp = await client.post("/h", data=HANGUP, headers=headers)
        assert resp.status == 204


def forgeries(url: str) -> dict[str, tuple[dict[str, str], dict[str, str]]]:
    """(headers, body) of requests that must never reach user code, by what is wrong."""
    good = signature_headers("POST", url, HANGUP, TOKEN, nonce="1234")
    v2_only = {k: v for k, v in good.items() if "V2" in k}
    bad_v3 = {**good, SIGNATURE_V3_HEADER: "bm9wZQ=="}
    return {
        "unsigned": ({}, HANGUP),
        "wrong token": (signature_headers("POST", url, HANGUP, "guessed"), HANGUP),
        "tampered param": (good, {**HANGUP, "Duration": "1"}),
        "added param": (good, {**HANGUP, "Extra": "x"}),
        "other URL": (signature_headers("POST", url + "x", HANGUP, TOKEN), HANGUP),
        "other nonce": ({**good, SIGNATURE_V3_NONCE_HEADER: "1235"}, HANGUP),
        "garbage signature": (bad_v3, HANGUP),
        "v3 nonce without signature": ({**v2_only, SIGNATURE_V3_NONCE_HEADER: "1"}, HANGUP),
        # A valid v2 signature does not rescue a bad v3 one: v2 does not cover the body.
        "bad v3 with good v2": (bad_v3, {**HANGUP, "To": "1"}),
    }


@pytest.mark.parametrize("case", list(forgeries("http://x/")))
async def test_forged_requests_get_403_and_never_reach_user_code(
    case: str, caplog: pytest.LogCaptureFixture
) -> None:
    recorder = Recorder()
    async with receiver(recorder) as client:
        headers, body = forgeries(url_of(client, "/hangup"))[case]
        with caplog.at_level(logging.WARNING, logger="plivo_async"):
            resp = await client.post("/hangup", data=body, headers=headers)
        assert resp.status == 403
    assert recorder.events == []
    assert "rejected Plivo callback" in caplog.text
    assert TOKEN not in caplog.text
    for value in headers.values():
        assert value not in caplog.text or value.isdigit()  # nonces may be logged; not sigs


async def test_v2_only_is_accepted_unless_v3_required() -> None:
    recorder = Recorder()
    async with receiver(recorder) as client:
        url = url_of(client, "/hangup")
        v2 = {k: v for k, v in signature_headers("POST", url, HANGUP, TOKEN).items() if "V2" in k}
        assert set(v2) == {SIGNATURE_V2_HEADER, SIGNATURE_V2_NONCE_HEADER}
        assert (await client.post("/hangup", data=HANGUP, headers=v2)).status == 200
    strict = Recorder()
    async with receiver(strict, require_v3=True) as client:
        url = url_of(client, "/hangup")
        v2 = {k: v for k, v in signature_headers("POST", url, HANGUP, TOKEN).items() if "V2" in k}
        assert (await client.post("/hangup", data=HANGUP, headers=v2)).status == 403
    assert len(recorder.events) == 1 and strict.events == []


async def test_get_callback_with_query_params() -> None:
    recorder = Recorder()
    params = {"CallUUID": "abc", "Event": "Ring", "CallStatus": "ringing", "Note": "a b&c"}
    async with receiver(recorder) as client:
        url = client.make_url("/ring").with_query({"tag": "x"}).update_query(params)
        headers = signature_headers("GET", str(url), {}, TOKEN)
        # Signing the bare URL plus the params is the same thing.
        bare = str(client.make_url("/ring").with_query({"tag": "x"}))
        assert (
            sign_v3("GET", bare, params, headers[SIGNATURE_V3_NONCE_HEADER], TOKEN)
            == (headers[SIGNATURE_V3_HEADER])
        )
        assert (await client.session.get(url, headers=headers)).status == 200
        forged = url.update_query({"CallStatus": "completed"})
        assert (await client.session.get(forged, headers=headers)).status == 403
    [event] = recorder.events
    assert isinstance(event, RingEvent)
    assert event.call_uuid == "abc" and event.raw["Note"] == "a b&c" and event.raw["tag"] == "x"


async def test_post_to_url_with_its_own_query() -> None:
    recorder = Recorder()
    async with receiver(recorder) as client:
        url = client.make_url("/hangup").with_query({"campaign": "spring 24", "b": "2"})
        headers = signature_headers("POST", str(url), HANGUP, TOKEN)
        assert (await client.session.post(url, data=HANGUP, headers=headers)).status == 200
        other = url.update_query({"campaign": "other"})
        assert (await client.session.post(other, data=HANGUP, headers=headers)).status == 403
    [event] = recorder.events
    assert "campaign" not in event.raw  # POST events come from the body


async def test_json_body() -> None:
    recorder = Recorder()
    body = {"EventName": "MPCStart", "MPCUUID": "m-1", "MPCDuration": 5, "Extra": {"a": [1, 2]}}
    async with receiver(recorder) as client:
        headers = signature_headers("POST", url_of(client, "/mpc"), body, TOKEN)
        resp = await client.post("/mpc", json=body, headers=headers)
        assert resp.status == 200
        bad = await client.post("/mpc", json={**body, "MPCDuration": 6}, headers=headers)
        assert bad.status == 403
        raw = {**headers, "Content-Type": "application/json"}
        assert (await client.post("/mpc", data="{not json", headers=raw)).status == 403
        assert (await client.post("/mpc", data=json.dumps([1]), headers=raw)).status == 403
    [event] = recorder.events
    assert isinstance(event, MPCEvent)
    assert (
        event.mpc_uuid == "m-1" and event.mpc_duration == 5 and event.raw["Extra"] == {"a": [1, 2]}
    )


async def test_repeated_form_keys() -> None:
    recorder = Recorder()
    form = MultiDict([*HANGUP.items(), ("X-PH-Tag", "b"), ("X-PH-Tag", "a")])
    async with receiver(recorder) as client:
        headers = signature_headers("POST", url_of(client, "/h"), form, TOKEN)
        assert (await client.post("/h", data=form, headers=headers)).status == 200
    assert recorder.events[0].raw["X-PH-Tag"] == ["b", "a"]


async def test_token_rotation_and_multi_signature_header() -> None:
    recorder = Recorder()
    async with receiver(recorder, auth_token=["old-token", TOKEN]) as client:
        url = url_of(client, "/h")
        new = signature_headers("POST", url, HANGUP, TOKEN, nonce="99")
        stale = sign_v3("POST", url, HANGUP, "99", "revoked-token")
        both = {**new, SIGNATURE_V3_HEADER: f"{stale},{new[SIGNATURE_V3_HEADER]}"}
        assert (await client.post("/h", data=HANGUP, headers=both)).status == 200
        old = signature_headers("POST", url, HANGUP, "old-token")
        assert (await client.post("/h", data=HANGUP, headers=old)).status == 200
        revoked = signature_headers("POST", url, HANGUP, "revoked-token")
        assert (await client.post("/h", data=HANGUP, headers=revoked)).status == 403
    assert len(recorder.events) == 2


async def test_main_account_signature_header() -> None:
    """Subaccount callbacks also carry X-Plivo-Signature-Ma-V3, keyed by the main token."""
    recorder = Recorder()
    async with receiver(recorder, auth_token=MAIN_TOKEN) as client:
        url = url_of(client, "/h")
        headers = signature_headers("POST", url, HANGUP, "subaccount-token", nonce="7")
        headers[SIGNATURE_V3_MA_HEADER] = sign_v3("POST", url, HANGUP, "7", MAIN_TOKEN)
        assert (await client.post("/h", data=HANGUP, headers=headers)).status == 200
    assert len(recorder.events) == 1


PUBLIC = "https://hooks.example.com/plivo/hangup"
FORWARDED = {"X-Forwarded-Proto": "https", "X-Forwarded-Host": "hooks.example.com"}


async def test_forwarded_headers_ignored_unless_trusted() -> None:
    recorder = Recorder()
    signed = {**signature_headers("POST", PUBLIC, HANGUP, TOKEN), **FORWARDED}
    async with receiver(recorder, mount="/plivo") as client:
        assert (await client.post("/plivo/hangup", data=HANGUP, headers=signed)).status == 403
        # Without trust, what counts is the URL actually requested.
        direct = signature_headers("POST", url_of(client, "/plivo/hangup"), HANGUP, TOKEN)
        spoof = {**direct, "X-Forwarded-Host": "evil.example.com"}
        assert (await client.post("/plivo/hangup", data=HANGUP, headers=spoof)).status == 200
    assert len(recorder.events) == 1


async def test_forwarded_headers_from_an_untrusted_peer_are_ignored() -> None:
    recorder = Recorder()
    signed = {**signature_headers("POST", PUBLIC, HANGUP, TOKEN), **FORWARDED}
    # the test client connects from 127.0.0.1, which is not among the trusted proxies
    async with receiver(recorder, mount="/plivo", trusted_proxies=["10.0.0.0/8"]) as client:
        assert (await client.post("/plivo/hangup", data=HANGUP, headers=signed)).status == 403
        forwarded = {"Forwarded": "proto=https;host=hooks.example.com"}
        resigned = {**signature_headers("POST", PUBLIC, HANGUP, TOKEN), **forwarded}
        assert (await client.post("/plivo/hangup", data=HANGUP, headers=resigned)).status == 403
    assert recorder.events == []


async def test_forwarded_headers_from_a_trusted_proxy_are_used() -> None:
    recorder = Recorder()
    async with receiver(recorder, mount="/plivo", trusted_proxies=["127.0.0.1"]) as client:
        signed = {**signature_headers("POST", PUBLIC, HANGUP, TOKEN), **FORWARDED}
        assert (await client.post("/plivo/hangup", data=HANGUP, headers=signed)).status == 200
        forwarded = {"Forwarded": 'for=198.51.100.7;proto=https;host="hooks.example.com"'}
        resigned = {**signature_headers("POST", PUBLIC, HANGUP, TOKEN), **forwarded}
        assert (await client.post("/plivo/hangup", data=HANGUP, headers=resigned)).status == 200
        # two hops, the inner one (127.0.0.1) trusted: the outer one's view counts
        chain = {
            **signature_headers("POST", PUBLIC, HANGUP, TOKEN),
            **FORWARDED,
            "X-Forwarded-Proto": "https, http",
            "X-Forwarded-For": "198.51.100.7, 127.0.0.1",
        }
        assert (await client.post("/plivo/hangup", data=HANGUP, headers=chain)).status == 200
        # No forwarded headers: falls back to the request itself.
        direct = signature_headers("POST", url_of(client, "/plivo/hangup"), HANGUP, TOKEN)
        assert (await client.post("/plivo/hangup", data=HANGUP, headers=direct)).status == 200
        # A header that is not a bare host is ignored rather than trusted.
        odd = {**signature_headers("POST", PUBLIC, HANGUP, TOKEN), **FORWARDED}
        odd["X-Forwarded-Host"] = "hooks.example.com/evil"
        assert (await client.post("/plivo/hangup", data=HANGUP, headers=odd)).status == 403
    assert len(recorder.events) == 4


async def test_trust_forwarded_still_believes_anyone_but_is_deprecated() -> None:
    recorder = Recorder()
    with pytest.warns(DeprecationWarning, match="trusted_proxies"):
        app = webhook_app(TOKEN, recorder, trust_forwarded=True)
    async with serve(app) as client:
        signed = signature_headers("POST", "https://hooks.example.com/hangup", HANGUP, TOKEN)
        chain = {**signed, **FORWARDED, "X-Forwarded-Proto": "https, http"}  # the leftmost
        assert (await client.post("/hangup", data=HANGUP, headers=chain)).status == 200
    assert len(recorder.events) == 1


async def test_public_url_for_path_rewriting_proxies() -> None:
    recorder = Recorder()
    # The proxy maps https://hooks.example.com/plivo/* to http://app/*.
    async with receiver(recorder, public_url="https://hooks.example.com/plivo/") as client:
        headers = signature_headers("POST", PUBLIC, HANGUP, TOKEN)
        assert (await client.post("/hangup", data=HANGUP, headers=headers)).status == 200
        query = signature_headers("POST", PUBLIC + "?campaign=7", HANGUP, TOKEN)
        assert (await client.post("/hangup?campaign=7", data=HANGUP, headers=query)).status == 200
    assert len(recorder.events) == 2


async def test_base_url_is_the_old_name_of_public_url() -> None:
    recorder = Recorder()
    with pytest.warns(DeprecationWarning, match="public_url"):
        app = webhook_app(TOKEN, recorder, base_url="https://hooks.example.com/plivo/")
    async with serve(app) as client:
        headers = signature_headers("POST", PUBLIC, HANGUP, TOKEN)
        assert (await client.post("/hangup", data=HANGUP, headers=headers)).status == 200
    assert len(recorder.events) == 1
    with pytest.warns(DeprecationWarning), pytest.raises(ValueError, match="public_url= only"):
        webhook_app(TOKEN, recorder, base_url="https://a.example", public_url="https://b.example")


async def test_dedicated_route_with_forced_event_type() -> None:
    recorder = Recorder()
    app = web.Application()
    app.router.add_post("/hangup", webhook_handler(TOKEN, recorder, event_type=HangupEvent))
    async with serve(app) as client:
        params = {"CallUUID": "a", "Duration": "3"}  # no Event param at all
        headers = signature_headers("POST", url_of(client, "/hangup"), params, TOKEN)
        assert (await client.post("/hangup", data=params, headers=headers)).status == 200
    [event] = recorder.events
    assert type(event) is HangupEvent and event.duration == 3


async def test_on_event_errors_are_not_swallowed() -> None:
    async def boom(event: CallbackEvent) -> None:
        raise RuntimeError("user bug")

    async with serve(webhook_app(TOKEN, boom)) as client:
        headers = signature_headers("POST", url_of(client, "/h"), HANGUP, TOKEN)
        assert (await client.post("/h", data=HANGUP, headers=headers)).status == 500


async def test_bad_reply_type_is_a_server_error() -> None:
    async def wrong(event: CallbackEvent) -> Any:
        return 42

    async with serve(webhook_app(TOKEN, wrong)) as client:
        headers = signature_headers("POST", url_of(client, "/h"), HANGUP, TOKEN)
        assert (await client.post("/h", data=HANGUP, headers=headers)).status == 500


def test_empty_token_refused_up_front() -> None:
    with pytest.raises(ValueError, match="auth_token"):
        webhook_handler("", Recorder())
    with pytest.raises(ValueError, match="auth_token"):
        webhook_app([], Recorder())


async def test_file_upload_is_not_a_callback(caplog: pytest.LogCaptureFixture) -> None:
    recorder = Recorder()
    async with receiver(recorder) as client:
        headers = signature_headers("POST", url_of(client, "/h"), HANGUP, TOKEN)
        data = aiohttp.FormData()
        data.add_field("CallUUID", "a")
        data.add_field("file", b"\x00\x01", filename="x.bin")
        with caplog.at_level(logging.WARNING, logger="plivo_async"):
            assert (await client.post("/h", data=data, headers=headers)).status == 403
    assert recorder.events == []
    assert "form body with files" in caplog.text
