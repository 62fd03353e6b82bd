"""Models of the Conference API: validated requests and typed responses.

A conference exists while members are in it (callers join with the ``<Conference>`` XML
element); the API lists, inspects and acts on live conferences and their members. Every
request may carry ``callback_url`` / ``callback_method``: Plivo then answers at once and
posts the outcome of the action to that URL (its "asynchronous request" mode).

Request models are frozen attrs classes checked when built; response models keep the
whole payload in ``.raw`` and every documented field is optional.
"""

from __future__ import annotations

from typing import Any

import attrs

from .. import validation as v
from .._convert import request_model
from ._shared import file_format_field, method_field, optional_text, url_field

__all__ = [
    "Conference",
    "ConferenceCallbackRequest",
    "ConferenceListResponse",
    "ConferenceMember",
    "ConferenceMemberActionResponse",
    "ConferenceMemberPlayRequest",
    "ConferenceMemberSpeakRequest",
    "ConferenceRecordRequest",
    "ConferenceRecordResponse",
]


# -- requests -----------------------------------------------------------------------------


@request_model
@attrs.frozen(kw_only=True)
class ConferenceCallbackRequest:
    """The only parameters of list, get, hang up, mute, deaf, kick and the stop actions."""

    callback_url: str | None = url_field()
    callback_method: str | None = method_field()


@request_model
@attrs.frozen(kw_only=True)
class ConferenceMemberSpeakRequest:
    """``POST Conference/{name}/Member/{id}/Speak/``: speak text to members."""

    text: str = attrs.field(validator=v.all_of(v.required(), v.non_empty_str()))
    voice: str | None = optional_text()
    language: str | None = optional_text()
    callback_url: str | None = url_field()
    callback_method: str | None = method_field()


@request_model
@attrs.frozen(kw_only=True)
class ConferenceMemberPlayRequest:
    """``POST Conference/{name}/Member/{id}/Play/``: play an audio file (mp3/wav URL)."""

    url: str = attrs.field(validator=v.all_of(v.required(), v.http_url()))
    callback_url: str | None = url_field()
    callback_method: str | None = method_field()


@request_model
@attrs.frozen(kw_only=True)
class ConferenceRecordRequest:
    """``POST Conference/{name}/Record/``: start recording the conference."""

    file_format: str | None = file_format_field()
    transcription_type: str | None = attrs.field(
        default=None, converter=v.to_lower, validator=v.optional(v.one_of(("auto",)))
    )
    transcription_url: str | None = url_field()
    transcription_method: str | None = method_field()
    callback_url: str | None = url_field()
    callback_method: str | None = method_field()


# -- responses ----------------------------------------------------------------------------


@attrs.frozen(kw_only=True)
class ConferenceListResponse:
    """``GET Conference/``: the names of the conferences in progress."""

    api_id: str | None = None
    conferences: list[str] = attrs.field(factory=list)
    raw: dict[str, Any] = attrs.field(factory=dict, repr=False, eq=False)

    def __iter__(self) -> Any:
        return iter(self.conferences)

    def __len__(self) -> int:
        return len(self.conferences)


@attrs.frozen(kw_only=True)
class ConferenceMember:
    """One member of a conference (an entry of :attr:`Conference.members`)."""

    member_id: str | None = None
    call_uuid: str | None = None
    from_: str | None = None
    to: str | None = None
    caller_name: str | None = None
    direction: str | None = None
    muted: bool | None = None
    deaf: bool | None = None
    join_time: str | None = None
    raw: dict[str, Any] = attrs.field(factory=dict, repr=False, eq=False)


@attrs.frozen(kw_only=True)
class Conference:
    """``GET Conference/{name}/``: a conference in progress and its members.

    Plivo sends the run time (seconds) and member count as strings; both are typed ``int``
    here.
    """

    api_id: str | None = None
    conference_name: str | None = None
    conference_run_time: int | None = None
    conference_member_count: int | None = None
    members: list[ConferenceMember] = attrs.field(factory=list)
    raw: dict[str, Any] = attrs.field(factory=dict, repr=False, eq=False)


@attrs.frozen(kw_only=True)
class ConferenceMemberActionResponse:
    """The answer to a member action (mute, deaf, kick, play, speak, their stops, hang up).

    ``member_id`` is what Plivo echoes: one id, a comma-separated list, or ``all``.
    """

    api_id: str | None = None
    message: str | None = None
    member_id: str | None = None
    raw: dict[str, Any] = attrs.field(factory=dict, repr=False, eq=False)


@attrs.frozen(kw_only=True)
class ConferenceRecordResponse:
    """``"conference recording started"``: where the recording will be and its id."""

    api_id: str | None = None
    message: str | None = None
    url: str | None = None
    recording_id: str | None = None
    raw: dict[str, Any] = attrs.field(factory=dict, repr=False, eq=False)
