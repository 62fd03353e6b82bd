"""Input rules of the emulated API, one module per API area (as in ``resources/``).

What Plivo answers 400 to (422 for call feedback), area by area: ``rules/calls.py`` checks a
Call create, ``rules/conferences.py`` a conference recording, and so on. Every area builds
on the field parsers of ``rules/_fields.py``, re-exported here: ``text_field``,
``required_field``, ``int_field`` (refuses non-integers and over-long digit strings),
``bool_field``, ``method_field``, ``check_url`` (http(s) with a host), ``optional_url``,
``check_destination`` (number or SIP URI), ``validate_list_query`` (paging). They raise
:class:`BadRequest`, which the middleware answers with Plivo's 400.

The rules are deliberately independent of the client's ``plivo_async.validation``: the
emulator is the oracle the client is tested against, so sharing code would make the tests
agree with themselves.
"""

from __future__ import annotations

from ._fields import (
    COMPARISONS,
    RECORDING_FORMATS,
    BadRequest,
    bool_field,
    check_destination,
    check_subaccount,
    check_url,
    int_field,
    method_field,
    optional_url,
    parse_time,
    required_field,
    text_field,
    validate_callback,
    validate_list_query,
)

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
