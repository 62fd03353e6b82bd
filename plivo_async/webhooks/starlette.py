"""Plivo callbacks in Starlette and FastAPI: a dependency that verifies, then hands over the event.

``pip install 'plivo-async[starlette]'``. An adapter over
:func:`plivo_async.webhooks.verify.verify`, as the aiohttp receiver is::

    webhook = PlivoWebhook(auth_token, public_url="https://hooks.example.com")

    @app.post("/plivo/hangup")                      # FastAPI
    async def hangup(event: CallbackEvent = Depends(webhook)) -> None: ...

    async def hangup(request: Request) -> Response:  # Starlette
        event = await webhook(request)

A missing or wrong signature, a replayed nonce or a body that is not a callback's is a
403 (``HTTPException``) before the endpoint runs; a body over ``max_body_size`` a 413,
one not received within ``body_timeout`` a 408.
"""

# No ``from __future__ import annotations``: FastAPI reads ``__call__``'s annotations at
# runtime, and an instance has no ``__globals__`` to resolve strings against.

import asyncio
import logging
from urllib.parse import quote

try:
    from starlette.exceptions import HTTPException
    from starlette.requests import Request
except ImportError:  # pragma: no cover - the extra is installed in the test env
    raise ImportError(
        "plivo_async.webhooks.starlette needs the starlette extra:"
        " pip install 'plivo-async[starlette]'"
    ) from None

from plivo_async.webhooks.events import CallbackEvent
from plivo_async.webhooks.nonces import MemoryNonces, NonceStore
from plivo_async.webhooks.signature import AuthToken, tokens_of
from plivo_async.webhooks.urls import Proxies, TrustedProxies, public_request_url
from plivo_async.webhooks.verify import (
    EventType,
    InvalidSignatureError,
    header_lookup,
    signed_headers_present,
    verify,
)

__all__ = ["PlivoWebhook"]

log = logging.getLogger("plivo_async")

#: Seconds a request's body may take to arrive (a callback's is a few hundred bytes).
BODY_TIMEOUT = 10.0
#: The largest body taken (413 beyond).
MAX_BODY_SIZE = 1 << 20


class PlivoWebhook:
    """Verifies a Plivo callback and returns its typed event; use as ``Depends(webhook)``.

    ``public_url``: the base URL Plivo calls (joined with the request's path and query),
    for an app behind a proxy; or ``trusted_proxies`` (addresses, networks), whose
    ``Forwarded`` / ``X-Forwarded-Proto`` / ``X-Forwarded-Host`` are believed. ``nonces``:
    where accepted nonces are kept so a replay is a 403; ``True`` (the default) is a
    :class:`~plivo_async.webhooks.nonces.MemoryNonces` of this dependency's own, a
    :class:`~plivo_async.webhooks.nonces.RedisNonces` shares them among processes,
    ``False`` takes replays. ``event_type`` forces one event class for a dedicated route.
    """

    def __init__(
        self,
        auth_token: AuthToken,
        *,
        public_url: str | None = None,
        trusted_proxies: Proxies = (),
        nonces: NonceStore | bool = True,
        require_v3: bool = False,
        event_type: EventType = None,
        body_timeout: float = BODY_TIMEOUT,
        max_body_size: int = MAX_BODY_SIZE,
    ) -> None:
        if not tokens_of(auth_token):
            raise ValueError("auth_token must be a non-empty token or a sequence of them")
        if not body_timeout > 0 or max_body_size < 1:
            raise ValueError(
                f"body_timeout must be > 0 and max_body_size >= 1"
                f" (got {body_timeout!r}, {max_body_size!r})"
            )
        self._auth_token = auth_token
        self.public_url = public_url
        self.trusted_proxies = TrustedProxies(trusted_proxies)
        self.nonces: NonceStore | None = (
            MemoryNonces() if nonces is True else None if nonces is False else nonces
        )
        self.require_v3 = require_v3
        self.event_type = event_type
        self.body_timeout = body_timeout
        self.max_body_size = max_body_size

    def __repr__(self) -> str:
        return (
            f"PlivoWebhook(public_url={self.public_url!r},"
            f" trusted_proxies={self.trusted_proxies!r},"
            f" nonces={type(self.nonces).__name__}, require_v3={self.require_v3!r})"
        )

    def url(self, request: Request) -> str:
        """The URL Plivo called for ``request``, as it signed it."""
        scope = request.scope
        raw_path = scope.get("raw_path")
        path = raw_path.decode("latin-1").partition("?")[0] if raw_path else quote(scope["path"])
        query = scope.get("query_string", b"").decode("latin-1")
        return public_request_url(
            request.url.scheme,
            request.url.netloc,
            f"{path}?{query}" if query else path,
            headers=header_lookup(request.headers),
            peer=request.client.host if request.client else None,
            public_url=self.public_url,
            trusted_proxies=self.trusted_proxies,
        )

    async def __call__(self, request: Request) -> CallbackEvent:
        """The request's event, or an ``HTTPException`` (403, 408, 413)."""
        try:
            signed_headers_present(header_lookup(request.headers), require_v3=self.require_v3)
            body = b""
            if request.method not in ("GET", "HEAD"):
                body = await asyncio.wait_for(self._body(request), self.body_timeout)
            return await verify(
                request.method,
                self.url(request),
                request.headers,
                body,
                self._auth_token,
                nonces=self.nonces,
                require_v3=self.require_v3,
                event_type=self.event_type,
            )
        except InvalidSignatureError as exc:
            peer = request.client.host if request.client else None
            log.warning(
                "rejected Plivo callback %s %s from %s: %s",
                request.method,
                request.url.path,
                peer,
                exc,
            )
            raise HTTPException(403, "invalid Plivo signature") from None
        except asyncio.TimeoutError:
            log.warning(
                "Plivo callback %s %s: body not read in time", request.method, request.url.path
            )
            raise HTTPException(408, "body not received in time") from None

    async def release(self, event: CallbackEvent) -> None:
        """Forget ``event``'s nonce: its handling failed, so Plivo's retry must be served."""
        if self.nonces is not None and event.nonce is not None:
            await self.nonces.release(event.nonce)

    async def _body(self, request: Request) -> bytes:
        declared = request.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > self.max_body_size:
            raise HTTPException(413, "body too large")
        chunks, size = [], 0
        async for chunk in request.stream():
            size += len(chunk)
            if size > self.max_body_size:
                raise HTTPException(413, "body too large")
            chunks.append(chunk)
        body = b"".join(chunks)
        request._body = body  # the endpoint may read it too (Starlette caches it there)
        return body
