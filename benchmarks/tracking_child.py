"""One tracked bulk run in a fresh process, reporting its own peak RSS.

``python -m benchmarks.tracking_child N`` drives ``client.bulk.create_calls(track=...)``
over a generator of N rows against a fast server in the same process (loopback, one
unique ``request_uuid`` per create, nothing recorded), which fires each call's signed
hangup callback straight into the :class:`~plivo_async.tracking.CallTracker` (the part of
the receiver that keeps state; the HTTP and HMAC in front of it keep none):

- half the hangups before the create's answer (they beat it: kept until ``track``), half
  ``AFTER`` seconds after it (the row is waiting for them);
- every fifth call's hangup again ``REPEAT`` seconds later (Plivo repeats callbacks; the
  row is done by then);
- every second create, a hangup naming a call nobody made (another run's, or forged):
  the tracker's bound on those is full from 20,000 rows on.

It prints one JSON line: peak (``VmHWM``) and current RSS at the start, at every tenth of
the run and at the end, the elapsed time, the bulk summary and what the tracker holds.
"""

from __future__ import annotations

import argparse
import asyncio
import functools
import itertools
import json
import socket
import sys
import time
from collections.abc import Iterator
from typing import Any

from aiohttp import web

from plivo_async import AsyncPlivo, CallTracker
from plivo_async.correlation import mark_of
from plivo_async.webhooks import HangupEvent

from ._common import ANSWER_URL, AUTH_ID, AUTH_TOKEN, FROM, destination
from .memory_child import current_rss_mb, finish, peak_rss_mb

AFTER = 0.02
REPEAT = 0.2
HANGUP_URL = "https://example.com/hangup"


def rows(n: int) -> Iterator[dict[str, str]]:
    for i in range(n):
        yield {
            "from": FROM,
            "to": destination(i),
            "answer_url": ANSWER_URL,
            "hangup_url": HANGUP_URL,
        }


def hangup(request_uuid: str, n: int) -> HangupEvent:
    return HangupEvent.from_params(
        {
            "Event": "Hangup",
            "RequestUUID": request_uuid,
            "CallUUID": f"call-{n:09d}",
            "CallStatus": "completed",
            "Duration": "3",
            "BillDuration": "60",
            "HangupCause": "NORMAL_CLEARING",
        }
    )


def server_app(tracker: CallTracker) -> web.Application:
    """Answers every create at once and fires its callbacks into ``tracker``."""
    counter = itertools.count()
    loop = asyncio.get_running_loop()

    async def create(request: web.Request) -> web.Response:
        body = await request.json()
        n = next(counter)
        uuid = f"{n:09d}-b5a1-11ee-9f4a-0242ac110002"
        fire = functools.partial(
            tracker.feed, hangup(uuid, n), mark=mark_of(body.get("hangup_url") or ""), signed=True
        )
        if n % 2:
            loop.call_later(AFTER, fire)
        else:
            fire()
        if n % 5 == 0:
            loop.call_later(REPEAT, fire)
        if n % 2 == 0:
            tracker.feed(hangup(f"unknown-{n:09d}", -n), signed=True)
        answer = {"api_id": uuid, "message": "call fired", "request_uuid": uuid}
        return web.Response(status=201, body=json.dumps(answer), content_type="application/json")

    app = web.Application()
    app.router.add_route("POST", "/{tail:.*}", create)
    return app


async def bulk(n: int) -> dict[str, Any]:
    tracker = CallTracker()
    runner = web.AppRunner(server_app(tracker), access_log=None)
    await runner.setup()
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    await web.SockSite(runner, sock, backlog=1024).start()
    url = f"http://127.0.0.1:{sock.getsockname()[1]}"
    checkpoints: list[dict[str, float | int | None]] = []
    step = max(n // 10, 1)
    try:
        async with AsyncPlivo(
            AUTH_ID,
            AUTH_TOKEN,
            base_url=url,
            phlo_base_url=url,
            rate_limit=None,
            calls_per_second=None,
        ) as client:
            run = client.bulk.create_calls(rows(n), track=tracker, track_wait=60, progress=False)
            started = time.perf_counter()
            done = 0
            async for _outcome in run:
                done += 1
                if done % step == 0:
                    checkpoints.append(
                        {
                            "rows": done,
                            "peak_mb": peak_rss_mb(),
                            "rss_mb": current_rss_mb(),
                            "tracked": len(tracker),
                        }
                    )
            elapsed = time.perf_counter() - started
            await asyncio.sleep(REPEAT * 2)  # the last repeats arrive after their rows
    finally:
        await runner.cleanup()
    return {
        "elapsed_s": elapsed,
        "rows_per_s": n / elapsed if elapsed else None,
        "checkpoints": checkpoints,
        "summary": run.summary.as_dict(),
        "tracker": {
            "held": len(tracker),
            "marks": len(tracker.marks),
            "duplicates": tracker.duplicates,
            "dropped": getattr(tracker, "dropped", None),
            "late": getattr(tracker, "late", None),
        },
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.tracking_child")
    parser.add_argument("rows", type=int, help="how many rows to send")
    args = parser.parse_args(argv)
    report: dict[str, Any] = {"rows": args.rows}
    report["start_peak_mb"] = peak_rss_mb()
    report["start_rss_mb"] = current_rss_mb()
    report.update(asyncio.run(bulk(args.rows)))
    return finish(report, args.rows)


if __name__ == "__main__":
    sys.exit(main())
