"""``Call/{uuid}/Stream/`` over raw HTTP: Plivo's 400s, 404s and shapes."""

from __future__ import annotations

from typing import Any

import aiohttp
import pytest

from plivo_async.emulator import ManualClock

from ._helpers import Api, call_body

WSS = "wss://stream.example.com/audio"


async def live_call(http: aiohttp.ClientSession, api: Api, clock: ManualClock) -> str:
    async with http.post(api.calls, json=call_body()) as resp:
        uuid: str = (await resp.json())["request_uuid"]
    clock.advance(3.0)
    return uuid


@pytest.mark.parametrize(
    ("body", "error"),
    [
        ({}, "Missing mandatory parameter: service_url"),
        ({"service_url": "https://x.example.com"}, "not a ws(s) URL"),
        ({"service_url": WSS, "audio_track": "left"}, "audio_track must be one of"),
        (
            {"service_url": WSS, "bidirectional": True, "audio_track": "both"},
            "must be inbound when bidirectional",
        ),
        ({"service_url": WSS, "stream_timeout": 0}, "stream_timeout must be >= 1"),
        ({"service_url": WSS, "stream_timeout": "soon"}, "stream_timeout must be an integer"),
        ({"service_url": WSS, "content_type": "audio/wav"}, "content_type must be one of"),
        ({"service_url": WSS, "extra_headers": "a=b;c"}, "extra_headers must be"),
        ({"service_url": WSS, "status_callback_method": "PUT"}, "status_callback_method"),
        ({"service_url": WSS, "status_callback_url": "ftp://x"}, "status_callback_url"),
        ({"service_url": WSS, "bidirectional": "perhaps"}, "bidirectional must be"),
        ({"service_url": {"nested": 1}}, "service_url must be a string"),
    ],
)
async def test_start_stream_validates_like_plivo(
    http: aiohttp.ClientSession,
    api: Api,
    manual_clock: ManualClock,
    body: dict[str, Any],
    error: str,
) -> None:
    uuid = await live_call(http, api, manual_clock)
    async with http.post(api.call(uuid, "Stream"), json=body) as resp:
        assert resp.status == 400
        data = await resp.json()
    assert error in data["error"]
    assert data["api_id"]


async def test_start_then_read_and_stop(
    http: aiohttp.ClientSession, api: Api, manual_clock: ManualClock
) -> None:
    uuid = await live_call(http, api, manual_clock)
    async with http.post(api.call(uuid, "Stream"), json={"service_url": WSS}) as resp:
        assert resp.status == 202
        stream_id = (await resp.json())["stream_id"]
    async with http.get(api.call(uuid, f"Stream/{stream_id}")) as resp:
        data = await resp.json()
    assert (data["status"], data["audio_track"], data["content_type"]) == (
        "in-progress",
        "inbound",
        "audio/x-l16;rate=8000",
    )
    async with http.get(api.call(uuid, "Stream")) as resp:
        listing = await resp.json()
    assert listing["meta"]["total_count"] == 1
    assert [s["stream_id"] for s in listing["objects"]] == [stream_id]
    async with http.delete(api.call(uuid, "Stream")) as resp:
        assert resp.status == 204


async def test_a_stream_on_a_queued_or_ended_call_is_not_found(
    http: aiohttp.ClientSession, api: Api, manual_clock: ManualClock
) -> None:
    uuid = await live_call(http, api, manual_clock)
    manual_clock.advance(60.0)
    async with http.post(api.call(uuid, "Stream"), json={"service_url": WSS}) as resp:
        assert resp.status == 404
    async with http.get(api.call(uuid, "Stream")) as resp:
        assert resp.status == 200  # an ended call's streams can still be read
