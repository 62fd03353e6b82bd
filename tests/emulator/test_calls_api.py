"""The Call API endpoints: status codes, shapes, auth, validation, unknown resources."""

from __future__ import annotations

import asyncio
from typing import Any

import aiohttp
import pytest

from plivo_async.emulator import Emulator, ManualClock

from ._helpers import ANSWER_URL, FROM, Api, auth_header, call_body


async def create(http: aiohttp.ClientSession, api: Api, **extra: Any) -> dict[str, Any]:
    async with http.post(api.calls, json=call_body(**extra)) as resp:
        assert resp.status == 201, await resp.text()
        data: dict[str, Any] = await resp.json()
        return data


async def test_create_returns_call_fired_and_places_one_call(
    http: aiohttp.ClientSession, api: Api, emu: Emulator
) -> None:
    data = await create(http, api)
    assert data["message"] == "call fired"
    assert isinstance(data["request_uuid"], str)
    assert data["api_id"] and data["api_id"] != data["request_uuid"]
    [placed] = emu.history.calls
    assert (placed.uuid, placed.to, placed.from_, placed.source) == (
        data["request_uuid"],
        "+14155550101",
        FROM,
        "api",
    )


async def test_bulk_to_places_one_call_per_destination(
    http: aiohttp.ClientSession, api: Api, emu: Emulator
) -> None:
    data = await create(http, api, to="+14155550101<14155550102<sip:alice@example.com")
    uuids = data["request_uuid"]
    assert isinstance(uuids, list) and len(set(uuids)) == 3
    assert [c.to for c in emu.history.calls] == [
        "+14155550101",
        "14155550102",
        "sip:alice@example.com",
    ]
    assert [c.uuid for c in emu.history.calls] == uuids


async def test_form_body_and_no_trailing_slash_are_accepted(
    http: aiohttp.ClientSession, api: Api, emu: Emulator
) -> None:
    async with http.post(api.calls.rstrip("/"), data=call_body()) as resp:
        assert resp.status == 201
        assert (await resp.json())["message"] == "call fired"
    assert emu.history.requests[0].body == call_body()


async def test_get_call_returns_cdr_shape(http: aiohttp.ClientSession, api: Api) -> None:
    uuid = (await create(http, api))["request_uuid"]
    async with http.get(api.call(uuid)) as resp:
        assert resp.status == 200
        data = await resp.json()
    assert data["call_uuid"] == uuid
    assert data["to_number"] == "+14155550101"
    assert data["from_number"] == FROM
    assert data["call_direction"] == "outbound"
    assert data["call_status"] == "ringing"
    assert data["resource_uri"].endswith(f"/Call/{uuid}/")
    assert {"api_id", "answer_time", "end_time", "bill_duration", "hangup_cause_name"} <= set(data)


async def test_list_pages_with_meta(http: aiohttp.ClientSession, api: Api) -> None:
    uuids = [(await create(http, api, to=f"+1415555{i:04d}"))["request_uuid"] for i in range(5)]
    async with http.get(api.calls, params={"limit": "2", "offset": "1"}) as resp:
        assert resp.status == 200
        data = await resp.json()
    meta = data["meta"]
    assert (meta["limit"], meta["offset"], meta["total_count"]) == (2, 1, 5)
    assert meta["next"].endswith("limit=2&offset=3")
    assert meta["previous"].endswith("limit=2&offset=0")
    # Newest first, like Plivo's CDR list.
    assert [o["call_uuid"] for o in data["objects"]] == [uuids[3], uuids[2]]
    async with http.get(api.calls, params={"to_number": "+14155550003"}) as resp:
        filtered = await resp.json()
    assert [o["call_uuid"] for o in filtered["objects"]] == [uuids[3]]


@pytest.mark.parametrize("params", [{"limit": "21"}, {"limit": "0"}, {"offset": "-1"}])
async def test_list_rejects_bad_paging(
    http: aiohttp.ClientSession, api: Api, params: dict[str, str]
) -> None:
    async with http.get(api.calls, params=params) as resp:
        assert resp.status == 400
        assert (await resp.json())["error"]


async def test_live_and_queued_lookups(
    http: aiohttp.ClientSession, api: Api, emu: Emulator
) -> None:
    uuid = (await create(http, api))["request_uuid"]
    async with http.get(api.calls, params={"status": "live"}) as resp:
        assert (await resp.json())["calls"] == [uuid]
    async with http.get(api.calls, params={"status": "queued"}) as resp:
        assert (await resp.json())["calls"] == []
    async with http.get(api.call(uuid), params={"status": "live"}) as resp:
        assert resp.status == 200
        live = await resp.json()
    assert live["call_uuid"] == uuid
    assert live["call_status"] == "ringing"
    assert live["direction"] == "outbound"
    assert live["to"] == "14155550101"
    async with http.get(api.call(uuid), params={"status": "queued"}) as resp:
        assert resp.status == 404


async def test_transfer_and_in_call_actions(
    http: aiohttp.ClientSession, api: Api, emu: Emulator, manual_clock: ManualClock
) -> None:
    uuid = (await create(http, api))["request_uuid"]
    manual_clock.advance(3)  # answered
    transfer = {"legs": "aleg", "aleg_url": "https://example.com/xfer", "aleg_method": "GET"}
    async with http.post(api.call(uuid), json=transfer) as resp:
        assert resp.status == 202
        assert (await resp.json())["message"] == "call transferred"
    async with http.post(api.call(uuid, "Record"), json={"file_format": "wav"}) as resp:
        assert resp.status == 202
        record = await resp.json()
    assert record["message"] == "call recording started"
    assert record["url"].endswith(f"{record['recording_id']}.wav")
    async with http.post(api.call(uuid, "Play"), json={"urls": "https://example.com/a.mp3"}) as r:
        assert (r.status, (await r.json())["message"]) == (202, "play started")
    async with http.post(api.call(uuid, "Speak"), json={"text": "hello"}) as r:
        assert (r.status, (await r.json())["message"]) == (202, "speak started")
    async with http.post(api.call(uuid, "DTMF"), json={"digits": "12w#", "leg": "aleg"}) as r:
        assert (r.status, (await r.json())["message"]) == (202, "digits sent")
    for sub in ("Record", "Play", "Speak"):
        async with http.delete(api.call(uuid, sub)) as resp:
            assert resp.status == 204
    call = emu.call(uuid)
    assert call is not None
    assert call.events["dtmf"] == ["12w#"]
    assert call.events["transfers"][0]["aleg_url"] == "https://example.com/xfer"


@pytest.mark.parametrize(
    ("sub", "body", "fragment"),
    [
        ("", {"legs": "cleg"}, "legs"),
        ("", {"legs": "bleg"}, "bleg_url"),
        ("Record", {"file_format": "ogg"}, "file_format"),
        ("Play", {}, "urls"),
        ("Speak", {}, "text"),
        ("DTMF", {"digits": "12x"}, "digits"),
    ],
)
async def test_in_call_actions_validate(
    http: aiohttp.ClientSession, api: Api, sub: str, body: dict[str, Any], fragment: str
) -> None:
    uuid = (await create(http, api))["request_uuid"]
    async with http.post(api.call(uuid, sub), json=body) as resp:
        assert resp.status == 400
        assert fragment in (await resp.json())["error"]


async def test_hangup_then_404(
    http: aiohttp.ClientSession, api: Api, manual_clock: ManualClock
) -> None:
    uuid = (await create(http, api))["request_uuid"]
    manual_clock.advance(5)
    async with http.delete(api.call(uuid)) as resp:
        assert resp.status == 204
    async with http.get(api.call(uuid)) as resp:
        cdr = await resp.json()
    assert cdr["call_status"] == "completed"
    assert cdr["hangup_source"] == "API Request"
    assert cdr["call_duration"] == 3
    async with http.delete(api.call(uuid)) as resp:
        assert resp.status == 404
    async with http.post(api.call(uuid, "Play"), json={"urls": "https://example.com/a.mp3"}) as r:
        assert r.status == 404


@pytest.mark.parametrize("method", ["GET", "DELETE"])
async def test_unknown_call_is_404_with_api_id(
    http: aiohttp.ClientSession, api: Api, method: str
) -> None:
    async with http.request(method, api.call("0d7e7cd6-0000-4000-8000-000000000000")) as resp:
        assert resp.status == 404
        data = await resp.json()
    assert data["api_id"] and data["error"]


async def test_unknown_route_answers_json(http: aiohttp.ClientSession, api: Api) -> None:
    async with http.get(f"{api.account}/Nothing/") as resp:
        assert resp.status == 404
        assert resp.content_type == "application/json"
    async with http.put(api.calls) as resp:
        assert resp.status == 405
        assert (await resp.json())["error"]


@pytest.mark.parametrize(
    ("credentials", "path_auth_id"),
    [
        (("MAEMULATOR0000000000", "wrong-token"), None),
        (("MAOTHER0000000000000", "emulator-token"), None),
        (("MAEMULATOR0000000000", "emulator-token"), "MAOTHER0000000000000"),
        (None, None),
    ],
)
async def test_wrong_credentials_are_401_and_place_nothing(
    emu: Emulator, credentials: tuple[str, str] | None, path_auth_id: str | None
) -> None:
    headers = auth_header(*credentials) if credentials else {}
    url = f"{emu.url}/v1/Account/{path_auth_id or emu.auth_id}/Call/"
    async with (
        aiohttp.ClientSession(headers=headers) as session,
        session.post(url, json=call_body()) as resp,
    ):
        assert resp.status == 401
        data = await resp.json()
    assert data["api_id"] and data["error"]
    assert emu.history.calls == []
    assert emu.history.requests[0].status == 401


async def test_error_messages_never_contain_the_token(emu: Emulator) -> None:
    headers = auth_header(emu.auth_id, "not-the-token")
    async with (
        aiohttp.ClientSession(headers=headers) as session,
        session.get(f"{emu.url}/v1/Account/{emu.auth_id}/Call/") as resp,
    ):
        text = await resp.text()
    assert emu.auth_token not in text and "not-the-token" not in text


BAD_CREATES: list[tuple[dict[str, Any], str]] = [
    ({"from": None}, "from"),
    ({"to": None}, "to"),
    ({"answer_url": None}, "answer_url"),
    ({"to": "12345"}, "to"),
    ({"to": "+1415555010a"}, "to"),
    ({"to": "+14155550101<bogus"}, "to"),
    ({"to": "+1234567890123456"}, "to"),
    ({"from": "abc"}, "from"),
    ({"to": FROM}, "overlap"),
    ({"answer_url": "ftp://example.com/x"}, "answer_url"),
    ({"hangup_url": "not a url"}, "hangup_url"),
    ({"answer_method": "PUT"}, "answer_method"),
    ({"ring_method": "DELETE"}, "ring_method"),
    ({"machine_detection_time": 1999}, "machine_detection_time"),
    ({"machine_detection_time": "10001"}, "machine_detection_time"),
    ({"machine_detection": "maybe"}, "machine_detection"),
    ({"caller_name": "x" * 51}, "caller_name"),
    ({"time_limit": 0}, "time_limit"),
    ({"time_limit": "ten"}, "time_limit"),
    ({"send_digits": "12x"}, "send_digits"),
    ({"sip_headers": "a=b,c-d=e"}, "sip_headers"),
    ({"send_on_preanswer": "yes"}, "send_on_preanswer"),
]


@pytest.mark.parametrize(("override", "fragment"), BAD_CREATES)
async def test_create_validation_is_400_with_api_id(
    http: aiohttp.ClientSession,
    api: Api,
    emu: Emulator,
    override: dict[str, Any],
    fragment: str,
) -> None:
    body = {k: v for k, v in {**call_body(), **override}.items() if v is not None}
    async with http.post(api.calls, json=body) as resp:
        assert resp.status == 400
        data = await resp.json()
    assert data["api_id"]
    assert fragment in data["error"]
    assert emu.history.calls == []


async def test_create_accepts_every_documented_field(
    http: aiohttp.ClientSession, api: Api, emu: Emulator
) -> None:
    body = call_body(
        answer_method="get",
        ring_url="https://example.com/ring",
        ring_method="POSt",
        hangup_url="https://example.com/hangup",
        fallback_url="https://example.com/fallback",
        caller_name="x" * 50,
        send_digits="1w2W3@1000",
        send_on_preanswer=True,
        time_limit="300",
        hangup_on_ring=60,
        machine_detection="hangup",
        machine_detection_time=2000,
        sip_headers="head1=val1,head2=val2",
        ring_timeout=120,
        error_if_parent_not_found=False,
    )
    async with http.post(api.calls, json=body) as resp:
        assert resp.status == 201, await resp.text()
    assert len(emu.history.calls) == 1


@pytest.mark.parametrize("raw", [b"{not json", b"[1, 2]"])
async def test_malformed_json_body_is_400(
    http: aiohttp.ClientSession, api: Api, raw: bytes
) -> None:
    headers = {"Content-Type": "application/json"}
    async with http.post(api.calls, data=raw, headers=headers) as resp:
        assert resp.status == 400


async def test_parent_call_must_exist_when_asked(http: aiohttp.ClientSession, api: Api) -> None:
    body = call_body(parent_call_uuid="nope", error_if_parent_not_found=True)
    async with http.post(api.calls, json=body) as resp:
        assert resp.status == 400
        assert "parent" in (await resp.json())["error"]
    parent = (await create(http, api))["request_uuid"]
    body = call_body(to="+14155550199", parent_call_uuid=parent, error_if_parent_not_found="true")
    async with http.post(api.calls, json=body) as resp:
        assert resp.status == 201


async def test_official_sync_sdk_talks_to_the_emulator(
    emu: Emulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The reference SDK's requests (JSON with ints and bools) are accepted as Plivo would."""
    plivo = pytest.importorskip("plivo")
    sdk_client = pytest.importorskip("plivo.rest.client")

    monkeypatch.setattr(sdk_client, "API_VOICE_BASE_URI", f"{emu.url}/v1/Account")

    def run() -> tuple[Any, Any, Any]:
        client = plivo.RestClient(emu.auth_id, emu.auth_token)
        created = client.calls.create(from_=FROM, to_="+14155550101", answer_url=ANSWER_URL)
        fetched = client.calls.get(created.request_uuid)
        live = client.live_calls.get(created.request_uuid)
        client.calls.delete(created.request_uuid)
        return created, fetched, live

    created, fetched, live = await asyncio.to_thread(run)
    assert created.message == "call fired"
    assert fetched.call_uuid == created.request_uuid
    assert live.call_status == "ringing"
    assert [c.to for c in emu.history.calls] == ["+14155550101"]
    assert emu.history.requests[0].body is not None
    assert emu.history.requests[0].body["machine_detection_time"] == 5000
