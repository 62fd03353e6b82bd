"""The journal's records, written and read here: one typed value per kind of line.

A journal (see :mod:`plivo_async.bulk.journal`, which stores them) is one JSON object per
line; no secrets: rows hold numbers and URLs, never the token::

    {"journal": "plivo-async", "version": 2, "kind": "calls", "input": "<label or null>"}
    {"s": 17, "h": "<row digest>", "f": {"to": "<field digest>", ...}}   # about to be sent
    {"o": 17, "status": "ok", "h": "...", "attempts": 1, "to": "+1...", ...}  # its outcome
    {"d": 17, "dial": 1, "disposition": "busy", "redial": 1764640000.0, ...}  # how it ended

:class:`Header`, :class:`StartRecord`, :class:`OutcomeRecord` and
:class:`DispositionRecord` each say what goes in their line (``to_json``, key order
included: old journals and the fast pattern depend on it) and what a line means
(``from_json``, lenient about key order and absent keys, strict about the row number,
digest and status a resume decides on). :data:`FAST` matches the two commonest lines as
:func:`encode` writes them, so a resume of a million rows needs no ``json.loads``.
:class:`Code` is what the journal knows about a row.
"""

from __future__ import annotations

import enum
import hashlib
import json
import re
from collections.abc import Mapping
from typing import Any, TypeAlias

import attrs

from .._convert import to_wire
from ..errors import PlivoRestError, PlivoTransportError
from ..tracking import CallResult
from .outcome import MpcActionRow, Outcome, destination, error_text

__all__ = [
    "FAST",
    "MAGIC",
    "PENDING",
    "SENT",
    "VERSION",
    "Code",
    "DispositionRecord",
    "Header",
    "OutcomeRecord",
    "Record",
    "RecordError",
    "RowKey",
    "StartRecord",
    "encode",
    "nothing_placed",
    "row_key",
]

VERSION = 2


class Code(enum.IntEnum):
    """What the journal knows about a row, one byte per row in the loaded state."""

    NONE = 0  # no record
    STARTED = 1  # a start record, no outcome: in flight when a run died
    OK = 2
    FAILED = 3  # the API said no; the call may exist (or the failure does not say)
    FAILED_NOT_PLACED = 4  # the failure proves nothing was placed (a 4xx): retry_failed
    INVALID = 5
    UNKNOWN = 6
    CANCELLED = 7
    NOT_SENT = 8  # stopped by a run-level failure (auth, the journal itself)
    REDIAL = 9  # its call ended as the redial policy says to dial again (a "d" record)
    ENDED = 10  # placed, and its call ended (a "d" record with a disposition, no redial due)


#: The code of each outcome status (before ``nothing_placed`` and redials refine it).
BY_STATUS = {
    "ok": Code.OK,
    "failed": Code.FAILED,
    "invalid": Code.INVALID,
    "unknown": Code.UNKNOWN,
    "cancelled": Code.CANCELLED,
    "not_sent": Code.NOT_SENT,
}
#: Rows whose request went out: their input row may not change between runs.
SENT = frozenset(
    {Code.STARTED, Code.OK, Code.FAILED, Code.FAILED_NOT_PLACED, Code.UNKNOWN, Code.REDIAL}
    | {Code.ENDED}
)
#: Rows whose journal records a resume needs again (in flight, unknown, due to redial).
PENDING = frozenset({Code.STARTED, Code.UNKNOWN, Code.REDIAL})


class RecordError(ValueError):
    """A line that is not a record this library writes; the message says why."""


_canonical = json.JSONEncoder(sort_keys=True, default=repr, separators=(",", ":")).encode


def _hash(data: Any) -> str:
    return hashlib.blake2b(_canonical(data).encode(), digest_size=8).hexdigest()


@attrs.frozen
class RowKey:
    """A row's identity: its digest, and (computed when asked, for the rows that are sent
    or differ) one digest per field, to say what changed."""

    digest: str
    data: Any = attrs.field(repr=False)

    @property
    def fields(self) -> dict[str, str] | None:
        if not isinstance(self.data, Mapping):
            return None
        return {str(key): _hash(value)[:8] for key, value in self.data.items()}


def row_key(row: Any) -> RowKey:
    """The identity of a row *as given* (a dict, a request model, any JSON value)."""
    if type(row) is dict:  # the common case (CSV rows), first
        return RowKey(_hash(row), row)
    data: Any = row
    try:
        if isinstance(row, MpcActionRow):
            data = {"phlo_id": row.phlo_id, "node_id": row.node_id, **to_wire(row.request)}
        elif attrs.has(type(row)):
            data = to_wire(row)
    except Exception:  # an unconvertible model is identified by its repr
        data = row
    return RowKey(_hash(data), data)


def _row(record: Mapping[str, Any], key: str) -> int:
    value = record[key]
    if type(value) is not int or value < 0:
        raise RecordError(f"has a bad row number {key!r}: {value!r}")
    return value


def _digest(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, str) and len(value) == 16:
        try:
            digest = bytes.fromhex(value)
        except ValueError:
            pass
        else:  # fromhex skips spaces: "01 23 45 67 89ab" is 16 characters but 6 bytes
            if len(digest) == 8:
                return value
    raise RecordError(f"has a bad row digest {value!r}")


def _dial(value: Any) -> int:
    """A dial number as recorded (absent: the first); only a whole number > 1 is a redial."""
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 1 else 1


def _time(value: object) -> float | None:
    if isinstance(value, (int, float)) and not isinstance(value, bool) and value >= 0:
        return float(value)
    return None


def _text(value: object) -> str | None:
    return value if isinstance(value, str) else None


@attrs.frozen
class Header:
    """The first line: which library, which version, which kind of run, which input."""

    kind: str
    input_id: str | None
    version: int = VERSION

    def to_json(self) -> dict[str, Any]:
        return {
            "journal": "plivo-async",
            "version": self.version,
            "kind": self.kind,
            "input": self.input_id,
        }

    @classmethod
    def from_json(cls, record: object) -> Header | None:
        """The header, or None if ``record`` is not one. A header of another version is
        returned as it is (its other keys unchecked), for the caller to refuse."""
        if not isinstance(record, dict) or record.get("journal") != "plivo-async":
            return None
        version = record.get("version")
        if version != VERSION:
            return cls("", None, version)  # type: ignore[arg-type]
        kind, input_id = record.get("kind"), record.get("input")
        if not isinstance(kind, str) or not (input_id is None or isinstance(input_id, str)):
            raise RecordError("is a header with a bad 'kind' or 'input'")
        return cls(kind, input_id)


#: What every journal this library wrote begins with (versions 1 and 2): the header's
#: first key, as :func:`encode` writes it. A file without a newline is a torn header only
#: if it is a prefix of this or starts with it.
MAGIC = json.dumps({"journal": "plivo-async"}, separators=(",", ":")).encode()[:-1] + b","


@attrs.frozen
class StartRecord:
    """A dial about to be sent: the row, its digest (and per-field digests), and in a
    calls run the create's correlation mark and the moment this attempt leaves."""

    index: int
    digest: str
    fields: dict[str, str] | None = None
    mark: str | None = None
    sent_at: float | None = None
    dial: int = 1

    def to_json(self) -> dict[str, Any]:
        record: dict[str, Any] = {"s": self.index, "h": self.digest}
        if self.fields is not None:
            record["f"] = self.fields
        if self.mark is not None:
            record.update(m=self.mark, t=self.sent_at)
        if self.dial > 1:
            record["dial"] = self.dial
        return record

    @classmethod
    def from_json(cls, record: Mapping[str, Any]) -> StartRecord:
        digest = _digest(record.get("h"))
        if digest is None:
            raise RecordError("is a start record without a digest")
        fields = record.get("f")
        return cls(
            _row(record, "s"),
            digest,
            fields if isinstance(fields, dict) else None,
            _text(record.get("m")),
            _time(record.get("t")),
            _dial(record.get("dial")),
        )


def nothing_placed(error: BaseException | None) -> bool:
    """Whether a failure proves the request did nothing: any 4xx answer, a 503, or a
    connection that failed before the request was sent. ``retry_failed`` resends those."""
    if isinstance(error, PlivoRestError) and error.status is not None:
        return 400 <= error.status < 500 or error.status == 503
    return isinstance(error, PlivoTransportError) and not error.sent


_UUID_TOKEN = re.compile(r"[^\s'\"\[\],]+")


@attrs.frozen
class OutcomeRecord:
    """One dial's outcome, with what a resume needs (whether a failure proves nothing was
    placed, which dial it was) and what the report of a later run shows."""

    index: int
    status: str
    digest: str | None = None
    attempts: int = 0
    ms: float = 0.0
    to: str | None = None
    request_uuid: str | None = None
    api_id: str | None = None
    dial: int = 1
    reconciled: str | None = None
    note: str | None = None
    error: str | None = None
    message: str | None = None
    http_status: int | None = None
    nothing_placed: bool = False

    @classmethod
    def of(cls, outcome: Outcome, key: RowKey | None) -> OutcomeRecord:
        """The record of ``outcome`` (``key``: the row's identity, if journaled)."""
        response, error = outcome.response, outcome.error
        uuid, api_id = (getattr(response, name, None) for name in ("request_uuid", "api_id"))
        status = getattr(error, "status", None)
        return cls(
            outcome.index,
            outcome.status,
            None if key is None else key.digest,
            outcome.attempts,
            round(outcome.elapsed * 1000, 1),
            destination(outcome.request) or None,
            None if uuid is None else str(uuid),
            None if api_id is None else str(api_id),
            outcome.dials,
            outcome.reconciled,
            outcome.note,
            None if error is None else type(error).__name__,
            None if error is None else error_text(error).partition(": ")[2],
            status if isinstance(status, int) else None,
            outcome.status == "failed" and nothing_placed(error),
        )

    @property
    def request_uuids(self) -> tuple[str, ...]:
        """The request uuid(s) of the dial's call(s): one, or a create's several (journaled
        as the text of their list)."""
        text = self.request_uuid
        if not text:
            return ()
        return tuple(_UUID_TOKEN.findall(text)) if text.startswith("[") else (text,)

    @property
    def code(self) -> Code:
        code = BY_STATUS[self.status]
        if code == Code.FAILED and self.nothing_placed:
            return Code.FAILED_NOT_PLACED
        if code == Code.NOT_SENT and self.dial > 1:
            return Code.REDIAL  # a redial the API never got: still due
        return code

    def to_json(self) -> dict[str, Any]:
        record: dict[str, Any] = {"o": self.index, "status": self.status}
        if self.digest is not None:
            record["h"] = self.digest
        record.update(attempts=self.attempts, ms=self.ms)
        for name in ("to", "request_uuid", "api_id"):
            value = getattr(self, name)
            if value is not None:
                record[name] = value
        if self.dial > 1:
            record["dial"] = self.dial
        if self.reconciled is not None:
            record.update(reconciled=self.reconciled, note=self.note)
        if self.error is not None:
            record.update(error=self.error, message=self.message)
            if self.http_status is not None:
                record["http_status"] = self.http_status
            if self.nothing_placed:
                record["nothing_placed"] = True
        return record

    @classmethod
    def from_json(cls, record: Mapping[str, Any]) -> OutcomeRecord:
        index = _row(record, "o")
        status = record.get("status")
        if not isinstance(status, str) or status not in BY_STATUS:
            raise RecordError(f"has a bad status {status!r}")
        attempts, ms, http = record.get("attempts"), record.get("ms"), record.get("http_status")
        return cls(
            index,
            status,
            _digest(record.get("h")),
            attempts if type(attempts) is int else 0,
            _time(ms) or 0.0,
            _text(record.get("to")),
            _text(record.get("request_uuid")),
            _text(record.get("api_id")),
            _dial(record.get("dial")),
            _text(record.get("reconciled")),
            _text(record.get("note")),
            _text(record.get("error")),
            _text(record.get("message")),
            http if type(http) is int else None,
            record.get("nothing_placed") is True,
        )


@attrs.frozen
class DispositionRecord:
    """How a tracked dial's call(s) ended, and when the row is due again, if it is."""

    index: int
    dial: int = 1
    disposition: str | None = None
    call: CallResult | None = None
    note: str | None = None
    redial: float | None = None

    def to_json(self) -> dict[str, Any]:
        record: dict[str, Any] = {"d": self.index, "dial": self.dial}
        record["disposition"] = self.disposition
        call = self.call
        if call is not None:
            record.update(
                call_uuid=call.call_uuid,
                duration=call.duration,
                hangup_cause=call.hangup_cause,
                hangup_cause_code=call.hangup_cause_code,
            )
        if self.note:
            record["note"] = self.note
        if self.redial is not None:
            record["redial"] = round(self.redial, 3)
        return record

    @classmethod
    def from_json(cls, record: Mapping[str, Any]) -> DispositionRecord:
        index = _row(record, "d")
        disposition = _text(record.get("disposition"))
        call = None
        if disposition is not None:
            duration, code = record.get("duration"), record.get("hangup_cause_code")
            call = CallResult(
                request_uuid="",
                call_uuid=_text(record.get("call_uuid")),
                disposition=disposition,  # type: ignore[arg-type]
                duration=duration if type(duration) is int else None,
                hangup_cause=_text(record.get("hangup_cause")),
                hangup_cause_code=code if type(code) is int else None,
            )
        dial = record.get("dial", 1)
        return cls(
            index,
            dial if type(dial) is int else 1,
            disposition,
            call,
            _text(record.get("note")),
            _time(record.get("redial")),
        )

    @property
    def code(self) -> Code | None:
        """REDIAL if a redial is due, ENDED if the call's end is known, else None (the row
        stays placed: a tracked resume asks again how it ended)."""
        if self.redial is not None:
            return Code.REDIAL
        return Code.ENDED if self.disposition is not None else None

    def outcome_so_far(self, request: Any) -> Outcome:
        """The row's outcome so far, rebuilt from this record (a resumed redial)."""
        return Outcome(
            self.index,
            request,
            disposition=self.disposition,
            call=self.call,
            dials=self.dial,
            placed=0,
            note=self.note,
        )


Record: TypeAlias = "Header | StartRecord | OutcomeRecord | DispositionRecord"


def encode(record: Record) -> bytes:
    """One journal line: compact JSON in the record's own key order, and a newline."""
    return json.dumps(record.to_json(), separators=(",", ":")).encode() + b"\n"


def decode(line: bytes) -> StartRecord | OutcomeRecord | DispositionRecord:
    """The record of one line after the header; :class:`RecordError` says why not."""
    try:
        record = json.loads(line)
    except (ValueError, RecursionError):
        raise RecordError("is not JSON") from None
    if not isinstance(record, dict):
        raise RecordError("is not a JSON object")
    if "s" in record:
        return StartRecord.from_json(record)
    if "o" in record:
        return OutcomeRecord.from_json(record)
    if "d" in record:
        return DispositionRecord.from_json(record)
    raise RecordError("is neither a start, an outcome nor a disposition record")


# The two lines a resume reads most, in exactly the form :func:`encode` writes a
# :class:`StartRecord` and an ``ok`` :class:`OutcomeRecord` (key order and all; a test
# checks every such record against it), matched whole: every line they accept is valid
# JSON, numbers without leading zeros. It is searched over a block of lines at once, each
# match starting at the newline before its line and ending before the one after it
# (nothing in between matches a newline), so a block of only such lines costs one
# ``findall`` and no ``json.loads``; a newline as the first literal keeps the search fast.
# Groups: "o" (an outcome) or "", the row, its digest. Any other line (another status,
# other keys or key order) takes the checked path (:func:`decode`).
_TEXT = rb'"[ !#-\[\]-\x7f]*"'  # ASCII (json.loads refuses bytes that are not UTF-8)
_NUMBER = rb"(?:0|[1-9][0-9]*)"
_OK_TAIL = (
    rb',"attempts":' + _NUMBER + rb',"ms":' + _NUMBER + rb"(?:\.[0-9]+)?"
    rb'(?:,"to":' + _TEXT + rb")?"
    rb'(?:,"request_uuid":' + _TEXT + rb")?"
    rb'(?:,"api_id":' + _TEXT + rb")?"
)
_START_TAIL = (
    rb'(?:,"f":\{(?:' + _TEXT + rb':"[0-9a-f]{8}"(?:,' + _TEXT + rb':"[0-9a-f]{8}")*)?\})?'
    rb'(?:,"m":"[A-Za-z0-9_-]{1,64}")?(?:,"t":' + _NUMBER + rb"(?:\.[0-9]+)?)?"
    rb'(?:,"dial":[1-9][0-9]*)?'
)
FAST = re.compile(
    rb'\n\{"(?:s|(o))":(' + _NUMBER + rb'),(?(1)"status":"ok",)"h":"([0-9a-f]{16})"'
    rb"(?(1)" + _OK_TAIL + rb"|" + _START_TAIL + rb")\}(?=\n)"
)
