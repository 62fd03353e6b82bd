"""Conference and MultiPartyCall routes over raw HTTP: odd bodies never cost a 5xx.

Every route of the two areas gets bodies of every JSON shape (and forms); the emulator
must answer each with a 2xx, a 400 or a 404, as Plivo does, never a server error.
"""

from __future__ import annotations

from typing import Any

import aiohttp
import pytest

from plivo_async.emulator import Emulator, ManualClock
from plivo_async.emulator.state import ConferenceState

from ._helpers import Api, call_body

ODD_VALUES: list[Any] = [None, "", "x", 0, -1, 10**40, 1.5, True, [], ["active"], {}, {"a": 1}]
FIELDS = [
    "url", "text", "file_format", "callback_url", "callback_method", "role", "from", "to",
    "call_uuid", "status", "ring_timeout", "max_participants", "confirm_key", "enter_sound",
    "status_callback_events", "mute", "coach_mode", "hold", "caller_name", "dial_music",
]  # fmt: skip


async def _setup(http: aiohttp.ClientSession, api: Api, emu: Emulator, clock: ManualClock) -> None:
    async with http.post(api.calls, json=call_body()) as resp:
        uuid = (await resp.json())["request_uuid"]
    clock.advance(3.0)
    call = emu.call(uuid)
    assert call is not None
    emu.state(ConferenceState).join("room", call, now=clock())
    body = {"role": "agent", "from": "+14155550100", "to": "+14155550111"}
    async with http.post(f"{api.account}/MultiPartyCall/name_m/Participant/", json=body) as resp:
        assert resp.status == 200


def _routes(api: Api) -> list[tuple[str, str]]:
    conf = f"{api.account}/Conference/room"
    mpc = f"{api.account}/MultiPartyCall/name_m"
    member = f"{conf}/Member/1"
    part = f"{mpc}/Participant/1"
    return [
        ("POST", f"{conf}/Record/"), ("DELETE", f"{conf}/Record/"), ("POST", f"{member}/Mute/"),
        ("POST", f"{member}/Deaf/"), ("POST", f"{member}/Play/"), ("POST", f"{member}/Speak/"),
        ("POST", f"{member}/Kick/"), ("DELETE", f"{member}/Speak/"), ("DELETE", conf + "/"),
        ("POST", f"{api.emu.url}/__emulator__/Conference/room/Member/"),
        ("POST", mpc + "/"), ("POST", f"{mpc}/Participant/"), ("POST", f"{mpc}/Record/"),
        ("POST", f"{mpc}/Record/Pause/"), ("POST", part + "/"), ("POST", f"{part}/Record/"),
        ("POST", f"{part}/Record/Pause/"), ("POST", f"{mpc}/Member/1/Play/"),
        ("DELETE", part + "/"), ("DELETE", mpc + "/"),
        ("POST", f"{api.account}/MultiPartyCall/bogus/Participant/"),
    ]  # fmt: skip


def _bodies(value: Any) -> list[dict[str, Any]]:
    """Every field at once; one field at a time too for the shapes most likely to break."""
    bodies = [dict.fromkeys(FIELDS, value)]
    if value in ([], {"a": 1}):
        bodies += [{field: value} for field in FIELDS]
    return bodies


@pytest.mark.parametrize("value", ODD_VALUES, ids=repr)
async def test_odd_json_values_get_a_4xx_or_a_success_never_a_5xx(
    http: aiohttp.ClientSession, api: Api, emu: Emulator, manual_clock: ManualClock, value: Any
) -> None:
    await _setup(http, api, emu, manual_clock)
    for method, url in _routes(api):
        for body in _bodies(value):
            async with http.request(method, url, json=body) as resp:
                assert resp.status < 500, (method, url, body, await resp.text())
                if resp.status >= 400:
                    assert resp.status in (400, 404)
                    assert (await resp.json())["error"]


async def test_non_object_bodies_and_forms(
    http: aiohttp.ClientSession, api: Api, emu: Emulator, manual_clock: ManualClock
) -> None:
    await _setup(http, api, emu, manual_clock)
    for method, url in _routes(api):
        for data in ("[1, 2]", '"text"', "{not json", ""):
            headers = {"Content-Type": "application/json"}
            async with http.request(method, url, data=data, headers=headers) as resp:
                assert resp.status < 500, (method, url, data)
        async with http.request(method, url, data={"url": "x", "mute": "yes"}) as resp:
            assert resp.status < 500, (method, url)


@pytest.mark.parametrize(
    "query",
    [{"limit": "0"}, {"limit": "x"}, {"offset": "-1"}, {"status": "nope"}, {"callback_url": "x"}],
)
async def test_list_queries_are_validated(
    http: aiohttp.ClientSession, api: Api, query: Any
) -> None:
    async with http.get(f"{api.account}/MultiPartyCall/", params=query) as resp:
        assert resp.status == 400
