"""PHLO ``conference_bridge(node_id)`` and the generic ``node(node_type, node_id)``."""

from __future__ import annotations

import pytest
from aioresponses import aioresponses

from plivo_async.client import AsyncPlivo
from plivo_async.errors import OutcomeUnknownError, ValidationError
from plivo_async.models.phlo import PhloActionResponse, PhloNodeDetails
from plivo_async.resources.phlo import ConferenceBridge, Node
from plivo_async.retry import RetryPolicy

from ._resources_helpers import (
    AUTH_ID,
    AUTH_TOKEN,
    NODE_ID,
    PHLO,
    PHLO_ID,
    CountingLimiter,
    assert_sent,
    client_fixture,  # noqa: F401 - the "client" fixture
    mocked_fixture,  # noqa: F401 - the "mocked" fixture
    no_sleep,
    sent,
)

BRIDGE = f"{PHLO}{PHLO_ID}/conference_bridge/{NODE_ID}"
MEMBER = "+14155550111"


def test_handles_make_no_request_and_show_what_they_address(client: AsyncPlivo) -> None:
    bridge = client.phlo(PHLO_ID).conference_bridge(NODE_ID)
    assert isinstance(bridge, ConferenceBridge) and bridge.url == BRIDGE
    assert repr(bridge) == f"<ConferenceBridge conference_bridge phlo={PHLO_ID} node={NODE_ID}>"
    same = client.phlo(PHLO_ID).node("conference_bridge", NODE_ID)
    assert isinstance(same, ConferenceBridge) and same.url == BRIDGE
    other = client.phlo(PHLO_ID).node("custom node", NODE_ID)
    assert type(other) is Node
    assert other.url == f"{PHLO}{PHLO_ID}/custom%20node/{NODE_ID}"
    assert bridge.member(MEMBER).url == f"{BRIDGE}/members/{MEMBER}"


@pytest.mark.parametrize(
    "action",
    [
        "hold",
        "unhold",
        "mute",
        "unmute",
        "hangup",
        "resume_call",
        "abort_transfer",
        "voicemail_drop",
    ],
)
async def test_bridge_member_actions(client: AsyncPlivo, mocked: aioresponses, action: str) -> None:
    url = f"{BRIDGE}/members/{MEMBER}"
    mocked.post(url, payload={"api_id": "p1", "error": ""})
    member = client.phlo(PHLO_ID).conference_bridge(NODE_ID).member(MEMBER)
    result = await getattr(member, action)()
    assert_sent(mocked, "POST", url, {"action": action})
    assert isinstance(result, PhloActionResponse) and result.ok


async def test_bridge_hold_is_retried_and_hangup_is_not(mocked: aioresponses) -> None:
    url = f"{BRIDGE}/members/{MEMBER}"
    retry = RetryPolicy(max_attempts=2, sleep=no_sleep)
    async with AsyncPlivo(AUTH_ID, AUTH_TOKEN, retry=retry) as client:
        member = client.phlo(PHLO_ID).conference_bridge(NODE_ID).member(MEMBER)
        mocked.post(url, status=500)
        mocked.post(url, payload={"api_id": "p1", "error": ""})
        assert (await member.hold()).ok
        mocked.post(url, status=500)
        with pytest.raises(OutcomeUnknownError):
            await member.hangup()
    assert len(sent(mocked)) == 3


async def test_node_get(client: AsyncPlivo, mocked: aioresponses) -> None:
    mocked.get(
        BRIDGE,
        payload={
            "api_id": "g1",
            "phlo_id": PHLO_ID,
            "node_id": NODE_ID,
            "node_type": "conference_bridge",
            "name": "Conference Bridge_1",
            "created_on": "2026-01-01 10:00:00.000000+00:00",
        },
    )
    details = await client.phlo(PHLO_ID).conference_bridge(NODE_ID).get()
    assert_sent(mocked, "GET", BRIDGE)
    assert isinstance(details, PhloNodeDetails)
    assert (details.node_type, details.name) == ("conference_bridge", "Conference Bridge_1")


async def test_node_update_places_one_call(mocked: aioresponses) -> None:
    limiter = CountingLimiter()
    async with AsyncPlivo(
        AUTH_ID, AUTH_TOKEN, calls_per_second=limiter, retry=RetryPolicy(max_attempts=1)
    ) as client:
        url = f"{PHLO}{PHLO_ID}/multi_party_call/{NODE_ID}"
        mocked.post(url, payload={"api_id": "p1", "error": ""})
        node = client.phlo(PHLO_ID).node("multi_party_call", NODE_ID)
        await node.update("call", "+14155550100", MEMBER, role="Customer")
        assert_sent(
            mocked,
            "POST",
            url,
            {"action": "call", "trigger_source": "+14155550100", "to": MEMBER, "role": "customer"},
        )
    assert limiter.taken == [1]


@pytest.mark.parametrize(
    ("make", "field"),
    [
        (lambda c: c.phlo(PHLO_ID).conference_bridge(""), "node_id"),
        (lambda c: c.phlo(PHLO_ID).conference_bridge(".."), "node_id"),
        (lambda c: c.phlo(PHLO_ID).node("", NODE_ID), "node_type"),
        (lambda c: c.phlo(PHLO_ID).node("a\nb", NODE_ID), "node_type"),
        (lambda c: c.phlo(PHLO_ID).conference_bridge(NODE_ID).member("bob"), "member_id"),
        (lambda c: c.phlo(PHLO_ID).conference_bridge(NODE_ID).member("+1/../x"), "member_id"),
    ],
)
def test_bad_ids_are_refused_when_the_handle_is_made(
    client: AsyncPlivo, make: object, field: str
) -> None:
    with pytest.raises(ValidationError) as info:
        make(client)  # type: ignore[operator]
    assert info.value.field == field


@pytest.mark.parametrize(
    ("args", "field"),
    [
        (("", "+14155550100", MEMBER), "action"),
        (("call", "nobody", MEMBER), "trigger_source"),
        (("call", "+14155550100", "x"), "to"),
        (("call", "+14155550100", MEMBER, "boss"), "role"),
    ],
)
async def test_node_update_refuses_bad_values_before_sending(
    client: AsyncPlivo, mocked: aioresponses, args: tuple[str, ...], field: str
) -> None:
    with pytest.raises(ValidationError) as info:
        await client.phlo(PHLO_ID).node("custom", NODE_ID).update(*args)
    assert info.value.field == field
    assert sent(mocked) == []


async def test_bridge_member_refuses_unknown_actions(
    client: AsyncPlivo, mocked: aioresponses
) -> None:
    member = client.phlo(PHLO_ID).conference_bridge(NODE_ID).member(MEMBER)
    with pytest.raises(ValidationError) as info:
        await member.update("explode")
    assert info.value.field == "action"
    assert sent(mocked) == []
