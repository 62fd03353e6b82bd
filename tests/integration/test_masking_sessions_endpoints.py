"""Every ``client.masking_sessions`` method against the emulator, with an error case each."""

from __future__ import annotations

import pytest

from plivo_async import AsyncPlivo, OutcomeUnknownError, ResourceNotFoundError, ValidationError
from plivo_async.emulator import Emulator, ManualClock
from plivo_async.emulator.state import MaskingSessionState

FIRST, SECOND = "+14155552345", "+12165554567"


async def create(client: AsyncPlivo, **options: object) -> str:
    response = await client.masking_sessions.create_masking_session(FIRST, SECOND, **options)
    assert response.session_uuid is not None
    return response.session_uuid


async def status_of(client: AsyncPlivo, uuid: str) -> str | None:
    session = (await client.masking_sessions.get_masking_session(uuid)).session
    assert session is not None
    return session.status


async def test_create_get_update_delete(
    client: AsyncPlivo, emu: Emulator, manual_clock: ManualClock
) -> None:
    created = await client.masking_sessions.create_masking_session(
        FIRST, SECOND, session_expiry=600, record=True, callback_url="https://example.com/cb"
    )
    assert created.message == "Session created"
    assert created.virtual_number == "+12205550001"
    assert created.session is not None and created.session.record is True
    uuid = created.session_uuid
    assert uuid is not None and uuid in emu.state(MaskingSessionState).sessions
    assert emu.history.calls == []  # no call unless initiate_call_to_first_party

    got = await client.masking_sessions.get_masking_session(uuid)
    assert got.session is not None
    assert (got.session.first_party, got.session.status) == (FIRST, "active")
    assert got.session.session_expiry == 600

    updated = await client.masking_sessions.update_masking_session(uuid, session_expiry=1200)
    assert updated.session is not None and updated.session.session_expiry == 1200
    manual_clock.advance(900)
    assert await status_of(client, uuid) == "active"
    manual_clock.advance(400)
    assert await status_of(client, uuid) == "expired"

    deleted = await client.masking_sessions.delete_masking_session(uuid)
    assert deleted.message == "Session expired"
    with pytest.raises(ResourceNotFoundError):
        await client.masking_sessions.get_masking_session(uuid)
    with pytest.raises(ResourceNotFoundError):
        await client.masking_sessions.update_masking_session(uuid, record=False)
    with pytest.raises(ResourceNotFoundError):
        await client.masking_sessions.delete_masking_session(uuid)


async def test_a_session_that_calls_the_first_party(client: AsyncPlivo, emu: Emulator) -> None:
    await create(client, initiate_call_to_first_party=True)
    [call] = emu.history.calls
    assert (call.to, call.from_) == (FIRST, "+12205550001")


async def test_create_refused_by_the_emulator(client: AsyncPlivo, emu: Emulator) -> None:
    # The client's rules stop the obvious; the emulator's 400 for what passes them.
    with pytest.raises(ValidationError) as err:
        await client.transport.request(
            "POST", client.transport.api_base + "Masking/Session/", json={"first_party": FIRST}
        )
    assert err.value.status == 400
    assert "second_party" in str(err.value)
    assert emu.state(MaskingSessionState).sessions == {}


async def test_create_is_never_sent_twice(client: AsyncPlivo, emu: Emulator) -> None:
    emu.set_faults(rate_5xx_after=1.0, server_errors=(500,))
    with pytest.raises(OutcomeUnknownError):
        await create(client)
    emu.clear_faults()
    # The session was created before the 500: a retry would have made a second one.
    assert len(emu.history.requests) == 1
    assert len(emu.state(MaskingSessionState).sessions) == 1


async def test_list_and_iterate(client: AsyncPlivo, emu: Emulator) -> None:
    uuids = [await create(client) for _ in range(5)]
    page = await client.masking_sessions.list_masking_session(limit=2, first_party=FIRST)
    assert [s.session_uuid for s in page] == uuids[::-1][:2]
    assert page.meta.total_count == 5
    everything = [s.session_uuid async for s in client.masking_sessions.iter_all(limit=2)]
    assert everything == uuids[::-1]
    none = await client.masking_sessions.list_masking_session(virtual_number="+19999999999")
    assert list(none) == []


async def test_list_refused_by_the_emulator(client: AsyncPlivo) -> None:
    with pytest.raises(ValidationError) as err:
        await client.transport.request(
            "GET", client.transport.api_base + "Masking/Session/", params={"limit": "50"}
        )
    assert err.value.status == 400
