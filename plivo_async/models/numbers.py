"""Models of phone numbers: your numbers (``Number/``) and rentable ones (``PhoneNumber/``).

Your numbers are those you rented from Plivo (``numbers.buy``) or added from your own
carrier (``numbers.create``); each may point at an application, which answers its calls.
Rentable numbers are what ``numbers.search`` finds in Plivo's inventory of a country.
Numbers are E.164 digits (``14155550100``; a leading ``+`` is accepted); fields left as
``None`` are not sent.
"""

from __future__ import annotations

import re
from typing import Any

import attrs

from .. import validation as v
from .._convert import request_model
from ._shared import (
    ListMeta,
    ListPage,
    bool_field,
    id_text,
    limit_field,
    offset_field,
    optional_text,
    subaccount_field,
    to_id_text,
)

__all__ = [
    "NUMBER_TYPES",
    "SEARCH_TYPES",
    "SERVICES",
    "BoughtNumber",
    "BuyNumberRequest",
    "BuyNumberResponse",
    "CreateNumberRequest",
    "ListNumbersRequest",
    "Number",
    "NumberListResponse",
    "PhoneNumber",
    "PhoneNumberListResponse",
    "SearchNumbersRequest",
    "UpdateNumberRequest",
    "number_path_text",
]

#: The ``type`` filter of ``numbers.list`` (Plivo's list of your numbers).
NUMBER_TYPES = ("local", "mobile", "fixed", "national", "tollfree")
#: The ``type`` filter of ``numbers.search``: ``any`` (the default) finds every type.
SEARCH_TYPES = ("any", *NUMBER_TYPES)
#: What a number can receive: the ``services`` filter takes any of these, comma-separated.
SERVICES = ("voice", "sms", "mms")
_CNAM = ("enabled", "disabled")
_TENDLC_STATUSES = ("unregistered", "in_progress", "registered")
_TOLL_FREE_VERIFICATION = ("unverified", "pending_verification", "verified")

_COUNTRY_ISO_RE = re.compile(r"[A-Z]{2}")
_DIGITS_RE = re.compile(r"[0-9]{1,15}")
_PATTERN_RE = re.compile(r"[0-9A-Z*?]{1,15}")
_NPANXX_RE = re.compile(r"[2-9][0-9]{5}")
_LATA_RE = re.compile(r"[0-9]{3,5}")
_DATE_RE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_CARRIER_NUMBERS_RULE = "must be one or more phone numbers, comma-separated (or given as a list)"
_SERVICES_RULE = "must be one or more of voice, sms, mms, comma-separated (or given as a list)"


def to_digits_text(value: Any) -> Any:
    """A number or prefix given as an ``int`` (``14155550100``) is sent as its digits."""
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return v.empty_to_none(value)


def _join(value: Any) -> Any:
    """A list/tuple of strings joined with commas (``services``, carrier ``numbers``)."""
    if isinstance(value, (list, tuple)) and all(isinstance(item, str) for item in value):
        return ",".join(value) or None
    return v.empty_to_none(value)


def _to_services(value: Any) -> Any:
    joined = _join(value)
    return joined.lower() if isinstance(joined, str) else joined


def _to_pattern(value: Any) -> Any:
    return v.to_upper(to_digits_text(value))


def _services_ok(value: object) -> bool:
    return isinstance(value, str) and all(s in SERVICES for s in value.split(","))


def _carrier_numbers_ok(value: object) -> bool:
    return isinstance(value, str) and all(v.is_phone_number(n) for n in value.split(","))


def number_path_text(value: Any) -> str:
    """``number`` checked as a phone number (``int`` or text), as its path segment."""
    text = to_digits_text(value)
    v.check("number", v.is_phone_number(text), v.RULE_PHONE_NUMBER, value)
    return v.path_segment("number", text)


def _services_field() -> Any:
    return attrs.field(
        default=None,
        converter=_to_services,
        validator=v.optional(v.rule(_SERVICES_RULE, _services_ok)),
    )


def _choice(choices: tuple[str, ...]) -> Any:
    """An enumerated value, any case."""
    return attrs.field(default=None, converter=v.to_lower, validator=v.optional(v.one_of(choices)))


def _text_field(regex: re.Pattern[str], rule: str, converter: Any = to_digits_text) -> Any:
    """Optional text that must match ``regex`` whole (digits given as an ``int`` too)."""
    return attrs.field(
        default=None,
        converter=converter,
        validator=v.optional(
            v.rule(rule, lambda t: isinstance(t, str) and regex.fullmatch(t) is not None)
        ),
    )


def _date_field() -> Any:
    return _text_field(_DATE_RE, "must be a date as YYYY-MM-DD", v.empty_to_none)


#: ``verification_info``: the number's verification details, as the SDK passes them.
_VERIFICATION_INFO = v.optional(
    v.rule(
        "must be a mapping of text keys (the number's verification details)",
        lambda d: isinstance(d, dict) and all(isinstance(k, str) for k in d),
    )
)


# -- requests -----------------------------------------------------------------------------


@request_model
@attrs.frozen(kw_only=True)
class ListNumbersRequest:
    """Query of ``GET Number/``: every filter of the official SDK's ``numbers.list``."""

    type: str | None = _choice(NUMBER_TYPES)
    number_startswith: str | None = _text_field(
        _DIGITS_RE, "must be 1 to 15 digits (the start of a number, country code first)"
    )
    subaccount: str | None = subaccount_field()
    alias: str | None = optional_text()
    services: str | None = _services_field()
    tendlc_registration_status: str | None = _choice(_TENDLC_STATUSES)
    tendlc_campaign_id: str | None = optional_text()
    toll_free_sms_verification: str | None = _choice(_TOLL_FREE_VERIFICATION)
    renewal_date: str | None = _date_field()
    renewal_date__lte: str | None = _date_field()
    renewal_date__lt: str | None = _date_field()
    renewal_date__gte: str | None = _date_field()
    renewal_date__gt: str | None = _date_field()
    cnam_lookup: str | None = _choice(_CNAM)
    toll_free_sms_verification_order_status: str | None = optional_text()
    limit: int | None = limit_field()
    offset: int | None = offset_field()


@request_model
@attrs.frozen(kw_only=True)
class UpdateNumberRequest:
    """``POST Number/{number}/``: point the number at an application, rename, move it."""

    app_id: str | None = id_text()
    subaccount: str | None = subaccount_field()
    alias: str | None = optional_text()
    verification_info: dict[str, Any] | None = attrs.field(
        default=None, validator=_VERIFICATION_INFO
    )
    cnam_lookup: str | None = _choice(_CNAM)


@request_model
@attrs.frozen(kw_only=True)
class CreateNumberRequest:
    """``POST Number/``: add numbers you hold at your own ``carrier`` to the account."""

    numbers: str = attrs.field(
        converter=_join,
        validator=v.all_of(v.required(), v.rule(_CARRIER_NUMBERS_RULE, _carrier_numbers_ok)),
    )
    carrier: str = attrs.field(validator=v.all_of(v.required(), v.non_empty_str()))
    region: str = attrs.field(validator=v.all_of(v.required(), v.non_empty_str()))
    number_type: str | None = _choice(NUMBER_TYPES)
    app_id: str | None = id_text()
    subaccount: str | None = subaccount_field()


@request_model
@attrs.frozen(kw_only=True)
class SearchNumbersRequest:
    """Query of ``GET PhoneNumber/``: rentable numbers of one country.

    ``pattern`` is matched against the number after its country code, from its start:
    digits, ``?`` (any one digit), ``*`` (any digits), letters as on a phone's keypad.
    """

    country_iso: str = attrs.field(
        converter=v.to_upper,
        validator=v.all_of(
            v.required(),
            v.rule(
                "must be a two-letter ISO 3166 country code (US, GB, ...)",
                lambda c: isinstance(c, str) and _COUNTRY_ISO_RE.fullmatch(c) is not None,
            ),
        ),
    )
    type: str | None = _choice(SEARCH_TYPES)
    pattern: str | None = _text_field(
        _PATTERN_RE, "must be 1 to 15 characters: digits, letters, '?' or '*'", _to_pattern
    )
    region: str | None = optional_text()
    services: str | None = _services_field()
    lata: str | None = _text_field(_LATA_RE, "must be a LATA code: 3 to 5 digits")
    rate_center: str | None = optional_text()
    limit: int | None = limit_field()
    offset: int | None = offset_field()
    eligible: bool | None = bool_field()
    city: str | None = optional_text()
    npanxx: str | None = _text_field(
        _NPANXX_RE, "must be six digits (area code and exchange, not starting with 0 or 1)"
    )
    local_calling_area: bool | None = bool_field()


@request_model
@attrs.frozen(kw_only=True)
class BuyNumberRequest:
    """``POST PhoneNumber/{number}/``: rent the number (it costs money, monthly)."""

    app_id: str | None = id_text()
    verification_info: dict[str, Any] | None = attrs.field(
        default=None, validator=_VERIFICATION_INFO
    )
    cnam_lookup: str | None = _choice(_CNAM)
    ha_enable: bool | None = bool_field()
    compliance_application_id: str | None = attrs.field(
        default=None, converter=to_id_text, validator=v.optional(v.non_empty_str())
    )


# -- responses ----------------------------------------------------------------------------


@attrs.frozen(kw_only=True)
class Number:
    """One of your numbers (``GET Number/{number}/``, or one entry of a list).

    ``application`` is the URI of the application that answers its calls; rates are
    decimal text in USD, as Plivo sends them.
    """

    api_id: str | None = None
    number: str | None = None
    alias: str | None = None
    active: bool | None = None
    added_on: str | None = None
    renewal_date: str | None = None
    application: str | None = None
    carrier: str | None = None
    number_type: str | None = None
    city: str | None = None
    country: str | None = None
    region: str | None = None
    sub_account: str | None = None
    monthly_rental_rate: str | None = None
    voice_enabled: bool | None = None
    voice_rate: str | None = None
    sms_enabled: bool | None = None
    sms_rate: str | None = None
    mms_enabled: bool | None = None
    mms_rate: str | None = None
    cnam_lookup: str | None = None
    compliance_application_id: str | None = None
    compliance_status: str | None = None
    tendlc_campaign_id: str | None = None
    tendlc_registration_status: str | None = None
    toll_free_sms_verification: str | None = None
    resource_uri: str | None = None
    raw: dict[str, Any] = attrs.field(factory=dict, repr=False, eq=False)

    @property
    def app_id(self) -> str | None:
        """The id at the end of ``application`` (``None`` when it points at none)."""
        if not self.application:
            return None
        return self.application.rstrip("/").rsplit("/", 1)[-1] or None


@attrs.frozen(kw_only=True)
class NumberListResponse(ListPage[Number]):
    """One page of ``GET Number/``: ``meta`` and up to ``limit`` :class:`Number`."""

    api_id: str | None = None
    meta: ListMeta = attrs.field(factory=ListMeta)
    objects: list[Number] = attrs.field(factory=list)
    raw: dict[str, Any] = attrs.field(factory=dict, repr=False, eq=False)


@attrs.frozen(kw_only=True)
class PhoneNumber:
    """A rentable number, as ``numbers.search`` finds it (``GET PhoneNumber/``).

    ``restriction`` names what Plivo needs from you before renting it (an address), or is
    ``None``; ``prerequisites`` details it where Plivo sends them.
    """

    number: str | None = None
    prefix: str | None = None
    type: str | None = None
    sub_type: str | None = None
    country: str | None = None
    region: str | None = None
    city: str | None = None
    rate_center: str | None = None
    lata: int | None = None
    setup_rate: str | None = None
    monthly_rental_rate: str | None = None
    voice_enabled: bool | None = None
    voice_rate: str | None = None
    sms_enabled: bool | None = None
    sms_rate: str | None = None
    mms_enabled: bool | None = None
    mms_rate: str | None = None
    restriction: str | None = None
    restriction_text: str | None = None
    prerequisites: list[dict[str, Any]] = attrs.field(factory=list)
    resource_uri: str | None = None
    raw: dict[str, Any] = attrs.field(factory=dict, repr=False, eq=False)


@attrs.frozen(kw_only=True)
class PhoneNumberListResponse(ListPage[PhoneNumber]):
    """One page of ``GET PhoneNumber/``: ``meta`` and up to ``limit`` :class:`PhoneNumber`."""

    api_id: str | None = None
    meta: ListMeta = attrs.field(factory=ListMeta)
    objects: list[PhoneNumber] = attrs.field(factory=list)
    raw: dict[str, Any] = attrs.field(factory=dict, repr=False, eq=False)


@attrs.frozen(kw_only=True)
class BoughtNumber:
    """One number of a :class:`BuyNumberResponse`: ``status`` ``"Success"`` when rented."""

    number: str | None = None
    status: str | None = None
    fallback_number: str | None = None
    raw: dict[str, Any] = attrs.field(factory=dict, repr=False, eq=False)


@attrs.frozen(kw_only=True)
class BuyNumberResponse:
    """The answer to ``numbers.buy``: ``status`` ``"fulfilled"`` and the numbers rented.

    ``status`` may also be ``"pending"`` (Plivo is still verifying the request).
    """

    api_id: str | None = None
    message: str | None = None
    status: str | None = None
    numbers: list[BoughtNumber] = attrs.field(factory=list)
    raw: dict[str, Any] = attrs.field(factory=dict, repr=False, eq=False)
