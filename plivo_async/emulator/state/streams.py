"""Audio streams of live calls: the state behind ``routes/streams.py``.

A stream runs from ``POST Call/{uuid}/Stream/`` until it is stopped (``DELETE``), its
``stream_timeout`` (default 86400 s) passes, or the call ends, on the emulator's clock.
No audio is sent anywhere: the emulator only keeps the bookkeeping a client can see.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .calls import format_time

__all__ = ["DEFAULT_STREAM_TIMEOUT", "StreamRecord", "StreamState"]

DEFAULT_STREAM_TIMEOUT = 86400
_RATE_PER_MINUTE = 0.003


@dataclass(slots=True)
class StreamRecord:
    stream_id: str
    call_uuid: str
    service_url: str
    started: float
    until: float
    """When it stops: start + timeout, the call's end, or the time it was stopped."""
    audio_track: str = "inbound"
    bidirectional: bool = False
    content_type: str = "audio/x-l16;rate=8000"
    status_callback_url: str = ""

    def is_running(self, now: float) -> bool:
        return now < self.until

    def view(self, now: float, auth_id: str) -> dict[str, Any]:
        """The shape of ``GET Call/{uuid}/Stream/{id}/``."""
        seconds = int(max(0.0, min(now, self.until) - self.started))
        minutes = -(-seconds // 60)
        return {
            "audio_track": self.audio_track,
            "bidirectional": self.bidirectional,
            "bill_duration": seconds,
            "billed_amount": f"{minutes * _RATE_PER_MINUTE:.5f}",
            "call_uuid": self.call_uuid,
            "content_type": self.content_type,
            "created_at": format_time(self.started),
            "start_time": format_time(self.started),
            "end_time": None if self.is_running(now) else format_time(self.until),
            "plivo_auth_id": auth_id,
            "resource_uri": (
                f"/v1/Account/{auth_id}/Call/{self.call_uuid}/Stream/{self.stream_id}/"
            ),
            "rounded_bill_duration": minutes * 60,
            "service_url": self.service_url,
            "status": "in-progress" if self.is_running(now) else "stopped",
            "status_callback_url": self.status_callback_url,
            "stream_id": self.stream_id,
        }


class StreamState:
    """Every stream ever started, by id, in start order."""

    def __init__(self) -> None:
        self.streams: dict[str, StreamRecord] = {}

    def of_call(self, call_uuid: str) -> list[StreamRecord]:
        return [s for s in self.streams.values() if s.call_uuid == call_uuid]

    def reset(self) -> None:
        self.streams.clear()
