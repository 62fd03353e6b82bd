"""The journal at its edges: torn tails, corrupt lines, and a disk that stops taking writes.

The runs here use a fake ``send`` that follows the transport's contract (await the row's
start record, then count the attempt), so every send is counted per row and a crash can
be simulated exactly: cut the journal a real run wrote at any byte, then resume.
"""

from __future__ import annotations

import asyncio
import errno
import itertools
import json
import os
import re
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any, BinaryIO

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from plivo_async._types import RequestObserver
from plivo_async.bulk import BulkRun, JournalMismatchError
from plivo_async.bulk.journal import (
    Code,
    Journal,
    JournalCorruptError,
    JournalWriteError,
    load,
    row_key,
)
from plivo_async.bulk.records import OutcomeRecord
from plivo_async.errors import OutcomeUnknownError, PlivoRestError, ValidationError

ROWS = 6
INVALID, UNKNOWN, FAILED = 1, 3, 4


def rows(n: int = ROWS) -> list[dict[str, str]]:
    return [{"to": f"+1415200{i:04d}"} for i in range(n)]


def prepare(row: dict[str, str]) -> dict[str, str]:
    if row["to"].endswith(f"{INVALID:04d}"):
        raise ValidationError.invalid("to", "is not dialable", row["to"])
    return row


class FakeApi:
    """A send function that keeps the transport's promise and counts sends per row."""

    def __init__(self, *, gate: asyncio.Event | None = None, gated_from: int = 0) -> None:
        self.sends: Counter[str] = Counter()
        self.gate = gate
        self.gated_from = gated_from  # rows from this index on wait for the gate

    async def send(self, row: dict[str, str], observer: RequestObserver) -> Any:
        await observer.before_attempt(1)
        self.sends[row["to"]] += 1
        if self.gate is not None and int(row["to"][-4:]) >= self.gated_from:
            await self.gate.wait()
        await asyncio.sleep(0)
        if row["to"].endswith(f"{UNKNOWN:04d}"):
            raise OutcomeUnknownError("dropped", method="POST", path="/Call/", attempts=1)
        if row["to"].endswith(f"{FAILED:04d}"):
            raise PlivoRestError("bad number", status=400, method="POST", path="/Call/")
        return {"request_uuid": f"uuid-{row['to']}"}


def run(path: Path | Journal, api: FakeApi, n: int = ROWS, **options: Any) -> BulkRun[Any]:
    journal = path if isinstance(path, Journal) else Journal(path, fsync=False)
    options.setdefault("concurrency", 3)
    return BulkRun(
        rows(n), prepare=prepare, send=api.send, kind="calls", journal=journal, **options
    )


def records(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_bytes().splitlines()[1:]]


SENT_STATUSES = {"ok", "failed", "unknown"}


def started_rows(data: bytes) -> set[int]:
    """Rows whose start record is whole in ``data``: the ones a crash may have sent."""
    lines = data.split(b"\n")[:-1]  # the part after the last newline is torn
    return {json.loads(line)["s"] for line in lines[1:] if line.startswith(b'{"s"')}


def cut_points(data: bytes) -> list[int]:
    """Where a crash can leave a journal that behaves differently: at every record
    boundary, one or two bytes either side of it (the newline alone missing, a line just
    begun), and in the middle of every line. Any other cut inside a line tears that line
    just as its middle does; every 16th byte is cut too, in case that reasoning is wrong."""
    ends = [0] + [i + 1 for i, byte in enumerate(data) if byte == ord("\n")]
    cuts = {min(max(end + d, 0), len(data)) for end in ends for d in (-2, -1, 0, 1, 2)}
    cuts.update((a + b) // 2 for a, b in itertools.pairwise(ends))
    cuts.update(range(0, len(data), 16))
    return sorted(cuts)


async def test_every_prefix_of_a_real_journal_resumes_without_a_duplicate_or_a_lost_row(
    tmp_path: Path,
) -> None:
    full = tmp_path / "full.jsonl"
    await run(full, FakeApi()).wait()
    data = full.read_bytes()
    assert data.count(b"\n") == 1 + (ROWS - 1) + ROWS  # header, starts, outcomes
    path = tmp_path / "cut.jsonl"
    cuts = cut_points(data)
    assert 0 in cuts and len(data) in cuts and len(cuts) >= 4 * data.count(b"\n")
    for cut in cuts:
        path.write_bytes(data[:cut])
        maybe_sent = started_rows(data[:cut])
        api = FakeApi()
        resumed = run(path, api)
        await resumed.wait()
        where = f"journal cut at byte {cut}"
        # nobody sent twice: a row the crashed run may have sent is never sent again
        for i, row in enumerate(rows()):
            assert (i in maybe_sent) + api.sends[row["to"]] <= 1, where
        # no row lost: every row now has a final outcome, and each sent row exactly one
        state = load(path)
        assert state is not None and len(state) == ROWS, where
        finals = {Code.OK, Code.FAILED, Code.FAILED_NOT_PLACED, Code.UNKNOWN, Code.INVALID}
        assert all(state.code(i) in finals for i in range(ROWS)), where
        sent = Counter(r["o"] for r in records(path) if r.get("status") in SENT_STATUSES)
        assert set(sent.values()) <= {1}, where
        assert state.code(INVALID) == Code.INVALID, where
        # ... and the repaired journal is whole lines only (no record merged into another)
        assert path.read_bytes().endswith(b"\n"), where


async def test_a_torn_tail_is_cut_durably_before_anything_is_appended(tmp_path: Path) -> None:
    path = tmp_path / "run.jsonl"
    await run(path, FakeApi(), n=3).wait()
    whole = path.read_bytes()
    path.write_bytes(whole + b'{"s":3,"h":"abc')  # died while writing row 3's start
    api = FakeApi()
    await run(path, api, n=5).wait()
    text = path.read_bytes()
    assert text.startswith(whole) and b"abc" not in text  # cut, not merged into a line
    assert api.sends == Counter({rows(5)[3]["to"]: 1, rows(5)[4]["to"]: 1})
    assert all(line.startswith(b"{") for line in text.splitlines())
    assert load(path) is not None


@pytest.mark.parametrize("cut", [1, 20, 40])
async def test_a_torn_header_starts_a_new_journal(tmp_path: Path, cut: int) -> None:
    path = tmp_path / "run.jsonl"
    path.write_bytes(b'{"journal":"plivo-async","version":2,"kind":"calls","input":null}\n'[:cut])
    api = FakeApi()
    await run(path, api, n=3).wait()
    assert sum(api.sends.values()) == 2  # rows 0 and 2 (row 1 is invalid)
    state = load(path)
    assert state is not None and state.kind == "calls"


def test_an_earlier_journal_version_is_refused_with_a_next_step(tmp_path: Path) -> None:
    path = tmp_path / "run.jsonl"
    path.write_text('{"journal":"plivo-async","version":1,"kind":"calls","input":null}\n')
    with pytest.raises(JournalMismatchError, match=r"version 1 journal.*new journal"):
        load(path)


HEADER = b'{"journal":"plivo-async","version":2,"kind":"calls","input":null}\n'
json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=True)
    | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner),
    max_leaves=10,
)
_optional = {
    "h": json_values | st.just("0123456789abcdef"),
    "status": json_values | st.sampled_from(["ok", "failed", "unknown", "cancelled"]),
    "nothing_placed": json_values,
}
record_like = st.one_of(
    *(
        st.fixed_dictionaries({key: json_values | st.integers(0, 9)}, optional=_optional)
        for key in ("s", "o")
    )
)


def _check_load(path: Path, line: bytes) -> None:
    path.write_bytes(HEADER + b'{"s":0,"h":"0123456789abcdef"}\n' + line + b"\n")
    try:
        state = load(path)
    except JournalCorruptError as exc:
        assert "line 3" in str(exc)
        return
    # accepted: then it really was a record, and the state says what it said
    record = json.loads(line)
    assert isinstance(record, dict) and state is not None
    key = "s" if "s" in record else "o"
    assert type(record[key]) is int and record[key] >= 0
    assert state.code(record[key]) != Code.NONE


@settings(max_examples=200, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(value=json_values | record_like)
def test_any_json_value_as_a_line_is_a_record_or_a_journal_error_naming_the_line(
    tmp_path: Path, value: Any
) -> None:
    _check_load(tmp_path / "j.jsonl", json.dumps(value).encode())


@pytest.mark.parametrize(
    "line",
    [
        b"[1, 2]",
        b'{"s": "5", "h": "0123456789abcdef"}',
        b'{"s": true, "h": "0123456789abcdef"}',
        b'{"s": 5}',
        b'{"o": 5}',
        b'{"o": 5, "status": 7}',
        b'{"o": 5, "status": "great"}',
        b'{"o": 5, "status": "ok", "h": 12}',
        b'{"o": 99999999999, "status": "ok"}',
        b'{"x": 1}',
        b"not json",
        # near misses of the compact lines the loader reads without json.loads
        b'{"s":1,"h":"0123456789abcdef","f":{"to":"1234abcd""x":"1234abcd"}}',
        b'{"o":1,"status":"ok","h":"0123456789abcdef","attempts":1,"ms":1,"to":"a"',
        b'{"s":01,"h":"0123456789abcdef"}',
        b'{"o":1,"status":"ok","h":"0123456789abcdef","attempts":01,"ms":1}',
        b'{"o":1,"status":"ok","h":"0123456789abcdef","attempts":1,"ms":01.5}',
        b'{"s":1,"h":"0123456789abcdef","f":{"to":"1234abcd",}}',
        b'{"o":1,"status":"ok","h":"0123456789abcdef","attempts":1,"ms":1,"to":"\xff"}',
        b'{"s":1,"h":"01 23 45 67 89ab"}',  # 16 characters, but 6 bytes
        b'{"s":1,"h":"0123456789abcdef","m":"x","t":01.5}',
    ],
)
def test_corrupt_lines_raise_the_journal_error_with_the_line_number(
    tmp_path: Path, line: bytes
) -> None:
    path = tmp_path / "j.jsonl"
    path.write_bytes(HEADER + b'{"s":0,"h":"0123456789abcdef"}\n' + line + b"\n")
    with pytest.raises(JournalCorruptError, match="line 3 "):
        load(path)


class FailingFile:
    """An unbuffered append-only file whose writes fail (sticky) once ``fail_when`` says
    which errno: half the data is written, then the ``OSError`` is raised."""

    def __init__(self, path: Path, fail_when: Callable[[bytes], int | None]) -> None:
        self.file: BinaryIO = path.open("ab", buffering=0)
        self.fail_when = fail_when
        self.fail: int | None = None

    def write(self, data: bytes) -> int:
        self.fail = self.fail or self.fail_when(bytes(data))
        if self.fail is not None:
            if len(data) > 1:
                self.file.write(bytes(data[: len(data) // 2]))
            raise OSError(self.fail, os.strerror(self.fail))
        return self.file.write(data) or 0

    def fileno(self) -> int:
        return self.file.fileno()

    def close(self) -> None:
        self.file.close()


@pytest.mark.parametrize("code", [errno.ENOSPC, errno.EIO], ids=["ENOSPC", "EIO"])
async def test_a_journal_write_failure_stops_the_run_with_one_clear_error(
    tmp_path: Path, code: int
) -> None:
    path = tmp_path / "run.jsonl"
    n = 40
    gate = asyncio.Event()

    def opener(p: Path) -> FailingFile:  # the disk fails when row 12 starts
        return FailingFile(p, lambda data: code if b'{"s":12,' in data else None)

    journal = Journal(path, opener=opener)  # type: ignore[arg-type]
    api = FakeApi(gate=gate, gated_from=8)  # rows 0-7 finish, rows from 8 on stay in flight
    first = run(journal, api, n=n, concurrency=8, grace_period=30)
    outcomes = []
    with pytest.raises(JournalWriteError) as caught:
        async for outcome in first:
            outcomes.append(outcome)
    error = caught.value
    assert str(path) in str(error) and os.strerror(code) in str(error)
    assert isinstance(error.__cause__, OSError) and error.__cause__.errno == code
    # rows sent before the failure are in flight (unknown); rows whose start record did
    # not reach the disk were never sent
    summary = first.summary
    on_disk = {r["s"] for r in records(path) if "s" in r}
    done_on_disk = {r["o"] for r in records(path) if "o" in r}
    assert set(api.sends) == {rows(n)[i]["to"] for i in on_disk}
    in_flight = on_disk - done_on_disk  # (outcomes in the failed write were lost too)
    gated = {i for i in on_disk if i >= 8}
    assert gated and gated <= in_flight and 12 not in on_disk
    assert summary.unknown >= len(gated)
    assert summary.not_sent > 0  # row 12 at least: its start record failed
    assert summary.stopped == "the journal could not be written"
    assert not path.read_bytes().endswith(b"}")  # the partial write was undone
    assert path.read_bytes().endswith(b"\n")

    # the file and its lock are free: the same process resumes once the disk is fine
    api2 = FakeApi()
    resumed = run(path, api2, n=n)
    await resumed.wait()
    total = api.sends + api2.sends
    assert max(total.values()) == 1  # nobody sent twice
    state = load(path)
    assert state is not None
    finals = {Code.OK, Code.FAILED, Code.FAILED_NOT_PLACED, Code.UNKNOWN, Code.INVALID}
    assert all(state.code(i) in finals for i in range(n))  # no row lost
    assert set(total) == {r["to"] for i, r in enumerate(rows(n)) if i != INVALID}


async def test_close_releases_the_file_even_when_the_last_flush_fails(tmp_path: Path) -> None:
    path = tmp_path / "run.jsonl"
    handles: list[FailingFile] = []

    def opener(p: Path) -> FailingFile:  # the last record's write fails
        handles.append(FailingFile(p, lambda data: errno.ENOSPC if b'"o":0' in data else None))
        return handles[-1]

    journal = Journal(path, opener=opener)  # type: ignore[arg-type]
    journal.open(kind="calls", input_id=None)
    journal.write(OutcomeRecord(0, "ok"))
    with pytest.raises(JournalWriteError, match="No space left"):
        await journal.close()
    assert handles[0].file.closed
    again = Journal(path)
    assert again.open(kind="calls", input_id=None) is None  # the lock is free
    await again.close()


def test_a_small_tmpfs_fills_up_then_resumes(tmp_path: Path) -> None:
    pytest.importorskip("fcntl")
    mount = tmp_path / "small"
    mount.mkdir()
    if os.system(f"mount -t tmpfs -o size=16k tmpfs {mount} 2>/dev/null") != 0:
        pytest.skip("cannot mount a small tmpfs here")
    try:
        asyncio.run(_fill_tmpfs(mount))
    finally:
        os.system(f"umount {mount}")


async def _fill_tmpfs(mount: Path) -> None:
    """Run until the disk is full, give it more space, resume."""
    path = mount / "run.jsonl"
    n = 2000  # far more records than 16 KiB holds
    api = FakeApi()
    with pytest.raises(JournalWriteError, match="No space left"):
        await run(Journal(path), api, n=n, concurrency=16).wait()
    assert max(api.sends.values()) == 1
    assert os.system(f"mount -o remount,size=1m {mount}") == 0  # noqa: ASYNC221
    api2 = FakeApi()
    await run(Journal(path), api2, n=n, concurrency=16).wait()
    total = api.sends + api2.sends
    assert max(total.values()) == 1
    state = load(path)
    assert state is not None and len(state) == n
    assert all(state.code(i) != Code.NONE for i in range(n))


# -- the block reader: the fast path agrees with the checked one, at any block size -------

#: Lines of shapes the fast path does not take (other key orders, keys added by a later
#: writer such as a correlation mark, exponents): they must load exactly as json.loads says.
ODD_LINES = [
    b'{"s":50,"h":"00000000000000aa","f":{"to":"1234abcd"},"m":"mark-50","t":1733100000.5}',
    b'{"h":"00000000000000bb","s":51}',
    b'{"o":50,"status":"ok","h":"00000000000000aa","attempts":1,"ms":1e-05,"to":"+1"}',
    b'{"o":51,"h":"00000000000000bb","status":"ok","attempts":1,"ms":2.5}',
    b'{"s":52,"h":"00000000000000cc"}',
    b'{"o":52,"status":"ok","h":"00000000000000cc","attempts":2,"ms":0.0,"api_id":"x"}',
    b'{"d":52,"dial":1,"disposition":"busy","redial":1764640000.0}',  # due for a redial
    b'{"s":52,"h":"00000000000000cc","m":"a-B_9","t":1764640001.25,"dial":2}',  # the redial
]


def _state(path: Path) -> tuple[Any, ...]:
    state = load(path, track_outcomes=True)
    assert state is not None
    last = state.last_outcome
    return (state.size, bytes(state.codes), bytes(state.digests), last and last.tolist())


async def test_the_block_reader_loads_what_a_line_by_line_json_reading_loads(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "run.jsonl"
    await run(path, FakeApi(), n=40).wait()  # ok, invalid, unknown, failed rows
    # a resume that resends them: start records after outcome records of the same rows
    await run(path, FakeApi(), n=48, retry_unknown=True, retry_failed=True).wait()
    with path.open("ab") as handle:
        handle.write(b"\n".join(ODD_LINES) + b'\n{"s":53,"h":"00000')  # and a torn tail
    from plivo_async.bulk import journal as module
    from plivo_async.bulk import records

    with monkeypatch.context() as patch:  # the reference: every line through json.loads
        patch.setattr(records, "FAST", re.compile(rb"(?!)"))
        expected = _state(path)
    codes = expected[1]
    assert {Code.OK, Code.INVALID, Code.UNKNOWN, Code.FAILED_NOT_PLACED} <= set(codes)
    assert codes[52] == Code.STARTED  # its redial's start, after the disposition
    assert len(codes) == 53 and expected[0] == path.read_bytes().rindex(b"\n") + 1
    lines = path.read_bytes().count(b"\n")
    fast = len(records.FAST.findall(b"\n" + path.read_bytes()))
    assert lines / 2 < fast < lines - 4  # most lines take the fast path, not all
    for block in (1, 2, 3, 17, 64, 100, 333, 4096, 1 << 20):
        monkeypatch.setattr(module, "_BLOCK", block)
        assert _state(path) == expected, f"block of {block} bytes"


@pytest.mark.parametrize("block", [5, 64, 1 << 20])
@pytest.mark.parametrize("bad", [b'{"x":1}', b'{"s":7,"h":"0123456789abcdeg"}'])
def test_a_corrupt_line_among_fast_lines_is_named_by_its_number_at_any_block_size(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, block: int, bad: bytes
) -> None:
    from plivo_async.bulk import journal as module

    monkeypatch.setattr(module, "_BLOCK", block)
    good = [b'{"s":%d,"h":"0123456789abcdef"}' % i for i in range(300)]
    path = tmp_path / "j.jsonl"
    path.write_bytes(HEADER + b"\n".join([*good[:200], bad, *good[200:]]) + b"\n")
    with pytest.raises(JournalCorruptError, match="line 202 "):
        load(path)


# -- a resume skips done rows without digesting them (a sample is checked) ----------------


async def test_a_resume_digests_only_sampled_done_rows_and_rows_it_acts_on(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from plivo_async.bulk import engine

    monkeypatch.setattr(engine, "CHECK_FIRST", 2)
    monkeypatch.setattr(engine, "CHECK_EVERY", 5)
    path = tmp_path / "run.jsonl"
    await run(path, FakeApi(), n=12).wait()
    digested: list[str] = []

    def counting_row_key(row: Any) -> Any:
        digested.append(row["to"])
        return row_key(row)

    monkeypatch.setattr(engine, "row_key", counting_row_key)
    api = FakeApi()
    again = run(path, api, n=13)
    outcomes = await again.collect()
    # the first 2 rows and every 5th are checked; the unknown row (3) is always checked,
    # the invalid row (1) is prepared again and the new row (12) is sent: both digested
    assert sorted(digested) == sorted(rows(13)[i]["to"] for i in (0, 1, 3, 5, 10, 12))
    assert sorted(o.index for o in outcomes) == [INVALID, 12]
    assert again.summary.skipped == 11 and set(api.sends) == {rows(13)[12]["to"]}

    def changed(index: int) -> list[dict[str, str]]:
        data = rows(13)
        data[index]["caller_name"] = "Someone else"
        return data

    def rerun(data: list[dict[str, str]]) -> BulkRun[Any]:
        journal = Journal(path, fsync=False)
        return BulkRun(data, prepare=prepare, send=api.send, kind="calls", journal=journal)

    # the trade: a done row edited outside the sample is skipped, its outcome stands
    quiet = rerun(changed(7))
    assert [o.index for o in await quiet.collect()] == [INVALID]
    assert quiet.summary.skipped == 12
    for index in (10, UNKNOWN):  # sampled, and unknown (always checked): refused
        with pytest.raises(JournalMismatchError, match=rf"row {index} .*caller_name"):
            await rerun(changed(index)).wait()
    assert set(api.sends) == {rows(13)[12]["to"]}  # nothing was sent again
