"""A real aiohttp.web server on 127.0.0.1 for the transport's edge tests.

Where aioresponses cannot show it (redirects really followed or not, a body streamed
without end, the exact bytes of the request line), a loopback server can.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager

from aiohttp import web

from plivo_async.client import AsyncPlivo
from plivo_async.retry import RetryPolicy
from tests.conftest import AUTH_ID, AUTH_TOKEN

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


@asynccontextmanager
async def serve(handler: Handler) -> AsyncIterator[str]:
    """Serve every method and path with ``handler``; yields the base URL."""
    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", handler)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        await runner.cleanup()


def loopback_client(url: str, **options: object) -> AsyncPlivo:
    """A client of ``url`` with one attempt per request and no rate limit."""
    kwargs: dict[str, object] = {
        "base_url": url,
        "phlo_base_url": url,
        "rate_limit": None,
        "retry": RetryPolicy.never(),
    }
    kwargs.update(options)
    return AsyncPlivo(AUTH_ID, AUTH_TOKEN, **kwargs)  # type: ignore[arg-type]
