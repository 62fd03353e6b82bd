"""``Subaccount/`` over raw HTTP: the shape, Plivo's 400s, and the credentials it adds."""

from __future__ import annotations

from typing import Any

import aiohttp
import pytest

from plivo_async.emulator import Emulator
from plivo_async.emulator.state import ApplicationState, SubaccountState

from ._helpers import Api, auth_header, request_json


async def _create(http: aiohttp.ClientSession, api: Api, **body: Any) -> dict[str, Any]:
    status, data = await request_json(http, "POST", f"{api.account}/Subaccount/", json=body)
    assert status == 201, data
    return data  # type: ignore[no-any-return]


async def test_create_get_list_update_delete(
    http: aiohttp.ClientSession, api: Api, emu: Emulator
) -> None:
    created = await _create(http, api, name="Customer A")
    sub_id, token = created["auth_id"], created["auth_token"]
    assert created["message"] == "created"
    assert len(sub_id) == 20 and sub_id.startswith("SA") and sub_id[2:].isalnum()
    assert sub_id.upper() == sub_id
    assert len(token) == 40
    url = f"{api.account}/Subaccount/{sub_id}/"
    status, sub = await request_json(http, "GET", url)
    assert status == 200
    assert (sub["name"], sub["enabled"], sub["auth_token"]) == ("Customer A", False, token)
    assert sub["account"] == f"/v1/Account/{emu.auth_id}/"
    assert sub["resource_uri"] == f"/v1/Account/{emu.auth_id}/Subaccount/{sub_id}/"
    assert sub["created"] == "2023-11-14" and sub["modified"] is None
    status, _ = await request_json(http, "POST", url, json={"name": "Customer B", "enabled": True})
    assert status == 202
    _, sub = await request_json(http, "GET", url)
    assert (sub["name"], sub["enabled"], sub["modified"]) == ("Customer B", True, "2023-11-14")
    _, page = await request_json(http, "GET", f"{api.account}/Subaccount/?limit=1")
    assert page["meta"]["total_count"] == 1
    assert [s["auth_id"] for s in page["objects"]] == [sub_id]
    status, _ = await request_json(http, "DELETE", url)
    assert status == 204
    status, data = await request_json(http, "GET", url)
    assert status == 404 and data["error"]


@pytest.mark.parametrize(
    "body", [{}, {"name": ""}, {"name": "A", "enabled": "sometimes"}, {"enabled": True}]
)
async def test_create_and_update_validate_like_plivo(
    http: aiohttp.ClientSession, api: Api, body: dict[str, Any]
) -> None:
    status, data = await request_json(http, "POST", f"{api.account}/Subaccount/", json=body)
    assert status == 400 and data["error"]
    sub_id = (await _create(http, api, name="A"))["auth_id"]
    status, data = await request_json(
        http, "POST", f"{api.account}/Subaccount/{sub_id}/", json=body
    )
    assert status == 400 and data["error"]


async def test_an_enabled_subaccounts_credentials_work_under_its_own_id(
    http: aiohttp.ClientSession, api: Api, emu: Emulator
) -> None:
    created = await _create(http, api, name="Customer A", enabled=True)
    sub_id, token = created["auth_id"], created["auth_token"]
    own = f"{emu.url}/v1/Account/{sub_id}"
    async with aiohttp.ClientSession(headers=auth_header(sub_id, token)) as sub_http:
        status, account = await request_json(sub_http, "GET", f"{own}/")
        assert (status, account["auth_id"], account["name"]) == (200, sub_id, "Customer A")
        assert account["cash_credits"] == "100.00000"  # the main account's credit
        status, _ = await request_json(sub_http, "GET", f"{own}/Call/")
        assert status == 200
        status, _ = await request_json(sub_http, "GET", f"{api.account}/")  # not its path
        assert status == 401
        status, _ = await request_json(sub_http, "POST", f"{own}/", json={"name": "x"})
        assert status == 403
        status, _ = await request_json(sub_http, "GET", f"{own}/Subaccount/")
        assert status == 403
    async with aiohttp.ClientSession(headers=auth_header(sub_id, "wrong" + token)) as bad:
        status, _ = await request_json(bad, "GET", f"{own}/")
        assert status == 401
    async with aiohttp.ClientSession(headers=auth_header(emu.auth_id, token)) as swapped:
        status, _ = await request_json(swapped, "GET", f"{api.account}/")
        assert status == 401


async def test_disabled_and_deleted_subaccounts_cannot_authenticate(
    http: aiohttp.ClientSession, api: Api, emu: Emulator
) -> None:
    created = await _create(http, api, name="Customer A")  # disabled, Plivo's default
    sub_id, token = created["auth_id"], created["auth_token"]
    own = f"{emu.url}/v1/Account/{sub_id}/"
    async with aiohttp.ClientSession(headers=auth_header(sub_id, token)) as sub_http:
        assert (await request_json(sub_http, "GET", own))[0] == 401
        url = f"{api.account}/Subaccount/{sub_id}/"
        await request_json(http, "POST", url, json={"name": "Customer A", "enabled": True})
        assert (await request_json(sub_http, "GET", own))[0] == 200
        await request_json(http, "DELETE", url)
        assert (await request_json(sub_http, "GET", own))[0] == 401


@pytest.mark.parametrize(("cascade", "left"), [(True, set()), (False, {None})])
async def test_delete_cascades_to_its_applications_or_moves_them(
    http: aiohttp.ClientSession, api: Api, emu: Emulator, cascade: bool, left: set[Any]
) -> None:
    sub_id = (await _create(http, api, name="A"))["auth_id"]
    await request_json(
        http, "POST", f"{api.account}/Application/", json={"app_name": "x", "subaccount": sub_id}
    )
    url = f"{api.account}/Subaccount/{sub_id}/"
    assert (await request_json(http, "DELETE", url, json={"cascade": cascade}))[0] == 204
    apps = emu.state(ApplicationState).applications.values()
    assert {a.settings["sub_account"] for a in apps} == left


async def test_reset_forgets_subaccounts_and_their_credentials(
    http: aiohttp.ClientSession, api: Api, emu: Emulator
) -> None:
    created = await _create(http, api, name="A", enabled=True)
    emu.reset()
    assert emu.state(SubaccountState).subaccounts == {}
    own = f"{emu.url}/v1/Account/{created['auth_id']}/"
    async with aiohttp.ClientSession(
        headers=auth_header(created["auth_id"], created["auth_token"])
    ) as sub_http:
        assert (await request_json(sub_http, "GET", own))[0] == 401


def test_the_token_is_not_in_the_records_repr() -> None:
    from plivo_async.emulator.state import SubaccountRecord

    record = SubaccountRecord("SA" + "A" * 18, "secret-token-value", "A", True, "2023-11-14")
    assert "secret-token-value" not in repr(record)
