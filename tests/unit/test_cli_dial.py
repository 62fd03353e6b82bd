"""``plivo-async dial`` in a subprocess against the emulator: what it says about each row,
set-up mistakes (one line, exit 2, nothing sent), CSV mistakes, limits and the summary."""

from __future__ import annotations

import asyncio
import json
import re
import socket
from collections import Counter
from pathlib import Path

from plivo_async.emulator import Emulator
from tests.unit._cli_helpers import Finished, cli_environment, run_cli
from tests.unit.test_bulk import ANSWER, FROM


def csv_file(tmp_path: Path, text: str | bytes, name: str = "rows.csv") -> Path:
    path = tmp_path / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


async def dial(emu: Emulator, rows: Path, *extra: str, **env: str) -> Finished:
    return await run_cli(
        "dial",
        str(rows),
        "--no-progress",
        "--rate-limit",
        "none",
        *extra,
        env=cli_environment(emu, **env),
    )


def no_traceback(err: str) -> None:
    assert "Traceback" not in err, err


async def test_each_row_that_is_not_ok_gets_one_line_with_its_csv_line_and_reason(
    plivo_emulator: Emulator, tmp_path: Path
) -> None:
    rows = csv_file(
        tmp_path,
        "to,caller_name\n"
        "+14155550101,Ann\n"  # line 2: ok
        "12x,Bob\n"  # line 3: invalid number
        "\n"  # line 4: blank, skipped
        "+14155550102,Cy,extra\n"  # line 5: an extra field
        "+14155550103\n"  # line 6: a missing field
        '+14155550104,"Dee\n'  # line 7: a quote left open...
        "+14155550105,Eve\n"  # line 8: ...swallows this row
        '+14155550106",x\n'  # line 9: ...up to here
        "+14155550107,Fay\n",  # line 10: ok
    )
    done = await dial(plivo_emulator, rows, "--from", FROM, "--answer-url", ANSWER, "--json")
    no_traceback(done.err)
    assert done.code == 1
    assert done.err_lines == [
        "row 1 (line 3): invalid: to: must be one or more phone numbers or SIP URIs, "
        "separated by '<' (or given as a list) (got '12x')",
        "row 2 (line 5): invalid: row: line 5 has 3 fields, the header has 2",
        "row 3 (line 6): invalid: row: line 6 has 1 field, the header has 2",
        "row 4 (line 7): invalid: caller_name: holds a line break: a quote opened on line 7 "
        "runs on to line 9, so lines 7-9 were read as one row (check the quotes)",
    ]
    summary = json.loads(done.out)["calls"]
    assert summary["rows"] == 6 and summary["ok"] == 2 and summary["invalid"] == 4
    assert sorted(plivo_emulator.dialled_counts()) == ["+14155550101", "+14155550107"]


async def test_failed_rows_are_listed_and_a_stopped_run_exits_1(
    plivo_emulator: Emulator, tmp_path: Path
) -> None:
    rows = csv_file(tmp_path, "to\n+14155550101\n")
    done = await dial(
        plivo_emulator, rows, "--from", FROM, "--answer-url", ANSWER, PLIVO_AUTH_TOKEN="wrong"
    )
    no_traceback(done.err)
    assert done.code == 1
    [line] = done.err_lines
    # "failed", or "not_sent" where the engine knows a 401 proves nothing was placed
    assert re.match(r"row 0 \(line 2\): (failed|not_sent): AuthenticationError: 401 on POST ", line)
    assert "stopped early: authentication failed" in done.out
    assert "wrong" not in done.err + done.out


BOTH = ["--from", FROM, "--answer-url", ANSWER]
SET_UP_MISTAKES: dict[str, tuple[str | bytes | None, list[str], str]] = {
    "no-answer-url": (
        "to\n+14155550101\n",
        ["--from", FROM],
        "no 'answer_url' column in {rows}, and no --answer-url for it",
    ),
    "no-from": (
        "to\n+14155550101\n",
        ["--answer-url", ANSWER],
        "no 'from' column in {rows}, and no --from for it",
    ),
    "no-to": (
        "phone,name\n+14155550101,Ann\n",
        BOTH,
        "{rows} has no 'to' column (its columns: 'phone', 'name')",
    ),
    "unknown-column-strict": (
        "to,name\n+14155550101,Ann\n",
        [*BOTH, "--strict-columns"],
        "{rows}: column 'name' is not a calls.create argument "
        "(e.g. to, from, answer_url, caller_name, time_limit)",
    ),
    "twice": (
        "to,to\n+14155550101,+14155550102\n",
        BOTH,
        "{rows}: column 'to' appears twice in the header",
    ),
    "empty": ("", BOTH, "{rows} is empty: it needs a header line (e.g. 'to')"),
    "header-only": ("to\n\n", BOTH, "{rows} has a header but no rows"),
    "not-utf8": (
        b"to\n+14155550101\n+1415555\xe90102\n",
        BOTH,
        "{rows}, line 3: byte 0xe9 at offset 24 is not UTF-8; "
        "save the file as UTF-8 (in Excel: CSV UTF-8)",
    ),
    "missing-file": (None, BOTH, "{rows}: no such file or directory"),
}


async def test_set_up_mistakes_are_one_line_and_exit_2_before_anything_is_sent(
    plivo_emulator: Emulator, tmp_path: Path
) -> None:
    async def attempt(name: str, text: str | bytes | None, flags: list[str]) -> Finished:
        folder = tmp_path / name
        folder.mkdir()
        rows = folder / "rows.csv" if text is None else csv_file(folder, text)
        return await dial(plivo_emulator, rows, *flags)

    results = await asyncio.gather(
        *(attempt(name, text, flags) for name, (text, flags, _) in SET_UP_MISTAKES.items())
    )
    for (name, (_, _, message)), done in zip(SET_UP_MISTAKES.items(), results, strict=True):
        expected = "plivo-async dial: " + message.format(rows=tmp_path / name / "rows.csv")
        assert (done.code, done.err_lines) == (2, [expected]), name
        assert not (tmp_path / name / "rows.csv.journal.jsonl").exists()
    assert plivo_emulator.history.requests == []


async def test_a_journal_path_naming_another_file_is_one_line_exit_2_and_the_file_unchanged(
    plivo_emulator: Emulator, tmp_path: Path
) -> None:
    rows = csv_file(tmp_path, "to\n+14155550101\n")
    notes = tmp_path / "notes.csv"
    content = b"to,from\r+14155550101,+14155550100\r"  # a CSV with CR-only line ends
    notes.write_bytes(content)
    done = await dial(plivo_emulator, rows, *BOTH, "--journal", str(notes))
    assert (done.code, done.err_lines) == (
        2,
        [f"plivo-async dial: {notes} is not a plivo-async journal: give a new journal path"],
    )
    assert notes.read_bytes() == content
    assert plivo_emulator.history.requests == []


async def test_excel_bom_and_padded_header_names_are_accepted(
    plivo_emulator: Emulator, tmp_path: Path
) -> None:
    rows = csv_file(tmp_path, "\ufeff to , caller_name \r\n+14155550101 , Ann\r\n")
    done = await dial(plivo_emulator, rows, "--from", FROM, "--answer-url", ANSWER, "--json")
    assert done.code == 0, done.err
    assert done.err == ""
    assert json.loads(done.out)["calls"]["ok"] == 1
    [call] = plivo_emulator.history.calls
    assert call.to == "+14155550101"


async def test_cps_beyond_the_rate_limit_is_said_at_start(
    plivo_emulator: Emulator, tmp_path: Path
) -> None:
    rows = csv_file(tmp_path, "to\n+14155550101\n")
    done = await run_cli(
        "dial",
        str(rows),
        "--from",
        FROM,
        "--answer-url",
        ANSWER,
        "--no-progress",
        "--cps",
        "100",
        env=cli_environment(plivo_emulator),
    )
    assert done.code == 0, done.err
    assert done.err_lines == [
        "plivo-async dial: warning: --cps 100 is more than the request rate limit allows "
        "(300 requests per 5.05 s): calls will go out at 59.4/s at most"
    ]


async def test_the_summary_says_n_a_and_separates_limit_wait(
    plivo_emulator: Emulator, tmp_path: Path
) -> None:
    rows = csv_file(tmp_path, "to\n12x\n")
    done = await dial(plivo_emulator, rows, "--from", FROM, "--answer-url", ANSWER)
    assert done.code == 1
    assert "API latency p50 n/a, p95 n/a; limit wait p50 n/a, p95 n/a" in done.out
    assert "None" not in done.out


async def test_dial_reaches_the_emulator_through_plivo_base_url_alone(
    plivo_emulator: Emulator, tmp_path: Path
) -> None:
    rows = csv_file(tmp_path, "to,from,answer_url\n+14155550101,+14155550100,https://e.com/a\n")
    done = await run_cli("dial", str(rows), "--json", env=cli_environment(plivo_emulator))
    assert done.code == 0, done.err
    assert plivo_emulator.dialled_counts() == {"+14155550101": 1}


async def test_report_has_one_line_per_row(plivo_emulator: Emulator, tmp_path: Path) -> None:
    rows = csv_file(tmp_path, "to\n+14155550101\n12x\n")
    report = tmp_path / "report.csv"
    done = await dial(
        plivo_emulator, rows, "--from", FROM, "--answer-url", ANSWER, "--report", str(report)
    )
    assert done.code == 1
    lines = report.read_text().splitlines()
    assert lines[0] == (
        "index,to,status,request_uuid,error,disposition,duration,hangup_cause,dials,reconciled,note"
    )
    assert sorted(line.split(",")[2] for line in lines[1:]) == ["invalid", "ok"]


async def test_retry_failed_resends_rows_the_api_refused(
    plivo_emulator: Emulator, tmp_path: Path
) -> None:
    rows = csv_file(tmp_path, "to\n+14155550101\n")
    args = ("--from", FROM, "--answer-url", ANSWER)
    first = await dial(plivo_emulator, rows, *args, PLIVO_AUTH_TOKEN="wrong")
    assert first.code == 1
    second = await dial(plivo_emulator, rows, *args, "--retry-failed", "--json")
    assert second.code == 0, second.err
    assert plivo_emulator.dialled_counts() == {"+14155550101": 1}


async def test_shard_dials_only_its_rows_with_its_own_journal(
    plivo_emulator: Emulator, tmp_path: Path
) -> None:
    numbers = [f"+1415555{i:04d}" for i in range(9)]
    rows = csv_file(tmp_path, "to\n" + "".join(n + "\n" for n in numbers))
    done = await dial(
        plivo_emulator, rows, "--from", FROM, "--answer-url", ANSWER, "--shard", "1/3"
    )
    assert done.code == 0, done.err
    assert sorted(plivo_emulator.dialled_counts()) == [numbers[1], numbers[4], numbers[7]]
    assert (tmp_path / "rows.csv.shard-1-of-3.journal.jsonl").exists()
    bad = await dial(plivo_emulator, rows, "--from", FROM, "--answer-url", ANSWER, "--shard", "3/3")
    assert bad.code == 2
    assert "--shard" in bad.err and "Traceback" not in bad.err


def closed_port() -> int:
    """A loopback port nothing listens on (bound, then closed)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def test_an_outage_never_marks_rows_done_and_the_rerun_dials_them(
    plivo_emulator: Emulator, tmp_path: Path
) -> None:
    """Issue 21 item 6: with the API unreachable every row ended ``failed`` ("after 5
    attempts"), and the rerun with the API back skipped them all as done and exited 0."""
    rows = csv_file(tmp_path, "to\n" + "".join(f"+1415666{i:04d}\n" for i in range(200)))
    journal = tmp_path / "run.jsonl"
    down = f"http://127.0.0.1:{closed_port()}/v1/"
    out = await dial(plivo_emulator, rows, *BOTH, "--journal", str(journal), PLIVO_BASE_URL=down)
    no_traceback(out.err)
    assert out.code == 1
    assert "the API was not reached for 10 rows in a row" in out.out
    recorded = [json.loads(line) for line in journal.read_text().splitlines()[1:]]
    statuses = {r["status"] for r in recorded if "o" in r}
    assert statuses == {"not_sent"}, statuses
    assert len([r for r in recorded if "o" in r]) < 100  # it stopped early
    again = await dial(plivo_emulator, rows, *BOTH, "--journal", str(journal))
    no_traceback(again.err)
    assert again.code == 0, again.out + again.err
    assert plivo_emulator.dialled_counts() == Counter(f"+1415666{i:04d}" for i in range(200))


async def test_a_redis_password_in_the_query_string_is_not_on_stderr(
    plivo_emulator: Emulator, tmp_path: Path
) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    rows = csv_file(tmp_path, "to\n+14155550101\n")
    limits = f"redis://127.0.0.1:{port}/0?username=someone&password=s3cretpw"
    done = await dial(
        plivo_emulator,
        rows,
        "--from",
        FROM,
        "--answer-url",
        ANSWER,
        "--cps",
        "5",
        PLIVO_LIMITS_URL=limits,
    )
    no_traceback(done.err)
    assert done.code != 0
    assert "shared limits on redis://127.0.0.1" in done.err
    assert "s3cretpw" not in done.err + done.out and "someone" not in done.err + done.out
