"""``client.phlo(id)``: PHLO get/run, multi-party call actions and member actions."""

from __future__ import annotations

import json
from typing import Any

import pytest
from aioresponses import aioresponses

from plivo_async.client import AsyncPlivo
from plivo_async.errors import OutcomeUnknownError
from plivo_async.models import (
    MultiPartyCallActionRequest,
    PhloActionResponse,
    PhloDetails,
    PhloRunResponse,
)
from plivo_async.models.phlo import MEMBER_ACTIONS
from plivo_async.retry import RetryPolicy

from ._resources_helpers import (
    AUTH_ID,
    AUTH_TOKEN,
    NODE_ID,
    PHLO,
    PHLO_ID,
    PHLO_RUN,
    CountingLimiter,
    assert_sent,
    client_fixture,  # noqa: F401 - the "client" fixture
    mocked_fixture,  # noqa: F401 - the "mocked" fixture
    no_sleep,
    sent,
)

MPC_URL = f"{PHLO}{PHLO_ID}/multi_party_call/{NODE_ID}"
# The seeds' answer to every MPC action (000-003), and the member actions' (Plivo docs).
SEED_REPLY = {"api_id": "073e36d4-fd1e-4be3-b00b-ab33105011a7", "error": ""}


async def test_handles_make_no_request(client: AsyncPlivo, mocked: aioresponses) -> None:
    phlo = client.phlo(PHLO_ID)
    mpc = phlo.multi_party_call(NODE_ID)
    member = mpc.member("+14152225555")
    assert mpc.url == MPC_URL
    assert member.url == f"{MPC_URL}/members/+14152225555"
    assert PHLO_ID in repr(phlo) and NODE_ID in repr(mpc) and "+14152225555" in repr(member)
    assert sent(mocked) == []


async def test_get(client: AsyncPlivo, mocked: aioresponses) -> None:
    reply = {
        "api_id": "b5ee2f5c-2fb8-11e9-9e39-06b7ed3d5a1f",
        "phlo_id": PHLO_ID,
        "name": "assignment_mpc",
        "created_on": "2019-02-12 10:45:51.479154+00:00",
    }
    mocked.get(PHLO + PHLO_ID, payload=reply)
    details = await client.phlo(PHLO_ID).get()
    assert_sent(mocked, "GET", PHLO + PHLO_ID)
    assert details == PhloDetails(
        api_id=reply["api_id"],
        phlo_id=PHLO_ID,
        name="assignment_mpc",
        created_on=reply["created_on"],
    )


@pytest.mark.parametrize("status", [200, 201])
async def test_run(client: AsyncPlivo, mocked: aioresponses, status: int) -> None:
    reply = {
        "phlo_id": PHLO_ID,
        "api_id": "7b6f8256-07c7-4d9a-bf2a-a2cd0f05d269",
        "message": "b'Send SMS' executed",
    }
    mocked.post(PHLO_RUN + PHLO_ID, status=status, payload=reply)
    payload: dict[str, Any] = {"from": "+12025550000", "to": "+12025551111"}
    resp = await client.phlo(PHLO_ID).run(**payload)
    assert_sent(mocked, "POST", PHLO_RUN + PHLO_ID, {"from": "+12025550000", "to": "+12025551111"})
    assert isinstance(resp, PhloRunResponse)
    assert resp.phlo_run_id == reply["api_id"]
    assert resp.message == "b'Send SMS' executed"


async def test_run_without_payload(client: AsyncPlivo, mocked: aioresponses) -> None:
    mocked.post(PHLO_RUN + PHLO_ID, status=201, payload={"api_id": "x"})
    await client.phlo(PHLO_ID).run()
    assert_sent(mocked, "POST", PHLO_RUN + PHLO_ID, {})


@pytest.mark.parametrize("status", [200, 201])
@pytest.mark.parametrize("action", ["call", "warm_transfer", "cold_transfer"])
async def test_mpc_action_sends_the_seed_body(
    client: AsyncPlivo, mocked: aioresponses, action: str, status: int
) -> None:
    """Seeds 000-003: POST phlo/{id}/multi_party_call/{node} with action, to, role, source."""
    mocked.post(MPC_URL, status=status, payload=SEED_REPLY)
    mpc = client.phlo(PHLO_ID).multi_party_call(NODE_ID)
    resp = await getattr(mpc, action)(
        trigger_source="+14152223333", to="+14152225555", role="agent"
    )
    assert_sent(
        mocked,
        "POST",
        MPC_URL,
        {
            "action": action,
            "to": "+14152225555",
            "role": "agent",
            "trigger_source": "+14152223333",
        },
    )
    assert resp == PhloActionResponse(api_id=SEED_REPLY["api_id"], error="")
    assert resp.ok
    assert resp.raw == SEED_REPLY


async def test_mpc_action_positional_like_the_sdk_and_role_default(
    client: AsyncPlivo, mocked: aioresponses
) -> None:
    mocked.post(MPC_URL, status=201, payload=SEED_REPLY, repeat=True)
    mpc = client.phlo(PHLO_ID).multi_party_call(NODE_ID)
    await mpc.call("1111111111", "sip:agent1@phone.plivo.com", "Customer")
    await mpc.cold_transfer("1111111111", "1111111112")
    bodies = [call[2]["data"] for call in sent(mocked)]
    assert [json.loads(b) for b in bodies] == [
        {
            "action": "call",
            "to": "sip:agent1@phone.plivo.com",
            "role": "customer",
            "trigger_source": "1111111111",
        },
        {
            "action": "cold_transfer",
            "to": "1111111112",
            "role": "agent",
            "trigger_source": "1111111111",
        },
    ]


async def test_mpc_update_from_a_prebuilt_request(client: AsyncPlivo, mocked: aioresponses) -> None:
    mocked.post(MPC_URL, status=201, payload=SEED_REPLY)
    request = MultiPartyCallActionRequest(
        action="warm_transfer", to="+14152225555", trigger_source="+14152223333"
    )
    await client.phlo(PHLO_ID).multi_party_call(NODE_ID).update_from(request)
    assert_sent(
        mocked,
        "POST",
        MPC_URL,
        {
            "action": "warm_transfer",
            "to": "+14152225555",
            "role": "agent",
            "trigger_source": "+14152223333",
        },
    )


async def test_mpc_error_field_is_reported(client: AsyncPlivo, mocked: aioresponses) -> None:
    mocked.post(MPC_URL, status=200, payload={"api_id": "a", "error": "member not found"})
    resp = await client.phlo(PHLO_ID).multi_party_call(NODE_ID).call("+14152223333", "+1415222")
    assert not resp.ok and resp.error == "member not found"


async def test_mpc_actions_count_one_call_member_actions_none(mocked: aioresponses) -> None:
    limiter = CountingLimiter()
    mocked.post(MPC_URL, status=201, payload=SEED_REPLY, repeat=True)
    mocked.post(f"{MPC_URL}/members/+14152225555", status=201, payload=SEED_REPLY, repeat=True)
    async with AsyncPlivo(
        AUTH_ID, AUTH_TOKEN, retry=RetryPolicy(max_attempts=1), calls_per_second=limiter
    ) as c:
        mpc = c.phlo(PHLO_ID).multi_party_call(NODE_ID)
        await mpc.call("+14152223333", "+14152225555")
        await mpc.warm_transfer("+14152223333", "+14152225555")
        await mpc.member("+14152225555").hold()
    assert limiter.taken == [1, 1]


async def test_mpc_action_is_not_retried_after_an_ambiguous_failure(
    mocked: aioresponses,
) -> None:
    mocked.post(MPC_URL, status=502, repeat=True)
    policy = RetryPolicy(max_attempts=3, sleep=no_sleep)
    async with AsyncPlivo(AUTH_ID, AUTH_TOKEN, retry=policy) as c:
        with pytest.raises(OutcomeUnknownError):
            await c.phlo(PHLO_ID).multi_party_call(NODE_ID).call("+14152223333", "+14152225555")
    assert len(sent(mocked)) == 1


async def test_hold_is_retried_like_an_idempotent_update(mocked: aioresponses) -> None:
    url = f"{MPC_URL}/members/+14152225555"
    mocked.post(url, status=502)
    mocked.post(url, status=201, payload=SEED_REPLY)
    policy = RetryPolicy(max_attempts=3, sleep=no_sleep)
    async with AsyncPlivo(AUTH_ID, AUTH_TOKEN, retry=policy) as c:
        resp = await c.phlo(PHLO_ID).multi_party_call(NODE_ID).member("+14152225555").hold()
    assert resp.ok
    assert len(sent(mocked)) == 2


@pytest.mark.parametrize("status", [200, 201])
@pytest.mark.parametrize("action", MEMBER_ACTIONS)
async def test_member_action(
    client: AsyncPlivo, mocked: aioresponses, action: str, status: int
) -> None:
    member_id = "+14152225555"
    url = f"{MPC_URL}/members/{member_id}"
    reply: dict[str, Any] = {"api_id": "11d8c251-d7bf-4aba-9763-985f21bcb455", "error": ""}
    mocked.post(url, status=status, payload=reply)
    member = client.phlo(PHLO_ID).multi_party_call(NODE_ID).member(member_id)
    resp = await getattr(member, action)()
    assert_sent(mocked, "POST", url, {"action": action})
    assert resp == PhloActionResponse(api_id=reply["api_id"], error="")


async def test_member_by_sip_uri_and_generic_update(
    client: AsyncPlivo, mocked: aioresponses
) -> None:
    member_id = "sip:agent1@phone.plivo.com"
    url = f"{MPC_URL}/members/{member_id}"
    mocked.post(url, status=201, payload=SEED_REPLY)
    member = client.phlo(PHLO_ID).multi_party_call(NODE_ID).member(member_id)
    await member.update("MUTE")
    assert_sent(mocked, "POST", url, {"action": "mute"})
