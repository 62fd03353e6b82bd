"""The bulk engine's crash-safe journal: append-only JSONL, fsynced in batches.

Its one job is to make "never dial twice, never lose a row" survive a crash, a full disk
and a rerun. Before a row's request is sent, a start record for it is on disk (group
commit: the starts of many rows share one fsync). After the request, an outcome record
follows. On restart, a row with a start but no outcome was in flight at the crash: its
call may have been placed, so it is reported as unknown, not sent again.

Its records (one JSON line each: a header, then start, outcome and disposition records)
are written and read by :mod:`plivo_async.bulk.records`; this module stores them. The
engine sees a :class:`JournalStore`; :class:`Journal` is the file store: lock, repair of
a torn tail, group fsync, bounded header recognition and the loader.

A row is identified by the digest of the row as given (before defaults are merged), so
a rerun with changed options still recognises the rows already sent, and the input may
grow between runs (a journal's rows are a prefix of the new input).

A file is taken for a journal only if its first line (read with a bounded read) is such
a header, or, with no newline at all, is the start of one as this library writes it
(``{"journal":"plivo-async",...``, every version did: a crash while writing it); an empty
file is a new journal. Anything else, and anything that is not a regular file (a FIFO, a
device, a directory), is refused with :class:`NotAJournalError` and left untouched. A
symbolic link is followed: the journal is the regular file it names.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import re
import stat
from array import array
from binascii import unhexlify
from collections.abc import Awaitable, Callable, Iterable, Iterator
from pathlib import Path
from typing import BinaryIO, Protocol

import attrs

from ..errors import PlivoError
from . import records
from .records import (
    MAGIC,
    PENDING,
    VERSION,
    Code,
    DispositionRecord,
    Header,
    OutcomeRecord,
    Record,
    RecordError,
    RowKey,
    StartRecord,
    encode,
    row_key,
)

__all__ = [
    "Code",
    "Journal",
    "JournalCorruptError",
    "JournalInUseError",
    "JournalMismatchError",
    "JournalState",
    "JournalStore",
    "JournalWriteError",
    "NotAJournalError",
    "Pending",
    "RowKey",
    "row_key",
]

log = logging.getLogger("plivo_async")

#: How far beyond the rows seen so far a row number may jump (rows are recorded in input
#: order, give or take the rows in flight); a larger jump is a corrupt line, and refusing
#: it keeps a bad line from making the loader allocate gigabytes.
MAX_ROW_GAP = 1 << 20
#: The longest header line: a longer first line is not a journal (and no more is read).
MAX_HEADER = 1 << 16
#: The longest ``input_id`` label: its header, every character escaped, fits ``MAX_HEADER``.
MAX_INPUT_ID = 4096


class JournalMismatchError(PlivoError, ValueError):
    """The journal belongs to a different input (or kind of run) than the one given."""


class JournalCorruptError(JournalMismatchError):
    """A line of the journal is not a record this library writes (the message names it)."""


class NotAJournalError(JournalMismatchError):
    """The file is not a journal this library wrote, or not a regular file: it is left as
    it is (never truncated or written)."""


class JournalInUseError(PlivoError, RuntimeError):
    """Another run (in this process or another) has the journal open: two runs on one
    journal could both send the same row."""


class JournalWriteError(PlivoError):
    """The journal could not be written (disk full, I/O error): the run stopped.

    Rows whose start record did not reach the disk were not sent; rows in flight are
    unknown. Once the cause is fixed, a rerun with the same journal resumes cleanly.
    ``path`` is the journal, ``__cause__`` the ``OSError``.
    """

    def __init__(self, message: str, path: str = "") -> None:
        super().__init__(message)
        self.path = path


def _not_a_journal(path: Path, why: str = "") -> NotAJournalError:
    return NotAJournalError(f"{path} is not a plivo-async journal{why}: give a new journal path")


def _check_regular(path: Path, mode: int) -> None:
    if not stat.S_ISREG(mode):
        raise _not_a_journal(path, " (not a regular file)")


def _open_regular(path: Path, flags: int) -> int:
    """A descriptor of ``path`` if it is a regular file (followed through links). It is
    checked before opening, and the open does not block (a FIFO without a reader would
    block ``open`` for ever), then checked again on the descriptor."""
    with contextlib.suppress(FileNotFoundError):
        _check_regular(path, os.stat(path).st_mode)
    fd = os.open(path, flags | os.O_NONBLOCK | os.O_CLOEXEC, 0o666)
    try:
        _check_regular(path, os.fstat(fd).st_mode)
        os.set_blocking(fd, True)
    except BaseException:
        os.close(fd)
        raise
    return fd


def _open_append(path: Path) -> BinaryIO:
    fd = _open_regular(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT)
    return open(fd, "ab", buffering=0)


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


class JournalState:
    """What an existing journal says, in a few bytes per row.

    ``code(i)`` is the row's last known :class:`Code`, ``digest(i)`` the digest it was
    recorded with (empty if none). ``last_outcome`` (if asked for) holds, per row, the
    line number of its last outcome record, for the report of a resumed run.
    """

    def __init__(self, *, kind: str, input_id: str | None) -> None:
        self.kind = kind
        self.input_id = input_id
        self.codes = bytearray()
        self.digests = bytearray()
        self.last_outcome: array[int] | None = None
        self.size = 0  # bytes of whole lines

    def __len__(self) -> int:
        """Rows up to the last one with a record."""
        return len(self.codes.rstrip(b"\x00"))

    def code(self, index: int) -> Code:
        return Code(self.codes[index]) if index < len(self.codes) else Code.NONE

    def digest(self, index: int) -> str:
        if index >= len(self.codes):
            return ""
        raw = self.digests[index * 8 : index * 8 + 8]
        return raw.hex() if any(raw) else ""

    def _grow(self, index: int) -> None:
        missing = index + 1 - len(self.codes)
        if missing > 0:
            self.codes.extend(bytes(missing))
            self.digests.extend(bytes(8 * missing))
            if self.last_outcome is not None:
                self.last_outcome.extend([0] * missing)

    def _set(self, index: int, code: int, digest: bytes | None) -> None:
        self._grow(index)
        self.codes[index] = code
        if digest is not None:
            self.digests[index * 8 : index * 8 + 8] = digest


#: Bytes read per block: large enough that the per-block work is negligible, small
#: enough not to count in the peak memory.
_BLOCK = 1 << 20


def _whole_lines(path: Path) -> Iterator[tuple[int, bytes]]:
    """Numbered whole lines of a file; a last line without its newline (torn) is left out."""
    with path.open("rb") as handle:
        for number, line in enumerate(handle, 1):
            if not line.endswith(b"\n"):
                return
            yield number, line


def _corrupt(path: Path, number: int, reason: str) -> JournalCorruptError:
    return JournalCorruptError(f"{path}: line {number} {reason}; this journal cannot be trusted")


def _row_number(path: Path, number: int, index: int, seen: int) -> int:
    if index > seen + MAX_ROW_GAP:
        raise _corrupt(path, number, f"has an out-of-range row number {index}")
    return index


def _first_line(path: Path, handle: BinaryIO) -> bytes | None:
    """The first line (for :func:`_header` to check), read with a bounded read; None if
    the file is empty or holds only the start of a header this library writes."""
    first = handle.readline(MAX_HEADER + 1)
    if first.endswith(b"\n"):
        return first
    if len(first) <= MAX_HEADER and (first.startswith(MAGIC) or MAGIC.startswith(first)):
        return None  # no newline within the bound: this is the whole file
    raise _not_a_journal(path)


def _header(path: Path, line: bytes) -> JournalState:
    try:
        record = json.loads(line)
    except (ValueError, RecursionError):
        record = None
    try:
        header = Header.from_json(record)
    except RecordError as exc:
        raise _corrupt(path, 1, str(exc)) from None
    if header is None:
        raise _not_a_journal(path)
    if header.version != VERSION:
        raise JournalMismatchError(
            f"{path} is a version {header.version!r} journal; this plivo-async reads version "
            f"{VERSION}: finish that run with the version that wrote it, or use a new journal"
        )
    return JournalState(kind=header.kind, input_id=header.input_id)


def load(path: Path, *, track_outcomes: bool = False) -> JournalState | None:
    """Read a journal in one streaming pass; None if it is empty or holds a torn header.

    Raises :class:`NotAJournalError` if it is not a journal (see the module). A torn last
    line (the process died mid-write) is left out (``state.size`` says where the whole
    lines end); any other line that is not a record this library writes raises
    :class:`JournalCorruptError` naming the line. The file is read in blocks of whole
    lines: a resume of a million finished rows is mostly one regex search per block.
    """
    with open(_open_regular(path, os.O_RDONLY), "rb") as handle:
        first = _first_line(path, handle)
        if first is None:
            return None
        state = _header(path, first)
        if track_outcomes:
            state.last_outcome = array("I")
        size, number = len(first), 1  # bytes and lines read so far
        carry = b"\n"  # the newline before the next line, then what came of that line
        while block := handle.read(_BLOCK):
            data = carry + block
            end = data.rfind(b"\n")
            number = _read_block(path, state, data, end, number)
            size += end  # the bytes of whole lines, after the newline before them
            carry = data[end:]
        state.size = size
    del state.codes[len(state) :]  # drop the chunk's unused tail
    del state.digests[8 * len(state.codes) :]
    if state.last_outcome is not None:
        del state.last_outcome[len(state.codes) :]
    return state


def _read_block(path: Path, state: JournalState, data: bytes, end: int, number: int) -> int:
    """Apply the whole lines in ``data[:end + 1]`` (a newline, then lines; the first is
    line ``number + 1``); return the number of the last line read."""
    fast = records.FAST
    found = fast.findall(data, 0, end + 1)
    lines = data.count(b"\n", 0, end + 1) - 1
    if len(found) == lines:  # every line is one of the common two (one match per line)
        _apply_fast(path, state, found, number)
        return number + lines
    pos = 0  # the newline before the next line to read
    for match in fast.finditer(data, 0, end + 1):
        for line in data[pos + 1 : match.start() + 1].split(b"\n")[:-1]:
            number += 1
            _apply_line(path, state, number, line)
        _apply_fast(path, state, [match.groups()], number)  # type: ignore[list-item]
        number += 1
        pos = match.end()
    for line in data[pos + 1 : end + 1].split(b"\n")[:-1]:
        number += 1
        _apply_line(path, state, number, line)
    return number


def _apply_fast(
    path: Path, state: JournalState, found: list[tuple[bytes, bytes, bytes]], number: int
) -> None:
    """Apply lines matched by ``records.FAST`` (so known valid), the first being line
    ``number + 1``."""
    codes, digests, last = state.codes, state.digests, state.last_outcome
    size = len(codes)
    started, ok = Code.STARTED, Code.OK
    for done, row, digest in found:
        number += 1
        index = int(row)
        if index >= size:
            if index > size + MAX_ROW_GAP:
                raise _corrupt(path, number, f"has an out-of-range row number {index}")
            state._grow(index + 1023)  # in chunks: one row at a time is slow
            size = len(codes)
        codes[index] = ok if done else started
        at = index * 8
        digests[at : at + 8] = unhexlify(digest)
        if done and last is not None:
            last[index] = number


def _apply_line(path: Path, state: JournalState, number: int, line: bytes) -> None:
    """Apply one line of any shape, checked (:func:`records.decode`)."""
    try:
        record = records.decode(line)
    except RecordError as exc:
        raise _corrupt(path, number, str(exc)) from None
    index = _row_number(path, number, record.index, len(state.codes))
    if isinstance(record, StartRecord):
        state._set(index, Code.STARTED, bytes.fromhex(record.digest))
    elif isinstance(record, OutcomeRecord):
        digest = None if record.digest is None else bytes.fromhex(record.digest)
        state._set(index, record.code, digest)
        if state.last_outcome is not None:
            state.last_outcome[index] = number
    else:
        if state.code(index) not in (Code.OK, Code.REDIAL, Code.ENDED):
            raise _corrupt(path, number, "is a disposition record of a row not placed")
        code = record.code
        if code is not None:  # else how the call ended is not known yet: still OK
            state._set(index, code, None)


@attrs.frozen
class Pending:
    """A row's last start, outcome and disposition records, for a resume to decide on,
    and the uuids of every call its records name (its earlier dials: a lookup that shows
    one of them has not found the dial in flight)."""

    start: StartRecord | None = None
    outcome: OutcomeRecord | None = None
    disposition: DispositionRecord | None = None
    calls: frozenset[str] = frozenset()


def pending_records(
    path: Path, state: JournalState, codes: frozenset[int] = PENDING
) -> dict[int, Pending]:
    """For each row whose code is in ``codes`` (:data:`records.PENDING` by default), its
    last start, outcome and disposition records: one more pass over the file, made only
    when such rows exist (a resume reconciles, redials or follows them)."""
    pattern = re.compile(b"[" + re.escape(bytes(sorted(codes))) + b"]")
    wanted = {m.start() for m in pattern.finditer(state.codes)}
    found: dict[int, Pending] = {}
    if not wanted:
        return found
    for number, line in _whole_lines(path):
        if number == 1 or not line.startswith((b'{"s":', b'{"d":', b'{"o":')):
            continue
        index = _record_index(line)
        if index in wanted:
            record = records.decode(line)
            was = found.get(index, Pending())
            if isinstance(record, StartRecord):
                found[index] = attrs.evolve(was, start=record)
            elif isinstance(record, OutcomeRecord):
                calls = was.calls.union(record.request_uuids)
                found[index] = attrs.evolve(was, outcome=record, calls=calls)
            else:
                call = record.call
                calls = (
                    was.calls
                    if call is None or not call.call_uuid
                    else was.calls | {call.call_uuid}
                )
                found[index] = attrs.evolve(was, disposition=record, calls=calls)
    return found


def outcome_records(
    path: Path, state: JournalState
) -> Iterator[tuple[OutcomeRecord, DispositionRecord | None]]:
    """The last outcome record of every row, in journal order (needs ``track_outcomes``),
    each with the disposition record that followed it, if any.

    A tracked call's disposition record (``"d"``) follows its outcome once the call ended:
    when the last one of a row comes after the row's last outcome, it goes with the
    outcome record (yielded at that line), so the report of a resumed run says how each
    call ended. An outcome whose disposition record comes later is held until then: at
    most the rows whose calls were live together.
    """
    last = state.last_outcome
    assert last is not None
    ended = _last_dispositions(path, len(last))
    held: dict[int, OutcomeRecord] = {}
    for number, line in _whole_lines(path):
        if number == 1:
            continue
        if line.startswith(b'{"o":'):
            record = OutcomeRecord.from_json(json.loads(line))
            index = record.index
            if last[index] != number:
                continue
            if ended is not None and ended[index] > number:
                held[index] = record
            else:
                yield record, None
        elif held and line.startswith(b'{"d":'):
            index = _record_index(line)
            if index in held and ended is not None and ended[index] == number:
                yield held.pop(index), DispositionRecord.from_json(json.loads(line))
    for record in held.values():  # pragma: no cover - each held row's "d" line comes later
        yield record, None


def _record_index(line: bytes) -> int:
    """The row number of a start or disposition line (``{"s":17,...`` / ``{"d":17,...``)."""
    return int(line[5 : line.index(b",", 5)])


def _last_dispositions(path: Path, rows: int) -> array[int] | None:
    """Per row, the line number of its last disposition record; None if there is none
    (a run without tracking): one streaming pass that parses only those lines."""
    found: array[int] | None = None
    for number, line in _whole_lines(path):
        if number > 1 and line.startswith(b'{"d":'):
            index = _record_index(line)
            if found is None:
                found = array("I", [0]) * rows
            if index < rows:
                found[index] = number
    return found


def recorded_fields(path: Path, index: int) -> dict[str, str] | None:
    """The field digests of row ``index``'s last start record (for a mismatch message)."""
    fields = None
    prefix = b'{"s":%d,' % index
    for _, line in _whole_lines(path):
        if line.startswith(prefix):
            value = json.loads(line).get("f")
            fields = value if isinstance(value, dict) else None
    return fields


class JournalStore(Protocol):
    """Where a run's records go, and what it reads back on a resume: what the engine
    needs of a journal. :class:`Journal` keeps them in a file."""

    #: Set once a write failed: the run stops, and this is raised out of it.
    error: JournalWriteError | None

    def open(
        self,
        *,
        kind: str,
        input_id: str | None,
        on_error: Callable[[JournalWriteError], object] | None = None,
        track_outcomes: bool = False,
    ) -> JournalState | None:
        """Take the journal for this run; what it holds (None: a new journal)."""

    def write(self, record: Record) -> None:
        """Queue a record nobody waits for."""

    def write_durable(self, record: Record) -> Awaitable[None]:
        """Queue a record; done once it is durable."""

    async def close(self) -> None:
        """Write what is queued, release the journal, then raise a write error."""

    def pending(self, state: JournalState, codes: frozenset[int]) -> dict[int, Pending]:
        """The records a resume needs of the rows whose code is in ``codes``."""

    def outcomes(
        self, state: JournalState
    ) -> Iterator[tuple[OutcomeRecord, DispositionRecord | None]]:
        """Every row's last outcome record, as :func:`outcome_records` gives them."""

    def recorded_fields(self, index: int) -> dict[str, str] | None:
        """The field digests a row was sent with (for a mismatch message)."""

    def describe(self) -> str:
        """How messages name the journal (a path)."""


class Journal:
    """Appends records and fsyncs them in batches from a worker thread.

    :meth:`write_durable` returns a future that is done once the record is on disk (the
    start records wait for it); :meth:`write` queues a record nobody waits for. When a
    write fails, :attr:`error` holds a :class:`JournalWriteError`, every waiting future
    fails with it, later writes are dropped, and ``on_error`` (given to :meth:`open`) is
    called once. ``opener`` (tests) opens the file for appending, unbuffered.
    """

    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        fsync: bool = True,
        opener: Callable[[Path], BinaryIO] | None = None,
    ) -> None:
        self.path = Path(path)
        self.error: JournalWriteError | None = None
        self._fsync = fsync
        self._opener = opener or _open_append
        self._file: BinaryIO | None = None
        self._size = 0
        self._buffer: list[bytes] = []
        self._waiters: list[asyncio.Future[None]] = []
        self._wakeup = asyncio.Event()
        self._flusher: asyncio.Task[None] | None = None
        self._closed = False
        self._on_error: Callable[[JournalWriteError], object] | None = None

    def __repr__(self) -> str:
        return f"<Journal {str(self.path)!r}>"

    def open(
        self,
        *,
        kind: str,
        input_id: str | None,
        on_error: Callable[[JournalWriteError], object] | None = None,
        track_outcomes: bool = False,
    ) -> JournalState | None:
        """Lock the journal, repair a torn tail, check it is for this kind of run.

        A journal that is empty or holds a torn header is started afresh.
        Raises :class:`JournalInUseError` if another run holds it,
        :class:`NotAJournalError` (leaving the file untouched) if it is not a journal, and
        :class:`JournalMismatchError` if it is not a journal of this kind of run.
        """
        if input_id is not None and len(input_id) > MAX_INPUT_ID:
            raise ValueError(
                f"input_id must be at most {MAX_INPUT_ID} characters (got {len(input_id)})"
            )
        self._closed = False
        self.error = None
        handle = self._opener(self.path)
        _lock(handle, self.path)
        try:
            state = load(self.path, track_outcomes=track_outcomes)
            self._check(state, kind=kind, input_id=input_id)
            self._size = 0 if state is None else state.size
            if os.fstat(handle.fileno()).st_size > self._size:
                self._repair(handle)
        except BaseException:
            handle.close()
            raise
        self._file = handle
        self._on_error = on_error
        if state is None:
            self.write(Header(kind, input_id))
        self._flusher = asyncio.create_task(self._flush_forever())
        return state

    def pending(self, state: JournalState, codes: frozenset[int]) -> dict[int, Pending]:
        return pending_records(self.path, state, codes)

    def outcomes(
        self, state: JournalState
    ) -> Iterator[tuple[OutcomeRecord, DispositionRecord | None]]:
        return outcome_records(self.path, state)

    def recorded_fields(self, index: int) -> dict[str, str] | None:
        return recorded_fields(self.path, index)

    def describe(self) -> str:
        return str(self.path)

    def _repair(self, handle: BinaryIO) -> None:
        """Cut a torn last line off, durably, so the next record starts on a line of its own."""
        torn = os.fstat(handle.fileno()).st_size - self._size
        os.ftruncate(handle.fileno(), self._size)
        os.fsync(handle.fileno())
        log.warning("%s: removed a torn last line (%d bytes) left by a crash", self.path, torn)

    def _check(self, state: JournalState | None, *, kind: str, input_id: str | None) -> None:
        if state is None:
            return
        if state.kind != kind:
            raise JournalMismatchError(
                f"{self.path} is a journal of {state.kind!r} rows, not {kind!r}"
            )
        if input_id is not None and state.input_id not in (None, input_id):
            # Not refused: rows are checked one by one, so a grown or re-read input works.
            log.info(
                "%s was written for input %s, this is %s: checking the rows one by one",
                self.path,
                state.input_id,
                input_id,
            )

    def write(self, record: Record) -> None:
        """Queue a record (dropped once the journal has failed or closed)."""
        if self.error is None and not self._closed:
            self._buffer.append(encode(record))
            self._wakeup.set()

    def write_durable(self, record: Record) -> asyncio.Future[None]:
        """Queue a record; the returned future is done when it is on disk."""
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        if self.error is not None:
            future.set_exception(self.error)
        elif self._closed:
            future.set_exception(RuntimeError("journal is closed"))
        else:
            self.write(record)
            self._waiters.append(future)
        return future

    def _write(self, lines: Iterable[bytes]) -> None:
        assert self._file is not None
        data = memoryview(b"".join(lines))
        fd = self._file.fileno()
        try:
            while data:
                written = self._file.write(data)
                data = data[len(data) if written is None else written :]
            if self._fsync:
                os.fsync(fd)
        except BaseException:
            # Undo a partial write: records that did not all reach the disk did not happen.
            # (if that fails too, a resume sees the partial records as in flight: the safe side)
            with contextlib.suppress(OSError):
                os.ftruncate(fd, self._size)
            raise
        self._size = os.fstat(fd).st_size

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
                    self._fail(exc, waiters)
                    return
                for waiter in waiters:
                    if not waiter.done():
                        waiter.set_result(None)
            if self._closed and not self._buffer:
                return

    def _fail(self, exc: Exception, waiters: list[asyncio.Future[None]]) -> None:
        error = JournalWriteError(
            f"cannot write the journal {self.path} ({exc}): the run stopped; rows not yet "
            "sent were not sent; fix the cause and rerun with this journal to resume",
            str(self.path),
        )
        error.__cause__ = exc
        self.error = error
        log.error("%s", error)
        for waiter in [*waiters, *self._waiters]:
            if not waiter.done():
                waiter.set_exception(error)
        self._buffer, self._waiters = [], []
        if self._on_error is not None:
            self._on_error(error)

    async def close(self) -> None:
        """Write what is queued, fsync, close the file (always), then raise a write error."""
        if self._closed and self._file is None:
            return
        self._closed = True
        self._wakeup.set()
        try:
            if self._flusher is not None:
                await self._flusher
        finally:
            if self._file is not None:
                self._file.close()
                self._file = None
        if self.error is not None:
            raise self.error
