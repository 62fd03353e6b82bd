"""Serving a receiver where anyone can connect: slow and idle clients cannot starve it.

aiohttp's server waits about an hour for a request's headers and takes every connection
until the process runs out of file descriptors; then the genuine callbacks are refused.
:func:`serve` runs an app with a header timeout (from the connection's start, or from
the previous response on a kept-alive connection) and a connection cap: a new
connection beyond the cap closes the oldest one not serving a request, so clients that
never finish their headers are pushed out by the ones that do. The body's timeout and
size are the app's (:func:`~plivo_async.webhooks.webhook_app`'s ``body_timeout`` and
``max_body_size``).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager

from aiohttp import web

__all__ = ["default_max_connections", "serve"]

log = logging.getLogger("plivo_async")

#: Seconds a connection may take to send a request's line and headers.
HEADER_TIMEOUT = 10.0
#: Seconds a response waits for the unread rest of a body before the connection closes.
LINGERING_TIME = 1.0


def default_max_connections() -> int:
    """Half the process's file limit, at most 1024: the rest is the client's and the
    journal's."""
    try:
        import resource
    except ImportError:  # pragma: no cover - not POSIX
        return 512
    soft, _ = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft == resource.RLIM_INFINITY:  # pragma: no cover - unusual
        return 1024
    return max(8, min(1024, soft // 2))


class _Cap:
    """The protocol factory of a capped server (``server`` is set once the runner is up),
    and a middleware that knows which connections are serving a request."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.server: web.Server | None = None
        self._busy: set[asyncio.Transport | None] = set()

    def __call__(self) -> asyncio.BaseProtocol:
        assert self.server is not None
        open_ = [
            handler
            for handler in self.server.connections
            if handler.transport is not None and not handler.transport.is_closing()
        ]
        if len(open_) >= self.limit:
            idle = [handler for handler in open_ if handler.transport not in self._busy]
            (idle or open_)[0].force_close()
            log.debug("receiver at %d connections: closed the oldest idle one", self.limit)
        return self.server()

    @web.middleware
    async def track(
        self, request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
    ) -> web.StreamResponse:
        transport = request.transport
        self._busy.add(transport)
        try:
            return await handler(request)
        finally:
            self._busy.discard(transport)


@asynccontextmanager
async def serve(
    app: web.Application,
    host: str,
    port: int,
    *,
    header_timeout: float = HEADER_TIMEOUT,
    max_connections: int | None = None,
) -> AsyncIterator[tuple[str, int]]:
    """Serve ``app`` (not yet started) on ``host:port`` (port 0: any free one) until the
    block ends; yields the address bound. ``max_connections`` defaults to
    :func:`default_max_connections`. Raises ``OSError`` when the address cannot be bound."""
    if not header_timeout > 0:
        raise ValueError(f"header_timeout must be > 0 (got {header_timeout!r})")
    limit = default_max_connections() if max_connections is None else max_connections
    if limit < 1:
        raise ValueError(f"max_connections must be >= 1 (got {max_connections!r})")
    cap = _Cap(limit)
    app.middlewares.append(cap.track)
    runner = web.AppRunner(
        app,
        access_log=None,
        handle_signals=False,
        keepalive_timeout=header_timeout,  # runs from a connection's start too
        lingering_time=LINGERING_TIME,
    )
    await runner.setup()
    try:
        cap.server = runner.server
        # asyncio accepts up to ``backlog`` connections before any is handed over (and an
        # evicted one's descriptor is freed a moment later): keep that burst within the cap
        backlog = max(8, min(100, limit // 4))
        listening = await asyncio.get_running_loop().create_server(cap, host, port, backlog=backlog)
        try:
            bound = listening.sockets[0].getsockname()
            yield str(bound[0]), int(bound[1])
        finally:
            listening.close()
    finally:
        await runner.cleanup()
