"""PHLO conference bridge members and generic nodes, end to end against the emulator."""

from __future__ import annotations

import pytest

from plivo_async import AsyncPlivo
from plivo_async.emulator import Emulator, PhloNode
from plivo_async.emulator.state import Phlos, PhloState
from plivo_async.errors import ValidationError
from plivo_async.models.phlo import MEMBER_ACTIONS

from .conftest import NODE_ID, PHLO_ID, number

MEMBER = number(930)
BRIDGE_ID = "bridge-0001"
BRIDGE_PATH = f"/v1/phlo/{PHLO_ID}/conference_bridge/{BRIDGE_ID}"
#: A node of each type (a node id has one type, as on Plivo).
NODES = {"conference_bridge": BRIDGE_ID, "multi_party_call": NODE_ID, "custom": "custom-0001"}


@pytest.fixture
def phlos() -> Phlos:
    """The PHLO of these tests: an MPC node, a conference bridge with MEMBER in it, a custom
    node."""
    return {
        PHLO_ID: {
            NODE_ID: "multi_party_call",
            BRIDGE_ID: PhloNode("conference_bridge", [MEMBER]),
            "custom-0001": "custom",
        }
    }


async def test_every_bridge_member_action_reaches_the_member(
    client: AsyncPlivo, emu: Emulator
) -> None:
    member = client.phlo(PHLO_ID).conference_bridge(BRIDGE_ID).member(MEMBER)
    for action in ("hold", "mute"):
        assert (await getattr(member, action)()).ok
    state = emu.state(PhloState).node_members(PHLO_ID, BRIDGE_ID)[MEMBER]
    assert (state.on_hold, state.muted) == (True, True)
    for action in ("unhold", "unmute"):
        await getattr(member, action)()
    assert (state.on_hold, state.muted) == (False, False)
    for action in sorted(set(MEMBER_ACTIONS) - {"hold", "mute", "unhold", "unmute"}):
        await getattr(member, action)()
    assert state.actions[-1] == "voicemail_drop" and state.left
    paths = {r.path for r in emu.history.requests}
    assert paths == {f"{BRIDGE_PATH}/members/{MEMBER}"}


@pytest.mark.parametrize("node_type", ["conference_bridge", "multi_party_call", "custom"])
async def test_node_get(client: AsyncPlivo, emu: Emulator, node_type: str) -> None:
    node_id = NODES[node_type]
    details = await client.phlo(PHLO_ID).node(node_type, node_id).get()
    assert (details.phlo_id, details.node_id, details.node_type) == (PHLO_ID, node_id, node_type)
    assert details.name


async def test_a_bad_member_address_is_a_400(client: AsyncPlivo, emu: Emulator) -> None:
    """Sent raw (the client refuses it before sending): the emulator answers 400."""
    url = f"{emu.url}{BRIDGE_PATH}/members/not-a-number"
    with pytest.raises(ValidationError) as info:
        await client.transport.request("POST", url, json={"action": "hold"})
    assert info.value.status == 400


async def test_node_update_dials_through_the_node(client: AsyncPlivo, emu: Emulator) -> None:
    node = client.phlo(PHLO_ID).node("multi_party_call", NODE_ID)
    assert (await node.update("call", number(931), number(932), "customer")).ok
    assert emu.dialled_counts() == {number(932): 1}
    with pytest.raises(ValidationError) as info:  # the emulator's 400 for an unknown action
        await node.update("teleport", number(931), number(932))
    assert info.value.status == 400
