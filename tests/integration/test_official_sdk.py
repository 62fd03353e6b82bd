"""The official (synchronous) ``plivo`` SDK against the emulator, run in a worker thread.

If Plivo's own SDK can place a call on the emulator and our client can then read that
call back, both speak the protocol the emulator speaks: the emulator is a fair oracle.
The second test runs the SDK into a 500 returned *after* the call was placed: the SDK
re-sends the POST (to its "fallback" hosts, here the emulator again) and dials twice,
while this library stops with ``OutcomeUnknownError``.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from typing import Any

import pytest

from plivo_async import OutcomeUnknownError
from plivo_async.emulator import Emulator, FaultConfig

from .conftest import ANSWER_URL, FROM, client_for, number

plivo = pytest.importorskip("plivo")
sdk_client = pytest.importorskip("plivo.rest.client")

_PROXY_VARS = ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy")


@pytest.fixture
def sdk_on(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """Point every base URL of the official SDK at an emulator (nothing leaves loopback)."""
    made: list[Any] = []

    def point(emu: Emulator) -> Any:
        account = f"{emu.url}/v1/Account"
        for name in (
            "PLIVO_API_BASE_URI",
            "API_VOICE_BASE_URI",
            "API_VOICE_BASE_URI_FALLBACK_1",
            "API_VOICE_BASE_URI_FALLBACK_2",
        ):
            monkeypatch.setattr(sdk_client, name, account)
        for var in _PROXY_VARS:
            monkeypatch.delenv(var, raising=False)
        sdk = plivo.RestClient(emu.auth_id, emu.auth_token, timeout=5)
        made.append(sdk)
        return sdk

    yield point
    for sdk in made:  # close pooled sockets now, not in a later test's garbage collection
        sdk.session.close()
        sdk.multipart_session.close()


async def test_official_sdk_places_a_call_the_async_client_can_read(
    emu: Emulator, sdk_on: Any
) -> None:
    sdk = sdk_on(emu)
    response = await asyncio.to_thread(
        sdk.calls.create, from_=FROM, to_=number(1), answer_url=ANSWER_URL, ring_timeout=30
    )
    uuid = response.request_uuid
    assert isinstance(uuid, str)
    assert response.message == "call fired"
    [call] = emu.history.calls
    assert (call.uuid, call.to, call.from_) == (uuid, number(1), FROM)
    rec = emu.history.requests[0]
    assert (rec.method, rec.path, rec.status) == ("POST", f"/v1/Account/{emu.auth_id}/Call/", 201)
    assert rec.body is not None
    assert {"from": FROM, "to": number(1), "answer_url": ANSWER_URL}.items() <= rec.body.items()

    # The SDK's call, read back by this library (same paths, auth and shapes).
    async with client_for(emu) as client:
        details = await client.calls.get(uuid)
    assert (details.call_uuid, details.to_number, details.from_number) == (uuid, number(1), FROM)
    # ... and the other way round: a call placed by this library, read by the SDK.
    async with client_for(emu) as client:
        ours = await client.calls.create(from_=FROM, to=number(2), answer_url=ANSWER_URL)
    assert isinstance(ours.request_uuid, str)
    theirs = await asyncio.to_thread(sdk.calls.get, ours.request_uuid)
    assert theirs.call_uuid == ours.request_uuid
    assert theirs.to_number == number(2)


async def test_after_a_500_the_sdk_dials_twice_and_this_library_does_not(
    emu: Emulator, sdk_on: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    sdk = sdk_on(emu)
    emu.faults = FaultConfig(schedule=["500_after"])
    await asyncio.to_thread(sdk.calls.create, from_=FROM, to_=number(3), answer_url=ANSWER_URL)
    assert "Fallback for URL" in capsys.readouterr().out  # the SDK says it re-sent
    assert emu.dialled_counts()[number(3)] == 2
    assert emu.duplicates() == {number(3): 2}

    emu.faults = FaultConfig(schedule=["500_after"])
    async with client_for(emu) as client:
        with pytest.raises(OutcomeUnknownError):
            await client.calls.create(from_=FROM, to=number(4), answer_url=ANSWER_URL)
    assert emu.dialled_counts()[number(4)] == 1
