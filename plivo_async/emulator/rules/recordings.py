"""What the emulated recordings API (``Recording/``) answers 400 to, and its list filters."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from ._fields import (
    COMPARISONS,
    BadRequest,
    check_subaccount,
    int_field,
    parse_time,
    validate_callback,
)

__all__ = ["recording_matches", "validate_recording_query"]

_TIME = re.compile(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?")
_EQUAL = (
    "call_uuid",
    "from_number",
    "to_number",
    "conference_name",
    "conference_uuid",
    "mpc_name",
    "mpc_uuid",
)


def validate_recording_query(query: Mapping[str, str]) -> None:
    """``GET Recording/``'s filters (paging is checked by the list itself), and the
    asynchronous mode's ``callback_url`` / ``callback_method``."""
    validate_callback(query)
    for name, value in query.items():
        if name.startswith("add_time") and not _TIME.fullmatch(value):
            raise BadRequest(f"invalid {name}: use YYYY-MM-DD HH:MM[:SS[.ffffff]]")
        if name.startswith("recording_storage_duration"):
            int_field(query, name, 0)
        if name == "subaccount":
            check_subaccount(value)


def recording_matches(view: Mapping[str, Any], started: float, query: Mapping[str, str]) -> bool:
    """Whether a recording (its view, its start) passes the filters of a checked query."""
    for name in _EQUAL:
        if name in query and view.get(name) != query[name]:
            return False
    for suffix, compare in COMPARISONS.items():
        added = query.get("add_time" + suffix)
        if suffix and added is not None:
            try:
                bound = parse_time("add_time" + suffix, added)
            except BadRequest:  # the format matched but is no date (month 13): as before
                bound = 0.0
            if not compare(started, bound):
                return False
        stored = query.get("recording_storage_duration" + suffix)
        if stored is not None and not compare(view["recording_storage_duration"], int(stored)):
            return False
    return True
