"""Following the pages of a list: one loop for every ``iter_*`` method of every area."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Iterable
from typing import Any, Protocol, TypeVar
from urllib.parse import parse_qs, urlsplit

from ..models.calls import ListMeta
from ..validation import to_int

__all__ = ["MAX_PAGE_SIZE", "Page", "iter_pages", "next_page"]

#: The API's page size cap for every list.
MAX_PAGE_SIZE = 20

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
        following = next_page(page.meta, params, len(objects))
        if following is None or following == params:
            return
        params = following


def next_page(meta: ListMeta, params: dict[str, Any], received: int) -> dict[str, Any] | None:
    """The query of the page after ``params``, from ``meta.next``; ``None`` at the end.

    ``meta.next`` is a relative URL carrying either ``offset`` or an opaque ``cursor``
    (a cursor replaces the offset, which must then not be sent). Without any meta, walk
    on by offset.
    """
    if not meta.raw:
        if "offset" not in params:
            return None
        return {**params, "offset": params["offset"] + received}
    if not meta.next:
        return None
    query = parse_qs(urlsplit(meta.next).query)
    following = dict(params)
    limit = to_int(query.get("limit", [None])[0])
    if isinstance(limit, int):
        following["limit"] = min(max(limit, 1), MAX_PAGE_SIZE)
    cursor = query.get("cursor", [None])[0]
    if cursor:
        following.pop("offset", None)
        following["cursor"] = cursor
        return following
    offset = to_int(query.get("offset", [None])[0])
    if isinstance(offset, int):
        following.pop("cursor", None)
        following["offset"] = offset
        return following
    if "offset" not in params:
        return None
    return {**params, "offset": params["offset"] + received}
