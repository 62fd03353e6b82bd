"""Following the pages of a list: one loop for every resource whose pages carry ``meta``."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from typing import Any, Protocol, TypeVar

from ..models.calls import ListMeta
from .calls import MAX_PAGE_SIZE, _next_page

__all__ = ["Page", "iter_pages"]

T_co = TypeVar("T_co", covariant=True)


class Page(Protocol[T_co]):
    """What a list answer offers: its ``meta`` and the ``objects`` of the page."""

    @property
    def meta(self) -> ListMeta: ...

    @property
    def objects(self) -> Sequence[T_co]: ...


async def iter_pages(
    fetch: Callable[[dict[str, Any]], Awaitable[Page[T_co]]], params: dict[str, Any]
) -> AsyncIterator[T_co]:
    """Every object of every page, from ``params`` on (``limit`` 20, ``offset`` 0 by default).

    Follows ``meta.next`` (offset or cursor); stops on the last page, on an empty page, or
    if the API hands back the page it was just asked for.
    """
    params = dict(params)
    params.setdefault("limit", MAX_PAGE_SIZE)
    if "cursor" not in params:
        params.setdefault("offset", 0)
    while True:
        page = await fetch(params)
        if not page.objects:
            return
        for item in page.objects:
            yield item
        following = _next_page(page.meta, params, len(page.objects))
        if following is None or following == params:
            return
        params = following
