"""Recordings and transcriptions: the state behind ``routes/recordings.py``.

A recording is made by ``POST Call/{uuid}/Record/`` (``routes/calls.py`` calls
:meth:`RecordingState.start`); it runs until its ``time_limit`` (Plivo's default 60 s),
``DELETE Call/{uuid}/Record/`` (:meth:`RecordingState.stop`) or the end of the call,
whichever comes first, all on the emulator's clock. A transcription exists once it was
ordered (``POST Transcription/{recording_id}/``, or ``transcription_type`` on the record
request); it is ready at once, with a fixed text, and has the recording's id.

Tests may add recordings that API calls cannot make (a conference's, say) with
:meth:`RecordingState.add`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .calls import CallState, format_time

__all__ = ["DEFAULT_TIME_LIMIT", "TRANSCRIPT", "RecordingRecord", "RecordingState"]

#: Plivo's default ``time_limit`` of ``calls.record``, in seconds.
DEFAULT_TIME_LIMIT = 60
#: The text every emulated transcription holds.
TRANSCRIPT = "This is an emulated transcription."
_STORAGE_RATE = 0.0001


@dataclass(slots=True)
class RecordingRecord:
    """One recording; times are the emulator's clock, in seconds."""

    recording_id: str
    url: str
    started: float
    until: float
    """When it stops by itself: start + time limit, or the call's end if earlier."""
    file_format: str = "mp3"
    call_uuid: str | None = None
    from_number: str | None = None
    to_number: str | None = None
    recording_type: str = "trunk"
    extra: dict[str, Any] = field(default_factory=dict)
    """Filterable fields a test sets (``conference_name``, ``mpc_uuid``, ...)."""

    def end(self, now: float) -> float:
        return min(now, self.until)

    def view(self, now: float, auth_id: str) -> dict[str, Any]:
        """The shape of ``GET Recording/{id}/``."""
        duration_ms = max(0.0, self.end(now) - self.started) * 1000
        days = int(max(0.0, now - self.started) // 86400)
        return {
            "add_time": format_time(self.started),
            "call_uuid": self.call_uuid,
            "conference_name": None,
            "conference_uuid": None,
            "mpc_name": None,
            "mpc_uuid": None,
            "from_number": self.from_number,
            "to_number": self.to_number,
            "recording_format": self.file_format,
            "recording_id": self.recording_id,
            "recording_type": self.recording_type,
            "recording_url": self.url,
            "recording_start_ms": f"{self.started * 1000:.5f}",
            "recording_end_ms": f"{self.end(now) * 1000:.5f}",
            "recording_duration_ms": f"{duration_ms:.5f}",
            "rounded_recording_duration": 60 * -(-int(duration_ms // 1000) // 60),
            "recording_storage_duration": days,
            "recording_storage_rate": _STORAGE_RATE,
            "monthly_recording_storage_amount": _STORAGE_RATE,
            "resource_uri": f"/v1/Account/{auth_id}/Recording/{self.recording_id}/",
            **self.extra,
        }


class RecordingState:
    """Every recording (newest last) and every transcription, by id."""

    def __init__(self) -> None:
        self.recordings: dict[str, RecordingRecord] = {}
        self.transcriptions: set[str] = set()

    def start(
        self,
        call: CallState,
        *,
        recording_id: str,
        url: str,
        now: float,
        file_format: str = "mp3",
        time_limit: int | None = None,
        transcribe: bool = False,
    ) -> RecordingRecord:
        """A call's recording starts now (``POST Call/{uuid}/Record/``)."""
        limit = DEFAULT_TIME_LIMIT if time_limit is None else time_limit
        record = RecordingRecord(
            recording_id=recording_id,
            url=url,
            started=now,
            until=min(now + limit, call.end_at),
            file_format=file_format,
            call_uuid=call.uuid,
            from_number=call.from_,
            to_number=call.to,
        )
        self.recordings[recording_id] = record
        if transcribe:
            self.transcriptions.add(recording_id)
        return record

    def add(self, record: RecordingRecord) -> None:
        """Add a recording made outside the Call API (tests: a conference's)."""
        self.recordings[record.recording_id] = record

    def stop(self, call_uuid: str, now: float) -> None:
        """Every running recording of the call stops now (``DELETE Call/{uuid}/Record/``)."""
        for record in self.recordings.values():
            if record.call_uuid == call_uuid and record.until > now:
                record.until = now

    def newest_first(self) -> list[RecordingRecord]:
        return list(reversed(self.recordings.values()))

    def reset(self) -> None:
        self.recordings.clear()
        self.transcriptions.clear()
