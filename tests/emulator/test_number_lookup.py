"""``GET /v1/Number/{number}`` (the lookup host) over raw HTTP: deterministic answers, 404s."""

from __future__ import annotations

from typing import Any

import aiohttp
import pytest

from plivo_async.emulator import Emulator
from plivo_async.emulator.state import LookupState


async def _lookup(
    http: aiohttp.ClientSession, emu: Emulator, number: str, query: str = "?type=carrier"
) -> tuple[int, Any]:
    async with http.get(f"{emu.lookup_url}/v1/Number/{number}{query}") as resp:
        return resp.status, await resp.json()


async def test_the_answer_has_plivos_shape(http: aiohttp.ClientSession, emu: Emulator) -> None:
    status, data = await _lookup(http, emu, "+14154305555")
    assert status == 200
    assert data["phone_number"] == "+14154305555"
    assert data["country"] == {"name": "United States", "iso2": "US", "iso3": "USA"}
    assert data["format"] == {
        "e164": "+14154305555",
        "national": "(415) 430-5555",
        "international": "+1 415-430-5555",
        "rfc3966": "tel:+1-415-430-5555",
    }
    assert data["carrier"]["type"] in ("mobile", "landline", "voip")
    assert data["carrier"]["mobile_country_code"] == "310"
    assert data["carrier"]["ported"] in ("yes", "no")
    assert data["resource_uri"] == "/v1/Number/+14154305555?type=carrier"


@pytest.mark.parametrize(
    ("number", "iso", "line"),
    [
        ("+447700900123", "GB", "mobile"),
        ("+442071234567", "GB", "landline"),
        ("+61412345678", "AU", "mobile"),
        ("+61298765432", "AU", "landline"),
        ("+14165550100", "CA", None),
        ("+18005550100", "US", "tollfree"),
        ("+919876543210", "IN", None),
    ],
)
async def test_country_and_line_type_follow_the_number(
    http: aiohttp.ClientSession, emu: Emulator, number: str, iso: str, line: str | None
) -> None:
    status, data = await _lookup(http, emu, number)
    assert status == 200
    assert data["country"]["iso2"] == iso
    if line is not None:
        assert data["carrier"]["type"] == line


async def test_the_same_number_gets_the_same_answer_and_numbers_vary(
    http: aiohttp.ClientSession, emu: Emulator
) -> None:
    first = (await _lookup(http, emu, "+14155550100"))[1]
    again = (await _lookup(http, emu, "+14155550100"))[1]
    first.pop("api_id"), again.pop("api_id")
    assert first == again
    types = set()
    for i in range(60):
        types.add((await _lookup(http, emu, f"+1415555{i:04d}"))[1]["carrier"]["type"])
    assert types == {"mobile", "landline", "voip"}


@pytest.mark.parametrize(
    "number", ["+1415555010", "+141555501000", "+999123456789", "+4412", "hello", "+44abc"]
)
async def test_invalid_numbers_are_404(
    http: aiohttp.ClientSession, emu: Emulator, number: str
) -> None:
    status, data = await _lookup(http, emu, number)
    assert status == 404
    assert data["error"]


async def test_only_the_carrier_type(http: aiohttp.ClientSession, emu: Emulator) -> None:
    assert (await _lookup(http, emu, "+14154305555", "?type=caller_name"))[0] == 400
    assert (await _lookup(http, emu, "+14154305555", ""))[0] == 200


async def test_a_test_may_set_a_numbers_answer(http: aiohttp.ClientSession, emu: Emulator) -> None:
    emu.state(LookupState).numbers["+14155550199"] = {"carrier": {"type": "voip"}}
    status, data = await _lookup(http, emu, "+14155550199")
    assert (status, data["carrier"]["type"]) == (200, "voip")


async def test_it_needs_credentials(emu: Emulator) -> None:
    async with aiohttp.ClientSession() as anonymous:
        assert (await _lookup(anonymous, emu, "+14154305555"))[0] == 401
