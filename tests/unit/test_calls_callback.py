"""Plivo's asynchronous request mode (``callback_url``/``callback_method``) on the Call API."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from aioresponses import aioresponses

from plivo_async.client import AsyncPlivo
from plivo_async.errors import ValidationError

from ._fixtures import load
from ._resources_helpers import (
    API,
    CALL_UUID,
    body_of,
    client_fixture,  # noqa: F401 - the "client" fixture
    mocked_fixture,  # noqa: F401 - the "mocked" fixture
    only_request,
    sent,
)

CB = "https://example.com/async"
CALL = API + f"Call/{CALL_UUID}/"
Invoke = Callable[[AsyncPlivo, dict[str, Any]], Awaitable[Any]]

# (name, HTTP method, URL, how to call it with the callback keywords, extra body fields)
POSTS: list[tuple[str, str, Invoke, dict[str, Any]]] = [
    (
        "create",
        API + "Call/",
        lambda c, kw: c.calls.create(
            from_="+14155550100", to="+14155550101", answer_url="https://example.com/a", **kw
        ),
        {"from": "+14155550100", "to": "+14155550101", "answer_url": "https://example.com/a"},
    ),
    (
        "update",
        CALL,
        lambda c, kw: c.calls.update(
            CALL_UUID, legs="aleg", aleg_url="https://example.com/x", **kw
        ),
        {"legs": "aleg", "aleg_url": "https://example.com/x"},
    ),
    (
        "play",
        CALL + "Play/",
        lambda c, kw: c.calls.play(CALL_UUID, "https://example.com/a.mp3", **kw),
        {"urls": "https://example.com/a.mp3"},
    ),
    (
        "speak",
        CALL + "Speak/",
        lambda c, kw: c.calls.speak(CALL_UUID, "hello", **kw),
        {"text": "hello"},
    ),
    (
        "send_digits",
        CALL + "DTMF/",
        lambda c, kw: c.calls.send_digits(CALL_UUID, "123", **kw),
        {"digits": "123"},
    ),
]
DELETES: list[tuple[str, str, Invoke]] = [
    ("hangup", CALL, lambda c, kw: c.calls.hangup(CALL_UUID, **kw)),
    ("delete", CALL, lambda c, kw: c.calls.delete(CALL_UUID, **kw)),
    ("stop_recording", CALL + "Record/", lambda c, kw: c.calls.stop_recording(CALL_UUID, **kw)),
    ("stop_playing", CALL + "Play/", lambda c, kw: c.calls.stop_playing(CALL_UUID, **kw)),
    ("stop_speaking", CALL + "Speak/", lambda c, kw: c.calls.stop_speaking(CALL_UUID, **kw)),
]
GETS: list[tuple[str, str, Invoke, dict[str, str]]] = [
    ("get", CALL, lambda c, kw: c.calls.get(CALL_UUID, **kw), {}),
    ("list", API + "Call/", lambda c, kw: c.calls.list(**kw), {}),
    ("get_live", CALL, lambda c, kw: c.calls.get_live(CALL_UUID, **kw), {"status": "live"}),
    ("list_live", API + "Call/", lambda c, kw: c.calls.list_live(**kw), {"status": "live"}),
    ("get_queued", CALL, lambda c, kw: c.calls.get_queued(CALL_UUID, **kw), {"status": "queued"}),
    ("list_queued", API + "Call/", lambda c, kw: c.calls.list_queued(**kw), {"status": "queued"}),
]
KEYWORDS = {"callback_url": CB, "callback_method": "get"}
WIRE = {"callback_url": CB, "callback_method": "GET"}


def _any(url: str) -> re.Pattern[str]:
    return re.compile(re.escape(url) + r"(\?.*)?$")


@pytest.mark.parametrize(("name", "url", "invoke", "body"), POSTS, ids=[p[0] for p in POSTS])
async def test_posts_carry_the_callback_in_the_body(
    client: AsyncPlivo,
    mocked: aioresponses,
    name: str,
    url: str,
    invoke: Invoke,
    body: dict[str, Any],
) -> None:
    mocked.post(url, status=201, payload=load("calls_async", "ack"))
    response = await invoke(client, KEYWORDS)
    method, got, kwargs = only_request(mocked)
    assert (method, str(got)) == ("POST", url)
    assert body_of(kwargs) == {**body, **WIRE}
    assert response.message == "async api spawned"


@pytest.mark.parametrize(("name", "url", "invoke"), DELETES, ids=[d[0] for d in DELETES])
async def test_deletes_carry_the_callback_as_json_like_the_sdk(
    client: AsyncPlivo, mocked: aioresponses, name: str, url: str, invoke: Invoke
) -> None:
    mocked.delete(url, status=202, payload=load("calls_async", "ack"))
    response = await invoke(client, KEYWORDS)
    method, got, kwargs = only_request(mocked)
    assert (method, str(got)) == ("DELETE", url)
    assert body_of(kwargs) == WIRE
    assert response.message == "async api spawned"


@pytest.mark.parametrize(("name", "url", "invoke"), DELETES, ids=[d[0] for d in DELETES])
async def test_deletes_without_callback_send_no_body(
    client: AsyncPlivo, mocked: aioresponses, name: str, url: str, invoke: Invoke
) -> None:
    mocked.delete(url, status=204)
    await invoke(client, {})
    _method, _url, kwargs = only_request(mocked)
    assert body_of(kwargs) is None


@pytest.mark.parametrize(("name", "url", "invoke", "query"), GETS, ids=[g[0] for g in GETS])
async def test_gets_carry_the_callback_in_the_query(
    client: AsyncPlivo,
    mocked: aioresponses,
    name: str,
    url: str,
    invoke: Invoke,
    query: dict[str, str],
) -> None:
    mocked.get(_any(url), payload=load("calls_async", "ack"))
    response = await invoke(client, KEYWORDS)
    method, got, _kwargs = only_request(mocked)
    assert (method, str(got.with_query(None))) == ("GET", url)
    assert dict(got.query) == {**query, **WIRE}
    # The lookup answers only "spawned": typed fields stay empty, the message is in raw.
    assert response.api_id == "94722e88-ae7c-11ec-b52e-0242ac11000a"
    assert response.raw["message"] == "async api spawned"


ALL = [(p[0], p[2]) for p in POSTS] + [(d[0], d[2]) for d in DELETES] + [(g[0], g[2]) for g in GETS]


@pytest.mark.parametrize(("name", "invoke"), ALL, ids=[a[0] for a in ALL])
@pytest.mark.parametrize(
    ("keywords", "field"),
    [
        ({"callback_url": "not a url"}, "callback_url"),
        ({"callback_url": "ftp://example.com/x"}, "callback_url"),
        ({"callback_url": CB, "callback_method": "PATCH"}, "callback_method"),
    ],
)
async def test_bad_callbacks_are_refused_before_sending(
    client: AsyncPlivo,
    mocked: aioresponses,
    name: str,
    invoke: Invoke,
    keywords: dict[str, str],
    field: str,
) -> None:
    with pytest.raises(ValidationError) as err:
        await invoke(client, keywords)
    assert err.value.field == field
    assert sent(mocked) == []


async def test_iter_all_refuses_the_callback_mode(client: AsyncPlivo, mocked: aioresponses) -> None:
    with pytest.raises(ValidationError) as err:
        async for _call in client.calls.iter_all(callback_url=CB):
            pass
    assert err.value.field == "callback_url"
    assert sent(mocked) == []
