"""What the emulated Number Masking API refuses (400), as Plivo documents it."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ._fields import (
    BadRequest,
    bool_field,
    check_destination,
    check_url,
    int_field,
    method_field,
    text_field,
)

__all__ = ["MASKING_STATUSES", "validate_session"]

MASKING_STATUSES = ("active", "in-progress", "expired")
_URLS = (
    "recording_callback_url",
    "callback_url",
    "first_party_play_url",
    "second_party_play_url",
    "pin_prompt_play",
    "incorrect_pin_play",
    "unknown_caller_play",
)
_FLAGS = (
    "record",
    "initiate_call_to_first_party",
    "is_pin_authentication_required",
    "generate_pin",
    "geomatch",
    "create_session_with_single_party",
    "force_pin_authentication",
)
# Upper bounds keep every time computable (a 400-digit expiry is refused, not a 500).
_YEAR = 366 * 86400
_INTS = {
    "session_expiry": (0, _YEAR),
    "call_time_limit": (1, _YEAR),
    "ring_timeout": (1, 86400),
    "generate_pin_length": (4, 15),
    "pin_retry": (0, 100),
    "pin_retry_wait": (1, 86400),
    "virtual_number_cooloff_period": (0, _YEAR),
}
_TEXTS = ("subaccount", "first_party_pin", "second_party_pin")


def validate_session(body: Mapping[str, Any], *, create: bool) -> dict[str, Any]:
    """Check a create (``create=True``) or update body; return its fields, typed."""
    out: dict[str, Any] = {}
    for name in ("first_party", "second_party"):
        value = text_field(body, name)
        if value is not None:
            out[name] = check_destination(name, value)
    single = bool_field(body, "create_session_with_single_party")
    if create:
        if "first_party" not in out:
            raise BadRequest("Missing mandatory parameter: first_party")
        if "second_party" not in out and not single:
            raise BadRequest("Missing mandatory parameter: second_party")
    if out.get("first_party") is not None and out.get("first_party") == out.get("second_party"):
        raise BadRequest("first_party and second_party must differ")
    for name in _URLS:
        value = text_field(body, name)
        if value is not None:
            check_url(name, value)
            out[name] = value
    for name in ("callback_method", "recording_callback_method"):
        method_field(body, name)
        value = text_field(body, name)
        if value is not None:
            out[name] = value.upper()
    for name in _FLAGS:
        flag = bool_field(body, name)
        if flag is not None:
            out[name] = flag
    for name, (low, high) in _INTS.items():
        number = int_field(body, name, low, high)
        if number is not None:
            out[name] = number
    file_format = text_field(body, "record_file_format")
    if file_format is not None:
        if file_format.lower() not in ("mp3", "wav"):
            raise BadRequest("record_file_format must be mp3 or wav")
        out["record_file_format"] = file_format.lower()
    for name in _TEXTS:
        value = text_field(body, name)
        if value is not None:
            out[name] = value
    return out
