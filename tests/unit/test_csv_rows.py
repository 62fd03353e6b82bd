"""Reading CSV rows: every record is a row or a reported malformed row, with its line;
a file that is not CSV at all is one CsvError; progress totals; the summary's text."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from plivo_async.bulk import Outcome, Summary
from plivo_async.bulk.inputs import CsvError, CsvRows, MalformedRow, build_request, read_csv
from plivo_async.bulk.progress import forget_row, make_progress
from plivo_async.emulator import Emulator
from plivo_async.errors import ValidationError
from plivo_async.models.calls import CreateCallRequest
from tests.unit.test_bulk import client_for
from tests.unit.test_bulk import rows as call_rows

CELL = st.text(st.characters(exclude_characters="\r\n\x00", exclude_categories=["Cs"]), max_size=8)
PROPERTY = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@PROPERTY
@given(
    table=st.lists(st.tuples(CELL, CELL, st.booleans()), max_size=12),
    crlf=st.booleans(),
    bom=st.booleans(),
)
def test_rows_come_back_as_written_with_the_line_each_starts_on(
    tmp_path_factory: pytest.TempPathFactory,
    table: list[tuple[str, str, bool]],
    crlf: bool,
    bom: bool,
) -> None:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n" if crlf else "\n")
    writer.writerow([" to", "caller_name "])
    expected, lines, line = [], [], 2
    for to, name, blank_before in table:
        if blank_before:
            out.write("\n")
            line += 1
        if not (to.strip() or name.strip()):
            continue  # a row with no values is a blank line
        writer.writerow([to, name])
        expected.append({k: v.strip() for k, v in (("to", to), ("caller_name", name)) if v.strip()})
        lines.append(line)
        line += 1
    path = tmp_path_factory.mktemp("csv") / "rows.csv"
    path.write_text(("\ufeff" if bom else "") + out.getvalue(), encoding="utf-8", newline="")

    rows = read_csv(path)
    assert rows.columns == ("to", "caller_name")
    assert list(rows) == expected
    assert len(rows) == len(expected)
    assert [rows.line(i) for i in range(len(expected))] == lines
    assert rows.line(len(expected)) is None


@PROPERTY
@given(data=st.binary(max_size=200) | st.text(max_size=80).map(str.encode))
def test_any_bytes_give_rows_malformed_rows_or_one_csv_error(
    tmp_path_factory: pytest.TempPathFactory, data: bytes
) -> None:
    path = tmp_path_factory.mktemp("csv") / "rows.csv"
    path.write_bytes(b"to,caller_name\n" + data)
    try:
        rows = CsvRows(path)
        count = len(rows)
        got = list(rows)
    except CsvError as exc:
        assert str(exc).startswith(str(path))
        return
    assert len(got) == count
    for index, row in enumerate(got):
        assert isinstance(row, dict | MalformedRow)
        assert rows.line(index) is not None


def test_a_malformed_row_refuses_to_become_a_request_but_shows_its_fields(
    tmp_path: Path,
) -> None:
    path = tmp_path / "rows.csv"
    path.write_text("to,caller_name\n+14155550101,Ann,extra\n")
    [row] = list(read_csv(path))
    assert isinstance(row, MalformedRow)
    assert row.get("to") == "+14155550101"
    merged = {**{"from": "+14155550100", "answer_url": "https://e.com/a"}, **row}
    with pytest.raises(ValidationError) as caught:
        build_request(CreateCallRequest, merged)  # what create_calls does with a row
    assert caught.value.field == "row"
    assert str(caught.value) == "row: line 2 has 3 fields, the header has 2"
    assert str(row.error) == str(caught.value)
    json.dumps(row)  # a journal can digest it


@pytest.mark.parametrize("shift", [-2, -1, 0, 1, 2])
def test_the_offset_of_a_byte_that_is_not_utf8_is_exact_across_read_chunks(
    tmp_path: Path, shift: int
) -> None:
    head = b"to\n" + b"+14155550101\n" * 6000  # a little over 64 KiB
    head = head[: 65536 + shift - 1]
    data = head + "é".encode() + b"\xff\n"  # a 2-byte character straddling the chunk edge
    path = tmp_path / "rows.csv"
    path.write_bytes(data)
    with pytest.raises(CsvError) as caught:
        len(CsvRows(path))
    offset = data.index(b"\xff")
    line = data[:offset].count(b"\n") + 1
    assert f"line {line}: byte 0xff at offset {offset} is not UTF-8" in str(caught.value)


def test_a_quote_that_swallows_more_than_the_field_limit_is_one_error(tmp_path: Path) -> None:
    path = tmp_path / "rows.csv"
    path.write_text('to\n"+14155550101\n' + "+14155550102\n" * 12000)
    with pytest.raises(CsvError, match=r"line \d+: field larger than field limit .*quote left"):
        len(CsvRows(path))


def test_the_progress_bar_has_a_total_when_the_length_is_known(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert make_progress(True, rows=iter([1, 2])).total is None
    assert make_progress(True, total=5, rows=[1]).total == 5
    bar = make_progress(True, rows=[1, 2, 3])
    assert bar.total == 3
    forget_row(bar)  # a row done in an earlier run
    bar.update(2)
    bar.close()
    assert "2/2 [" in capsys.readouterr().err
    assert make_progress(False, rows=[1]) is None
    forget_row(None)


@attrs.frozen
class _WaitedOutcome(Outcome):
    waited: float = 0.0


def test_the_summary_separates_api_latency_from_limit_wait_and_says_n_a() -> None:
    summary = Summary()
    assert "API latency p50 n/a, p95 n/a; limit wait p50 n/a, p95 n/a" in str(summary)
    summary.add(_WaitedOutcome(0, {"to": "x"}, attempts=1, elapsed=1.0, waited=0.9))
    d = summary.as_dict()
    assert 98 <= d["p50_ms"] <= 102  # 1.0 s in all, 0.9 s of it waiting for a permit
    assert 880 <= d["wait_p50_ms"] <= 920
    assert str(summary).splitlines()[2].startswith("API latency p50 ")
    assert "None" not in str(summary)


async def test_a_bulk_run_draws_a_bar_with_a_total_that_leaves_out_rows_done_before(
    plivo_emulator: Emulator, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    journal = tmp_path / "rows.journal.jsonl"
    async with client_for(plivo_emulator) as client:
        await client.bulk.create_calls(call_rows(3), journal=journal, progress=True).wait()
        assert "3/3 [" in capsys.readouterr().err
        await client.bulk.create_calls(call_rows(5), journal=journal, progress=True).wait()
    assert "2/2 [" in capsys.readouterr().err  # 3 of the 5 were done by the first run
    assert len(plivo_emulator.dialled_counts()) == 5
