"""``client.verify_callerids``: every SDK method's request, answer, rules and retry class."""

from __future__ import annotations

from typing import Any

import pytest
from aioresponses import aioresponses

from plivo_async.client import AsyncPlivo
from plivo_async.errors import OutcomeUnknownError, ResourceNotFoundError, ValidationError
from plivo_async.models.verify_callerids import (
    InitiateVerifyResponse,
    VerifiedCallerId,
    VerifiedCallerIdListResponse,
)
from plivo_async.retry import RetryPolicy

from ._fixtures import load
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

BASE = API + "VerifiedCallerId/"
NUMBER = "+919999999990"
NUMBER_URL = BASE + "+919999999990/"  # "+" stays as it is in a path, as the SDK sends it
VERIFICATION = "f87836bd-f3c0-41bb-9498-125e6faaa4d4"
SUB = "SAXXXXXXXXXXXXXXXXXX"


async def test_initiate_verify(client: AsyncPlivo, mocked: aioresponses) -> None:
    mocked.post(BASE, status=201, payload=load("verify_callerids", "initiate"))
    response = await client.verify_callerids.initiate_verify(
        NUMBER, alias="test", channel="CALL", country="in", subaccount=SUB
    )
    assert_sent(
        mocked,
        "POST",
        BASE,
        {
            "phone_number": NUMBER,
            "alias": "test",
            "channel": "call",
            "country": "IN",
            "subaccount": SUB,
        },
    )
    assert isinstance(response, InitiateVerifyResponse)
    assert response.verification_uuid == VERIFICATION


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({}, "phone_number"),
        ({"phone_number": "call me"}, "phone_number"),
        ({"phone_number": NUMBER, "channel": "fax"}, "channel"),
        ({"phone_number": NUMBER, "country": "IND"}, "country"),
        ({"phone_number": NUMBER, "subaccount": "MA123"}, "subaccount"),
        ({"phone_number": NUMBER, "alias": 5}, "alias"),
    ],
)
async def test_initiate_refuses_bad_input(
    client: AsyncPlivo, mocked: aioresponses, kwargs: dict[str, Any], field: str
) -> None:
    with pytest.raises(ValidationError) as err:
        await client.verify_callerids.initiate_verify(**kwargs)
    assert err.value.field == field
    assert sent(mocked) == []


async def test_initiate_is_not_resent_after_an_ambiguous_failure(mocked: aioresponses) -> None:
    async with AsyncPlivo(
        AUTH_ID, AUTH_TOKEN, retry=RetryPolicy(max_attempts=3, sleep=no_sleep)
    ) as client:
        mocked.post(BASE, status=500, payload={}, repeat=True)
        with pytest.raises(OutcomeUnknownError):
            await client.verify_callerids.initiate_verify(NUMBER)
    assert len(sent(mocked)) == 1


async def test_verify_caller_id(client: AsyncPlivo, mocked: aioresponses) -> None:
    url = BASE + f"Verification/{VERIFICATION}/"
    mocked.post(url, payload=load("verify_callerids", "verify"))
    response = await client.verify_callerids.verify_caller_id(VERIFICATION, 123456)
    assert_sent(mocked, "POST", url, {"otp": "123456"})
    assert isinstance(response, VerifiedCallerId)
    assert (response.phone_number, response.channel, response.country) == (NUMBER, "call", "IN")


@pytest.mark.parametrize(
    ("args", "field"),
    [
        (("", "1234"), "verification_uuid"),
        (("..", "1234"), "verification_uuid"),
        ((VERIFICATION, None), "otp"),
        ((VERIFICATION, "12ab"), "otp"),
        ((VERIFICATION, "12"), "otp"),
    ],
)
async def test_verify_refuses_bad_input(
    client: AsyncPlivo, mocked: aioresponses, args: tuple[Any, Any], field: str
) -> None:
    with pytest.raises(ValidationError) as err:
        await client.verify_callerids.verify_caller_id(*args)
    assert err.value.field == field
    assert sent(mocked) == []


async def test_get_puts_the_number_in_one_encoded_segment(
    client: AsyncPlivo, mocked: aioresponses
) -> None:
    mocked.get(NUMBER_URL, payload=load("verify_callerids", "get"))
    response = await client.verify_callerids.get_verified_caller_id(NUMBER)
    assert_sent(mocked, "GET", NUMBER_URL)
    assert response.modified_at == "2026-07-04T10:43:29.431829Z"
    assert response.subaccount == SUB


async def test_update_is_idempotent_and_sends_the_changes(mocked: aioresponses) -> None:
    async with AsyncPlivo(
        AUTH_ID, AUTH_TOKEN, retry=RetryPolicy(max_attempts=3, sleep=no_sleep)
    ) as client:
        mocked.post(NUMBER_URL, status=500, payload={})
        mocked.post(NUMBER_URL, payload=load("verify_callerids", "update"))
        response = await client.verify_callerids.update_verified_caller_id(
            NUMBER, alias="sales line"
        )
    requests = sent(mocked)
    assert [m for m, _u, _k in requests] == ["POST", "POST"]
    assert response.alias == "sales line"


async def test_update_refuses_a_bad_subaccount(client: AsyncPlivo, mocked: aioresponses) -> None:
    with pytest.raises(ValidationError) as err:
        await client.verify_callerids.update_verified_caller_id(NUMBER, subaccount="nope")
    assert err.value.field == "subaccount"
    assert sent(mocked) == []


async def test_delete(client: AsyncPlivo, mocked: aioresponses) -> None:
    mocked.delete(NUMBER_URL, status=204)
    response = await client.verify_callerids.delete_verified_caller_id(NUMBER)
    assert_sent(mocked, "DELETE", NUMBER_URL)
    assert response.raw == {}


async def test_unknown_number_is_not_found(client: AsyncPlivo, mocked: aioresponses) -> None:
    mocked.get(BASE + "+14155550000/", status=404, payload={"error": "not found"})
    with pytest.raises(ResourceNotFoundError):
        await client.verify_callerids.get_verified_caller_id("+14155550000")


@pytest.mark.parametrize("method", ["get", "update", "delete"])
@pytest.mark.parametrize("bad", ["", ".", "..", "\x7f"])
async def test_bad_numbers_are_refused(
    client: AsyncPlivo, mocked: aioresponses, method: str, bad: str
) -> None:
    call = getattr(client.verify_callerids, f"{method}_verified_caller_id")
    with pytest.raises(ValidationError) as err:
        await call(bad)
    assert err.value.field == "phone_number"
    assert sent(mocked) == []


async def test_list(client: AsyncPlivo, mocked: aioresponses) -> None:
    mocked.get(BASE + "?country=IN&limit=2", payload=load("verify_callerids", "list"))
    response = await client.verify_callerids.list_verified_caller_id(country="in", limit=2)
    assert_sent(mocked, "GET", BASE, query={"country": "IN", "limit": "2"})
    assert isinstance(response, VerifiedCallerIdListResponse)
    assert [c.phone_number for c in response] == [NUMBER, "+14155550123"]
    assert response.meta.total_count == 3


@pytest.mark.parametrize(
    ("filters", "field"),
    [({"limit": 0}, "limit"), ({"offset": -2}, "offset"), ({"country": "1"}, "country")],
)
async def test_list_refuses_bad_filters(
    client: AsyncPlivo, mocked: aioresponses, filters: dict[str, Any], field: str
) -> None:
    with pytest.raises(ValidationError) as err:
        await client.verify_callerids.list_verified_caller_id(**filters)
    assert err.value.field == field
    assert sent(mocked) == []


async def test_iter_all_follows_meta_next(client: AsyncPlivo, mocked: aioresponses) -> None:
    page1 = load("verify_callerids", "list")
    page2 = {"api_id": "b", "meta": {"next": None}, "objects": [{"phone_number": "+14155550199"}]}
    mocked.get(BASE + "?limit=2&offset=0", payload=page1)
    mocked.get(BASE + "?limit=2&offset=2", payload=page2)
    got = [c.phone_number async for c in client.verify_callerids.iter_all(limit=2)]
    assert got == [NUMBER, "+14155550123", "+14155550199"]
    mocked.get(BASE + "?limit=20&offset=0", payload=page2)
    assert [c.phone_number async for c in client.verify_callerids] == ["+14155550199"]
