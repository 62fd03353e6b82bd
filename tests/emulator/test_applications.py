"""``Application/`` over raw HTTP: Plivo's 400s, defaults and the application shape."""

from __future__ import annotations

from typing import Any

import aiohttp
import pytest

from ._helpers import Api


@pytest.mark.parametrize(
    ("body", "error"),
    [
        ({}, "app_name"),
        ({"app_name": "x", "answer_url": "example.com"}, "answer_url"),
        ({"app_name": "x", "message_method": "PUT"}, "message_method"),
        ({"app_name": "x", "public_uri": "sometimes"}, "public_uri"),
        ({"app_name": "x", "subaccount": "SA1"}, "subaccount"),
    ],
)
async def test_create_validates_like_plivo(
    http: aiohttp.ClientSession, api: Api, body: dict[str, Any], error: str
) -> None:
    async with http.post(f"{api.account}/Application/", json=body) as resp:
        assert resp.status == 400
        assert error in (await resp.json())["error"]


async def test_defaults_and_shape(http: aiohttp.ClientSession, api: Api) -> None:
    async with http.post(f"{api.account}/Application/", json={"app_name": "IVR"}) as resp:
        assert resp.status == 201
        app_id = (await resp.json())["app_id"]
    async with http.get(f"{api.account}/Application/{app_id}/") as resp:
        data = await resp.json()
    assert data["sip_uri"] == f"sip:{app_id}@app.plivo.com"
    assert (data["answer_method"], data["log_incoming_messages"], data["default_app"]) == (
        "POST",
        True,
        False,
    )


async def test_delete_to_an_unknown_application_is_400(
    http: aiohttp.ClientSession, api: Api
) -> None:
    async with http.post(f"{api.account}/Application/", json={"app_name": "IVR"}) as resp:
        app_id = (await resp.json())["app_id"]
    body = {"cascade": False, "new_endpoint_application": "1"}
    async with http.delete(f"{api.account}/Application/{app_id}/", json=body) as resp:
        assert resp.status == 400
    async with http.get(f"{api.account}/Application/{app_id}/") as resp:
        assert resp.status == 200  # nothing was deleted
