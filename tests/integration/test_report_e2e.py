"""A campaign dialled on the emulator in two shards, then ``plivo-async report`` on their
journals: the page's numbers are what the emulator saw and the journals hold, and the
page renders in headless Chromium with no network (see :mod:`._chromium`).

Callees in three zones; some are scripted busy (redialled once, at once) or to not
answer; one row calls its own caller id (invalid); the first create is lost after the
call was placed and, with reconciliation off, stays unknown.
"""

from __future__ import annotations

import asyncio
import json
from collections import Counter
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from plivo_async.bulk import Redial
from plivo_async.cli._tracking import listen
from plivo_async.emulator import Emulator, FaultConfig, Lifecycle, Script
from tests.unit._cli_helpers import cli_environment, run_cli
from tests.unit._html_page import Page, assert_self_contained, read_page

from ._chromium import render, screenshot
from .conftest import FROM, client_for
from .test_bulk_tracking import answer

pytest.importorskip("matplotlib")
pytest.importorskip("phonenumbers")

#: Prefixes and their zones (as the test knows them, not from phonenumbers).
ZONES = {
    "+1212555": "America/New_York",
    "+44207946": "Europe/London",
    "+6125550": "Australia/Sydney",
}
PREFIXES = list(ZONES)
ROWS, SHARDS, CPS = 30, 2, 20
INVALID = 5  # calls its own caller id
SCRIPTED = {1: "busy", 3: "no-answer"}  # by row % 6; the rest answer


def number(i: int) -> str:
    return f"{PREFIXES[i % 3]}{i:04d}"


def expected(i: int) -> str:
    return SCRIPTED.get(i % 6, "answered")


def zone(to: str) -> ZoneInfo:
    return ZoneInfo(next(name for prefix, name in ZONES.items() if to.startswith(prefix)))


async def campaign(tmp_path: Path) -> tuple[list[Path], Counter[str]]:
    """Dial the rows in two shards; the journals, and the calls the emulator placed."""
    rows: list[dict[str, Any]] = [{"to": number(i)} for i in range(ROWS)]
    rows[INVALID] = {"to": FROM}
    journals = [tmp_path / f"rows.shard-{k}-of-{SHARDS}.journal.jsonl" for k in range(SHARDS)]
    faults = FaultConfig(schedule=["drop_after"], paths="calls")
    life = Lifecycle(ringing_s=0.05, talk_s=0.05)
    async with Emulator(flows=True, callbacks=True, lifecycle=life, faults=faults) as emu:
        for i, row in enumerate(rows):
            if expected(i) != "answered":
                emu.flows.scripts[row["to"]] = Script(answer=expected(i))  # type: ignore[arg-type]
        async with (
            listen("127.0.0.1", 0, auth_token=emu.auth_token, on_event=answer) as receiver,
            client_for(emu, calls_per_second=CPS) as client,
        ):
            defaults = {"from": FROM, "answer_url": f"{receiver.url}/answer"}
            runs = [
                client.bulk.create_calls(
                    rows,
                    defaults={**defaults, **receiver.defaults()},
                    journal=journals[k],
                    shard=(k, SHARDS),
                    reconcile=False,
                    track=receiver.tracker,
                    redial=Redial(on={"busy"}, after=0, attempts=2),
                    progress=False,
                )
                for k in range(SHARDS)
            ]
            await asyncio.gather(*(run.wait() for run in runs))
        return journals, emu.dialled_counts(placed_only=True)


def journal_lines(journals: list[Path]) -> list[dict[str, Any]]:
    return [json.loads(line) for path in journals for line in path.read_text().splitlines()[1:]]


def check_numbers(page: Page, journals: list[Path], dialled: Counter[str]) -> None:
    """The page's numbers against the emulator's and the journals' own."""
    lines = journal_lines(journals)
    (unknown,) = [line for line in lines if line.get("status") == "unknown"]
    lost = unknown["o"]  # the row whose create was lost: placed, but the journal can't say
    assert page.counts("outcomes-table") == {"ok": ROWS - 2, "unknown": 1, "invalid": 1}
    # every call the emulator placed is counted placed, but the lost create's
    assert int(page.cards["placed"]) == sum(dialled.values()) - 1
    assert int(page.cards["rows"]) == ROWS
    ok_rows = [i for i in range(ROWS) if i not in (INVALID, lost)]
    assert page.counts("dispositions-table") == Counter(expected(i) for i in ok_rows)
    busy = [i for i in ok_rows if expected(i) == "busy"]
    assert all(dialled[number(i)] == 2 for i in busy)  # redialled once, busy again
    assert page.body("redials-table") == [
        ["dial 1", str(ROWS - 1), str(sum(expected(i) == "answered" for i in ok_rows))],
        ["dial 2", str(len(busy)), "0"],
    ]
    assert int(page.cards["dials"]) == ROWS - 1 + len(busy)
    attention = {row[1]: row for row in page.body("attention-table")}
    assert set(attention) == {str(lost), str(INVALID)}
    assert attention[str(lost)][3] == "unknown"
    assert attention[str(INVALID)][3] == "invalid"
    # the answer rate by hour of the callee's day: each ended dial at its start's moment,
    # in its callee's zone (the test's own table of zones)
    to = {line["o"]: line["to"] for line in lines if "o" in line and "to" in line}
    sent = {(line["s"], line.get("dial", 1)): line["t"] for line in lines if "s" in line}
    hours: Counter[str] = Counter()
    for line in lines:
        if line.get("disposition") is not None:
            moment = sent[line["d"], line["dial"]]
            hours[f"{datetime.fromtimestamp(moment, zone(to[line['d']])).hour:02d}:00"] += 1
    assert {row[0]: int(row[1]) for row in page.body("hours-table")} == hours
    placed = page.body("placed-table")
    assert sum(int(n) for _, n in placed) == int(page.cards["placed"])
    assert all(int(n) <= CPS for _, n in placed)  # one-second bins, never above the CPS


async def test_a_campaign_s_report_matches_the_emulator_and_renders_offline(
    tmp_path: Path,
) -> None:
    journals, dialled = await campaign(tmp_path)
    html = tmp_path / "report.html"
    done = await run_cli(
        "report",
        *map(str, journals),
        "--html",
        str(html),
        "--cps",
        str(CPS),
        env=cli_environment(),
    )
    assert done.code == 0, done.err
    page = assert_self_contained(html.read_text(encoding="utf-8"))
    check_numbers(page, journals, dialled)

    rendered = await render(html, tmp_path)
    assert rendered.requests == []  # the page asked for nothing
    shown = read_page(rendered.dom)
    assert (
        shown.svgs
        == page.svgs
        == {
            "outcomes-chart",
            "placed-chart",
            "hours-chart",
            "latency-chart",
            "redials-chart",
        }
    )
    assert shown.tables == page.tables and shown.cards == page.cards
    png = tmp_path / "report.png"
    await screenshot(html, png, tmp_path)
    colours = drawn_colours(png)
    # the charts were drawn: the placed calls' blue, the answered green, the CPS line red
    assert {(9, 105, 218), (45, 164, 78), (207, 34, 46)} <= colours


def drawn_colours(png: Path) -> set[tuple[int, int, int]]:
    from PIL import Image  # matplotlib's own dependency

    with Image.open(png) as image:
        rgb = image.convert("RGB")
        assert rgb.size == (1100, 2400)
        return {colour for _, colour in rgb.getcolors(maxcolors=1 << 20) or []}


async def test_the_network_check_sees_a_page_that_fetches(tmp_path: Path) -> None:
    """The check above can fail: a page with one outside image is caught."""
    page = tmp_path / "fetches.html"
    page.write_text('<!DOCTYPE html><p>hi</p><img src="https://cdn.example.com/x.png">')
    rendered = await render(page, tmp_path)
    assert rendered.requests == ["https://cdn.example.com/x.png"]
