"""Models of verified caller ids (``VerifiedCallerId/``): validated requests, typed answers.

Verifying a number is two steps: :class:`InitiateVerifyRequest` makes Plivo send a code
by SMS or voice call, then the code goes to ``VerifiedCallerId/Verification/{uuid}``.
"""

from __future__ import annotations

import re
from typing import Any

import attrs

from .. import validation as v
from .._convert import request_model
from ._shared import ListMeta, limit_field, offset_field, optional_text, subaccount_field

__all__ = [
    "InitiateVerifyRequest",
    "InitiateVerifyResponse",
    "ListVerifiedCallerIdsRequest",
    "UpdateVerifiedCallerIdRequest",
    "VerifiedCallerId",
    "VerifiedCallerIdListResponse",
    "VerifyCallerIdRequest",
]

_COUNTRY_RE = re.compile(r"[A-Z]{2}")
RULE_COUNTRY = "must be a two-letter ISO country code"
RULE_OTP = "must be a code of digits"
_OTP_RE = re.compile(r"[0-9]{4,10}")


def _to_otp(value: Any) -> Any:
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return value.strip() if isinstance(value, str) else value


def _country() -> Any:
    return attrs.field(
        default=None,
        converter=v.to_upper,
        validator=v.optional(v.rule(RULE_COUNTRY, lambda c: bool(_COUNTRY_RE.fullmatch(c)))),
    )


@request_model
@attrs.frozen(kw_only=True)
class InitiateVerifyRequest:
    """``POST VerifiedCallerId/``: send a verification code to ``phone_number``."""

    phone_number: str = attrs.field(validator=v.phone_number())
    alias: str | None = optional_text()
    channel: str | None = attrs.field(
        default=None, converter=v.to_lower, validator=v.optional(v.one_of(("sms", "call")))
    )
    country: str | None = _country()
    subaccount: str | None = subaccount_field()


@request_model
@attrs.frozen(kw_only=True)
class VerifyCallerIdRequest:
    """``POST VerifiedCallerId/Verification/{verification_uuid}``: the code the number got."""

    otp: str = attrs.field(
        converter=_to_otp,
        validator=v.all_of(
            v.required(),
            v.rule(RULE_OTP, lambda o: isinstance(o, str) and _OTP_RE.fullmatch(o) is not None),
        ),
    )


@request_model
@attrs.frozen(kw_only=True)
class UpdateVerifiedCallerIdRequest:
    """``POST VerifiedCallerId/{phone_number}``: change the alias or the subaccount."""

    alias: str | None = optional_text()
    subaccount: str | None = subaccount_field()


@request_model
@attrs.frozen(kw_only=True)
class ListVerifiedCallerIdsRequest:
    """Query filters of ``GET VerifiedCallerId/``."""

    country: str | None = _country()
    subaccount: str | None = subaccount_field()
    alias: str | None = optional_text()
    limit: int | None = limit_field()
    offset: int | None = offset_field()


# -- responses ----------------------------------------------------------------------------


@attrs.frozen(kw_only=True)
class InitiateVerifyResponse:
    """``"Verification initiated"``: keep ``verification_uuid`` for the code step."""

    api_id: str | None = None
    message: str | None = None
    verification_uuid: str | None = None
    raw: dict[str, Any] = attrs.field(factory=dict, repr=False, eq=False)


@attrs.frozen(kw_only=True)
class VerifiedCallerId:
    """A verified caller id: the answer to a verification, a get, an update, a list entry.

    ``message`` is set on the answers to actions (update, delete, a wrong code); a plain
    get leaves it ``None``.
    """

    api_id: str | None = None
    message: str | None = None
    phone_number: str | None = None
    alias: str | None = None
    channel: str | None = None
    country: str | None = None
    subaccount: str | None = None
    verification_uuid: str | None = None
    created_at: str | None = None
    modified_at: str | None = None
    raw: dict[str, Any] = attrs.field(factory=dict, repr=False, eq=False)


@attrs.frozen(kw_only=True)
class VerifiedCallerIdListResponse:
    """One page of ``GET VerifiedCallerId/``."""

    api_id: str | None = None
    meta: ListMeta = attrs.field(factory=ListMeta)
    objects: list[VerifiedCallerId] = attrs.field(factory=list)
    raw: dict[str, Any] = attrs.field(factory=dict, repr=False, eq=False)

    def __iter__(self) -> Any:
        return iter(self.objects)

    def __len__(self) -> int:
        return len(self.objects)
