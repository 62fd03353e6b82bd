"""``client.account``: what goes on the wire for each method, and what comes back."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from aioresponses import aioresponses

from plivo_async._convert import structure_response
from plivo_async.client import AsyncPlivo
from plivo_async.errors import ValidationError
from plivo_async.models.account import Account

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


def test_the_official_fixture_parses() -> None:
    account = structure_response(Account, fixture("account", "get"))
    assert account.auth_id == AUTH_ID
    assert account.name == "Sherlock Holmes"
    assert (account.account_type, account.billing_mode) == ("standard", "prepaid")
    assert account.auto_recharge is False
    assert account.cash_credit == Decimal("4.88860")
    assert account.cash_credits == Decimal("4.88860")
    assert account.timezone == "Asia/Kolkata"
    assert account.raw["resource_uri"] == account.resource_uri


def test_unknown_fields_stay_in_raw_and_a_missing_credit_is_zero() -> None:
    account = structure_response(Account, {"auth_id": AUTH_ID, "new_thing": 1})
    assert account.raw["new_thing"] == 1
    assert account.cash_credits is None
    assert account.cash_credit == Decimal(0)


def test_credit_is_exact_never_a_float() -> None:
    account = structure_response(Account, {"cash_credits": "0.10000"})
    assert account.cash_credit - Decimal("0.1") == 0
    assert isinstance(account.cash_credit, Decimal)
    bad = structure_response(Account, {"cash_credits": "lots"})
    assert bad.cash_credits is None
    assert bad.raw["cash_credits"] == "lots"


async def test_get(client: AsyncPlivo, mocked: aioresponses) -> None:
    mocked.get(API, payload=fixture("account", "get"))
    account = await client.account.get()
    assert_sent(mocked, "GET", API)
    assert isinstance(account, Account)
    assert account.cash_credit == Decimal("4.88860")


async def test_get_with_raw_response(client: AsyncPlivo, mocked: aioresponses) -> None:
    mocked.get(API, payload=fixture("account", "get"))
    raw = await client.account.with_raw_response.get()
    assert raw.status == 200
    assert raw.parse().cash_credit == Decimal("4.88860")


async def test_update_sends_only_what_was_given(client: AsyncPlivo, mocked: aioresponses) -> None:
    mocked.post(API, status=202, payload=fixture("account", "updated"))
    resp = await client.account.update(city="London", address="221B Baker Street")
    assert_sent(mocked, "POST", API, {"city": "London", "address": "221B Baker Street"})
    assert resp.message == "changed"


async def test_update_is_retried_after_an_ambiguous_failure(mocked: aioresponses) -> None:
    """It only sets values: applying it twice leaves the account as applying it once."""
    from plivo_async.retry import RetryPolicy

    mocked.post(API, status=500, payload={"error": "boom"})
    mocked.post(API, status=202, payload={"message": "changed"})
    async with AsyncPlivo(AUTH_ID, AUTH_TOKEN, retry=RetryPolicy(sleep=no_sleep)) as c:
        await c.account.update(name="Holmes")
    assert len(sent(mocked)) == 2


@pytest.mark.parametrize(
    ("args", "field"),
    [
        ({}, "name"),
        ({"name": ""}, "name"),
        ({"name": 5}, "name"),
        ({"city": ["London"]}, "city"),
        ({"name": "x", "address": 1}, "address"),
    ],
)
async def test_bad_update_is_refused_before_sending(
    client: AsyncPlivo, mocked: aioresponses, args: dict[str, Any], field: str
) -> None:
    with pytest.raises(ValidationError) as excinfo:
        await client.account.update(**args)
    refused(excinfo, field, mocked)
