"""``Recording/`` and ``Transcription/`` over raw HTTP: shapes, 400s and 404s."""

from __future__ import annotations

import aiohttp
import pytest

from plivo_async.emulator import ManualClock

from ._helpers import Api, call_body


async def recorded_call(
    http: aiohttp.ClientSession, api: Api, clock: ManualClock
) -> tuple[str, str]:
    async with http.post(api.calls, json=call_body()) as resp:
        uuid: str = (await resp.json())["request_uuid"]
    clock.advance(3.0)
    async with http.post(api.call(uuid, "Record"), json={"time_limit": "20"}) as resp:
        recording_id: str = (await resp.json())["recording_id"]
    return uuid, recording_id


async def test_a_recording_has_plivo_shape(
    http: aiohttp.ClientSession, api: Api, manual_clock: ManualClock
) -> None:
    uuid, recording_id = await recorded_call(http, api, manual_clock)
    manual_clock.advance(25.0)
    async with http.get(f"{api.account}/Recording/{recording_id}/") as resp:
        data = await resp.json()
    assert data["call_uuid"] == uuid
    assert data["recording_duration_ms"] == "20000.00000"  # its time limit
    assert data["rounded_recording_duration"] == 60
    assert data["resource_uri"].endswith(f"/Recording/{recording_id}/")


@pytest.mark.parametrize(
    "query",
    [
        {"add_time__gt": "yesterday"},
        {"recording_storage_duration__lt": "-1"},
        {"subaccount": "nope"},
        {"limit": "21"},
        {"offset": "x"},
    ],
)
async def test_bad_list_filters_are_400(
    http: aiohttp.ClientSession, api: Api, query: dict[str, str]
) -> None:
    async with http.get(f"{api.account}/Recording/", params=query) as resp:
        assert resp.status == 400
        assert (await resp.json())["error"]


async def test_unknown_ids_are_404(http: aiohttp.ClientSession, api: Api) -> None:
    for method, path in [
        ("GET", "Recording/nope/"),
        ("DELETE", "Recording/nope/"),
        ("POST", "Transcription/nope/"),
        ("GET", "Transcription/nope/"),
        ("DELETE", "Transcription/nope/"),
    ]:
        async with http.request(method, f"{api.account}/{path}", json={}) as resp:
            assert resp.status == 404, (method, path)


async def test_transcription_callback_must_be_a_url(
    http: aiohttp.ClientSession, api: Api, manual_clock: ManualClock
) -> None:
    _uuid, recording_id = await recorded_call(http, api, manual_clock)
    url = f"{api.account}/Transcription/{recording_id}/"
    async with http.post(url, json={"transcription_callback_url": "not a url"}) as resp:
        assert resp.status == 400


async def test_stopping_a_recording_ends_it(
    http: aiohttp.ClientSession, api: Api, manual_clock: ManualClock
) -> None:
    uuid, recording_id = await recorded_call(http, api, manual_clock)
    manual_clock.advance(4.0)
    async with http.delete(api.call(uuid, "Record")) as resp:
        assert resp.status == 204
    manual_clock.advance(10.0)
    async with http.get(f"{api.account}/Recording/{recording_id}/") as resp:
        assert (await resp.json())["recording_duration_ms"] == "4000.00000"
