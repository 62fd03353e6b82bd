"""``client.pricing``: the request, its validation, and the rates (``outbound_rate``)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from aioresponses import aioresponses
from hypothesis import given
from hypothesis import strategies as st

from plivo_async._convert import structure_response
from plivo_async.client import AsyncPlivo
from plivo_async.errors import ValidationError
from plivo_async.models.pricing import Pricing

from ._fixtures import fixture, refused
from ._resources_helpers import (
    API,
    assert_sent,
    client_fixture,  # noqa: F401 - the "client" fixture
    mocked_fixture,  # noqa: F401 - the "mocked" fixture
)

US = structure_response(Pricing, fixture("pricing", "get"))


def test_the_official_fixture_parses() -> None:
    assert (US.country, US.country_code, US.country_iso) == ("United States", 1, "US")
    outbound, inbound = US.voice.outbound, US.voice.inbound
    assert [(r.prefix, r.rate) for r in outbound.rates][:2] == [
        (["1"], Decimal("0.01200")),
        (["1340"], Decimal("0.02400")),
    ]
    assert outbound.local is not None and outbound.local.rate == Decimal("0.01200")
    assert outbound.tollfree is not None and outbound.tollfree.rate == Decimal("0.00300")
    assert outbound.ip is not None and outbound.ip.rate == Decimal("0.00300")
    assert inbound.local is not None and inbound.local.rate == Decimal("0.00850")
    assert inbound.tollfree is not None and inbound.tollfree.rate == Decimal("0.02100")
    assert US.phone_numbers.local is not None
    assert US.phone_numbers.local.rate == Decimal("0.80000")
    assert US.raw["message"]["outbound"]["rate"] == "0.00650"  # SMS: kept, not typed


@pytest.mark.parametrize(
    ("number", "rate"),
    [
        ("+14155550100", "0.01200"),  # prefix 1
        ("14155550100", "0.01200"),  # '+' optional
        ("+19075550100", "0.17900"),  # 1907 beats 1
        ("+19005550100", "0.60300"),
        ("+13405550100", "0.02400"),
        ("+18085550100", "0.03400"),
    ],
)
def test_outbound_rate_is_the_longest_matching_prefix(number: str, rate: str) -> None:
    assert US.outbound_rate(number) == Decimal(rate)


def test_outbound_rate_is_none_when_no_prefix_matches() -> None:
    assert US.outbound_rate("+447700900123") is None
    assert Pricing().outbound_rate("+14155550100") is None


def test_outbound_rate_takes_the_highest_of_equal_prefixes() -> None:
    pricing = structure_response(
        Pricing,
        {
            "voice": {
                "outbound": {
                    "rates": [
                        {"prefix": ["44"], "rate": "0.0100"},
                        {"prefix": ["447", "4475"], "rate": "0.0300"},
                        {"prefix": ["447"], "rate": "0.0500"},
                        {"prefix": ["447"], "rate": None},
                        {"prefix": [""], "rate": "9"},
                    ]
                }
            }
        },
    )
    assert pricing.outbound_rate("+447700900123") == Decimal("0.0500")
    assert pricing.outbound_rate("+447500900123") == Decimal("0.0300")
    assert pricing.outbound_rate("+442071234567") == Decimal("0.0100")
    assert pricing.outbound_rate("+12025550100") is None


@pytest.mark.parametrize(
    "number", ["", "+", "0044123", "+1 415 555", "sip:a@b.c", "+1234567890123456"]
)
def test_outbound_rate_refuses_what_is_not_a_number(number: str) -> None:
    with pytest.raises(ValidationError) as excinfo:
        US.outbound_rate(number)
    assert excinfo.value.field == "number"


async def test_get(client: AsyncPlivo, mocked: aioresponses) -> None:
    mocked.get(API + "Pricing/?country_iso=US", payload=fixture("pricing", "get"))
    pricing = await client.pricing.get("US")
    assert_sent(mocked, "GET", API + "Pricing/", query={"country_iso": "US"})
    assert pricing == US
    assert pricing.outbound_rate("+19075550100") == Decimal("0.17900")


async def test_get_with_raw_response(client: AsyncPlivo, mocked: aioresponses) -> None:
    mocked.get(API + "Pricing/?country_iso=GB", payload={"country_iso": "GB"})
    raw = await client.pricing.with_raw_response.get("GB")
    assert raw.parse().country_iso == "GB"


@pytest.mark.parametrize("country_iso", ["USA", "us", "", "U", 1, None])
async def test_bad_country_is_refused_before_sending(
    client: AsyncPlivo, mocked: aioresponses, country_iso: object
) -> None:
    with pytest.raises(ValidationError) as excinfo:
        await client.pricing.get(country_iso)  # type: ignore[arg-type]
    refused(excinfo, "country_iso", mocked)


DIGITS = "0123456789"
prefixes = st.builds(
    "{}{}".format, st.sampled_from(DIGITS[1:]), st.text(alphabet=DIGITS, max_size=4)
)
tables = st.lists(
    st.tuples(
        st.lists(prefixes, min_size=1, max_size=3),
        st.decimals(min_value=0, max_value=1, places=5, allow_nan=False),
    ),
    max_size=8,
)


numbers = st.builds(
    "{}{}{}".format,
    st.sampled_from(["", "+"]),
    st.sampled_from(DIGITS[1:]),
    st.text(alphabet=DIGITS, min_size=5, max_size=13),
)


@given(tables, numbers)
def test_outbound_rate_agrees_with_a_brute_force_oracle(
    table: list[tuple[list[str], Decimal]], number: str
) -> None:
    pricing = structure_response(
        Pricing,
        {"voice": {"outbound": {"rates": [{"prefix": p, "rate": str(r)} for p, r in table]}}},
    )
    digits = number.lstrip("+")
    matches = [(len(p), r) for ps, r in table for p in ps if digits.startswith(p)]
    longest = max((n for n, _ in matches), default=None)
    expected = max((r for n, r in matches if n == longest), default=None)
    assert pricing.outbound_rate(number) == expected
