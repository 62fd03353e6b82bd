"""Models of audio streams on a live call (``Call/{uuid}/Stream/``).

A stream forks a call's audio to a WebSocket service (``ws://`` or ``wss://``). The rules
are Plivo's: ``audio_track`` inbound, outbound or both (inbound only when
``bidirectional``), ``stream_timeout`` a positive number of seconds (default 86400),
``content_type`` one of three codecs, ``extra_headers`` alphanumeric ``k=v`` pairs under
512 bytes.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import attrs

from .. import validation as v
from .._convert import request_model
from ..errors import ValidationError
from ._shared import ListMeta, ListPage

__all__ = [
    "AUDIO_TRACKS",
    "CONTENT_TYPES",
    "StartStreamRequest",
    "StartStreamResponse",
    "Stream",
    "StreamListResponse",
]

AUDIO_TRACKS = ("inbound", "outbound", "both")
CONTENT_TYPES = ("audio/x-l16;rate=8000", "audio/x-l16;rate=16000", "audio/x-mulaw;rate=8000")
#: Plivo's limit on the serialised ``extra_headers``.
MAX_EXTRA_HEADERS_BYTES = 512


def _is_ws_url(value: object) -> bool:
    if not isinstance(value, str) or not value or any(c.isspace() for c in value):
        return False
    try:
        parts = urlsplit(value)
        parts.port  # noqa: B018 - raises ValueError for a bad port
    except ValueError:
        return False
    return parts.scheme in ("ws", "wss") and bool(parts.hostname)


def _short_enough(value: object) -> bool:
    return isinstance(value, str) and len(value.encode()) < MAX_EXTRA_HEADERS_BYTES


@request_model
@attrs.frozen(kw_only=True)
class StartStreamRequest:
    """``POST Call/{uuid}/Stream/``: start streaming a live call's audio to a WebSocket."""

    service_url: str = attrs.field(
        validator=v.all_of(
            v.required(), v.rule("must be a ws:// or wss:// URL with a host", _is_ws_url)
        )
    )
    bidirectional: bool | None = attrs.field(
        default=None, converter=v.to_bool, validator=v.optional(v.boolean())
    )
    audio_track: str | None = attrs.field(
        default=None, converter=v.to_lower, validator=v.optional(v.one_of(AUDIO_TRACKS))
    )
    stream_timeout: int | None = attrs.field(
        default=None, converter=v.to_int, validator=v.optional(v.positive_int())
    )
    status_callback_url: str | None = attrs.field(
        default=None, converter=v.empty_to_none, validator=v.optional(v.http_url())
    )
    status_callback_method: str | None = attrs.field(
        default=None, converter=v.to_upper, validator=v.optional(v.http_method())
    )
    content_type: str | None = attrs.field(
        default=None, converter=v.to_lower, validator=v.optional(v.one_of(CONTENT_TYPES))
    )
    extra_headers: str | None = attrs.field(
        default=None,
        converter=v.to_sip_headers,
        validator=v.optional(
            v.all_of(
                v.sip_headers(),
                v.rule(f"must be under {MAX_EXTRA_HEADERS_BYTES} bytes", _short_enough),
            )
        ),
    )
    cx_bot: bool | None = attrs.field(
        default=None, converter=v.to_bool, validator=v.optional(v.boolean())
    )

    def __attrs_post_init__(self) -> None:
        if self.bidirectional and self.audio_track not in (None, "inbound"):
            raise ValidationError.invalid(
                "audio_track", "must be inbound when bidirectional is true", self.audio_track
            )


# -- responses ----------------------------------------------------------------------------


@attrs.frozen(kw_only=True)
class StartStreamResponse:
    """``"audio streaming started"``, with the new stream's id."""

    api_id: str | None = None
    message: str | None = None
    stream_id: str | None = None
    raw: dict[str, Any] = attrs.field(factory=dict, repr=False, eq=False)


@attrs.frozen(kw_only=True)
class Stream:
    """One audio stream of a call (``GET Call/{uuid}/Stream/{id}/``, or a list entry)."""

    api_id: str | None = None
    stream_id: str | None = None
    call_uuid: str | None = None
    service_url: str | None = None
    status: str | None = None
    audio_track: str | None = None
    bidirectional: bool | None = None
    content_type: str | None = None
    status_callback_url: str | None = None
    created_at: str | None = None
    start_time: str | None = None
    end_time: str | None = None
    bill_duration: int | None = None
    rounded_bill_duration: int | None = None
    billed_amount: str | None = None
    plivo_auth_id: str | None = None
    resource_uri: str | None = None
    raw: dict[str, Any] = attrs.field(factory=dict, repr=False, eq=False)


@attrs.frozen(kw_only=True)
class StreamListResponse(ListPage[Stream]):
    """``GET Call/{uuid}/Stream/``: the streams of one call (``meta`` and :class:`Stream`)."""

    api_id: str | None = None
    meta: ListMeta = attrs.field(factory=ListMeta)
    objects: list[Stream] = attrs.field(factory=list)
    raw: dict[str, Any] = attrs.field(factory=dict, repr=False, eq=False)
