"""Pieces shared by the models of the account resources (recordings, endpoints, ...).

The Call API models keep their own copies (``models/calls.py``); these are the ones the
newer areas build on, so their list pages and id fields behave the same everywhere.
"""

from __future__ import annotations

from typing import Any

import attrs

from .. import validation as v

__all__ = ["id_text", "limit_field", "offset_field", "optional_text", "to_id_text"]


def to_id_text(value: Any) -> Any:
    """An id given as an ``int`` (``20468599130939380``) is sent as its decimal text."""
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return v.empty_to_none(value)


def id_text() -> Any:
    """An optional id in a body or query (``app_id``): text or int, never empty."""
    return attrs.field(default=None, converter=to_id_text, validator=v.optional(v.non_empty_str()))


def optional_text() -> Any:
    """An optional free-text filter or field: ``""`` means "not given"."""
    return attrs.field(
        default=None, converter=v.empty_to_none, validator=v.optional(v.non_empty_str())
    )


def limit_field() -> Any:
    """A list's page size: the API serves at most 20 per page."""
    return attrs.field(default=None, converter=v.to_int, validator=v.optional(v.int_range(1, 20)))


def offset_field() -> Any:
    return attrs.field(default=None, converter=v.to_int, validator=v.optional(v.int_range(0)))
