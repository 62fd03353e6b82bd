"""What the emulated call feedback API refuses: a 422 (as Plivo documents), not a 400."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from aiohttp import web

__all__ = ["ISSUES", "Unprocessable", "validate_feedback"]

ISSUES = frozenset(
    {
        "AUDIO_LAG",
        "BROKEN_AUDIO",
        "CALL_DROPPED",
        "CALLERID_ISSUE",
        "DIGITS_NOT_CAPTURED",
        "ECHO",
        "HIGH_CONNECT_TIME",
        "LOW_AUDIO_LEVEL",
        "ONE_WAY_AUDIO",
        "OTHERS",
        "ROBOTIC_AUDIO",
    }
)


class Unprocessable(web.HTTPUnprocessableEntity):
    """422 with Plivo's ``{"api_id", "error"}`` body (the middleware keeps the status)."""

    def __init__(self, message: str) -> None:
        super().__init__(reason=message)


def validate_feedback(body: Mapping[str, Any]) -> tuple[float, list[str], str | None]:
    """``rating`` a number from 1 to 5; below 5, ``issues`` a list of known issues."""
    raw = body.get("rating")
    try:
        rating = float(raw) if isinstance(raw, (int, float, str)) and raw is not True else None
    except ValueError:
        rating = None
    if rating is None or isinstance(raw, bool) or not 1 <= rating <= 5:
        raise Unprocessable("Rating has to be a float between 1 -5")
    issues = body.get("issues", [])
    if not isinstance(issues, list) or not all(isinstance(i, str) and i in ISSUES for i in issues):
        raise Unprocessable("Issues have to be an array of: " + ", ".join(sorted(ISSUES)))
    if rating < 5 and not issues:
        raise Unprocessable("Issues are required when rating is below 5")
    notes = body.get("notes")
    return rating, issues, notes if isinstance(notes, str) else None
