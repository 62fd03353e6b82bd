"""What the emulated audio stream API (``Call/{uuid}/Stream/``) answers 400 to."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

from ._fields import (
    BadRequest,
    bool_field,
    int_field,
    method_field,
    optional_url,
    required_field,
    text_field,
)

__all__ = ["AUDIO_TRACKS", "CONTENT_TYPES", "validate_stream"]

AUDIO_TRACKS = ("inbound", "outbound", "both")
CONTENT_TYPES = ("audio/x-l16;rate=8000", "audio/x-l16;rate=16000", "audio/x-mulaw;rate=8000")
_PAIRS = re.compile(r"[A-Za-z0-9]+=[A-Za-z0-9]+(,[A-Za-z0-9]+=[A-Za-z0-9]+)*")


def validate_stream(body: Mapping[str, Any]) -> dict[str, Any]:
    """``POST Call/{uuid}/Stream/``; returns the stream's settings with Plivo's defaults."""
    service_url = required_field(body, "service_url")
    try:
        parts = urlsplit(service_url)
    except ValueError:
        parts = urlsplit("")
    if parts.scheme not in ("ws", "wss") or not parts.netloc:
        raise BadRequest(f"invalid service_url: {service_url!r} is not a ws(s) URL")
    bidirectional = bool(bool_field(body, "bidirectional"))
    audio_track = text_field(body, "audio_track") or "inbound"
    if audio_track not in AUDIO_TRACKS:
        raise BadRequest("audio_track must be one of inbound, outbound, both")
    if bidirectional and audio_track != "inbound":
        raise BadRequest("audio_track must be inbound when bidirectional is true")
    timeout = int_field(body, "stream_timeout", 1)
    method_field(body, "status_callback_method")
    content_type = text_field(body, "content_type") or CONTENT_TYPES[0]
    if content_type not in CONTENT_TYPES:
        raise BadRequest(f"content_type must be one of {', '.join(CONTENT_TYPES)}")
    headers = text_field(body, "extra_headers")
    if headers and (len(headers.encode()) >= 512 or not _PAIRS.fullmatch(headers)):
        raise BadRequest("extra_headers must be alphanumeric key=value pairs under 512 bytes")
    bool_field(body, "cx_bot")
    return {
        "service_url": service_url,
        "bidirectional": bidirectional,
        "audio_track": audio_track,
        "stream_timeout": timeout,
        "status_callback_url": optional_url(body, "status_callback_url", empty=True) or "",
        "content_type": content_type,
    }
