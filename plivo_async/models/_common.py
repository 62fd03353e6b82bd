"""Pieces shared by the models of the account resources (recordings, endpoints, ...).

The Call API models keep their own copies (``models/calls.py``); these are the ones the
newer areas build on, so their list pages and id fields behave the same everywhere.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, Generic, TypeVar

import attrs

from .. import validation as v

__all__ = ["ListPage", "id_text", "limit_field", "offset_field", "optional_text", "to_id_text"]

T = TypeVar("T")


class ListPage(Generic[T]):
    """What a page of a list answer is to its reader: ``len(page)``, ``for obj in page``.

    The attrs subclass declares ``api_id``, ``meta``, ``objects`` (a ``list[T]``) and
    ``raw``, so the converter sees concrete types.
    """

    __slots__ = ()
    objects: list[T]

    def __iter__(self) -> Iterator[T]:
        return iter(self.objects)

    def __len__(self) -> int:
        return len(self.objects)


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
