"""What the emulated Conference API answers 400 to: recording, play and speak bodies.

Independent of the client's validation on purpose (see :mod:`plivo_async.emulator.rules`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ._fields import (
    RECORDING_FORMATS,
    BadRequest,
    check_url,
    optional_url,
    required_field,
    text_field,
    validate_callback,
)

__all__ = [
    "validate_conference_record",
    "validate_play",
    "validate_speak",
]


def validate_conference_record(body: Mapping[str, Any]) -> str:
    """Check a conference record body; return the file format (mp3 by default)."""
    validate_callback(body)
    optional_url(body, "transcription_url")
    file_format = (text_field(body, "file_format") or "mp3").lower()
    if file_format not in RECORDING_FORMATS:
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
