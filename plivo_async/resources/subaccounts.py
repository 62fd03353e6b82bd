"""Subaccounts: ``client.subaccounts`` (``Subaccount/``).

Names and arguments follow the official ``plivo`` SDK: ``subaccounts.create(name,
enabled=...)``, ``get(auth_id)``, ``update(auth_id, name, enabled=...)``,
``list(limit=, offset=)``, ``delete(auth_id, cascade=...)``; plus ``iter_all()``. Arguments
left as ``None`` are not sent (the SDK sends ``enabled=False`` unless told otherwise, which
disables a subaccount on every rename).

A subaccount's auth token is a secret: it is in the answers of ``create``, ``get`` and
``list`` (``.auth_token``) but never in their ``repr``. Use it as any credentials:
``AsyncPlivo(sub.auth_id, sub.auth_token)``.

Retries: ``create`` is not idempotent (a re-sent create may make a second subaccount)
and is not re-sent after an ambiguous failure unless ``retry_unsafe=True``; ``update``
only sets the fields given, so it is retried; ``get``, ``list``, ``delete`` as usual.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import TYPE_CHECKING

from .._convert import to_wire
from ..models._shared import ActionResponse
from ..models.subaccounts import (
    CreateSubaccountRequest,
    CreateSubaccountResponse,
    DeleteSubaccountRequest,
    ListSubaccountsRequest,
    Subaccount,
    SubaccountListResponse,
    UpdateSubaccountRequest,
)
from ..validation import check_subaccount
from ._base import Resource, api_path

if TYPE_CHECKING:  # typing.Unpack is 3.11+; only the type checker needs it
    from typing_extensions import Unpack

    from .._types import RequestOptions

__all__ = ["Subaccounts"]


def _path(auth_id: object) -> str:
    return api_path("Subaccount", check_subaccount("auth_id", auth_id))


class Subaccounts(Resource):
    """The subaccounts of the main account. Get it as ``client.subaccounts``."""

    async def create(
        self,
        name: str,
        enabled: bool | None = None,
        *,
        retry_unsafe: bool = False,
        **options: Unpack[RequestOptions],
    ) -> CreateSubaccountResponse:
        """Create a subaccount (``POST Subaccount/``); the answer holds its credentials.

        Raises:
            ValidationError: If ``name`` is empty or ``enabled`` is not a boolean.
            OutcomeUnknownError: If the request failed ambiguously, so the subaccount
                may or may not exist now (at once, or when retries run out with
                ``retry_unsafe=True``).
        """
        request = CreateSubaccountRequest(name=name, enabled=enabled)
        return await self._post(
            "Subaccount/",
            cast_to=CreateSubaccountResponse,
            body=request,
            retry_unsafe=retry_unsafe,
            options=options,
        )

    async def get(self, auth_id: str, **options: Unpack[RequestOptions]) -> Subaccount:
        """One subaccount (``GET Subaccount/{auth_id}/``).

        Raises:
            ValidationError: If ``auth_id`` is not ``SA`` and 18 capitals or digits.
            ResourceNotFoundError: If the account has no such subaccount.
        """
        return await self._get(_path(auth_id), cast_to=Subaccount, options=options)

    async def update(
        self,
        auth_id: str,
        name: str,
        enabled: bool | None = None,
        **options: Unpack[RequestOptions],
    ) -> ActionResponse:
        """Rename a subaccount, or enable/disable it (``POST Subaccount/{auth_id}/``).

        Raises:
            ValidationError: If ``auth_id`` is not a subaccount id, ``name`` is empty
                (the API requires it) or ``enabled`` is not a boolean.
            ResourceNotFoundError: If the account has no such subaccount.
        """
        path = _path(auth_id)
        request = UpdateSubaccountRequest(name=name, enabled=enabled)
        return await self._post(
            path, cast_to=ActionResponse, body=request, idempotent=True, options=options
        )

    async def list(
        self, limit: int | None = None, offset: int | None = None, **options: Unpack[RequestOptions]
    ) -> SubaccountListResponse:
        """One page of subaccounts (``GET Subaccount/``): ``limit`` 1..20, ``offset``.

        Raises:
            ValidationError: If ``limit`` or ``offset`` breaks its rule.
        """
        query = ListSubaccountsRequest(limit=limit, offset=offset)
        return await self._get(
            "Subaccount/", cast_to=SubaccountListResponse, query=query, options=options
        )

    async def iter_all(
        self, limit: int | None = None, **options: Unpack[RequestOptions]
    ) -> AsyncIterator[Subaccount]:
        """Every subaccount, page after page (``limit`` per page).

        Raises:
            ValidationError: If ``limit`` is not 1..20, before the first request.
            PlivoError: While iterating, whatever a page's request raises.
        """
        query = ListSubaccountsRequest(limit=limit)
        pages = self._paginate(
            "Subaccount/", page=SubaccountListResponse, query=query, options=options
        )
        async for subaccount in pages:
            yield subaccount

    def __aiter__(self) -> AsyncIterator[Subaccount]:
        """``async for sub in client.subaccounts``: every subaccount."""
        return self.iter_all()

    async def delete(
        self, auth_id: str, cascade: bool | None = None, **options: Unpack[RequestOptions]
    ) -> ActionResponse:
        """Delete a subaccount (``DELETE Subaccount/{auth_id}/``; 204). Its credentials
        stop working.

        ``cascade=True`` also deletes its applications, endpoints and numbers; otherwise
        they move to the main account. Sent as a JSON body, as the SDK sends it.

        Raises:
            ValidationError: If ``auth_id`` is not a subaccount id or ``cascade`` is not
                a boolean.
            ResourceNotFoundError: If the account has no such subaccount.
        """
        path = _path(auth_id)
        request = DeleteSubaccountRequest(cascade=cascade)
        return await self._delete(
            path, cast_to=ActionResponse, body=to_wire(request) or None, options=options
        )
