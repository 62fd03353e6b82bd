"""The CSV report of a bulk run: one line per input row, written as rows finish.

Columns: ``index``, ``to``, ``status``, ``request_uuid``, ``error``, then what a calls
run learnt beyond the API's answer: ``disposition`` (how a tracked call ended),
``duration`` (seconds), ``hangup_cause``, ``dials`` (redials included), ``reconciled``
(what reconciliation made of an ambiguous create) and ``note`` (why, in words); then the
columns the run carried beside its rows (``extra_columns``: a CRM export's name, email,
...), so that its lines can be joined back to the input (one named like a column of the
report's own gets ``input_`` in front). Each line
is flushed when written, so a crash leaves a usable partial report; a resumed run writes
the rows done in earlier runs first (from the journal's outcome records and the
disposition record that follows each), so its report is complete. Error texts come from
the library's exceptions, which never hold the token.

No cell is a formula to a spreadsheet (OWASP, CSV injection): a cell that starts with
``=``, ``+``, ``-``, ``@``, a tab, CR, LF or NUL is written with a ``'`` in front, unless it
is a plain number (``-5``, ``+14155550100``), which calls nothing and so stays readable as
one; a cell that starts with ``'`` gets one more, so the original is always
:func:`recover_cell` of what ``csv`` reads back: the cell without its first ``'``.
"""

from __future__ import annotations

import csv
import os
import re
from collections.abc import Sequence
from typing import TextIO

from ..errors import PlivoError
from .outcome import ERROR_CHARS, Outcome, destination, error_text
from .records import DispositionRecord, OutcomeRecord

__all__ = ["COLUMNS", "Report", "ReportWriteError", "recover_cell"]


class ReportWriteError(PlivoError):
    """The report could not be written (disk full, I/O error): the run stopped.

    The journal holds every outcome: once the cause is fixed, a rerun with the same
    journal resumes and writes the whole report again. ``path`` is the report,
    ``__cause__`` the ``OSError``.
    """

    def __init__(self, message: str, path: str = "") -> None:
        super().__init__(message)
        self.path = path


COLUMNS = (
    "index",
    "to",
    "status",
    "request_uuid",
    "error",
    "disposition",
    "duration",
    "hangup_cause",
    "dials",
    "reconciled",
    "note",
)
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n", "\0", "'")
_NUMBER = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")


def _cell(value: object) -> object:
    return "" if value is None else value


def _inert(value: object) -> object:
    """The cell as written: text a spreadsheet would run as a formula gets a ``'``."""
    if isinstance(value, str) and value.startswith(_FORMULA_START) and not _NUMBER.fullmatch(value):
        return "'" + value
    return value


def recover_cell(cell: str) -> str:
    """The value a report cell was written from (``cell`` as ``csv`` reads it)."""
    return cell[1:] if cell.startswith("'") else cell


def _note(note: object) -> str:
    """A note on one line, capped like error texts."""
    return "" if not note else " ".join(str(note).split())[:ERROR_CHARS]


class Report:
    """Writes the report file; :meth:`add` one outcome, :meth:`add_record` an earlier one."""

    def __init__(self, path: str | os.PathLike[str], extra_columns: Sequence[str] = ()) -> None:
        self.path = path
        self._file: TextIO = open(path, "w", newline="", encoding="utf-8")  # noqa: SIM115
        self._csv = csv.writer(self._file)
        self._extra = len(extra_columns)
        self._line((*COLUMNS, *(f"input_{c}" if c in COLUMNS else c for c in extra_columns)))

    def _line(self, values: tuple[object, ...]) -> None:
        self._csv.writerow([_inert(value) for value in values])
        self._file.flush()

    def add(self, outcome: Outcome, extras: Sequence[str] = ()) -> None:
        """A row of this run; ``extras``: its values of the extra columns."""
        uuid = getattr(outcome.response, "request_uuid", None)
        call = outcome.call
        self._line(
            (
                outcome.index,
                destination(outcome.request),
                outcome.status,
                "" if uuid is None else uuid,
                error_text(outcome.error),
                _cell(outcome.disposition),
                _cell(getattr(call, "duration", None)),
                _cell(getattr(call, "hangup_cause", None)),
                outcome.dials,
                _cell(outcome.reconciled),
                _note(outcome.note),
                *self._extras(extras),
            )
        )

    def add_record(
        self,
        record: OutcomeRecord,
        ended: DispositionRecord | None = None,
        extras: Sequence[str] = (),
    ) -> None:
        """A row done in an earlier run, from its journal outcome record and the disposition
        record that followed it, if any (``extras`` come from the input: the journal never
        holds them)."""
        error = record.message or ""
        if record.error:
            error = f"{record.error}: {error}"
        call = None if ended is None else ended.call
        self._line(
            (
                record.index,
                record.to or "",
                record.status,
                record.request_uuid or "",
                error,
                _cell(None if ended is None else ended.disposition),
                _cell(None if call is None else call.duration),
                _cell(None if call is None else call.hangup_cause),
                ended.dial if ended is not None else record.dial,
                _cell(record.reconciled),
                _note((ended.note if ended is not None else None) or record.note),
                *self._extras(extras),
            )
        )

    def _extras(self, values: Sequence[str]) -> tuple[str, ...]:
        return (*values[: self._extra], *("",) * (self._extra - len(values)))

    def close(self) -> None:
        self._file.close()
