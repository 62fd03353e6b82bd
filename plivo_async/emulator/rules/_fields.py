"""The field parsers every area's rules are built from, and :class:`BadRequest`.

The emulator's rules are deliberately independent of the client's own validation
(``plivo_async.validation``): the emulator is the oracle the client is tested against, so
sharing code would make the tests agree with themselves. Values may arrive as JSON
numbers/booleans (the official SDK sends ``ring_timeout=120`` and
``error_if_parent_not_found=False``) or as form strings.
"""

from __future__ import annotations

import operator
import re
from collections.abc import Callable, Mapping
from datetime import datetime, timezone
from typing import Any
from urllib.parse import urlsplit

__all__ = [
    "COMPARISONS",
    "RECORDING_FORMATS",
    "BadRequest",
    "bool_field",
    "check_destination",
    "check_subaccount",
    "check_url",
    "int_field",
    "method_field",
    "optional_url",
    "parse_time",
    "required_field",
    "text_field",
    "validate_callback",
    "validate_list_query",
]

_NUMBER = re.compile(r"\+?\d{7,15}")
_SIP = re.compile(r"sip:[^@\s<]+@[^@\s<]+")
_METHODS = frozenset({"GET", "POST"})
RECORDING_FORMATS = ("mp3", "wav")
_SUBACCOUNT = re.compile(r"SA[A-Z0-9]{18}")
_TIME_FORMATS = ("%Y-%m-%d %H:%M:%S.%f", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M")


class BadRequest(Exception):
    """Answered as HTTP 400 ``{"api_id", "error": message}``."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def text_field(body: Mapping[str, Any], name: str) -> str | None:
    """A field as text (JSON numbers and booleans as a form would send them), or None."""
    value = body.get(name)
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (str, int, float)):
        return str(value)
    raise BadRequest(f"{name} must be a string")


def required_field(body: Mapping[str, Any], name: str) -> str:
    """A non-empty text field; Plivo's "Missing mandatory parameter" otherwise."""
    value = text_field(body, name)
    if value is None or value == "":
        raise BadRequest(f"Missing mandatory parameter: {name}")
    return value


def check_destination(name: str, value: str) -> str:
    """A phone number (7-15 digits, optional leading +) or a ``sip:`` URI."""
    if _NUMBER.fullmatch(value) or _SIP.fullmatch(value):
        return value
    raise BadRequest(f"invalid {name}: {value!r} is neither a phone number nor a SIP URI")


def check_url(name: str, value: str) -> None:
    """An http(s) URL with a host (and a valid port, if any); unparsable is a 400."""
    try:
        parts = urlsplit(value)
        ok = parts.scheme in ("http", "https") and bool(parts.hostname)
        parts.port  # noqa: B018  # raises on a port that is not 0-65535
    except ValueError:  # "http://[::1": Invalid IPv6 URL; "http://h:x/": bad port
        ok = False
    if not ok:
        raise BadRequest(f"invalid {name}: {value!r} is not an http(s) URL")


_MAX_DIGITS = 18
"""No integer field of the API needs more; longer strings are refused before ``int()``
(which refuses more than 4,300 digits with a bare ValueError, and whose huge results
overflow float arithmetic on the clock)."""
_DECIMAL = re.compile(rf"\s*[+-]?[0-9]{{1,{_MAX_DIGITS}}}\s*")


def int_field(body: Mapping[str, Any], name: str, low: int, high: int | None = None) -> int | None:
    """An integer field (a JSON number or a decimal string) within ``low..high``."""
    raw = body.get(name)
    if raw is None or raw == "":
        return None
    if isinstance(raw, bool) or not isinstance(raw, (int, str)):
        raise BadRequest(f"{name} must be an integer")
    if isinstance(raw, str) and not _DECIMAL.fullmatch(raw):
        raise BadRequest(f"{name} must be an integer of at most {_MAX_DIGITS} digits")
    value = int(raw)
    if abs(value) >= 10**_MAX_DIGITS:
        raise BadRequest(f"{name} must be an integer of at most {_MAX_DIGITS} digits")
    if value < low or (high is not None and value > high):
        bounds = f"between {low} and {high}" if high is not None else f">= {low}"
        raise BadRequest(f"{name} must be {bounds}")
    return value


def bool_field(body: Mapping[str, Any], name: str) -> bool | None:
    """``true``/``false`` (any case, or a JSON boolean), or None when absent."""
    raw = text_field(body, name)
    if raw is None:
        return None
    lowered = raw.lower()
    if lowered not in ("true", "false"):
        raise BadRequest(f"{name} must be true or false")
    return lowered == "true"


def method_field(body: Mapping[str, Any], name: str) -> None:
    """An HTTP method field: GET or POST (any case) when given."""
    value = text_field(body, name)
    if value is not None and value.upper() not in _METHODS:
        raise BadRequest(f"invalid {name}: {value!r}; allowed values are GET and POST")


def optional_url(body: Mapping[str, Any], name: str, *, empty: bool = False) -> str | None:
    """An optional http(s) URL field (None when absent); ``empty=True`` lets ``""`` pass."""
    value = text_field(body, name)
    if value is not None and (value or not empty):
        check_url(name, value)
    return value


def validate_list_query(query: Mapping[str, str]) -> tuple[int, int]:
    """Check list paging; return (limit, offset). Plivo caps ``limit`` at 20."""
    limit = int_field(query, "limit", 1, 20)
    offset = int_field(query, "offset", 0)
    return (20 if limit is None else limit), (0 if offset is None else offset)


def parse_time(name: str, value: str) -> float:
    """A UTC ``YYYY-MM-DD HH:MM[:SS[.ffffff]]`` filter value as epoch seconds."""
    for fmt in _TIME_FORMATS:
        try:
            parsed = datetime.strptime(value, fmt)
        except ValueError:
            continue
        return parsed.replace(tzinfo=timezone.utc).timestamp()
    raise BadRequest(f"invalid {name}: {value!r}; expected YYYY-MM-DD HH:MM[:SS[.ffffff]] (UTC)")


def check_subaccount(value: str) -> str:
    """A subaccount's auth id: ``SA`` and 18 capitals or digits."""
    if not _SUBACCOUNT.fullmatch(value):
        raise BadRequest(f"invalid subaccount: {value!r}")
    return value


COMPARISONS: dict[str, Callable[[Any, Any], bool]] = {
    "": operator.eq,
    "__gt": operator.gt,
    "__gte": operator.ge,
    "__lt": operator.lt,
    "__lte": operator.le,
}
"""The suffixes of Plivo's comparison filters (``bill_duration__gte=...``) and their test."""


def _methods(body: Mapping[str, Any]) -> None:
    for name, value in body.items():
        if name.endswith("_method"):
            method_field(body, name)
        elif value is not None and not isinstance(value, (str, int, float, bool)):
            raise BadRequest(f"{name} must be a string")


def validate_callback(body: Mapping[str, Any]) -> None:
    """``callback_url`` / ``callback_method``, which every action accepts."""
    optional_url(body, "callback_url")
    _methods(body)
