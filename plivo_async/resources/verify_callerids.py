"""Verified caller ids: ``client.verify_callerids``.

Method names and arguments follow the official SDK's ``verify_callerid.py``:
``initiate_verify`` (Plivo sends a code by SMS or call), ``verify_caller_id`` (the code
comes back), then ``get_verified_caller_id``, ``update_verified_caller_id``,
``delete_verified_caller_id`` and ``list_verified_caller_id``; ``iter_all`` (or
``async for``) follows the pages.

Retry classification: ``initiate_verify`` sends a message or places a call, and
``verify_caller_id`` spends an attempt at the code, so neither is re-sent after an
ambiguous failure; an update sets values and is retried like a ``GET``.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import TYPE_CHECKING, Any

from .._types import split_request_options
from ..models.verify_callerids import (
    InitiateVerifyRequest,
    InitiateVerifyResponse,
    ListVerifiedCallerIdsRequest,
    UpdateVerifiedCallerIdRequest,
    VerifiedCallerId,
    VerifiedCallerIdListResponse,
    VerifyCallerIdRequest,
)
from ..validation import path_segment
from ._base import Resource, api_path, filters_query, item_path

if TYPE_CHECKING:  # typing.Unpack is 3.11+; only the type checker needs it
    from typing_extensions import Unpack

    from .._types import RequestOptions

__all__ = ["VerifyCallerids"]


class VerifyCallerids(Resource):
    """Caller ids verified on the account. Get it as ``client.verify_callerids``.

    Every method may also raise what any request raises (see
    :class:`~plivo_async.resources.calls.Calls`): AuthenticationError, ForbiddenError,
    ValidationError (a 400), RateLimitError, PlivoServerError, PlivoConnectionError and,
    for the idempotent ones, PlivoTimeoutError after retries.
    """

    async def initiate_verify(
        self,
        phone_number: str | None = None,
        alias: str | None = None,
        channel: str | None = None,
        country: str | None = None,
        subaccount: str | None = None,
        *,
        retry_unsafe: bool = False,
        **options: Unpack[RequestOptions],
    ) -> InitiateVerifyResponse:
        """Send a verification code to ``phone_number`` (``POST VerifiedCallerId/``).

        ``channel`` is ``sms`` (Plivo's default) or ``call``; ``country`` a two-letter ISO
        code. Keep the answer's ``verification_uuid`` for :meth:`verify_caller_id`.

        Raises:
            ValidationError: If ``phone_number`` is missing or not E.164, ``channel`` is not
                sms or call, ``country`` is not two letters, ``subaccount`` is not a
                subaccount auth id.
            OutcomeUnknownError: If the request failed ambiguously, so a code may or may not
                have been sent. Raised at once, or when retries run out if
                ``retry_unsafe=True``.
        """
        request = InitiateVerifyRequest(
            phone_number=phone_number,  # type: ignore[arg-type]  # None: "is required"
            alias=alias,
            channel=channel,
            country=country,
            subaccount=subaccount,
        )
        return await self._post(
            "VerifiedCallerId/",
            cast_to=InitiateVerifyResponse,
            body=request,
            retry_unsafe=retry_unsafe,
            options=options,
        )

    async def verify_caller_id(
        self,
        verification_uuid: str,
        otp: str | int | None = None,
        *,
        retry_unsafe: bool = False,
        **options: Unpack[RequestOptions],
    ) -> VerifiedCallerId:
        """Complete a verification with the code the number received.

        ``POST VerifiedCallerId/Verification/{verification_uuid}/``.

        Raises:
            ValidationError: If ``verification_uuid`` is empty, ``.``/``..`` or holds
                control characters, or ``otp`` is missing or not 4-10 digits.
            ResourceNotFoundError: If no pending verification has that uuid.
            OutcomeUnknownError: If the request failed ambiguously, so the code may or may
                not have been checked. Raised at once, or when retries run out if
                ``retry_unsafe=True``.
        """
        segment = path_segment("verification_uuid", verification_uuid)
        path = api_path("VerifiedCallerId", "Verification", segment)
        request = VerifyCallerIdRequest(otp=otp)
        return await self._post(
            path, cast_to=VerifiedCallerId, body=request, retry_unsafe=retry_unsafe, options=options
        )

    async def get_verified_caller_id(
        self, phone_number: str, **options: Unpack[RequestOptions]
    ) -> VerifiedCallerId:
        """One verified caller id (``GET VerifiedCallerId/{phone_number}/``).

        Raises:
            ValidationError: If ``phone_number`` is empty, ``.``/``..`` or holds control
                characters.
            ResourceNotFoundError: If the number is not a verified caller id.
        """
        path = item_path("VerifiedCallerId", "phone_number", phone_number)
        return await self._get(path, cast_to=VerifiedCallerId, options=options)

    async def update_verified_caller_id(
        self,
        phone_number: str,
        alias: str | None = None,
        subaccount: str | None = None,
        **options: Unpack[RequestOptions],
    ) -> VerifiedCallerId:
        """Change a verified caller id's alias or subaccount (``POST VerifiedCallerId/{number}/``).

        Raises:
            ValidationError: If ``phone_number`` is not a valid path segment, ``alias`` is
                empty, or ``subaccount`` is not a subaccount auth id.
            ResourceNotFoundError: If the number is not a verified caller id.
        """
        path = item_path("VerifiedCallerId", "phone_number", phone_number)
        request = UpdateVerifiedCallerIdRequest(alias=alias, subaccount=subaccount)
        return await self._post(
            path, cast_to=VerifiedCallerId, body=request, idempotent=True, options=options
        )

    async def delete_verified_caller_id(
        self, phone_number: str, **options: Unpack[RequestOptions]
    ) -> VerifiedCallerId:
        """Remove a verified caller id (``DELETE VerifiedCallerId/{phone_number}/``).

        Raises:
            ValidationError: If ``phone_number`` is not a valid path segment.
            ResourceNotFoundError: If the number is not a verified caller id.
        """
        path = item_path("VerifiedCallerId", "phone_number", phone_number)
        return await self._delete(path, cast_to=VerifiedCallerId, options=options)

    async def list_verified_caller_id(
        self,
        country: str | None = None,
        subaccount: str | None = None,
        alias: str | None = None,
        limit: int | None = None,
        offset: int | None = None,
        **options: Unpack[RequestOptions],
    ) -> VerifiedCallerIdListResponse:
        """One page of verified caller ids (``GET VerifiedCallerId/``).

        Raises:
            ValidationError: If ``country`` is not two letters, ``subaccount`` not a
                subaccount auth id, ``limit`` outside 1..20 or ``offset`` negative.
        """
        filters = {
            "country": country,
            "subaccount": subaccount,
            "alias": alias,
            "limit": limit,
            "offset": offset,
        }
        query = filters_query(ListVerifiedCallerIdsRequest, filters)
        return await self._get(
            "VerifiedCallerId/", cast_to=VerifiedCallerIdListResponse, query=query, options=options
        )

    async def iter_all(self, **filters: Any) -> AsyncIterator[VerifiedCallerId]:
        """Every verified caller id matching ``filters`` (those of :meth:`list_verified_caller_id`).

        Raises:
            ValidationError: When iteration starts, if a filter is unknown or breaks its rule.
            PlivoError: While iterating, whatever a page's request raises.
        """
        options, filters = split_request_options(filters)
        query = filters_query(ListVerifiedCallerIdsRequest, filters)
        pages = self._paginate(
            "VerifiedCallerId/", page=VerifiedCallerIdListResponse, query=query, options=options
        )
        async for caller_id in pages:
            yield caller_id

    def __aiter__(self) -> AsyncIterator[VerifiedCallerId]:
        """``async for caller_id in client.verify_callerids``."""
        return self.iter_all()
