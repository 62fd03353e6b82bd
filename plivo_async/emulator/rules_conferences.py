"""Input rules of the emulated Conference API: what Plivo answers 400 to.

Independent of the client's validation on purpose (see :mod:`plivo_async.emulator.rules`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .rules import BadRequest, check_url, method_field, required_field, text_field

__all__ = [
    "FORMATS",
    "optional_url",
    "validate_callback",
    "validate_conference_record",
    "validate_play",
    "validate_speak",
]

FORMATS = ("mp3", "wav")


def optional_url(body: Mapping[str, Any], name: str) -> str | None:
    value = text_field(body, name)
    if value is not None:
        check_url(name, value)
    return value


def _methods(body: Mapping[str, Any]) -> None:
    for name, value in body.items():
        if name.endswith("_method"):
            method_field(body, name)
        elif value is not None and not isinstance(value, (str, int, float, bool)):
            raise BadRequest(f"{name} must be a string")


def validate_callback(body: Mapping[str, Any]) -> None:
    """``callback_url`` / ``callback_method``, which every action accepts."""
    optional_url(body, "callback_url")
    _methods(body)


def validate_conference_record(body: Mapping[str, Any]) -> str:
    """Check a conference record body; return the file format (mp3 by default)."""
    validate_callback(body)
    optional_url(body, "transcription_url")
    file_format = (text_field(body, "file_format") or "mp3").lower()
    if file_format not in FORMATS:
        raise BadRequest("file_format must be mp3 or wav")
    kind = text_field(body, "transcription_type")
    if kind is not None and kind.lower() != "auto":
        raise BadRequest("transcription_type must be auto")
    return file_format


def validate_play(body: Mapping[str, Any]) -> str:
    """A play body: the required audio ``url``."""
    validate_callback(body)
    url = required_field(body, "url")
    check_url("url", url)
    return url


def validate_speak(body: Mapping[str, Any]) -> str:
    """A speak body: the required ``text``."""
    validate_callback(body)
    return required_field(body, "text")
