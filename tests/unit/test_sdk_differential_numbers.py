"""Differential: ``client.numbers`` sends what the official ``plivo`` SDK's ``numbers`` sends.

Every method (``list``, ``get``, ``update``, ``delete``, ``create``, ``search``, ``buy``) is
run through both. The SDK's requests are captured by replacing ``requests.Session.send``;
ours by aioresponses; no network. Compared: method, URL (host included, path decoded),
``Authorization``, the query of a ``GET`` and the JSON body of a ``POST``.

Deliberate differences, asserted so they stay visible:

* ``numbers.list``: the SDK always sends ``limit=20&offset=0``, its defaults and the API's;
  we send them only when given.
* ``numbers.create`` with a *list* of numbers: the SDK sends the list's Python ``repr``
  (``"['1415...', '1415...']"``) as ``numbers``; we send the comma-separated numbers
  Plivo documents, what the SDK sends for a comma-separated text.
* ``numbers.update`` and ``numbers.buy``: the SDK repeats the path's ``number`` in the
  body (``to_param_dict`` takes every argument); we send it in the path only.
"""

from __future__ import annotations

import json
import re
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

import plivo  # type: ignore[import-untyped]
import pytest
from aioresponses import aioresponses

from plivo_async.client import AsyncPlivo

from ._resources_helpers import (
    API,
    AUTH_HEADER,
    client_fixture,  # noqa: F401 - the "client" fixture
    mocked_fixture,  # noqa: F401 - the "mocked" fixture
    sent,
)
from .test_sdk_differential_media import SdkRecorder
from .test_sdk_differential_media import official as official  # the fixtures
from .test_sdk_differential_media import sdk as sdk

NUMBER = "14155550100"
APP_ID = "29986316244302815"
SUBACCOUNT = "SAXXXXXXXXXXXXXXXXXX"
#: What our client is answered, whatever the method (the SDK gets the media recorder's).
ANSWER: dict[str, Any] = {
    "api_id": "sdk",
    "message": "ok",
    "number": NUMBER,
    "meta": {"limit": 20, "offset": 0, "next": None, "previous": None, "total_count": 0},
    "objects": [],
}

# method, decoded URL without query, Authorization, query, body
Request = tuple[str, str, str, dict[str, str], Any]


def theirs(sdk: SdkRecorder) -> Request:
    """The one request the SDK sent, as :func:`ours` reads ours."""
    assert len(sdk.requests) == 1, [(r.method, r.url) for r in sdk.requests]
    request = sdk.requests[0]
    parts = urlsplit(request.url or "")
    raw: Any = request.body
    return (
        request.method or "",
        f"{parts.scheme}://{parts.netloc}{unquote(parts.path)}",
        str(request.headers["Authorization"]),
        dict(parse_qsl(parts.query)),
        json.loads(raw) if raw else None,
    )


def ours(m: aioresponses) -> Request:
    [(method, url, kwargs)] = sent(m)
    data = kwargs.get("data")
    return (
        method,
        unquote(str(url.with_query(None))),
        kwargs["headers"]["Authorization"],
        dict(url.query),
        json.loads(data) if data else None,
    )


async def compare(
    m: aioresponses,
    sdk: SdkRecorder,
    method: str,
    run_sdk: Callable[[], Any],
    run_ours: Callable[[], Awaitable[Any]],
) -> tuple[Request, Request]:
    run_sdk()
    getattr(m, method.lower())(re.compile(re.escape(API) + r".*"), status=200, payload=ANSWER)
    await run_ours()
    mine, sdks = ours(m), theirs(sdk)
    assert mine[2] == sdks[2] == AUTH_HEADER
    return mine, sdks


FULL_LIST: dict[str, Any] = {
    "type": "local",
    "number_startswith": "1415",
    "subaccount": SUBACCOUNT,
    "alias": "Main line",
    "services": ["voice", "sms"],
    "tendlc_registration_status": "registered",
    "tendlc_campaign_id": "C012345",
    "toll_free_sms_verification": "verified",
    "renewal_date": "2024-01-31",
    "renewal_date__lte": "2024-02-01",
    "renewal_date__lt": "2024-02-02",
    "renewal_date__gte": "2024-01-01",
    "renewal_date__gt": "2023-12-31",
    "cnam_lookup": "enabled",
    "toll_free_sms_verification_order_status": "approved",
    "limit": 5,
    "offset": 10,
}
FULL_SEARCH: dict[str, Any] = {
    "type": "local",
    "pattern": "415*",
    "region": "California",
    "services": "voice,sms",
    "lata": "722",
    "rate_center": "SNFC CNTRL",
    "limit": 5,
    "offset": 10,
    "eligible": True,
    "city": "San Francisco",
    "npanxx": "415555",
    "local_calling_area": False,
}
FULL_BUY: dict[str, Any] = {
    "app_id": APP_ID,
    "verification_info": {"address_id": "a-1"},
    "cnam_lookup": "enabled",
    "ha_enable": True,
    "compliance_application_id": "ca-1",
}
FULL_UPDATE: dict[str, Any] = {
    "app_id": APP_ID,
    "subaccount": SUBACCOUNT,
    "alias": "Support",
    "verification_info": {"user_type": "business"},
    "cnam_lookup": "disabled",
}

#: id, HTTP method, the SDK's call, ours, what only the SDK sends (query or body).
CASES: list[tuple[str, str, Any, Any, dict[str, Any]]] = [
    (
        "numbers.list-sdk-test",  # the official SDK's own test_list
        "GET",
        lambda s: s.numbers.list(
            number_startswith=24, services=["voice", "sms"], alias="SomeAlias", type="local"
        ),
        lambda c: c.numbers.list(
            number_startswith=24, services=["voice", "sms"], alias="SomeAlias", type="local"
        ),
        {"limit": "20", "offset": "0"},
    ),
    (
        "numbers.list-every-filter",
        "GET",
        lambda s: s.numbers.list(**FULL_LIST),
        lambda c: c.numbers.list(**FULL_LIST),
        {},
    ),
    ("numbers.get", "GET", lambda s: s.numbers.get(NUMBER), lambda c: c.numbers.get(NUMBER), {}),
    (
        "numbers.update-alias",  # the official SDK's own test_update
        "POST",
        lambda s: s.numbers.update(NUMBER, alias="Test"),
        lambda c: c.numbers.update(NUMBER, alias="Test"),
        {"number": NUMBER},
    ),
    (
        "numbers.update-every-argument",
        "POST",
        lambda s: s.numbers.update(NUMBER, **FULL_UPDATE),
        lambda c: c.numbers.update(NUMBER, **FULL_UPDATE),
        {"number": NUMBER},
    ),
    (
        "numbers.delete",
        "DELETE",
        lambda s: s.numbers.delete(NUMBER),
        lambda c: c.numbers.delete(NUMBER),
        {},
    ),
    (
        "numbers.create",
        "POST",
        lambda s: s.numbers.create("14155550100", "carrier-1", "California"),
        lambda c: c.numbers.create("14155550100", "carrier-1", "California"),
        {},
    ),
    (
        "numbers.create-every-argument",
        "POST",
        lambda s: s.numbers.create(
            "14155550100,14155550101", "carrier-1", "California", "local", APP_ID, SUBACCOUNT
        ),
        lambda c: c.numbers.create(
            "14155550100,14155550101", "carrier-1", "California", "local", APP_ID, SUBACCOUNT
        ),
        {},
    ),
    (
        "numbers.search-sdk-test",  # the official SDK's own PhoneNumberTest.test_list
        "GET",
        lambda s: s.numbers.search("GB", type="tollfree"),
        lambda c: c.numbers.search("GB", type="tollfree"),
        {},
    ),
    (
        "numbers.search-every-filter",
        "GET",
        lambda s: s.numbers.search("US", **FULL_SEARCH),
        lambda c: c.numbers.search("US", **FULL_SEARCH),
        {},
    ),
    (
        "phone_numbers.search",
        "GET",
        lambda s: s.numbers.search("US", pattern="212"),
        lambda c: c.phone_numbers.search("US", pattern="212"),
        {},
    ),
    (
        "numbers.buy",  # the official SDK's own PhoneNumberTest.test_create
        "POST",
        lambda s: s.numbers.buy(NUMBER, app_id="test"),
        lambda c: c.numbers.buy(NUMBER, app_id="test"),
        {"number": NUMBER},
    ),
    (
        "numbers.buy-every-argument",
        "POST",
        lambda s: s.numbers.buy(NUMBER, **FULL_BUY),
        lambda c: c.numbers.buy(NUMBER, **FULL_BUY),
        {"number": NUMBER},
    ),
    (
        "phone_numbers.buy",
        "POST",
        lambda s: s.numbers.buy(NUMBER),
        lambda c: c.phone_numbers.buy(NUMBER),
        {"number": NUMBER},
    ),
]


@pytest.mark.parametrize(
    ("method", "run_sdk", "run_ours", "sdk_only"),
    [pytest.param(*case[1:], id=case[0]) for case in CASES],
)
async def test_numbers_match_the_sdk(
    sdk: SdkRecorder,
    official: Any,
    client: AsyncPlivo,
    mocked: aioresponses,
    method: str,
    run_sdk: Any,
    run_ours: Any,
    sdk_only: dict[str, Any],
) -> None:
    mine, theirs = await compare(
        mocked, sdk, method, lambda: run_sdk(official), lambda: run_ours(client)
    )
    assert mine[:2] == theirs[:2] == (method, theirs[1])
    assert theirs[1].startswith(API)
    their_query, their_body = dict(theirs[3]), dict(theirs[4] or {})
    extra = their_query if method == "GET" else their_body
    for key, value in sdk_only.items():
        assert extra.pop(key) == value
    assert mine[3] == their_query
    assert (mine[4] or {}) == their_body


def test_the_table_covers_every_method_of_the_sdk() -> None:
    """Every public method of the SDK's ``Numbers`` is compared at least once."""
    sdk_methods = {
        f"numbers.{name}"
        for name in vars(plivo.resources.numbers.Numbers)
        if not name.startswith("_")
    }
    covered = {case[0].split("-")[0] for case in CASES}
    assert sdk_methods == {
        "numbers.buy", "numbers.search", "numbers.list", "numbers.get",
        "numbers.create", "numbers.update", "numbers.delete",
    }  # fmt: skip
    assert covered >= sdk_methods | {"phone_numbers.search", "phone_numbers.buy"}


async def test_create_with_a_list_sends_what_the_sdk_sends_for_the_text(
    sdk: SdkRecorder, official: Any, client: AsyncPlivo, mocked: aioresponses
) -> None:
    """The SDK sends a list's ``repr``; we send the comma-separated text it sends for one."""
    numbers = ["14155550100", "14155550101"]
    mine, theirs = await compare(
        mocked,
        sdk,
        "POST",
        lambda: official.numbers.create(numbers, "carrier-1", "California"),
        lambda: client.numbers.create(numbers, "carrier-1", "California"),
    )
    assert theirs[4]["numbers"] == repr(numbers)
    assert mine[4] == {**theirs[4], "numbers": ",".join(numbers)}
