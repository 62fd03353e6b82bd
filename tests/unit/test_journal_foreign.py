"""A journal path that names something else: a note, a CSV, a JSON file, a huge file, a FIFO,
a device, a directory. Each is refused ("is not a plivo-async journal"), never truncated or
written, nothing is sent, and nothing blocks or reads without a bound. A journal of ours
whose header was torn by a crash, and a symbolic link to a journal, still resume.
"""

from __future__ import annotations

import asyncio
import os
import threading
import tracemalloc
from pathlib import Path

import pytest

from plivo_async.bulk import JournalCorruptError, JournalMismatchError, NotAJournalError
from plivo_async.bulk.journal import MAX_HEADER, MAX_INPUT_ID, Journal, load
from tests.unit.test_journal import HEADER, FakeApi, rows, run

FOREIGN = {
    "note": b"call Ann back about the campaign",
    "csv-cr-only": b"to,from\r+14155550101,+14155550100\r+14155550102,+14155550100\r",
    "json": b'{"to": "+14155550101", "from": "+14155550100"}',
    "json-pretty": b'{\n  "journal": "plivo-async",\n  "version": 2\n}\n',
    "csv": b"to\n+14155550101\n",
    "deep-json": b"[" * 50_000 + b"\n",
    "header-too-long": HEADER[:-2] + b" " * MAX_HEADER + b"}\n",
}


@pytest.mark.parametrize("content", FOREIGN.values(), ids=FOREIGN.keys())
async def test_a_foreign_file_is_refused_untouched_and_nothing_is_sent(
    tmp_path: Path, content: bytes
) -> None:
    path = tmp_path / "notes.txt"
    path.write_bytes(content)
    api = FakeApi()
    with pytest.raises(NotAJournalError, match=r"notes\.txt is not a plivo-async journal"):
        await run(path, api).wait()
    assert path.read_bytes() == content
    assert not api.sends
    assert issubclass(NotAJournalError, JournalMismatchError)  # what callers catch today


def test_a_big_file_without_a_newline_is_refused_after_a_bounded_read(tmp_path: Path) -> None:
    path = tmp_path / "big.bin"
    size = 64 << 20
    with path.open("wb") as handle:
        handle.write(b"x")
        handle.truncate(size)  # sparse: 64 MiB of "x" and zeros, no newline
    tracemalloc.start()
    try:
        with pytest.raises(NotAJournalError, match="is not a plivo-async journal"):
            load(path)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 4 * MAX_HEADER  # the header's bound, not the file's size
    assert path.stat().st_size == size
    with path.open("rb") as handle:
        assert handle.read(2) == b"x\0"


def _open_in_a_thread(path: Path, timeout: float = 5.0) -> BaseException | None:
    """Open ``path`` as a journal in a daemon thread: what it raised (None if nothing), or
    a test failure if it is still blocked after ``timeout`` (the thread is abandoned)."""
    outcome: list[BaseException | None] = []

    async def attempt() -> None:
        journal = Journal(path, fsync=False)
        journal.open(kind="calls", input_id=None)
        await journal.close()

    def target() -> None:
        try:
            asyncio.run(attempt())
        except BaseException as exc:
            outcome.append(exc)
        else:
            outcome.append(None)

    thread = threading.Thread(target=target, daemon=True)
    thread.start()
    thread.join(timeout)
    if thread.is_alive():
        pytest.fail(f"opening {path} as a journal was still blocked after {timeout} s")
    return outcome[0]


def test_a_fifo_is_refused_without_blocking(tmp_path: Path) -> None:
    path = tmp_path / "fifo"
    os.mkfifo(path)
    error = _open_in_a_thread(path)
    assert isinstance(error, NotAJournalError), repr(error)
    assert "is not a plivo-async journal (not a regular file)" in str(error)
    link = tmp_path / "link"
    link.symlink_to(path)  # a link is followed: to the FIFO, so refused the same way
    assert isinstance(_open_in_a_thread(link), NotAJournalError)


@pytest.mark.parametrize("device", ["/dev/zero", "/dev/full", "/dev/null"])
def test_a_device_is_refused_before_a_byte_is_read(device: str) -> None:
    if not os.path.exists(device):  # pragma: no cover - every Linux and macOS has them
        pytest.skip(f"no {device}")
    error = _open_in_a_thread(Path(device))
    assert isinstance(error, NotAJournalError), repr(error)
    assert str(error).startswith(f"{device} is not a plivo-async journal")


def test_a_directory_is_refused(tmp_path: Path) -> None:
    error = _open_in_a_thread(tmp_path)
    assert isinstance(error, NotAJournalError), repr(error)
    assert tmp_path.is_dir() and not any(tmp_path.iterdir())


async def test_a_symlink_to_a_journal_is_followed_and_resumes_that_journal(
    tmp_path: Path,
) -> None:
    target = tmp_path / "real.jsonl"
    await run(target, FakeApi(), n=3).wait()
    before = target.read_bytes()
    link = tmp_path / "link.jsonl"
    link.symlink_to(target)
    api = FakeApi()
    await run(link, api, n=5).wait()
    assert set(api.sends) == {rows(5)[3]["to"], rows(5)[4]["to"]}  # rows 0-2 were done
    assert link.is_symlink() and target.read_bytes().startswith(before)
    state = load(target)
    assert state is not None and len(state) == 5


TORN_HEADERS = [0, 1, 10, 24, 25, 26, 40, len(HEADER) - 1]


@pytest.mark.parametrize("cut", TORN_HEADERS)
async def test_a_torn_header_of_ours_is_recovered(tmp_path: Path, cut: int) -> None:
    path = tmp_path / "run.jsonl"
    path.write_bytes(HEADER[:cut])  # a crash while the header was being written
    api = FakeApi()
    await run(path, api, n=3).wait()
    assert sum(api.sends.values()) == 2  # rows 0 and 2 (row 1 is invalid)
    assert path.read_bytes().startswith(HEADER)


def test_a_deeply_nested_line_is_a_corrupt_line_not_a_crash(tmp_path: Path) -> None:
    path = tmp_path / "run.jsonl"
    path.write_bytes(HEADER + b"[" * 100_000 + b"\n")
    with pytest.raises(JournalCorruptError, match="line 2 is not JSON"):
        load(path)


async def test_an_input_id_too_long_for_the_header_is_refused_before_the_file_is_opened(
    tmp_path: Path,
) -> None:
    path = tmp_path / "run.jsonl"
    journal = Journal(path, fsync=False)
    with pytest.raises(ValueError, match=f"input_id must be at most {MAX_INPUT_ID} characters"):
        journal.open(kind="calls", input_id="\U0001f4de" * (MAX_INPUT_ID + 1))
    assert not path.exists()
    journal.open(kind="calls", input_id="\U0001f4de" * MAX_INPUT_ID)  # its header fits
    await journal.close()
    state = load(path)
    assert state is not None and state.input_id == "\U0001f4de" * MAX_INPUT_ID
