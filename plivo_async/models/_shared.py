"""What the models of every area share: list pages, the action answer, field factories.

``ListMeta`` and ``ActionResponse`` are answers of every area (they are re-exported by
``models.calls``, where they were first defined). The field factories make the ids, URLs,
methods and flags of every area behave the same; each makes an optional field: ``None``
means "not sent".
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, Generic, TypeVar

import attrs

from .. import validation as v
from .._convert import request_model

__all__ = [
    "ActionResponse",
    "CallbackRequest",
    "ListMeta",
    "ListPage",
    "bool_field",
    "file_format_field",
    "id_text",
    "int_field",
    "limit_field",
    "method_field",
    "offset_field",
    "optional_text",
    "subaccount_field",
    "time_filter_field",
    "to_id_text",
    "url_field",
]

T = TypeVar("T")


@attrs.frozen(kw_only=True)
class ListMeta:
    """Pagination of a list: ``next``/``previous`` are relative URLs or ``None``."""

    limit: int | None = None
    offset: int | None = None
    next: str | None = None
    previous: str | None = None
    total_count: int | None = None
    raw: dict[str, Any] = attrs.field(factory=dict, repr=False, eq=False)


@attrs.frozen(kw_only=True)
class ActionResponse:
    """The answer to an action (transfer, play, speak, DTMF, hangup, cancel, stop, delete).

    Actions answered with 204 No Content give an ``ActionResponse`` with every field
    ``None`` and an empty ``raw``.
    """

    api_id: str | None = None
    message: str | None = None
    raw: dict[str, Any] = attrs.field(factory=dict, repr=False, eq=False)


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


def url_field() -> Any:
    """An absolute http(s) URL (a callback, an audio file); ``""`` means "not given"."""
    return attrs.field(default=None, converter=v.empty_to_none, validator=v.optional(v.http_url()))


def method_field() -> Any:
    """The HTTP method of a URL field: ``GET`` or ``POST``, any case."""
    return attrs.field(default=None, converter=v.to_upper, validator=v.optional(v.http_method()))


def bool_field() -> Any:
    """A flag: a ``bool`` or ``"true"``/``"false"`` (a CSV cell)."""
    return attrs.field(default=None, converter=v.to_bool, validator=v.optional(v.boolean()))


def int_field(low: int = 0, high: int | None = None) -> Any:
    """An integer in ``low..high`` (no upper bound without ``high``); digits as text too."""
    return attrs.field(
        default=None, converter=v.to_int, validator=v.optional(v.int_range(low, high))
    )


def subaccount_field() -> Any:
    """A subaccount auth id (``SA`` then 18 capitals or digits)."""
    return attrs.field(
        default=None, converter=v.empty_to_none, validator=v.optional(v.subaccount())
    )


def time_filter_field() -> Any:
    """A time filter of a list (``YYYY-MM-DD HH:MM[:SS[.ffffff]]`` or a ``datetime``)."""
    return attrs.field(
        default=None, converter=v.to_time_filter, validator=v.optional(v.time_filter())
    )


def file_format_field() -> Any:
    """A recording's file format: mp3 or wav, any case."""
    return attrs.field(
        default=None, converter=v.to_lower, validator=v.optional(v.one_of(("mp3", "wav")))
    )


@request_model
@attrs.frozen(kw_only=True)
class CallbackRequest:
    """Plivo's asynchronous request mode: ``callback_url`` / ``callback_method``.

    With ``callback_url`` set, the API answers at once (``"async api spawned"``) and posts
    the real result to ``callback_url`` (with ``callback_method``, default POST). Sent
    alone by the ``GET`` lookups and ``DELETE`` actions; the request models of the areas
    that take it elsewhere (endpoints, applications, recordings) extend it.
    """

    callback_url: str | None = url_field()
    callback_method: str | None = method_field()
