"""The command line: the demo end to end, and dial killed mid-run then resumed."""

from __future__ import annotations

import argparse
import asyncio
import json
import re
import signal
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from plivo_async import __version__
from plivo_async.bulk import journal as journal_module
from plivo_async.cli import _parser, dial, main
from plivo_async.emulator import Emulator
from plivo_async.errors import PlivoError
from tests.unit._cli_helpers import cli_environment, run_cli, start_cli
from tests.unit.test_bulk import ANSWER, FROM, journal_records


def test_demo_runs_end_to_end_and_its_numbers_match_the_emulator(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["demo", "--calls", "120", "--mpc", "9", "--seed", "3", "--json"]) == 0
    result = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    calls, mpc, emulator = result["calls"], result["mpc"], result["emulator"]
    assert calls["rows"] == 120 and mpc["rows"] == 9
    assert emulator["faults"], "the demo runs with faults switched on"
    # reconciliation: the ambiguous creates (seed 3 makes some) all end known
    reconciliation = result["reconciliation"]
    assert reconciliation["unknown_before"] >= 1
    assert reconciliation["unknown_before"] == sum(calls["reconciled"].values())
    assert reconciliation["unknown_after"] == calls["unknown"] == 0
    assert set(calls["reconciled"]) <= {"found", "not_placed"}
    assert calls["ok"] == 120
    # dispositions: every row got the one its destination was scripted for
    table = {(row["expected"], row["disposition"]): row["rows"] for row in result["dispositions"]}
    assert table == {
        ("answered", "answered"): 84,
        ("busy", "busy"): 12,
        ("machine", "machine"): 12,
        ("no-answer", "no-answer"): 12,
    }
    assert calls["dispositions"] == {"answered": 84, "busy": 12, "machine": 12, "no-answer": 12}
    # busy rows were redialled once, and they are the only numbers dialled twice
    assert calls["redials"] == 12 == emulator["dialled_more_than_once"]
    assert emulator["duplicates"] == 0
    # every call the client reported placed was placed; the rest of the emulator's calls
    # belong to MPC actions reported unknown (MPC actions are not reconciled)
    placed = calls["placed"] + mpc["placed"]
    assert calls["placed"] == 120 + 12
    assert placed <= emulator["calls_placed"] <= placed + mpc["unknown"]


def test_demo_prints_a_human_summary(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["demo", "--calls", "20", "--mpc", "3", "--no-faults"]) == 0
    out = capsys.readouterr().out
    assert "rows 20: placed 22 (20 ok)" in out  # 2 busy rows, redialled once
    assert "dispositions: answered 14, busy 2, machine 2, no-answer 2, 2 redials" in out
    assert "0 unknown after" in out
    for kind in ("answered", "busy", "machine", "no-answer"):
        assert re.search(rf"^  {kind} +-> {kind} +\d+$", out, re.MULTILINE), kind
    assert "differs" not in out
    assert "0 destination(s) dialled more often than their row dialled" in out


def test_dial_without_credentials_is_a_usage_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("PLIVO_AUTH_ID", raising=False)
    monkeypatch.delenv("PLIVO_AUTH_TOKEN", raising=False)
    rows = tmp_path / "rows.csv"
    rows.write_text("to\n+14155550101\n")
    assert main(["dial", str(rows), "--from", FROM, "--answer-url", ANSWER]) == 2
    assert "PLIVO_AUTH_TOKEN" in capsys.readouterr().err


async def _dial(
    emu: Emulator, rows: Path, journal: Path, *extra: str
) -> asyncio.subprocess.Process:
    process, _ = await start_cli(
        "dial",
        str(rows),
        "--from",
        FROM,
        "--answer-url",
        ANSWER,
        "--base-url",
        emu.url,
        "--journal",
        str(journal),
        "--rate-limit",
        "none",
        "--concurrency",
        "16",
        "--no-progress",
        "--json",
        *extra,
        env=cli_environment(PLIVO_AUTH_ID=emu.auth_id, PLIVO_AUTH_TOKEN=emu.auth_token),
    )
    return process


async def _dial_until_placed(
    emu: Emulator, tmp_path: Path, n: int, first: int, placed: int
) -> tuple[asyncio.subprocess.Process, Path, Path]:
    """Start ``dial`` on n rows with some latency; return once the emulator placed ``placed``."""
    rows = tmp_path / "rows.csv"
    rows.write_text("to\n" + "".join(f"+1415{first + i}\n" for i in range(n)))
    journal = tmp_path / "rows.journal.jsonl"
    # 50-100 ms a request at concurrency 16: the run lasts seconds, so the test's signal
    # lands mid-run even on a loaded machine (at 10-30 ms it could finish first)
    emu.set_faults(latency_ms=(50.0, 100.0))
    enough = asyncio.Event()
    add_call = emu.history.add_call

    def counting_add_call(record: Any) -> None:
        add_call(record)
        if len(emu.history.calls) >= placed:
            enough.set()

    emu.history.add_call = counting_add_call  # type: ignore[method-assign]
    process = await _dial(emu, rows, journal)
    await asyncio.wait_for(enough.wait(), timeout=60)
    return process, rows, journal


async def _kill_mid_run(
    emu: Emulator, tmp_path: Path, n: int, first: int
) -> tuple[Path, Path, set[int], set[int]]:
    """Start ``dial``, SIGKILL it mid-run; the rows, journal, finished and in-flight rows."""
    process, rows, journal = await _dial_until_placed(emu, tmp_path, n, first, 60)
    process.send_signal(signal.SIGKILL)
    await process.wait()
    assert process.returncode == -signal.SIGKILL

    before = journal_records(journal)
    started = {r["s"] for r in before if "s" in r}
    finished = {r["o"] for r in before if "o" in r}
    in_flight = started - finished
    assert finished and in_flight, "the kill should land mid-run, with rows in flight"
    assert len(started) < n
    emu.clear_faults()
    return rows, journal, finished, in_flight


async def test_dial_killed_mid_run_resumes_by_reconciling_the_rows_left_in_flight(
    plivo_emulator: Emulator, tmp_path: Path
) -> None:
    n, first = 400, 5000000
    rows, journal, finished, in_flight = await _kill_mid_run(plivo_emulator, tmp_path, n, first)
    # the test emulator shows call records at once (cdr_lag=None): no indexing lag to wait;
    # it processes a create within its injected latency (100 ms at most): 1 s to settle
    second = await _dial(
        plivo_emulator, rows, journal, "--reconcile-lag", "0", "--reconcile-settle", "1"
    )
    out, err = await asyncio.wait_for(second.communicate(), timeout=60)
    assert second.returncode == 0, err.decode()
    summary = json.loads(out.decode().strip().splitlines()[-1])["calls"]

    assert summary["unknown"] == 0
    reconciled = summary["reconciled"]
    assert set(reconciled) <= {"found", "not_placed"}
    assert reconciled.get("found", 0) + reconciled.get("not_placed", 0) == len(in_flight)
    assert summary["lookups"] >= len(in_flight)
    assert summary["skipped"] == len(finished)
    assert summary["rows"] + summary["skipped"] == n
    # the in-flight rows the crash had placed were found, the others sent: once each
    assert not plivo_emulator.duplicates()
    assert plivo_emulator.dialled_counts() == Counter({f"+1415{first + i}": 1 for i in range(n)})
    last: dict[int, str] = {r["o"]: r["status"] for r in journal_records(journal) if "o" in r}
    assert set(last) == set(range(n)) and set(last.values()) == {"ok"}
    for record in journal_records(journal):
        if record.get("o") in in_flight and "reconciled" in record:
            assert record["reconciled"] in ("found", "not_placed") and record["note"]
    assert plivo_emulator.auth_token not in journal.read_text()


async def test_dial_killed_mid_run_with_no_reconcile_reports_in_flight_rows_unknown(
    plivo_emulator: Emulator, tmp_path: Path
) -> None:
    n, first = 400, 5100000
    rows, journal, finished, in_flight = await _kill_mid_run(plivo_emulator, tmp_path, n, first)
    second = await _dial(plivo_emulator, rows, journal, "--no-reconcile")
    out, err = await asyncio.wait_for(second.communicate(), timeout=60)
    assert second.returncode == 1, err.decode()  # some rows ended unknown
    summary = json.loads(out.decode().strip().splitlines()[-1])["calls"]

    assert summary["unknown"] == len(in_flight)  # reported, not re-dialled
    assert summary["reconciled"] == {} and summary["lookups"] == 0
    assert summary["skipped"] == len(finished)
    assert summary["rows"] + summary["skipped"] == n
    outcomes = Counter(r["o"] for r in journal_records(journal) if "o" in r)
    assert set(outcomes) == set(range(n)) and set(outcomes.values()) == {1}
    assert not plivo_emulator.duplicates()
    dialled = plivo_emulator.dialled_counts()
    assert len(dialled) == n - len(in_flight) + sum(
        1 for i in in_flight if f"+1415{first + i}" in dialled
    )
    assert plivo_emulator.auth_token not in journal.read_text()


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM], ids=["ctrl-c", "sigterm"])
async def test_dial_interrupted_finishes_in_flight_rows_and_leaves_a_clean_journal(
    plivo_emulator: Emulator, tmp_path: Path, sig: signal.Signals
) -> None:
    n = 300
    first, rows, journal = await _dial_until_placed(plivo_emulator, tmp_path, n, 6000000, 40)
    first.send_signal(sig)
    _, err = await asyncio.wait_for(first.communicate(), timeout=60)
    assert first.returncode == 130
    assert "journal is consistent" in err.decode()
    # every input row is in the summary: those never sent as not sent
    assert re.search(rf"^rows {n}: placed \d+ \(\d+ ok\).*, not sent \d+", err.decode(), re.M)

    records = journal_records(journal)
    started = {r["s"] for r in records if "s" in r}
    finished = {r["o"] for r in records if "o" in r}
    assert started == finished  # the grace period let every row in flight finish
    assert len(finished) < n

    plivo_emulator.clear_faults()
    second = await _dial(plivo_emulator, rows, journal)
    out, err = await asyncio.wait_for(second.communicate(), timeout=60)
    assert second.returncode == 0, err.decode()
    summary = json.loads(out.decode().strip().splitlines()[-1])["calls"]
    assert summary["unknown"] == 0
    assert summary["skipped"] + summary["ok"] == n
    assert not plivo_emulator.duplicates()
    assert len(plivo_emulator.dialled_counts()) == n


async def test_version_and_one_line_usage_errors() -> None:
    env = cli_environment()
    version, loud_after, loud_before = await asyncio.gather(
        run_cli("--version", env=env),
        run_cli("dial", "rows.csv", "--log-level", "LOUD", env=env),
        run_cli("--log-level", "LOUD", "demo", env=env),
    )
    assert (version.code, version.out.strip()) == (0, f"plivo-async {__version__}")
    levels = "(choose from debug, info, warning, error, critical)"
    assert (loud_after.code, loud_after.err_lines) == (
        2,
        [
            "plivo-async dial: argument --log-level: unknown log level 'LOUD' "
            f"{levels} (see plivo-async dial --help)"
        ],
    )
    assert (loud_before.code, loud_before.err_lines) == (
        2,
        [
            "plivo-async: argument --log-level: unknown log level 'LOUD' "
            f"{levels} (see plivo-async --help)"
        ],
    )


@pytest.mark.parametrize(
    ("argv", "level"),
    [
        (["dial", "rows.csv"], "WARNING"),
        (["--log-level", "info", "dial", "rows.csv"], "INFO"),
        (["dial", "rows.csv", "--log-level", "debug"], "DEBUG"),
        (["--log-level", "info", "dial", "rows.csv", "--log-level", "error"], "ERROR"),
        (["--log-level", "debug", "emulator"], "DEBUG"),
        (["emulator", "--log-level", "info"], "INFO"),
        (["demo", "--log-level", "critical"], "CRITICAL"),
    ],
)
def test_log_level_is_accepted_before_or_after_the_command(argv: list[str], level: str) -> None:
    assert _parser().parse_args(argv).log_level == level


def _all_actions(parser: argparse.ArgumentParser) -> Iterator[tuple[str, argparse.Action]]:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for sub in action.choices.values():
                yield from _all_actions(sub)
        else:
            yield parser.prog, action


def test_every_option_has_help() -> None:
    missing = [
        f"{prog} {action.option_strings or action.dest}"
        for prog, action in _all_actions(_parser())
        if not action.help
    ]
    assert missing == []


async def test_emulator_prints_exports_that_point_dial_at_it(tmp_path: Path) -> None:
    env = cli_environment()
    emulator, measured = await start_cli("emulator", "--port", "0", env=env)
    assert emulator.stdout is not None
    try:
        lines = [
            (await asyncio.wait_for(emulator.stdout.readline(), 60)).decode() for _ in range(5)
        ]
        assert lines[0].startswith("# plivo-async emulator on http://127.0.0.1:")
        exports = dict(line.removeprefix("export ").strip().split("=", 1) for line in lines[1:])
        assert sorted(exports) == [
            "PLIVO_AUTH_ID",
            "PLIVO_AUTH_TOKEN",
            "PLIVO_BASE_URL",
            "PLIVO_PHLO_BASE_URL",
        ]
        rows = tmp_path / "rows.csv"
        rows.write_text("to\n+14155550101\n+14155550102\n")
        port = exports["PLIVO_BASE_URL"].rsplit(":", 1)[1]
        dialled, second = await asyncio.gather(
            run_cli(
                "dial",
                str(rows),
                "--from",
                FROM,
                "--answer-url",
                ANSWER,
                "--json",
                env=cli_environment(**exports),
            ),
            run_cli("emulator", "--port", port, env=env),
        )
        assert dialled.code == 0, dialled.err
        assert json.loads(dialled.out)["calls"]["ok"] == 2
        assert (second.code, second.err_lines) == (
            2,
            [f"plivo-async emulator: cannot listen on 127.0.0.1:{port}: address already in use"],
        )
    finally:
        emulator.send_signal(signal.SIGTERM)
        await asyncio.wait_for(emulator.communicate(), 60)
        measured.merge()
    assert emulator.returncode == 0


def test_a_journal_write_failure_is_one_line_with_the_summary_and_exit_1(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    class JournalWriteError(PlivoError):
        pass

    if not hasattr(journal_module, "JournalWriteError"):
        monkeypatch.setattr(journal_module, "JournalWriteError", JournalWriteError, raising=False)
    error_class = journal_module.JournalWriteError

    async def full_disk(*args: Any) -> int:
        raise error_class("cannot write rows.csv.journal.jsonl: [Errno 28] No space left")

    monkeypatch.setattr(dial, "_dial", full_disk)
    monkeypatch.setenv("PLIVO_AUTH_ID", "MAXXXXXXXXXXXXXXXXXX")
    monkeypatch.setenv("PLIVO_AUTH_TOKEN", "token")
    rows = tmp_path / "rows.csv"
    rows.write_text("to\n+14155550101\n")
    assert main(["dial", str(rows), "--from", FROM, "--answer-url", ANSWER]) == 1
    assert capsys.readouterr().err.splitlines() == [
        "plivo-async dial: cannot write rows.csv.journal.jsonl: [Errno 28] No space left; "
        "the run stopped: rerun the same command to resume"
    ]
