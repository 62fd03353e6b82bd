"""The JWT Token API: ``POST /v1/Account/{auth_id}/JWT/Token``.

The emulator signs tokens HS256 with a key of its own (Plivo signs with a key clients
never see either): the claims are real, the signature is only the emulator's.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from collections.abc import Mapping
from typing import Any

from aiohttp import web

from ..core import EmulatorCore
from ..http import Ctx, add_route
from ..rules import BadRequest, int_field, required_field, text_field
from .calls import ACCOUNT

__all__ = ["TOKEN", "add_routes", "validate_token"]

TOKEN = ACCOUNT + "/JWT/Token"
_DEFAULT_LIFETIME = 86400


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def validate_token(body: Mapping[str, Any], auth_id: str, now: int) -> dict[str, Any]:
    """The token's claims: ``iss`` the account, ``sub`` needed for incoming calls."""
    iss = required_field(body, "iss")
    if iss != auth_id:
        raise BadRequest("iss must be the auth id of the account")
    per = body.get("per", {})
    voice = per.get("voice", {}) if isinstance(per, dict) else None
    if not isinstance(voice, dict):
        raise BadRequest("per must be an object like {'voice': {'incoming_allow': true}}")
    grants = {name: voice.get(name) is True for name in ("incoming_allow", "outgoing_allow")}
    sub = text_field(body, "sub")
    if grants["incoming_allow"] and not sub:
        raise BadRequest("sub is required when incoming_allow is true")
    nbf = int_field(body, "nbf", 0)
    nbf = now if nbf is None else nbf
    exp = int_field(body, "exp", 0)
    exp = nbf + _DEFAULT_LIFETIME if exp is None else exp
    if exp <= nbf:
        raise BadRequest("exp must be later than nbf")
    claims: dict[str, Any] = {"iss": iss, "nbf": nbf, "exp": exp, "per": {"voice": grants}}
    if sub:
        claims["sub"] = sub
    app = text_field(body, "app")
    if app:
        claims["app"] = app
    return claims


def add_routes(app: web.Application, core: EmulatorCore) -> None:
    """Mint tokens."""
    key = core.new_id().encode()

    async def create(request: web.Request, ctx: Ctx) -> web.StreamResponse:
        claims = validate_token(ctx.body, core.auth_id, int(core.clock()))
        claims["jti"] = core.new_id()
        header = _b64(json.dumps({"alg": "HS256", "typ": "JWT"}, separators=(",", ":")).encode())
        payload = _b64(json.dumps(claims, separators=(",", ":")).encode())
        signed = f"{header}.{payload}"
        signature = _b64(hmac.new(key, signed.encode(), hashlib.sha256).digest())
        return core.json(201, {"api_id": core.new_id(), "token": f"{signed}.{signature}"})

    add_route(app, "POST", TOKEN, create)
