"""Validation rules of the recordings, streams, endpoints and applications routes.

Built from the parsers of :mod:`plivo_async.emulator.rules` and independent of the
client's ``plivo_async.validation``, like the rest of the emulator's rules. Each raises
:class:`~plivo_async.emulator.rules.BadRequest` (a 400 with Plivo's ``error`` field).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

from .rules import (
    BadRequest,
    bool_field,
    check_url,
    int_field,
    method_field,
    required_field,
    text_field,
)

__all__ = [
    "AUDIO_TRACKS",
    "CONTENT_TYPES",
    "optional_url",
    "validate_application",
    "validate_endpoint",
    "validate_recording_query",
    "validate_stream",
]

AUDIO_TRACKS = ("inbound", "outbound", "both")
CONTENT_TYPES = ("audio/x-l16;rate=8000", "audio/x-l16;rate=16000", "audio/x-mulaw;rate=8000")
_PAIRS = re.compile(r"[A-Za-z0-9]+=[A-Za-z0-9]+(,[A-Za-z0-9]+=[A-Za-z0-9]+)*")
_ALNUM = re.compile(r"[A-Za-z0-9]+")
_TIME = re.compile(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?")
_SUBACCOUNT = re.compile(r"SA[A-Z0-9]{18}")
_APP_URLS = ("answer_url", "hangup_url", "fallback_answer_url", "message_url")
_APP_METHODS = ("answer_method", "hangup_method", "fallback_method", "message_method")
_APP_FLAGS = ("default_number_app", "default_endpoint_app", "log_incoming_messages", "public_uri")


def optional_url(body: Mapping[str, Any], name: str) -> str | None:
    """An optional http(s) URL field; an unparsable one is a 400 too, never a crash."""
    value = text_field(body, name)
    if value:
        try:
            check_url(name, value)
        except ValueError:  # urlsplit refuses "http://[" and the like
            raise BadRequest(f"invalid {name}: {value!r} is not an http(s) URL") from None
    return value


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
        "status_callback_url": optional_url(body, "status_callback_url") or "",
        "content_type": content_type,
    }


def validate_endpoint(body: Mapping[str, Any], *, create: bool) -> dict[str, Any]:
    """``POST Endpoint/`` (``create``) or ``POST Endpoint/{id}/``: the fields to set."""
    fields: dict[str, Any] = {}
    if create:
        username = required_field(body, "username")
        if not _ALNUM.fullmatch(username):
            raise BadRequest("username may hold only letters and digits")
        fields["username"] = username
    for name in ("password", "alias"):
        value = required_field(body, name) if create else text_field(body, name)
        if value is not None:
            fields[name] = value
    if "password" in fields and len(fields["password"]) < 5:
        raise BadRequest("password must be at least 5 characters long")
    app_id = text_field(body, "app_id")
    if app_id is not None:
        fields["app_id"] = app_id
    return fields


def validate_application(body: Mapping[str, Any], *, create: bool) -> dict[str, Any]:
    """``POST Application/`` (``create``) or ``POST Application/{id}/``: what to set.

    Returned under the names ``GET Application/{id}/`` shows (``default_app``,
    ``sub_account``); ``app_name`` only on create.
    """
    fields: dict[str, Any] = {}
    if create:
        fields["app_name"] = required_field(body, "app_name")
    for name in _APP_URLS:
        value = optional_url(body, name)
        if value is not None:
            fields[name] = value
    for name in _APP_METHODS:
        method_field(body, name)
        value = text_field(body, name)
        if value is not None:
            fields[name] = value.upper()
    for name in _APP_FLAGS:
        flag = bool_field(body, name)
        if flag is not None:
            fields["default_app" if name == "default_number_app" else name] = flag
    subaccount = text_field(body, "subaccount")
    if subaccount is not None:
        if not _SUBACCOUNT.fullmatch(subaccount):
            raise BadRequest(f"invalid subaccount: {subaccount!r}")
        fields["sub_account"] = subaccount
    return fields


def validate_recording_query(query: Mapping[str, str]) -> None:
    """``GET Recording/``'s filters (paging is checked by the list itself)."""
    for name, value in query.items():
        if name.startswith("add_time") and not _TIME.fullmatch(value):
            raise BadRequest(f"invalid {name}: use YYYY-MM-DD HH:MM[:SS[.ffffff]]")
        if name.startswith("recording_storage_duration"):
            int_field(query, name, 0)
        if name == "subaccount" and not _SUBACCOUNT.fullmatch(value):
            raise BadRequest(f"invalid subaccount: {value!r}")
