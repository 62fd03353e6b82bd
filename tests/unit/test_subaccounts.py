"""``client.subaccounts``: what goes on the wire for each method, and what comes back."""

from __future__ import annotations

import pickle
import re
from typing import Any

import pytest
from aioresponses import aioresponses

from plivo_async._convert import structure_response
from plivo_async.client import AsyncPlivo
from plivo_async.errors import OutcomeUnknownError, ResourceNotFoundError, ValidationError
from plivo_async.models._shared import ActionResponse
from plivo_async.models.subaccounts import (
    CreateSubaccountResponse,
    Subaccount,
    SubaccountListResponse,
)
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

SUB_ID = "SAODNKNDDMY2EXY2JKMG"
SUB_URL = API + f"Subaccount/{SUB_ID}/"
TOKEN = "YjE4NWEyNzgzODkyNGI2NjdmZmZhZTdjNzlkYTE1"


def test_the_official_fixtures_parse() -> None:
    created = structure_response(CreateSubaccountResponse, fixture("subaccounts", "create"))
    assert (created.message, created.auth_id) == ("created", "SANDLHYZBIZMU4ZDEXNM")
    assert created.auth_token == "MTMzZTZjNzdiNDVmY2VhZDQyNTUwYWVjNzI2OThk"
    sub = structure_response(Subaccount, fixture("subaccounts", "get"))
    assert (sub.auth_id, sub.name, sub.enabled, sub.created) == (
        SUB_ID,
        "0.7542345556290114",
        False,
        "2017-05-22",
    )
    assert sub.modified is None
    assert sub.account == f"/v1/Account/{AUTH_ID}/"
    assert sub.auth_token == sub.new_auth_token == TOKEN
    listing = structure_response(SubaccountListResponse, fixture("subaccounts", "list"))
    assert len(listing) == 3
    assert listing.meta.total_count == 3
    assert listing.objects[0].auth_id == SUB_ID
    updated = structure_response(ActionResponse, fixture("subaccounts", "updated"))
    assert updated.message == "changed"


def test_auth_tokens_never_show_in_reprs() -> None:
    created = structure_response(CreateSubaccountResponse, fixture("subaccounts", "create"))
    sub = structure_response(Subaccount, fixture("subaccounts", "get"))
    listing = structure_response(SubaccountListResponse, fixture("subaccounts", "list"))
    for model in (created, sub, listing):
        text = repr(model) + str(model)
        assert "auth_token" not in text
        for token in ("MTMzZTZjNzdiNDVmY2VhZDQyNTUwYWVjNzI2OThk", TOKEN):
            assert token not in text
    assert SUB_ID in repr(sub)  # the id is not a secret
    assert pickle.loads(pickle.dumps(sub)).auth_token == TOKEN  # still usable


async def test_create_sends_only_what_was_given(client: AsyncPlivo, mocked: aioresponses) -> None:
    mocked.post(API + "Subaccount/", status=201, payload=fixture("subaccounts", "create"))
    resp = await client.subaccounts.create("Customer A", enabled=True)
    assert_sent(mocked, "POST", API + "Subaccount/", {"name": "Customer A", "enabled": True})
    assert resp.auth_id == "SANDLHYZBIZMU4ZDEXNM"


async def test_create_without_enabled_leaves_the_default_to_the_api(
    client: AsyncPlivo, mocked: aioresponses
) -> None:
    mocked.post(API + "Subaccount/", status=201, payload={})
    await client.subaccounts.create("Customer A")
    assert_sent(mocked, "POST", API + "Subaccount/", {"name": "Customer A"})


async def test_create_is_not_retried_after_an_ambiguous_failure(mocked: aioresponses) -> None:
    mocked.post(API + "Subaccount/", status=500, payload={"error": "boom"}, repeat=True)
    async with AsyncPlivo(AUTH_ID, AUTH_TOKEN, retry=RetryPolicy(sleep=no_sleep)) as c:
        with pytest.raises(OutcomeUnknownError):
            await c.subaccounts.create("Customer A")
    assert len(sent(mocked)) == 1


async def test_get(client: AsyncPlivo, mocked: aioresponses) -> None:
    mocked.get(SUB_URL, payload=fixture("subaccounts", "get"))
    sub = await client.subaccounts.get(SUB_ID)
    assert_sent(mocked, "GET", SUB_URL)
    assert sub.auth_token == TOKEN


async def test_get_unknown_raises_not_found(client: AsyncPlivo, mocked: aioresponses) -> None:
    mocked.get(SUB_URL, status=404, payload={"error": "not found"})
    with pytest.raises(ResourceNotFoundError):
        await client.subaccounts.get(SUB_ID)


async def test_get_with_raw_response(client: AsyncPlivo, mocked: aioresponses) -> None:
    mocked.get(SUB_URL, payload=fixture("subaccounts", "get"))
    raw = await client.subaccounts.with_raw_response.get(SUB_ID)
    assert raw.status == 200
    assert TOKEN not in repr(raw)
    assert raw.parse().auth_id == SUB_ID


async def test_update(client: AsyncPlivo, mocked: aioresponses) -> None:
    mocked.post(SUB_URL, status=202, payload=fixture("subaccounts", "updated"))
    resp = await client.subaccounts.update(SUB_ID, "Customer B", enabled="false")  # type: ignore[arg-type]
    assert_sent(mocked, "POST", SUB_URL, {"name": "Customer B", "enabled": False})
    assert resp.message == "changed"


async def test_update_is_retried_after_an_ambiguous_failure(mocked: aioresponses) -> None:
    mocked.post(SUB_URL, status=500, payload={"error": "boom"})
    mocked.post(SUB_URL, status=202, payload={"message": "changed"})
    async with AsyncPlivo(AUTH_ID, AUTH_TOKEN, retry=RetryPolicy(sleep=no_sleep)) as c:
        await c.subaccounts.update(SUB_ID, name="Customer B")
    assert len(sent(mocked)) == 2


async def test_list(client: AsyncPlivo, mocked: aioresponses) -> None:
    mocked.get(re.compile(re.escape(API + "Subaccount/") + r"\?.*"), payload={})
    await client.subaccounts.list(limit=5, offset="10")  # type: ignore[arg-type]
    assert_sent(mocked, "GET", API + "Subaccount/", query={"limit": "5", "offset": "10"})


async def test_iter_all_follows_the_pages(client: AsyncPlivo, mocked: aioresponses) -> None:
    page = fixture("subaccounts", "list")
    page["meta"] = {**page["meta"], "limit": 3, "total_count": 4, "next": "/next"}
    mocked.get(API + "Subaccount/?limit=3&offset=0", payload=page)
    mocked.get(
        API + "Subaccount/?limit=3&offset=3",
        payload={"meta": {"next": None}, "objects": [{"auth_id": "SA" + "Z" * 18}]},
    )
    got = [s.auth_id async for s in client.subaccounts.iter_all(limit=3)]
    assert got == [o["auth_id"] for o in page["objects"]] + ["SA" + "Z" * 18]


async def test_async_for_over_the_resource(client: AsyncPlivo, mocked: aioresponses) -> None:
    mocked.get(API + "Subaccount/?limit=20&offset=0", payload={"objects": [{"auth_id": SUB_ID}]})
    assert [s.auth_id async for s in client.subaccounts] == [SUB_ID]


@pytest.mark.parametrize(("args", "body"), [({}, None), ({"cascade": True}, {"cascade": True})])
async def test_delete(
    client: AsyncPlivo, mocked: aioresponses, args: dict[str, Any], body: Any
) -> None:
    mocked.delete(SUB_URL, status=204)
    assert await client.subaccounts.delete(SUB_ID, **args) == ActionResponse()
    assert_sent(mocked, "DELETE", SUB_URL, body)


@pytest.mark.parametrize(
    ("call", "field"),
    [
        (lambda s: s.create(""), "name"),
        (lambda s: s.create(None), "name"),
        (lambda s: s.create(5), "name"),
        (lambda s: s.create("A", enabled="sometimes"), "enabled"),
        (lambda s: s.get("MAXXXXXXXXXXXXXXXXXX"), "auth_id"),
        (lambda s: s.get("SA123"), "auth_id"),
        (lambda s: s.get("../Call"), "auth_id"),
        (lambda s: s.update(SUB_ID, ""), "name"),
        (lambda s: s.update("sa" + "x" * 18, "A"), "auth_id"),
        (lambda s: s.update(SUB_ID, "A", enabled=2), "enabled"),
        (lambda s: s.list(limit=21), "limit"),
        (lambda s: s.list(offset=-1), "offset"),
        (lambda s: s.delete(None), "auth_id"),
        (lambda s: s.delete(SUB_ID, cascade="yes please"), "cascade"),
    ],
)
async def test_bad_input_is_refused_before_sending(
    client: AsyncPlivo, mocked: aioresponses, call: Any, field: str
) -> None:
    with pytest.raises(ValidationError) as excinfo:
        await call(client.subaccounts)
    refused(excinfo, field, mocked)


async def test_iter_all_refuses_a_bad_limit_before_the_first_request(
    client: AsyncPlivo, mocked: aioresponses
) -> None:
    with pytest.raises(ValidationError) as excinfo:
        [s async for s in client.subaccounts.iter_all(limit=0)]
    refused(excinfo, "limit", mocked)
