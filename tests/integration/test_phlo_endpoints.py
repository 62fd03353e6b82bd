"""PHLO: get, run, multi-party-call actions and every member action, against the emulator."""

from __future__ import annotations

from typing import Any

import pytest

from plivo_async import AsyncPlivo, OutcomeUnknownError
from plivo_async.emulator import Emulator, FaultConfig, ManualClock, PhloNode
from plivo_async.emulator.state import PhloState
from plivo_async.models import PhloActionResponse, PhloDetails, PhloRunResponse
from plivo_async.models.phlo import MEMBER_ACTIONS

from .conftest import NODE_ID, PHLO_ID, number

AGENT = number(900)
MPC_PATH = f"/v1/phlo/{PHLO_ID}/multi_party_call/{NODE_ID}"


async def test_get_phlo(client: AsyncPlivo, emu: Emulator) -> None:
    details = await client.phlo(PHLO_ID).get()
    assert isinstance(details, PhloDetails)
    assert details.phlo_id == PHLO_ID
    assert details.name == f"emulated phlo {PHLO_ID}"
    assert details.api_id
    rec = emu.history.requests[-1]
    assert (rec.method, rec.path, rec.status) == ("GET", f"/v1/phlo/{PHLO_ID}", 200)


async def test_run_phlo(client: AsyncPlivo, emu: Emulator) -> None:
    payload: dict[str, Any] = {"from": number(901), "to": number(902)}
    response = await client.phlo(PHLO_ID).run(**payload)
    assert isinstance(response, PhloRunResponse)
    assert response.phlo_id == PHLO_ID
    assert response.phlo_run_id
    assert response.message is not None and response.phlo_run_id in response.message
    rec = emu.history.requests[-1]
    assert (rec.method, rec.path, rec.status) == (
        "POST",
        f"/v1/account/{emu.auth_id}/phlo/{PHLO_ID}",
        201,
    )
    assert rec.body == {"from": number(901), "to": number(902)}
    assert emu.history.calls == []  # a run is accepted; the emulator dials nobody


@pytest.mark.parametrize("action", ["call", "warm_transfer", "cold_transfer"])
async def test_mpc_action_dials_the_member(client: AsyncPlivo, emu: Emulator, action: str) -> None:
    mpc = client.phlo(PHLO_ID).multi_party_call(NODE_ID)
    customer = number(910)
    response = await getattr(mpc, action)(trigger_source=AGENT, to=customer, role="customer")
    assert isinstance(response, PhloActionResponse)
    assert response.ok
    assert response.error == ""
    assert response.api_id
    rec = emu.history.requests[-1]
    assert (rec.method, rec.path, rec.status) == ("POST", MPC_PATH, 200)
    assert rec.body == {
        "action": action,
        "to": customer,
        "role": "customer",
        "trigger_source": AGENT,
    }
    [call] = emu.history.calls
    assert (call.to, call.from_, call.source) == (customer, AGENT, "mpc")
    assert (call.phlo_id, call.node_id, call.action) == (PHLO_ID, NODE_ID, action)
    assert emu.dialled_counts() == {customer: 1}


async def test_every_member_action(
    client: AsyncPlivo, emu: Emulator, manual_clock: ManualClock
) -> None:
    mpc = client.phlo(PHLO_ID).multi_party_call(NODE_ID)
    customer = number(920)
    await mpc.call(trigger_source=AGENT, to=customer, role="customer")
    [placed] = emu.history.calls
    member = mpc.member(customer)
    emu.reset_history()

    # hangup goes last: it ends the member's call.
    for action in MEMBER_ACTIONS:
        if action == "hangup":
            continue
        response = await getattr(member, action)()
        assert isinstance(response, PhloActionResponse), action
        assert response.ok, action
    assert (await member.hangup()).ok

    sent = [(r.method, r.path, r.status, r.body) for r in emu.history.requests]
    expected_order = [a for a in MEMBER_ACTIONS if a != "hangup"] + ["hangup"]
    assert sent == [
        ("POST", f"{MPC_PATH}/members/{customer}", 200, {"action": a}) for a in expected_order
    ]
    assert emu.history.calls == []  # member actions place no call
    # hangup and voicemail_drop ended the member's call on the emulator.
    state = emu.call(placed.uuid)
    assert state is not None
    assert state.is_over(manual_clock())
    assert state.hangup_source == "API Request"


async def test_member_state_follows_hold_and_mute(client: AsyncPlivo, emu: Emulator) -> None:
    mpc = client.phlo(PHLO_ID).multi_party_call(NODE_ID)
    customer = number(930)
    await mpc.call(trigger_source=AGENT, to=customer)
    member = mpc.member(customer)
    members = emu.state(PhloState).node_members(PHLO_ID, NODE_ID)
    await member.hold()
    await member.mute()
    assert (members[customer].on_hold, members[customer].muted) == (True, True)
    await member.unhold()
    await member.unmute()
    assert (members[customer].on_hold, members[customer].muted) == (False, False)
    assert members[customer].actions == ["call", "hold", "mute", "unhold", "unmute"]


async def test_member_actions_follow_the_retry_table(client: AsyncPlivo, emu: Emulator) -> None:
    """hold is idempotent (retried after a 500); hangup is not (outcome unknown, no retry)."""
    emu.declare_phlos({PHLO_ID: {NODE_ID: PhloNode("multi_party_call", [number(940)])}})
    member = client.phlo(PHLO_ID).multi_party_call(NODE_ID).member(number(940))
    emu.faults = FaultConfig(schedule=["500_after"])
    assert (await member.hold()).ok
    assert [r.fault for r in emu.history.requests] == ["500_after", None]

    emu.reset_history()
    emu.faults = FaultConfig(schedule=["500_after"])
    with pytest.raises(OutcomeUnknownError) as info:
        await member.hangup()
    assert info.value.attempts == 1
    assert [r.fault for r in emu.history.requests] == ["500_after"]
