"""Errors the emulator answers with reach the user as typed exceptions with their details."""

from __future__ import annotations

import socket

import pytest

from plivo_async import (
    AsyncPlivo,
    AuthenticationError,
    PlivoConnectionError,
    ResourceNotFoundError,
    ValidationError,
)
from plivo_async.emulator import Emulator

from .conftest import ANSWER_URL, FROM, NODE_ID, PHLO_ID, client_for, fast_retry, number

WRONG_TOKEN = "wrong-token-must-not-leak-0123"


def assert_token_free(exc: BaseException, *tokens: str) -> None:
    text = " ".join([str(exc), repr(exc), repr(getattr(exc, "body", None))])
    for token in tokens:
        assert token not in text


async def test_wrong_token_is_an_authentication_error(emu: Emulator) -> None:
    async with client_for(emu, auth_token=WRONG_TOKEN) as client:
        with pytest.raises(AuthenticationError) as info:
            await client.calls.create(from_=FROM, to=number(1), answer_url=ANSWER_URL)
    exc = info.value
    assert exc.status == 401
    assert exc.method == "POST"
    assert exc.path == f"/v1/Account/{emu.auth_id}/Call/"
    assert exc.api_id
    assert exc.message == "authentication failed: check auth_id and auth_token"
    assert exc.body == {"api_id": exc.api_id, "error": exc.message}
    assert_token_free(exc, WRONG_TOKEN, emu.auth_token)
    # Refused, not retried, nobody dialled.
    assert [r.status for r in emu.history.requests] == [401]
    assert emu.history.calls == []


async def test_wrong_auth_id_is_an_authentication_error(emu: Emulator) -> None:
    async with client_for(emu, auth_id="MAWRONGID00000000000") as client:
        with pytest.raises(AuthenticationError) as info:
            await (
                client.phlo("phlo1")
                .multi_party_call("node1")
                .call(trigger_source=FROM, to=number(2))
            )
    assert info.value.status == 401
    assert info.value.api_id
    assert emu.history.calls == []


async def test_emulator_rule_the_client_does_not_check_is_a_validation_error(
    client: AsyncPlivo, emu: Emulator
) -> None:
    """The client takes 2-15 digit numbers; the emulator (like Plivo) wants at least 7."""
    with pytest.raises(ValidationError) as info:
        await client.calls.create(from_=FROM, to="+12345", answer_url=ANSWER_URL)
    exc = info.value
    message = "invalid to: '+12345' is neither a phone number nor a SIP URI"
    assert exc.status == 400
    assert exc.api_id
    assert exc.message == message
    assert str(exc) == (
        f"400 on POST /v1/Account/{emu.auth_id}/Call/ (api_id={exc.api_id}): {message}"
    )
    assert exc.field is None  # a server-side 400, not a local check
    assert exc.body == {"api_id": exc.api_id, "error": message}
    assert [r.status for r in emu.history.requests] == [400]
    assert emu.history.calls == []


async def test_missing_parent_call_is_a_validation_error(client: AsyncPlivo, emu: Emulator) -> None:
    with pytest.raises(ValidationError) as info:
        await client.calls.create(
            from_=FROM,
            to=number(4),
            answer_url=ANSWER_URL,
            parent_call_uuid="00000000-0000-4000-8000-000000000000",
            error_if_parent_not_found=True,
        )
    assert info.value.status == 400
    assert info.value.api_id
    assert "parent call 00000000-0000-4000-8000-000000000000 not found" in info.value.message
    assert emu.history.calls == []


async def test_bad_body_through_the_raw_transport(client: AsyncPlivo, emu: Emulator) -> None:
    """Bypass the request models: the emulator's 400 comes back typed, with its text."""
    url = client.transport.api_base + "Call/"
    with pytest.raises(ValidationError) as info:
        await client.transport.request("POST", url, json={"from": FROM, "to": number(5)}, calls=1)
    assert info.value.status == 400
    assert info.value.message == "Missing mandatory parameter: answer_url"
    assert info.value.api_id
    assert info.value.body["error"] == info.value.message

    with pytest.raises(ValidationError) as info:
        await client.transport.request(
            "POST", url, json={"from": FROM, "to": "12", "answer_url": ANSWER_URL}
        )
    assert "neither a phone number nor a SIP URI" in info.value.message

    mpc_url = client.transport.phlo_base + f"{PHLO_ID}/multi_party_call/{NODE_ID}"
    with pytest.raises(ValidationError) as info:
        await client.transport.request(
            "POST", mpc_url, json={"action": "dance", "to": number(6), "trigger_source": FROM}
        )
    assert info.value.message.startswith("invalid action 'dance'")
    assert [r.status for r in emu.history.requests] == [400, 400, 400]
    assert emu.history.calls == []


async def test_unknown_call_is_not_found(client: AsyncPlivo, emu: Emulator) -> None:
    with pytest.raises(ResourceNotFoundError) as info:
        await client.calls.get("11111111-1111-4111-8111-111111111111")
    assert info.value.status == 404
    assert info.value.api_id
    assert info.value.message == "call not found"
    assert len(emu.history.requests) == 1  # a 404 is final, even for a GET


async def test_connection_refused_is_safe_to_retry_and_is_not_unknown(emu: Emulator) -> None:
    """Nothing listening: the request was never sent, so even a create is retried, and the
    final error is a plain connection error (``sent=False``), not "outcome unknown"."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]  # free once closed: connections are refused
    attempts: list[float] = []

    async def count_sleep(seconds: float) -> None:
        attempts.append(seconds)

    async with client_for(
        emu,
        retry=fast_retry(max_attempts=3, sleep=count_sleep),
        base_url=f"http://127.0.0.1:{closed_port}",
    ) as client:
        with pytest.raises(PlivoConnectionError) as info:
            await client.calls.create(from_=FROM, to=number(7), answer_url=ANSWER_URL)
    assert info.value.sent is False
    assert len(attempts) == 2  # three attempts, two waits between them
    assert emu.history.requests == []
