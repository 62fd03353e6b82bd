"""What the CLI says, driven in a subprocess: repeated row errors collapsed, credentials
named as the CLI takes them, JSON that is JSON, help that lists what the report holds,
and an emulator that logs what it serves and says when it stopped."""

from __future__ import annotations

import asyncio
import json
import re
import signal
import sys
from pathlib import Path

import aiohttp
import pytest

from plivo_async.bulk.report import COLUMNS
from plivo_async.cli._common import RowLines
from plivo_async.emulator import Emulator
from tests.unit._cli_helpers import REPO, cli_environment, run_cli, start_cli
from tests.unit.test_bulk import ANSWER, FROM
from tests.unit.test_cli_dial import dial

BOTH = ["--from", FROM, "--answer-url", ANSWER]


def rows_file(tmp_path: Path, n: int) -> Path:
    path = tmp_path / "rows.csv"
    path.write_text("to\n" + "".join(f"+1415555{i:04d}\n" for i in range(n)))
    return path


async def test_rows_refused_alike_are_one_line_and_a_count(
    plivo_emulator: Emulator, tmp_path: Path
) -> None:
    rows = rows_file(tmp_path, 100)
    flags = ["--concurrency", "32", "--json"]
    done = await dial(plivo_emulator, rows, *BOTH, *flags, PLIVO_AUTH_TOKEN="wrong")
    assert done.code == 1
    first, more = done.err_lines
    assert re.fullmatch(
        r"row \d+ \(line \d+\): not_sent: AuthenticationError: 401 on POST \S+ .*", first
    )
    counted = re.fullmatch(r"\.\.\. and (\d+) more rows: same error", more)
    assert counted is not None
    # one line stands for every row the API refused (each sent its one request)
    assert int(counted[1]) + 1 == len(plivo_emulator.history.requests) > 2
    summary = json.loads(done.out)["calls"]
    assert summary["rows"] == summary["not_sent"] == 100  # the rest were never sent


def test_row_lines_collapse_runs_of_the_same_reason_only(
    capsys: pytest.CaptureFixture[str],
) -> None:
    lines = RowLines()
    for where, reason in [
        ("row 0", "failed: A"),
        ("row 1", "failed: A"),
        ("row 2", "failed: A"),
        ("row 3", "invalid: B"),
        ("row 4", "failed: A (api_id=1)"),
        ("row 5", "failed: A (api_id=2)"),
    ]:
        lines.add(where, reason)
    lines.flush()
    lines.flush()  # nothing more to say
    assert capsys.readouterr().err.splitlines() == [
        "row 0: failed: A",
        "... and 2 more rows: same error",
        "row 3: invalid: B",
        "row 4: failed: A (api_id=1)",
        "... and 1 more row: same error",
    ]


async def test_missing_credentials_name_the_environment_variables(tmp_path: Path) -> None:
    rows = rows_file(tmp_path, 1)
    env = cli_environment()  # no PLIVO_* variables
    nothing, only_id, in_url = await asyncio.gather(
        run_cli("dial", str(rows), *BOTH, env=env),
        run_cli("dial", str(rows), *BOTH, env={**env, "PLIVO_AUTH_ID": "MAXXXXXXXXXXXXXXXXXX"}),
        run_cli(
            "dial",
            str(rows),
            *BOTH,
            "--base-url",
            "https://MAXXXXXXXXXXXXXXXXXX:s3cret@api.example.com",
            env={**env, "PLIVO_AUTH_ID": "MAXXXXXXXXXXXXXXXXXX", "PLIVO_AUTH_TOKEN": "t"},
        ),
    )
    assert (nothing.code, nothing.err_lines) == (
        2,
        [
            "plivo-async dial: no PLIVO_AUTH_ID and no PLIVO_AUTH_TOKEN: set the environment "
            "variables PLIVO_AUTH_ID and PLIVO_AUTH_TOKEN to your account's auth id and "
            "token (or to those `plivo-async emulator` prints)"
        ],
    )
    assert only_id.code == 2
    assert only_id.err_lines[0].startswith("plivo-async dial: no PLIVO_AUTH_TOKEN: set the ")
    assert (in_url.code, in_url.err_lines) == (
        2,
        [
            "plivo-async dial: --base-url must not contain credentials (user:password@): "
            "set PLIVO_AUTH_ID and PLIVO_AUTH_TOKEN instead"
        ],
    )
    for done in (nothing, only_id, in_url):
        assert "auth_id=" not in done.err and "auth_token=" not in done.err
        assert "s3cret" not in done.err + done.out
    assert not (tmp_path / "rows.csv.journal.jsonl").exists()


async def test_without_a_journal_json_says_null_and_the_text_no_journal(
    plivo_emulator: Emulator, tmp_path: Path
) -> None:
    rows = rows_file(tmp_path, 2)
    done = await dial(plivo_emulator, rows, *BOTH, "--no-journal", "--json")
    assert done.code == 0, done.err
    printed = json.loads(done.out)
    assert printed["journal"] is None and printed["calls"]["ok"] == 2
    text = await dial(plivo_emulator, rows, *BOTH, "--no-journal")
    assert text.code == 0, text.err
    assert f"dialled {rows} (no journal)" in text.out and "None" not in text.out


async def test_the_report_help_lists_every_column_the_report_writes() -> None:
    done = await run_cli("dial", "--help", env=cli_environment())
    assert done.code == 0
    text = " ".join(done.out.split())  # argparse wraps lines at spaces
    assert f"one line per row: {', '.join(COLUMNS)}, then the columns of ROWS" in text
    assert len(COLUMNS) == 11


async def _request_and_stop(process: asyncio.subprocess.Process, url: str, auth_id: str) -> None:
    """One authorised request and one refused, then SIGTERM."""
    token = "emulator-token"
    async with aiohttp.ClientSession() as session:
        calls = f"{url}/v1/Account/{auth_id}/Call/"
        for secret, status in ((token, 200), ("nope", 401)):
            headers = {"Authorization": aiohttp.encode_basic_auth(auth_id, secret)}
            async with session.get(calls, headers=headers) as answer:
                assert answer.status == status
    process.send_signal(signal.SIGTERM)


def _check_log(err: str, prefix: str, auth_id: str) -> None:
    lines = err.splitlines()
    served = [line for line in lines if f"GET /v1/Account/{auth_id}/Call/ " in line]
    assert len(served) == 2, err
    assert re.search(r"plivo_async\.emulator:GET /v1/Account/\w+/Call/ 200 \d+\.\d ms$", served[0])
    assert re.search(r" 401 \d+\.\d ms$", served[1])
    assert lines[-1] == f"{prefix}: stopped after serving 2 requests"
    assert "emulator-token" not in err and "Authorization" not in err


async def test_the_emulator_command_logs_each_request_at_info_and_says_when_it_stopped() -> None:
    process, measured = await start_cli(
        "emulator", "--port", "0", "--log-level", "info", env=cli_environment()
    )
    assert process.stdout is not None
    exports = {}
    for _ in range(5):
        line = (await asyncio.wait_for(process.stdout.readline(), 60)).decode()
        if line.startswith("export "):
            name, _, value = line.removeprefix("export ").strip().partition("=")
            exports[name] = value
    await _request_and_stop(process, exports["PLIVO_BASE_URL"], exports["PLIVO_AUTH_ID"])
    _, err = await asyncio.wait_for(process.communicate(), 60)
    measured.merge()
    assert process.returncode == 0
    _check_log(err.decode(), "plivo-async emulator", exports["PLIVO_AUTH_ID"])


async def test_python_m_emulator_logs_each_request_at_info_and_says_when_it_stopped() -> None:
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "plivo_async.emulator",
        "--log-level",
        "info",
        env=cli_environment(),
        cwd=REPO,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    assert process.stdout is not None
    url = (await asyncio.wait_for(process.stdout.readline(), 60)).decode().strip()
    auth = (await asyncio.wait_for(process.stdout.readline(), 60)).decode()
    auth = (await asyncio.wait_for(process.stdout.readline(), 60)).decode()
    auth_id = auth.strip().partition("=")[2]
    await _request_and_stop(process, url.partition("=")[2], auth_id)
    _, err = await asyncio.wait_for(process.communicate(), 60)
    assert process.returncode == 0
    _check_log(err.decode(), "emulator", auth_id)


async def test_the_emulator_is_quiet_per_request_at_the_default_level() -> None:
    process, measured = await start_cli("emulator", "--port", "0", env=cli_environment())
    assert process.stdout is not None
    lines = [(await asyncio.wait_for(process.stdout.readline(), 60)).decode() for _ in range(5)]
    exports = dict(line.removeprefix("export ").strip().split("=", 1) for line in lines[1:])
    await _request_and_stop(process, exports["PLIVO_BASE_URL"], exports["PLIVO_AUTH_ID"])
    _, err = await asyncio.wait_for(process.communicate(), 60)
    measured.merge()
    assert err.decode().splitlines() == ["plivo-async emulator: stopped after serving 2 requests"]
