"""Applications end to end (CRUD against the emulator's state, endpoints on delete)."""

from __future__ import annotations

import pytest

from plivo_async import AsyncPlivo, ResourceNotFoundError, ValidationError
from plivo_async.emulator import Emulator


async def test_application_crud(client: AsyncPlivo, emu: Emulator) -> None:
    created = await client.applications.create(
        "Support line", answer_url="https://example.com/answer", hangup_method="GET"
    )
    assert created.message == "created" and created.app_id
    app_id = int(created.app_id)  # as the SDK's users pass it

    got = await client.applications.get(app_id)
    assert (got.app_name, got.answer_url, got.answer_method, got.hangup_method) == (
        "Support line",
        "https://example.com/answer",
        "POST",  # the API's default
        "GET",
    )
    assert got.log_incoming_messages is True and got.default_app is False

    await client.applications.update(app_id, answer_url="https://example.com/v2")
    again = await client.applications.get(app_id)
    # Only the field given changed: hangup_method kept its value (the SDK would reset it).
    assert (again.answer_url, again.hangup_method) == ("https://example.com/v2", "GET")

    await client.applications.delete(app_id)
    with pytest.raises(ResourceNotFoundError):
        await client.applications.get(app_id)


async def test_default_flags_move_between_applications(client: AsyncPlivo) -> None:
    first = (await client.applications.create("One", default_number_app=True)).app_id or ""
    second = (await client.applications.create("Two")).app_id or ""
    await client.applications.update(second, default_number_app=True)
    assert (await client.applications.get(first)).default_app is False
    assert (await client.applications.get(second)).default_app is True


async def test_list_filters_and_iterates(client: AsyncPlivo) -> None:
    ids = [(await client.applications.create(f"App {i}")).app_id for i in range(5)]
    assert [a.app_id for a in await client.applications.list(app_name="App 3")] == [ids[3]]
    assert [a.app_id for a in await client.applications.list(limit=2, offset=2)] == ids[2:4]
    assert [a.app_id async for a in client.applications.iter_all(limit=2)] == ids
    assert [a.app_id async for a in client.applications] == ids


async def test_a_second_application_with_one_name_is_refused(client: AsyncPlivo) -> None:
    await client.applications.create("Support line")
    with pytest.raises(ValidationError) as excinfo:
        await client.applications.create("Support line")
    assert excinfo.value.status == 400


async def test_delete_cascades_to_endpoints_unless_they_move(client: AsyncPlivo) -> None:
    old = (await client.applications.create("Old")).app_id or ""
    new = (await client.applications.create("New")).app_id or ""
    moved = (await client.endpoints.create("moved", "s3cret-pass", "M", old)).endpoint_id or ""
    await client.applications.delete(old, cascade=False, new_endpoint_application=new)
    endpoint = await client.endpoints.get(moved)
    assert endpoint.application is not None and endpoint.application.endswith(f"/{new}/")

    gone = (await client.endpoints.create("gone", "s3cret-pass", "G", new)).endpoint_id or ""
    await client.applications.delete(new, cascade=True)
    for endpoint_id in (moved, gone):
        with pytest.raises(ResourceNotFoundError):
            await client.endpoints.get(endpoint_id)


@pytest.mark.parametrize("method", ["get", "delete"])
async def test_unknown_application_is_a_not_found(client: AsyncPlivo, method: str) -> None:
    with pytest.raises(ResourceNotFoundError):
        await getattr(client.applications, method)(10000000000000000)


async def test_update_unknown_application_is_a_not_found(client: AsyncPlivo) -> None:
    with pytest.raises(ResourceNotFoundError):
        await client.applications.update(10000000000000000, answer_url="https://e.com/a")


async def test_bad_settings_never_reach_the_emulator(client: AsyncPlivo, emu: Emulator) -> None:
    with pytest.raises(ValidationError):
        await client.applications.create("x", answer_method="PUT")
    assert emu.history.requests == []
