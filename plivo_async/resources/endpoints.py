"""SIP endpoints: ``client.endpoints`` (``Endpoint/``).

Names and arguments follow the official ``plivo`` SDK: ``endpoints.create(username,
password, alias, app_id=None)``, ``get``, ``list``, ``update``, ``delete``. Each takes
``callback_url`` / ``callback_method``, Plivo's asynchronous mode: the API answers at once
(``"async api spawned"``, the typed answer's fields empty) and posts the result there.

Retries: ``create`` is not idempotent (Plivo adds a suffix to ``username``, so a re-sent
create makes a second endpoint) and is not re-sent after an ambiguous failure unless
``retry_unsafe=True``. ``update`` is a ``POST`` too, but it only *sets* the fields given
(password, alias, application), so applying it twice leaves the same endpoint as once:
it is treated as idempotent and retried. ``get``, ``list`` and ``delete`` are ``GET`` and
``DELETE``, retried as usual (a retried delete that finds the endpoint gone answers 404).

Each method may also raise what any request raises, as listed on
:class:`~plivo_async.resources.calls.Calls`: 401/403/400 answers, and 429/503/connection
failures once retries run out.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import TYPE_CHECKING

from ..models._shared import ActionResponse, CallbackRequest, to_id_text
from ..models.endpoints import (
    CreateEndpointRequest,
    CreateEndpointResponse,
    Endpoint,
    EndpointListResponse,
    ListEndpointsRequest,
    UpdateEndpointRequest,
)
from ._base import Resource, item_path

if TYPE_CHECKING:  # typing.Unpack is 3.11+; only the type checker needs it
    from typing_extensions import Unpack

    from .._types import RequestOptions

__all__ = ["Endpoints"]


class Endpoints(Resource):
    """The SIP endpoints of one account. Get it as ``client.endpoints``."""

    async def create(
        self,
        username: str,
        password: str,
        alias: str,
        app_id: str | int | None = None,
        callback_url: str | None = None,
        callback_method: str | None = None,
        *,
        retry_unsafe: bool = False,
        **options: Unpack[RequestOptions],
    ) -> CreateEndpointResponse:
        """Create a SIP endpoint (``POST Endpoint/``).

        Plivo appends a suffix to ``username``: the full name is in the answer's
        ``username``. ``app_id`` attaches the endpoint to an application.

        Raises:
            ValidationError: If ``username`` is not letters and digits, ``password`` is
                shorter than 5 characters (the error never shows it), ``alias`` is empty,
                ``app_id`` is neither text nor an int, or ``callback_url`` /
                ``callback_method`` is not an http(s) URL / GET or POST.
            OutcomeUnknownError: If the request failed ambiguously, so the endpoint may or
                may not exist now. Raised at once, or when retries run out if
                ``retry_unsafe=True``.
        """
        request = CreateEndpointRequest(
            username=username,
            password=password,
            alias=alias,
            app_id=to_id_text(app_id),
            callback_url=callback_url,
            callback_method=callback_method,
        )
        return await self._post(
            "Endpoint/",
            cast_to=CreateEndpointResponse,
            body=request,
            retry_unsafe=retry_unsafe,
            options=options,
        )

    async def get(
        self,
        endpoint_id: str | int,
        callback_url: str | None = None,
        callback_method: str | None = None,
        **options: Unpack[RequestOptions],
    ) -> Endpoint:
        """One endpoint and its registration state (``GET Endpoint/{id}/``).

        Raises:
            ValidationError: If ``endpoint_id`` is empty, ``.``/``..``, or holds a control
                character (anything else is percent-encoded into its path segment), or a
                callback argument is invalid.
            ResourceNotFoundError: If the account has no endpoint with that id.
        """
        path = item_path("Endpoint", "endpoint_id", endpoint_id)
        request = CallbackRequest(callback_url=callback_url, callback_method=callback_method)
        return await self._send("GET", path, cast_to=Endpoint, request=request, options=options)

    async def list(
        self,
        limit: int | None = None,
        offset: int | None = None,
        callback_url: str | None = None,
        callback_method: str | None = None,
        **options: Unpack[RequestOptions],
    ) -> EndpointListResponse:
        """One page of endpoints (``GET Endpoint/``).

        Raises:
            ValidationError: If ``limit`` is outside 1..20, ``offset`` is negative, or a
                callback argument is invalid.
        """
        request = ListEndpointsRequest(
            limit=limit, offset=offset, callback_url=callback_url, callback_method=callback_method
        )
        return await self._get(
            "Endpoint/", cast_to=EndpointListResponse, query=request, options=options
        )

    async def iter_all(
        self, *, limit: int | None = None, **options: Unpack[RequestOptions]
    ) -> AsyncIterator[Endpoint]:
        """Every endpoint of the account, ``limit`` (default 20) per page.

        Raises:
            ValidationError: If ``limit`` is outside 1..20, before the first request.
            PlivoError: While iterating, whatever a page's request raises.
        """
        query = ListEndpointsRequest(limit=limit)
        async for endpoint in self._paginate(
            "Endpoint/", page=EndpointListResponse, query=query, options=options
        ):
            yield endpoint

    def __aiter__(self) -> AsyncIterator[Endpoint]:
        """``async for endpoint in client.endpoints``: every endpoint of the account.

        Raises:
            PlivoError: While iterating, whatever a page's request raises.
        """
        return self.iter_all()

    async def update(
        self,
        endpoint_id: str | int,
        password: str | None = None,
        alias: str | None = None,
        app_id: str | int | None = None,
        callback_url: str | None = None,
        callback_method: str | None = None,
        **options: Unpack[RequestOptions],
    ) -> ActionResponse:
        """Change an endpoint (``POST Endpoint/{id}/``): only the fields given are sent.

        Idempotent (it sets values), so retried after ambiguous failures.

        Raises:
            ValidationError: If ``endpoint_id`` is not a usable path segment, ``password``
                is shorter than 5 characters, ``alias`` is not text, ``app_id`` is
                neither text nor an int, or a callback argument is invalid.
            ResourceNotFoundError: If the account has no endpoint with that id.
        """
        path = item_path("Endpoint", "endpoint_id", endpoint_id)
        request = UpdateEndpointRequest(
            password=password,
            alias=alias,
            app_id=to_id_text(app_id),
            callback_url=callback_url,
            callback_method=callback_method,
        )
        return await self._post(
            path, cast_to=ActionResponse, body=request, idempotent=True, options=options
        )

    async def delete(
        self,
        endpoint_id: str | int,
        callback_url: str | None = None,
        callback_method: str | None = None,
        **options: Unpack[RequestOptions],
    ) -> ActionResponse:
        """Delete an endpoint (``DELETE Endpoint/{id}/``; 204, empty answer).

        The callback arguments go in a JSON body, as the official SDK sends them.

        Raises:
            ValidationError: If ``endpoint_id`` is not a usable path segment, or a callback
                argument is invalid.
            ResourceNotFoundError: If the account has no endpoint with that id (or a
                retried delete finds it gone).
        """
        path = item_path("Endpoint", "endpoint_id", endpoint_id)
        request = CallbackRequest(callback_url=callback_url, callback_method=callback_method)
        return await self._send(
            "DELETE", path, cast_to=ActionResponse, request=request, options=options
        )
