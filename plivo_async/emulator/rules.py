"""Input rules of the emulated API: what Plivo answers 400 to.

Deliberately independent of the client's own validation (``plivo_async.validation``): the
emulator is the oracle the client is tested against, so sharing code would make the tests
agree with themselves. Values may arrive as JSON numbers/booleans (the official SDK sends
``ring_timeout=120`` and ``error_if_parent_not_found=False``) or as form strings.
"""

from __future__ import annotations

import operator
import re
from collections.abc import Callable, Mapping
from datetime import datetime, timezone
from typing import Any
from urllib.parse import urlsplit

__all__ = [
    "BadRequest",
    "bool_field",
    "check_destination",
    "check_url",
    "int_field",
    "method_field",
    "required_field",
    "text_field",
    "validate_cdr_query",
    "validate_create",
    "validate_list_query",
    "validate_member_action",
    "validate_mpc_action",
    "validate_record",
    "validate_transfer",
]

_NUMBER = re.compile(r"\+?\d{7,15}")
_SIP = re.compile(r"sip:[^@\s<]+@[^@\s<]+")
_SEND_DIGITS = re.compile(r"(?:[0-9*#wW]|@\d+)+")
_SIP_HEADER = re.compile(r"[A-Za-z0-9]+=[A-Za-z0-9]+")
_METHODS = frozenset({"GET", "POST"})
_URL_FIELDS = ("answer_url", "ring_url", "hangup_url", "fallback_url", "machine_detection_url")
_METHOD_FIELDS = (
    "answer_method",
    "ring_method",
    "hangup_method",
    "fallback_method",
    "machine_detection_method",
    "callback_method",
)
# What validate_create returns beside the required fields, with the defaults it keeps.
_CALL_URL_FIELDS = ("ring_url", "hangup_url", "fallback_url", "machine_detection_url")
_CALL_METHOD_FIELDS = _METHOD_FIELDS[:5]
MPC_ACTIONS = frozenset({"call", "warm_transfer", "cold_transfer"})
MEMBER_ACTIONS = frozenset(
    {
        "abort_transfer",
        "resume_call",
        "voicemail_drop",
        "hangup",
        "hold",
        "unhold",
        "mute",
        "unmute",
    }
)
ROLES = frozenset({"agent", "customer"})


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


_CREATE_REQUIRED = frozenset({"from", "to", "answer_url"})


def _create_fields(from_: str, destinations: list[str], answer_url: str) -> dict[str, Any]:
    """The fields of a create that gives only the required ones (Plivo's defaults)."""
    return {
        "from": from_,
        "to": destinations,
        "answer_url": answer_url,
        "answer_method": "POST",
        "ring_url": None,
        "ring_method": "POST",
        "hangup_url": None,
        "hangup_method": "POST",
        "fallback_url": None,
        "fallback_method": "POST",
        "machine_detection": None,
        "machine_detection_url": None,
        "machine_detection_method": "POST",
        "caller_name": None,
        "time_limit": None,
        "hangup_on_ring": None,
        "ring_timeout": None,
        "parent_call_uuid": None,
        "error_if_parent_not_found": False,
    }


def validate_create(body: Mapping[str, Any]) -> dict[str, Any]:
    """Check a Call create body; return the normalised fields the call needs.

    ``to`` may hold several destinations joined by ``<`` (one call each).
    """
    from_ = check_destination("from", required_field(body, "from"))
    to_raw = required_field(body, "to")
    destinations = [check_destination("to", part) for part in to_raw.split("<")]
    if from_ in destinations:
        raise BadRequest("src and destination cannot overlap")
    answer_url = required_field(body, "answer_url")
    if _CREATE_REQUIRED.issuperset(body):  # the usual bulk body: no optional field to check
        check_url("answer_url", answer_url)
        return _create_fields(from_, destinations, answer_url)
    for name in _URL_FIELDS:
        value = text_field(body, name)
        if value is not None:
            check_url(name, value)
    for name in _METHOD_FIELDS:
        if name in body:  # most bodies give none of them: no call for an absent field
            method_field(body, name)
    caller_name = text_field(body, "caller_name")
    if caller_name is not None and len(caller_name) > 50:
        raise BadRequest("caller_name must be at most 50 characters")
    send_digits = text_field(body, "send_digits")
    if send_digits is not None and not _SEND_DIGITS.fullmatch(send_digits):
        raise BadRequest(f"invalid send_digits: {send_digits!r}")
    bool_field(body, "send_on_preanswer")
    bool_field(body, "error_if_parent_not_found")
    time_limit = int_field(body, "time_limit", 1)
    hangup_on_ring = int_field(body, "hangup_on_ring", 1)
    ring_timeout = int_field(body, "ring_timeout", 1)
    int_field(body, "machine_detection_time", 2000, 10000)
    machine_detection = text_field(body, "machine_detection")
    if machine_detection is not None and machine_detection.lower() not in ("true", "hangup"):
        raise BadRequest("machine_detection must be true or hangup")
    sip_headers = text_field(body, "sip_headers")
    if sip_headers is not None and not all(
        _SIP_HEADER.fullmatch(pair) for pair in sip_headers.split(",")
    ):
        raise BadRequest("sip_headers must be alphanumeric key=value pairs separated by commas")
    fields = _create_fields(from_, destinations, answer_url)
    fields.update(
        machine_detection=machine_detection.lower() if machine_detection else None,
        caller_name=caller_name,
        time_limit=time_limit,
        hangup_on_ring=hangup_on_ring,
        ring_timeout=ring_timeout,
        parent_call_uuid=text_field(body, "parent_call_uuid"),
        error_if_parent_not_found=bool(bool_field(body, "error_if_parent_not_found")),
    )
    # The defaults above stand unless the body gives the field (read once more only then).
    for name in _CALL_URL_FIELDS:
        if name in body:
            fields[name] = text_field(body, name)
    for name in _CALL_METHOD_FIELDS:
        if name in body:
            fields[name] = (text_field(body, name) or "POST").upper()
    return fields


def validate_transfer(body: Mapping[str, Any]) -> str:
    """Check a transfer (Call update) body; return the legs transferred."""
    legs = (text_field(body, "legs") or "aleg").lower()
    if legs not in ("aleg", "bleg", "both"):
        raise BadRequest("legs must be one of aleg, bleg, both")
    for name in ("aleg_url", "bleg_url"):
        value = text_field(body, name)
        if value is not None:
            check_url(name, value)
    for name in ("aleg_method", "bleg_method"):
        method_field(body, name)
    if legs in ("aleg", "both") and not text_field(body, "aleg_url"):
        raise BadRequest("aleg_url is required to transfer the aleg")
    if legs in ("bleg", "both") and not text_field(body, "bleg_url"):
        raise BadRequest("bleg_url is required to transfer the bleg")
    return legs


def validate_mpc_action(body: Mapping[str, Any]) -> tuple[str, str, str, str]:
    """Check a PHLO multi-party-call action; return (action, to, role, trigger_source)."""
    action = required_field(body, "action")
    if action not in MPC_ACTIONS:
        raise BadRequest(f"invalid action {action!r}; allowed: {', '.join(sorted(MPC_ACTIONS))}")
    to = check_destination("to", required_field(body, "to"))
    trigger_source = check_destination("trigger_source", required_field(body, "trigger_source"))
    role = (text_field(body, "role") or "agent").lower()
    if role not in ROLES:
        raise BadRequest(f"invalid role {role!r}; allowed: agent, customer")
    return action, to, role, trigger_source


def validate_member_action(body: Mapping[str, Any], member_id: str) -> str:
    """Check a PHLO multi-party-call member action; return the action."""
    check_destination("member_id", member_id)
    action = required_field(body, "action")
    if action not in MEMBER_ACTIONS:
        raise BadRequest(f"invalid action {action!r}; allowed: {', '.join(sorted(MEMBER_ACTIONS))}")
    return action


def validate_record(body: Mapping[str, Any]) -> str:
    """Check a Call record body; return the file format (mp3 unless wav)."""
    file_format = text_field(body, "file_format") or "mp3"
    if file_format not in ("mp3", "wav"):
        raise BadRequest("file_format must be mp3 or wav")
    int_field(body, "time_limit", 1)
    return file_format


def validate_list_query(query: Mapping[str, str]) -> tuple[int, int]:
    """Check list paging; return (limit, offset). Plivo caps ``limit`` at 20."""
    limit = int_field(query, "limit", 1, 20)
    offset = int_field(query, "offset", 0)
    return (20 if limit is None else limit), (0 if offset is None else offset)


CdrTest = Callable[[Mapping[str, Any], "float | None"], bool]
"""One filter of the call-record list: ``test(cdr, end_at)`` (epoch seconds; None: not over)."""

_COMPARISONS: dict[str, Callable[[Any, Any], bool]] = {
    "": operator.eq,
    "__gt": operator.gt,
    "__gte": operator.ge,
    "__lt": operator.lt,
    "__lte": operator.le,
}
_TIME_FORMATS = ("%Y-%m-%d %H:%M:%S.%f", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M")


def _time_filter(name: str, value: str) -> float:
    for fmt in _TIME_FORMATS:
        try:
            parsed = datetime.strptime(value, fmt)
        except ValueError:
            continue
        return parsed.replace(tzinfo=timezone.utc).timestamp()
    raise BadRequest(f"invalid {name}: {value!r}; expected YYYY-MM-DD HH:MM[:SS[.ffffff]] (UTC)")


def number_matches(number: str, prefix: str) -> bool:
    """Plivo's number filters match a prefix, with or without the leading ``+``."""
    return number.lstrip("+").startswith(prefix.lstrip("+"))


def _field_test(field: str, accept: Callable[[Any], bool]) -> CdrTest:
    def test(cdr: Mapping[str, Any], end: float | None) -> bool:
        value = cdr[field]
        return value is not None and accept(value)

    return test


def _end_test(accept: Callable[[float], bool]) -> CdrTest:
    def test(cdr: Mapping[str, Any], end: float | None) -> bool:
        return end is not None and accept(end)

    return test


def _compare_to(compare: Callable[[Any, Any], bool], bound: Any) -> Callable[[Any], bool]:
    return lambda value: compare(value, bound)


def _prefix_of(prefix: str) -> Callable[[Any], bool]:
    return lambda number: number_matches(number, prefix)


def _same_second(moment: float) -> Callable[[float], bool]:
    return lambda end: int(end) == int(moment)


def validate_cdr_query(query: Mapping[str, str]) -> list[CdrTest]:
    """The filters of ``GET Call/`` (call records), as the API and the official SDK name them.

    ``from_number``/``to_number`` match a prefix; ``call_direction``, ``hangup_source``,
    ``parent_call_uuid`` and ``subaccount`` match exactly (the emulator has no
    subaccounts: any ``subaccount`` matches nothing); ``bill_duration``,
    ``hangup_cause_code`` and ``end_time`` (UTC ``YYYY-MM-DD HH:MM[:SS[.ffffff]]``, to the
    second for ``end_time=``) also take ``__gt``/``__gte``/``__lt``/``__lte``.
    """
    tests: list[CdrTest] = []
    for name in ("from_number", "to_number"):
        prefix = query.get(name)
        if prefix:
            tests.append(_field_test(name, _prefix_of(prefix)))
    for name in ("call_direction", "hangup_source", "parent_call_uuid"):
        if query.get(name):
            tests.append(_field_test(name, _compare_to(operator.eq, query[name])))
    if query.get("subaccount"):
        tests.append(lambda cdr, end: False)
    for suffix, compare in _COMPARISONS.items():
        for name in ("bill_duration", "hangup_cause_code"):
            bound = int_field(query, name + suffix, 0)
            if bound is not None:
                tests.append(_field_test(name, _compare_to(compare, bound)))
        text = query.get("end_time" + suffix)
        if text:
            moment = _time_filter("end_time" + suffix, text)
            if suffix == "":  # to the second, as the records show it
                tests.append(_end_test(_same_second(moment)))
            else:
                tests.append(_end_test(_compare_to(compare, moment)))
    return tests
