"""A campaign on the emulator, in two shards, then its HTML report (docs/guide/report.md).

Run from the repository root: ``python docs/examples/report_demo.py OUT_DIR``. It dials
callees in five time zones through the real client against the emulator (calls ring and
talk a fraction of a second; some callees are busy, some do not answer, some are
machines; a few creates are lost after the call was placed and left unknown, one row
calls itself and is refused), follows every call to its end, redials busy rows once,
writes one journal per shard, then runs ``plivo-async report`` on both journals.
``--screenshot`` also renders the report in headless Chromium (no network) to a PNG.
"""

from __future__ import annotations

import argparse
import asyncio
import subprocess
import sys
from pathlib import Path

from plivo_async import AsyncPlivo
from plivo_async.bulk import Redial
from plivo_async.cli._tracking import listen
from plivo_async.emulator import Emulator, FaultConfig, Lifecycle, Script
from plivo_async.retry import RetryPolicy
from plivo_async.webhooks import AnswerEvent, CallbackEvent
from plivo_async.xml import Response, Speak

FROM = "+14155550100"
CPS = 5
#: Area prefixes of five zones: New York, Chicago, San Francisco, London, Sydney.
PREFIXES = ("+1212555", "+1312555", "+1415555", "+44207946", "+6125550")
SHARDS = 2


def number(i: int) -> str:
    return f"{PREFIXES[i % len(PREFIXES)]}{i:04d}"


def script(i: int) -> Script | None:
    """How callee ``i`` answers: mostly people, some busy, unanswered, or a machine."""
    mode = {3: "busy", 5: "no-answer", 7: "machine", 11: "busy"}.get(i % 13)
    return None if mode is None else Script(answer=mode)  # type: ignore[arg-type]


async def answer(event: CallbackEvent) -> Response | None:
    return Response([Speak("Hello from plivo-async")]) if isinstance(event, AnswerEvent) else None


async def campaign(out: Path, calls: int) -> list[Path]:
    emulator = Emulator(
        seed=3,
        flows=True,
        callbacks=True,
        cps=CPS,
        lifecycle=Lifecycle(ringing_s=0.3, talk_s=0.6),
        faults=FaultConfig(drop_after=0.03, latency_ms=(40.0, 160.0), paths="calls"),
    )
    rows = [{"to": number(i)} for i in range(calls)]
    rows[17] = {"to": FROM}  # calls itself: the API refuses it (failed)
    journals = [out / f"campaign.shard-{k}-of-{SHARDS}.jsonl" for k in range(SHARDS)]
    async with emulator:
        for i, row in enumerate(rows):
            if (flow := script(i)) is not None:
                emulator.flows.scripts[row["to"]] = flow
        async with (
            listen("127.0.0.1", 0, auth_token=emulator.auth_token, on_event=answer) as receiver,
            AsyncPlivo(
                emulator.auth_id,
                emulator.auth_token,
                base_url=emulator.url,
                phlo_base_url=emulator.phlo_url,
                rate_limit=None,
                calls_per_second=CPS,
                retry=RetryPolicy(base=0.05, cap=0.5),
            ) as client,
        ):

            async def shard(k: int) -> None:
                run = client.bulk.create_calls(
                    rows,
                    defaults={
                        "from": FROM,
                        "answer_url": f"{receiver.url}/answer",
                        "machine_detection": "hangup",
                        **receiver.defaults(),
                    },
                    journal=journals[k],
                    shard=(k, SHARDS),
                    reconcile=False,  # lost answers stay unknown: rows to look at
                    track=receiver.tracker,
                    track_wait=10.0,
                    redial=Redial(on={"busy"}, after=1.0, attempts=2),
                    progress=False,
                )
                await run.wait()

            await asyncio.gather(*(shard(k) for k in range(SHARDS)))
    return journals


def screenshot(html: Path, png: Path) -> None:
    """The report as headless Chromium renders it, every network request refused."""
    subprocess.run(
        [
            "chromium",
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--hide-scrollbars",
            "--proxy-server=127.0.0.1:9",
            "--window-size=1000,4000",
            f"--screenshot={png}",
            html.resolve().as_uri(),
        ],
        check=True,
        capture_output=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--calls", type=int, default=120)
    parser.add_argument("--screenshot", type=Path, default=None, metavar="PNG")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    journals = asyncio.run(campaign(args.out, args.calls))
    html = args.out / "report.html"
    names = [journal.name for journal in journals]  # as a person would type them
    command = [sys.executable, "-m", "plivo_async.cli", "report", *names, "--html", html.name]
    subprocess.run([*command, "--cps", str(CPS)], check=True, cwd=args.out)
    if args.screenshot is not None:
        screenshot(html, args.screenshot)


if __name__ == "__main__":
    main()
