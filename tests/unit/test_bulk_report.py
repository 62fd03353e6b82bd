"""The bulk report's cells: never a formula to a spreadsheet, always the value back."""

from __future__ import annotations

import csv
import tempfile
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from plivo_async.bulk.outcome import Outcome
from plivo_async.bulk.records import OutcomeRecord
from plivo_async.bulk.report import Report, recover_cell

_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def _rows(path: Path) -> list[list[str]]:
    with open(path, newline="", encoding="utf-8") as handle:
        return list(csv.reader(handle))


def _write(path: Path, to: str, note: str) -> list[str]:
    report = Report(path)
    try:
        report.add(Outcome(index=0, request={"to": to}, status="ok", note=note))
        report.add_record(OutcomeRecord(1, "ok", to=to, note=note))
    finally:
        report.close()
    rows = _rows(path)
    assert rows[1][1] == rows[2][1]
    return rows[1]


def test_formula_cells_are_text(tmp_path: Path) -> None:
    for hostile in (
        '=HYPERLINK("http://x")',
        "@SUM(1+1)",
        "-2+3+cmd|' /C calc'!A0",
        "+1+2",
        "\t=1",
        "\r=1",
    ):
        row = _write(tmp_path / "r.csv", hostile, hostile)
        assert row[1] == "'" + hostile
        assert recover_cell(row[1]) == hostile


def test_plain_numbers_stay_numbers(tmp_path: Path) -> None:
    # A whole number cannot call anything: "-5" and "+14155550100" stay as they are.
    for number in ("-5", "+14155550100", "-0.25", "14155550100"):
        row = _write(tmp_path / "r.csv", number, "")
        assert row[1] == number
        assert recover_cell(row[1]) == number


_hostile = st.one_of(
    st.text(max_size=20),
    st.tuples(
        st.sampled_from((*_TRIGGERS, "'", "'=", "''", "-1", "+1", "\x00")), st.text(max_size=20)
    ).map("".join),
)


@given(value=_hostile)
def test_every_cell_is_inert_readable_and_recoverable(value: str) -> None:
    with tempfile.TemporaryDirectory() as directory:
        row = _write(Path(directory) / "r.csv", value, value)
    for cell in row:
        if cell[:1] in _TRIGGERS:
            float(cell)  # only a plain number may start with a sign
    assert recover_cell(row[1]) == value
