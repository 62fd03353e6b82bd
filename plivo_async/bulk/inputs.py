"""Where rows come from and what identifies them: CSV files, iterables, digests, models."""

from __future__ import annotations

import codecs
import contextlib
import csv
import hashlib
import os
from array import array
from collections.abc import (
    AsyncIterable,
    AsyncIterator,
    Callable,
    Generator,
    Iterable,
    Iterator,
    Mapping,
    Sequence,
)
from typing import Any

import attrs

from .._convert import from_wire, wire_name
from ..errors import ValidationError

__all__ = [
    "MALFORMED",
    "CsvError",
    "CsvRows",
    "MalformedRow",
    "Rows",
    "build_request",
    "enumerate_rows",
    "file_digest",
    "read_csv",
    "split_row",
]

Rows = Iterable[Any] | AsyncIterable[Any]


class CsvError(ValueError):
    """A CSV file that cannot be read as rows at all: empty, not UTF-8, a broken header.

    Raised before any row is used (by :func:`read_csv`, ``len()`` or iteration), with one
    message that names the file and, where it helps, the line.
    """


#: The key under which a :class:`MalformedRow` carries ``(field, rule)``; it survives any
#: copy or merge of the row, and :func:`build_request` refuses a row that holds it.
MALFORMED = "__malformed__"


class MalformedRow(dict[str, Any]):
    """A CSV record that is not a row of the table: more or fewer fields than the header,
    or a quote left open that swallowed the lines after it.

    It is a dict of the fields that could be read (a report can still show its ``to``,
    a journal can digest it) plus the reason under :data:`MALFORMED`, so building a
    request from it (``{**defaults, **row}`` then :func:`build_request`) raises that
    :class:`ValidationError`: the bulk engine reports it ``invalid``, like any row that
    fails validation, and sends nothing.
    """

    def __init__(self, fields: dict[str, str], *, field: str, rule: str) -> None:
        super().__init__(fields)
        self[MALFORMED] = (field, rule)

    @property
    def error(self) -> ValidationError:
        field, rule = self[MALFORMED]
        return ValidationError.invalid(field, rule)


class CsvRows:
    """The rows of a CSV file with a header line, read from disk as they are consumed.

    The header is read at construction (BOM accepted, names stripped; an empty file or a
    repeated column is a :class:`CsvError`). Each row is a dict of its non-empty cells,
    stripped; a record that does not fit the header is a :class:`MalformedRow`. ``len()``
    counts the rows with one parsing pass (and so also finds any byte that is not UTF-8);
    :meth:`line` says on which line of the file a row started.
    """

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = os.fspath(path)
        with contextlib.closing(self._records()) as records:
            header = next(records, None)
        if header is None:
            raise CsvError(f"{self.path} is empty: it needs a header line (e.g. 'to')")
        self.columns: tuple[str, ...] = tuple(name.strip() for name in header[2])
        repeated = sorted({c for c in self.columns if c and self.columns.count(c) > 1})
        if repeated:
            raise CsvError(f"{self.path}: column {repeated[0]!r} appears twice in the header")
        self._count: int | None = None
        self._lines = array("L")

    def __iter__(self) -> Iterator[dict[str, str] | MalformedRow]:
        self._lines = array("L")
        with contextlib.closing(self._records()) as records:
            next(records, None)  # the header
            for first, last, record in records:
                self._lines.append(first)
                yield self._row(first, last, record)

    def __len__(self) -> int:
        if self._count is None:
            self._count = sum(1 for _ in self._records()) - 1
        return self._count

    def line(self, index: int) -> int | None:
        """The line of the file on which row ``index`` starts (once it has been read)."""
        return self._lines[index] if 0 <= index < len(self._lines) else None

    def _records(self) -> Generator[tuple[int, int, list[str]], None, None]:
        """``(first line, last line, fields)`` of each record that is not blank."""
        with open(self.path, newline="", encoding="utf-8-sig") as handle:
            reader = csv.reader(handle)
            last = 0
            try:
                for record in reader:
                    first, last = last + 1, reader.line_num
                    if any(value.strip() for value in record):
                        yield first, last, record
            except UnicodeDecodeError:
                raise _not_utf8(self.path) from None
            except csv.Error as exc:
                hint = " (a quote left open?)" if "field limit" in str(exc) else ""
                raise CsvError(f"{self.path}, line {reader.line_num}: {exc}{hint}") from None

    def _row(self, first: int, last: int, record: list[str]) -> dict[str, str] | MalformedRow:
        columns = self.columns
        fields = {k: v.strip() for k, v in zip(columns, record, strict=False) if k and v.strip()}
        for name, value in fields.items():
            if "\n" in value or "\r" in value:
                rule = (
                    f"holds a line break: a quote opened on line {first} runs on to "
                    f"line {last}, so lines {first}-{last} were read as one row (check the quotes)"
                )
                return MalformedRow(fields, field=name, rule=rule)
        extra = record[len(columns) :]
        if len(record) < len(columns) or any(value.strip() for value in extra):
            count = f"{len(record)} field{'' if len(record) == 1 else 's'}"
            rule = f"line {first} has {count}, the header has {len(columns)}"
            return MalformedRow(fields, field="row", rule=rule)
        if any(v.strip() for k, v in zip(columns, record, strict=False) if not k):
            rule = f"line {first} has a value in a column with no name in the header"
            return MalformedRow(fields, field="row", rule=rule)
        return fields


def _not_utf8(path: str) -> CsvError:
    """Where the first byte that is not UTF-8 is: its offset and its line."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    offset, line = 0, 1
    with open(path, "rb") as handle:
        for chunk in [*iter(lambda: handle.read(1 << 16), b""), b""]:
            try:
                decoder.decode(chunk, final=not chunk)
            except UnicodeDecodeError as exc:
                data: bytes = exc.object
                start = offset - (len(data) - len(chunk)) + exc.start  # data = held + chunk
                line += data[: exc.start].count(b"\n")
                return CsvError(
                    f"{path}, line {line}: byte 0x{data[exc.start]:02x} at offset {start} is "
                    "not UTF-8; save the file as UTF-8 (in Excel: CSV UTF-8)"
                )
            offset += len(chunk)
            line += chunk.count(b"\n")
    return CsvError(f"{path} is not UTF-8")  # pragma: no cover - the text decoder said so


def read_csv(path: str | os.PathLike[str]) -> CsvRows:
    """The rows of a CSV file with a header line (see :class:`CsvRows`); empty cells are
    dropped, so ``defaults`` apply to them."""
    return CsvRows(path)


def file_digest(path: str | os.PathLike[str]) -> str:
    """A content hash of an input file: the journal's check that a resume uses the same input."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return "sha256:" + digest.hexdigest()


async def enumerate_rows(
    rows: Rows, skip: Callable[[int, Any], bool] | None = None
) -> AsyncIterator[tuple[int, Any]]:
    """``(index, row)`` for every row that ``skip(index, row)`` (called in order) does not
    take: a resume skips a million done rows in a plain loop, not one ``await`` each."""
    index = 0
    if isinstance(rows, AsyncIterable):
        async for row in rows:
            if skip is None or not skip(index, row):
                yield index, row
            index += 1
    elif skip is None:
        for row in rows:
            yield index, row
            index += 1
    else:
        for row in rows:
            if not skip(index, row):
                yield index, row
            index += 1


def split_row(row: Any, columns: Sequence[str]) -> tuple[Any, tuple[str, ...]]:
    """``row`` without ``columns``, and their values (``""`` where absent), in order.

    The columns a run carries beside its rows (a CRM export's name, email, notes) are
    never part of a request nor of the row's identity in the journal: only the report
    shows them, so that its lines can be joined back to the input.
    """
    if not columns or not isinstance(row, Mapping):
        return row, ("",) * len(columns)
    values = tuple(str(row.get(name, "")) for name in columns)
    if not any(name in row for name in columns):
        return row, values
    return {key: value for key, value in row.items() if key not in columns}, values


def build_request(cls: Any, data: dict[str, Any]) -> Any:
    """Build a request model from a row; a missing required field is a ValidationError too."""
    malformed = data.get(MALFORMED)
    if malformed is not None:
        field, rule = malformed
        raise ValidationError.invalid(field, rule)
    try:
        return from_wire(cls, data)
    except TypeError as exc:  # the model's __init__ lacks a required argument
        given = {wire_name(key) for key in data} | set(data)
        missing = [
            f.name
            for f in attrs.fields(cls)
            if f.default is attrs.NOTHING and f.name not in given and wire_name(f.name) not in given
        ]
        raise ValidationError.invalid(missing[0] if missing else "row", "is required") from exc
