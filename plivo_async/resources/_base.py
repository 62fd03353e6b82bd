"""The one shape of every resource: ``_get`` / ``_post`` / ``_delete`` a path, cast the answer.

Every area (``client.calls``, ``client.recordings``, a PHLO handle, ...) is a
:class:`Resource` over the client's transport, as in the openai and anthropic SDKs: a
method validates its input into a request model, then sends it with
``self._post(path, body=request, cast_to=Model, options=options)``. A path is relative to
the account's API URL (``"Call/"``); the PHLO and call insights hosts are given as absolute
URLs. Lists are walked by :meth:`Resource._paginate`, over the one paging loop
(:func:`~plivo_async.resources._paging.paginate`).

Every public method that sends a request takes the per-call
:class:`~plivo_async._types.RequestOptions` (``timeout``, ``extra_headers``,
``extra_query``, ``extra_body``) as ``**options`` and hands them on as ``options=``: a
body or query given as a request model tells the base client which keys the method
validated, so ``extra_body`` / ``extra_query`` cannot slip one past its rule.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Collection, Iterable, Mapping
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from .._convert import from_wire, structure_response, to_wire, wire_names
from ..errors import ValidationError
from ..validation import path_segment
from ._paging import paginate

if TYPE_CHECKING:
    from .._base_client import BaseClient
    from .._types import RequestObserver, RequestOptions

__all__ = ["Resource", "api_path", "filters_query", "item_path"]

R = TypeVar("R")
T = TypeVar("T")
T_co = TypeVar("T_co", covariant=True)

#: A body or query: the wire dict, or the request model it is the wire form of.
Wire = Mapping[str, Any] | Any


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


def filters_query(model: type[T], filters: Mapping[str, Any]) -> T:
    """The query model of a list: unknown filters and broken rules refused by ``model``."""
    return from_wire(model, filters)


def _wire(value: Wire | None) -> Mapping[str, Any] | None:
    """A body or query as sent: a request model as ``to_wire`` gives it."""
    if value is None or isinstance(value, Mapping):
        return value
    return to_wire(value)


def _known(value: Wire | None) -> frozenset[str]:
    """The keys a request model knows (a dict: none beyond its own keys)."""
    if value is None or isinstance(value, Mapping):
        return frozenset()
    return wire_names(type(value))


class Resource:
    """One area of the API on one client's base client (limits, retries, credentials)."""

    def __init__(self, transport: BaseClient) -> None:
        self._transport = transport

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self._transport.api_base}>"

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
        query: Wire | None = None,
        body: Wire | None = None,
        idempotent: bool | None = None,
        calls: int = 0,
        retry_unsafe: bool = False,
        expect: str | None = None,
        observer: RequestObserver | None = None,
        known: Collection[str] = (),
        options: RequestOptions | None = None,
    ) -> R:
        """Send one request and cast its JSON answer to ``cast_to``.

        ``query`` and ``body`` are wire dicts or request models (sent as ``to_wire``
        gives them). ``idempotent`` defaults to the method's own (``GET``/``DELETE`` yes,
        ``POST`` no); ``calls`` is the number of calls the request places (for
        ``calls_per_second``); ``expect`` names a key a success must hold; ``observer``
        hears each attempt (the bulk engine's journal); ``options`` are the caller's
        per-call options. On a ``with_raw_response`` view the answer is a
        ``RawResponse`` that parses to ``cast_to``.
        """
        transport = self._transport
        url = path if path.startswith(("https://", "http://")) else transport.api_base + path
        if options:  # only then do the model's field names matter
            known = frozenset(known).union(_known(query), _known(body))
        data = await transport.request(
            method,
            url,
            json=_wire(body),
            params=_wire(query),
            idempotent=idempotent,
            calls=calls,
            retry_unsafe=retry_unsafe,
            expect=expect,
            observer=observer,
            cast_to=cast_to,
            known=known,
            **(options or {}),
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
        options: RequestOptions | None = None,
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
            known=wire_names(type(request)),
            options=options,
        )

    async def _get(
        self,
        path: str,
        *,
        cast_to: type[R],
        query: Wire | None = None,
        options: RequestOptions | None = None,
    ) -> R:
        return await self._request("GET", path, cast_to=cast_to, query=query, options=options)

    async def _post(
        self,
        path: str,
        *,
        cast_to: type[R],
        body: Wire | None = None,
        idempotent: bool | None = None,
        calls: int = 0,
        retry_unsafe: bool = False,
        expect: str | None = None,
        observer: RequestObserver | None = None,
        options: RequestOptions | None = None,
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
            options=options,
        )

    async def _delete(
        self,
        path: str,
        *,
        cast_to: type[R],
        body: Wire | None = None,
        options: RequestOptions | None = None,
    ) -> R:
        return await self._request("DELETE", path, cast_to=cast_to, body=body, options=options)

    async def _paginate(
        self,
        path: str,
        *,
        page: type[Page[T]],
        query: Wire,
        paged: bool = True,
        options: RequestOptions | None = None,
    ) -> AsyncIterator[T]:
        """Every object of the list at ``path``, page after page (see ``paginate``).

        The asynchronous mode (``callback_url``) answers without objects: refused.
        """
        first, known = _wire(query), _known(query)
        if first is not None and first.get("callback_url") is not None:
            raise ValidationError.invalid(
                "callback_url", "cannot be used to iterate (the answer holds no objects)"
            )

        async def fetch(params: dict[str, Any]) -> Page[T]:
            return await self._request(
                "GET", path, cast_to=page, query=params or None, known=known, options=options
            )

        async for item in paginate(fetch, first or {}, items=_objects, paged=paged):
            yield item


def _objects(page: Page[T]) -> Iterable[T]:
    return page.objects
