"""``Endpoint/`` over raw HTTP: Plivo's 400s and the endpoint shape."""

from __future__ import annotations

from typing import Any

import aiohttp
import pytest

from ._helpers import Api

GOOD = {"username": "desk", "password": "s3cret-pass", "alias": "Desk"}


@pytest.mark.parametrize(
    ("body", "error"),
    [
        ({"password": "s3cret-pass", "alias": "Desk"}, "username"),
        ({**GOOD, "username": "front desk"}, "letters and digits"),
        ({**GOOD, "password": "1234"}, "at least 5"),
        ({"username": "desk", "password": "s3cret-pass"}, "alias"),
        ({**GOOD, "app_id": "424242"}, "no application"),
        ({**GOOD, "alias": ["x"]}, "alias must be a string"),
    ],
)
async def test_create_validates_like_plivo(
    http: aiohttp.ClientSession, api: Api, body: dict[str, Any], error: str
) -> None:
    async with http.post(f"{api.account}/Endpoint/", json=body) as resp:
        assert resp.status == 400
        assert error in (await resp.json())["error"]


async def test_created_endpoint_shape_hides_the_password(
    http: aiohttp.ClientSession, api: Api
) -> None:
    async with http.post(f"{api.account}/Endpoint/", json=GOOD) as resp:
        assert resp.status == 201
        endpoint_id = (await resp.json())["endpoint_id"]
    assert len(endpoint_id) == 14 and endpoint_id.isdigit()
    async with http.get(f"{api.account}/Endpoint/{endpoint_id}/") as resp:
        data = await resp.json()
    assert "password" not in data
    assert data["sip_registered"] == "false"


async def test_update_validates_and_404s(http: aiohttp.ClientSession, api: Api) -> None:
    async with http.post(f"{api.account}/Endpoint/", json=GOOD) as resp:
        endpoint_id = (await resp.json())["endpoint_id"]
    async with http.post(f"{api.account}/Endpoint/{endpoint_id}/", json={"password": "x"}) as resp:
        assert resp.status == 400
    async with http.post(f"{api.account}/Endpoint/1/", json={"alias": "x"}) as resp:
        assert resp.status == 404
