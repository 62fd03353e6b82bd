"""What the emulated number APIs (``Number/``, ``PhoneNumber/``) answer 400 to."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from ._fields import (
    BadRequest,
    bool_field,
    check_subaccount,
    required_field,
    text_field,
    validate_list_query,
)

__all__ = [
    "NUMBER_TYPES",
    "SEARCH_TYPES",
    "SearchQuery",
    "pattern_regex",
    "validate_buy",
    "validate_carrier_numbers",
    "validate_number_list",
    "validate_number_update",
    "validate_search",
]

NUMBER_TYPES = ("local", "mobile", "fixed", "national", "tollfree")
SEARCH_TYPES = ("any", *NUMBER_TYPES)
_SERVICES = frozenset({"voice", "sms", "mms"})
_CNAM = ("enabled", "disabled")
_ISO = re.compile(r"[A-Za-z]{2}")
_PATTERN = re.compile(r"[0-9A-Za-z*?]{1,15}")
_DIGITS = re.compile(r"\+?[0-9]{1,15}")
_NUMBER = re.compile(r"\+?[1-9][0-9]{6,14}")
_NPANXX = re.compile(r"[2-9][0-9]{5}")
_LATA = re.compile(r"[0-9]{3,5}")
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_KEYPAD = {
    **dict.fromkeys("ABC", "2"), **dict.fromkeys("DEF", "3"), **dict.fromkeys("GHI", "4"),
    **dict.fromkeys("JKL", "5"), **dict.fromkeys("MNO", "6"), **dict.fromkeys("PQRS", "7"),
    **dict.fromkeys("TUV", "8"), **dict.fromkeys("WXYZ", "9"),
}  # fmt: skip
_RENEWAL = ("renewal_date", *(f"renewal_date__{op}" for op in ("lt", "lte", "gt", "gte")))
_EXACT_FILTERS = (
    "subaccount",
    "alias",
    "tendlc_registration_status",
    "tendlc_campaign_id",
    "toll_free_sms_verification",
    "toll_free_sms_verification_order_status",
)

SearchQuery = dict[str, Any]


def _choice(body: Mapping[str, Any], name: str, choices: tuple[str, ...]) -> str | None:
    value = text_field(body, name)
    if value is None:
        return None
    if value.lower() not in choices:
        raise BadRequest(f"invalid {name}: {value!r}; allowed values are {', '.join(choices)}")
    return value.lower()


def _matching(body: Mapping[str, Any], name: str, regex: re.Pattern[str], rule: str) -> str | None:
    value = text_field(body, name)
    if value is not None and not regex.fullmatch(value):
        raise BadRequest(f"invalid {name}: {value!r}; {rule}")
    return value


def _services(query: Mapping[str, Any]) -> frozenset[str]:
    value = text_field(query, "services")
    if value is None:
        return frozenset()
    wanted = frozenset(value.lower().split(","))
    if not wanted <= _SERVICES:
        raise BadRequest(f"invalid services: {value!r}; allowed values are voice, sms, mms")
    return wanted


def pattern_regex(pattern: str) -> re.Pattern[str]:
    """A search ``pattern`` as a regex over the national number, anchored at its start:
    ``?`` one digit, ``*`` any digits, a letter its keypad digit."""
    parts = []
    for char in pattern.upper():
        if char == "?":
            parts.append("[0-9]")
        elif char == "*":
            parts.append("[0-9]*")
        else:
            parts.append(_KEYPAD.get(char, char))
    return re.compile("".join(parts))


def validate_search(query: Mapping[str, Any]) -> SearchQuery:
    """``GET PhoneNumber/``: the filters, checked; ``limit``/``offset`` for paging."""
    country = required_field(query, "country_iso")
    if not _ISO.fullmatch(country):
        raise BadRequest(f"invalid country_iso: {country!r}; expected a two-letter ISO code")
    limit, offset = validate_list_query(query)
    npanxx = _matching(query, "npanxx", _NPANXX, "expected six digits")
    local_calling_area = bool_field(query, "local_calling_area")  # applies with npanxx
    bool_field(query, "eligible")
    return {
        "country_iso": country.upper(),
        "type": _choice(query, "type", SEARCH_TYPES) or "any",
        "pattern": _matching(
            query, "pattern", _PATTERN, "expected up to 15 digits, letters, '?' or '*'"
        ),
        "region": text_field(query, "region"),
        "services": _services(query),
        "lata": _matching(query, "lata", _LATA, "expected 3 to 5 digits"),
        "rate_center": text_field(query, "rate_center"),
        "city": text_field(query, "city"),
        "npanxx": npanxx,
        "local_calling_area": bool(local_calling_area),
        "limit": limit,
        "offset": offset,
    }


def validate_number_list(query: Mapping[str, Any]) -> dict[str, Any]:
    """``GET Number/``: the filters, checked (paging is checked by the page itself)."""
    subaccount = text_field(query, "subaccount")
    if subaccount is not None:
        check_subaccount(subaccount)
    for name in _RENEWAL:
        _matching(query, name, _DATE, "expected YYYY-MM-DD")
    return {
        "type": _choice(query, "type", NUMBER_TYPES),
        "number_startswith": _matching(
            query, "number_startswith", _DIGITS, "expected up to 15 digits"
        ),
        "services": _services(query),
        "cnam_lookup": _choice(query, "cnam_lookup", _CNAM),
        **{name: text_field(query, name) for name in (*_EXACT_FILTERS, *_RENEWAL)},
    }


def validate_number_update(body: Mapping[str, Any]) -> dict[str, Any]:
    """``POST Number/{number}/``: what to set (``app_id`` ``""`` detaches the number)."""
    fields: dict[str, Any] = {}
    for name in ("app_id", "alias"):
        value = text_field(body, name)
        if value is not None:
            fields[name] = value or None
    subaccount = text_field(body, "subaccount")
    if subaccount is not None:
        fields["sub_account"] = check_subaccount(subaccount)
    cnam = _choice(body, "cnam_lookup", _CNAM)
    if cnam is not None:
        fields["cnam_lookup"] = cnam
    info = body.get("verification_info")
    if info is not None and not isinstance(info, dict):
        raise BadRequest("verification_info must be an object")
    return fields


def validate_buy(body: Mapping[str, Any]) -> dict[str, Any]:
    """``POST PhoneNumber/{number}/``: ``app_id`` and ``cnam_lookup`` to set."""
    bool_field(body, "ha_enable")
    text_field(body, "compliance_application_id")
    fields = validate_number_update({k: v for k, v in body.items() if k != "subaccount"})
    if fields.get("app_id") is None:
        fields.pop("app_id", None)
    return fields


def validate_carrier_numbers(body: Mapping[str, Any]) -> dict[str, Any]:
    """``POST Number/``: the numbers (comma-separated), ``carrier``, ``region`` and more."""
    numbers = required_field(body, "numbers").split(",")
    for number in numbers:
        if not _NUMBER.fullmatch(number):
            raise BadRequest(f"invalid numbers: {number!r} is not a phone number")
    fields: dict[str, Any] = {
        "numbers": [n.lstrip("+") for n in numbers],
        "carrier": required_field(body, "carrier"),
        "region": required_field(body, "region"),
        "number_type": _choice(body, "number_type", NUMBER_TYPES) or "local",
    }
    app_id = text_field(body, "app_id")
    if app_id:
        fields["app_id"] = app_id
    subaccount = text_field(body, "subaccount")
    if subaccount is not None:
        fields["sub_account"] = check_subaccount(subaccount)
    return fields
