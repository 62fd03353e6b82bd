"""The last voice-API gaps end to end: the real client against the emulator."""

from __future__ import annotations

from plivo_async import AsyncPlivo
from plivo_async.emulator import Emulator, ManualClock

from .conftest import ANSWER_URL, FROM

TUNING = {
    "machine_detection_maximum_speech_length": 4000,
    "machine_detection_initial_silence": 3000,
    "machine_detection_maximum_words": 5,
    "machine_detection_initial_greeting": 2500,
    "machine_detection_silence": 600,
}


async def test_tuned_calls_are_placed_and_listed_by_stir_verification(
    client: AsyncPlivo, emu: Emulator, manual_clock: ManualClock
) -> None:
    home = await client.calls.create(
        FROM, "+14155550101", ANSWER_URL, machine_detection=True, **TUNING
    )
    await client.calls.create(FROM, "+442071838750", ANSWER_URL)
    [request] = [r for r in emu.history.requests if r.body.get("to") == "+14155550101"]
    assert {k: request.body[k] for k in TUNING} == TUNING
    manual_clock.advance(3600)
    verified = await client.calls.list(stir_verification="verified")
    assert [(c.call_uuid, c.stir_verification) for c in verified] == [
        (home.request_uuid, "Verified")
    ]
    abroad = await client.calls.list(stir_verification="Not Applicable")
    assert [c.to_number for c in abroad] == ["+442071838750"]


async def test_the_asynchronous_mode_reaches_the_emulator(client: AsyncPlivo) -> None:
    created = await client.endpoints.create(
        "desk", "s3cret-pass", "Desk", callback_url="https://example.com/cb"
    )
    assert created.endpoint_id
    app = await client.applications.create(
        "Support", "https://example.com/answer", callback_url="https://example.com/cb"
    )
    got = await client.applications.get(app.app_id or "", callback_url="https://example.com/cb")
    assert got.app_id == app.app_id
    await client.endpoints.delete(created.endpoint_id, callback_method="GET")
