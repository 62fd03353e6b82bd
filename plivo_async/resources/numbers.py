"""Phone numbers: ``client.numbers`` (``Number/`` and ``PhoneNumber/``).

Names and arguments follow the official ``plivo`` SDK. Your numbers: ``numbers.list(...)``,
``get(number)``, ``update(number, app_id=..., subaccount=..., alias=...)``,
``delete(number)`` and ``create(numbers, carrier, region)`` for numbers from your own
carrier. Renting: ``numbers.search(country_iso, type=..., pattern=...)`` finds rentable
numbers and ``numbers.buy(number, app_id=...)`` rents one. ``client.phone_numbers`` offers
``search`` and ``buy`` alone, under the name the other official SDKs give the rentable
numbers.

Retries: ``buy`` rents a number, which costs money, and is **never** sent again after an
ambiguous failure (a timeout, a connection lost after sending, a 5xx other than 503): it
raises :class:`~plivo_async.errors.OutcomeUnknownError`, and ``numbers.list`` tells
whether the number is yours now. ``create`` is not re-sent either, unless
``retry_unsafe=True``. ``update`` only *sets* the fields given, so applying it twice leaves
the number as once: idempotent, retried. ``get``, ``list``, ``search`` and ``delete`` are
``GET`` and ``DELETE``, retried as usual.

Each method may also raise what any request raises, as listed on
:class:`~plivo_async.resources.calls.Calls`: 401/403/400 answers, and 429/503/connection
failures once retries run out.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from typing import Any

from .._convert import from_wire, to_wire
from ..models._shared import ActionResponse
from ..models.numbers import (
    BuyNumberRequest,
    BuyNumberResponse,
    CreateNumberRequest,
    ListNumbersRequest,
    Number,
    NumberListResponse,
    PhoneNumber,
    PhoneNumberListResponse,
    SearchNumbersRequest,
    UpdateNumberRequest,
    number_path_text,
)
from ._base import Resource, api_path, filters_query

__all__ = ["Numbers", "PhoneNumbers"]


def _number_path(area: str, number: str | int) -> str:
    return api_path(area, number_path_text(number))


def _search_query(filters: dict[str, Any]) -> dict[str, Any]:
    """The query of a search: flags as the official SDK sends them (``True``/``False``)."""
    query = filters_query(SearchNumbersRequest, filters)
    return {k: str(value) if isinstance(value, bool) else value for k, value in query.items()}


class PhoneNumbers(Resource):
    """Plivo's rentable numbers: ``client.phone_numbers`` (and on ``client.numbers``)."""

    async def search(
        self,
        country_iso: str,
        type: str | None = None,
        pattern: str | int | None = None,
        region: str | None = None,
        services: str | Sequence[str] | None = None,
        lata: str | int | None = None,
        rate_center: str | None = None,
        limit: int | None = None,
        offset: int | None = None,
        eligible: bool | None = None,
        city: str | None = None,
        npanxx: str | int | None = None,
        local_calling_area: bool | None = None,
    ) -> PhoneNumberListResponse:
        """One page of rentable numbers of a country (``GET PhoneNumber/``).

        The arguments are the official SDK's, in its order. ``type`` is one of ``any``,
        ``local``, ``mobile``, ``fixed``, ``national``, ``tollfree``; ``pattern`` matches the
        number after its country code, from its start (digits, ``?`` for any one digit,
        ``*`` for any digits); ``services`` any of ``voice``, ``sms``, ``mms`` (a list or
        comma-separated); ``lata``, ``rate_center``, ``npanxx`` (six digits) and
        ``local_calling_area`` narrow US and Canadian numbers; ``limit`` 1..20.

        Raises:
            ValidationError: If ``country_iso`` is not two letters or a filter breaks its
                rule, before anything is sent; from the API (400), a filter it refuses.
        """
        filters = {
            "country_iso": country_iso,
            "type": type,
            "pattern": pattern,
            "region": region,
            "services": services,
            "lata": lata,
            "rate_center": rate_center,
            "limit": limit,
            "offset": offset,
            "eligible": eligible,
            "city": city,
            "npanxx": npanxx,
            "local_calling_area": local_calling_area,
        }
        query = _search_query(filters)
        return await self._get("PhoneNumber/", cast_to=PhoneNumberListResponse, query=query)

    async def iter_search(self, country_iso: str, **filters: Any) -> AsyncIterator[PhoneNumber]:
        """Every rentable number :meth:`search` finds with ``filters``, page after page.

        Raises:
            ValidationError: As for :meth:`search`, before the first request.
            PlivoError: While iterating, whatever a page's request raises.
        """
        query = _search_query({"country_iso": country_iso, **filters})
        pages = self._paginate("PhoneNumber/", page=PhoneNumberListResponse, query=query)
        async for number in pages:
            yield number

    async def buy(
        self,
        number: str | int,
        app_id: str | int | None = None,
        verification_info: dict[str, Any] | None = None,
        cnam_lookup: str | None = None,
        ha_enable: bool | None = None,
        compliance_application_id: str | None = None,
    ) -> BuyNumberResponse:
        """Rent ``number`` (``POST PhoneNumber/{number}/``); it becomes one of yours.

        Renting costs money (a setup fee and a monthly rent), so this request is **never
        retried after an ambiguous failure** (a timeout, a connection lost after sending, a
        5xx other than 503): the number may or may not be yours now, and a second request
        could rent it again or fail confusingly. It raises
        :class:`~plivo_async.errors.OutcomeUnknownError` instead; look for the number in
        :meth:`Numbers.get` / :meth:`Numbers.list` before deciding anything. (Failures that
        certainly did nothing, 429 and 503 and a connection refused, are retried.)

        ``app_id`` points the number at an application at once; ``cnam_lookup`` is
        ``enabled`` or ``disabled``; ``ha_enable`` asks for a fallback number.

        Raises:
            ValidationError: If ``number`` is not a phone number or an argument breaks
                its rule, before anything is sent. From the API (400): the number cannot
                be rented as asked.
            ResourceNotFoundError: If the number is not (or no longer) rentable.
            OutcomeUnknownError: If the request failed ambiguously (see above).
        """
        path = _number_path("PhoneNumber", number)
        fields = {
            "app_id": app_id,
            "verification_info": verification_info,
            "cnam_lookup": cnam_lookup,
            "ha_enable": ha_enable,
            "compliance_application_id": compliance_application_id,
        }
        request = from_wire(BuyNumberRequest, fields)
        # A POST is never idempotent here, and retry_unsafe is not offered: never re-sent.
        return await self._post(path, cast_to=BuyNumberResponse, body=to_wire(request))


class Numbers(PhoneNumbers):
    """The numbers of one account, and renting more. Get it as ``client.numbers``."""

    async def list(self, **filters: Any) -> NumberListResponse:
        """One page of your numbers (``GET Number/``).

        Filters (the official SDK's): ``type`` (``local``, ``mobile``, ``fixed``,
        ``national``, ``tollfree``), ``number_startswith`` (digits), ``subaccount``,
        ``alias``, ``services`` (``voice``/``sms``/``mms``, a list or comma-separated),
        ``tendlc_registration_status``, ``tendlc_campaign_id``,
        ``toll_free_sms_verification``, ``renewal_date`` (``YYYY-MM-DD``; also ``__lt``,
        ``__lte``, ``__gt``, ``__gte``), ``cnam_lookup``,
        ``toll_free_sms_verification_order_status``, ``limit`` (1..20), ``offset``.

        Unlike the SDK, ``limit`` and ``offset`` are not sent unless given (the API's
        defaults are the SDK's, 20 and 0).

        Raises:
            ValidationError: If a filter is unknown or breaks its rule.
        """
        query = filters_query(ListNumbersRequest, filters)
        return await self._get("Number/", cast_to=NumberListResponse, query=query)

    async def iter_all(self, **filters: Any) -> AsyncIterator[Number]:
        """Every number of yours matching ``filters`` (those of :meth:`list`), page after page.

        Raises:
            ValidationError: As for :meth:`list`, before the first request.
            PlivoError: While iterating, whatever a page's request raises.
        """
        query = filters_query(ListNumbersRequest, filters)
        async for number in self._paginate("Number/", page=NumberListResponse, query=query):
            yield number

    def __aiter__(self) -> AsyncIterator[Number]:
        """``async for number in client.numbers``: every number of the account.

        Raises:
            PlivoError: While iterating, whatever a page's request raises.
        """
        return self.iter_all()

    async def get(self, number: str | int) -> Number:
        """One of your numbers (``GET Number/{number}/``).

        Raises:
            ValidationError: If ``number`` is not a phone number.
            ResourceNotFoundError: If the number is not one of yours.
        """
        return await self._get(_number_path("Number", number), cast_to=Number)

    async def update(
        self,
        number: str | int,
        app_id: str | int | None = None,
        subaccount: str | None = None,
        alias: str | None = None,
        verification_info: dict[str, Any] | None = None,
        cnam_lookup: str | None = None,
    ) -> ActionResponse:
        """Change one of your numbers (``POST Number/{number}/``): only the fields given.

        ``app_id`` points the number at the application that answers its calls;
        ``subaccount`` moves it to a subaccount (``SA...``); ``alias`` names it.
        Idempotent (it sets values), so retried after ambiguous failures.

        Raises:
            ValidationError: If ``number`` is not a phone number, or an argument breaks
                its rule.
            ResourceNotFoundError: If the number is not one of yours, or ``app_id`` names
                no application of the account.
        """
        fields = {
            "app_id": app_id,
            "subaccount": subaccount,
            "alias": alias,
            "verification_info": verification_info,
            "cnam_lookup": cnam_lookup,
        }
        request = from_wire(UpdateNumberRequest, fields)
        path = _number_path("Number", number)
        return await self._post(
            path, cast_to=ActionResponse, body=to_wire(request), idempotent=True
        )

    async def delete(self, number: str | int) -> ActionResponse:
        """Release one of your numbers (``DELETE Number/{number}/``; 204, empty answer).

        A rented number stops being billed and goes back to Plivo's inventory.

        Raises:
            ValidationError: If ``number`` is not a phone number.
            ResourceNotFoundError: If the number is not one of yours (or a retried delete
                finds it gone).
        """
        return await self._delete(_number_path("Number", number), cast_to=ActionResponse)

    async def create(
        self,
        numbers: str | Sequence[str],
        carrier: str,
        region: str,
        number_type: str | None = None,
        app_id: str | int | None = None,
        subaccount: str | None = None,
        *,
        retry_unsafe: bool = False,
    ) -> ActionResponse:
        """Add numbers you hold at your own carrier (``POST Number/``).

        ``numbers`` is one number, a comma-separated text or a list; ``carrier`` the
        incoming carrier's id and ``region`` the numbers' region, as the SDK takes them.
        Not retried after an ambiguous failure unless ``retry_unsafe=True``.

        Raises:
            ValidationError: If a number is not a phone number, ``carrier`` or ``region``
                is empty, or an argument breaks its rule.
            OutcomeUnknownError: If the request failed ambiguously.
        """
        fields = {
            "numbers": numbers,
            "carrier": carrier,
            "region": region,
            "number_type": number_type,
            "app_id": app_id,
            "subaccount": subaccount,
        }
        request = from_wire(CreateNumberRequest, fields)
        return await self._post(
            "Number/", cast_to=ActionResponse, body=to_wire(request), retry_unsafe=retry_unsafe
        )
