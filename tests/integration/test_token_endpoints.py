"""``client.token.create`` against the emulator, and a locally signed token beside it."""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest

from plivo_async import AsyncPlivo, ValidationError
from plivo_async.emulator import Emulator


def claims(token: str) -> dict[str, Any]:
    payload = token.split(".")[1]
    decoded: dict[str, Any] = json.loads(
        base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))
    )
    return decoded


async def test_create_mints_a_token_with_the_claims(client: AsyncPlivo, emu: Emulator) -> None:
    response = await client.token.create(
        emu.auth_id, sub="alice", exp=1_700_009_999, incoming_allow=True, app="app-1"
    )
    assert response.token is not None
    got = claims(response.token)
    assert (got["iss"], got["sub"], got["exp"], got["app"]) == (
        emu.auth_id,
        "alice",
        1_700_009_999,
        "app-1",
    )
    assert got["nbf"] == 1_700_000_000  # the emulator's clock
    assert got["per"] == {"voice": {"incoming_allow": True, "outgoing_allow": False}}
    rec = emu.history.requests[-1]
    assert (rec.method, rec.path) == ("POST", f"/v1/Account/{emu.auth_id}/JWT/Token/")


async def test_a_token_for_another_account_is_refused(client: AsyncPlivo) -> None:
    with pytest.raises(ValidationError) as err:
        await client.token.create("MAOTHERACCOUNT0000000")
    assert err.value.status == 400
