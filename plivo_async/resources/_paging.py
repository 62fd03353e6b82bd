"""Following the pages of a list: the one loop behind every ``iter_*`` method of every area.

A list answer is a page: its items (``objects``, or ``calls`` for the live and queued call
ids, ``conferences`` for the conference names) and, for most lists, a ``meta`` block whose
``next`` says where the following page is. :func:`paginate` walks them; :func:`next_page`
is its rule for the query of the following page.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Hashable, Iterable, Mapping
from typing import Any, TypeVar
from urllib.parse import parse_qs, urlsplit

from ..models._shared import ListMeta
from ..validation import to_int

__all__ = ["MAX_PAGE_SIZE", "next_page", "paginate"]

#: The API's page size cap for every list.
MAX_PAGE_SIZE = 20

P = TypeVar("P")
T = TypeVar("T")


async def paginate(
    fetch: Callable[[dict[str, Any]], Awaitable[P]],
    params: Mapping[str, Any],
    *,
    items: Callable[[P], Iterable[T]],
    paged: bool = True,
    unique: bool = False,
) -> AsyncIterator[T]:
    """Every item of every page ``fetch(query)`` returns, following the pages.

    With ``paged`` (the default) the first page asks for ``limit`` 20 from ``offset`` 0
    unless ``params`` says otherwise (or carries a ``cursor``). ``paged=False`` sends
    ``params`` as given and only follows what ``meta.next`` names (for lists whose API
    documents no paging parameters). ``unique`` yields each item once and ends the walk at a
    page that brings nothing new (an API that ignores the offset), for lists of ids.

    Stops at an empty page, at the end (see :func:`next_page`), or when the next query
    would repeat the current one.
    """
    query = dict(params)
    if paged:
        query.setdefault("limit", MAX_PAGE_SIZE)
        if "cursor" not in query:
            query.setdefault("offset", 0)
    seen: set[Hashable] = set()
    while True:
        page = await fetch(query)
        received = list(items(page))
        if not received:
            return
        fresh = [item for item in received if item not in seen] if unique else received
        for item in fresh:
            yield item
        if unique:
            if not fresh:
                return
            seen.update(fresh)  # unique: the items are ids, hashable
        following = next_page(getattr(page, "meta", None), query, len(received))
        if following is None or following == query:
            return
        query = following


def next_page(
    meta: ListMeta | None, params: dict[str, Any], received: int
) -> dict[str, Any] | None:
    """The query of the page after ``params``, from ``meta.next``; ``None`` at the end.

    ``meta.next`` is a relative URL carrying either ``offset`` or an opaque ``cursor``
    (a cursor replaces the offset, which must then not be sent). Without any meta (the
    live and queued call ids have none), walk on by offset until a page shorter than
    ``limit``.
    """
    if meta is None or not meta.raw:
        if "offset" not in params or received < params.get("limit", MAX_PAGE_SIZE):
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
