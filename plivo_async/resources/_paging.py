"""Following the pages of a list: one loop for every ``iter_*`` method of the new areas."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any, Protocol, TypeVar

from ..models.calls import ListMeta
from .calls import _next_page

__all__ = ["iter_pages"]

T = TypeVar("T")


class Page(Protocol[T]):
    """A list answer: ``meta`` (``next``) and ``objects``."""

    @property
    def meta(self) -> ListMeta: ...

    @property
    def objects(self) -> list[T]: ...


async def iter_pages(
    fetch: Callable[[dict[str, Any]], Awaitable[Page[T]]], params: dict[str, Any]
) -> AsyncIterator[T]:
    """Yield every object of every page, asking ``fetch(params)`` for each page in turn.

    Follows ``meta.next`` (offset or cursor, see ``calls._next_page``); stops on an empty
    page, on the last page, when a page has no meta and ``params`` has no offset to walk
    on, or if the API hands back the page it was just asked for again.
    """
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
