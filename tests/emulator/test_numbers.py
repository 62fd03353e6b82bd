"""``PhoneNumber/`` and ``Number/`` over raw HTTP: the inventory, renting, your numbers."""

from __future__ import annotations

from typing import Any

import aiohttp
import pytest

from plivo_async.emulator import Emulator
from plivo_async.emulator.state import NumberState

from ._helpers import Api

SF = "14155550100"  # the first number of the San Francisco block


async def search(http: aiohttp.ClientSession, api: Api, **query: Any) -> dict[str, Any]:
    async with http.get(f"{api.account}/PhoneNumber/", params=query) as resp:
        assert resp.status == 200, await resp.text()
        return await resp.json()  # type: ignore[no-any-return]


async def search_all(http: aiohttp.ClientSession, api: Api, **query: Any) -> list[dict[str, Any]]:
    """Every page of a search, by offset."""
    found: list[dict[str, Any]] = []
    while True:
        page = await search(http, api, **query, offset=len(found))
        found += page["objects"]
        if page["meta"]["next"] is None:
            return found


async def buy(http: aiohttp.ClientSession, api: Api, number: str, **body: Any) -> Any:
    async with http.post(f"{api.account}/PhoneNumber/{number}/", json=body) as resp:
        return resp.status, await resp.json()


async def create_app(http: aiohttp.ClientSession, api: Api) -> str:
    async with http.post(f"{api.account}/Application/", json={"app_name": "IVR"}) as resp:
        return (await resp.json())["app_id"]  # type: ignore[no-any-return]


# -- search ---------------------------------------------------------------------------------


async def test_search_is_deterministic_and_pages_like_plivo(
    http: aiohttp.ClientSession, api: Api
) -> None:
    first = await search(http, api, country_iso="US", type="local", limit=20)
    again = await search(http, api, country_iso="US", type="local", limit=20)
    assert first["objects"] == again["objects"]
    meta = first["meta"]
    assert (meta["limit"], meta["offset"], meta["total_count"], meta["previous"]) == (
        20,
        0,
        75,
        None,
    )
    assert meta["next"].endswith("/PhoneNumber/?limit=20&offset=20")
    last = await search(http, api, country_iso="us", type="local", limit=20, offset=60)
    assert len(last["objects"]) == 15 and last["meta"]["next"] is None
    numbers = [o["number"] for o in first["objects"]]
    assert numbers[0] == SF and len(set(numbers)) == 20
    sf = first["objects"][0]
    assert (sf["type"], sf["sub_type"], sf["lata"], sf["rate_center"], sf["prefix"]) == (
        "fixed",
        "local",
        722,
        "SNFC CNTRL",
        "415",
    )


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"country_iso": "US", "type": "tollfree"}, {"888"}),
        ({"country_iso": "US", "pattern": "212"}, {"212"}),
        ({"country_iso": "US", "pattern": "5?2"}, {"512"}),
        ({"country_iso": "US", "pattern": "*5550124"}, {"415", "212", "512", "888"}),
        ({"country_iso": "US", "region": "NY"}, {"212"}),
        ({"country_iso": "US", "region": "texas"}, {"512"}),
        ({"country_iso": "US", "region": "liforn"}, {"415"}),
        ({"country_iso": "US", "city": "Austin"}, {"512"}),
        ({"country_iso": "US", "lata": "132"}, {"212"}),
        ({"country_iso": "US", "rate_center": "snfc cntrl"}, {"415"}),
        ({"country_iso": "US", "services": "voice,mms"}, {"415", "212", "512"}),
        ({"country_iso": "US", "npanxx": "415555"}, {"415"}),
        ({"country_iso": "GB", "type": "mobile"}, {"7700"}),
        ({"country_iso": "GB", "type": "local"}, {"20", "161", "7700"}),
        ({"country_iso": "AU", "type": "national"}, {"2"}),
        ({"country_iso": "GB", "services": "sms"}, {"7700"}),
        ({"country_iso": "FR"}, set()),
    ],
)
async def test_search_filters(
    http: aiohttp.ClientSession, api: Api, query: dict[str, str], expected: set[str]
) -> None:
    found = await search_all(http, api, **query)
    assert {o["prefix"] for o in found} == expected


async def test_a_pattern_of_letters_is_dialled_on_the_keypad(
    http: aiohttp.ClientSession, api: Api
) -> None:
    # 415 555 0100: "4" "1" ... a letter stands for its key: J=5, K=5, L=5
    found = await search(http, api, country_iso="US", pattern="415JKL0100")
    assert [o["number"] for o in found["objects"]] == [SF]


@pytest.mark.parametrize(
    ("query", "error"),
    [
        ({}, "country_iso"),
        ({"country_iso": "USA"}, "country_iso"),
        ({"country_iso": "US", "type": "premium"}, "type"),
        ({"country_iso": "US", "pattern": "41-5"}, "pattern"),
        ({"country_iso": "US", "services": "fax"}, "services"),
        ({"country_iso": "US", "limit": "21"}, "limit"),
        ({"country_iso": "US", "offset": "-1"}, "offset"),
        ({"country_iso": "US", "npanxx": "12345"}, "npanxx"),
        ({"country_iso": "US", "lata": "x"}, "lata"),
        ({"country_iso": "US", "eligible": "maybe"}, "eligible"),
    ],
)
async def test_bad_search_filters_are_400(
    http: aiohttp.ClientSession, api: Api, query: dict[str, str], error: str
) -> None:
    async with http.get(f"{api.account}/PhoneNumber/", params=query) as resp:
        assert resp.status == 400
        assert error in (await resp.json())["error"]


# -- buy, list, get, update, delete ---------------------------------------------------------


async def test_buy_moves_the_number_into_the_account(
    http: aiohttp.ClientSession, api: Api, emu: Emulator
) -> None:
    app_id = await create_app(http, api)
    status, body = await buy(http, api, SF, app_id=app_id, cnam_lookup="enabled")
    assert status == 201
    assert (body["status"], body["numbers"]) == ("fulfilled", [{"number": SF, "status": "Success"}])
    found = await search(http, api, country_iso="US", pattern="4155550100")
    assert found["objects"] == []  # no longer rentable
    async with http.get(f"{api.account}/Number/{SF}/") as resp:
        got = await resp.json()
    assert got["application"].endswith(f"/Application/{app_id}/")
    assert (got["number_type"], got["carrier"], got["cnam_lookup"]) == ("local", "Plivo", "enabled")
    assert got["added_on"] == "2023-11-14"  # the emulator's clock
    assert got["renewal_date"] == "2023-12-14"
    assert SF in emu.state(NumberState).owned
    status, _ = await buy(http, api, SF)
    assert status == 404  # rented already


@pytest.mark.parametrize(
    ("number", "body", "status"),
    [
        ("14155559999", {}, 404),  # not in the inventory
        (SF, {"app_id": "123"}, 404),  # no such application
        (SF, {"cnam_lookup": "sometimes"}, 400),
        (SF, {"ha_enable": "x"}, 400),
    ],
)
async def test_a_refused_buy_rents_nothing(
    http: aiohttp.ClientSession, api: Api, emu: Emulator, number: str, body: Any, status: int
) -> None:
    got, _ = await buy(http, api, number, **body)
    assert got == status
    assert emu.state(NumberState).owned == {}


async def test_update_points_the_number_at_an_application(
    http: aiohttp.ClientSession, api: Api
) -> None:
    await buy(http, api, SF)
    app_id = await create_app(http, api)
    url = f"{api.account}/Number/{SF}/"
    async with http.post(url, json={"app_id": app_id, "alias": "Main"}) as resp:
        assert resp.status == 202 and (await resp.json())["message"] == "changed"
    async with http.get(url) as resp:
        got = await resp.json()
    assert (got["alias"], got["application"].rsplit("/", 2)[-2]) == ("Main", app_id)
    async with http.post(url, json={"app_id": "424242"}) as resp:
        assert resp.status == 404  # an unknown application
    async with http.post(url, json={"subaccount": "SA1"}) as resp:
        assert resp.status == 400
    async with http.post(url, json={"app_id": ""}) as resp:
        assert resp.status == 202
    async with http.get(url) as resp:
        assert (await resp.json())["application"] is None


async def test_delete_releases_the_number(http: aiohttp.ClientSession, api: Api) -> None:
    await buy(http, api, SF)
    async with http.delete(f"{api.account}/Number/{SF}/") as resp:
        assert resp.status == 204
    for method in ("GET", "DELETE", "POST"):
        async with http.request(method, f"{api.account}/Number/{SF}/", json={}) as resp:
            assert resp.status == 404
    found = await search(http, api, country_iso="US", pattern="4155550100")
    assert [o["number"] for o in found["objects"]] == [SF]  # rentable again


async def test_list_filters_and_pages(http: aiohttp.ClientSession, api: Api) -> None:
    for number in (SF, "14155550101", "18885550100", "447700900000"):
        await buy(http, api, number)
    body = {"numbers": "12025550100,+12025550101", "carrier": "c1", "region": "DC"}
    async with http.post(f"{api.account}/Number/", json=body) as resp:
        assert resp.status == 202

    async def listed(**query: str) -> list[str]:
        async with http.get(f"{api.account}/Number/", params=query) as resp:
            assert resp.status == 200, await resp.text()
            return [o["number"] for o in (await resp.json())["objects"]]

    assert await listed(type="tollfree") == ["18885550100"]
    assert await listed(type="mobile") == ["447700900000"]
    assert await listed(number_startswith="1415") == [SF, "14155550101"]
    assert await listed(services="mms") == [SF, "14155550101"]
    assert await listed(limit="2", offset="4") == ["12025550100", "12025550101"]
    assert await listed(renewal_date__gte="2023-12-14") == await listed()
    assert await listed(renewal_date__lt="2023-12-14") == []
    async with http.get(f"{api.account}/Number/", params={"type": "x"}) as resp:
        assert resp.status == 400
    async with http.get(f"{api.account}/Number/", params={"limit": "50"}) as resp:
        assert resp.status == 400


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ({"carrier": "c", "region": "r"}, 400),
        ({"numbers": "1415x", "carrier": "c", "region": "r"}, 400),
        ({"numbers": "12025550100", "region": "r"}, 400),
        ({"numbers": "12025550100", "carrier": "c"}, 400),
        ({"numbers": "12025550100", "carrier": "c", "region": "r", "number_type": "x"}, 400),
        ({"numbers": "12025550100", "carrier": "c", "region": "r", "app_id": "1"}, 404),
    ],
)
async def test_bad_carrier_numbers_are_refused(
    http: aiohttp.ClientSession, api: Api, emu: Emulator, body: Any, status: int
) -> None:
    async with http.post(f"{api.account}/Number/", json=body) as resp:
        assert resp.status == status
    assert emu.state(NumberState).owned == {}


async def test_a_number_added_twice_is_refused(http: aiohttp.ClientSession, api: Api) -> None:
    body = {"numbers": "12025550100", "carrier": "c1", "region": "DC"}
    async with http.post(f"{api.account}/Number/", json=body) as resp:
        assert resp.status == 202
    async with http.post(f"{api.account}/Number/", json=body) as resp:
        assert resp.status == 400


async def test_reset_forgets_the_account_numbers(
    http: aiohttp.ClientSession, api: Api, emu: Emulator
) -> None:
    await buy(http, api, SF)
    emu.reset()
    async with http.get(f"{api.account}/Number/{SF}/") as resp:
        assert resp.status == 404


async def test_a_control_character_in_a_number_or_app_id_is_a_404_not_a_crash(
    http: aiohttp.ClientSession, api: Api
) -> None:
    """Found by the fuzz test: the 404's reason once quoted them raw (a 500)."""
    async with http.post(f"{api.account}/PhoneNumber/%0D/", json={}) as resp:
        assert resp.status == 404
    status, _ = await buy(http, api, SF, app_id="1\r\n2")
    assert status == 404
