"""Raw HTTP against the emulator's call feedback, masking session, verified caller id and
token routes: Plivo's refusals, and no 5xx whatever the body holds."""

from __future__ import annotations

from typing import Any

import aiohttp
import pytest

from plivo_async.emulator import Emulator
from plivo_async.emulator.state import MaskingSessionState

from ._helpers import Api, call_body

FIRST, SECOND = "+14155552345", "+12165554567"


async def _status(
    http: aiohttp.ClientSession, method: str, url: str, body: Any = None
) -> tuple[int, Any]:
    async with http.request(method, url, json=body) as resp:
        return resp.status, await resp.json(content_type=None) if resp.status != 204 else None


async def placed_call(http: aiohttp.ClientSession, api: Api) -> str:
    status, data = await _status(http, "POST", api.calls, call_body())
    assert status == 201
    uuid: str = data["request_uuid"]
    return uuid


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ({"rating": 5}, 201),
        ({"rating": "4.5", "issues": ["ECHO"]}, 201),
        ({"rating": 4}, 422),
        ({"rating": 0}, 422),
        ({"rating": "NaN", "issues": ["ECHO"]}, 422),
        ({"rating": True}, 422),
        ({"rating": 3, "issues": "ECHO"}, 422),
        ({"rating": 3, "issues": [{"a": 1}]}, 422),
        ({"rating": 3, "issues": ["LOUD"]}, 422),
    ],
)
async def test_feedback_rules(
    http: aiohttp.ClientSession, api: Api, emu: Emulator, body: dict[str, Any], status: int
) -> None:
    uuid = await placed_call(http, api)
    got, data = await _status(http, "POST", f"{emu.url}/v1/Call/{uuid}/Feedback/", body)
    assert got == status
    assert data["api_id"]
    if status == 422:
        assert data["error"]


async def test_feedback_needs_auth(emu: Emulator, api: Api) -> None:
    async with aiohttp.ClientSession() as anonymous:
        status, _ = await _status(anonymous, "POST", f"{emu.url}/v1/Call/x/Feedback/", {})
    assert status == 401


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"second_party": SECOND}, "first_party"),
        ({"first_party": FIRST}, "second_party"),
        ({"first_party": FIRST, "second_party": FIRST}, "differ"),
        ({"first_party": "nope", "second_party": SECOND}, "first_party"),
        ({"first_party": FIRST, "second_party": SECOND, "record_file_format": "ogg"}, "format"),
        ({"first_party": FIRST, "second_party": SECOND, "callback_url": "x"}, "callback_url"),
        ({"first_party": FIRST, "second_party": SECOND, "callback_method": "PUT"}, "method"),
        ({"first_party": FIRST, "second_party": SECOND, "generate_pin_length": 2}, "pin_length"),
        ({"first_party": FIRST, "second_party": SECOND, "record": "maybe"}, "record"),
    ],
)
async def test_masking_session_rules(
    http: aiohttp.ClientSession, api: Api, emu: Emulator, body: dict[str, Any], message: str
) -> None:
    status, data = await _status(http, "POST", f"{api.account}/Masking/Session/", body)
    assert status == 400
    assert message in data["error"]
    assert emu.state(MaskingSessionState).sessions == {}


async def test_single_party_session(http: aiohttp.ClientSession, api: Api) -> None:
    body = {"first_party": FIRST, "create_session_with_single_party": "true"}
    status, data = await _status(http, "POST", f"{api.account}/Masking/Session", body)
    assert status == 201
    assert data["session"]["create_session_with_single_party"] is True
    assert data["session"]["status"] == "active"


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ({"iss": "MAEMULATOR0000000000"}, 201),
        ({"iss": "MAEMULATOR0000000000", "per": {"voice": {"incoming_allow": True}}}, 400),
        ({"iss": "MAEMULATOR0000000000", "per": ["voice"]}, 400),
        ({"iss": "MAEMULATOR0000000000", "per": {"voice": 1}}, 400),
        ({"iss": "MAEMULATOR0000000000", "nbf": 100, "exp": 50}, 400),
        ({}, 400),
    ],
)
async def test_token_rules(
    http: aiohttp.ClientSession, api: Api, emu: Emulator, body: dict[str, Any], status: int
) -> None:
    if body.get("iss"):
        body["iss"] = emu.auth_id
    got, data = await _status(http, "POST", f"{api.account}/JWT/Token/", body)
    assert got == status, data
    assert ("token" in data) == (status == 201)


@pytest.mark.parametrize(
    "body",
    [
        {"phone_number": "x"},
        {"phone_number": "+14155550123", "channel": "fax"},
        {"phone_number": "+14155550123", "country": "USA"},
        {"phone_number": "+14155550123", "alias": ["a"]},
    ],
)
async def test_verify_initiate_rules(
    http: aiohttp.ClientSession, api: Api, body: dict[str, Any]
) -> None:
    status, data = await _status(http, "POST", f"{api.account}/VerifiedCallerId/", body)
    assert status == 400
    assert data["error"]


ODD_BODIES: list[Any] = [
    {},
    {"rating": [1]},
    {"first_party": 1, "second_party": {"x": 1}},
    {"session_expiry": "9" * 400, "first_party": FIRST, "second_party": SECOND},
    {"phone_number": None, "otp": [1]},
    {"iss": {"a": 1}, "per": None},
    {"per": {"voice": {"incoming_allow": "yes"}}, "iss": "x", "nbf": 1.5},
    {"alias": 3, "subaccount": {}},
    {"issues": None, "rating": "5", "notes": 7},
]


@pytest.mark.parametrize("body", ODD_BODIES)
async def test_no_route_answers_5xx(
    http: aiohttp.ClientSession, api: Api, emu: Emulator, body: Any
) -> None:
    call = await placed_call(http, api)
    _, created = await _status(
        http,
        "POST",
        f"{api.account}/Masking/Session/",
        {"first_party": FIRST, "second_party": SECOND},
    )
    session = created["session_uuid"]
    _, started = await _status(
        http, "POST", f"{api.account}/VerifiedCallerId/", {"phone_number": "+14155550123"}
    )
    targets = [
        ("POST", f"{emu.url}/v1/Call/{call}/Feedback/"),
        ("POST", f"{api.account}/Masking/Session/"),
        ("POST", f"{api.account}/Masking/Session/{session}/"),
        ("POST", f"{api.account}/VerifiedCallerId/"),
        ("POST", f"{api.account}/VerifiedCallerId/Verification/{started['verification_uuid']}/"),
        ("POST", f"{api.account}/VerifiedCallerId/%2B14155550123/"),
        ("POST", f"{api.account}/JWT/Token/"),
    ]
    for method, url in targets:
        status, _ = await _status(http, method, url, body)
        assert status < 500, (method, url, body)
