"""Models of call quality feedback (``POST https://stats.plivo.com/v1/Call/{uuid}/Feedback/``).

The rules are Plivo's: ``rating`` a number from 1 to 5 (``4`` and ``4.0`` alike), and at
least one of the documented ``issues`` whenever the rating is below 5.
"""

from __future__ import annotations

from typing import Any

import attrs

from .. import validation as v
from .._convert import request_model
from ..errors import ValidationError

__all__ = ["FEEDBACK_ISSUES", "CallFeedbackRequest", "CallFeedbackResponse"]

#: The issues Plivo's feedback API accepts.
FEEDBACK_ISSUES = (
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
)
RULE_RATING = "must be a number from 1 to 5"
RULE_ISSUES = "must be a list of one or more of " + ", ".join(FEEDBACK_ISSUES)


def _to_rating(value: Any) -> Any:
    """``"4"`` -> ``4``, ``"3.5"`` -> ``3.5`` (a CSV cell or the SDK's string ratings)."""
    if isinstance(value, str):
        stripped = value.strip()
        try:
            number = float(stripped)
        except ValueError:
            return value
        return int(number) if number.is_integer() and "." not in stripped else number
    return value


def _rating_ok(value: object) -> bool:
    return (
        isinstance(value, (int, float))
        and not isinstance(value, bool)
        and value == value  # not NaN
        and 1 <= value <= 5
    )


def _to_issues(value: Any) -> Any:
    """One issue or a list of them, upper-cased; an empty list or ``""`` means none."""
    if isinstance(value, str):
        value = [value] if value.strip() else []
    if isinstance(value, (list, tuple)) and all(isinstance(i, str) for i in value):
        return [i.strip().upper() for i in value] or None
    return value


def _issues_ok(value: object) -> bool:
    return (
        isinstance(value, list)
        and bool(value)
        and all(isinstance(i, str) and i in FEEDBACK_ISSUES for i in value)
    )


@request_model
@attrs.frozen(kw_only=True)
class CallFeedbackRequest:
    """``POST v1/Call/{call_uuid}/Feedback/`` on the call insights host (no account in the path)."""

    rating: int | float = attrs.field(
        converter=_to_rating, validator=v.all_of(v.required(), v.rule(RULE_RATING, _rating_ok))
    )
    issues: list[str] | None = attrs.field(
        default=None, converter=_to_issues, validator=v.optional(v.rule(RULE_ISSUES, _issues_ok))
    )
    notes: str | None = attrs.field(
        default=None, converter=v.empty_to_none, validator=v.optional(v.non_empty_str())
    )

    def __attrs_post_init__(self) -> None:
        if self.rating < 5 and not self.issues:
            raise ValidationError.invalid("issues", "are required when rating is below 5")


@attrs.frozen(kw_only=True)
class CallFeedbackResponse:
    """``"Feedback has been posted"`` (201)."""

    api_id: str | None = None
    message: str | None = None
    status: str | None = None
    raw: dict[str, Any] = attrs.field(factory=dict, repr=False, eq=False)
