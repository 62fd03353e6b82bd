"""The emulator as the benchmarks run it: ``python -m plivo_async.emulator`` plus one route.

Same options, same app, same output line (``PLIVO_EMULATOR_URL=...``). The extra read-only
admin route ``GET /__bench__/calls`` (same Basic auth as the API) returns the arrival time
of every call the emulator placed since the last reset, on the emulator's clock
(``time.time()``), so the CPS benchmark can check the window guarantee where it matters:
at the server. The stock admin endpoint ``/__emulator__/stats`` only gives counts.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import logging
import sys
from typing import Any

from aiohttp import web

from plivo_async.emulator.__main__ import add_emulator_arguments, emulator_from_args, serve
from plivo_async.emulator.server import Emulator

CALLS_PATH = "/__bench__/calls"


def add_bench_routes(emulator: Emulator) -> None:
    """Add ``GET /__bench__/calls`` (before the emulator starts)."""
    records = emulator.history

    # The emulator's middleware calls routes as route(request, ctx), after the auth check.
    async def call_times(request: web.Request, ctx: Any) -> web.Response:
        payload = {
            "times": [call.time for call in records.calls],
            "max_in_1s": records.max_calls_in_window(1.0),
        }
        return web.Response(body=json.dumps(payload), content_type="application/json")

    emulator.app.router.add_route("GET", CALLS_PATH, call_times)  # type: ignore[arg-type]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.emulator_server")
    add_emulator_arguments(parser)
    args = parser.parse_args(argv)
    emulator = emulator_from_args(args)
    add_bench_routes(emulator)
    logging.basicConfig(level=str(args.log_level).upper(), stream=sys.stderr)
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(serve(emulator))
    return 0


if __name__ == "__main__":
    sys.exit(main())
