"""``client.applications``: what goes on the wire for each method, and what comes back."""

from __future__ import annotations

import re
from typing import Any

import pytest
from aioresponses import aioresponses

from plivo_async._convert import structure_response
from plivo_async.client import AsyncPlivo
from plivo_async.errors import OutcomeUnknownError, ResourceNotFoundError, ValidationError
from plivo_async.models.applications import (
    Application,
    ApplicationListResponse,
    CreateApplicationResponse,
)
from plivo_async.models.calls import ActionResponse
from plivo_async.retry import RetryPolicy

from ._fixtures import fixture, refused
from ._resources_helpers import (
    API,
    AUTH_ID,
    AUTH_TOKEN,
    assert_sent,
    client_fixture,  # noqa: F401 - the "client" fixture
    mocked_fixture,  # noqa: F401 - the "mocked" fixture
    no_sleep,
    sent,
)

APP_ID = 20468599130939380
APP_URL = API + f"Application/{APP_ID}/"


def test_application_models_parse_the_documented_fields() -> None:
    app = structure_response(Application, fixture("applications", "get"))
    assert app.app_id == str(APP_ID)
    assert app.app_name == "Support line"
    assert (app.default_app, app.default_endpoint_app, app.enabled) == (False, True, True)
    assert app.fallback_answer_url == ""
    assert app.sip_uri == f"sip:{APP_ID}@app.plivo.com"
    listing = structure_response(ApplicationListResponse, fixture("applications", "list"))
    assert [a.app_name for a in listing] == ["IVR"]
    assert listing.meta.next is not None


async def test_create_sends_only_what_was_given(client: AsyncPlivo, mocked: aioresponses) -> None:
    mocked.post(API + "Application/", status=201, payload=fixture("applications", "create"))
    resp = await client.applications.create(
        "Support line",
        answer_url="https://example.com/answer",
        answer_method="get",
        default_endpoint_app="true",
    )
    assert_sent(
        mocked,
        "POST",
        API + "Application/",
        {
            "app_name": "Support line",
            "answer_url": "https://example.com/answer",
            "answer_method": "GET",
            "default_endpoint_app": True,
        },
    )
    assert isinstance(resp, CreateApplicationResponse)
    assert resp.app_id == str(APP_ID)


async def test_create_is_not_retried_after_an_ambiguous_failure(mocked: aioresponses) -> None:
    mocked.post(API + "Application/", status=500, payload={"error": "boom"}, repeat=True)
    async with AsyncPlivo(AUTH_ID, AUTH_TOKEN, retry=RetryPolicy(sleep=no_sleep)) as c:
        with pytest.raises(OutcomeUnknownError):
            await c.applications.create("Support line")
    assert len(sent(mocked)) == 1


@pytest.mark.parametrize(
    ("args", "field"),
    [
        ({"app_name": ""}, "app_name"),
        ({"answer_url": "example.com/answer"}, "answer_url"),
        ({"hangup_url": "ftp://example.com/h"}, "hangup_url"),
        ({"fallback_answer_url": "https://"}, "fallback_answer_url"),
        ({"message_url": 5}, "message_url"),
        ({"answer_method": "PUT"}, "answer_method"),
        ({"hangup_method": "DELETE"}, "hangup_method"),
        ({"fallback_method": "x"}, "fallback_method"),
        ({"message_method": "PATCH"}, "message_method"),
        ({"default_number_app": "yes"}, "default_number_app"),
        ({"default_endpoint_app": 2}, "default_endpoint_app"),
        ({"log_incoming_messages": "no"}, "log_incoming_messages"),
        ({"public_uri": "maybe"}, "public_uri"),
        ({"subaccount": "MA000"}, "subaccount"),
        ({"colour": "blue"}, "colour"),
    ],
)
async def test_bad_create_input_is_refused_before_sending(
    client: AsyncPlivo, mocked: aioresponses, args: dict[str, Any], field: str
) -> None:
    kwargs = {"app_name": "Support line", **args}
    with pytest.raises(ValidationError) as excinfo:
        await client.applications.create(**kwargs)
    refused(excinfo, field, mocked)


@pytest.mark.parametrize("app_id", [APP_ID, str(APP_ID)])
async def test_get_takes_int_or_str_ids(
    client: AsyncPlivo, mocked: aioresponses, app_id: str | int
) -> None:
    mocked.get(APP_URL, payload=fixture("applications", "get"))
    app = await client.applications.get(app_id)
    assert_sent(mocked, "GET", APP_URL)
    assert app.answer_url == "https://example.com/answer"


async def test_get_unknown_raises_not_found(client: AsyncPlivo, mocked: aioresponses) -> None:
    mocked.get(API + "Application/1/", status=404, payload={"error": "not found"})
    with pytest.raises(ResourceNotFoundError):
        await client.applications.get(1)


async def test_list_sends_every_filter(client: AsyncPlivo, mocked: aioresponses) -> None:
    mocked.get(re.compile(re.escape(API + "Application/") + r"\?.*"), payload={})
    await client.applications.list(
        subaccount="SAXXXXXXXXXXXXXXXXXX", app_name="IVR", limit="3", offset=6
    )
    assert_sent(
        mocked,
        "GET",
        API + "Application/",
        query={
            "subaccount": "SAXXXXXXXXXXXXXXXXXX",
            "app_name": "IVR",
            "limit": "3",
            "offset": "6",
        },
    )


@pytest.mark.parametrize(
    ("args", "field"),
    [({"limit": 21}, "limit"), ({"offset": "x"}, "offset"), ({"subaccount": "S"}, "subaccount")],
)
async def test_bad_list_filters_are_refused(
    client: AsyncPlivo, mocked: aioresponses, args: dict[str, Any], field: str
) -> None:
    with pytest.raises(ValidationError) as excinfo:
        await client.applications.list(**args)
    refused(excinfo, field, mocked)


async def test_iter_all_follows_the_pages(client: AsyncPlivo, mocked: aioresponses) -> None:
    base = f"/v1/Account/{AUTH_ID}/Application/"
    mocked.get(
        API + "Application/?app_name=IVR&limit=1&offset=0", payload=fixture("applications", "list")
    )
    mocked.get(
        API + "Application/?app_name=IVR&limit=1&offset=1",
        payload={"meta": {"next": None, "previous": base}, "objects": [{"app_id": "2"}]},
    )
    got = [a.app_id async for a in client.applications.iter_all(app_name="IVR", limit=1)]
    assert got == ["16638156474000802", "2"]


async def test_async_for_over_the_resource(client: AsyncPlivo, mocked: aioresponses) -> None:
    mocked.get(API + "Application/?limit=20&offset=0", payload={"objects": [{"app_id": "1"}]})
    mocked.get(API + "Application/?limit=20&offset=1", payload={"objects": []})
    assert [a.app_id async for a in client.applications] == ["1"]


async def test_update_sends_only_what_was_given(client: AsyncPlivo, mocked: aioresponses) -> None:
    mocked.post(APP_URL, status=202, payload=fixture("applications", "updated"))
    resp = await client.applications.update(
        APP_ID, hangup_url="https://example.com/h", public_uri=False
    )
    assert_sent(
        mocked, "POST", APP_URL, {"hangup_url": "https://example.com/h", "public_uri": False}
    )
    assert resp.message == "changed"


async def test_update_is_retried_after_an_ambiguous_failure(mocked: aioresponses) -> None:
    """It only sets values: applying it twice leaves the application as applying it once."""
    mocked.post(APP_URL, status=500, payload={"error": "boom"})
    mocked.post(APP_URL, status=202, payload={"message": "changed"})
    async with AsyncPlivo(AUTH_ID, AUTH_TOKEN, retry=RetryPolicy(sleep=no_sleep)) as c:
        await c.applications.update(APP_ID, answer_url="https://example.com/a")
    assert len(sent(mocked)) == 2


@pytest.mark.parametrize(
    ("args", "body"),
    [
        ({}, None),
        ({"cascade": True}, {"cascade": True}),
        (
            {"cascade": False, "new_endpoint_application": 16638156474000802},
            {"cascade": False, "new_endpoint_application": "16638156474000802"},
        ),
    ],
)
async def test_delete(
    client: AsyncPlivo, mocked: aioresponses, args: dict[str, Any], body: Any
) -> None:
    mocked.delete(APP_URL, status=204)
    assert await client.applications.delete(APP_ID, **args) == ActionResponse()
    assert_sent(mocked, "DELETE", APP_URL, body)


@pytest.mark.parametrize(
    ("call", "field"),
    [
        (lambda a: a.get(""), "app_id"),
        (lambda a: a.get(".."), "app_id"),
        (lambda a: a.get(1.0), "app_id"),
        (lambda a: a.update("\x7f", answer_url="https://e.com"), "app_id"),
        (lambda a: a.update(APP_ID, app_name="renamed"), "app_name"),
        (lambda a: a.update(APP_ID, answer_method="HEAD"), "answer_method"),
        (lambda a: a.delete(None), "app_id"),
        (lambda a: a.delete(APP_ID, cascade="sure"), "cascade"),
        (lambda a: a.delete(APP_ID, new_endpoint_application=[1]), "new_endpoint_application"),
    ],
)
async def test_bad_ids_and_values_are_refused_before_sending(
    client: AsyncPlivo, mocked: aioresponses, call: Any, field: str
) -> None:
    with pytest.raises(ValidationError) as excinfo:
        await call(client.applications)
    refused(excinfo, field, mocked)
