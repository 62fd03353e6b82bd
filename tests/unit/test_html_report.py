"""The HTML report: its numbers are the journal's, it fetches nothing, and whatever a
journal holds is shown as text (escaped; credentials and URL passwords never shown)."""

from __future__ import annotations

import json
import sys
from datetime import datetime, timezone
from pathlib import Path

import pytest

from plivo_async.bulk import html_report
from plivo_async.bulk.html_report import INSTALL_HINT, render_html
from plivo_async.bulk.journal_stats import CampaignStats
from plivo_async.errors import register_secret
from tests.unit._html_page import assert_self_contained, read_page
from tests.unit.test_journal_stats import CAMPAIGN, NY, T0, ok, start, stats_of, write, zones

pytest.importorskip("matplotlib")

FIGURES = {"outcomes-chart", "placed-chart", "hours-chart", "latency-chart", "redials-chart"}


def campaign(tmp_path: Path) -> CampaignStats:
    return stats_of(write(tmp_path / "j.jsonl", *CAMPAIGN), zone_of=zones)


def test_the_page_shows_the_journal_s_numbers(tmp_path: Path) -> None:
    stats = campaign(tmp_path)
    page = assert_self_contained(
        render_html(stats, cps=2, generated=datetime(2026, 3, 2, tzinfo=timezone.utc))
    )
    assert page.svgs == FIGURES
    assert page.cards == {
        "rows": "9",
        "dials": "9",
        "placed": "6",
        "answered": "2",
        "answer-rate": "40.0%",  # 2 of the 5 calls whose end is known
        "attention": "4",
        "api-p50": "110 ms",
        "api-p95": "300 ms",
    }
    assert page.counts("outcomes-table") == stats.outcomes
    assert page.counts("dispositions-table") == stats.dispositions
    assert page.body("hours-table") == [
        ["08:00", "1", "0", "0.0%"],
        ["09:00", "1", "1", "100.0%"],
        ["14:00", "3", "1", "33.3%"],
    ]
    assert page.body("redials-table") == [["dial 1", "8", "1"], ["dial 2", "1", "1"]]
    assert page.counts("redialled-after") == {"busy": 2, "no-answer": 1}
    assert dict(page.body("latency-quantiles")) == {
        "p50": "110 ms",
        "p90": "300 ms",
        "p95": "300 ms",
        "p99": "300 ms",
        "max": "300 ms",
    }
    assert sum(int(n) for _, n in page.body("latency-table")) == len(stats.latency_ms)
    assert page.counts("latency-table")["100-200 ms"] == 3  # 110, 120, 200
    placed = page.body("placed-table")
    assert sum(int(n) for _, n in placed) == stats.placed
    assert len(placed) == 62  # one-second bins: the run spans 61 s
    assert placed[0] == ["2026-03-02 14:00:00", "2"]  # rows 0 and 1
    summary = dict(page.body("summary-table"))
    assert summary["account CPS"] == "2"
    assert summary["most calls placed in one second"] == "2"
    assert summary["first dial sent (UTC)"] == "2026-03-02 14:00:00"


def test_the_rows_to_look_at_are_a_table(tmp_path: Path) -> None:
    page = read_page(render_html(campaign(tmp_path)))
    head, *rows = page.tables["attention-table"]
    assert head[:5] == ["row", "to", "status", "dial", "error"]  # one journal: no column
    assert [row[:4] for row in rows] == [
        ["2", NY, "failed", "1"],
        ["3", "", "in flight", "1"],
        ["4", "12x", "invalid", "1"],
        ["7", NY, "unknown", "1"],
    ]
    failed = dict(zip(head, rows[0], strict=True))
    assert failed["error"] == "InvalidRequestError: src and destination cannot overlap"
    assert failed["HTTP"] == "400"


def test_what_a_journal_holds_is_text_and_never_a_secret(tmp_path: Path) -> None:
    register_secret("MAREPORTTEST", "report-test-token-0123456789")
    hostile = "<script>alert(1)</script>"
    journal = write(
        tmp_path / "j.jsonl",
        start(0, T0),
        ok(0, hostile, 100.0),
        {"d": 0, "dial": 1, "disposition": "<b>$x$</b>"},
        start(1, T0 + 1),
        {
            "o": 1,
            "status": "failed",
            "h": f"{1:016x}",
            "attempts": 1,
            "ms": 5.0,
            "to": '"><img src=x onerror=alert(1)>',
            "error": "InvalidRequestError",
            "message": "answer_url https://admin:hunter2@example.com/a refused; "
            "token report-test-token-0123456789",
        },
    )
    text = render_html(stats_of(journal), title="<i>campaign</i>")
    page = assert_self_contained(text)
    assert "<script" not in text
    assert "<img" not in text
    assert "<b>$x$" not in text
    assert "hunter2" not in text and "report-test-token-0123456789" not in text
    assert "<title>&lt;i&gt;campaign&lt;/i&gt;</title>" in text
    assert text.count("&lt;b&gt;$x$&lt;/b&gt;") == 2  # the table, and the chart's label
    assert page.counts("dispositions-table") == {"<b>$x$</b>": 1}
    (row,) = page.body("attention-table")
    assert row[1] == '"><img src=x onerror=alert(1)>'
    assert "https://example.com/a refused; token [REDACTED]" in row[4]


def test_an_untracked_run_and_a_run_without_times_say_what_is_missing(tmp_path: Path) -> None:
    journal = tmp_path / "mpc.jsonl"
    header = {"journal": "plivo-async", "version": 2, "kind": "mpc", "input": None}
    lines = [header, {"s": 0, "h": f"{0:016x}"}, ok(0, NY, 50.0)]
    journal.write_text("".join(json.dumps(line) + "\n" for line in lines))
    text = render_html(stats_of(journal))
    page = assert_self_contained(text)
    assert "No call was followed to its end" in text
    assert "No dial holds its moment" in text
    assert "No call's end is known" in text
    assert page.svgs == {"outcomes-chart", "latency-chart"}  # no redials either
    assert "None: no row is unknown, failed or invalid." in text


def test_the_list_of_rows_to_look_at_is_capped(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(html_report, "ATTENTION_SHOWN", 2)
    page = read_page(render_html(campaign(tmp_path)))
    assert len(page.body("attention-table")) == 2
    assert "The first 2 of 4 are listed" in render_html(campaign(tmp_path))


def test_without_matplotlib_the_page_says_what_to_install(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    with pytest.raises(ImportError, match="needs matplotlib") as raised:
        render_html(campaign(tmp_path))
    assert INSTALL_HINT in str(raised.value)
