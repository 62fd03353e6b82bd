"""SIP endpoints end to end (CRUD against the emulator's state)."""

from __future__ import annotations

import pytest

from plivo_async import AsyncPlivo, ResourceNotFoundError, ValidationError
from plivo_async.emulator import Emulator


async def test_endpoint_crud(client: AsyncPlivo, emu: Emulator) -> None:
    app = await client.applications.create("Softphones", answer_url="https://example.com/a")
    created = await client.endpoints.create("frontdesk", "s3cret-pass", "Front desk", app.app_id)
    assert created.message == "created"
    assert created.username is not None and created.username.startswith("frontdesk")
    assert len(created.username) == len("frontdesk") + 12
    endpoint_id = created.endpoint_id or ""

    got = await client.endpoints.get(int(endpoint_id))
    assert (got.alias, got.username, got.sip_registered) == ("Front desk", created.username, False)
    assert got.application == f"/v1/Account/{emu.auth_id}/Application/{app.app_id}/"
    assert got.sip_uri == f"sip:{created.username}@phone.plivo.com"

    changed = await client.endpoints.update(endpoint_id, alias="Reception", app_id=None)
    assert changed.message == "changed"
    assert (await client.endpoints.get(endpoint_id)).alias == "Reception"

    await client.endpoints.delete(endpoint_id)
    with pytest.raises(ResourceNotFoundError):
        await client.endpoints.get(endpoint_id)


async def test_list_and_iterate(client: AsyncPlivo) -> None:
    ids = [
        (await client.endpoints.create(f"user{i}", "s3cret-pass", f"User {i}")).endpoint_id
        for i in range(23)
    ]
    first = await client.endpoints.list()
    assert len(first) == 20 and first.meta.total_count == 23
    assert [e.endpoint_id for e in await client.endpoints.list(limit=5, offset=20)] == ids[20:]
    assert [e.endpoint_id async for e in client.endpoints] == ids
    assert [e.endpoint_id async for e in client.endpoints.iter_all(limit=7)] == ids


async def test_two_creates_with_one_username_make_two_endpoints(client: AsyncPlivo) -> None:
    """Why create is never re-sent after an ambiguous failure: it is not idempotent."""
    one = await client.endpoints.create("desk", "s3cret-pass", "Desk")
    two = await client.endpoints.create("desk", "s3cret-pass", "Desk")
    assert one.endpoint_id != two.endpoint_id and one.username != two.username


async def test_create_with_an_unknown_application_is_refused(client: AsyncPlivo) -> None:
    with pytest.raises(ValidationError) as excinfo:
        await client.endpoints.create("desk", "s3cret-pass", "Desk", app_id=12345)
    assert excinfo.value.status == 400


@pytest.mark.parametrize("method", ["get", "delete"])
async def test_unknown_endpoint_is_a_not_found(client: AsyncPlivo, method: str) -> None:
    with pytest.raises(ResourceNotFoundError):
        await getattr(client.endpoints, method)("99999999999999")


async def test_update_unknown_endpoint_is_a_not_found(client: AsyncPlivo) -> None:
    with pytest.raises(ResourceNotFoundError):
        await client.endpoints.update("99999999999999", alias="x")


async def test_a_short_password_never_reaches_the_emulator(
    client: AsyncPlivo, emu: Emulator
) -> None:
    with pytest.raises(ValidationError):
        await client.endpoints.create("desk", "1234", "Desk")
    assert emu.history.requests == []
