"""PHLO: get, run, multi-party-call actions (which dial) and member actions."""

from __future__ import annotations

import asyncio
from typing import Any

import aiohttp
import pytest

from plivo_async.emulator import Emulator

from ._helpers import Api

AGENT = "+14152225555"
TRIGGER = "+14152223333"


async def test_get_phlo_and_node(http: aiohttp.ClientSession, api: Api) -> None:
    async with http.get(f"{api.phlo}/phlo1") as resp:
        assert resp.status == 200
        phlo = await resp.json()
    assert phlo["phlo_id"] == "phlo1" and phlo["api_id"] and phlo["name"]
    async with http.get(api.mpc() + "/") as resp:
        node = await resp.json()
    assert (node["node_id"], node["phlo_id"], node["node_type"]) == (
        "node1",
        "phlo1",
        "multi_party_call",
    )


async def test_run_phlo(http: aiohttp.ClientSession, api: Api, emu: Emulator) -> None:
    url = f"{emu.phlo_url}/v1/account/{emu.auth_id}/phlo/phlo1"
    async with http.post(url, json={"from": "+14155550100", "to": AGENT}) as resp:
        assert resp.status == 201
        data = await resp.json()
    assert data["phlo_id"] == "phlo1" and data["api_id"] in data["message"]
    async with http.post(f"{emu.url}/v1/account/MAOTHER0000000000000/phlo/phlo1") as resp:
        assert resp.status == 401


@pytest.mark.parametrize("action", ["call", "warm_transfer", "cold_transfer"])
async def test_mpc_actions_dial_and_record(
    http: aiohttp.ClientSession, api: Api, emu: Emulator, action: str
) -> None:
    body = {"action": action, "to": AGENT, "role": "agent", "trigger_source": TRIGGER}
    async with http.post(api.mpc(), json=body) as resp:
        assert resp.status == 200
        data = await resp.json()
    assert data["error"] == "" and data["api_id"]
    [call] = emu.history.calls
    assert (call.to, call.from_, call.source) == (AGENT, TRIGGER, "mpc")
    assert (call.phlo_id, call.node_id, call.action) == ("phlo1", "node1", action)
    emulated = emu.call(call.uuid)
    assert emulated is not None and emulated.params["role"] == "agent"


@pytest.mark.parametrize(
    ("override", "fragment"),
    [
        ({"action": "dial"}, "action"),
        ({"action": None}, "action"),
        ({"role": "boss"}, "role"),
        ({"to": "nobody"}, "to"),
        ({"to": None}, "to"),
        ({"trigger_source": None}, "trigger_source"),
    ],
)
async def test_mpc_action_validation(
    http: aiohttp.ClientSession,
    api: Api,
    emu: Emulator,
    override: dict[str, Any],
    fragment: str,
) -> None:
    body = {"action": "call", "to": AGENT, "role": "agent", "trigger_source": TRIGGER}
    body = {k: v for k, v in {**body, **override}.items() if v is not None}
    async with http.post(api.mpc(), json=body) as resp:
        assert resp.status == 400
        data = await resp.json()
    assert fragment in data["error"] and data["api_id"]
    assert emu.history.calls == []


async def test_role_defaults_to_agent(http: aiohttp.ClientSession, api: Api, emu: Emulator) -> None:
    body = {"action": "call", "to": AGENT, "trigger_source": TRIGGER}
    async with http.post(api.mpc(), json=body) as resp:
        assert resp.status == 200
    emulated = emu.call(emu.history.calls[0].uuid)
    assert emulated is not None and emulated.params["role"] == "agent"


async def test_member_actions(http: aiohttp.ClientSession, api: Api, emu: Emulator) -> None:
    body = {"action": "call", "to": AGENT, "role": "customer", "trigger_source": TRIGGER}
    async with http.post(api.mpc(), json=body) as resp:
        assert resp.status == 200
    member_url = f"{api.mpc()}/members/{AGENT}"
    for action in ("hold", "mute", "unhold", "abort_transfer", "resume_call", "hangup"):
        async with http.post(member_url, json={"action": action}) as resp:
            assert resp.status == 200, action
            assert (await resp.json())["error"] == ""
    call = emu.call(emu.history.calls[0].uuid)
    assert call is not None and call.status(emu.clock()) == "cancel"
    async with http.post(member_url, json={"action": "explode"}) as resp:
        assert resp.status == 400
    async with http.post(f"{api.mpc()}/members/not-a-number", json={"action": "hold"}) as resp:
        assert resp.status == 400


async def test_official_sync_phlo_sdk_talks_to_the_emulator(emu: Emulator) -> None:
    plivo = pytest.importorskip("plivo")

    def run() -> list[Any]:
        client = plivo.phlo.RestClient(auth_id=emu.auth_id, auth_token=emu.auth_token)
        client.phlo_base_uri = f"{emu.phlo_url}/v1"
        phlo = client.phlo.get("phlo1")
        mpc = phlo.multi_party_call("node1")
        return [
            mpc.call(TRIGGER, AGENT, "agent"),
            mpc.warm_transfer(TRIGGER, "+14152226666"),
            mpc.member(AGENT).hold(),
        ]

    responses = await asyncio.to_thread(run)
    assert all(r.error == "" for r in responses)
    assert [c.to for c in emu.history.calls] == [AGENT, "+14152226666"]
