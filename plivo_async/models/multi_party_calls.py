"""Models of the Voice API's multi-party calls (``MultiPartyCall/``), distinct from PHLO's.

The rules are the official SDK's (``plivo/resources/multipartycall.py``): the same allowed
values, ranges and cross-field checks, raised as a
:class:`~plivo_async.errors.ValidationError` naming the field before anything is sent.
Fields left as ``None`` are not sent, so the API applies its documented defaults (the SDK
sends those defaults explicitly; the meaning is the same).
"""

from __future__ import annotations

from typing import Any

import attrs

from .. import validation as v
from .._convert import request_model
from ..errors import ValidationError
from ._shared import (
    ListMeta,
    bool_field,
    file_format_field,
    int_field,
    method_field,
    offset_field,
    optional_text,
    subaccount_field,
    time_filter_field,
    url_field,
)

__all__ = [
    "MPC_PARTICIPANT_ROLES",
    "MPC_STATUS_CALLBACK_EVENTS",
    "AddParticipantRequest",
    "AddParticipantResponse",
    "ListMultiPartyCallsRequest",
    "ListParticipantsRequest",
    "MultiPartyCallActionResponse",
    "MultiPartyCallCallbackRequest",
    "MultiPartyCallDetails",
    "MultiPartyCallListMeta",
    "MultiPartyCallListResponse",
    "MultiPartyCallPlayAudioResponse",
    "MultiPartyCallRecordingResponse",
    "Participant",
    "ParticipantCall",
    "ParticipantListResponse",
    "ParticipantRecordTrackRequest",
    "ParticipantRecordingRequest",
    "StartPlayAudioRequest",
    "StartRecordingRequest",
    "UpdateParticipantRequest",
    "mpc_id",
]

#: Roles a participant can join with.
MPC_PARTICIPANT_ROLES = ("ai-agent", "agent", "supervisor", "customer")
#: Events ``status_callback_events`` may list (comma-separated).
MPC_STATUS_CALLBACK_EVENTS = (
    "mpc-state-changes",
    "participant-state-changes",
    "participant-speak-events",
    "participant-digit-input-events",
    "add-participant-api-events",
)
MPC_STATUSES = ("active", "initialized", "ended")
#: The most destinations one add-participant request may dial.
MAX_DESTINATIONS = 20
_SOUNDS = ("beep:1", "beep:2", "none")
_CONFIRM_KEYS = tuple("0123456789#*")


def mpc_id(friendly_name: object = None, uuid: object = None) -> str:
    """The path id of a multi-party call: ``uuid_<uuid>`` or ``name_<friendly_name>``.

    Exactly one of the two must be given (as in the official SDK); the result still has
    to go through :func:`~plivo_async.validation.path_segment`.
    """
    given_name = friendly_name is not None and friendly_name != ""
    given_uuid = uuid is not None and uuid != ""
    if given_name and given_uuid:
        raise ValidationError.invalid("uuid", "give friendly_name or uuid, not both", uuid)
    if not given_name and not given_uuid:
        raise ValidationError.invalid("uuid", "give friendly_name or uuid", uuid)
    for field, value in (("friendly_name", friendly_name), ("uuid", uuid)):
        if value is not None and not isinstance(value, str):
            raise ValidationError.invalid(field, "must be a string", value)
    return f"uuid_{uuid}" if given_uuid else f"name_{friendly_name}"


# -- field helpers ------------------------------------------------------------------------


def _url_or(choices: tuple[str, ...]) -> Any:
    text = "must be an http(s) URL or one of " + ", ".join(choices)
    return attrs.field(
        default=None,
        converter=v.empty_to_none,
        validator=v.optional(
            v.rule(
                text, lambda x: v.is_http_url(x) or (isinstance(x, str) and x.lower() in choices)
            )
        ),
    )


def _to_destinations(value: Any) -> Any:
    """A list of destinations joined with ``<``; ``""`` means not given."""
    return v.empty_to_none(v.join_destinations(value))


def _to_per_destination(value: Any) -> Any:
    """``ring_timeout`` / ``delay_dial``: an int, a CSV cell, or ints joined with ``<``."""
    if isinstance(value, (list, tuple)) and all(isinstance(i, int) for i in value):
        return "<".join(str(i) for i in value)
    return v.to_int(value)


def _per_destination_ok(value: object) -> bool:
    if isinstance(value, int) and not isinstance(value, bool):
        return value >= 0
    return isinstance(value, str) and all(p.isdigit() for p in value.split("<"))


_PER_DESTINATION = v.rule(
    "must be a non-negative integer, or one per destination joined with '<'", _per_destination_ok
)


def _events_ok(value: object) -> bool:
    return isinstance(value, str) and all(
        e in MPC_STATUS_CALLBACK_EVENTS for e in value.lower().split(",")
    )


# -- requests -----------------------------------------------------------------------------


@request_model
@attrs.frozen(kw_only=True)
class MultiPartyCallCallbackRequest:
    """The only parameters of get, stop, pause/resume recording and kick."""

    callback_url: str | None = url_field()
    callback_method: str | None = method_field()


@request_model
@attrs.frozen(kw_only=True)
class ListMultiPartyCallsRequest:
    """Query filters of ``GET MultiPartyCall/``."""

    sub_account: str | None = subaccount_field()
    friendly_name: str | None = optional_text()
    status: str | None = attrs.field(
        default=None, converter=v.to_lower, validator=v.optional(v.one_of(MPC_STATUSES))
    )
    termination_cause_code: int | None = int_field()
    end_time__gt: str | None = time_filter_field()
    end_time__gte: str | None = time_filter_field()
    end_time__lt: str | None = time_filter_field()
    end_time__lte: str | None = time_filter_field()
    creation_time__gt: str | None = time_filter_field()
    creation_time__gte: str | None = time_filter_field()
    creation_time__lt: str | None = time_filter_field()
    creation_time__lte: str | None = time_filter_field()
    limit: int | None = int_field(1, 20)
    offset: int | None = offset_field()
    callback_url: str | None = url_field()
    callback_method: str | None = method_field()


@request_model
@attrs.frozen(kw_only=True)
class ListParticipantsRequest:
    """Query filters of ``GET MultiPartyCall/{id}/Participant/``."""

    call_uuid: str | None = optional_text()
    callback_url: str | None = url_field()
    callback_method: str | None = method_field()


@request_model
@attrs.frozen(kw_only=True)
class AddParticipantRequest:
    """Body of ``POST MultiPartyCall/{id}/Participant/``: dial someone in, or add a call.

    Either ``from_`` and ``to_`` (one or more phone numbers / SIP URIs joined with ``<``,
    at most 20, several only for the ``agent`` role) or ``call_uuid`` (a call in progress).
    ``ring_timeout`` and ``delay_dial`` take one value, or one per destination.
    """

    role: str = attrs.field(
        converter=v.to_lower, validator=v.all_of(v.required(), v.one_of(MPC_PARTICIPANT_ROLES))
    )
    from_: str | None = attrs.field(
        default=None, converter=v.empty_to_none, validator=v.optional(v.phone_number())
    )
    to_: str | None = attrs.field(
        default=None,
        converter=_to_destinations,
        validator=v.optional(v.destinations()),
    )
    call_uuid: str | None = optional_text()
    caller_name: str | None = attrs.field(
        default=None, converter=v.empty_to_none, validator=v.optional(v.max_length(50))
    )
    call_status_callback_url: str | None = url_field()
    call_status_callback_method: str | None = method_field()
    sip_headers: str | None = attrs.field(
        default=None, converter=v.to_sip_headers, validator=v.optional(v.sip_headers())
    )
    confirm_key: str | None = attrs.field(
        default=None, converter=v.empty_to_none, validator=v.optional(v.one_of(_CONFIRM_KEYS))
    )
    confirm_key_sound_url: str | None = url_field()
    confirm_key_sound_method: str | None = method_field()
    dial_music: str | None = _url_or(("real", "none"))
    ring_timeout: int | str | None = attrs.field(
        default=None, converter=_to_per_destination, validator=v.optional(_PER_DESTINATION)
    )
    delay_dial: int | str | None = attrs.field(
        default=None, converter=_to_per_destination, validator=v.optional(_PER_DESTINATION)
    )
    max_duration: int | None = int_field(300, 28800)
    max_participants: int | None = int_field(2, 10)
    record_min_member_count: int | None = int_field(1, 2)
    wait_music_url: str | None = url_field()
    wait_music_method: str | None = method_field()
    agent_hold_music_url: str | None = url_field()
    agent_hold_music_method: str | None = method_field()
    customer_hold_music_url: str | None = url_field()
    customer_hold_music_method: str | None = method_field()
    recording_callback_url: str | None = url_field()
    recording_callback_method: str | None = method_field()
    status_callback_url: str | None = url_field()
    status_callback_method: str | None = method_field()
    on_exit_action_url: str | None = url_field()
    on_exit_action_method: str | None = method_field()
    record: bool | None = bool_field()
    record_participant_track: bool | None = bool_field()
    record_file_format: str | None = file_format_field()
    status_callback_events: str | None = attrs.field(
        default=None,
        converter=v.to_lower,
        validator=v.optional(
            v.rule(
                "must be comma-separated events among " + ", ".join(MPC_STATUS_CALLBACK_EVENTS),
                _events_ok,
            )
        ),
    )
    stay_alone: bool | None = bool_field()
    coach_mode: bool | None = bool_field()
    mute: bool | None = bool_field()
    hold: bool | None = bool_field()
    start_mpc_on_enter: bool | None = bool_field()
    end_mpc_on_exit: bool | None = bool_field()
    relay_dtmf_inputs: bool | None = bool_field()
    enter_sound: str | None = _url_or(_SOUNDS)
    enter_sound_method: str | None = method_field()
    exit_sound: str | None = _url_or(_SOUNDS)
    exit_sound_method: str | None = method_field()
    start_recording_audio: str | None = url_field()
    start_recording_audio_method: str | None = method_field()
    stop_recording_audio: str | None = url_field()
    stop_recording_audio_method: str | None = method_field()
    create_mpc_with_single_participant: bool | None = bool_field()
    send_digits: str | None = attrs.field(
        default=None, converter=v.empty_to_none, validator=v.optional(v.send_digits())
    )
    send_on_preanswer: bool | None = bool_field()
    transcription_url: str | None = url_field()
    transcript: bool | None = bool_field()
    callback_url: str | None = url_field()
    callback_method: str | None = method_field()

    def __attrs_post_init__(self) -> None:
        dialling = self.from_ is not None or self.to_ is not None
        if dialling and self.call_uuid is not None:
            raise ValidationError.invalid(
                "call_uuid", "cannot be given with from_ and to_", self.call_uuid
            )
        if not dialling and self.call_uuid is None:
            raise ValidationError.invalid("call_uuid", "give call_uuid, or from_ and to_")
        if self.call_uuid is None:
            if self.from_ is None:
                raise ValidationError.invalid("from_", "is required with to_")
            if self.to_ is None:
                raise ValidationError.invalid("to_", "is required with from_")
        count = len(self.destinations)
        if count > 1 and self.role != "agent":
            raise ValidationError.invalid(
                "to_",
                f"may hold several destinations only for role 'agent', not {self.role!r}",
                self.to_,
            )
        if count > MAX_DESTINATIONS:
            raise ValidationError.invalid(
                "to_", f"may hold at most {MAX_DESTINATIONS} destinations", self.to_
            )
        for field in ("ring_timeout", "delay_dial"):
            value = getattr(self, field)
            if count and value is not None and len(str(value).split("<")) > count:
                raise ValidationError.invalid(
                    field, "must not hold more values than there are destinations", value
                )

    @property
    def destinations(self) -> tuple[str, ...]:
        """The numbers / SIP URIs this request dials (none when adding ``call_uuid``)."""
        return () if self.to_ is None else tuple(v.split_destinations(self.to_))

    @property
    def calls(self) -> int:
        """Calls this request places: one per destination (none for an existing call)."""
        return len(self.destinations)


@request_model
@attrs.frozen(kw_only=True)
class StartRecordingRequest:
    """Body of ``POST MultiPartyCall/{id}/Record/``."""

    file_format: str | None = file_format_field()
    recording_callback_url: str | None = url_field()
    recording_callback_method: str | None = method_field()
    callback_url: str | None = url_field()
    callback_method: str | None = method_field()
    transcription_url: str | None = url_field()
    transcript: bool | None = bool_field()


@request_model
@attrs.frozen(kw_only=True)
class ParticipantRecordingRequest:
    """Body of ``POST MultiPartyCall/{id}/Participant/{pid}/Record/``."""

    file_format: str | None = file_format_field()
    recording_callback_url: str | None = url_field()
    recording_callback_method: str | None = method_field()
    callback_url: str | None = url_field()
    callback_method: str | None = method_field()
    record_track_type: str | None = optional_text()
    transcription_url: str | None = url_field()
    transcript: bool | None = bool_field()


@request_model
@attrs.frozen(kw_only=True)
class ParticipantRecordTrackRequest:
    """Body of a participant's stop / pause / resume recording."""

    callback_url: str | None = url_field()
    callback_method: str | None = method_field()
    record_track_type: str | None = optional_text()


@request_model
@attrs.frozen(kw_only=True)
class UpdateParticipantRequest:
    """Body of ``POST MultiPartyCall/{id}/Participant/{pid}/``: coach mode, mute, hold."""

    coach_mode: bool | None = bool_field()
    mute: bool | None = bool_field()
    hold: bool | None = bool_field()
    callback_url: str | None = url_field()
    callback_method: str | None = method_field()

    def __attrs_post_init__(self) -> None:
        if self.coach_mode is None and self.mute is None and self.hold is None:
            raise ValidationError.invalid(
                "coach_mode", "update at least one of coach_mode, mute or hold"
            )


@request_model
@attrs.frozen(kw_only=True)
class StartPlayAudioRequest:
    """Body of ``POST MultiPartyCall/{id}/Member/{pid}/Play/``."""

    url: str = attrs.field(validator=v.all_of(v.required(), v.http_url()))


# -- responses ----------------------------------------------------------------------------


@attrs.frozen(kw_only=True)
class MultiPartyCallDetails:
    """A multi-party call (``GET MultiPartyCall/{id}/``, or one entry of a list)."""

    api_id: str | None = None
    mpc_uuid: str | None = None
    friendly_name: str | None = None
    status: str | None = None
    recording: str | None = None
    stay_alone: bool | None = None
    start_time: str | None = None
    end_time: str | None = None
    duration: int | None = None
    billed_duration: int | None = None
    billed_amount: float | None = None
    termination_cause: str | None = None
    termination_cause_code: int | None = None
    participants: str | None = None
    resource_uri: str | None = None
    sub_account: str | None = None
    raw: dict[str, Any] = attrs.field(factory=dict, repr=False, eq=False)


@attrs.frozen(kw_only=True)
class MultiPartyCallListMeta(ListMeta):
    """Pagination of a multi-party call list; Plivo names the total ``count`` here."""

    count: int | None = None


class _Page:
    """``for x in page`` and ``len(page)`` over a list answer's ``objects``."""

    objects: list[Any]

    def __iter__(self) -> Any:
        return iter(self.objects)

    def __len__(self) -> int:
        return len(self.objects)


@attrs.frozen(kw_only=True)
class MultiPartyCallListResponse(_Page):
    """One page of ``GET MultiPartyCall/``."""

    api_id: str | None = None
    meta: MultiPartyCallListMeta = attrs.field(factory=MultiPartyCallListMeta)
    objects: list[MultiPartyCallDetails] = attrs.field(factory=list)
    raw: dict[str, Any] = attrs.field(factory=dict, repr=False, eq=False)


@attrs.frozen(kw_only=True)
class Participant:
    """A participant of a multi-party call (``GET .../Participant/{pid}/`` or a list entry)."""

    api_id: str | None = None
    member_id: str | None = None
    mpc_uuid: str | None = None
    call_uuid: str | None = None
    role: str | None = None
    coach_mode: bool | None = None
    mute: bool | None = None
    hold: bool | None = None
    start_mpc_on_enter: bool | None = None
    end_mpc_on_exit: bool | None = None
    join_time: str | None = None
    exit_time: str | None = None
    exit_cause: str | None = None
    duration: int | None = None
    billed_duration: int | None = None
    billed_amount: float | None = None
    resource_uri: str | None = None
    raw: dict[str, Any] = attrs.field(factory=dict, repr=False, eq=False)


@attrs.frozen(kw_only=True)
class ParticipantListResponse(_Page):
    """``GET MultiPartyCall/{id}/Participant/``: the participants, with paging meta."""

    api_id: str | None = None
    meta: MultiPartyCallListMeta = attrs.field(factory=MultiPartyCallListMeta)
    objects: list[Participant] = attrs.field(factory=list)
    raw: dict[str, Any] = attrs.field(factory=dict, repr=False, eq=False)


@attrs.frozen(kw_only=True)
class ParticipantCall:
    """One call an add-participant request placed."""

    call_uuid: str | None = None
    from_: str | None = None
    to: str | None = None
    raw: dict[str, Any] = attrs.field(factory=dict, repr=False, eq=False)


@attrs.frozen(kw_only=True)
class AddParticipantResponse:
    """``"add participant action initiated"``: the calls placed, one per destination."""

    api_id: str | None = None
    message: str | None = None
    request_uuid: str | None = None
    calls: list[ParticipantCall] = attrs.field(factory=list)
    raw: dict[str, Any] = attrs.field(factory=dict, repr=False, eq=False)


@attrs.frozen(kw_only=True)
class MultiPartyCallActionResponse:
    """The answer to an action (start, stop, pause, resume, update, kick).

    ``message`` is usually a string; updating a participant answers with one message per
    updated setting (``{"mute": "...", "hold": "..."}``), kept as that dict.
    """

    api_id: str | None = None
    message: str | dict[str, Any] | None = None
    request_uuid: str | None = None
    raw: dict[str, Any] = attrs.field(factory=dict, repr=False, eq=False)


@attrs.frozen(kw_only=True)
class MultiPartyCallRecordingResponse:
    """The answer to a start recording: its id and where the file will be."""

    api_id: str | None = None
    message: str | None = None
    request_uuid: str | None = None
    recording_id: str | None = None
    recording_url: str | None = None
    raw: dict[str, Any] = attrs.field(factory=dict, repr=False, eq=False)


@attrs.frozen(kw_only=True)
class MultiPartyCallPlayAudioResponse:
    """``"play queued into MPC"``; Plivo's camel-case ``mpcMemberId``/``mpcName`` as properties."""

    api_id: str | None = None
    message: str | None = None
    raw: dict[str, Any] = attrs.field(factory=dict, repr=False, eq=False)

    @property
    def member_ids(self) -> list[str]:
        """The members the audio plays to (``mpcMemberId``)."""
        ids = self.raw.get("mpcMemberId")
        if isinstance(ids, list):
            return [str(i) for i in ids]
        return [] if ids is None else [str(ids)]

    @property
    def mpc_name(self) -> str | None:
        """The multi-party call's friendly name (``mpcName``)."""
        name = self.raw.get("mpcName")
        return None if name is None else str(name)
