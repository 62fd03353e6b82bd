"""``plivo-async report`` in a subprocess: the page and the summary from shards'
journals, and every mistake one line, exit 2, no page written."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.unit._cli_helpers import REPO, Finished, cli_environment, run_cli
from tests.unit._html_page import assert_self_contained
from tests.unit.test_journal_stats import CAMPAIGN, LONDON, T0, ok, start, write

pytest.importorskip("matplotlib")


async def report(*args: str | Path, **env: str) -> Finished:
    return await run_cli("report", *map(str, args), env=cli_environment(**env))


def one_line(done: Finished, text: str) -> None:
    assert done.code == 2, done
    assert done.err_lines == [done.err_lines[0]] and text in done.err, done.err
    assert done.err.startswith("plivo-async report: ") and "Traceback" not in done.err


def shards(tmp_path: Path) -> tuple[Path, Path]:
    a = write(tmp_path / "rows.shard-0-of-2.journal.jsonl", *CAMPAIGN)
    b = write(
        tmp_path / "rows.shard-1-of-2.journal.jsonl",
        start(1, T0 + 10),
        ok(1, LONDON, 90.0),
        {"d": 1, "dial": 1, "disposition": "answered"},
    )
    return a, b


async def test_shards_journals_make_one_page_and_one_summary(tmp_path: Path) -> None:
    a, b = shards(tmp_path)
    out = tmp_path / "report.html"
    done = await report(a, b, "--html", out, "--cps", "10", "--title", "Spring campaign")
    assert done.code == 0, done.err
    assert done.out.splitlines() == [
        "2 journal(s), 10 rows, 10 dials (1 redials), 7 placed",
        "outcomes: ok 6, failed 1, in flight 1, invalid 1, unknown 1",
        "dispositions: answered 3, redial due 2, not known 1",
        "answered 3 of 6 calls that ended; peak 2 placed in one second",
        "API time: p50 110 ms, p95 300 ms",
        "rows to look at (unknown, in flight, failed, invalid): 4",
        f"report: {out}",
    ]
    page = assert_self_contained(out.read_text(encoding="utf-8"))
    assert page.cards["rows"] == "10" and page.cards["placed"] == "7"
    assert page.counts("outcomes-table")["ok"] == 6
    head, *rows = page.tables["attention-table"]
    assert head[0] == "journal"  # two journals: each row says which
    assert {row[0] for row in rows} == {str(a)}
    assert sorted(os.listdir(tmp_path)) == sorted([a.name, b.name, out.name])


async def test_without_html_only_the_summary_is_printed(tmp_path: Path) -> None:
    shards_written = shards(tmp_path)
    done = await report(shards_written[0])
    assert done.code == 0 and done.out.startswith("1 journal(s), 9 rows")
    assert "report:" not in done.out
    assert sorted(os.listdir(tmp_path)) == sorted(p.name for p in shards_written)


async def test_a_missing_journal_is_one_line(tmp_path: Path) -> None:
    a, _ = shards(tmp_path)
    done = await report(a, tmp_path / "nope.jsonl", "--html", tmp_path / "r.html")
    one_line(done, "nope.jsonl: no such file or directory")
    assert not (tmp_path / "r.html").exists()


async def test_a_file_that_is_not_a_journal_is_one_line(tmp_path: Path) -> None:
    rows = tmp_path / "rows.csv"
    rows.write_text("to\n+14155550100\n")
    one_line(await report(rows), "rows.csv is not a plivo-async journal")
    one_line(await report(tmp_path), "is not a plivo-async journal (not a regular file)")


async def test_a_corrupt_journal_names_its_line(tmp_path: Path) -> None:
    bad = write(tmp_path / "bad.jsonl", start(0, T0))
    with bad.open("a") as handle:
        handle.write("not json\n")
    one_line(await report(bad), "bad.jsonl: line 3 is not JSON")


async def test_a_journal_given_twice_is_one_line(tmp_path: Path) -> None:
    a, _ = shards(tmp_path)
    one_line(await report(a, tmp_path / "." / a.name), "is given twice")


async def test_a_page_that_cannot_be_written_is_one_line(tmp_path: Path) -> None:
    a, _ = shards(tmp_path)
    done = await report(a, "--html", tmp_path / "no" / "such" / "dir" / "r.html")
    one_line(done, "cannot write the report: ")
    assert "no such file or directory" in done.err


async def test_a_bad_cps_is_one_line(tmp_path: Path) -> None:
    a, _ = shards(tmp_path)
    done = await report(a, "--cps", "-3")
    assert done.code == 2 and len(done.err_lines) == 1
    assert "--cps: must be a number of calls per second > 0 (got '-3')" in done.err


async def test_without_matplotlib_html_says_what_to_install(tmp_path: Path) -> None:
    a, _ = shards(tmp_path)
    blocker = tmp_path / "site"
    blocker.mkdir()
    (blocker / "sitecustomize.py").write_text("import sys\nsys.modules['matplotlib'] = None\n")
    out = tmp_path / "r.html"
    done = await report(a, "--html", out, PYTHONPATH=f"{blocker}:{REPO}")
    one_line(done, 'the HTML report needs matplotlib: pip install "plivo-async[report]"')
    assert not out.exists()
    # and the summary alone needs no matplotlib
    summary = await report(a, PYTHONPATH=f"{blocker}:{REPO}")
    assert summary.code == 0 and summary.out.startswith("1 journal(s)")
