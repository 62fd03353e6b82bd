"""Models of recordings and their transcriptions: validated requests, typed responses.

Recordings are made by ``calls.record`` (and by conferences, multi-party calls and the
``<Record>`` XML element); ``client.recordings`` lists, fetches and deletes them, and
``client.transcriptions`` orders, fetches and deletes the text of one.

Response models keep the whole payload in ``.raw``; every documented field is optional.
Plivo sends the millisecond fields as decimal strings (``"345100.00000"``): they are kept
as text, as sent.
"""

from __future__ import annotations

from typing import Any

import attrs

from .._convert import request_model
from ._shared import (
    CallbackRequest,
    ListMeta,
    ListPage,
    int_field,
    limit_field,
    offset_field,
    optional_text,
    subaccount_field,
    time_filter_field,
    url_field,
)

__all__ = [
    "CreateTranscriptionRequest",
    "GetTranscriptionRequest",
    "ListRecordingsRequest",
    "Recording",
    "RecordingListResponse",
    "Transcription",
]


# -- requests -----------------------------------------------------------------------------


@request_model
@attrs.frozen(kw_only=True)
class ListRecordingsRequest(CallbackRequest):
    """Query filters of ``GET Recording/``, the official SDK's ``recordings.list`` set.

    ``add_time__*`` take ``YYYY-MM-DD HH:MM[:SS[.ffffff]]`` (UTC) or a ``datetime``;
    ``recording_storage_duration`` (days the recording has been stored) and its four
    comparison forms take integers >= 0.
    """

    subaccount: str | None = subaccount_field()
    call_uuid: str | None = optional_text()
    add_time__gt: str | None = time_filter_field()
    add_time__gte: str | None = time_filter_field()
    add_time__lt: str | None = time_filter_field()
    add_time__lte: str | None = time_filter_field()
    recording_storage_duration: int | None = int_field()
    recording_storage_duration__gt: int | None = int_field()
    recording_storage_duration__gte: int | None = int_field()
    recording_storage_duration__lt: int | None = int_field()
    recording_storage_duration__lte: int | None = int_field()
    from_number: str | None = optional_text()
    to_number: str | None = optional_text()
    conference_name: str | None = optional_text()
    mpc_name: str | None = optional_text()
    conference_uuid: str | None = optional_text()
    mpc_uuid: str | None = optional_text()
    limit: int | None = limit_field()
    offset: int | None = offset_field()
    cursor: str | None = optional_text()


@request_model
@attrs.frozen(kw_only=True)
class CreateTranscriptionRequest:
    """``POST Transcription/{recording_id}/``: order the transcription of a recording."""

    transcription_callback_url: str | None = url_field()


@request_model
@attrs.frozen(kw_only=True)
class GetTranscriptionRequest:
    """Query of ``GET Transcription/{id}/``: ``type`` picks the report form Plivo returns.

    Plivo does not document the values ``type`` takes, so any non-empty text is sent.
    """

    type: str | None = optional_text()


# -- responses ----------------------------------------------------------------------------


@attrs.frozen(kw_only=True)
class Recording:
    """One recording (``GET Recording/{id}/``, or one entry of a list)."""

    api_id: str | None = None
    recording_id: str | None = None
    recording_url: str | None = None
    recording_format: str | None = None
    recording_type: str | None = None
    call_uuid: str | None = None
    conference_name: str | None = None
    conference_uuid: str | None = None
    mpc_name: str | None = None
    mpc_uuid: str | None = None
    from_number: str | None = None
    to_number: str | None = None
    add_time: str | None = None
    recording_start_ms: str | None = None
    recording_end_ms: str | None = None
    recording_duration_ms: str | None = None
    rounded_recording_duration: int | None = None
    recording_storage_duration: int | None = None
    recording_storage_rate: float | None = None
    monthly_recording_storage_amount: float | None = None
    resource_uri: str | None = None
    raw: dict[str, Any] = attrs.field(factory=dict, repr=False, eq=False)


@attrs.frozen(kw_only=True)
class RecordingListResponse(ListPage[Recording]):
    """One page of ``GET Recording/``: ``meta`` and up to ``limit`` :class:`Recording`."""

    api_id: str | None = None
    meta: ListMeta = attrs.field(factory=ListMeta)
    objects: list[Recording] = attrs.field(factory=list)
    raw: dict[str, Any] = attrs.field(factory=dict, repr=False, eq=False)


@attrs.frozen(kw_only=True)
class Transcription:
    """The text of a recording (``GET Transcription/{id}/``), as far as it is ready."""

    api_id: str | None = None
    transcription_id: str | None = None
    recording_id: str | None = None
    call_uuid: str | None = None
    status: str | None = None
    transcription: str | None = None
    duration: int | None = None
    transcription_charge: float | None = None
    transcription_rate: float | None = None
    raw: dict[str, Any] = attrs.field(factory=dict, repr=False, eq=False)
