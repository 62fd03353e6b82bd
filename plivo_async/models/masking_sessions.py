"""Models of number masking sessions (``Masking/Session/``): validated requests, typed answers.

Field names and the set of arguments follow the official SDK's ``maskingsession.py``; the
rules follow Plivo's Number Masking API documentation (numbers E.164, durations in
seconds, ``generate_pin_length`` 4..15, recording formats mp3/wav, methods GET/POST).
"""

from __future__ import annotations

import re
from typing import Any

import attrs

from .. import validation as v
from .._convert import request_model
from ..errors import ValidationError
from .calls import ListMeta

__all__ = [
    "CreateMaskingSessionRequest",
    "CreateMaskingSessionResponse",
    "ListMaskingSessionsRequest",
    "MaskingSession",
    "MaskingSessionActionResponse",
    "MaskingSessionInteraction",
    "MaskingSessionListResponse",
    "MaskingSessionPage",
    "MaskingSessionResponse",
    "UpdateMaskingSessionRequest",
]

_PIN_RE = re.compile(r"[0-9]{4,15}")
RULE_PIN = "must be 4 to 15 digits"


def _pin_ok(value: object) -> bool:
    return isinstance(value, str) and _PIN_RE.fullmatch(value) is not None


def _to_pin(value: Any) -> Any:
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return v.empty_to_none(value)


def _url() -> Any:
    return attrs.field(default=None, converter=v.empty_to_none, validator=v.optional(v.http_url()))


def _method() -> Any:
    return attrs.field(default=None, converter=v.to_upper, validator=v.optional(v.http_method()))


def _flag() -> Any:
    return attrs.field(default=None, converter=v.to_bool, validator=v.optional(v.boolean()))


def _seconds(low: int = 1) -> Any:
    return attrs.field(default=None, converter=v.to_int, validator=v.optional(v.int_range(low)))


def _number() -> Any:
    return attrs.field(
        default=None, converter=v.empty_to_none, validator=v.optional(v.phone_number())
    )


def _file_format() -> Any:
    return attrs.field(
        default=None, converter=v.to_lower, validator=v.optional(v.one_of(("mp3", "wav")))
    )


def _subaccount() -> Any:
    return attrs.field(
        default=None, converter=v.empty_to_none, validator=v.optional(v.subaccount())
    )


def _time_filter() -> Any:
    return attrs.field(
        default=None, converter=v.to_time_filter, validator=v.optional(v.time_filter())
    )


@request_model
@attrs.frozen(kw_only=True)
class UpdateMaskingSessionRequest:
    """``POST Masking/Session/{session_uuid}``: change a session's settings."""

    first_party: str | None = _number()
    second_party: str | None = _number()
    session_expiry: int | None = _seconds(0)
    call_time_limit: int | None = _seconds()
    record: bool | None = _flag()
    record_file_format: str | None = _file_format()
    recording_callback_url: str | None = _url()
    callback_url: str | None = _url()
    callback_method: str | None = _method()
    ring_timeout: int | None = _seconds()
    first_party_play_url: str | None = _url()
    second_party_play_url: str | None = _url()
    recording_callback_method: str | None = _method()
    subaccount: str | None = _subaccount()
    geomatch: bool | None = _flag()
    create_session_with_single_party: bool | None = _flag()


@request_model
@attrs.frozen(kw_only=True)
class CreateMaskingSessionRequest:
    """``POST Masking/Session``: connect two numbers through one of the account's numbers.

    ``first_party`` is required; ``second_party`` too, unless
    ``create_session_with_single_party=True``.
    """

    first_party: str | None = attrs.field(
        default=None, converter=v.empty_to_none, validator=v.phone_number()
    )
    second_party: str | None = _number()
    session_expiry: int | None = _seconds(0)
    call_time_limit: int | None = _seconds()
    record: bool | None = _flag()
    record_file_format: str | None = _file_format()
    recording_callback_url: str | None = _url()
    initiate_call_to_first_party: bool | None = _flag()
    callback_url: str | None = _url()
    callback_method: str | None = _method()
    ring_timeout: int | None = _seconds()
    first_party_play_url: str | None = _url()
    second_party_play_url: str | None = _url()
    recording_callback_method: str | None = _method()
    is_pin_authentication_required: bool | None = _flag()
    generate_pin: bool | None = _flag()
    generate_pin_length: int | None = attrs.field(
        default=None, converter=v.to_int, validator=v.optional(v.int_range(4, 15))
    )
    first_party_pin: str | None = attrs.field(
        default=None,
        converter=_to_pin,
        validator=v.optional(v.rule(RULE_PIN, _pin_ok)),
    )
    second_party_pin: str | None = attrs.field(
        default=None,
        converter=_to_pin,
        validator=v.optional(v.rule(RULE_PIN, _pin_ok)),
    )
    pin_prompt_play: str | None = _url()
    pin_retry: int | None = _seconds(0)
    pin_retry_wait: int | None = _seconds()
    incorrect_pin_play: str | None = _url()
    unknown_caller_play: str | None = _url()
    subaccount: str | None = _subaccount()
    geomatch: bool | None = _flag()
    create_session_with_single_party: bool | None = _flag()
    virtual_number_cooloff_period: int | None = _seconds(0)
    force_pin_authentication: bool | None = _flag()

    def __attrs_post_init__(self) -> None:
        if self.second_party is None and not self.create_session_with_single_party:
            raise ValidationError.invalid(
                "second_party", "is required unless create_session_with_single_party=True"
            )
        if self.first_party == self.second_party:
            raise ValidationError.invalid(
                "second_party", "must differ from first_party", self.second_party
            )


@request_model
@attrs.frozen(kw_only=True)
class ListMaskingSessionsRequest:
    """Query filters of ``GET Masking/Session`` (times as ``YYYY-MM-DD HH:MM[:SS]`` UTC)."""

    first_party: str | None = _number()
    second_party: str | None = _number()
    virtual_number: str | None = _number()
    status: str | None = attrs.field(
        default=None,
        converter=v.to_lower,
        validator=v.optional(v.one_of(("active", "in-progress", "expired"))),
    )
    created_time: str | None = _time_filter()
    created_time__lt: str | None = _time_filter()
    created_time__lte: str | None = _time_filter()
    created_time__gt: str | None = _time_filter()
    created_time__gte: str | None = _time_filter()
    expiry_time: str | None = _time_filter()
    expiry_time__lt: str | None = _time_filter()
    expiry_time__lte: str | None = _time_filter()
    expiry_time__gt: str | None = _time_filter()
    expiry_time__gte: str | None = _time_filter()
    duration: int | None = _seconds(0)
    duration__lt: int | None = _seconds(0)
    duration__lte: int | None = _seconds(0)
    duration__gt: int | None = _seconds(0)
    duration__gte: int | None = _seconds(0)
    limit: int | None = attrs.field(
        default=None, converter=v.to_int, validator=v.optional(v.int_range(1, 20))
    )
    offset: int | None = _seconds(0)
    subaccount: str | None = _subaccount()


# -- responses ----------------------------------------------------------------------------


@attrs.frozen(kw_only=True)
class MaskingSessionInteraction:
    """Where the calls and recordings of a session can be fetched."""

    first_party_resource_url: str | None = None
    second_party_resource_url: str | None = None
    recording_resource_url: str | None = None
    raw: dict[str, Any] = attrs.field(factory=dict, repr=False, eq=False)


@attrs.frozen(kw_only=True)
class MaskingSession:
    """A number masking session as the API describes it.

    Plivo sends several numbers and flags as strings (``"3600"``, ``"false"``); they are
    typed here, and the original payload stays in ``.raw``.
    """

    session_uuid: str | None = None
    virtual_number: str | None = None
    status: str | None = None
    first_party: str | None = None
    second_party: str | None = None
    record: bool | None = None
    record_file_format: str | None = None
    recording_callback_url: str | None = None
    recording_callback_method: str | None = None
    callback_url: str | None = None
    callback_method: str | None = None
    session_expiry: int | None = None
    call_time_limit: int | None = None
    ring_timeout: int | None = None
    initiate_call_to_first_party: bool | None = None
    first_party_play_url: str | None = None
    second_party_play_url: str | None = None
    is_pin_authentication_required: bool | None = None
    generate_pin: bool | None = None
    generate_pin_length: int | None = None
    first_party_pin: str | None = None
    second_party_pin: str | None = None
    created_time: str | None = None
    modified_time: str | None = None
    expiry_time: str | None = None
    last_interaction_time: str | None = None
    duration: int | None = None
    amount: str | None = None
    total_call_count: int | None = None
    total_call_amount: str | None = None
    total_call_billed_duration: int | None = None
    total_session_amount: str | None = None
    interaction: MaskingSessionInteraction | None = None
    raw: dict[str, Any] = attrs.field(factory=dict, repr=False, eq=False)


@attrs.frozen(kw_only=True)
class CreateMaskingSessionResponse:
    """``"Session created"``: the session's id, the number to dial, and the session."""

    api_id: str | None = None
    message: str | None = None
    session_uuid: str | None = None
    virtual_number: str | None = None
    session: MaskingSession | None = None
    raw: dict[str, Any] = attrs.field(factory=dict, repr=False, eq=False)


@attrs.frozen(kw_only=True)
class MaskingSessionResponse:
    """``GET Masking/Session/{uuid}``: the session is in ``response``."""

    api_id: str | None = None
    response: MaskingSession | None = None
    raw: dict[str, Any] = attrs.field(factory=dict, repr=False, eq=False)

    @property
    def session(self) -> MaskingSession | None:
        return self.response


@attrs.frozen(kw_only=True)
class MaskingSessionActionResponse:
    """The answer to an update (with the updated ``session``) or a delete."""

    api_id: str | None = None
    message: str | None = None
    session: MaskingSession | None = None
    raw: dict[str, Any] = attrs.field(factory=dict, repr=False, eq=False)


@attrs.frozen(kw_only=True)
class MaskingSessionPage:
    """``meta`` and the sessions of one page."""

    meta: ListMeta = attrs.field(factory=ListMeta)
    objects: list[MaskingSession] = attrs.field(factory=list)
    raw: dict[str, Any] = attrs.field(factory=dict, repr=False, eq=False)


@attrs.frozen(kw_only=True)
class MaskingSessionListResponse:
    """One page of ``GET Masking/Session``: Plivo nests ``meta`` and ``objects`` in ``response``."""

    api_id: str | None = None
    response: MaskingSessionPage = attrs.field(factory=MaskingSessionPage)
    raw: dict[str, Any] = attrs.field(factory=dict, repr=False, eq=False)

    @property
    def meta(self) -> ListMeta:
        return self.response.meta

    @property
    def objects(self) -> list[MaskingSession]:
        return self.response.objects

    def __iter__(self) -> Any:
        return iter(self.objects)

    def __len__(self) -> int:
        return len(self.objects)
