"""Issue 11 at the transport's edges: redirects, ambiguous successes, body cap, ids in
paths, echoed secrets, credentials in base URLs. Where aioresponses cannot show it, a
real aiohttp.web server on loopback does (``tests/unit/_loopback.py``).
"""

from __future__ import annotations

import asyncio
import base64
import json
import logging
import pickle
import traceback
from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from aiohttp import web
from aioresponses import aioresponses

from plivo_async import AsyncPlivo, errors
from plivo_async.retry import RetryPolicy
from plivo_async.validation import path_segment
from tests.conftest import AUTH_ID, AUTH_TOKEN
from tests.unit._loopback import loopback_client, serve
from tests.unit.test_transport import API

FROM, TO, ANSWER = "+14155550100", "+14155550101", "https://example.com/answer"
B64 = base64.b64encode(f"{AUTH_ID}:{AUTH_TOKEN}".encode()).decode()
SECRETS = (AUTH_TOKEN, f"Basic {B64}", B64)
OK_BODY = {"api_id": "a", "request_uuid": "r-1", "message": "ok", "call_uuid": "c-1"}


def create(client: AsyncPlivo) -> Awaitable[Any]:
    return client.calls.create(from_=FROM, to=TO, answer_url=ANSWER)


# -- 5. redirects are never followed; a 2xx without proof of the call is ambiguous ----------


@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
async def test_redirect_on_a_loopback_server_is_a_typed_error_and_never_followed(
    status: int,
) -> None:
    hits: list[str] = []

    async def handler(request: web.Request) -> web.StreamResponse:
        hits.append(f"{request.method} {request.path}")
        if request.path == "/landing":
            return web.json_response({"request_uuid": "from-the-landing-page"}, status=201)
        return web.Response(status=status, headers={"Location": "/landing"})

    async with serve(handler) as url, loopback_client(url) as client:
        with pytest.raises(errors.PlivoRedirectError) as caught:
            await create(client)
    exc = caught.value
    assert isinstance(exc, errors.PlivoRestError)
    assert exc.status == status and exc.location == "/landing"
    assert hits == [f"POST /v1/Account/{AUTH_ID}/Call/"]


async def test_redirect_location_shows_no_credentials_and_nothing_is_retried() -> None:
    with aioresponses() as m:
        m.post(
            API + "Call/",
            status=302,
            headers={"Location": f"https://{AUTH_ID}:{AUTH_TOKEN}@evil.example/landing"},
        )
        m.get("https://evil.example/landing", payload={"request_uuid": "x"})
        async with AsyncPlivo(AUTH_ID, AUTH_TOKEN) as client:
            with pytest.raises(errors.PlivoRedirectError) as caught:
                await create(client)
        assert len(m.requests) == 1
    assert caught.value.location == "https://evil.example/landing"
    assert AUTH_TOKEN not in str(caught.value)


@pytest.mark.parametrize(
    "answer",
    [
        {"status": 201, "body": b""},
        {"status": 204, "body": b""},
        {"status": 201, "body": b"[]"},
        {"status": 201, "body": b"null"},
        {"status": 200, "body": b"{}"},
        {"status": 201, "body": b'{"api_id": "a", "request_uuid": null}'},
        {"status": 201, "body": b'{"api_id": "a", "request_uuid": ""}'},
    ],
    ids=["empty", "204", "list", "null", "no-uuid", "uuid-null", "uuid-empty"],
)
async def test_create_answered_2xx_without_request_uuid_is_outcome_unknown(
    answer: dict[str, Any],
) -> None:
    with aioresponses() as m:
        m.post(API + "Call/", repeat=True, **answer)
        async with AsyncPlivo(AUTH_ID, AUTH_TOKEN) as client:
            with pytest.raises(errors.OutcomeUnknownError) as caught:
                await create(client)
        assert len(m.requests[("POST", next(iter(m.requests))[1])]) == 1  # not re-sent
    cause = caught.value.__cause__
    assert isinstance(cause, errors.PlivoRestError) and 200 <= (cause.status or 0) < 300


@pytest.mark.parametrize("body", [b"", b"[]", b"null"])
async def test_any_non_idempotent_post_needs_a_json_object(body: bytes) -> None:
    with aioresponses() as m:
        m.post(API + "Call/c-1/Play/", status=202, body=body)
        async with AsyncPlivo(AUTH_ID, AUTH_TOKEN) as client:
            with pytest.raises(errors.OutcomeUnknownError):
                await client.calls.play("c-1", "https://example.com/a.mp3")


# -- 7. response bodies are capped, never read past the cap ---------------------------------

CAP = 1024 * 1024


async def endless(written: list[int], status: int = 201) -> Callable[..., Any]:
    async def handler(request: web.Request) -> web.StreamResponse:
        resp = web.StreamResponse(status=status)
        resp.content_type = "application/json"
        resp.enable_chunked_encoding()
        await resp.prepare(request)
        chunk = b" " * 65536
        try:
            while True:  # an unbounded body: only the client's cap ends it
                await resp.write(chunk)
                written[0] += len(chunk)
        except (ConnectionResetError, ConnectionError, RuntimeError):
            pass
        return resp

    return handler


async def test_unbounded_body_on_a_create_is_outcome_unknown_and_reading_stops_at_the_cap() -> None:
    written = [0]
    async with serve(await endless(written)) as url:
        async with loopback_client(url, max_response_bytes=CAP) as client:
            with pytest.raises(errors.OutcomeUnknownError) as caught:
                await asyncio.wait_for(create(client), 30)
        await asyncio.sleep(0)  # let the server see the closed connection
    cause = caught.value.__cause__
    assert isinstance(cause, errors.ResponseTooLargeError)
    assert cause.limit == CAP and cause.status == 201
    # The server could push only what fits in the socket buffers past the cap.
    assert written[0] < CAP + 32 * 1024 * 1024


async def test_unbounded_body_on_a_get_is_response_too_large() -> None:
    written = [0]
    handler = await endless(written, status=200)
    async with serve(handler) as url, loopback_client(url, max_response_bytes=CAP) as client:
        with pytest.raises(errors.ResponseTooLargeError):
            await asyncio.wait_for(client.calls.get("c-1"), 30)


async def test_content_length_over_the_cap_is_refused_before_reading() -> None:
    async def handler(request: web.Request) -> web.StreamResponse:
        return web.Response(body=b"x" * (CAP + 1), status=200)

    async with serve(handler) as url, loopback_client(url, max_response_bytes=CAP) as client:
        with pytest.raises(errors.ResponseTooLargeError):
            await client.calls.get("c-1")


async def test_error_status_with_a_huge_body_keeps_its_type() -> None:
    async def handler(request: web.Request) -> web.StreamResponse:
        return web.Response(body=b"x" * (CAP + 1), status=404)

    async with serve(handler) as url, loopback_client(url, max_response_bytes=CAP) as client:
        with pytest.raises(errors.ResourceNotFoundError) as caught:
            await client.calls.get("c-1")
    assert caught.value.status == 404


def test_max_response_bytes_defaults_to_10_mib() -> None:
    client = AsyncPlivo(AUTH_ID, AUTH_TOKEN)
    assert client.transport.max_response_bytes == 10 * 1024 * 1024


# -- 8. every id stays one path segment, exactly as encoded ---------------------------------

HOSTILE = [
    "sip:x/../../../../account/X/phlo/OTHER?z=@example.com",
    "sip:a?action=hangup@x",
    "a%2F..",
    "..%2F..",
    "%2e%2e",
    "a/b#frag",
    "x y",
]
MEMBER_HOSTILE = [h for h in HOSTILE if h.startswith("sip:")]
MPC = "multi_party_call"

Method = Callable[[AsyncPlivo, str], Awaitable[Any]]
ID_METHODS: dict[str, tuple[str, Method]] = {
    "calls.get": ("call_uuid", lambda c, i: c.calls.get(i)),
    "calls.get_live": ("call_uuid", lambda c, i: c.calls.get_live(i)),
    "calls.get_queued": ("call_uuid", lambda c, i: c.calls.get_queued(i)),
    "calls.cancel": ("request_uuid", lambda c, i: c.calls.cancel(i)),
    "calls.update": ("call_uuid", lambda c, i: c.calls.update(i, legs="aleg", aleg_url=ANSWER)),
    "calls.hangup": ("call_uuid", lambda c, i: c.calls.hangup(i)),
    "calls.record": ("call_uuid", lambda c, i: c.calls.record(i)),
    "calls.stop_recording": ("call_uuid", lambda c, i: c.calls.stop_recording(i)),
    "calls.play": ("call_uuid", lambda c, i: c.calls.play(i, ANSWER)),
    "calls.stop_playing": ("call_uuid", lambda c, i: c.calls.stop_playing(i)),
    "calls.speak": ("call_uuid", lambda c, i: c.calls.speak(i, "hello")),
    "calls.stop_speaking": ("call_uuid", lambda c, i: c.calls.stop_speaking(i)),
    "calls.send_digits": ("call_uuid", lambda c, i: c.calls.send_digits(i, "12")),
    "phlo.get": ("phlo_id", lambda c, i: c.phlo(i).get()),
    "phlo.run": ("phlo_id", lambda c, i: c.phlo(i).run(x=1)),
    "mpc.call (phlo_id)": ("phlo_id", lambda c, i: c.phlo(i).multi_party_call("n").call(FROM, TO)),
    "mpc.call (node_id)": ("node_id", lambda c, i: c.phlo("p").multi_party_call(i).call(FROM, TO)),
    "mpc.warm_transfer": (
        "node_id",
        lambda c, i: c.phlo("p").multi_party_call(i).warm_transfer(FROM, TO),
    ),
    "mpc.cold_transfer": (
        "node_id",
        lambda c, i: c.phlo("p").multi_party_call(i).cold_transfer(FROM, TO),
    ),
    "member (node_id)": ("node_id", lambda c, i: c.phlo("p").multi_party_call(i).member(TO).hold()),
}
MEMBER_ACTIONS = [
    "hold",
    "unhold",
    "mute",
    "unmute",
    "hangup",
    "abort_transfer",
    "resume_call",
    "voicemail_drop",
]


async def _raw_paths(call: Callable[[AsyncPlivo], Awaitable[Any]]) -> list[str]:
    seen: list[str] = []

    async def handler(request: web.Request) -> web.StreamResponse:
        seen.append(request.raw_path)  # the request target exactly as it came
        return web.json_response(OK_BODY)

    async with serve(handler) as url, loopback_client(url) as client:
        await call(client)
    return seen


@pytest.mark.parametrize("hostile", HOSTILE)
@pytest.mark.parametrize("name", list(ID_METHODS))
async def test_hostile_id_reaches_the_server_as_one_segment(name: str, hostile: str) -> None:
    field, method = ID_METHODS[name]
    (benign,) = await _raw_paths(lambda c: method(c, "ID-HERE"))
    (got,) = await _raw_paths(lambda c: method(c, hostile))
    assert got == benign.replace("ID-HERE", path_segment(field, hostile))
    assert got.count("/") == benign.count("/") and got.count("?") == benign.count("?")


@pytest.mark.parametrize("hostile", MEMBER_HOSTILE)
@pytest.mark.parametrize("action", MEMBER_ACTIONS)
async def test_hostile_member_id_stays_one_segment(action: str, hostile: str) -> None:
    def call(member: str) -> Callable[[AsyncPlivo], Awaitable[Any]]:
        return lambda c: getattr(c.phlo("p").multi_party_call("n").member(member), action)()

    (got,) = await _raw_paths(call(hostile))
    assert got == f"/v1/phlo/p/{MPC}/n/members/{path_segment('member_id', hostile)}"
    assert "?" not in got and "/../" not in got


@pytest.mark.parametrize("bad", ["x\ud800", "\udfff", "a\x00b", "..", "."])
@pytest.mark.parametrize("name", list(ID_METHODS))
async def test_unencodable_id_is_refused_naming_the_field_before_sending(
    name: str, bad: str
) -> None:
    field, method = ID_METHODS[name]
    hits: list[str] = []

    async def handler(request: web.Request) -> web.StreamResponse:
        hits.append(request.raw_path)
        return web.json_response(OK_BODY)

    async with serve(handler) as url, loopback_client(url) as client:
        with pytest.raises(errors.ValidationError) as caught:
            await method(client, bad)
    assert caught.value.field == field
    assert hits == []


# -- 9. an echoed token is redacted everywhere ---------------------------------------------


def _texts(exc: BaseException) -> list[str]:
    texts = [str(exc), repr(exc), repr(vars(exc)), repr(pickle.dumps(exc))]
    texts.append("".join(traceback.format_exception(exc)))
    body = getattr(exc, "body", None)
    texts.append(json.dumps(body) if not isinstance(body, str) else body)
    return texts


ECHOES = {
    "401 json": {
        "status": 401,
        "payload": {
            "error": f"bad credentials: Authorization: Basic {B64}",
            "headers": {"Authorization": f"Basic {B64}", "X-Token": AUTH_TOKEN},
            "seen": [B64, f"{AUTH_ID}:{AUTH_TOKEN}"],
        },
    },
    "401 text": {"status": 401, "body": f"Authorization: Basic {B64}\ntoken={AUTH_TOKEN}"},
    "500 json": {"status": 500, "payload": {"error": f"oops {AUTH_TOKEN}", "auth": B64}},
    "500 text": {"status": 500, "body": f"<pre>Authorization: Basic {B64}</pre> {AUTH_TOKEN}"},
    "302": {"status": 302, "headers": {"Location": f"https://x.example/?t={AUTH_TOKEN}"}},
}


@pytest.mark.parametrize("name", list(ECHOES))
@pytest.mark.parametrize("op", ["get", "create"])
async def test_echoed_secrets_never_reach_messages_bodies_pickles_tracebacks_or_logs(
    name: str, op: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="plivo_async")
    with aioresponses() as m:
        m.get(API + "Call/c-1/", **ECHOES[name])  # type: ignore[arg-type]
        m.post(API + "Call/", **ECHOES[name])  # type: ignore[arg-type]
        async with AsyncPlivo(AUTH_ID, AUTH_TOKEN, retry=RetryPolicy.never()) as client:
            with pytest.raises(errors.PlivoError) as caught:
                await (client.calls.get("c-1") if op == "get" else create(client))
    texts: list[str] = []
    exc: BaseException | None = caught.value
    while exc is not None:
        texts += _texts(exc)
        exc = exc.__cause__
    texts += [r.getMessage() for r in caplog.records]
    texts += [logging.Formatter().format(r) for r in caplog.records]
    for text in texts:
        for secret in SECRETS:
            assert secret not in text
    answer = caught.value.__cause__ or caught.value  # a create's 500 is OutcomeUnknownError
    assert isinstance(answer, errors.PlivoRestError)
    shown = str(answer) + json.dumps(answer.body) + str(getattr(answer, "location", ""))
    assert errors.REDACTED in shown  # the echo is kept, minus the secret


def test_redaction_reaches_log_records_of_the_library(caplog: pytest.LogCaptureFixture) -> None:
    AsyncPlivo(AUTH_ID, AUTH_TOKEN)  # registers the secret
    caplog.set_level(logging.INFO, logger="plivo_async")
    logging.getLogger("plivo_async").info("header was %s", f"Basic {B64}")
    (record,) = caplog.records
    assert B64 not in record.getMessage() and errors.REDACTED in record.getMessage()


# -- 10. credentials inside base URLs ------------------------------------------------------


@pytest.mark.parametrize("option", ["base_url", "phlo_base_url"])
@pytest.mark.parametrize(
    "url",
    [
        f"https://{AUTH_ID}:{AUTH_TOKEN}@api.plivo.com",
        f"http://{AUTH_ID}:{AUTH_TOKEN}@10.0.0.1",
        f"http://x:{AUTH_TOKEN}@127.0.0.1:8080",
        f"https://{AUTH_TOKEN}@api.plivo.com",
    ],
)
def test_credentials_in_a_base_url_are_refused_without_showing_them(option: str, url: str) -> None:
    with pytest.raises(errors.ConfigurationError) as caught:
        AsyncPlivo("MAOTHERID00000000000", "another-token-value", **{option: url})
    text = str(caught.value) + repr(caught.value)
    assert option in text
    assert AUTH_TOKEN not in text and AUTH_ID not in text
