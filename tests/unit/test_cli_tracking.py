"""``plivo-async dial`` with reconciliation and tracking options: one-line usage errors
(exit 2, nothing sent), a tracked run against an emulator that sends callbacks
(dispositions in the summary and the report, also when resumed), and the receiver."""

from __future__ import annotations

import argparse
import asyncio
import csv
import json
import re
import socket
import time
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from plivo_async import AsyncPlivo
from plivo_async.bulk.journal import Journal, outcome_records, row_key
from plivo_async.bulk.records import DispositionRecord
from plivo_async.bulk.report import COLUMNS
from plivo_async.cli import _parser
from plivo_async.cli import dial as cli_dial
from plivo_async.cli._common import UsageError
from plivo_async.cli._tracking import address, listen
from plivo_async.correlation import new_mark
from plivo_async.emulator import Emulator, Lifecycle, Script
from plivo_async.models.calls import CreateCallRequest
from plivo_async.webhooks import signature_headers
from tests.unit._cli_helpers import Finished, cli_environment, run_cli
from tests.unit.test_bulk import ANSWER, FROM

HUMAN, BUSY, SILENT, MACHINE = "+14155550101", "+14155550102", "+14155550103", "+14155550104"
DIAL = "plivo-async dial: "
SEE = " (see plivo-async dial --help)"
LISTEN = ["--callbacks-listen", "127.0.0.1:0"]

BAD_VALUES: dict[str, tuple[list[str], str]] = {
    "negative-lag": (
        ["--reconcile-lag=-1"],
        "argument --reconcile-lag: expected seconds >= 0, got '-1'" + SEE,
    ),
    "nan-wait": (
        ["--reconcile-wait", "nan"],
        "argument --reconcile-wait: expected seconds >= 0, got 'nan'" + SEE,
    ),
    "negative-settle": (
        ["--reconcile-settle=-0.5"],
        "argument --reconcile-settle: expected seconds >= 0, got '-0.5'" + SEE,
    ),
    "settle-without-reconcile": (
        ["--no-reconcile", "--reconcile-settle", "1"],
        "--reconcile-settle means nothing with --no-reconcile",
    ),
    "lag-without-reconcile": (
        ["--no-reconcile", "--reconcile-lag", "5"],
        "--reconcile-lag means nothing with --no-reconcile",
    ),
    "listen-no-port": (
        ["--callbacks-listen", "localhost"],
        "argument --callbacks-listen: expected HOST:PORT (e.g. 127.0.0.1:8080, port 0 for "
        "any free one), got 'localhost'" + SEE,
    ),
    "listen-port-too-big": (
        ["--callbacks-listen", "127.0.0.1:65536"],
        "argument --callbacks-listen: expected HOST:PORT (e.g. 127.0.0.1:8080, port 0 for "
        "any free one), got '127.0.0.1:65536'" + SEE,
    ),
    "listen-everywhere-without-public-url": (
        ["--callbacks-listen", "0.0.0.0:0"],
        "--callbacks-listen 0.0.0.0 listens on every interface: give --public-url, the "
        "address Plivo should call",
    ),
    "public-url-not-http": (
        [*LISTEN, "--public-url", "ftp://hooks.example.com"],
        "argument --public-url: expected an http(s) URL with no query, e.g. "
        "https://hooks.example.com, got 'ftp://hooks.example.com'" + SEE,
    ),
    "public-url-with-query": (
        [*LISTEN, "--public-url", "https://hooks.example.com/?a=1"],
        "argument --public-url: expected an http(s) URL with no query, e.g. "
        "https://hooks.example.com, got 'https://hooks.example.com/?a=1'" + SEE,
    ),
    "hangup-url-with-listen": (
        [*LISTEN, "--hangup-url", "https://example.com/hangup"],
        "--hangup-url with --callbacks-listen: the hangup callback is what tracking needs, "
        "so rows get the listener's (see --public-url)",
    ),
    "public-url-without-listen": (
        ["--public-url", "https://hooks.example.com"],
        "--public-url needs --callbacks-listen (tracking gets the callbacks)",
    ),
    "redial-without-listen": (
        ["--redial", "busy"],
        "--redial needs --callbacks-listen (tracking gets the callbacks)",
    ),
    "max-live-calls-without-listen": (
        ["--max-live-calls", "10"],
        "--max-live-calls needs --callbacks-listen (tracking gets the callbacks)",
    ),
    "track-wait-without-listen": (
        ["--track-wait", "30"],
        "--track-wait needs --callbacks-listen (tracking gets the callbacks)",
    ),
    "redial-answered": (
        [*LISTEN, "--redial", "busy,answered"],
        "argument --redial: an answered call is never redialled; expected dispositions "
        "separated by commas from busy, no-answer, failed, machine, cancelled, got "
        "'busy,answered'" + SEE,
    ),
    "redial-unknown": (
        [*LISTEN, "--redial", "engaged"],
        "argument --redial: expected dispositions separated by commas from busy, no-answer, "
        "failed, machine, cancelled, got 'engaged'" + SEE,
    ),
    "redial-after-without-redial": (
        [*LISTEN, "--redial-after", "60"],
        "--redial-after needs --redial (which dispositions to redial)",
    ),
    "redial-after-negative": (
        [*LISTEN, "--redial", "busy", "--redial-after=-5"],
        "argument --redial-after: expected seconds >= 0, got '-5'" + SEE,
    ),
    "redial-attempts-zero": (
        [*LISTEN, "--redial", "busy", "--redial-attempts", "0"],
        "argument --redial-attempts: expected a whole number >= 1, got '0'" + SEE,
    ),
    "max-live-calls-zero": (
        [*LISTEN, "--max-live-calls", "0"],
        "argument --max-live-calls: expected a whole number >= 1, got '0'" + SEE,
    ),
    "track-wait-zero": (
        [*LISTEN, "--track-wait", "0"],
        "argument --track-wait: expected seconds > 0, got '0'" + SEE,
    ),
}


def rows_file(folder: Path, *numbers: str, extra: str = "") -> Path:
    path = folder / "rows.csv"
    header = "to" + ("," + extra if extra else "")
    lines = [header, *(n + ("," if extra else "") for n in numbers)]
    path.write_text("\n".join(lines) + "\n")
    return path


async def dial(emu: Emulator, rows: Path, *extra: str) -> Finished:
    return await run_cli(
        "dial",
        str(rows),
        "--from",
        FROM,
        "--answer-url",
        ANSWER,
        "--no-progress",
        "--rate-limit",
        "none",
        *extra,
        env=cli_environment(emu),
    )


async def test_bad_values_are_one_line_and_exit_2_before_anything_is_sent(
    plivo_emulator: Emulator, tmp_path: Path
) -> None:
    async def attempt(name: str, flags: list[str]) -> Finished:
        folder = tmp_path / name
        folder.mkdir()
        return await dial(plivo_emulator, rows_file(folder, HUMAN), *flags)

    results = await asyncio.gather(
        *(attempt(name, flags) for name, (flags, _) in BAD_VALUES.items())
    )
    for (name, (_, message)), done in zip(BAD_VALUES.items(), results, strict=True):
        assert (done.code, done.err_lines) == (2, [DIAL + message]), name
        assert not (tmp_path / name / "rows.csv.journal.jsonl").exists(), name
    assert plivo_emulator.history.requests == []


async def test_a_listen_address_in_use_is_one_line_and_exit_2(
    plivo_emulator: Emulator, tmp_path: Path
) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = await dial(
            plivo_emulator, rows_file(tmp_path, HUMAN), "--callbacks-listen", f"127.0.0.1:{port}"
        )
    assert (done.code, done.err_lines) == (
        2,
        [f"{DIAL}cannot listen on 127.0.0.1:{port}: address already in use"],
    )
    assert not (tmp_path / "rows.csv.journal.jsonl").exists()
    assert plivo_emulator.history.requests == []


def report_rows(path: Path) -> dict[str, dict[str, str]]:
    with path.open(newline="") as handle:
        reader = csv.DictReader(handle)
        assert tuple(reader.fieldnames or ()) == COLUMNS
        return {row["to"]: row for row in reader}


async def test_a_tracked_dial_gives_each_row_its_disposition_in_the_summary_and_the_report(
    tmp_path: Path,
) -> None:
    life = Lifecycle(ringing_s=0.2, talk_s=0.3)
    async with Emulator(flows=True, callbacks=True, lifecycle=life, seed=7) as emu:
        emu.flows.scripts[BUSY] = Script(answer="busy")
        emu.flows.scripts[SILENT] = Script(answer="no-answer")
        emu.flows.scripts[MACHINE] = Script(answer="machine")
        rows = tmp_path / "rows.csv"
        rows.write_text(f"to,machine_detection\n{HUMAN},\n{BUSY},\n{SILENT},\n{MACHINE},hangup\n")
        report = tmp_path / "report.csv"
        tracked = (
            *LISTEN,
            "--redial",
            "busy",
            "--redial-after",
            "0.2",
            "--redial-attempts",
            "2",
            "--max-live-calls",
            "2",
            "--track-wait",
            "20",
        )
        done = await dial(emu, rows, *tracked, "--report", str(report), "--json")
        assert done.code == 0, done.err
        [line] = done.err_lines
        match = re.fullmatch(
            r"plivo-async dial: receiving callbacks on http://127\.0\.0\.1:(\d+)", line
        )
        assert match, line
        summary = json.loads(done.out)["calls"]
        assert summary["ok"] == 4 and summary["unknown"] == 0
        assert summary["dispositions"] == {"answered": 1, "busy": 1, "no-answer": 1, "machine": 1}
        assert summary["redials"] == 1 and summary["placed"] == 5
        assert emu.dialled_counts() == {HUMAN: 1, BUSY: 2, SILENT: 1, MACHINE: 1}
        # rows got the listener's URLs, with the correlation mark on them
        port = match[1]
        for call in emu.calls:
            assert call.params["hangup_url"].startswith(f"http://127.0.0.1:{port}/hangup?")
            assert call.params["ring_url"].startswith(f"http://127.0.0.1:{port}/ring?")

        first = report_rows(report)
        assert {to: row["disposition"] for to, row in first.items()} == {
            HUMAN: "answered",
            BUSY: "busy",
            SILENT: "no-answer",
            MACHINE: "machine",
        }
        assert {to: row["dials"] for to, row in first.items()} == {
            HUMAN: "1",
            BUSY: "2",
            SILENT: "1",
            MACHINE: "1",
        }
        assert first[HUMAN]["duration"] == "1" and first[SILENT]["duration"] == "0"
        assert all(row["hangup_cause"] for row in first.values())
        assert all(row["status"] == "ok" and row["reconciled"] == "" for row in first.values())

        # a resume has nothing left to do; its report says the same, from the journal
        again = tmp_path / "again.csv"
        resumed = await dial(emu, rows, *tracked, "--report", str(again), "--json")
        assert resumed.code == 0, resumed.err
        assert json.loads(resumed.out)["calls"]["skipped"] == 4
        assert report_rows(again) == first
        assert emu.dialled_counts() == {HUMAN: 1, BUSY: 2, SILENT: 1, MACHINE: 1}


async def test_the_report_of_a_resumed_run_takes_the_disposition_that_followed_the_last_outcome(
    tmp_path: Path,
) -> None:
    path = tmp_path / "run.jsonl"
    lines: list[dict[str, Any]] = [
        {"journal": "plivo-async", "version": 2, "kind": "calls", "input": None},
        {"s": 0, "h": "00000000000000aa", "m": "m0", "t": 1.0},
        {"s": 1, "h": "00000000000000bb", "m": "m1", "t": 1.0},
        {"o": 0, "status": "ok", "h": "00000000000000aa", "attempts": 1, "ms": 1.0},
        {"o": 1, "status": "ok", "h": "00000000000000bb", "attempts": 1, "ms": 1.0},
        {"d": 1, "dial": 1, "disposition": "busy", "duration": 0, "redial": 5.0},
        {"s": 1, "h": "00000000000000bb", "m": "m2", "t": 6.0, "dial": 2},
        # row 1's redial failed: the busy of its first dial is not this outcome's
        {"o": 1, "status": "failed", "h": "00000000000000bb", "attempts": 1, "ms": 1.0, "dial": 2},
        {"d": 0, "dial": 1, "disposition": "answered", "duration": 9, "note": "late"},
    ]
    path.write_text("".join(json.dumps(line, separators=(",", ":")) + "\n" for line in lines))
    journal = Journal(path, fsync=False)
    state = journal.open(kind="calls", input_id=None, track_outcomes=True)
    try:
        assert state is not None
        records = {record.index: (record, ended) for record, ended in outcome_records(path, state)}
    finally:
        await journal.close()
    assert records[0][1] == DispositionRecord.from_json(lines[8])
    assert records[1][0].status == "failed" and records[1][1] is None


async def test_the_receiver_checks_signatures_against_the_public_url() -> None:
    token = "receiver-token"
    public = "https://hooks.example.com/plivo"
    params = {"CallUUID": "c-1", "RequestUUID": "r-1", "Event": "Hangup"}
    params.update(CallStatus="busy", HangupCause="USER_BUSY", Duration="0", To=HUMAN)
    async with (
        listen("127.0.0.1", 0, auth_token=token, public=public) as listener,
        aiohttp.ClientSession() as http,
    ):
        assert listener.defaults() == {
            "hangup_url": f"{public}/hangup",
            "ring_url": f"{public}/ring",
            "machine_detection_url": f"{public}/machine",
        }
        local = f"{listener.url}/hangup"
        as_local = signature_headers("POST", local, params, token)
        async with http.post(local, data=params, headers=as_local) as refused:
            assert refused.status == 403  # Plivo signs the URL it called: the public one
        assert listener.tracker.track("r-1").result is None
        as_public = signature_headers("POST", f"{public}/hangup", params, token)
        async with http.post(local, data=params, headers=as_public) as accepted:
            assert accepted.status == 200
        result = listener.tracker.track("r-1").result
        assert result is not None and result.disposition == "busy"
    with pytest.raises(aiohttp.ClientConnectionError):  # the receiver stopped with the block
        async with aiohttp.ClientSession() as http, http.post(local, data=params):
            pass


async def test_listening_on_a_taken_port_is_a_usage_error() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with pytest.raises(UsageError, match=f"cannot listen on 127.0.0.1:{port}: "):
            async with listen("127.0.0.1", port, auth_token="t"):
                pass


async def test_a_row_whose_own_hangup_url_misses_the_listener_gets_its_call_records_disposition(
    tmp_path: Path,
) -> None:
    with socket.socket() as nobody:  # a loopback port nobody listens on
        nobody.bind(("127.0.0.1", 0))
        elsewhere = f"http://127.0.0.1:{nobody.getsockname()[1]}/hangup"
    life = Lifecycle(ringing_s=0.1, talk_s=0.1)
    async with Emulator(flows=True, callbacks=True, lifecycle=life, seed=8) as emu:
        rows = tmp_path / "rows.csv"
        rows.write_text(f"to,hangup_url\n{HUMAN},{elsewhere}\n{BUSY},\n")
        emu.flows.scripts[BUSY] = Script(answer="busy")
        report = tmp_path / "report.csv"
        done = await dial(emu, rows, *LISTEN, "--track-wait", "3", "--report", str(report))
        # the ring callback told the call's uuid: once the wait expired, its record was read
        looked_up = [r for r in emu.history.requests if r.method == "GET"]
    assert done.code == 0, done.err
    assert done.err_lines[0] == (
        f"{DIAL}warning: {rows} has a hangup_url column: rows that give one are tracked "
        "only if it reaches the listener"
    )
    assert "dispositions: answered 1, busy 1" in done.out
    assert len(looked_up) == 1
    lines = report_rows(report)
    assert lines[HUMAN]["disposition"] == "answered" and lines[HUMAN]["status"] == "ok"
    assert lines[BUSY]["disposition"] == "busy" and lines[BUSY]["note"] == ""


@pytest.mark.parametrize(
    ("text", "parsed"),
    [
        ("127.0.0.1:0", ("127.0.0.1", 0)),
        ("localhost:8080", ("localhost", 8080)),
        ("[::1]:9000", ("::1", 9000)),
        ("0.0.0.0:65535", ("0.0.0.0", 65535)),
    ],
)
def test_listen_addresses(text: str, parsed: tuple[str, int]) -> None:
    assert address(text) == parsed


@pytest.mark.parametrize("text", ["::1:9000", ":80", "host:", "host:-1", "[::1]"])
def test_listen_addresses_that_are_refused(text: str) -> None:
    with pytest.raises(argparse.ArgumentTypeError, match="expected HOST:PORT"):
        address(text)


async def test_a_resume_gives_a_disposition_to_a_call_found_that_ended_during_the_crash(
    tmp_path: Path,
) -> None:
    row = {"to": HUMAN}
    journal = tmp_path / "run.jsonl"
    life = Lifecycle(ringing_s=0.1, talk_s=0.2)
    async with Emulator(flows=True, callbacks=True, lifecycle=life, seed=9) as emu:
        # the crashed run: its start record is on disk, its call is placed and ends, and
        # the hangup callback reaches that run's receiver only
        async with (
            listen("127.0.0.1", 0, auth_token=emu.auth_token) as crashed,
            AsyncPlivo(emu.auth_id, emu.auth_token, base_url=emu.url) as client,
        ):
            mark, sent = new_mark(), round(time.time(), 3)
            request = CreateCallRequest(
                from_=FROM, to=HUMAN, answer_url=ANSWER, **crashed.defaults()
            )
            response = await client.calls.create_from(request, mark=mark)
            await crashed.tracker.track(str(response.request_uuid)).ended()
        header = {"journal": "plivo-async", "version": 2, "kind": "calls", "input": None}
        start = {"s": 0, "h": row_key(row).digest, "m": mark, "t": sent}
        journal.write_text("".join(json.dumps(r) + "\n" for r in (header, start)))

        async with (
            listen("127.0.0.1", 0, auth_token=emu.auth_token) as receiver,
            AsyncPlivo(emu.auth_id, emu.auth_token, base_url=emu.url) as client,
        ):
            run = client.bulk.create_calls(
                [row],
                defaults={"from": FROM, "answer_url": ANSWER, **receiver.defaults()},
                journal=journal,
                reconcile_lag=0,
                track=receiver.tracker,
                track_wait=60,
            )
            [outcome] = await asyncio.wait_for(run.collect(), 10)
    assert (outcome.status, outcome.reconciled) == ("ok", "found")
    assert outcome.disposition == "answered"
    assert emu.dialled_counts() == {HUMAN: 1}


@pytest.mark.parametrize(
    ("argv", "options"),
    [
        ([], {"reconcile": True, "reconcile_settle": 30.0}),
        (["--timeout", "7"], {"reconcile": True, "reconcile_settle": 7.0}),
        (
            ["--reconcile-settle", "2", "--reconcile-lag", "0", "--reconcile-wait", "9"],
            {"reconcile_settle": 2.0, "reconcile_lag": 0.0, "reconcile_wait": 9.0},
        ),
        (["--no-reconcile"], {"reconcile": False}),
    ],
)
def test_reconciliation_options_reach_the_run(argv: list[str], options: dict[str, Any]) -> None:
    """The settle time defaults to the request timeout: a create may be processed as
    late as the client gives up on its answer."""
    given = cli_dial._bulk_options(_parser().parse_args(["dial", "rows.csv", *argv]))
    assert {key: given[key] for key in options} == options
    if "--no-reconcile" in argv:
        assert "reconcile_settle" not in given


async def test_the_call_record_of_a_busy_call_is_listed() -> None:
    """The demo's reconciliation reads call records of busy lines (the emulator answered
    500 for them, which left the lookups unknown)."""
    async with (
        Emulator(flows=True, lifecycle=Lifecycle(ringing_s=0.1, talk_s=0.1)) as emu,
        AsyncPlivo(emu.auth_id, emu.auth_token, base_url=emu.url) as client,
    ):
        emu.flows.scripts[BUSY] = Script(answer="busy")
        await client.calls.create(from_=FROM, to=BUSY, answer_url=ANSWER)
        page = await client.calls.list(to_number=BUSY)
    [record] = page.objects
    assert record.raw["call_status"] == "busy"
    assert record.raw["hangup_cause_name"] == "Busy Line"
