"""Recordings, streams, endpoints and applications routes never answer 5xx to junk.

Every route of these areas gets the bodies and queries below (the known fields set to
values of the wrong shape, unparsable URLs, huge numbers): the answer is a 2xx, 400 or
404, never a crash.
"""

from __future__ import annotations

from typing import Any

import aiohttp
import pytest

from plivo_async.emulator import ManualClock

from ._helpers import Api, call_body

FIELDS = (
    "service_url", "bidirectional", "audio_track", "stream_timeout", "status_callback_url",
    "status_callback_method", "content_type", "extra_headers", "cx_bot", "username",
    "password", "alias", "app_id", "app_name", "answer_url", "answer_method",
    "default_number_app", "subaccount", "cascade", "new_endpoint_application",
    "transcription_callback_url",
)  # fmt: skip
JUNK: tuple[Any, ...] = (None, "", "http://[", "ws://[", {"a": 1}, [1, 2], 10**40, -1, True, 1.5)
QUERIES = (
    {"limit": "0"},
    {"offset": "9" * 40},
    {"add_time__gt": "2023-13-45 99:99"},
    {"recording_storage_duration": "x"},
    {"app_name": "\x00"},
)


def bodies() -> list[dict[str, Any]]:
    """Each junk value in every field at once, and the worst two in each field alone."""
    together = [dict.fromkeys(FIELDS, value) for value in JUNK]
    alone = [{field: value} for field in FIELDS for value in ("http://[", {"a": 1})]
    return together + alone


async def test_no_route_crashes_on_junk(
    http: aiohttp.ClientSession, api: Api, manual_clock: ManualClock
) -> None:
    async with http.post(api.calls, json=call_body()) as resp:
        uuid = (await resp.json())["request_uuid"]
    manual_clock.advance(3.0)
    routes = [
        ("POST", api.call(uuid, "Stream")),
        ("GET", api.call(uuid, "Stream")),
        ("DELETE", api.call(uuid, "Stream/x")),
        ("GET", f"{api.account}/Recording/"),
        ("POST", f"{api.account}/Transcription/x/"),
        ("POST", f"{api.account}/Endpoint/"),
        ("POST", f"{api.account}/Endpoint/1/"),
        ("GET", f"{api.account}/Endpoint/"),
        ("POST", f"{api.account}/Application/"),
        ("POST", f"{api.account}/Application/1/"),
        ("DELETE", f"{api.account}/Application/1/"),
        ("GET", f"{api.account}/Application/"),
    ]
    statuses = set()
    for method, url in routes:
        for body in bodies():
            async with http.request(method, url, json=body) as resp:
                statuses.add(resp.status)
                assert resp.status < 500, (method, url, body, await resp.text())
        for query in QUERIES:
            async with http.request(method, url, params=query) as resp:
                assert resp.status < 500, (method, url, query, await resp.text())
    assert {400, 404} <= statuses


@pytest.mark.parametrize("bad", ["http://[", "https://", "mailto:x@example.com"])
async def test_unparsable_urls_are_400(http: aiohttp.ClientSession, api: Api, bad: str) -> None:
    body = {"app_name": "x", "answer_url": bad}
    async with http.post(f"{api.account}/Application/", json=body) as resp:
        assert resp.status == 400
