"""The bulk engine's crash-safe journal: append-only JSONL, fsynced in batches.

Its one job is to make "never dial twice" survive a crash. Before a row's request is
sent, a ``start`` record for it is on disk (group commit: the starts of many rows share
one fsync, so durability costs little throughput). After the request, an outcome record
follows. On restart, a row with a start but no outcome was in flight at the crash: its
call may have been placed, so it is reported as unknown, not sent again.

Records (one JSON object per line; no secrets: rows hold numbers and URLs, never the token)::

    {"journal": "plivo-async", "version": 1, "kind": "calls", "input": "<id or null>"}
    {"s": 17, "h": "<row digest>"}                                  # row 17 is about to be sent
    {"o": 17, "status": "ok", "h": "...", "attempts": 1, ...}       # row 17's outcome
"""

from __future__ import annotations

import asyncio
import json
import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any, BinaryIO

import attrs

from ..errors import PlivoError

__all__ = ["DEFINITE", "Journal", "JournalInUseError", "JournalMismatchError", "JournalState"]

VERSION = 1
#: Outcome statuses that end a row for good: a resumed run skips it.
DEFINITE = frozenset({"ok", "failed", "invalid", "unknown"})


class JournalMismatchError(PlivoError, ValueError):
    """The journal belongs to a different input (or kind of run) than the one given."""


class JournalInUseError(PlivoError, RuntimeError):
    """Another run (in this process or another) has the journal open: two runs on one
    journal could both send the same row."""


def _lock(handle: BinaryIO, path: Path) -> None:
    try:
        import fcntl
    except ImportError:  # pragma: no cover - not POSIX: no advisory lock available
        return
    try:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        handle.close()
        raise JournalInUseError(f"{path} is in use by another run") from None


@attrs.define
class RowRecord:
    digest: str | None = None
    status: str | None = None  # None: started, no outcome (in flight at the crash)


@attrs.define
class JournalState:
    """What an existing journal says: its header and the last record of each row."""

    kind: str | None = None
    input_id: str | None = None
    rows: dict[int, RowRecord] = attrs.Factory(dict)


def load(path: Path) -> JournalState | None:
    """Read a journal; None if it does not exist or is empty.

    A torn last line (the process died mid-write) is ignored; a bad line elsewhere
    raises :class:`JournalMismatchError`, since the file is then not ours to trust.
    """
    try:
        lines = path.read_bytes().splitlines()
    except FileNotFoundError:
        return None
    if not lines:
        return None
    state = JournalState()
    for number, line in enumerate(lines):
        try:
            record = json.loads(line)
        except ValueError:
            if number == len(lines) - 1:
                break
            raise JournalMismatchError(f"{path}: line {number + 1} is not JSON") from None
        if number == 0:
            if record.get("journal") != "plivo-async" or record.get("version") != VERSION:
                raise JournalMismatchError(f"{path} is not a plivo-async journal (v{VERSION})")
            state.kind, state.input_id = record.get("kind"), record.get("input")
        elif "s" in record:
            state.rows[record["s"]] = RowRecord(record.get("h"))
        elif "o" in record:
            row = state.rows.setdefault(record["o"], RowRecord(record.get("h")))
            row.status = record["status"]
    return state


class Journal:
    """Appends records and fsyncs them in batches from a worker thread.

    :meth:`append` returns a future that is done once the record is durable; only the
    start records need waiting for.
    """

    def __init__(self, path: str | os.PathLike[str], *, fsync: bool = True) -> None:
        self.path = Path(path)
        self._fsync = fsync
        self._file: BinaryIO | None = None
        self._buffer: list[bytes] = []
        self._waiters: list[asyncio.Future[None]] = []
        self._wakeup = asyncio.Event()
        self._flusher: asyncio.Task[None] | None = None
        self._closed = False

    def __repr__(self) -> str:
        return f"<Journal {str(self.path)!r}>"

    def open(self, *, kind: str, input_id: str | None) -> JournalState | None:
        """Lock the journal, check an existing one matches this run, write a header if new.

        Raises :class:`JournalInUseError` if another run holds it, and
        :class:`JournalMismatchError` if it was written for another input or kind of run.
        """
        handle = self.path.open("ab")
        _lock(handle, self.path)
        try:
            state = load(self.path)
            self._check(state, kind=kind, input_id=input_id)
        except BaseException:
            handle.close()
            raise
        self._file = handle
        if state is None:
            header: dict[str, Any] = {"journal": "plivo-async", "version": VERSION}
            header.update(kind=kind, input=input_id)
            self.append(header)
        self._flusher = asyncio.create_task(self._flush_forever())
        return state

    def _check(self, state: JournalState | None, *, kind: str, input_id: str | None) -> None:
        if state is not None:
            if state.kind != kind:
                raise JournalMismatchError(
                    f"{self.path} is a journal of {state.kind!r} rows, not {kind!r}"
                )
            if input_id is not None and state.input_id not in (None, input_id):
                raise JournalMismatchError(
                    f"{self.path} was written for a different input "
                    f"({state.input_id}, this input is {input_id}); use another journal"
                )

    def append(self, record: dict[str, Any]) -> asyncio.Future[None]:
        """Queue a record; the returned future is done when it is on disk."""
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        if self._closed:
            future.set_exception(RuntimeError("journal is closed"))
            return future
        self._buffer.append(json.dumps(record, separators=(",", ":")).encode() + b"\n")
        self._waiters.append(future)
        self._wakeup.set()
        return future

    def _write(self, lines: Iterable[bytes]) -> None:
        assert self._file is not None
        self._file.write(b"".join(lines))
        self._file.flush()
        if self._fsync:
            os.fsync(self._file.fileno())

    async def _flush_forever(self) -> None:
        while True:
            await self._wakeup.wait()
            self._wakeup.clear()
            if self._buffer:
                lines, waiters = self._buffer, self._waiters
                self._buffer, self._waiters = [], []
                try:
                    await asyncio.to_thread(self._write, lines)
                except Exception as exc:
                    for waiter in waiters:
                        if not waiter.done():
                            waiter.set_exception(exc)
                    raise
                for waiter in waiters:
                    if not waiter.done():
                        waiter.set_result(None)
            if self._closed and not self._buffer:
                return

    async def close(self) -> None:
        """Write what is queued, fsync, and close the file."""
        if self._closed:
            return
        self._closed = True
        self._wakeup.set()
        if self._flusher is not None:
            await self._flusher
        if self._file is not None:
            self._file.close()
            self._file = None
