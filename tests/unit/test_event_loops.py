"""A client belongs to one event loop: a second ``asyncio.run()`` gets a clear error.

Each test runs two real ``asyncio.run()`` calls against a loopback server, in a fresh
interpreter started with ``-W error::ResourceWarning``, so that any unclosed session,
connector or socket left by the first loop would show on its stderr.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

PRELUDE = """
import asyncio, gc, json, warnings
from aiohttp import web
from plivo_async import AsyncPlivo, EventLoopError
from tests.unit._loopback import serve_in_a_thread

seen = []

def make_app():
    async def handler(request):
        seen.append(request.path)
        return web.json_response({"api_id": "x", "call_uuid": "c-1"})
    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", handler)
    return app

def make_client(port):
    return AsyncPlivo("MA" + "X" * 18, "token-of-the-loop-test", base_url=f"http://127.0.0.1:{port}",
                      rate_limit=None)
"""


def run(body: str) -> subprocess.CompletedProcess[str]:
    script = PRELUDE + textwrap.dedent(body) + "\ngc.collect()\nprint('done')\n"
    return subprocess.run(
        [sys.executable, "-X", "dev", "-W", "error::ResourceWarning", "-c", script],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_a_second_asyncio_run_is_told_what_happened_and_sends_nothing() -> None:
    proc = run(
        """
        with serve_in_a_thread(make_app) as port:
            client = make_client(port)
            first = asyncio.run(client.calls.get("c-1"))
            print("first", first.call_uuid, len(seen))
            try:
                asyncio.run(client.calls.get("c-1"))
            except EventLoopError as exc:
                assert isinstance(exc, RuntimeError)
                print("error:", exc)
            print("sent", len(seen))
            del client
        """
    )
    assert proc.returncode == 0, proc.stderr
    assert "first c-1 1" in proc.stdout
    assert "error: this client was opened in another event loop, which has ended" in proc.stdout
    assert "async with" in proc.stdout  # what to do
    assert "sent 1" in proc.stdout  # the second run sent nothing
    assert "done" in proc.stdout
    # No unclosed session, connector, socket or loop, and no "Event loop is closed".
    assert "ResourceWarning" not in proc.stderr, proc.stderr
    assert "Exception ignored" not in proc.stderr, proc.stderr
    assert "Event loop is closed" not in proc.stdout + proc.stderr


def test_async_with_in_each_run_works() -> None:
    proc = run(
        """
        with serve_in_a_thread(make_app) as port:
            client = make_client(port)

            async def use(client):
                async with client:
                    return (await client.calls.get("c-1")).call_uuid

            print("runs", asyncio.run(use(client)), asyncio.run(use(client)), len(seen))
            # A run that ended without closing its client: 'async with' it again works.
            other = make_client(port)
            asyncio.run(other.calls.get("c-1"))
            print("again", asyncio.run(use(other)), len(seen))
            del client, other
        """
    )
    assert proc.returncode == 0, proc.stderr
    assert "runs c-1 c-1 2" in proc.stdout
    assert "again c-1 4" in proc.stdout
    assert "ResourceWarning" not in proc.stderr, proc.stderr
    assert "Exception ignored" not in proc.stderr, proc.stderr
