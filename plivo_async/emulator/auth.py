"""Plivo's Basic auth, as the emulator checks it (the middleware answers 401 on failure)."""

from __future__ import annotations

import base64
import hmac
from collections.abc import Callable

from aiohttp import web

__all__ = ["Credentials"]


class Credentials:
    """The account's auth id/token pair, and its subaccounts' (``others(auth_id)`` gives a
    subaccount's token while it may authenticate, else None); tokens never leave it."""

    __slots__ = ("_expected", "_others", "_token", "auth_id")

    def __init__(
        self,
        auth_id: str,
        auth_token: str,
        others: Callable[[str], str | None] | None = None,
    ) -> None:
        self.auth_id = auth_id
        self._token = auth_token
        self._others = others
        self._expected = "Basic " + base64.b64encode(f"{auth_id}:{auth_token}".encode()).decode()

    def __repr__(self) -> str:
        return f"Credentials(auth_id={self.auth_id!r})"

    def accept(self, request: web.Request) -> bool:
        """The ``Authorization`` header matches, and so does an ``{auth_id}`` in the path:
        the account's own, or an enabled subaccount's under its own auth id."""
        path_id = request.match_info.get("auth_id")
        header = request.headers.get("Authorization", "")
        if header == self._expected:  # the fast path: one comparison per request
            return path_id is None or path_id == self.auth_id
        scheme, _, encoded = header.partition(" ")
        if scheme.lower() != "basic":
            return False
        try:
            decoded = base64.b64decode(encoded, validate=True)
        except ValueError:  # binascii.Error, or non-ASCII text
            return False
        # Bytes, not str: compare_digest refuses non-ASCII str (a 500, not a 401).
        user, _, password = decoded.partition(b":")
        auth_id, token = self.auth_id, self._token
        if user != auth_id.encode() and self._others is not None:
            other = user.decode("utf-8", "replace")
            other_token = self._others(other)
            if other_token is not None:
                auth_id, token = other, other_token
        if path_id is not None and path_id != auth_id:
            return False
        return hmac.compare_digest(user, auth_id.encode()) & hmac.compare_digest(
            password, token.encode()
        )
