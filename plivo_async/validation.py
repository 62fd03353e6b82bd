"""Input rules shared by the request models, checked before any I/O.

Two kinds of helpers live here:

* **normalisers** (used as attrs converters) bring friendly input to the API's wire form
  without judging it: ``"post"`` becomes ``"POST"``, a list of destinations is joined with
  ``<``, a ``sip_headers`` mapping becomes ``"k=v,k2=v2"``, a CSV cell ``"300"`` becomes
  ``300``. Anything they do not recognise is passed through unchanged for the validator.
* **validators** (attrs validators, and ``check_*`` functions for plain arguments) judge
  the normalised value and raise :class:`~plivo_async.errors.ValidationError` naming the
  field and the rule it broke.

The rules come from Plivo's documentation of the Call API and PHLO multi-party calls.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Collection, Mapping
from datetime import datetime, timezone
from typing import Any
from urllib.parse import quote, urlsplit

from .errors import ValidationError

__all__ = [
    "MAX_INT",
    "RULE_BOOLEAN",
    "RULE_DESTINATION",
    "RULE_DESTINATIONS",
    "RULE_HTTP_METHOD",
    "RULE_PATH_TEXT",
    "RULE_PHONE_NUMBER",
    "RULE_REQUIRED",
    "RULE_SEND_DIGITS",
    "RULE_SIP_HEADERS",
    "RULE_SUBACCOUNT",
    "RULE_URL",
    "Validator",
    "all_of",
    "boolean",
    "check",
    "check_destination",
    "check_subaccount",
    "destination",
    "destinations",
    "empty_to_none",
    "http_method",
    "http_url",
    "int_range",
    "is_http_url",
    "is_phone_number",
    "is_sip_uri",
    "join_destinations",
    "join_urls",
    "max_length",
    "non_empty_str",
    "one_of",
    "optional",
    "path_segment",
    "phone_number",
    "phone_prefix",
    "positive_int",
    "required",
    "rule",
    "send_digits",
    "sip_headers",
    "split_destinations",
    "subaccount",
    "time_filter",
    "to_bool",
    "to_int",
    "to_lower",
    "to_sip_headers",
    "to_time_filter",
    "to_upper",
    "urls_list",
]

#: An attrs-style validator: ``(instance, attribute, value) -> None``, raising on failure.
Validator = Callable[[Any, Any, Any], None]

RULE_REQUIRED = "is required"
RULE_PHONE_NUMBER = "must be a phone number: optional '+', then 2 to 15 digits, no leading 0"
RULE_DESTINATION = "must be a phone number or a SIP URI (sip:user@host)"
RULE_DESTINATIONS = (
    "must be one or more phone numbers or SIP URIs, separated by '<' (or given as a list)"
)
RULE_URL = "must be an absolute http(s) URL"
RULE_HTTP_METHOD = "must be GET or POST"
RULE_BOOLEAN = "must be a boolean (true or false)"
RULE_SEND_DIGITS = "may hold only digits, '*', '#', 'w', 'W', optionally followed by '@<ms>'"
RULE_SUBACCOUNT = "must be a subaccount auth id (SA then 18 capital letters or digits)"
RULE_SIP_HEADERS = "must be a mapping of alphanumeric keys to alphanumeric values"

_PHONE_RE = re.compile(r"\+?[1-9][0-9]{1,14}")
_PHONE_PREFIX_RE = re.compile(r"\+?[0-9]{1,15}")
# sip:user@host[:port][;params]: user part as in RFC 3261 (unreserved, escapes and a few
# marks), host a DNS name or an IPv4 address, optional port and URI parameters.
_SIP_URI_RE = re.compile(
    r"sips?:[A-Za-z0-9\-_.!~*'()&=+$,;?/%]+"
    r"@[A-Za-z0-9](?:[A-Za-z0-9\-.]*[A-Za-z0-9])?"
    r"(?::[0-9]{1,5})?"
    r"(?:;[A-Za-z0-9\-_.!~*'()%=]+)*"
)
_SEND_DIGITS_RE = re.compile(r"[0-9*#wW]+(?:@[1-9][0-9]{0,5})?")
_SIP_HEADERS_RE = re.compile(r"[A-Za-z0-9]+=[A-Za-z0-9]+(?:,[A-Za-z0-9]+=[A-Za-z0-9]+)*")
_TIME_FILTER_RE = re.compile(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}(?::[0-9]{2}(?:\.[0-9]{1,6})?)?"
)
_SUBACCOUNT_RE = re.compile(r"SA[A-Z0-9]{18}")
_INT_RE = re.compile(r"[+-]?[0-9]+")
_WHITESPACE_RE = re.compile(r"\s")
RULE_PATH_TEXT = (
    "must be a non-empty string or int, not '.' or '..', without control characters "
    "or lone surrogates"
)


# -- predicates ---------------------------------------------------------------------------


def is_phone_number(value: object) -> bool:
    """An E.164-style number: optional ``+``, 2-15 digits, not starting with 0."""
    return isinstance(value, str) and _PHONE_RE.fullmatch(value) is not None


def is_sip_uri(value: object) -> bool:
    """A ``sip:`` (or ``sips:``) URI with a user part and a host."""
    return isinstance(value, str) and _SIP_URI_RE.fullmatch(value) is not None


def is_http_url(value: object) -> bool:
    """An absolute ``http://`` or ``https://`` URL with a host and no whitespace."""
    return isinstance(value, str) and _is_http_url(value)


@functools.lru_cache(maxsize=256)
def _is_http_url(value: str) -> bool:
    # Memoised: a bulk run checks the same few callback URLs on every row.
    if not value or _WHITESPACE_RE.search(value):
        return False
    try:
        parts = urlsplit(value)
        parts.port  # noqa: B018 - raises ValueError for a bad port
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and bool(parts.hostname)


def split_destinations(value: str) -> list[str]:
    """The destinations of a ``to`` value (``"a<b<c"`` -> ``["a", "b", "c"]``)."""
    return value.split("<")


# -- normalisers (attrs converters): shape only, never raise ------------------------------


def empty_to_none(value: Any) -> Any:
    """``""`` (an empty CSV cell) means "not given"."""
    return None if value == "" else value


def to_upper(value: Any) -> Any:
    """Upper-case a string (HTTP methods); ``""`` becomes ``None``."""
    if isinstance(value, str):
        return value.upper() or None
    return value


def to_lower(value: Any) -> Any:
    """Lower-case a string (enumerated values); ``""`` becomes ``None``."""
    if isinstance(value, str):
        return value.lower() or None
    return value


#: The largest integer any field takes (the API's 64-bit ints); longer digit strings are
#: never parsed (Python refuses to parse more than 4,300 digits with a bare ValueError).
MAX_INT = 2**63 - 1
_MAX_INT_DIGITS = len(str(MAX_INT)) + 1  # a sign


def to_int(value: Any) -> Any:
    """Turn a decimal string (a CSV cell) into an int; ``""`` becomes ``None``.

    A string too long to be a 64-bit integer is left as it is, for the field's validator to
    reject with the field's name.
    """
    if isinstance(value, str):
        stripped = value.strip()
        if not stripped:
            return None
        if len(stripped) <= _MAX_INT_DIGITS and _INT_RE.fullmatch(stripped):
            return int(stripped)
    return value


def to_bool(value: Any) -> Any:
    """Turn ``"true"``/``"false"`` (any case) into a bool; ``""`` becomes ``None``."""
    if isinstance(value, str):
        lowered = value.strip().lower()
        if not lowered:
            return None
        if lowered == "true":
            return True
        if lowered == "false":
            return False
    return value


def join_destinations(value: Any) -> Any:
    """Join a list/tuple of destinations with ``<``, the API's bulk separator."""
    if isinstance(value, (list, tuple)) and all(isinstance(item, str) for item in value):
        return "<".join(value)
    return value


def to_sip_headers(value: Any) -> Any:
    """Serialise a ``{key: value}`` mapping as ``"key=value,key2=value2"``.

    Integer values are written in decimal. An empty mapping or string means "no headers".
    A string is taken as already serialised (a CSV cell) and left to the validator.
    """
    if isinstance(value, Mapping):
        if not value:
            return None
        items = []
        for key, val in value.items():
            if isinstance(val, int) and not isinstance(val, bool):
                val = str(val)
            if not isinstance(key, str) or not isinstance(val, str):
                return value  # left for the validator to reject
            items.append(f"{key}={val}")
        return ",".join(items)
    if value == "":
        return None
    return value


def to_time_filter(value: Any) -> Any:
    """A ``datetime`` becomes the API's UTC ``YYYY-MM-DD HH:MM:SS[.ffffff]``.

    An aware datetime is converted to UTC; a naive one is taken to be in UTC already.
    """
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            value = value.astimezone(timezone.utc)
        return value.strftime("%Y-%m-%d %H:%M:%S.%f" if value.microsecond else "%Y-%m-%d %H:%M:%S")
    return value


# -- validators ---------------------------------------------------------------------------


def check(field: str, ok: bool, rule: str, value: object) -> None:
    """Raise ``ValidationError.invalid(field, rule, value)`` unless ``ok``."""
    if not ok:
        raise ValidationError.invalid(field, rule, value)


def rule(message: str, predicate: Callable[[Any], bool]) -> Validator:
    """An attrs validator raising ``ValidationError`` (rule ``message``) unless ``predicate``."""

    def validate(_inst: Any, attribute: Any, value: Any) -> None:
        check(attribute.name, predicate(value), message, value)

    validate.__doc__ = message
    return validate


def optional(validator: Validator) -> Validator:
    """Skip ``validator`` when the value is ``None`` (not given)."""

    def validate(inst: Any, attribute: Any, value: Any) -> None:
        if value is not None:
            validator(inst, attribute, value)

    return validate


def required() -> Validator:
    """The value must be given: not ``None`` and not ``""``."""

    def validate(_inst: Any, attribute: Any, value: Any) -> None:
        check(attribute.name, value is not None and value != "", RULE_REQUIRED, value)

    return validate


def _required(validator: Validator) -> Validator:
    present = required()

    def validate(inst: Any, attribute: Any, value: Any) -> None:
        present(inst, attribute, value)
        validator(inst, attribute, value)

    return validate


def all_of(*validators: Validator) -> Validator:
    """Every validator in turn; the first failure is raised."""

    def validate(inst: Any, attribute: Any, value: Any) -> None:
        for validator in validators:
            validator(inst, attribute, value)

    return validate


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and -MAX_INT <= value <= MAX_INT


def _destinations_ok(value: object) -> bool:
    if not isinstance(value, str) or not value:
        return False
    return all(is_phone_number(d) or is_sip_uri(d) for d in split_destinations(value))


def phone_number() -> Validator:
    """A single phone number (see :func:`is_phone_number`)."""
    return _required(rule(RULE_PHONE_NUMBER, is_phone_number))


def phone_prefix() -> Validator:
    """A phone number or the prefix of one (list filters): optional ``+``, 1-15 digits."""
    return rule(
        "must be a phone number or its prefix: optional '+', then 1 to 15 digits",
        lambda v: isinstance(v, str) and _PHONE_PREFIX_RE.fullmatch(v) is not None,
    )


def destination() -> Validator:
    """One phone number or one SIP URI."""
    return _required(rule(RULE_DESTINATION, lambda v: is_phone_number(v) or is_sip_uri(v)))


def destinations() -> Validator:
    """One or more phone numbers / SIP URIs joined by ``<`` (bulk calls)."""
    return _required(rule(RULE_DESTINATIONS, _destinations_ok))


def http_url() -> Validator:
    return rule(RULE_URL, is_http_url)


def http_method() -> Validator:
    return rule(RULE_HTTP_METHOD, lambda v: v in ("GET", "POST"))


def boolean() -> Validator:
    return rule(RULE_BOOLEAN, lambda v: isinstance(v, bool))


def positive_int() -> Validator:
    return rule("must be a positive integer", lambda v: _is_int(v) and v > 0)


def int_range(low: int, high: int | None = None) -> Validator:
    """An integer in ``low..high`` inclusive (``high=None``: no upper bound)."""
    if high is None:
        text = f"must be an integer >= {low}"
        return rule(text, lambda v: _is_int(v) and v >= low)
    text = f"must be an integer from {low} to {high}"
    return rule(text, lambda v: _is_int(v) and low <= v <= high)


def max_length(limit: int) -> Validator:
    text = f"must be a string of at most {limit} characters"
    return rule(text, lambda v: isinstance(v, str) and len(v) <= limit)


def non_empty_str() -> Validator:
    return rule("must be a non-empty string", lambda v: isinstance(v, str) and v != "")


def one_of(choices: Collection[str]) -> Validator:
    text = "must be one of " + ", ".join(choices)
    return rule(text, lambda v: isinstance(v, str) and v in choices)


def send_digits() -> Validator:
    """DTMF digits: ``0-9 * #``, waits ``w`` (0.5 s) and ``W`` (1 s), then ``@<ms>``."""
    return rule(
        RULE_SEND_DIGITS,
        lambda v: isinstance(v, str) and _SEND_DIGITS_RE.fullmatch(v) is not None,
    )


def sip_headers() -> Validator:
    """The serialised ``k=v,k2=v2`` form, with ASCII alphanumeric keys and values."""
    return rule(
        RULE_SIP_HEADERS,
        lambda v: isinstance(v, str) and _SIP_HEADERS_RE.fullmatch(v) is not None,
    )


def urls_list() -> Validator:
    """One http(s) URL, or several separated by commas (the Play API's ``urls``)."""
    return _required(
        rule(
            "must be an http(s) URL or a comma-separated list of them",
            lambda v: isinstance(v, str) and all(is_http_url(u) for u in v.split(",")),
        )
    )


def join_urls(value: Any) -> Any:
    """Join a list/tuple of URLs with commas, as the Play API expects."""
    if isinstance(value, (list, tuple)) and all(isinstance(u, str) for u in value):
        return ",".join(value)
    return value


def time_filter() -> Validator:
    """The list filters' time format: ``YYYY-MM-DD HH:MM[:SS[.ffffff]]`` (UTC)."""
    return rule(
        "must be a UTC time as YYYY-MM-DD HH:MM[:SS[.ffffff]] (or a datetime)",
        lambda t: isinstance(t, str) and _TIME_FILTER_RE.fullmatch(t) is not None,
    )


def _is_subaccount(value: object) -> bool:
    return isinstance(value, str) and _SUBACCOUNT_RE.fullmatch(value) is not None


def subaccount() -> Validator:
    """A subaccount auth id: ``SA`` then 18 capital letters or digits."""
    return rule(RULE_SUBACCOUNT, _is_subaccount)


def path_segment(field: str, value: object) -> str:
    """Any id or name as exactly one percent-encoded URL path segment (``'My Conf Room'``).

    Free text (a conference name, a SIP URI as member id) and ints (``20468599130939380``)
    are accepted as the official SDK's users pass them; the result can never escape its
    segment: ``/``, ``?``, ``#``, ``%`` and spaces are encoded (``:``, ``@`` and ``+``
    stay, as in the SDK's URLs), and the dot segments, the empty string, control
    characters and lone surrogates (which cannot be encoded) are refused.
    """
    if _is_int(value):
        return str(value)
    ok = (
        isinstance(value, str)
        and value not in ("", ".", "..")
        and not any(c < " " or c == "\x7f" or "\ud800" <= c <= "\udfff" for c in value)
    )
    check(field, ok, RULE_PATH_TEXT, value)
    assert isinstance(value, str)
    return quote(value, safe=":@+")


def check_subaccount(field: str, value: object) -> str:
    """A plain-argument check: a subaccount auth id (``SA`` then 18 capitals or digits)."""
    check(field, _is_subaccount(value), RULE_SUBACCOUNT, value)
    assert isinstance(value, str)
    return value


def check_destination(field: str, value: object) -> str:
    """A plain-argument check: one phone number or SIP URI."""
    check(field, is_phone_number(value) or is_sip_uri(value), RULE_DESTINATION, value)
    assert isinstance(value, str)
    return value
