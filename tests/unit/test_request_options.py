"""Per-call options as in the openai and anthropic SDKs: ``timeout=``, ``extra_headers=``,
``extra_query=``, ``extra_body=`` on every request method; ``default_headers=`` on the
client and on ``with_options``.

One test walks every public method of every resource and checks it takes them; the others
send one request of each kind (a GET of one item, a list and its pages, a POST body, a
DELETE, a ``_send`` action, a PHLO run, keyword settings) and look at the wire.
"""

from __future__ import annotations

import importlib
import inspect
import math
import pkgutil
from collections.abc import Iterator
from typing import Any

import aiohttp
import pytest
from aioresponses import aioresponses

import plivo_async.resources
from plivo_async import errors
from plivo_async._types import ApiRequest
from plivo_async.client import AsyncPlivo
from plivo_async.errors import REDACTED, ConfigurationError, ValidationError, redact
from plivo_async.resources._base import Resource
from plivo_async.resources.live_calls import LiveCalls, QueuedCalls

from ._resources_helpers import (
    API,
    AUTH_HEADER,
    AUTH_ID,
    AUTH_TOKEN,
    CALL_UUID,
    PHLO_ID,
    PHLO_RUN,
    REQUEST_UUID,
    body_of,
    client_fixture,  # noqa: F401 - the "client" fixture
    mocked_fixture,  # noqa: F401 - the "mocked" fixture
    only_request,
    sent,
)

#: Methods that make requests but do not take the options, and why.
EXEMPT = {
    # Several lookups over a settle period, each with its own timing: use with_options.
    "Calls.reconcile": "several lookups; client.with_options(...) applies to all of them",
}
EMPTY_PAGE = {"api_id": "x", "meta": {"next": None, "offset": 0, "limit": 20}, "objects": []}


def resource_classes() -> list[type]:
    """Every resource class, those of modules added later included."""
    for info in pkgutil.iter_modules(plivo_async.resources.__path__):
        importlib.import_module(f"plivo_async.resources.{info.name}")
    found: list[type] = []
    todo: list[type] = [Resource]
    while todo:
        cls = todo.pop()
        found.append(cls)
        todo.extend(cls.__subclasses__())
    return [c for c in found if c is not Resource] + [LiveCalls, QueuedCalls]


def request_methods() -> Iterator[tuple[str, Any]]:
    """``(Class.method, function)`` for every public method that sends requests."""
    for cls in resource_classes():
        for name, func in inspect.getmembers(cls, inspect.isfunction):
            if name.startswith("_"):
                continue
            iterates = "AsyncIterator" in str(inspect.signature(func).return_annotation)
            if inspect.iscoroutinefunction(func) or inspect.isasyncgenfunction(func) or iterates:
                yield f"{cls.__name__}.{name}", func


def test_the_walk_finds_every_kind_of_request_method() -> None:
    names = {name for name, _ in request_methods()}
    assert len(names) > 100
    assert {"Calls.create", "Calls.iter_all", "Phlo.run", "Member.hold"} <= names
    assert {"LiveCalls.iter_all", "Conferences.member_mute", "Applications.create"} <= names


def test_every_request_method_takes_the_request_options() -> None:
    missing = []
    for name, func in request_methods():
        if name in EXEMPT:
            continue
        params = inspect.signature(func).parameters
        kwargs = [p for p in params.values() if p.kind is inspect.Parameter.VAR_KEYWORD]
        if not kwargs:
            missing.append(name)
            continue
        annotation = str(kwargs[0].annotation)
        if name.endswith(".start_stream"):
            # extra_headers there is Plivo's stream parameter (as in the official SDK).
            assert annotation == "Unpack[BaseRequestOptions]"
            assert "extra_headers" in params
        elif annotation == "Any":
            # **filters / **payload / **params: the options are taken out of them.
            source = inspect.getsource(func)
            if "split_request_options" not in source and name not in {
                "LiveCalls.iter_all",  # its pages are list_live(**filters): test below
                "QueuedCalls.iter_all",
            }:
                missing.append(name)
        elif annotation not in ("Unpack[RequestOptions]", "Unpack[_SettingsAndOptions]"):
            missing.append(f"{name} ({annotation})")
    assert missing == []


def headers_of(kwargs: dict[str, Any]) -> dict[str, str]:
    return {k.lower(): v for k, v in kwargs["headers"].items()}


# -- each kind of method, on the wire -----------------------------------------------------


async def test_a_get_carries_all_of_them(client: AsyncPlivo, mocked: aioresponses) -> None:
    mocked.get(f"{API}Call/{CALL_UUID}/?new_param=1", payload={"call_uuid": CALL_UUID})
    await client.calls.get(
        CALL_UUID, timeout=3, extra_headers={"X-Trace": "t-1"}, extra_query={"new_param": "1"}
    )
    _method, url, kwargs = only_request(mocked)
    assert url.query["new_param"] == "1"
    assert headers_of(kwargs)["x-trace"] == "t-1"
    assert headers_of(kwargs)["authorization"] == AUTH_HEADER
    assert kwargs["timeout"].total == 3


async def test_a_post_merges_extra_body_after_validation(
    client: AsyncPlivo, mocked: aioresponses
) -> None:
    mocked.post(f"{API}Call/", status=201, payload={"request_uuid": REQUEST_UUID})
    await client.calls.create(
        "+14155550100",
        "+14155550101",
        "https://example.com/a",
        extra_body={"new_field": True},
        extra_headers={"X-Trace": "t-2"},
        timeout=aiohttp.ClientTimeout(total=7),
    )
    _method, _url, kwargs = only_request(mocked)
    assert body_of(kwargs) == {
        "from": "+14155550100",
        "to": "+14155550101",
        "answer_url": "https://example.com/a",
        "new_field": True,
    }
    assert headers_of(kwargs)["x-trace"] == "t-2"
    assert headers_of(kwargs)["content-type"] == "application/json"
    assert kwargs["timeout"].total == 7


async def test_a_delete_and_a_send_action(client: AsyncPlivo, mocked: aioresponses) -> None:
    mocked.delete(f"{API}Call/{CALL_UUID}/", status=204)
    await client.calls.hangup(CALL_UUID, extra_body={"reason": "x"}, timeout=4)
    mocked.post(f"{API}Conference/room/Member/all/Mute/", payload={"message": "ok"})
    await client.conferences.member_mute("room", "all", extra_body={"new": 1}, timeout=5)
    (_m1, _u1, hangup), (_m2, _u2, mute) = sent(mocked)
    assert body_of(hangup) == {"reason": "x"}
    assert hangup["timeout"].total == 4
    assert body_of(mute) == {"new": 1}
    assert mute["timeout"].total == 5


async def test_a_list_and_its_pages(client: AsyncPlivo, mocked: aioresponses) -> None:
    mocked.get(f"{API}Recording/?limit=5&new=v", payload=EMPTY_PAGE)
    await client.recordings.list(limit=5, extra_query={"new": "v"}, timeout=2)
    mocked.get(f"{API}Application/?limit=20&new=v&offset=0", payload=EMPTY_PAGE)
    apps = [a async for a in client.applications.iter_all(extra_query={"new": "v"}, timeout=6)]
    assert apps == []
    (_m1, listed, first), (_m2, paged, second) = sent(mocked)
    assert (dict(listed.query), first["timeout"].total) == ({"limit": "5", "new": "v"}, 2)
    assert (dict(paged.query)["new"], second["timeout"].total) == ("v", 6)


async def test_live_calls_pages_carry_them(client: AsyncPlivo, mocked: aioresponses) -> None:
    mocked.get(f"{API}Call/?limit=20&offset=0&status=live", payload={"api_id": "x", "calls": []})
    ids = [c async for c in client.live_calls.iter_all(extra_headers={"X-Trace": "t-3"})]
    assert ids == []
    _method, _url, kwargs = only_request(mocked)
    assert headers_of(kwargs)["x-trace"] == "t-3"


async def test_keyword_kinds_take_the_options_out(client: AsyncPlivo, mocked: aioresponses) -> None:
    mocked.post(f"{PHLO_RUN}{PHLO_ID}", payload={"api_id": "x"})
    await client.phlo(PHLO_ID).run(name="Ann", timeout=8, extra_headers={"X-Trace": "t-4"})
    mocked.post(f"{API}Application/", status=201, payload={"app_id": "1"})
    await client.applications.create(
        "app", answer_url="https://example.com/a", extra_body={"new": 1}, timeout=9
    )
    (_m1, _u1, run), (_m2, _u2, create) = sent(mocked)
    assert body_of(run) == {"name": "Ann"}
    assert (headers_of(run)["x-trace"], run["timeout"].total) == ("t-4", 8)
    assert body_of(create) == {"app_name": "app", "answer_url": "https://example.com/a", "new": 1}
    assert create["timeout"].total == 9


async def test_start_stream_keeps_plivos_extra_headers(
    client: AsyncPlivo, mocked: aioresponses
) -> None:
    mocked.post(f"{API}Call/{CALL_UUID}/Stream/", payload={"stream_id": "s"})
    await client.calls.start_stream(
        CALL_UUID, "wss://example.com/s", extra_headers={"a": "1"}, extra_body={"new": 1}
    )
    _method, _url, kwargs = only_request(mocked)
    assert body_of(kwargs) == {
        "service_url": "wss://example.com/s",
        "extra_headers": "a=1",
        "new": 1,
    }
    assert "a" not in headers_of(kwargs)


async def test_the_timeout_is_for_that_request_only(
    client: AsyncPlivo, mocked: aioresponses
) -> None:
    url = f"{API}Call/{CALL_UUID}/"
    mocked.get(url, payload={}, repeat=True)
    await client.calls.get(CALL_UUID, timeout=1.5)
    await client.calls.get(CALL_UUID)
    first, second = (kwargs for _m, _u, kwargs in sent(mocked))
    assert first["timeout"].total == 1.5
    assert second["timeout"] == client.transport.timeout
    assert second["timeout"].total == 30.0


# -- what is refused, before anything is sent ---------------------------------------------


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ({"ring_timeout": "soon"}, "extra_body['ring_timeout']"),  # known, left unset
        ({"from": "+14155550199"}, "extra_body['from']"),  # known and sent
        ({"answer_url": "http://x"}, "extra_body['answer_url']"),
    ],
)
async def test_extra_body_cannot_bypass_validation(
    client: AsyncPlivo, mocked: aioresponses, extra: dict[str, Any], field: str
) -> None:
    with pytest.raises(ValidationError) as err:
        await client.calls.create(
            "+14155550100", "+14155550101", "https://example.com/a", extra_body=extra
        )
    assert err.value.field == field
    assert "validated" in str(err.value)
    assert sent(mocked) == []


async def test_extra_query_cannot_bypass_a_filter(client: AsyncPlivo, mocked: aioresponses) -> None:
    with pytest.raises(ValidationError) as err:
        await client.recordings.list(extra_query={"limit": 500})  # a filter, left unset
    assert err.value.field == "extra_query['limit']"
    with pytest.raises(ValidationError) as err:
        await client.conferences.member_mute("room", "all", extra_body={"callback_url": "x"})
    assert err.value.field == "extra_body['callback_url']"
    assert sent(mocked) == []


@pytest.mark.parametrize(
    ("options", "field"),
    [
        ({"extra_headers": {"Authorization": "Basic eA=="}}, "extra_headers['Authorization']"),
        ({"extra_headers": {"authorization": "x"}}, "extra_headers['authorization']"),
        ({"extra_headers": {"X-A": "a\r\nX-B: b"}}, "extra_headers['X-A']"),
        ({"extra_headers": {"X-A": 1}}, "extra_headers['X-A']"),
        ({"extra_body": {"new": 1}}, "extra_body"),  # a GET has no body
        ({"timeout": None}, "timeout"),
        ({"timeout": 0}, "timeout"),
        ({"timeout": math.nan}, "timeout"),
        ({"extra_query": ["a"]}, "extra_query"),
    ],
)
async def test_bad_options_are_refused(
    client: AsyncPlivo, mocked: aioresponses, options: dict[str, Any], field: str
) -> None:
    with pytest.raises(ValidationError) as err:
        await client.calls.get(CALL_UUID, **options)
    assert err.value.field == field
    assert sent(mocked) == []


async def test_extra_body_must_be_json(client: AsyncPlivo, mocked: aioresponses) -> None:
    with pytest.raises(ValidationError) as err:
        await client.calls.create(
            "+14155550100", "+14155550101", "https://example.com/a", extra_body={"x": object()}
        )
    assert err.value.field == "extra_body"
    assert sent(mocked) == []


@pytest.mark.parametrize("name", ["Authorization", "AUTHORIZATION"])
def test_default_headers_cannot_set_authorization(name: str) -> None:
    with pytest.raises(ConfigurationError, match="auth_id and auth_token"):
        AsyncPlivo(AUTH_ID, AUTH_TOKEN, default_headers={name: "Basic eA=="})
    client = AsyncPlivo(AUTH_ID, AUTH_TOKEN)
    with pytest.raises(ConfigurationError, match="cannot be set"):
        client.with_options(default_headers={name: "Basic eA=="})


# -- default headers ----------------------------------------------------------------------


async def test_default_headers_and_with_options(mocked: aioresponses) -> None:
    url = f"{API}Call/{CALL_UUID}/"
    mocked.get(url, payload={}, repeat=True)
    async with AsyncPlivo(
        AUTH_ID, AUTH_TOKEN, default_headers={"X-Team": "a", "User-Agent": "mine/1"}
    ) as client:
        view = client.with_options(default_headers={"x-team": "b", "X-More": "m"}, timeout=2)
        await client.calls.get(CALL_UUID)
        await view.calls.get(CALL_UUID)
        await view.calls.get(CALL_UUID, extra_headers={"X-More": "call"})
    parent, child, call = (headers_of(kwargs) for _m, _u, kwargs in sent(mocked))
    assert (parent["x-team"], parent["user-agent"], "x-more" in parent) == ("a", "mine/1", False)
    assert (child["x-team"], child["x-more"], child["user-agent"]) == ("b", "m", "mine/1")
    assert call["x-more"] == "call"  # a call's extra_headers win over the defaults
    assert {parent["authorization"], child["authorization"]} == {AUTH_HEADER}
    timeouts = [kwargs["timeout"].total for _m, _u, kwargs in sent(mocked)]
    assert timeouts == [30.0, 2, 2]


# -- secrets ------------------------------------------------------------------------------


def test_credential_like_headers_never_show() -> None:
    secret = "sk-live-0123456789abcdef"
    client = AsyncPlivo(AUTH_ID, AUTH_TOKEN, default_headers={"X-Api-Key": secret})
    options = client.transport.options
    assert secret not in repr(options)
    assert f"'X-Api-Key': '{REDACTED}'" in repr(options)
    request = ApiRequest(
        "GET",
        API,
        "/",
        aiohttp.ClientTimeout(total=1),
        headers=(("Cookie", "session=abcdefgh12345"), ("X-Trace", "visible")),
    )
    assert "abcdefgh12345" not in repr(request)
    assert "visible" in repr(request)
    # Registered as secrets: no error message or log record shows them.
    assert redact(f"echoed {secret}") == f"echoed {REDACTED}"
    assert AUTH_TOKEN not in repr(options)


async def test_a_misspelt_option_is_a_type_error(client: AsyncPlivo, mocked: aioresponses) -> None:
    with pytest.raises(TypeError, match="'timout'"):
        await client.calls.get(CALL_UUID, timout=3)  # type: ignore[call-arg]
    assert sent(mocked) == []


def test_the_registry_of_header_secrets_is_bounded() -> None:
    AsyncPlivo(AUTH_ID, AUTH_TOKEN)  # registers its credential
    first = "per-call-token-000000"
    errors.register_secret_text(first)
    for i in range(1, errors.MAX_SECRET_TEXTS + 1):
        errors.register_secret_text(f"per-call-token-{i:06d}")
    assert len(errors._texts) == errors.MAX_SECRET_TEXTS
    assert redact(first) == first  # the oldest went
    assert redact(f"per-call-token-{errors.MAX_SECRET_TEXTS:06d}") == REDACTED
    assert redact(AUTH_TOKEN) == REDACTED  # a client's own credential is never dropped
