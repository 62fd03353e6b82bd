"""Open a page in headless Chromium (Debian's ``chromium``) with no network at all.

Every request goes to a proxy on a closed port (``127.0.0.1:9``), so any fetch fails;
Chromium's net log says whether the page tried one (requests the browser makes for
itself, update checks and the like, have no origin and are not the page's). Without
``chromium`` on PATH the test is skipped, unless ``CI_REQUIRE_CHROMIUM=1`` (set by
``.ci/run``): then it fails.
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
from pathlib import Path

import attrs
import pytest

#: Flags of every run: headless, no GPU, no sandbox (containers), no network.
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--hide-scrollbars",
    "--proxy-server=127.0.0.1:9",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-default-apps",
)


def chromium() -> str:
    """The chromium executable; skips the test without one (fails it in CI)."""
    found = shutil.which("chromium")
    if found is not None:
        return found
    if os.environ.get("CI_REQUIRE_CHROMIUM") == "1":
        pytest.fail("CI_REQUIRE_CHROMIUM=1, and there is no chromium on PATH (Debian: chromium)")
    pytest.skip("chromium is not installed (Debian: apt-get install chromium); CI runs this")


@attrs.frozen
class Rendered:
    dom: str
    #: URLs the page asked for (from the net log: requests with an origin).
    requests: list[str]


async def _run(*args: str, timeout: float = 120) -> bytes:
    process = await asyncio.create_subprocess_exec(
        chromium(),
        *args,
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(process.communicate(), timeout)
    assert process.returncode == 0, err.decode(errors="replace")[-2000:]
    return out


async def render(page: Path, work: Path) -> Rendered:
    """The DOM Chromium built from ``page`` (an absolute path), and what the page
    tried to fetch."""
    log = work / "net-log.json"
    dom = await _run(
        *FLAGS,
        f"--user-data-dir={work / 'profile-dom'}",
        f"--log-net-log={log}",
        "--dump-dom",
        page.as_uri(),
    )
    return Rendered(dom.decode(), page_requests(log))


async def screenshot(page: Path, png: Path, work: Path, size: str = "1100,2400") -> None:
    await _run(
        *FLAGS,
        f"--user-data-dir={work / 'profile-shot'}",
        f"--window-size={size}",
        f"--screenshot={png}",
        page.as_uri(),
    )


def page_requests(log: Path) -> list[str]:
    """The URLs of the requests a page started (their initiator is an origin)."""
    data = json.loads(log.read_text())
    start = data["constants"]["logEventTypes"]["URL_REQUEST_START_JOB"]
    return [
        event["params"]["url"]
        for event in data["events"]
        if event["type"] == start
        and event.get("params", {}).get("initiator", "not an origin") != "not an origin"
    ]
