"""``client.lookup``: on Plivo's lookup host (or ``lookup_base_url``), typed answers."""

from __future__ import annotations

import pytest
from aioresponses import aioresponses

from plivo_async._convert import structure_response
from plivo_async.client import AsyncPlivo
from plivo_async.errors import ConfigurationError, ResourceNotFoundError, ValidationError
from plivo_async.models.lookup import NumberLookup

from ._fixtures import fixture, refused
from ._resources_helpers import (
    AUTH_ID,
    AUTH_TOKEN,
    assert_sent,
    client_fixture,  # noqa: F401 - the "client" fixture
    mocked_fixture,  # noqa: F401 - the "mocked" fixture
)

NUMBER = "+14154305555"
URL = f"https://lookup.plivo.com/v1/Number/{NUMBER}"


def test_the_official_fixture_parses() -> None:
    found = structure_response(NumberLookup, fixture("lookup", "get"))
    assert found.phone_number == NUMBER
    assert (found.country.name, found.country.iso2, found.country.iso3) == (
        "United States",
        "US",
        "USA",
    )
    assert found.format.e164 == NUMBER
    assert found.format.national == "(415) 430-5555"
    assert found.format.international == "+1 415-430-5555"
    assert found.format.rfc3966 == "tel:+1-415-430-5555"
    carrier = found.carrier
    assert (carrier.name, carrier.type, carrier.ported) == ("Cingular Wireless", "mobile", "yes")
    assert (carrier.mobile_country_code, carrier.mobile_network_code) == ("310", "150")
    assert found.resource_uri == "/v1/Number/+14154305555?type=carrier"


async def test_get_asks_the_lookup_host(client: AsyncPlivo, mocked: aioresponses) -> None:
    mocked.get(URL + "?type=carrier", payload=fixture("lookup", "get"))
    found = await client.lookup.get(NUMBER)
    assert_sent(mocked, "GET", URL, query={"type": "carrier"})
    assert found.carrier.type == "mobile"


async def test_get_with_raw_response(client: AsyncPlivo, mocked: aioresponses) -> None:
    mocked.get(URL + "?type=carrier", payload=fixture("lookup", "get"))
    raw = await client.lookup.with_raw_response.get(NUMBER, info_type="carrier")
    assert raw.parse().country.iso2 == "US"


async def test_an_invalid_number_is_not_found(client: AsyncPlivo, mocked: aioresponses) -> None:
    mocked.get(
        "https://lookup.plivo.com/v1/Number/+19999999999?type=carrier",
        status=404,
        payload={"api_id": "x", "error": {"code": 404, "message": "not found"}},
    )
    with pytest.raises(ResourceNotFoundError):
        await client.lookup.get("+19999999999")


async def test_lookup_base_url_points_it_elsewhere(mocked: aioresponses) -> None:
    mocked.get(f"http://127.0.0.1:8124/v1/Number/{NUMBER}?type=carrier", payload={})
    host = "http://127.0.0.1:8124"
    async with AsyncPlivo(
        AUTH_ID, AUTH_TOKEN, base_url=host, phlo_base_url=host, lookup_base_url=host
    ) as c:
        await c.lookup.get(NUMBER)
    assert_sent(
        mocked, "GET", f"http://127.0.0.1:8124/v1/Number/{NUMBER}", query={"type": "carrier"}
    )


async def test_lookup_follows_base_url_away_from_plivo(mocked: aioresponses) -> None:
    """The emulator serves the lookup API under its root: a client pointed at it sends
    lookups there too, never its credentials to Plivo's lookup host."""
    mocked.get(f"http://127.0.0.1:8126/v1/Number/{NUMBER}?type=carrier", payload={})
    async with AsyncPlivo(AUTH_ID, AUTH_TOKEN, base_url="http://127.0.0.1:8126") as c:
        await c.lookup.get(NUMBER)
    assert len(mocked.requests) == 1


def test_lookup_alone_elsewhere_is_a_refused_mix() -> None:
    with pytest.raises(ConfigurationError, match=r"lookup_base_url=http://127\.0\.0\.1:8124"):
        AsyncPlivo(AUTH_ID, AUTH_TOKEN, lookup_base_url="http://127.0.0.1:8124")


async def test_lookup_base_url_from_the_environment(
    mocked: aioresponses, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PLIVO_BASE_URL", "http://127.0.0.1:8125")
    monkeypatch.setenv("PLIVO_LOOKUP_BASE_URL", "http://127.0.0.1:8125")
    mocked.get(f"http://127.0.0.1:8125/v1/Number/{NUMBER}?type=carrier", payload={})
    async with AsyncPlivo(AUTH_ID, AUTH_TOKEN) as c:
        await c.lookup.get(NUMBER)
    assert len(mocked.requests) == 1


def test_lookup_base_url_must_be_secure_off_loopback() -> None:
    with pytest.raises((ValidationError, ConfigurationError)) as err:
        AsyncPlivo(AUTH_ID, AUTH_TOKEN, lookup_base_url="http://lookup.example.com")
    assert getattr(err.value, "field", None) == "lookup_base_url"


@pytest.mark.parametrize(
    ("args", "field"),
    [
        ({"number": ""}, "number"),
        ({"number": "415 430 5555"}, "number"),
        ({"number": "+0123"}, "number"),
        ({"number": "sip:alice@example.com"}, "number"),
        ({"number": 14154305555}, "number"),
        ({"number": NUMBER, "info_type": "caller_name"}, "info_type"),
    ],
)
async def test_bad_input_is_refused_before_sending(
    client: AsyncPlivo, mocked: aioresponses, args: dict[str, object], field: str
) -> None:
    with pytest.raises(ValidationError) as excinfo:
        await client.lookup.get(**args)  # type: ignore[arg-type]
    refused(excinfo, field, mocked)
