"""The shapes of the journal's records of a bulk run, and outcomes rebuilt from them.

:mod:`plivo_async.bulk.journal` keeps them; this module says what goes in them: the
outcome of a dial (with what a resume needs: whether a failure proves nothing was
placed), and how a tracked dial's call ended.
"""

from __future__ import annotations

from typing import Any

from ..errors import PlivoRestError, PlivoTransportError
from ..tracking import CallResult
from .dialer import Followed
from .journal import RowKey
from .outcome import Outcome
from .report import destination, error_text

__all__ = ["disposition_record", "nothing_placed", "outcome_record", "outcome_so_far"]


def nothing_placed(error: BaseException | None) -> bool:
    """Whether a failure proves the request did nothing: any 4xx answer, a 503, or a
    connection that failed before the request was sent. ``retry_failed`` resends those."""
    if isinstance(error, PlivoRestError) and error.status is not None:
        return 400 <= error.status < 500 or error.status == 503
    return isinstance(error, PlivoTransportError) and not error.sent


def outcome_record(outcome: Outcome, key: RowKey | None) -> dict[str, Any]:
    """The journal's record of one dial's outcome (see :mod:`plivo_async.bulk.journal`)."""
    record: dict[str, Any] = {"o": outcome.index, "status": outcome.status}
    if key is not None:
        record["h"] = key.digest
    record.update(attempts=outcome.attempts, ms=round(outcome.elapsed * 1000, 1))
    to = destination(outcome.request)
    if to:
        record["to"] = to
    response = outcome.response
    if response is not None:
        for name in ("request_uuid", "api_id"):
            value = getattr(response, name, None)
            if value is not None:
                record[name] = str(value)
    if outcome.dials > 1:
        record["dial"] = outcome.dials
    if outcome.reconciled is not None:
        record.update(reconciled=outcome.reconciled, note=outcome.note)
    error = outcome.error
    if error is not None:
        record["error"] = type(error).__name__
        record["message"] = error_text(error).partition(": ")[2]
        status = getattr(error, "status", None)
        if isinstance(status, int):
            record["http_status"] = status
        if outcome.status == "failed" and nothing_placed(error):
            record["nothing_placed"] = True
    return record


def disposition_record(
    index: int, dial: int, followed: Followed, due: float | None
) -> dict[str, Any]:
    """The record of how a dial's call(s) ended, and when the row is due again, if it is."""
    record: dict[str, Any] = {"d": index, "dial": dial}
    record["disposition"] = followed.disposition
    first = followed.first
    if first is not None:
        record.update(
            call_uuid=first.call_uuid,
            duration=first.duration,
            hangup_cause=first.hangup_cause,
            hangup_cause_code=first.hangup_cause_code,
        )
    if followed.note:
        record["note"] = followed.note
    if due is not None:
        record["redial"] = round(due, 3)
    return record


def outcome_so_far(index: int, request: Any, record: dict[str, Any], dials: int) -> Outcome:
    """A row's outcome so far, rebuilt from its disposition record (a resumed redial)."""
    disposition = record.get("disposition")
    result = None
    if isinstance(disposition, str):
        result = CallResult(
            request_uuid="",
            call_uuid=record.get("call_uuid"),
            disposition=disposition,  # type: ignore[arg-type]
            duration=record.get("duration"),
            hangup_cause=record.get("hangup_cause"),
            hangup_cause_code=record.get("hangup_cause_code"),
        )
    return Outcome(
        index,
        request,
        disposition=disposition if isinstance(disposition, str) else None,
        call=result,
        dials=dials,
        placed=0,
        note=record.get("note"),
    )
