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
from ._shared import (
    ListMeta,
    bool_field,
    file_format_field,
    int_field,
    limit_field,
    method_field,
    subaccount_field,
    time_filter_field,
    url_field,
)

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


def _number() -> Any:
    return attrs.field(
        default=None, converter=v.empty_to_none, validator=v.optional(v.phone_number())
    )


@request_model
@attrs.frozen(kw_only=True)
class UpdateMaskingSessionRequest:
    """``POST Masking/Session/{session_uuid}``: change a session's settings."""

    first_party: str | None = _number()
    second_party: str | None = _number()
    session_expiry: int | None = int_field(0)
    call_time_limit: int | None = int_field(1)
    record: bool | None = bool_field()
    record_file_format: str | None = file_format_field()
    recording_callback_url: str | None = url_field()
    callback_url: str | None = url_field()
    callback_method: str | None = method_field()
    ring_timeout: int | None = int_field(1)
    first_party_play_url: str | None = url_field()
    second_party_play_url: str | None = url_field()
    recording_callback_method: str | None = method_field()
    subaccount: str | None = subaccount_field()
    geomatch: bool | None = bool_field()
    create_session_with_single_party: bool | None = bool_field()


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
    session_expiry: int | None = int_field(0)
    call_time_limit: int | None = int_field(1)
    record: bool | None = bool_field()
    record_file_format: str | None = file_format_field()
    recording_callback_url: str | None = url_field()
    initiate_call_to_first_party: bool | None = bool_field()
    callback_url: str | None = url_field()
    callback_method: str | None = method_field()
    ring_timeout: int | None = int_field(1)
    first_party_play_url: str | None = url_field()
    second_party_play_url: str | None = url_field()
    recording_callback_method: str | None = method_field()
    is_pin_authentication_required: bool | None = bool_field()
    generate_pin: bool | None = bool_field()
    generate_pin_length: int | None = int_field(4, 15)
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
    pin_prompt_play: str | None = url_field()
    pin_retry: int | None = int_field(0)
    pin_retry_wait: int | None = int_field(1)
    incorrect_pin_play: str | None = url_field()
    unknown_caller_play: str | None = url_field()
    subaccount: str | None = subaccount_field()
    geomatch: bool | None = bool_field()
    create_session_with_single_party: bool | None = bool_field()
    virtual_number_cooloff_period: int | None = int_field(0)
    force_pin_authentication: bool | None = bool_field()

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
    created_time: str | None = time_filter_field()
    created_time__lt: str | None = time_filter_field()
    created_time__lte: str | None = time_filter_field()
    created_time__gt: str | None = time_filter_field()
    created_time__gte: str | None = time_filter_field()
    expiry_time: str | None = time_filter_field()
    expiry_time__lt: str | None = time_filter_field()
    expiry_time__lte: str | None = time_filter_field()
    expiry_time__gt: str | None = time_filter_field()
    expiry_time__gte: str | None = time_filter_field()
    duration: int | None = int_field(0)
    duration__lt: int | None = int_field(0)
    duration__lte: int | None = int_field(0)
    duration__gt: int | None = int_field(0)
    duration__gte: int | None = int_field(0)
    limit: int | None = limit_field()
    offset: int | None = int_field(0)
    subaccount: str | None = subaccount_field()


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
