"""Plivo's Basic auth, as the emulator checks it (the middleware answers 401 on failure)."""

from __future__ import annotations

import base64
import hmac

from aiohttp import web

__all__ = ["Credentials"]


class Credentials:
    """The one auth id/token pair this emulator accepts; the token never leaves it."""

    __slots__ = ("_expected", "_token", "auth_id")

    def __init__(self, auth_id: str, auth_token: str) -> None:
        self.auth_id = auth_id
        self._token = auth_token
        self._expected = "Basic " + base64.b64encode(f"{auth_id}:{auth_token}".encode()).decode()

    def __repr__(self) -> str:
        return f"Credentials(auth_id={self.auth_id!r})"

    def accept(self, request: web.Request) -> bool:
        """The ``Authorization`` header matches, and so does an ``{auth_id}`` in the path."""
        path_id = request.match_info.get("auth_id")
        if path_id is not None and path_id != self.auth_id:
            return False
        header = request.headers.get("Authorization", "")
        if header == self._expected:  # the fast path: one comparison per request
            return True
        scheme, _, encoded = header.partition(" ")
        if scheme.lower() != "basic":
            return False
        try:
            decoded = base64.b64decode(encoded, validate=True)
        except ValueError:  # binascii.Error, or non-ASCII text
            return False
        # Bytes, not str: compare_digest refuses non-ASCII str (a 500, not a 401).
        user, _, password = decoded.partition(b":")
        return hmac.compare_digest(user, self.auth_id.encode()) & hmac.compare_digest(
            password, self._token.encode()
        )
