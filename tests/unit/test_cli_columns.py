"""``plivo-async dial`` on a CRM export: columns that are not call arguments are not sent,
said once, and kept in the report (of a resumed run too) so its lines join back."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from plivo_async.bulk.report import COLUMNS, recover_cell
from plivo_async.emulator import Emulator
from tests.unit.test_bulk import ANSWER, FROM
from tests.unit.test_cli_dial import dial as dial_csv

#: A CRM export as people have them: extra columns before and after ``to``, commas and
#: quotes inside cells, text that is not ASCII, a cell a spreadsheet would run, and a
#: column named like one of the report's own (``status``).
CRM = [
    {
        "name": "Zoë Ångström",
        "email": "zoe@example.com",
        "to": "+14155550101",
        "company": "Acme, Inc.",
        "notes": 'said "call after 5", prefers SMS',
        "status": "lead",
    },
    {
        "name": "李雷",
        "email": "li@example.cn",
        "to": "+14155550102",
        "company": "Ünïcode GmbH",
        "notes": '=HYPERLINK("http://x")',
        "status": "customer",
    },
    {
        "name": "O'Brien, Pat",
        "email": "",
        "to": "+14155550103",
        "company": "",
        "notes": "line one; line two",
        "status": "",
    },
]
EXTRA = ["name", "email", "company", "notes", "status"]


def write_crm(path: Path) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(CRM[0]))
        writer.writeheader()
        writer.writerows(CRM)
    return path


def read_report(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.reader(handle)
        header = next(reader)
        lines = [
            {name: recover_cell(cell) for name, cell in zip(header, line, strict=True)}
            for line in reader
        ]
    return header, lines


async def dial(emu: Emulator, rows: Path, *extra: str) -> tuple[int, str, list[str]]:
    done = await dial_csv(emu, rows, "--from", FROM, "--answer-url", ANSWER, "--json", *extra)
    return done.code, done.out, done.err_lines


async def test_a_crm_export_is_dialled_with_one_warning_and_its_columns_kept_in_the_report(
    plivo_emulator: Emulator, tmp_path: Path
) -> None:
    rows = write_crm(tmp_path / "crm.csv")
    report = tmp_path / "report.csv"
    code, out, err = await dial(plivo_emulator, rows, "--report", str(report))
    assert code == 0, err
    assert err == [
        f"plivo-async dial: warning: {rows}: columns 'name', 'email', 'company', 'notes', "
        "'status' are not calls.create arguments: not sent, the report keeps them "
        "(--strict-columns to refuse)"
    ]
    assert json.loads(out)["calls"]["ok"] == 3
    # not in any request: only the call arguments went out
    bodies = [r.body for r in plivo_emulator.history.requests if r.method == "POST"]
    assert len(bodies) == 3
    for body in bodies:
        assert body is not None and not set(body) & set(EXTRA)
        assert "Zoë" not in json.dumps(body, ensure_ascii=False)

    header, lines = read_report(report)
    assert header == [*COLUMNS, "name", "email", "company", "notes", "input_status"]
    by_to = {line["to"]: line for line in lines}
    for row in CRM:
        line = by_to[row["to"]]
        assert line["status"] == "ok"
        kept = {name: line["input_status" if name == "status" else name] for name in EXTRA}
        assert kept == {name: row[name] for name in EXTRA}
    # a formula from the input is inert in the report, and recovered exactly
    with report.open(newline="", encoding="utf-8") as handle:
        raw = list(csv.reader(handle))
    assert [cell for line in raw for cell in line if "HYPER" in cell] == [
        '\'=HYPERLINK("http://x")'
    ]

    # a resume (every row done): the report is written from the journal, and still
    # carries the columns, read again from the input (the journal never holds them)
    journal_text = (tmp_path / "crm.csv.journal.jsonl").read_text(encoding="utf-8")
    for value in ("Zoë", "zoe@example.com", "Acme", "HYPERLINK"):
        assert value not in journal_text
    again = tmp_path / "again.csv"
    code, out, err = await dial(plivo_emulator, rows, "--report", str(again))
    assert code == 0, err
    assert json.loads(out)["calls"]["skipped"] == 3
    assert read_report(again) == (header, lines)
    assert len(plivo_emulator.history.calls) == 3  # nobody dialled twice


async def test_without_a_report_the_warning_says_how_to_keep_the_columns(
    plivo_emulator: Emulator, tmp_path: Path
) -> None:
    rows = write_crm(tmp_path / "crm.csv")
    code, _, err = await dial(plivo_emulator, rows, "--no-journal")
    assert code == 0, err
    [line] = err
    assert line.endswith(
        "columns 'name', 'email', 'company', 'notes', 'status' are not calls.create "
        "arguments: not sent, --report keeps them (--strict-columns to refuse)"
    )


async def test_strict_columns_refuses_the_export_before_anything_is_sent(
    plivo_emulator: Emulator, tmp_path: Path
) -> None:
    rows = write_crm(tmp_path / "crm.csv")
    code, _, err = await dial(plivo_emulator, rows, "--strict-columns")
    assert code == 2
    assert err == [
        f"plivo-async dial: {rows}: column 'name' is not a calls.create argument "
        "(e.g. to, from, answer_url, caller_name, time_limit)"
    ]
    assert plivo_emulator.history.requests == []
