"""``client.call_feedback`` against the emulator, which serves the call insights path too."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from plivo_async import AsyncPlivo, PlivoRestError, ResourceNotFoundError
from plivo_async.emulator import Emulator
from plivo_async.emulator.state import CallFeedbackState

from .conftest import ANSWER_URL, FROM, client_for, number


@pytest.fixture
async def client(emu: Emulator) -> AsyncIterator[AsyncPlivo]:
    async with client_for(emu, callinsights_base_url=emu.url) as plivo:
        yield plivo


async def test_feedback_on_a_placed_call(client: AsyncPlivo, emu: Emulator) -> None:
    placed = await client.calls.create(from_=FROM, to=number(1), answer_url=ANSWER_URL)
    assert isinstance(placed.request_uuid, str)
    response = await client.call_feedback.create(
        placed.request_uuid, 3, issues=["ECHO", "audio_lag"], notes="echo on the far end"
    )
    assert response.message == "Feedback has been posted"
    assert response.status == "success"
    rec = emu.history.requests[-1]
    assert (rec.method, rec.path) == ("POST", f"/v1/Call/{placed.request_uuid}/Feedback/")
    [got] = emu.state(CallFeedbackState).received
    assert (got.call_uuid, got.rating, got.issues, got.notes) == (
        placed.request_uuid,
        3.0,
        ["ECHO", "AUDIO_LAG"],
        "echo on the far end",
    )


async def test_feedback_on_an_unknown_call_is_not_found(client: AsyncPlivo, emu: Emulator) -> None:
    with pytest.raises(ResourceNotFoundError) as err:
        await client.call_feedback.create("no-such-call", 5)
    assert err.value.status == 404
    assert emu.state(CallFeedbackState).received == []


async def test_the_emulator_refuses_what_plivo_refuses(emu: Emulator) -> None:
    # Past the client's own checks (a raw request): Plivo answers 422.
    async with client_for(emu, callinsights_base_url=emu.url) as client:
        placed = await client.calls.create(from_=FROM, to=number(2), answer_url=ANSWER_URL)
        url = f"{client.transport.callinsights_base}Call/{placed.request_uuid}/Feedback/"
        with pytest.raises(PlivoRestError) as err:
            await client.transport.request("POST", url, json={"rating": 9})
    assert err.value.status == 422
