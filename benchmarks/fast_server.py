"""A server that costs almost nothing: the yardstick for the client's own overhead.

Against the emulator (which validates, records and builds each answer) the server is the
bottleneck and the client's cost per request hides behind it. This ``aiohttp.web`` app
answers every POST with one fixed 201 body shaped like Plivo's call create answer, and
every other request with a fixed 200, without reading anything but the headers. Run as
``python -m benchmarks.fast_server [--port N]``; it prints ``PLIVO_EMULATOR_URL=...`` like
the emulator, so :func:`plivo_async.emulator.process.start_process` can run it.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import socket
import sys

from aiohttp import web

#: What Plivo answers a call create with (``request_uuid`` is what the client checks for).
CREATED = json.dumps(
    {
        "api_id": "97a6c0b2-2b4d-11ee-9f4a-0242ac110002",
        "message": "call fired",
        "request_uuid": "9834029e-58b6-11e1-b8b7-a5bd0e4e126f",
    }
).encode()
OK = json.dumps({"api_id": "97a6c0b2-2b4d-11ee-9f4a-0242ac110002", "objects": []}).encode()


async def _created(request: web.Request) -> web.Response:
    return web.Response(status=201, body=CREATED, content_type="application/json")


async def _ok(request: web.Request) -> web.Response:
    return web.Response(status=200, body=OK, content_type="application/json")


def make_app() -> web.Application:
    app = web.Application()
    app.router.add_route("POST", "/{tail:.*}", _created)
    app.router.add_route("*", "/{tail:.*}", _ok)
    return app


async def serve(port: int) -> None:
    runner = web.AppRunner(make_app(), access_log=None, handle_signals=True)
    await runner.setup()
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", port))
    site = web.SockSite(runner, sock, backlog=1024)
    await site.start()
    print(f"PLIVO_EMULATOR_URL=http://127.0.0.1:{sock.getsockname()[1]}", flush=True)
    try:
        await asyncio.Event().wait()
    finally:
        await runner.cleanup()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.fast_server")
    parser.add_argument("--port", type=int, default=0)
    args = parser.parse_args(argv)
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(serve(args.port))
    return 0


if __name__ == "__main__":
    sys.exit(main())
