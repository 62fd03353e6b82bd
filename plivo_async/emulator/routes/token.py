"""The JWT Token API: ``POST /v1/Account/{auth_id}/JWT/Token``.

The emulator signs tokens HS256 with a key of its own, ``core.signing_key`` (Plivo signs
with a key clients never see either): the claims are real, the signature is only the
emulator's.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json

from aiohttp import web

from ..http import Ctx, RouteSpec
from ..rules.token import validate_token
from .calls import ACCOUNT

__all__ = ["ROUTES", "TOKEN"]

TOKEN = ACCOUNT + "/JWT/Token"


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


async def create(request: web.Request, ctx: Ctx) -> web.StreamResponse:
    core = ctx.core
    claims = validate_token(ctx.body, core.auth_id, int(core.clock()))
    claims["jti"] = core.new_id()
    header = _b64(json.dumps({"alg": "HS256", "typ": "JWT"}, separators=(",", ":")).encode())
    payload = _b64(json.dumps(claims, separators=(",", ":")).encode())
    signed = f"{header}.{payload}"
    signature = _b64(hmac.new(core.signing_key, signed.encode(), hashlib.sha256).digest())
    return core.json(201, {"api_id": core.new_id(), "token": f"{signed}.{signature}"})


ROUTES = (RouteSpec("POST", TOKEN, create),)
"""Mint tokens."""
