"""Call quality feedback received: the state behind ``routes/call_feedback``."""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["CallFeedbackState", "Feedback"]


@dataclass(slots=True)
class Feedback:
    call_uuid: str
    rating: float
    issues: list[str] = field(default_factory=list)
    notes: str | None = None


class CallFeedbackState:
    """Every feedback posted, in order (sent twice, it is here twice, as Plivo counts it)."""

    def __init__(self) -> None:
        self.received: list[Feedback] = []

    def reset(self) -> None:
        self.received.clear()
