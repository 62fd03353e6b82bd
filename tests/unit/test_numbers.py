"""``client.numbers`` and ``client.phone_numbers``: what goes on the wire, what comes back.

The fixtures in ``tests/fixtures/numbers/`` are the official SDK's recorded responses
(``tests/resources/fixtures/`` of plivo-python), under their names there.
"""

from __future__ import annotations

import re
from typing import Any

import aiohttp
import pytest
from aioresponses import aioresponses

from plivo_async._convert import structure_response
from plivo_async.client import AsyncPlivo
from plivo_async.errors import (
    OutcomeUnknownError,
    ResourceNotFoundError,
    ValidationError,
)
from plivo_async.models._shared import ActionResponse
from plivo_async.models.numbers import (
    BuyNumberResponse,
    Number,
    NumberListResponse,
    PhoneNumber,
    PhoneNumberListResponse,
)
from plivo_async.response import RawResponse
from plivo_async.retry import RetryPolicy

from ._fixtures import fixture, refused
from ._resources_helpers import (
    API,
    AUTH_ID,
    AUTH_TOKEN,
    assert_sent,
    body_of,
    client_fixture,  # noqa: F401 - the "client" fixture
    mocked_fixture,  # noqa: F401 - the "mocked" fixture
    no_sleep,
    sent,
)

NUMBER = "14155550100"
NUMBER_URL = API + f"Number/{NUMBER}/"
BUY_URL = API + f"PhoneNumber/{NUMBER}/"
APP_ID = "29986316244302815"
SUBACCOUNT = "SAXXXXXXXXXXXXXXXXXX"
ANY_NUMBER_LIST = re.compile(re.escape(API + "Number/") + r"(\?.*)?$")
ANY_SEARCH = re.compile(re.escape(API + "PhoneNumber/") + r"\?.*")


def retrying() -> AsyncPlivo:
    """A client that retries (five attempts, no waiting)."""
    return AsyncPlivo(AUTH_ID, AUTH_TOKEN, retry=RetryPolicy(sleep=no_sleep))


# -- the official fixtures ------------------------------------------------------------------


def test_every_official_number_fixture_parses() -> None:
    got = structure_response(Number, fixture("numbers", "numberGetResponse"))
    assert (got.number, got.number_type, got.carrier, got.active) == (
        "17609915566",
        "local",
        "Plivo",
        False,
    )
    assert got.app_id == APP_ID
    assert (got.voice_enabled, got.voice_rate, got.monthly_rental_rate) == (
        True,
        "0.00850",
        "0.80000",
    )
    assert (got.renewal_date, got.tendlc_registration_status) == ("2014-03-14", "UNREGISTERED")

    listing = structure_response(NumberListResponse, fixture("numbers", "numberListResponse"))
    assert [n.number for n in listing] == ["18135401302", "14153661106", "14152753408"]
    assert listing.meta.total_count == 20 and listing.meta.next is not None
    assert [n.number_type for n in listing] == ["local", "local", "tollfree"]
    assert listing.objects[2].toll_free_sms_verification == "verified"

    for name in ("numberCreateResponse", "numberUpdateResponse"):
        action = structure_response(ActionResponse, fixture("numbers", name))
        assert action.message == "changed" and action.api_id

    bought = structure_response(BuyNumberResponse, fixture("numbers", "phoneNumberCreateResponse"))
    assert (bought.message, bought.status) == ("created", "fulfilled")
    [one] = bought.numbers
    assert (one.number, one.status, one.fallback_number) == (
        "14154009186",
        "Success",
        "14154009187",
    )

    found = structure_response(
        PhoneNumberListResponse, fixture("numbers", "phoneNumberListResponse")
    )
    assert [n.number for n in found] == ["14154009186", "14154009187"]
    first = found.objects[0]
    assert (first.lata, first.prefix, first.rate_center, first.type) == (
        722,
        "415",
        "SNFC CNTRL",
        "fixed",
    )
    assert first.prerequisites[0]["type"] == "address"
    assert found.objects[1].prerequisites == []
    assert found.meta.total_count == 9


def test_unknown_fields_stay_in_raw() -> None:
    data = {**fixture("numbers", "numberGetResponse"), "object_type": "trunk"}
    got = structure_response(Number, data)
    assert got.raw["object_type"] == "trunk"
    rentable = structure_response(PhoneNumber, {"number": "1", "sub_type": "local", "new": 1})
    assert (rentable.sub_type, rentable.raw["new"]) == ("local", 1)


def test_a_number_without_application_has_no_app_id() -> None:
    assert Number(application=None).app_id is None
    assert Number(application="/v1/Account/MA/Application/12/").app_id == "12"


# -- your numbers ---------------------------------------------------------------------------


async def test_list_sends_every_filter(client: AsyncPlivo, mocked: aioresponses) -> None:
    mocked.get(ANY_NUMBER_LIST, payload=fixture("numbers", "numberListResponse"))
    page = await client.numbers.list(
        type="Local",
        number_startswith=1415,
        subaccount=SUBACCOUNT,
        alias="Main line",
        services=["voice", "SMS"],
        tendlc_registration_status="registered",
        tendlc_campaign_id="C012345",
        toll_free_sms_verification="verified",
        renewal_date="2024-01-31",
        renewal_date__lte="2024-02-01",
        renewal_date__lt="2024-02-02",
        renewal_date__gte="2024-01-01",
        renewal_date__gt="2023-12-31",
        cnam_lookup="enabled",
        toll_free_sms_verification_order_status="approved",
        limit=3,
        offset="6",
    )
    assert_sent(
        mocked,
        "GET",
        API + "Number/",
        query={
            "type": "local",
            "number_startswith": "1415",
            "subaccount": SUBACCOUNT,
            "alias": "Main line",
            "services": "voice,sms",
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
            "limit": "3",
            "offset": "6",
        },
    )
    assert isinstance(page, NumberListResponse) and len(page) == 3


@pytest.mark.parametrize(
    ("args", "field"),
    [
        ({"limit": 21}, "limit"),
        ({"limit": 0}, "limit"),
        ({"offset": -1}, "offset"),
        ({"type": "premium"}, "type"),
        ({"services": "voice,fax"}, "services"),
        ({"services": ["voice", 3]}, "services"),
        ({"number_startswith": "+1415"}, "number_startswith"),
        ({"subaccount": "MA123"}, "subaccount"),
        ({"renewal_date__gte": "31/01/2024"}, "renewal_date__gte"),
        ({"cnam_lookup": "on"}, "cnam_lookup"),
        ({"tendlc_registration_status": "done"}, "tendlc_registration_status"),
        ({"colour": "blue"}, "colour"),
    ],
)
async def test_bad_list_filters_are_refused(
    client: AsyncPlivo, mocked: aioresponses, args: dict[str, Any], field: str
) -> None:
    with pytest.raises(ValidationError) as excinfo:
        await client.numbers.list(**args)
    refused(excinfo, field, mocked)


async def test_iter_all_follows_the_pages(client: AsyncPlivo, mocked: aioresponses) -> None:
    mocked.get(
        API + "Number/?limit=3&offset=0&type=local",
        payload=fixture("numbers", "numberListResponse"),
    )
    mocked.get(
        API + "Number/?limit=3&offset=3&type=local",
        payload={"meta": {"next": None, "previous": "x"}, "objects": [{"number": "1212"}]},
    )
    got = [n.number async for n in client.numbers.iter_all(type="local", limit=3)]
    assert got == ["18135401302", "14153661106", "14152753408", "1212"]


async def test_async_for_over_the_numbers(client: AsyncPlivo, mocked: aioresponses) -> None:
    mocked.get(API + "Number/?limit=20&offset=0", payload={"objects": [{"number": NUMBER}]})
    assert [n.number async for n in client.numbers] == [NUMBER]


@pytest.mark.parametrize("number", [NUMBER, int(NUMBER)])
async def test_get(client: AsyncPlivo, mocked: aioresponses, number: str | int) -> None:
    mocked.get(NUMBER_URL, payload=fixture("numbers", "numberGetResponse"))
    got = await client.numbers.get(number)
    assert_sent(mocked, "GET", NUMBER_URL)
    assert isinstance(got, Number) and got.region == "California, UNITED STATES"


async def test_get_unknown_raises_not_found(client: AsyncPlivo, mocked: aioresponses) -> None:
    mocked.get(NUMBER_URL, status=404, payload={"error": "not found"})
    with pytest.raises(ResourceNotFoundError):
        await client.numbers.get(NUMBER)


async def test_update_sends_only_what_was_given(client: AsyncPlivo, mocked: aioresponses) -> None:
    mocked.post(NUMBER_URL, status=202, payload=fixture("numbers", "numberUpdateResponse"))
    resp = await client.numbers.update(NUMBER, app_id=int(APP_ID), alias="Support")
    assert_sent(mocked, "POST", NUMBER_URL, {"app_id": APP_ID, "alias": "Support"})
    assert resp.message == "changed"


async def test_update_sends_every_argument(client: AsyncPlivo, mocked: aioresponses) -> None:
    mocked.post(NUMBER_URL, status=202, payload={})
    info = {"user_type": "business"}
    await client.numbers.update(NUMBER, APP_ID, SUBACCOUNT, "A", info, "Enabled")
    body = {
        "app_id": APP_ID,
        "subaccount": SUBACCOUNT,
        "alias": "A",
        "verification_info": info,
        "cnam_lookup": "enabled",
    }
    assert_sent(mocked, "POST", NUMBER_URL, body)


async def test_update_is_retried_after_an_ambiguous_failure(mocked: aioresponses) -> None:
    """It only sets values: applying it twice leaves the number as applying it once."""
    mocked.post(NUMBER_URL, status=500, payload={"error": "boom"})
    mocked.post(NUMBER_URL, status=202, payload={"message": "changed"})
    async with retrying() as c:
        await c.numbers.update(NUMBER, app_id=APP_ID)
    assert len(sent(mocked)) == 2


async def test_delete(client: AsyncPlivo, mocked: aioresponses) -> None:
    mocked.delete(API + f"Number/+{NUMBER}/", status=204)
    assert await client.numbers.delete("+" + NUMBER) == ActionResponse()
    assert_sent(mocked, "DELETE", API + f"Number/+{NUMBER}/")


async def test_create_joins_the_numbers(client: AsyncPlivo, mocked: aioresponses) -> None:
    mocked.post(API + "Number/", status=202, payload=fixture("numbers", "numberCreateResponse"))
    resp = await client.numbers.create(
        ["14155550100", "+14155550101"], "carrier-1", "California", "local", APP_ID, SUBACCOUNT
    )
    body = {
        "numbers": "14155550100,+14155550101",
        "carrier": "carrier-1",
        "region": "California",
        "number_type": "local",
        "app_id": APP_ID,
        "subaccount": SUBACCOUNT,
    }
    assert_sent(mocked, "POST", API + "Number/", body)
    assert resp.message == "changed"


async def test_create_is_not_retried_after_an_ambiguous_failure(mocked: aioresponses) -> None:
    mocked.post(API + "Number/", status=500, payload={"error": "boom"}, repeat=True)
    async with retrying() as c:
        with pytest.raises(OutcomeUnknownError):
            await c.numbers.create(NUMBER, "carrier-1", "California")
    assert len(sent(mocked)) == 1


@pytest.mark.parametrize(
    ("call", "field"),
    [
        (lambda n: n.get(""), "number"),
        (lambda n: n.get("0123"), "number"),
        (lambda n: n.get("1415/../x"), "number"),
        (lambda n: n.get(1.5), "number"),
        (lambda n: n.delete("abc"), "number"),
        (lambda n: n.update("x", alias="A"), "number"),
        (lambda n: n.update(NUMBER, subaccount="SA1"), "subaccount"),
        (lambda n: n.update(NUMBER, app_id=""), None),  # nothing to set is fine
        (lambda n: n.update(NUMBER, cnam_lookup="yes"), "cnam_lookup"),
        (lambda n: n.update(NUMBER, verification_info="text"), "verification_info"),
        (lambda n: n.create("", "c", "r"), "numbers"),
        (lambda n: n.create("1415,abc", "c", "r"), "numbers"),
        (lambda n: n.create(NUMBER, "", "r"), "carrier"),
        (lambda n: n.create(NUMBER, "c", None), "region"),
        (lambda n: n.create(NUMBER, "c", "r", number_type="vanity"), "number_type"),
        (lambda n: n.create(NUMBER, "c", "r", subaccount="S"), "subaccount"),
    ],
)
async def test_bad_arguments_are_refused_before_sending(
    client: AsyncPlivo, mocked: aioresponses, call: Any, field: str | None
) -> None:
    if field is None:
        mocked.post(NUMBER_URL, status=202, payload={})
        await call(client.numbers)
        assert body_of(sent(mocked)[0][2]) == {}
        return
    with pytest.raises(ValidationError) as excinfo:
        await call(client.numbers)
    refused(excinfo, field, mocked)


# -- rentable numbers -----------------------------------------------------------------------


async def test_search_sends_every_filter(client: AsyncPlivo, mocked: aioresponses) -> None:
    mocked.get(ANY_SEARCH, payload=fixture("numbers", "phoneNumberListResponse"))
    found = await client.numbers.search(
        "us",
        type="Local",
        pattern="415*",
        region="California",
        services=["voice", "sms"],
        lata=722,
        rate_center="SNFC CNTRL",
        limit=5,
        offset=10,
        eligible=True,
        city="San Francisco",
        npanxx=415555,
        local_calling_area=True,
    )
    assert_sent(
        mocked,
        "GET",
        API + "PhoneNumber/",
        query={
            "country_iso": "US",
            "type": "local",
            "pattern": "415*",
            "region": "California",
            "services": "voice,sms",
            "lata": "722",
            "rate_center": "SNFC CNTRL",
            "limit": "5",
            "offset": "10",
            "eligible": "True",  # flags as the official SDK sends them
            "city": "San Francisco",
            "npanxx": "415555",
            "local_calling_area": "True",
        },
    )
    assert isinstance(found, PhoneNumberListResponse)
    assert [n.number for n in found] == ["14154009186", "14154009187"]


@pytest.mark.parametrize(
    ("args", "field"),
    [
        ({"country_iso": ""}, "country_iso"),
        ({"country_iso": "USA"}, "country_iso"),
        ({"country_iso": "U1"}, "country_iso"),
        ({"country_iso": None}, "country_iso"),
        ({"type": "premium"}, "type"),
        ({"pattern": "415-555"}, "pattern"),
        ({"pattern": "1" * 16}, "pattern"),
        ({"services": "fax"}, "services"),
        ({"services": "voice,,sms"}, "services"),
        ({"lata": "7a2"}, "lata"),
        ({"limit": 21}, "limit"),
        ({"limit": "0"}, "limit"),
        ({"offset": -5}, "offset"),
        ({"eligible": "sometimes"}, "eligible"),
        ({"npanxx": "41555"}, "npanxx"),
        ({"npanxx": "015555"}, "npanxx"),
        ({"local_calling_area": 2}, "local_calling_area"),
        ({"region": 5}, "region"),
    ],
)
async def test_bad_search_filters_are_refused(
    client: AsyncPlivo, mocked: aioresponses, args: dict[str, Any], field: str
) -> None:
    kwargs = {"country_iso": "US", **args}
    with pytest.raises(ValidationError) as excinfo:
        await client.numbers.search(**kwargs)
    refused(excinfo, field, mocked)


async def test_iter_search_follows_the_pages(client: AsyncPlivo, mocked: aioresponses) -> None:
    base = "PhoneNumber/?country_iso=GB&limit=2&type=tollfree&offset="
    mocked.get(
        API + base + "0",
        payload={"meta": {"next": "/x/?limit=2&offset=2"}, "objects": [{"number": "1"}] * 2},
    )
    mocked.get(API + base + "2", payload={"meta": {"next": None}, "objects": [{"number": "3"}]})
    got = [n.number async for n in client.numbers.iter_search("GB", type="tollfree", limit=2)]
    assert got == ["1", "1", "3"]


async def test_iter_search_refuses_bad_filters_before_sending(
    client: AsyncPlivo, mocked: aioresponses
) -> None:
    with pytest.raises(ValidationError) as excinfo:
        async for _ in client.numbers.iter_search("GB", colour="blue"):
            pass
    refused(excinfo, "colour", mocked)


async def test_buy_sends_what_was_given(client: AsyncPlivo, mocked: aioresponses) -> None:
    mocked.post(BUY_URL, status=201, payload=fixture("numbers", "phoneNumberCreateResponse"))
    bought = await client.numbers.buy(
        int(NUMBER),
        app_id=APP_ID,
        verification_info={"address_id": "a-1"},
        cnam_lookup="enabled",
        ha_enable=True,
        compliance_application_id="ca-1",
    )
    body = {
        "app_id": APP_ID,
        "verification_info": {"address_id": "a-1"},
        "cnam_lookup": "enabled",
        "ha_enable": True,
        "compliance_application_id": "ca-1",
    }
    assert_sent(mocked, "POST", BUY_URL, body)
    assert isinstance(bought, BuyNumberResponse) and bought.status == "fulfilled"


async def test_buy_with_no_arguments_sends_an_empty_object(
    client: AsyncPlivo, mocked: aioresponses
) -> None:
    mocked.post(BUY_URL, status=201, payload={"message": "created"})
    await client.phone_numbers.buy(NUMBER)
    assert_sent(mocked, "POST", BUY_URL, {})


@pytest.mark.parametrize(
    "failure",
    [
        {"status": 500, "payload": {"error": "boom"}},
        {"status": 502, "body": "bad gateway"},
        {"exception": aiohttp.ServerDisconnectedError()},
        {"exception": TimeoutError()},
        {"status": 201, "body": "not json"},
    ],
    ids=["500", "502", "dropped-after-sending", "timeout", "unreadable-success"],
)
async def test_buy_is_never_retried_after_an_ambiguous_failure(
    mocked: aioresponses, failure: dict[str, Any]
) -> None:
    """Renting costs money: one POST, then OutcomeUnknownError (the number may be ours)."""
    mocked.post(BUY_URL, repeat=True, **failure)
    async with retrying() as c:
        with pytest.raises(OutcomeUnknownError) as excinfo:
            await c.numbers.buy(NUMBER, app_id=APP_ID)
    assert [(method, url.path) for method, url, _ in sent(mocked)] == [
        ("POST", f"/v1/Account/{AUTH_ID}/PhoneNumber/{NUMBER}/")
    ]
    assert excinfo.value.attempts == 1


async def test_buy_is_retried_after_a_failure_that_did_nothing(mocked: aioresponses) -> None:
    """503 (and 429, and a refused connection) certainly rented nothing: sent again."""
    mocked.post(BUY_URL, status=503, payload={"error": "busy"})
    mocked.post(BUY_URL, status=201, payload=fixture("numbers", "phoneNumberCreateResponse"))
    async with retrying() as c:
        bought = await c.numbers.buy(NUMBER)
    assert len(sent(mocked)) == 2 and bought.status == "fulfilled"


async def test_buy_has_no_retry_unsafe_switch(client: AsyncPlivo) -> None:
    with pytest.raises(TypeError):
        await client.numbers.buy(NUMBER, retry_unsafe=True)  # type: ignore[call-arg]


async def test_a_final_buy_failure_is_raised_as_it_is(
    client: AsyncPlivo, mocked: aioresponses
) -> None:
    mocked.post(BUY_URL, status=404, payload={"error": "number not available"})
    with pytest.raises(ResourceNotFoundError):
        await client.numbers.buy(NUMBER)


@pytest.mark.parametrize(
    ("call", "field"),
    [
        (lambda p: p.buy(""), "number"),
        (lambda p: p.buy("14155550100x"), "number"),
        (lambda p: p.buy(None), "number"),
        (lambda p: p.buy(NUMBER, app_id=["1"]), "app_id"),
        (lambda p: p.buy(NUMBER, cnam_lookup="maybe"), "cnam_lookup"),
        (lambda p: p.buy(NUMBER, ha_enable="often"), "ha_enable"),
        (lambda p: p.buy(NUMBER, verification_info=[1]), "verification_info"),
    ],
)
async def test_bad_buy_arguments_are_refused_before_sending(
    client: AsyncPlivo, mocked: aioresponses, call: Any, field: str
) -> None:
    for area in (client.numbers, client.phone_numbers):
        with pytest.raises(ValidationError) as excinfo:
            await call(area)
        refused(excinfo, field, mocked)


async def test_phone_numbers_is_the_same_search(client: AsyncPlivo, mocked: aioresponses) -> None:
    mocked.get(ANY_SEARCH, payload={}, repeat=True)
    await client.numbers.search("GB", type="tollfree")
    await client.phone_numbers.search("GB", type="tollfree")
    [first, second] = sent(mocked)
    assert first[:2] == second[:2]
    assert dict(first[1].query) == {"country_iso": "GB", "type": "tollfree"}


# -- raw responses --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("verb", "url", "call", "model"),
    [
        ("get", NUMBER_URL, lambda c: c.numbers.get(NUMBER), Number),
        ("get", ANY_NUMBER_LIST, lambda c: c.numbers.list(), NumberListResponse),
        ("post", NUMBER_URL, lambda c: c.numbers.update(NUMBER, alias="A"), ActionResponse),
        ("delete", NUMBER_URL, lambda c: c.numbers.delete(NUMBER), ActionResponse),
        ("post", API + "Number/", lambda c: c.numbers.create(NUMBER, "c", "r"), ActionResponse),
        ("get", ANY_SEARCH, lambda c: c.numbers.search("US"), PhoneNumberListResponse),
        ("get", ANY_SEARCH, lambda c: c.phone_numbers.search("US"), PhoneNumberListResponse),
        ("post", BUY_URL, lambda c: c.numbers.buy(NUMBER), BuyNumberResponse),
        ("post", BUY_URL, lambda c: c.phone_numbers.buy(NUMBER), BuyNumberResponse),
    ],
)
async def test_every_method_has_a_raw_form(
    client: AsyncPlivo, mocked: aioresponses, verb: str, url: Any, call: Any, model: type
) -> None:
    getattr(mocked, verb)(url, status=200, payload={"api_id": "a", "message": "ok"})
    raw = await call(client.with_raw_response)
    assert isinstance(raw, RawResponse) and raw.status == 200
    assert isinstance(raw.parse(), model)


async def test_the_resources_have_a_raw_view(client: AsyncPlivo, mocked: aioresponses) -> None:
    mocked.get(NUMBER_URL, payload=fixture("numbers", "numberGetResponse"))
    mocked.post(BUY_URL, status=201, payload=fixture("numbers", "phoneNumberCreateResponse"))
    raw = await client.numbers.with_raw_response.get(NUMBER)
    assert isinstance(raw, RawResponse) and raw.parse().number == "17609915566"
    bought = await client.phone_numbers.with_raw_response.buy(NUMBER)
    assert isinstance(bought, RawResponse) and bought.status == 201
    assert bought.parse().numbers[0].status == "Success"
