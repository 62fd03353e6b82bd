"""Access tokens for Plivo endpoints (Browser and mobile SDKs), signed locally.

The twin of the official SDK's ``plivo.utils.jwt.AccessToken``, with the same claims,
header and limits, built on the standard library alone (``hmac``, ``hashlib``,
``base64``, ``json``): no PyJWT at run time. The auth token is the HS256 key; it is never
shown in ``repr``.

    token = AccessToken(auth_id, auth_token, "alice", lifetime=3600)
    token.add_voice_grants(incoming=True, outgoing=True)
    jwt = token.to_jwt()
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
import time
from collections.abc import Callable
from typing import Any

from .errors import ValidationError

__all__ = ["MAX_LIFETIME", "MIN_LIFETIME", "AccessToken"]

#: The validity Plivo accepts, in seconds (the SDK's bounds).
MIN_LIFETIME = 180
MAX_LIFETIME = 86400
_ACCOUNT_ID_RE = re.compile(r"(MA|SA)[A-Z0-9]{18}")
_HEADER = {"alg": "HS256", "cty": "plivo;v=1", "typ": "JWT"}


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _json(value: Any, *, sort_keys: bool = False) -> bytes:
    return json.dumps(value, separators=(",", ":"), sort_keys=sort_keys).encode()


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


class AccessToken:
    """A signed token for one endpoint ``username``, valid from ``valid_from`` (default now).

    Give the validity as ``lifetime`` (seconds, 180..86400, default 86400) or as
    ``valid_till`` (an epoch second), not both. ``uid`` (the ``jti`` claim) defaults to
    ``"{username}-{now}"`` like the SDK's. ``clock`` is injectable for tests.

    Raises:
        ValidationError: If ``auth_id`` is not an account or subaccount auth id,
            ``auth_token`` or ``username`` is empty, a time is not an int, the lifetime is
            outside 180..86400 s, or both ``lifetime`` and ``valid_till`` are given.
    """

    def __init__(
        self,
        auth_id: str,
        auth_token: str,
        username: str,
        valid_from: int | None = None,
        lifetime: int | None = None,
        valid_till: int | None = None,
        uid: str | None = None,
        *,
        clock: Callable[[], float] = time.time,
    ) -> None:
        if not (isinstance(auth_id, str) and _ACCOUNT_ID_RE.fullmatch(auth_id)):
            raise ValidationError.invalid(
                "auth_id", "must be an account or subaccount auth id", auth_id
            )
        if not isinstance(auth_token, str) or not auth_token:
            raise ValidationError.invalid("auth_token", "must be a non-empty string")
        if not isinstance(username, str) or not username:
            raise ValidationError.invalid("username", "must be a non-empty string", username)
        for name, value in (
            ("valid_from", valid_from),
            ("lifetime", lifetime),
            ("valid_till", valid_till),
        ):
            if value is not None and not _is_int(value):
                raise ValidationError.invalid(name, "must be an integer (epoch seconds)", value)
        now = clock()
        self.auth_id = auth_id
        self.username = username
        self.valid_from = valid_from if valid_from else int(now)
        if lifetime and valid_till is not None:
            raise ValidationError.invalid("valid_till", "give either lifetime or valid_till")
        if lifetime:
            self.lifetime = lifetime
        elif valid_till:
            self.lifetime = valid_till - self.valid_from
        else:
            self.lifetime = MAX_LIFETIME
        if not MIN_LIFETIME <= self.lifetime <= MAX_LIFETIME:
            field = "lifetime" if lifetime else "valid_till"
            raise ValidationError.invalid(
                field,
                f"validity must be from {MIN_LIFETIME} to {MAX_LIFETIME} seconds",
                self.lifetime,
            )
        self.uid = uid if uid else f"{username}-{now}"
        self.grants: dict[str, Any] = {}
        self._key = auth_token.encode()

    def __repr__(self) -> str:
        return (
            f"<AccessToken auth_id={self.auth_id!r} username={self.username!r} "
            f"valid_from={self.valid_from} lifetime={self.lifetime}>"
        )

    def add_voice_grants(self, incoming: bool = False, outgoing: bool = False) -> None:
        """Allow the endpoint to receive and/or place calls.

        Raises:
            ValidationError: If ``incoming`` or ``outgoing`` is not a bool.
        """
        for name, value in (("incoming", incoming), ("outgoing", outgoing)):
            if not isinstance(value, bool):
                raise ValidationError.invalid(name, "must be a boolean", value)
        self.grants["voice"] = {"incoming_allow": incoming, "outgoing_allow": outgoing}

    @property
    def claims(self) -> dict[str, Any]:
        """The token's payload, in the SDK's order."""
        return {
            "jti": self.uid,
            "iss": self.auth_id,
            "sub": self.username,
            "nbf": self.valid_from,
            "exp": self.valid_from + self.lifetime,
            "grants": self.grants,
        }

    def to_jwt(self) -> str:
        """The compact JWS: ``header.claims.signature``, HS256 keyed with the auth token."""
        signing_input = f"{_b64(_json(_HEADER, sort_keys=True))}.{_b64(_json(self.claims))}"
        signature = hmac.new(self._key, signing_input.encode("ascii"), hashlib.sha256).digest()
        return f"{signing_input}.{_b64(signature)}"
