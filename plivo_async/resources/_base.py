"""What every account resource shares: URL building, one request, walking list pages.

``Calls`` (through its stream methods), recordings, transcriptions, endpoints and
applications build on these, so a fix to paging or to the request path lands in one
place.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from .._convert import structure_response
from ._paging import MAX_PAGE_SIZE, Page, iter_pages

if TYPE_CHECKING:
    from ..transport import Transport

__all__ = ["MAX_PAGE_SIZE", "ApiResource", "Page", "iter_pages"]

R = TypeVar("R")
T_co = TypeVar("T_co", covariant=True)


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
