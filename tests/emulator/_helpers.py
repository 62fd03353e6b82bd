"""Helpers shared by the emulator tests (URLs, bodies, auth header)."""

from __future__ import annotations

from typing import Any

import aiohttp

from plivo_async.emulator import Emulator

FROM = "+14155550100"
ANSWER_URL = "https://example.com/answer"


def auth_header(auth_id: str, auth_token: str) -> dict[str, str]:
    return {"Authorization": aiohttp.encode_basic_auth(auth_id, auth_token)}


class Api:
    """Absolute URLs of one emulator, for raw aiohttp requests."""

    def __init__(self, emulator: Emulator) -> None:
        self.emu = emulator
        self.account = f"{emulator.url}/v1/Account/{emulator.auth_id}"
        self.calls = f"{self.account}/Call/"
        self.phlo = f"{emulator.phlo_url}/v1/phlo"

    def call(self, uuid: str, sub: str = "") -> str:
        return f"{self.account}/Call/{uuid}/" + (f"{sub}/" if sub else "")

    def mpc(self, phlo_id: str = "phlo1", node_id: str = "node1") -> str:
        return f"{self.phlo}/{phlo_id}/multi_party_call/{node_id}"


def call_body(to: str = "+14155550101", **extra: Any) -> dict[str, Any]:
    return {"from": FROM, "to": to, "answer_url": ANSWER_URL, **extra}


async def request_json(
    http: aiohttp.ClientSession, method: str, url: str, **kwargs: Any
) -> tuple[int, Any]:
    """``(status, decoded JSON)`` of one request; ``None`` for a 204's empty body."""
    async with http.request(method, url, **kwargs) as resp:
        return resp.status, (None if resp.status == 204 else await resp.json())
