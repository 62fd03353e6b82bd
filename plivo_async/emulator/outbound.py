"""Requests the emulator sends to users' URLs: background tasks, one session, signatures.

The status callbacks (:mod:`.callbacks`) and the call flows (:mod:`.flow`) both follow
calls in background tasks and both call user URLs, signed as Plivo signs them and only on
loopback (the emulator must never send a request off the machine). :class:`Outbound` is
that shared part, so draining, closing and signing are written once.
"""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
import random
from collections.abc import Coroutine
from typing import Any

import aiohttp
from yarl import URL

from plivo_async.webhooks.signature import signature_headers

__all__ = ["Outbound", "Sent", "is_loopback_url"]


def is_loopback_url(url: str) -> bool:
    """True for http(s) URLs whose host is localhost or a loopback address."""
    try:
        parsed = URL(url)
    except ValueError:
        return False
    host = parsed.host
    if parsed.scheme not in ("http", "https") or not host:
        return False
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


class Sent:
    """What became of one request: the URL as requested, status and body, or the error."""

    __slots__ = ("body", "error", "status", "url")

    def __init__(
        self, url: str, status: int | None = None, body: str = "", error: str | None = None
    ) -> None:
        self.url = url
        self.status = status
        self.body = body
        self.error = error


class Outbound:
    """Background tasks and one client session for requests to user URLs."""

    def __init__(self, *, auth_token: str, rng: random.Random, timeout: float = 10.0) -> None:
        self._auth_token = auth_token
        self._rng = rng
        self._timeout = aiohttp.ClientTimeout(total=timeout)
        self._session: aiohttp.ClientSession | None = None
        self._tasks: set[asyncio.Task[None]] = set()

    def spawn(self, coro: Coroutine[Any, Any, None]) -> None:
        """Run ``coro`` in the background; :meth:`drain` waits for it, :meth:`close` cancels."""
        task = asyncio.get_running_loop().create_task(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def drain(self) -> None:
        """Wait until every task spawned so far (and any they spawn) has finished."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)

    async def close(self) -> None:
        """Cancel what is still running and close the session."""
        tasks = list(self._tasks)
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        if self._session is not None:
            await self._session.close()
            self._session = None

    def headers(self, method: str, url: str, params: dict[str, str]) -> dict[str, str]:
        """Plivo's V2 and V3 signature headers, with a nonce from the seeded RNG."""
        nonce = str(self._rng.randrange(10**20)).zfill(20)  # Plivo's nonces: 20 digits
        signed = params if method == "POST" else {}
        return signature_headers(method, url, signed, self._auth_token, nonce=nonce)

    async def send(self, method: str, url: str, params: dict[str, str]) -> Sent:
        """Request ``url`` (loopback only) with ``params`` as the form (POST) or query (GET).

        Never raises for the far end's failures: a refused or non-loopback URL comes back as
        :attr:`Sent.error`.
        """
        method = method.upper()
        if not is_loopback_url(url):
            return Sent(url, error="not a loopback URL")
        # Sign exactly the URL aiohttp will request (encoded; with the query for GET).
        target = str(URL(url).update_query(params)) if method == "GET" else str(URL(url))
        if self._session is None:
            self._session = aiohttp.ClientSession(timeout=self._timeout)
        headers = self.headers(method, target, params)
        data = params if method == "POST" else None
        try:
            async with self._session.request(method, target, data=data, headers=headers) as resp:
                body = ""
                with contextlib.suppress(aiohttp.ClientError, UnicodeDecodeError):
                    body = await resp.text()
                return Sent(target, resp.status, body)
        except (aiohttp.ClientError, asyncio.TimeoutError, OSError) as exc:
            return Sent(target, error=f"{type(exc).__name__}: {exc}")
