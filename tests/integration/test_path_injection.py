"""Issue 11.8 against the emulator: a hostile id reaches the intended route as one id."""

from __future__ import annotations

import pytest

from plivo_async import AsyncPlivo
from plivo_async.emulator import Emulator, PhloNode
from plivo_async.errors import ResourceNotFoundError
from tests.integration.conftest import FROM, NODE_ID, PHLO_ID, number

HOSTILE_MEMBERS = [
    "sip:x/../../../../../../account/{auth_id}/phlo/OTHER_PHLO?z=@example.com",
    "sip:a?action=hangup@example.com",
    "sip:a%2F..@example.com",
]


@pytest.mark.parametrize("template", HOSTILE_MEMBERS)
@pytest.mark.parametrize("action", ["hangup", "hold", "voicemail_drop"])
async def test_hostile_member_id_acts_on_that_member_only(
    emu: Emulator, client: AsyncPlivo, template: str, action: str
) -> None:
    member_id = template.format(auth_id=emu.auth_id)
    emu.declare_phlos({PHLO_ID: {NODE_ID: PhloNode("multi_party_call", [member_id])}})
    mpc = client.phlo(PHLO_ID).multi_party_call(NODE_ID)
    await mpc.call(FROM, number(1))
    emu.reset_history()
    answer = await getattr(mpc.member(member_id), action)()
    assert answer.api_id
    (request,) = emu.history.requests
    # The emulator decodes the path: the member id comes back whole, in its own segment.
    assert request.path == f"/v1/phlo/{PHLO_ID}/multi_party_call/{NODE_ID}/members/{member_id}"
    assert request.query == {}
    assert emu.history.calls == []  # no other PHLO ran, nobody was dialled


@pytest.mark.parametrize("call_uuid", ["../Request/x", "a?status=live", "%2e%2e"])
async def test_hostile_call_uuid_is_looked_up_as_that_id(
    emu: Emulator, client: AsyncPlivo, call_uuid: str
) -> None:
    with pytest.raises(ResourceNotFoundError):
        await client.calls.get(call_uuid)
    (request,) = emu.history.requests
    assert request.path == f"/v1/Account/{emu.auth_id}/Call/{call_uuid}/"
    assert request.query == {}
