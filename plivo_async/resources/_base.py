"""The one shape of every resource: ``_get`` / ``_post`` / ``_delete`` a path, cast the answer.

Every area (``client.calls``, ``client.recordings``, a PHLO handle, ...) is a
:class:`Resource` over the client's transport, as in the openai and anthropic SDKs: a
method validates its input into a request model, then sends it with
``self._post(path, body=to_wire(request), cast_to=Model)``. A path is relative to the
account's API URL (``"Call/"``); the PHLO and call insights hosts are given as absolute
URLs. Lists are walked by :meth:`Resource._paginate`, over the one paging loop
(:func:`~plivo_async.resources._paging.paginate`).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable, Mapping
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from .._convert import from_wire, structure_response, to_wire
from ..errors import ValidationError
from ..validation import path_segment
from ._paging import paginate

if TYPE_CHECKING:
    from .._base_client import BaseClient
    from .._types import RequestObserver

__all__ = ["Resource", "api_path", "filters_query", "item_path"]

R = TypeVar("R")
T = TypeVar("T")
T_co = TypeVar("T_co", covariant=True)


class Page(Protocol[T_co]):
    """A list answer as :meth:`Resource._paginate` reads it: the ``objects`` of the page."""

    @property
    def objects(self) -> Iterable[T_co]: ...


def api_path(*segments: str) -> str:
    """``a/b/``: every Voice API path ends with a slash, like the official SDK's.

    Segments that come from the caller must already have been through
    :func:`~plivo_async.validation.path_segment`.
    """
    return "".join(f"{s}/" for s in segments)


def item_path(area: str, field: str, item_id: object, *segments: str) -> str:
    """``{area}/{item_id}/...``, ``item_id`` checked and encoded as one path segment."""
    return api_path(area, path_segment(field, item_id), *segments)


def filters_query(model: type[Any], filters: Mapping[str, Any]) -> dict[str, Any]:
    """The wire query of a list: unknown filters and broken rules refused by ``model``."""
    return to_wire(from_wire(model, filters))


class Resource:
    """One area of the API on one client's base client (limits, retries, credentials)."""

    def __init__(self, transport: BaseClient) -> None:
        self._transport = transport

    @property
    def with_raw_response(self) -> Any:
        """This resource answering :class:`~plivo_async.RawResponse` (status, headers, the
        JSON as it came; ``.parse()`` for the model), like ``client.with_raw_response``."""
        return type(self)(self._transport.derive(raw=True))

    async def _request(
        self,
        method: str,
        path: str,
        *,
        cast_to: type[R],
        query: Mapping[str, Any] | None = None,
        body: Mapping[str, Any] | None = None,
        idempotent: bool | None = None,
        calls: int = 0,
        retry_unsafe: bool = False,
        expect: str | None = None,
        observer: RequestObserver | None = None,
    ) -> R:
        """Send one request and cast its JSON answer to ``cast_to``.

        ``idempotent`` defaults to the method's own (``GET``/``DELETE`` yes, ``POST``
        no); ``calls`` is the number of calls the request places (for
        ``calls_per_second``); ``expect`` names a key a success must hold; ``observer``
        hears each attempt (the bulk engine's journal). On a ``with_raw_response`` view the
        answer is a ``RawResponse`` that parses to ``cast_to``.
        """
        transport = self._transport
        url = path if path.startswith(("https://", "http://")) else transport.api_base + path
        data = await transport.request(
            method,
            url,
            json=body,
            params=query,
            idempotent=idempotent,
            calls=calls,
            retry_unsafe=retry_unsafe,
            expect=expect,
            observer=observer,
            cast_to=cast_to,
        )
        if transport.raw:  # a RawResponse, whose parse() gives cast_to
            return data  # type: ignore[no-any-return]
        return structure_response(cast_to, data)

    async def _send(
        self,
        method: str,
        path: str,
        *,
        cast_to: type[R],
        request: Any,
        idempotent: bool | None = None,
        retry_unsafe: bool = False,
    ) -> R:
        """Request model ``request`` as the query of a ``GET``, else as the JSON body; an
        empty one sends neither (the conference and multi-party call actions)."""
        wire = to_wire(request) or None
        query, body = (wire, None) if method == "GET" else (None, wire)
        return await self._request(
            method,
            path,
            cast_to=cast_to,
            query=query,
            body=body,
            idempotent=idempotent,
            retry_unsafe=retry_unsafe,
        )

    async def _get(
        self, path: str, *, cast_to: type[R], query: Mapping[str, Any] | None = None
    ) -> R:
        return await self._request("GET", path, cast_to=cast_to, query=query)

    async def _post(
        self,
        path: str,
        *,
        cast_to: type[R],
        body: Mapping[str, Any] | None = None,
        idempotent: bool | None = None,
        calls: int = 0,
        retry_unsafe: bool = False,
        expect: str | None = None,
        observer: RequestObserver | None = None,
    ) -> R:
        return await self._request(
            "POST",
            path,
            cast_to=cast_to,
            body=body,
            idempotent=idempotent,
            calls=calls,
            retry_unsafe=retry_unsafe,
            expect=expect,
            observer=observer,
        )

    async def _delete(
        self, path: str, *, cast_to: type[R], body: Mapping[str, Any] | None = None
    ) -> R:
        return await self._request("DELETE", path, cast_to=cast_to, body=body)

    async def _paginate(
        self,
        path: str,
        *,
        page: type[Page[T]],
        query: Mapping[str, Any],
        paged: bool = True,
    ) -> AsyncIterator[T]:
        """Every object of the list at ``path``, page after page (see ``paginate``).

        The asynchronous mode (``callback_url``) answers without objects: refused.
        """
        if query.get("callback_url") is not None:
            raise ValidationError.invalid(
                "callback_url", "cannot be used to iterate (the answer holds no objects)"
            )

        async def fetch(params: dict[str, Any]) -> Page[T]:
            return await self._get(path, cast_to=page, query=params or None)

        async for item in paginate(fetch, query, items=_objects, paged=paged):
            yield item


def _objects(page: Page[T]) -> Iterable[T]:
    return page.objects
