"""Following the pages of a list: one loop for every ``iter_*`` method of every area."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Iterable
from typing import Any, Protocol, TypeVar

from ..models.calls import ListMeta
from .calls import MAX_PAGE_SIZE, _next_page

__all__ = ["Page", "iter_pages"]

R = TypeVar("R")
T_co = TypeVar("T_co", covariant=True)


class Page(Protocol[T_co]):
    """A list answer: its pagination ``meta`` and the ``objects`` of the page."""

    @property
    def meta(self) -> ListMeta: ...

    @property
    def objects(self) -> Iterable[T_co]: ...


async def iter_pages(
    fetch: Callable[[dict[str, Any]], Awaitable[Page[R]]],
    params: dict[str, Any],
    *,
    paged: bool = True,
) -> AsyncIterator[R]:
    """Every object of every page ``fetch(params)`` returns, following ``meta.next``.

    With ``paged`` (the default) the first page asks for ``limit`` 20 from ``offset`` 0
    unless ``params`` says otherwise (or carries a ``cursor``). ``paged=False`` sends
    ``params`` as given and only follows what ``meta.next`` names (for lists whose API
    documents no paging parameters). Stops at an empty page, at the end, or when the next
    query would repeat the current one.
    """
    params = dict(params)
    if paged:
        params.setdefault("limit", MAX_PAGE_SIZE)
        if "cursor" not in params:
            params.setdefault("offset", 0)
    while True:
        page = await fetch(params)
        objects = list(page.objects)
        if not objects:
            return
        for item in objects:
            yield item
        following = _next_page(page.meta, params, len(objects))
        if following is None or following == params:
            return
        params = following
