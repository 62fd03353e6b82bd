"""Differential: account, subaccounts, pricing and number lookup send what the official
``plivo`` SDK sends: method, full URL (host included: lookup goes to its own host), query,
``Authorization`` header, and JSON body.

The SDK's requests are recorded without network (``requests.Session.send`` replaced, as in
``test_sdk_differential``); ours by aioresponses.

Deliberate differences, asserted so they stay visible:

* the SDK repeats the path's ``auth_id`` in the body of ``subaccounts.update`` and
  ``subaccounts.delete``; we send it in the path only.
* the SDK sends the arguments not given: ``"address": null`` on ``account.update``,
  ``"enabled": false`` on ``subaccounts.create`` (the API's default) and on
  ``subaccounts.update`` (which would disable a subaccount that is only renamed); we send
  only what was given.
* the SDK sends ``{"auth_id": ...}`` as the body of a ``DELETE`` without arguments; we
  send no body.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

import plivo  # type: ignore[import-untyped]
import pytest
from aioresponses import aioresponses

from plivo_async.client import AsyncPlivo
from plivo_async.errors import ValidationError

from ._resources_helpers import (
    API,
    AUTH_HEADER,
    AUTH_ID,
    AUTH_TOKEN,
    client_fixture,  # noqa: F401 - the "client" fixture
    mocked_fixture,  # noqa: F401 - the "mocked" fixture
    sent,
)
from .test_sdk_differential import SdkRecorder
from .test_sdk_differential import sdk as sdk

SUB = "SAODNKNDDMY2EXY2JKMG"
NUMBER = "+14154305555"

# (method, decoded URL without query, query, body, auth header)
Request = tuple[str, str, dict[str, str], Any, str]


def _split(url: str) -> tuple[str, dict[str, str]]:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}{unquote(parts.path)}", dict(parse_qsl(parts.query))


def theirs(sdk: SdkRecorder) -> Request:
    [request] = sdk.requests
    url, query = _split(request.url or "")
    body = json.loads(request.body) if request.body else None
    return request.method or "", url, query, body, request.headers["Authorization"]


def ours(m: aioresponses) -> Request:
    [(method, url, kwargs)] = sent(m)
    plain, query = _split(str(url))
    data = kwargs.get("data")
    body = json.loads(data) if data else None
    return method, plain, query, body, kwargs["headers"]["Authorization"]


def sdk_client() -> Any:
    return plivo.RestClient(AUTH_ID, AUTH_TOKEN)


Case = tuple[
    str,  # name
    Callable[[Any], Any],  # the SDK's call
    Callable[[AsyncPlivo], Awaitable[Any]],  # ours
    str,  # method
    str,  # URL (mocked, query included)
    dict[str, Any],  # what only the SDK sends in the body
]

SUB_URL = API + f"Subaccount/{SUB}/"
CASES: list[Case] = [
    ("account.get", lambda s: s.account.get(), lambda c: c.account.get(), "GET", API, {}),
    (
        "account.update",
        lambda s: s.account.update(name="Holmes", city="London"),
        lambda c: c.account.update(name="Holmes", city="London"),
        "POST",
        API,
        {"address": None},
    ),
    (
        "subaccounts.create",
        lambda s: s.subaccounts.create("Customer A", True),
        lambda c: c.subaccounts.create("Customer A", True),
        "POST",
        API + "Subaccount/",
        {},
    ),
    (
        "subaccounts.create (enabled not given)",
        lambda s: s.subaccounts.create("Customer A"),
        lambda c: c.subaccounts.create("Customer A"),
        "POST",
        API + "Subaccount/",
        {"enabled": False},
    ),
    (
        "subaccounts.get",
        lambda s: s.subaccounts.get(SUB),
        lambda c: c.subaccounts.get(SUB),
        "GET",
        SUB_URL,
        {},
    ),
    (
        "subaccounts.update",
        lambda s: s.subaccounts.update(SUB, "Customer B", True),
        lambda c: c.subaccounts.update(SUB, "Customer B", True),
        "POST",
        SUB_URL,
        {"auth_id": SUB},
    ),
    (
        "subaccounts.update (enabled not given)",
        lambda s: s.subaccounts.update(SUB, "Customer B"),
        lambda c: c.subaccounts.update(SUB, "Customer B"),
        "POST",
        SUB_URL,
        {"auth_id": SUB, "enabled": False},
    ),
    (
        "subaccounts.list",
        lambda s: s.subaccounts.list(limit=5, offset=2),
        lambda c: c.subaccounts.list(limit=5, offset=2),
        "GET",
        API + "Subaccount/?limit=5&offset=2",
        {},
    ),
    (
        "subaccounts.delete",
        lambda s: s.subaccounts.delete(SUB, cascade=True),
        lambda c: c.subaccounts.delete(SUB, cascade=True),
        "DELETE",
        SUB_URL,
        {"auth_id": SUB},
    ),
    (
        "subaccounts.delete (no cascade)",
        lambda s: s.subaccounts.delete(SUB),
        lambda c: c.subaccounts.delete(SUB),
        "DELETE",
        SUB_URL,
        {"auth_id": SUB},
    ),
    (
        "pricing.get",
        lambda s: s.pricing.get("US"),
        lambda c: c.pricing.get("US"),
        "GET",
        API + "Pricing/?country_iso=US",
        {},
    ),
    (
        "lookup.get",
        lambda s: s.lookup.get(NUMBER),
        lambda c: c.lookup.get(NUMBER),
        "GET",
        f"https://lookup.plivo.com/v1/Number/{NUMBER}?type=carrier",
        {},
    ),
    (
        "lookup.get (info_type)",
        lambda s: s.lookup.get(NUMBER, info_type="carrier"),
        lambda c: c.lookup.get(NUMBER, info_type="carrier"),
        "GET",
        f"https://lookup.plivo.com/v1/Number/{NUMBER}?type=carrier",
        {},
    ),
]


@pytest.mark.parametrize(
    ("sdk_call", "our_call", "method", "url", "sdk_extra"),
    [case[1:] for case in CASES],
    ids=[case[0] for case in CASES],
)
async def test_same_request_as_the_sdk(
    sdk: SdkRecorder,
    client: AsyncPlivo,
    mocked: aioresponses,
    sdk_call: Callable[[Any], Any],
    our_call: Callable[[AsyncPlivo], Awaitable[Any]],
    method: str,
    url: str,
    sdk_extra: dict[str, Any],
) -> None:
    sdk_call(sdk_client())
    mocked.add(url, method, status=200, payload={})
    await our_call(client)
    s_method, s_url, s_query, s_body, s_auth = theirs(sdk)
    o_method, o_url, o_query, o_body, o_auth = ours(mocked)
    assert (o_method, o_url, o_query) == (s_method, s_url, s_query)
    assert o_auth == s_auth == AUTH_HEADER
    expected = dict(s_body or {})
    for key, value in sdk_extra.items():
        assert expected.pop(key) == value
    assert (o_body or {}) == expected


@pytest.mark.parametrize(
    ("sdk_call", "our_call"),
    [
        (lambda s: s.pricing.get("USA"), lambda c: c.pricing.get("USA")),
        (
            lambda s: s.subaccounts.get("MA" + "X" * 18),
            lambda c: c.subaccounts.get("MA" + "X" * 18),
        ),
        (lambda s: s.subaccounts.create("A", "yes"), lambda c: c.subaccounts.create("A", "yes")),
        (lambda s: s.subaccounts.list(limit=21), lambda c: c.subaccounts.list(limit=21)),
        (lambda s: s.account.update(), lambda c: c.account.update()),
    ],
    ids=["pricing country", "subaccount id", "enabled", "limit", "account update empty"],
)
async def test_what_the_sdk_refuses_we_refuse_before_sending(
    sdk: SdkRecorder,
    client: AsyncPlivo,
    mocked: aioresponses,
    sdk_call: Callable[[Any], Any],
    our_call: Callable[[AsyncPlivo], Awaitable[Any]],
) -> None:
    with pytest.raises(plivo.exceptions.ValidationError):
        sdk_call(sdk_client())
    with pytest.raises(ValidationError):
        await our_call(client)
    assert sdk.requests == [] and sent(mocked) == []
