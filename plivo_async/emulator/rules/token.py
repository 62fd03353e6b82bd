"""What the emulated JWT token API answers 400 to, and the claims of a token."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ._fields import BadRequest, int_field, required_field, text_field

__all__ = ["validate_token"]

_DEFAULT_LIFETIME = 86400


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
