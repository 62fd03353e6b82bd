"""What the emulated Call API answers 400 to: create, transfer, record, in-call media, lists.

Built from the field parsers of :mod:`plivo_async.emulator.rules` (see there why they are
independent of the client's validation).
"""

from __future__ import annotations

import operator
import re
from collections.abc import Callable, Mapping
from typing import Any

from ._fields import (
    COMPARISONS,
    BadRequest,
    bool_field,
    check_destination,
    check_url,
    int_field,
    method_field,
    parse_time,
    required_field,
    text_field,
)

__all__ = [
    "STIR_VERIFICATION",
    "CdrTest",
    "call_params",
    "number_matches",
    "validate_cdr_query",
    "validate_create",
    "validate_digits",
    "validate_in_call_media",
    "validate_record",
    "validate_transfer",
]

_SEND_DIGITS = re.compile(r"(?:[0-9*#wW]|@\d+)+")
_SIP_HEADER = re.compile(r"[A-Za-z0-9]+=[A-Za-z0-9]+")
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
_LEGS = ("aleg", "bleg", "both")
_DIGITS = frozenset("0123456789*#wW@")


STIR_VERIFICATION = ("Verified", "Not Verified", "Not Applicable")
"""The ``stir_verification`` values of a call record, as Plivo spells them."""
_CREATE_REQUIRED = frozenset({"from", "to", "answer_url"})
_AMD_TUNING = {
    "machine_detection_maximum_speech_length": (1000, 6000),
    "machine_detection_initial_silence": (2000, 10000),
    "machine_detection_maximum_words": (2, 10),
    "machine_detection_initial_greeting": (1000, 5000),
    "machine_detection_silence": (500, 5000),
}
"""Machine detection's tuning parameters and the ranges Plivo accepts (ms, or words)."""


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
        **dict.fromkeys(_AMD_TUNING),
        "caller_name": None,
        "time_limit": None,
        "hangup_on_ring": None,
        "ring_timeout": None,
        "parent_call_uuid": None,
        "error_if_parent_not_found": False,
    }


_DEFAULTS = _create_fields("", [], "")


def call_params(fields: Mapping[str, Any]) -> dict[str, Any]:
    """What a placed call keeps of :func:`validate_create`'s fields: those that differ
    from Plivo's defaults (readers use ``params.get(name)`` with the default), so a
    million placed calls do not hold a million copies of the defaults."""
    return {k: v for k, v in fields.items() if k == "from" or v != _DEFAULTS[k]}


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
    for name, (low, high) in _AMD_TUNING.items():
        fields[name] = int_field(body, name, low, high)
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


def validate_record(body: Mapping[str, Any]) -> str:
    """Check a Call record body; return the file format (mp3 unless wav)."""
    file_format = text_field(body, "file_format") or "mp3"
    if file_format not in ("mp3", "wav"):
        raise BadRequest("file_format must be mp3 or wav")
    int_field(body, "time_limit", 1)
    return file_format


def _check_legs(body: Mapping[str, Any], name: str) -> None:
    legs = body.get(name)
    if legs is not None and legs not in _LEGS:
        raise BadRequest(f"{name} must be one of aleg, bleg, both")


def validate_in_call_media(body: Mapping[str, Any], required: str) -> None:
    """Play (``urls``) and Speak (``text``) on a live call: the required field, ``legs``."""
    if not body.get(required):
        raise BadRequest(f"Missing mandatory parameter: {required}")
    _check_legs(body, "legs")


def validate_digits(body: Mapping[str, Any]) -> str:
    """``POST Call/{uuid}/DTMF/``: ``digits`` required (0-9, *, #, w, W, @), ``leg``."""
    digits = body.get("digits")
    if not digits or not isinstance(digits, str) or not set(digits) <= _DIGITS:
        raise BadRequest("digits is required: 0-9, *, #, w, W")
    _check_legs(body, "leg")
    return digits


CdrTest = Callable[[Mapping[str, Any], "float | None"], bool]
"""One filter of the call-record list: ``test(cdr, end_at)`` (epoch seconds; None: not over)."""


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
    ``parent_call_uuid``, ``stir_verification`` (one of :data:`STIR_VERIFICATION`) and
    ``subaccount`` match exactly (the emulator has no
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
    stir = query.get("stir_verification")
    if stir:
        if stir not in STIR_VERIFICATION:
            allowed = ", ".join(STIR_VERIFICATION)
            raise BadRequest(f"invalid stir_verification {stir!r}; allowed: {allowed}")
        tests.append(_field_test("stir_verification", _compare_to(operator.eq, stir)))
    if query.get("subaccount"):
        tests.append(lambda cdr, end: False)
    for suffix, compare in COMPARISONS.items():
        for name in ("bill_duration", "hangup_cause_code"):
            bound = int_field(query, name + suffix, 0)
            if bound is not None:
                tests.append(_field_test(name, _compare_to(compare, bound)))
        text = query.get("end_time" + suffix)
        if text:
            moment = parse_time("end_time" + suffix, text)
            if suffix == "":  # to the second, as the records show it
                tests.append(_end_test(_same_second(moment)))
            else:
                tests.append(_end_test(_compare_to(compare, moment)))
    return tests
