"""Machine detection's tuning parameters on ``calls.create`` and the ``stir_verification``
filter of ``calls.list``: checked before sending (the field and its rule named), then sent."""

from __future__ import annotations

import re

import pytest
from aioresponses import aioresponses

from plivo_async.client import AsyncPlivo
from plivo_async.errors import ValidationError

from ._fixtures import refused
from ._resources_helpers import (
    API,
    body_of,
    client_fixture,  # noqa: F401 - the "client" fixture
    mocked_fixture,  # noqa: F401 - the "mocked" fixture
    only_request,
)

CALL = {"from_": "+14155550100", "to": "+14155550101", "answer_url": "https://x.test/a"}
FIRED = {"api_id": "a1", "message": "call fired", "request_uuid": "r1"}
RANGES = {
    "machine_detection_maximum_speech_length": (1000, 6000),
    "machine_detection_initial_silence": (2000, 10000),
    "machine_detection_maximum_words": (2, 10),
    "machine_detection_initial_greeting": (1000, 5000),
    "machine_detection_silence": (500, 5000),
}


async def test_the_tuning_parameters_are_sent_as_given(
    client: AsyncPlivo, mocked: aioresponses
) -> None:
    mocked.post(API + "Call/", status=201, payload=FIRED)
    tuning = {name: low for name, (low, _) in RANGES.items()}
    await client.calls.create(**CALL, machine_detection="hangup", **tuning)
    _, _, kwargs = only_request(mocked)
    body = body_of(kwargs)
    assert {name: body[name] for name in RANGES} == tuning
    assert body["machine_detection"] == "hangup"


async def test_a_csv_cell_is_an_integer_on_the_wire(
    client: AsyncPlivo, mocked: aioresponses
) -> None:
    mocked.post(API + "Call/", status=201, payload=FIRED)
    await client.calls.create(**CALL, machine_detection_maximum_words="4")  # type: ignore[arg-type]
    _, _, kwargs = only_request(mocked)
    assert body_of(kwargs)["machine_detection_maximum_words"] == 4


@pytest.mark.parametrize("name", sorted(RANGES))
@pytest.mark.parametrize("side", ["below", "above"])
async def test_a_value_out_of_its_range_is_refused_before_sending(
    client: AsyncPlivo, mocked: aioresponses, name: str, side: str
) -> None:
    low, high = RANGES[name]
    bad = low - 1 if side == "below" else high + 1
    with pytest.raises(ValidationError) as excinfo:
        await client.calls.create(**CALL, **{name: bad})  # type: ignore[arg-type]
    refused(excinfo, name, mocked)
    assert excinfo.value.rule == f"must be an integer from {low} to {high}"


@pytest.mark.parametrize(
    ("given", "sent"),
    [
        ("Verified", "Verified"),
        ("not verified", "Not Verified"),
        ("NOT  APPLICABLE", "Not Applicable"),
    ],
)
async def test_stir_verification_is_sent_as_plivo_spells_it(
    client: AsyncPlivo, mocked: aioresponses, given: str, sent: str
) -> None:
    mocked.get(re.compile(re.escape(API + "Call/") + r"\?.*"), payload={"objects": []})
    await client.calls.list(stir_verification=given)
    _, url, _ = only_request(mocked)
    assert url.query["stir_verification"] == sent


async def test_an_unknown_stir_verification_is_refused(
    client: AsyncPlivo, mocked: aioresponses
) -> None:
    with pytest.raises(ValidationError) as excinfo:
        await client.calls.list(stir_verification="attested")
    refused(excinfo, "stir_verification", mocked)
    assert "Not Verified" in excinfo.value.rule
