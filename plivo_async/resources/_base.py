"""What every account resource shares: URL building, one request, walking list pages.

``Calls`` (through its stream methods), recordings, transcriptions, endpoints and
applications build on these, so a fix to paging or to the request path lands in one
place.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from .._convert import structure_response

if TYPE_CHECKING:
    from ..models.calls import ListMeta
    from ..transport import Transport

__all__ = ["ApiResource", "Page", "iter_pages"]

R = TypeVar("R")
T_co = TypeVar("T_co", covariant=True)

#: The API's page size cap for every list.
MAX_PAGE_SIZE = 20


class Page(Protocol[T_co]):
    """A list response: its pagination ``meta`` and its ``objects``."""

    @property
    def meta(self) -> ListMeta: ...

    @property
    def objects(self) -> Iterable[T_co]: ...


class ApiResource:
    """A resource of one account's Voice API (``api_base`` + ``Area/...``)."""

    def __init__(self, transport: Transport) -> None:
        self._transport = transport

    def _url(self, *segments: str) -> str:
        """``api_base`` + ``a/b/``: every Voice API path ends with a slash, like the SDK's.

        Segments that come from the caller must already have been through
        :func:`~plivo_async.validation.path_segment`.
        """
        return self._transport.api_base + "".join(f"{s}/" for s in segments)

    async def _request(
        self,
        response: type[R],
        method: str,
        url: str,
        *,
        json: Mapping[str, Any] | None = None,
        params: Mapping[str, Any] | None = None,
        idempotent: bool | None = None,
        calls: int = 0,
        retry_unsafe: bool = False,
    ) -> R:
        data = await self._transport.request(
            method,
            url,
            json=json,
            params=params,
            idempotent=idempotent,
            calls=calls,
            retry_unsafe=retry_unsafe,
        )
        return structure_response(response, data)


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
    from .calls import _next_page  # the one reading of meta.next, shared with calls

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
