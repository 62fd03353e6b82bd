"""A report that cannot be written stops the run at once with one error naming the file
(issue 22 item 5), as a journal write error does: the journal stays the truth, and a
resume rewrites the report."""

from __future__ import annotations

import asyncio
import csv
import errno
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from plivo_async.bulk import BulkRun, ReportWriteError
from plivo_async.bulk import report as report_module
from plivo_async.cli import main
from plivo_async.emulator import Emulator
from tests.unit._cli_helpers import cli_environment
from tests.unit.test_bulk import ANSWER, FROM
from tests.unit.test_journal import FakeApi, rows, run


def disk_full_after(monkeypatch: pytest.MonkeyPatch, lines: int) -> Callable[[], int]:
    """Make the report's writes fail (ENOSPC) after ``lines`` rows; returns the count."""
    written = 0
    add = report_module.Report.add

    def failing(self: report_module.Report, outcome: Any, *extras: Any) -> None:
        nonlocal written
        if written >= lines:
            raise OSError(errno.ENOSPC, "No space left on device")
        written += 1
        add(self, outcome, *extras)

    monkeypatch.setattr(report_module.Report, "add", failing)
    return lambda: written


async def test_a_report_write_failure_stops_the_run_with_one_error_naming_the_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    journal, report, n = tmp_path / "run.jsonl", tmp_path / "report.csv", 30
    disk_full_after(monkeypatch, 3)
    api = FakeApi()
    first: BulkRun[Any] = run(journal, api, n=n, report=report)
    with pytest.raises(ReportWriteError) as caught:
        await asyncio.wait_for(first.wait(), 20)  # on main: hangs, the slots never free
    error = caught.value
    assert str(report) in str(error) and "No space left" in str(error)
    assert isinstance(error.__cause__, OSError) and error.__cause__.errno == errno.ENOSPC
    assert first.summary.stopped == "the report could not be written"
    assert sum(api.sends.values()) < n  # stopped at once, not after every row

    monkeypatch.undo()  # the disk is fine again: the resume rewrites the whole report
    again = FakeApi()
    await run(journal, again, n=n, report=report).wait()
    assert max((api.sends + again.sends).values()) == 1  # nobody sent twice
    with report.open(newline="") as handle:
        lines = list(csv.DictReader(handle))
    assert sorted(int(line["index"]) for line in lines) == list(range(n))


async def test_dial_with_a_report_that_cannot_be_written_is_one_line_and_exit_1(
    plivo_emulator: Emulator,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    csv_rows = tmp_path / "rows.csv"
    csv_rows.write_text("to\n" + "".join(f"{row['to']}\n" for row in rows(12)))
    report = tmp_path / "report.csv"
    for key, value in cli_environment(plivo_emulator).items():
        monkeypatch.setenv(key, value)
    disk_full_after(monkeypatch, 2)
    args = ["dial", str(csv_rows), "--from", FROM, "--answer-url", ANSWER, "--concurrency", "2"]
    args += ["--report", str(report)]
    code = await asyncio.wait_for(asyncio.to_thread(main, args), 60)
    err = capsys.readouterr().err
    assert code == 1
    assert "Traceback" not in err and "never retrieved" not in err
    [line] = [line for line in err.splitlines() if line.startswith("plivo-async dial:")]
    assert str(report) in line and "No space left" in line and "resume" in line
    dialled = plivo_emulator.dialled_counts()
    assert 0 < sum(dialled.values()) < 12 and max(dialled.values()) == 1
