"""``client.endpoints``: what goes on the wire for each method, and what comes back."""

from __future__ import annotations

from typing import Any

import pytest
from aioresponses import aioresponses

from plivo_async._convert import structure_response
from plivo_async.client import AsyncPlivo
from plivo_async.errors import OutcomeUnknownError, ResourceNotFoundError, ValidationError
from plivo_async.models.calls import ActionResponse
from plivo_async.models.endpoints import (
    CreateEndpointRequest,
    CreateEndpointResponse,
    Endpoint,
    EndpointListResponse,
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

ENDPOINT_ID = "27183456211405"
APP_ID = 20468599130939380


def test_endpoint_models_parse_the_documented_fields() -> None:
    endpoint = structure_response(Endpoint, fixture("endpoints", "get"))
    assert endpoint.endpoint_id == ENDPOINT_ID
    assert endpoint.sip_registered is True  # "true" on the wire
    assert endpoint.sip_uri == "sip:frontdesk231124100811@phone.plivo.com"
    assert endpoint.sub_account is None
    listing = structure_response(EndpointListResponse, fixture("endpoints", "list"))
    assert [e.sip_registered for e in listing] == [False, True]
    assert listing.meta.total_count == 2


def test_passwords_never_show_in_a_repr() -> None:
    request = CreateEndpointRequest(username="frontdesk", password="s3cret-pass", alias="Desk")
    endpoint = structure_response(Endpoint, fixture("endpoints", "get"))
    for shown in (repr(request), repr(endpoint)):
        assert "s3cret-pass" not in shown
        assert "5f4dcc3b5aa765d61d8327deb882cf99" not in shown
        assert "password='***'" in shown


async def test_a_refused_password_is_not_in_the_error(
    client: AsyncPlivo, mocked: aioresponses
) -> None:
    with pytest.raises(ValidationError) as excinfo:
        await client.endpoints.create("frontdesk", "abc", "Desk")
    refused(excinfo, "password", mocked)
    assert "abc" not in str(excinfo.value)


async def test_create(client: AsyncPlivo, mocked: aioresponses) -> None:
    mocked.post(API + "Endpoint/", status=201, payload=fixture("endpoints", "create"))
    resp = await client.endpoints.create("frontdesk", "s3cret-pass", "Front desk", APP_ID)
    assert_sent(
        mocked,
        "POST",
        API + "Endpoint/",
        {
            "username": "frontdesk",
            "password": "s3cret-pass",
            "alias": "Front desk",
            "app_id": str(APP_ID),
        },
    )
    assert isinstance(resp, CreateEndpointResponse)
    assert resp.username == "frontdesk231124100811"
    assert resp.endpoint_id == ENDPOINT_ID


async def test_create_is_not_retried_after_an_ambiguous_failure(mocked: aioresponses) -> None:
    """Plivo suffixes the username, so a re-sent create would make a second endpoint."""
    mocked.post(API + "Endpoint/", status=500, payload={"error": "boom"}, repeat=True)
    async with AsyncPlivo(AUTH_ID, AUTH_TOKEN, retry=RetryPolicy(sleep=no_sleep)) as c:
        with pytest.raises(OutcomeUnknownError):
            await c.endpoints.create("frontdesk", "s3cret-pass", "Desk")
    assert len(sent(mocked)) == 1


@pytest.mark.parametrize(
    ("args", "field"),
    [
        (("front desk", "s3cret-pass", "Desk"), "username"),
        (("", "s3cret-pass", "Desk"), "username"),
        (("front-desk", "s3cret-pass", "Desk"), "username"),
        (("frontdesk", None, "Desk"), "password"),
        (("frontdesk", "s3cret-pass", ""), "alias"),
        (("frontdesk", "s3cret-pass", "Desk", 1.5), "app_id"),
    ],
)
async def test_bad_create_input_is_refused_before_sending(
    client: AsyncPlivo, mocked: aioresponses, args: tuple[Any, ...], field: str
) -> None:
    with pytest.raises(ValidationError) as excinfo:
        await client.endpoints.create(*args)
    refused(excinfo, field, mocked)


@pytest.mark.parametrize("endpoint_id", [ENDPOINT_ID, int(ENDPOINT_ID)])
async def test_get(client: AsyncPlivo, mocked: aioresponses, endpoint_id: str | int) -> None:
    mocked.get(API + f"Endpoint/{ENDPOINT_ID}/", payload=fixture("endpoints", "get"))
    endpoint = await client.endpoints.get(endpoint_id)
    assert_sent(mocked, "GET", API + f"Endpoint/{ENDPOINT_ID}/")
    assert endpoint.alias == "Front desk"


async def test_get_unknown_raises_not_found(client: AsyncPlivo, mocked: aioresponses) -> None:
    mocked.get(API + "Endpoint/1/", status=404, payload={"error": "not found"})
    with pytest.raises(ResourceNotFoundError):
        await client.endpoints.get(1)


@pytest.mark.parametrize(
    ("args", "query"),
    [((), {}), ((5,), {"limit": "5"}), ((5, 10), {"limit": "5", "offset": "10"})],
)
async def test_list(
    client: AsyncPlivo, mocked: aioresponses, args: tuple[int, ...], query: dict[str, str]
) -> None:
    suffix = "?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else ""
    mocked.get(API + "Endpoint/" + suffix, payload=fixture("endpoints", "list"))
    page = await client.endpoints.list(*args)
    assert_sent(mocked, "GET", API + "Endpoint/", query=query)
    assert len(page) == 2


@pytest.mark.parametrize(("limit", "offset", "field"), [(0, None, "limit"), (None, -1, "offset")])
async def test_bad_list_paging_is_refused(
    client: AsyncPlivo, mocked: aioresponses, limit: Any, offset: Any, field: str
) -> None:
    with pytest.raises(ValidationError) as excinfo:
        await client.endpoints.list(limit, offset)
    refused(excinfo, field, mocked)


async def test_iter_all_and_async_for(client: AsyncPlivo, mocked: aioresponses) -> None:
    base = f"/v1/Account/{AUTH_ID}/Endpoint/"
    for _ in range(2):
        mocked.get(
            API + "Endpoint/?limit=20&offset=0",
            payload={
                "meta": {"next": base + "?limit=20&offset=20"},
                "objects": [{"endpoint_id": "1"}],
            },
        )
        mocked.get(
            API + "Endpoint/?limit=20&offset=20",
            payload={"meta": {"next": None}, "objects": [{"endpoint_id": "2"}]},
        )
    assert [e.endpoint_id async for e in client.endpoints.iter_all()] == ["1", "2"]
    assert [e.endpoint_id async for e in client.endpoints] == ["1", "2"]


async def test_update_sends_only_what_was_given(client: AsyncPlivo, mocked: aioresponses) -> None:
    mocked.post(
        API + f"Endpoint/{ENDPOINT_ID}/", status=202, payload=fixture("endpoints", "updated")
    )
    resp = await client.endpoints.update(ENDPOINT_ID, alias="Reception", app_id=APP_ID)
    assert_sent(
        mocked,
        "POST",
        API + f"Endpoint/{ENDPOINT_ID}/",
        {"alias": "Reception", "app_id": str(APP_ID)},
    )
    assert resp.message == "changed"


async def test_update_is_retried_after_an_ambiguous_failure(mocked: aioresponses) -> None:
    """It only sets values: applying it twice leaves the endpoint as applying it once."""
    url = API + f"Endpoint/{ENDPOINT_ID}/"
    mocked.post(url, status=500, payload={"error": "boom"})
    mocked.post(url, status=202, payload={"message": "changed"})
    async with AsyncPlivo(AUTH_ID, AUTH_TOKEN, retry=RetryPolicy(sleep=no_sleep)) as c:
        resp = await c.endpoints.update(ENDPOINT_ID, password="n3w-pass")
    assert resp.message == "changed"
    assert len(sent(mocked)) == 2


async def test_delete(client: AsyncPlivo, mocked: aioresponses) -> None:
    mocked.delete(API + f"Endpoint/{ENDPOINT_ID}/", status=204)
    assert await client.endpoints.delete(ENDPOINT_ID) == ActionResponse()
    assert_sent(mocked, "DELETE", API + f"Endpoint/{ENDPOINT_ID}/")


@pytest.mark.parametrize(
    ("call", "field"),
    [
        (lambda e: e.get(""), "endpoint_id"),
        (lambda e: e.get(True), "endpoint_id"),
        (lambda e: e.update("..", alias="x"), "endpoint_id"),
        (lambda e: e.update(ENDPOINT_ID, password="1234"), "password"),
        (lambda e: e.update(ENDPOINT_ID, alias=3), "alias"),
        (lambda e: e.delete("a\tb"), "endpoint_id"),
    ],
)
async def test_bad_ids_and_values_are_refused_before_sending(
    client: AsyncPlivo, mocked: aioresponses, call: Any, field: str
) -> None:
    with pytest.raises(ValidationError) as excinfo:
        await call(client.endpoints)
    refused(excinfo, field, mocked)
