"""Models of the Call API: validated requests and typed responses.

Request models are frozen attrs classes that check every rule when they are built, so a
bad value raises :class:`~plivo_async.errors.ValidationError` before any request is sent.
They hold the *wire form* of each value (methods upper-case, destinations joined with
``<``, ``sip_headers`` as ``"k=v,..."``), so ``to_wire(model)`` is exactly the JSON body
and ``from_wire(type(model), to_wire(model)) == model``. Friendly input is accepted and
normalised: lists for ``to``, a mapping for ``sip_headers``, ``"post"``, and the strings a
CSV file holds (``"300"``, ``"true"``, ``""`` for "not given").

Response models keep the whole payload in ``.raw``; every documented field is optional.
"""

from __future__ import annotations

from typing import Any

import attrs

from .. import validation as v
from .._convert import request_model
from ..errors import ValidationError
from ._shared import (  # re-exported: imported from here before
    ActionResponse,
    CallbackRequest,
    ListMeta,
)

__all__ = [
    "LEGS",
    "STIR_VERIFICATION",
    "ActionResponse",
    "CallDetails",
    "CallListResponse",
    "CallbackRequest",
    "CreateCallRequest",
    "CreateCallResponse",
    "ListCallsRequest",
    "ListMeta",
    "LiveCall",
    "LiveCallIds",
    "LiveCallsRequest",
    "PlayRequest",
    "QueuedCall",
    "QueuedCallIds",
    "RecordRequest",
    "RecordResponse",
    "SendDigitsRequest",
    "SpeakRequest",
    "UpdateCallRequest",
]

#: The call legs an in-call action can target.
LEGS = ("aleg", "bleg", "both")
MACHINE_DETECTION = ("true", "hangup")
#: The ``stir_verification`` values of a call record (STIR/SHAKEN attestation, US/Canada).
STIR_VERIFICATION = ("Verified", "Not Verified", "Not Applicable")


def _callback_url() -> Any:
    """``callback_url``: Plivo's asynchronous request mode (the result is posted there)."""
    return attrs.field(default=None, converter=v.empty_to_none, validator=v.optional(v.http_url()))


def _callback_method() -> Any:
    return attrs.field(default=None, converter=v.to_upper, validator=v.optional(v.http_method()))


def _amd_tuning(low: int, high: int) -> Any:
    """A machine-detection tuning value, in Plivo's documented range (ms or words)."""
    return attrs.field(
        default=None, converter=v.to_int, validator=v.optional(v.int_range(low, high))
    )


def _stir_verification(value: Any) -> Any:
    """``"not verified"`` -> ``"Not Verified"``: the values as Plivo spells them."""
    if isinstance(value, str):
        folded = " ".join(value.split()).lower()
        for choice in STIR_VERIFICATION:
            if choice.lower() == folded:
                return choice
    return v.empty_to_none(value)


def _machine_detection(value: Any) -> Any:
    """``True``/``"true"`` -> ``"true"``, ``"hangup"`` kept; ``False``/``"false"``/``""`` -> off."""
    if value is True:
        return "true"
    if value is False:
        return None
    if isinstance(value, str):
        lowered = value.strip().lower()
        return None if lowered in ("", "false") else lowered
    return value


# -- requests -----------------------------------------------------------------------------


@request_model
@attrs.frozen(kw_only=True)
class CreateCallRequest:
    """``POST Call/``: place one call, or several at once (``to`` joined with ``<``).

    Only ``from_``, ``to`` and ``answer_url`` are required; every other field left as
    ``None`` is not sent, so the API applies its documented default (methods POST,
    ``ring_timeout`` 120 s, ``machine_detection_time`` 5000 ms, ``time_limit`` 14400 s).
    Each field is the argument of the same name of
    :meth:`~plivo_async.resources.calls.Calls.create`, which describes each one, with
    its rule and default (``retry_unsafe``, ``to_`` and ``mark`` exist only there).
    """

    from_: str = attrs.field(validator=v.phone_number())
    to: str = attrs.field(converter=v.join_destinations, validator=v.destinations())
    answer_url: str = attrs.field(validator=v.all_of(v.required(), v.http_url()))
    answer_method: str | None = attrs.field(
        default=None, converter=v.to_upper, validator=v.optional(v.http_method())
    )
    ring_url: str | None = attrs.field(
        default=None, converter=v.empty_to_none, validator=v.optional(v.http_url())
    )
    ring_method: str | None = attrs.field(
        default=None, converter=v.to_upper, validator=v.optional(v.http_method())
    )
    hangup_url: str | None = attrs.field(
        default=None, converter=v.empty_to_none, validator=v.optional(v.http_url())
    )
    hangup_method: str | None = attrs.field(
        default=None, converter=v.to_upper, validator=v.optional(v.http_method())
    )
    fallback_url: str | None = attrs.field(
        default=None, converter=v.empty_to_none, validator=v.optional(v.http_url())
    )
    fallback_method: str | None = attrs.field(
        default=None, converter=v.to_upper, validator=v.optional(v.http_method())
    )
    caller_name: str | None = attrs.field(
        default=None, converter=v.empty_to_none, validator=v.optional(v.max_length(50))
    )
    send_digits: str | None = attrs.field(
        default=None, converter=v.empty_to_none, validator=v.optional(v.send_digits())
    )
    send_on_preanswer: bool | None = attrs.field(
        default=None, converter=v.to_bool, validator=v.optional(v.boolean())
    )
    time_limit: int | None = attrs.field(
        default=None, converter=v.to_int, validator=v.optional(v.positive_int())
    )
    hangup_on_ring: int | None = attrs.field(
        default=None, converter=v.to_int, validator=v.optional(v.positive_int())
    )
    machine_detection: str | None = attrs.field(
        default=None,
        converter=_machine_detection,
        validator=v.optional(v.one_of(MACHINE_DETECTION)),
    )
    machine_detection_time: int | None = attrs.field(
        default=None, converter=v.to_int, validator=v.optional(v.int_range(2000, 10000))
    )
    machine_detection_url: str | None = attrs.field(
        default=None, converter=v.empty_to_none, validator=v.optional(v.http_url())
    )
    machine_detection_method: str | None = attrs.field(
        default=None, converter=v.to_upper, validator=v.optional(v.http_method())
    )
    machine_detection_maximum_speech_length: int | None = _amd_tuning(1000, 6000)
    machine_detection_initial_silence: int | None = _amd_tuning(2000, 10000)
    machine_detection_maximum_words: int | None = _amd_tuning(2, 10)
    machine_detection_initial_greeting: int | None = _amd_tuning(1000, 5000)
    machine_detection_silence: int | None = _amd_tuning(500, 5000)
    sip_headers: str | None = attrs.field(
        default=None, converter=v.to_sip_headers, validator=v.optional(v.sip_headers())
    )
    ring_timeout: int | None = attrs.field(
        default=None, converter=v.to_int, validator=v.optional(v.positive_int())
    )
    parent_call_uuid: str | None = attrs.field(
        default=None, converter=v.empty_to_none, validator=v.optional(v.non_empty_str())
    )
    error_if_parent_not_found: bool | None = attrs.field(
        default=None, converter=v.to_bool, validator=v.optional(v.boolean())
    )
    callback_url: str | None = _callback_url()
    callback_method: str | None = _callback_method()

    def __attrs_post_init__(self) -> None:
        caller = self.from_.lstrip("+")
        if any(d.lstrip("+") == caller for d in self.destinations):
            raise ValidationError.invalid("to", "must not include the from_ number", self.to)

    @property
    def destinations(self) -> tuple[str, ...]:
        """The numbers / SIP URIs this request dials (more than one for a bulk call)."""
        return tuple(v.split_destinations(self.to))

    @property
    def calls(self) -> int:
        """How many calls this request places (what the calls-per-second limiter counts)."""
        return len(self.destinations)


@request_model
@attrs.frozen(kw_only=True)
class ListCallsRequest:
    """Query filters of ``GET Call/`` (completed calls), validated like the API does."""

    subaccount: str | None = attrs.field(
        default=None,
        converter=v.empty_to_none,
        validator=v.optional(v.subaccount()),
    )
    call_direction: str | None = attrs.field(
        default=None, converter=v.to_lower, validator=v.optional(v.one_of(("inbound", "outbound")))
    )
    from_number: str | None = attrs.field(
        default=None, converter=v.empty_to_none, validator=v.optional(v.phone_prefix())
    )
    to_number: str | None = attrs.field(
        default=None, converter=v.empty_to_none, validator=v.optional(v.phone_prefix())
    )
    parent_call_uuid: str | None = attrs.field(
        default=None, converter=v.empty_to_none, validator=v.optional(v.non_empty_str())
    )
    bill_duration: int | None = attrs.field(
        default=None, converter=v.to_int, validator=v.optional(v.int_range(0))
    )
    bill_duration__gt: int | None = attrs.field(
        default=None, converter=v.to_int, validator=v.optional(v.int_range(0))
    )
    bill_duration__gte: int | None = attrs.field(
        default=None, converter=v.to_int, validator=v.optional(v.int_range(0))
    )
    bill_duration__lt: int | None = attrs.field(
        default=None, converter=v.to_int, validator=v.optional(v.int_range(0))
    )
    bill_duration__lte: int | None = attrs.field(
        default=None, converter=v.to_int, validator=v.optional(v.int_range(0))
    )
    end_time: str | None = attrs.field(
        default=None, converter=v.to_time_filter, validator=v.optional(v.time_filter())
    )
    end_time__gt: str | None = attrs.field(
        default=None, converter=v.to_time_filter, validator=v.optional(v.time_filter())
    )
    end_time__gte: str | None = attrs.field(
        default=None, converter=v.to_time_filter, validator=v.optional(v.time_filter())
    )
    end_time__lt: str | None = attrs.field(
        default=None, converter=v.to_time_filter, validator=v.optional(v.time_filter())
    )
    end_time__lte: str | None = attrs.field(
        default=None, converter=v.to_time_filter, validator=v.optional(v.time_filter())
    )
    hangup_cause_code: int | None = attrs.field(
        default=None, converter=v.to_int, validator=v.optional(v.int_range(0))
    )
    hangup_source: str | None = attrs.field(
        default=None, converter=v.empty_to_none, validator=v.optional(v.non_empty_str())
    )
    limit: int | None = attrs.field(
        default=None, converter=v.to_int, validator=v.optional(v.int_range(1, 20))
    )
    offset: int | None = attrs.field(
        default=None, converter=v.to_int, validator=v.optional(v.int_range(0))
    )
    stir_verification: str | None = attrs.field(
        default=None,
        converter=_stir_verification,
        validator=v.optional(v.one_of(STIR_VERIFICATION)),
    )
    cursor: str | None = attrs.field(
        default=None, converter=v.empty_to_none, validator=v.optional(v.non_empty_str())
    )
    callback_url: str | None = _callback_url()
    callback_method: str | None = _callback_method()


@request_model
@attrs.frozen(kw_only=True)
class LiveCallsRequest:
    """Query filters of ``GET Call/?status=live`` (ids of the calls in progress)."""

    call_direction: str | None = attrs.field(
        default=None, converter=v.to_lower, validator=v.optional(v.one_of(("inbound", "outbound")))
    )
    from_number: str | None = attrs.field(
        default=None, converter=v.empty_to_none, validator=v.optional(v.phone_prefix())
    )
    to_number: str | None = attrs.field(
        default=None, converter=v.empty_to_none, validator=v.optional(v.phone_prefix())
    )
    limit: int | None = attrs.field(
        default=None, converter=v.to_int, validator=v.optional(v.int_range(1, 20))
    )
    offset: int | None = attrs.field(
        default=None, converter=v.to_int, validator=v.optional(v.int_range(0))
    )
    callback_url: str | None = _callback_url()
    callback_method: str | None = _callback_method()


@request_model
@attrs.frozen(kw_only=True)
class UpdateCallRequest:
    """``POST Call/{uuid}/``: transfer a call in progress to new XML (one or both legs)."""

    legs: str | None = attrs.field(
        default=None, converter=v.to_lower, validator=v.all_of(v.required(), v.one_of(LEGS))
    )
    aleg_url: str | None = attrs.field(
        default=None, converter=v.empty_to_none, validator=v.optional(v.http_url())
    )
    aleg_method: str | None = attrs.field(
        default=None, converter=v.to_upper, validator=v.optional(v.http_method())
    )
    bleg_url: str | None = attrs.field(
        default=None, converter=v.empty_to_none, validator=v.optional(v.http_url())
    )
    bleg_method: str | None = attrs.field(
        default=None, converter=v.to_upper, validator=v.optional(v.http_method())
    )
    callback_url: str | None = _callback_url()
    callback_method: str | None = _callback_method()

    def __attrs_post_init__(self) -> None:
        if self.legs in ("aleg", "both") and self.aleg_url is None:
            raise ValidationError.invalid("aleg_url", f"is required when legs={self.legs!r}")
        if self.legs in ("bleg", "both") and self.bleg_url is None:
            raise ValidationError.invalid("bleg_url", f"is required when legs={self.legs!r}")


@request_model
@attrs.frozen(kw_only=True)
class RecordRequest:
    """``POST Call/{uuid}/Record/``: start recording a call in progress."""

    time_limit: int | None = attrs.field(
        default=None, converter=v.to_int, validator=v.optional(v.positive_int())
    )
    file_format: str | None = attrs.field(
        default=None, converter=v.to_lower, validator=v.optional(v.one_of(("mp3", "wav")))
    )
    transcription_type: str | None = attrs.field(
        default=None, converter=v.to_lower, validator=v.optional(v.one_of(("auto",)))
    )
    transcription_url: str | None = attrs.field(
        default=None, converter=v.empty_to_none, validator=v.optional(v.http_url())
    )
    transcription_method: str | None = attrs.field(
        default=None, converter=v.to_upper, validator=v.optional(v.http_method())
    )
    # Plivo documents no value list for it (the SDK checks nothing): any non-empty text.
    transcription_report_type: str | None = attrs.field(
        default=None, converter=v.empty_to_none, validator=v.optional(v.non_empty_str())
    )
    callback_url: str | None = attrs.field(
        default=None, converter=v.empty_to_none, validator=v.optional(v.http_url())
    )
    callback_method: str | None = attrs.field(
        default=None, converter=v.to_upper, validator=v.optional(v.http_method())
    )
    record_channel_type: str | None = attrs.field(
        default=None, converter=v.to_lower, validator=v.optional(v.one_of(("mono", "stereo")))
    )


@request_model
@attrs.frozen(kw_only=True)
class PlayRequest:
    """``POST Call/{uuid}/Play/``: play audio files (mp3/wav URLs) on a call."""

    urls: str = attrs.field(converter=v.join_urls, validator=v.urls_list())
    length: int | None = attrs.field(
        default=None, converter=v.to_int, validator=v.optional(v.positive_int())
    )
    legs: str | None = attrs.field(
        default=None, converter=v.to_lower, validator=v.optional(v.one_of(LEGS))
    )
    loop: bool | None = attrs.field(
        default=None, converter=v.to_bool, validator=v.optional(v.boolean())
    )
    mix: bool | None = attrs.field(
        default=None, converter=v.to_bool, validator=v.optional(v.boolean())
    )
    callback_url: str | None = _callback_url()
    callback_method: str | None = _callback_method()


@request_model
@attrs.frozen(kw_only=True)
class SpeakRequest:
    """``POST Call/{uuid}/Speak/``: speak text on a call."""

    text: str = attrs.field(validator=v.all_of(v.required(), v.non_empty_str()))
    voice: str | None = attrs.field(
        default=None, converter=v.empty_to_none, validator=v.optional(v.non_empty_str())
    )
    language: str | None = attrs.field(
        default=None, converter=v.empty_to_none, validator=v.optional(v.non_empty_str())
    )
    legs: str | None = attrs.field(
        default=None, converter=v.to_lower, validator=v.optional(v.one_of(LEGS))
    )
    loop: bool | None = attrs.field(
        default=None, converter=v.to_bool, validator=v.optional(v.boolean())
    )
    mix: bool | None = attrs.field(
        default=None, converter=v.to_bool, validator=v.optional(v.boolean())
    )
    type: str | None = attrs.field(
        default=None, converter=v.to_lower, validator=v.optional(v.one_of(("text", "ssml")))
    )
    callback_url: str | None = _callback_url()
    callback_method: str | None = _callback_method()


@request_model
@attrs.frozen(kw_only=True)
class SendDigitsRequest:
    """``POST Call/{uuid}/DTMF/``: send DTMF digits on a call."""

    digits: str = attrs.field(validator=v.all_of(v.required(), v.send_digits()))
    leg: str | None = attrs.field(
        default=None, converter=v.to_lower, validator=v.optional(v.one_of(("aleg", "bleg")))
    )
    callback_url: str | None = _callback_url()
    callback_method: str | None = _callback_method()


# -- responses ----------------------------------------------------------------------------


@attrs.frozen(kw_only=True)
class CreateCallResponse:
    """``"call fired"`` (201) or ``"call queued"`` (200, over the account's CPS).

    ``request_uuid`` is a list for a bulk (``<``) request, one id per destination.
    """

    api_id: str | None = None
    message: str | None = None
    request_uuid: str | list[str] | None = None
    raw: dict[str, Any] = attrs.field(factory=dict, repr=False, eq=False)

    @property
    def request_uuids(self) -> list[str]:
        """``request_uuid`` as a list, whether one call or a bulk request was placed."""
        if self.request_uuid is None:
            return []
        if isinstance(self.request_uuid, str):
            return [self.request_uuid]
        return list(self.request_uuid)


@attrs.frozen(kw_only=True)
class RecordResponse:
    """``"call recording started"``: where the recording will be and its id."""

    api_id: str | None = None
    message: str | None = None
    url: str | None = None
    recording_id: str | None = None
    raw: dict[str, Any] = attrs.field(factory=dict, repr=False, eq=False)


@attrs.frozen(kw_only=True)
class CallDetails:
    """A call detail record (``GET Call/{uuid}/``, or one entry of a list)."""

    api_id: str | None = None
    call_uuid: str | None = None
    parent_call_uuid: str | None = None
    from_number: str | None = None
    to_number: str | None = None
    call_direction: str | None = None
    call_state: str | None = None
    call_status: str | None = None
    answer_time: str | None = None
    end_time: str | None = None
    initiation_time: str | None = None
    call_duration: int | None = None
    bill_duration: int | None = None
    billed_duration: int | None = None
    total_amount: str | None = None
    total_rate: str | None = None
    hangup_cause_name: str | None = None
    hangup_cause_code: int | None = None
    hangup_source: str | None = None
    resource_uri: str | None = None
    stir_verification: str | None = None
    source_ip: str | None = None
    raw: dict[str, Any] = attrs.field(factory=dict, repr=False, eq=False)


@attrs.frozen(kw_only=True)
class CallListResponse:
    """One page of ``GET Call/``: ``meta`` and up to ``limit`` :class:`CallDetails`."""

    api_id: str | None = None
    meta: ListMeta = attrs.field(factory=ListMeta)
    objects: list[CallDetails] = attrs.field(factory=list)
    raw: dict[str, Any] = attrs.field(factory=dict, repr=False, eq=False)

    def __iter__(self) -> Any:
        return iter(self.objects)

    def __len__(self) -> int:
        return len(self.objects)


@attrs.frozen(kw_only=True)
class LiveCall:
    """A call in progress (``GET Call/{uuid}/?status=live``)."""

    api_id: str | None = None
    call_uuid: str | None = None
    request_uuid: str | None = None
    direction: str | None = None
    from_: str | None = None
    to: str | None = None
    caller_name: str | None = None
    call_status: str | None = None
    session_start: str | None = None
    stir_verification: str | None = None
    raw: dict[str, Any] = attrs.field(factory=dict, repr=False, eq=False)


@attrs.frozen(kw_only=True)
class QueuedCall:
    """A call waiting in Plivo's queue (``GET Call/{uuid}/?status=queued``)."""

    api_id: str | None = None
    call_uuid: str | None = None
    request_uuid: str | None = None
    direction: str | None = None
    from_: str | None = None
    to: str | None = None
    caller_name: str | None = None
    call_status: str | None = None
    raw: dict[str, Any] = attrs.field(factory=dict, repr=False, eq=False)


@attrs.frozen(kw_only=True)
class LiveCallIds:
    """``GET Call/?status=live``: the uuids of the calls in progress."""

    api_id: str | None = None
    calls: list[str] = attrs.field(factory=list)
    raw: dict[str, Any] = attrs.field(factory=dict, repr=False, eq=False)


@attrs.frozen(kw_only=True)
class QueuedCallIds:
    """``GET Call/?status=queued``: the uuids of the queued calls."""

    api_id: str | None = None
    calls: list[str] = attrs.field(factory=list)
    raw: dict[str, Any] = attrs.field(factory=dict, repr=False, eq=False)
