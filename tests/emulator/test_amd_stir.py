"""The emulator's answering-machine detection tuned per call, and its ``stir_verification``.

The tuning parameters are checked like Plivo checks them (400 out of range) and decide what
detection makes of a scripted :class:`Greeting`, the same way every time.
"""

from __future__ import annotations

from typing import Any

import aiohttp
import pytest

from plivo_async.emulator import Emulator, Greeting, ManualClock, Script
from plivo_async.emulator.amd import TUNING, verdict

from ._helpers import Api, call_body
from .test_flow import TO, Docs, doc, place, setup  # noqa: F401 - "setup" is a fixture

RANGES = {
    "machine_detection_maximum_speech_length": (1000, 6000),
    "machine_detection_initial_silence": (2000, 10000),
    "machine_detection_maximum_words": (2, 10),
    "machine_detection_initial_greeting": (1000, 5000),
    "machine_detection_silence": (500, 5000),
}
VOICEMAIL = Greeting.spoken("Hi you have reached Sam please leave a message")  # 9 words
HELLO = Greeting.spoken("Hello?")


@pytest.mark.parametrize("name", sorted(RANGES))
async def test_a_tuning_value_out_of_range_is_400_naming_it(
    http: aiohttp.ClientSession, api: Api, name: str
) -> None:
    low, high = RANGES[name]
    for bad in (low - 1, high + 1, "soon"):
        async with http.post(api.calls, json=call_body(**{name: bad})) as resp:
            assert resp.status == 400
            assert name in (await resp.json())["error"]
    async with http.post(api.calls, json=call_body(**{name: low})) as resp:
        assert resp.status == 201


def test_the_defaults_are_plivos_documented_ones() -> None:
    assert TUNING == {
        "machine_detection_maximum_speech_length": 5000,
        "machine_detection_initial_silence": 4500,
        "machine_detection_maximum_words": 3,
        "machine_detection_initial_greeting": 1500,
        "machine_detection_silence": 800,
    }


@pytest.mark.parametrize(
    ("greeting", "tuning", "expected"),
    [
        (HELLO, {}, "human"),
        (VOICEMAIL, {}, "machine"),  # a 4th word: more than 3
        (VOICEMAIL, {"machine_detection_maximum_words": 10}, "machine"),  # 1500 ms passed
        (
            VOICEMAIL,
            {"machine_detection_maximum_words": 10, "machine_detection_initial_greeting": 5000},
            "human",
        ),
        # One word longer than maximum_speech_length: a machine, however few words.
        (Greeting([1400]), {"machine_detection_maximum_speech_length": 1000}, "machine"),
        (Greeting([1400]), {}, "human"),
        # A greeting longer than initial_greeting.
        (Greeting([800, 800]), {}, "machine"),
        (Greeting([800, 800]), {"machine_detection_initial_greeting": 2000}, "human"),
        # A pause longer than machine_detection_silence: a person who said hello and waits.
        (Greeting([400] * 6, gap_ms=900), {}, "human"),
        (Greeting([400] * 6, gap_ms=900), {"machine_detection_silence": 1000}, "machine"),
        # Silence longer than initial_silence before any word: unknown, no machine.
        (Greeting([400] * 9, initial_silence_ms=5000), {}, "unknown"),
        (
            Greeting([400] * 9, initial_silence_ms=5000),
            {"machine_detection_initial_silence": 6000},
            "machine",
        ),
    ],
)
def test_the_verdict_follows_the_tuning(
    greeting: Greeting, tuning: dict[str, int], expected: str
) -> None:
    assert verdict(greeting, tuning) == expected
    assert verdict(greeting, tuning) == expected  # the same every time


def test_a_greeting_is_checked_when_made() -> None:
    with pytest.raises(ValueError, match="length"):
        Greeting([0])
    with pytest.raises(ValueError, match="gap_ms"):
        Greeting([100], gap_ms=-1)
    with pytest.raises(TypeError, match="Greeting"):
        Script(greeting="hello")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("tuning", "path"),
    [
        ({}, ["machine", "machine_detection", "hangup"]),
        (
            {"machine_detection_maximum_words": 10, "machine_detection_initial_greeting": 5000},
            ["answer", "Speak", "hangup"],
        ),
    ],
)
async def test_a_call_flow_is_detected_with_its_own_tuning(
    setup: tuple[Emulator, Docs],  # noqa: F811 - the fixture
    tuning: dict[str, int],
    path: list[str],
) -> None:
    emu, docs = setup
    emu.flows.scripts[TO] = Script(answer="machine", greeting=VOICEMAIL)
    docs.pages["answer"] = doc("<Speak>Leave a message</Speak>")
    docs.pages["amd"] = (200, "")
    await place(
        emu,
        answer_url=docs.url("answer"),
        machine_detection="hangup",
        machine_detection_url=docs.url("amd"),
        **tuning,
    )
    assert emu.flows.path(TO) == path


async def test_a_person_with_a_long_greeting_is_taken_for_a_machine(
    setup: tuple[Emulator, Docs],  # noqa: F811 - the fixture
) -> None:
    emu, docs = setup
    emu.flows.scripts[TO] = Script(answer="human", greeting=VOICEMAIL)
    docs.pages["answer"] = doc("<Speak>Hi</Speak>")
    await place(emu, answer_url=docs.url("answer"), machine_detection="hangup")
    assert emu.flows.path(TO) == ["machine", "hangup"]


async def test_calls_list_filters_by_stir_verification(
    http: aiohttp.ClientSession, api: Api, emu: Emulator, manual_clock: ManualClock
) -> None:
    placed: dict[str, str] = {}
    for to in ("+14155550101", "+442071838750", "sip:alice@example.com"):
        async with http.post(api.calls, json=call_body(to=to)) as resp:
            placed[to] = (await resp.json())["request_uuid"]
    manual_clock.advance(3600)

    async def listed(value: str) -> list[Any]:
        query = {"stir_verification": value}
        async with http.get(api.calls, params=query) as resp:
            assert resp.status == 200, await resp.text()
            return [
                (c["to_number"], c["stir_verification"]) for c in (await resp.json())["objects"]
            ]

    assert await listed("Verified") == [("+14155550101", "Verified")]
    assert sorted(await listed("Not Applicable")) == [
        ("+442071838750", "Not Applicable"),
        ("sip:alice@example.com", "Not Applicable"),
    ]
    assert await listed("Not Verified") == []
    async with http.get(api.calls, params={"stir_verification": "verified"}) as resp:
        assert resp.status == 400
        assert "stir_verification" in (await resp.json())["error"]


@pytest.mark.parametrize(
    ("method", "path", "where"),
    [
        ("POST", "Endpoint/", "body"),
        ("GET", "Endpoint/", "query"),
        ("POST", "Application/", "body"),
        ("GET", "Application/", "query"),
        ("GET", "Recording/", "query"),
    ],
)
async def test_the_asynchronous_mode_is_checked_like_plivo(
    http: aiohttp.ClientSession, api: Api, method: str, path: str, where: str
) -> None:
    fields = {"username": "desk", "password": "s3cret", "alias": "Desk", "app_name": "A"}
    for bad, named in (
        ({"callback_url": "ftp://x.test/cb"}, "callback_url"),
        ({"callback_url": "https://x.test/cb", "callback_method": "PUT"}, "callback_method"),
    ):
        sent: dict[str, Any] = {"json": {**fields, **bad}} if where == "body" else {"params": bad}
        async with http.request(method, f"{api.account}/{path}", **sent) as resp:
            assert resp.status == 400, path
            assert named in (await resp.json())["error"]
