"""What every account resource shares: URL building, one request, a paged list.

``Calls`` (through its stream methods), recordings, transcriptions, endpoints,
applications, masking sessions and verified caller ids build on these, so a fix to
paging or to the request path lands in one place.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, ClassVar, Generic, TypeVar

from .._convert import from_wire, structure_response, to_wire
from ..validation import path_segment
from ._paging import iter_pages

if TYPE_CHECKING:
    from ..transport import Transport

__all__ = ["ApiResource", "ListResource", "iter_pages", "send_fields"]

R = TypeVar("R")
P = TypeVar("P")


async def send_fields(
    transport: Transport,
    response: type[R],
    method: str,
    url: str,
    fields: Mapping[str, Any],
    *,
    idempotent: bool | None = None,
    calls: int = 0,
    retry_unsafe: bool = False,
) -> R:
    """Send wire ``fields`` as the query of a ``GET``, else as the JSON body; none if empty."""
    query = method == "GET"
    data = await transport.request(
        method,
        url,
        json=None if query else (fields or None),
        params=(fields or None) if query else None,
        idempotent=idempotent,
        calls=calls,
        retry_unsafe=retry_unsafe,
    )
    return structure_response(response, data)


class ApiResource:
    """A resource of one account's Voice API (``api_base`` + ``Area/...``)."""

    def __init__(self, transport: Transport) -> None:
        self._transport = transport

    @property
    def with_raw_response(self) -> Any:
        """This resource answering :class:`~plivo_async.RawResponse` (status, headers, the
        JSON as it came; ``.parse()`` for the model), like ``client.with_raw_response``."""
        return type(self)(self._transport.derive(raw=True))

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


class ListResource(ApiResource, Generic[P]):
    """An area under one path (``Endpoint/``) whose ``GET`` lists it a page ``P`` at a time.

    A subclass names ``_path``, the model that checks the list filters and the page
    model; fetching a page, checking filters and addressing one item are then the same
    for every such area.
    """

    _path: ClassVar[str]
    _list_request: ClassVar[type[Any]]
    _list_response: type[P]

    def _item_url(self, field: str, item_id: object, *segments: str) -> str:
        """``{path}/{item_id}/...``, the id checked and encoded as one path segment."""
        return self._url(self._path, path_segment(field, item_id), *segments)

    def _params(self, filters: Mapping[str, Any]) -> dict[str, Any]:
        """The wire query of a list: unknown filters and broken rules refused here."""
        return to_wire(from_wire(self._list_request, filters))

    async def _page(self, params: Mapping[str, Any]) -> P:
        return await self._request(
            self._list_response, "GET", self._url(self._path), params=params or None
        )
