"""A real aiohttp.web server on 127.0.0.1 for the transport's edge tests.

Where aioresponses cannot show it (redirects really followed or not, a body streamed
without end, the exact bytes of the request line), a loopback server can.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextlib import asynccontextmanager, contextmanager

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


@contextmanager
def serve_in_a_thread(make_app: Callable[[], web.Application]) -> Iterator[int]:
    """Serve ``make_app()`` on 127.0.0.1 from its own loop in a thread, so that sync
    (hypothesis) tests can call it; yields the port."""
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()

    async def start() -> web.AppRunner:
        runner = web.AppRunner(make_app(), access_log=None)
        await runner.setup()
        await web.TCPSite(runner, "127.0.0.1", 0).start()
        return runner

    runner = asyncio.run_coroutine_threadsafe(start(), loop).result(10)
    try:
        yield int(runner.addresses[0][1])
    finally:
        asyncio.run_coroutine_threadsafe(runner.cleanup(), loop).result(10)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(10)
        loop.close()


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
