"""The CSV report of a bulk run: one line per input row, written as rows finish.

Columns: ``index``, ``to``, ``status``, ``request_uuid``, ``error``. Each line is flushed
when written, so a crash leaves a usable partial report; a resumed run writes the rows
done in earlier runs first (from the journal's outcome records), so its report is
complete. Error texts come from the library's exceptions, which never hold the token.
"""

from __future__ import annotations

import csv
import os
from collections.abc import Mapping
from typing import Any, TextIO

from .outcome import Outcome, request_model

__all__ = ["COLUMNS", "Report"]

COLUMNS = ("index", "to", "status", "request_uuid", "error")
_ERROR_CHARS = 300


def error_text(error: BaseException | None) -> str:
    """One line of error text: the exception's name and message, capped."""
    if error is None:
        return ""
    text = " ".join(f"{type(error).__name__}: {error}".split())
    return text[:_ERROR_CHARS]


def destination(row: Any) -> str:
    """The ``to`` of a row: a request model's, or a dict row's (as given)."""
    if isinstance(row, Mapping):
        return str(row.get("to", ""))
    return str(getattr(request_model(row), "to", "") or "")


class Report:
    """Writes the report file; :meth:`add` one outcome, :meth:`add_record` an earlier one."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = path
        self._file: TextIO = open(path, "w", newline="", encoding="utf-8")  # noqa: SIM115
        self._csv = csv.writer(self._file)
        self._line(COLUMNS)

    def _line(self, values: tuple[object, ...]) -> None:
        self._csv.writerow(values)
        self._file.flush()

    def add(self, outcome: Outcome) -> None:
        uuid = getattr(outcome.response, "request_uuid", None)
        self._line(
            (
                outcome.index,
                destination(outcome.request),
                outcome.status,
                "" if uuid is None else uuid,
                error_text(outcome.error),
            )
        )

    def add_record(self, record: Mapping[str, Any]) -> None:
        """A row done in an earlier run, from its journal outcome record."""
        error = record.get("message") or ""
        if record.get("error"):
            error = f"{record['error']}: {error}"
        self._line(
            (
                record["o"],
                record.get("to", ""),
                record["status"],
                record.get("request_uuid", ""),
                error,
            )
        )

    def close(self) -> None:
        self._file.close()
