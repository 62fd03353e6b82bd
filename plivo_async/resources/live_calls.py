"""``client.live_calls`` and ``client.queued_calls``, as the official SDK spells them.

Thin views over :class:`~plivo_async.resources.calls.Calls`: ``live_calls.get(uuid)`` is
``calls.get_live(uuid)``, ``live_calls.list_ids(...)`` is ``calls.list_live(...)``, and the
same for queued calls, so code written against the SDK's ``client.live_calls`` runs with
``await`` added. ``iter_all`` / ``async for`` walks every id by offset (these answers carry
no ``meta``).

They are views, not resources: every request goes through the ``Calls`` they are built on
(a client's ``with_options`` view rebinds them to its own ``calls``).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from typing import TYPE_CHECKING, Any

from ..models.calls import LiveCall, LiveCallIds, QueuedCall, QueuedCallIds
from ._paging import MAX_PAGE_SIZE, paginate

if TYPE_CHECKING:
    from typing_extensions import Unpack

    from .._types import RequestOptions
    from .calls import Calls

__all__ = ["LiveCalls", "QueuedCalls"]


def _iter_ids(
    list_ids: Callable[..., Awaitable[LiveCallIds | QueuedCallIds]], filters: dict[str, Any]
) -> AsyncIterator[str]:
    """Every uuid, each once, page by page by offset; a page shorter than ``limit`` is the
    last, and so is a page of ids already seen (the API ignored the offset)."""

    async def fetch(query: dict[str, Any]) -> LiveCallIds | QueuedCallIds:
        return await list_ids(**query)

    limit = filters.pop("limit", None) or MAX_PAGE_SIZE
    offset = filters.pop("offset", None) or 0
    query = {"limit": limit, "offset": offset, **filters}
    return paginate(fetch, query, items=_ids, unique=True)


def _ids(page: LiveCallIds | QueuedCallIds) -> list[str]:
    return page.calls


class LiveCalls:
    """Calls in progress. Get it as ``client.live_calls``.

    Its methods raise what :meth:`~plivo_async.resources.calls.Calls.get_live` and
    :meth:`~plivo_async.resources.calls.Calls.list_live` raise.
    """

    def __init__(self, calls: Calls) -> None:
        self._calls = calls

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self._calls._transport.api_base}>"

    async def get(
        self,
        _id: str,
        callback_url: str | None = None,
        callback_method: str | None = None,
        **options: Unpack[RequestOptions],
    ) -> LiveCall:
        """A call in progress (``GET Call/{uuid}/?status=live``).

        Raises:
            ValidationError: If the uuid is not path-safe, or ``callback_url`` /
                ``callback_method`` is not an http(s) URL / GET or POST.
            ResourceNotFoundError: If no call in progress has that uuid.
        """
        return await self._calls.get_live(
            _id, callback_url=callback_url, callback_method=callback_method, **options
        )

    async def list_ids(
        self,
        call_direction: str | None = None,
        from_number: str | None = None,
        to_number: str | None = None,
        limit: int | None = None,
        offset: int | None = None,
        callback_url: str | None = None,
        callback_method: str | None = None,
        **options: Unpack[RequestOptions],
    ) -> LiveCallIds:
        """The uuids of the calls in progress (``GET Call/?status=live``).

        Left out, ``limit`` and ``offset`` take the API's defaults (20 and 0), the values
        the SDK sends.

        Raises:
            ValidationError: If ``call_direction`` is not inbound or outbound, a number
                filter is not a number or its prefix, ``limit`` is outside 1..20,
                ``offset`` is negative, or a callback argument is invalid.
        """
        return await self._calls.list_live(
            call_direction=call_direction,
            from_number=from_number,
            to_number=to_number,
            limit=limit,
            offset=offset,
            callback_url=callback_url,
            callback_method=callback_method,
            **options,
        )

    def iter_all(self, **filters: Any) -> AsyncIterator[str]:
        """The uuid of every call in progress matching ``filters`` (those of :meth:`list_ids`).

        Raises:
            ValidationError: While iterating, if a filter breaks its rule.
            PlivoError: While iterating, whatever a page's request raises.
        """
        return _iter_ids(self._calls.list_live, dict(filters))

    def __aiter__(self) -> AsyncIterator[str]:
        """``async for call_uuid in client.live_calls``."""
        return self.iter_all()


class QueuedCalls:
    """Calls waiting in Plivo's queue. Get it as ``client.queued_calls``.

    Its methods raise what :meth:`~plivo_async.resources.calls.Calls.get_queued` and
    :meth:`~plivo_async.resources.calls.Calls.list_queued` raise.
    """

    def __init__(self, calls: Calls) -> None:
        self._calls = calls

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self._calls._transport.api_base}>"

    async def get(
        self,
        _id: str,
        callback_url: str | None = None,
        callback_method: str | None = None,
        **options: Unpack[RequestOptions],
    ) -> QueuedCall:
        """A queued call (``GET Call/{uuid}/?status=queued``).

        Raises:
            ValidationError: If the uuid is not path-safe, or a callback argument is invalid.
            ResourceNotFoundError: If no queued call has that uuid.
        """
        return await self._calls.get_queued(
            _id, callback_url=callback_url, callback_method=callback_method, **options
        )

    async def list_ids(
        self,
        limit: int | None = None,
        offset: int | None = None,
        callback_url: str | None = None,
        callback_method: str | None = None,
        **options: Unpack[RequestOptions],
    ) -> QueuedCallIds:
        """The uuids of the queued calls (``GET Call/?status=queued``).

        Raises:
            ValidationError: If ``limit`` is outside 1..20, ``offset`` is negative, or a
                callback argument is invalid.
        """
        return await self._calls.list_queued(
            limit=limit,
            offset=offset,
            callback_url=callback_url,
            callback_method=callback_method,
            **options,
        )

    def iter_all(self, **filters: Any) -> AsyncIterator[str]:
        """The uuid of every queued call (``limit`` sets the page size).

        Raises:
            PlivoError: While iterating, whatever a page's request raises.
        """
        return _iter_ids(self._calls.list_queued, dict(filters))

    def __aiter__(self) -> AsyncIterator[str]:
        """``async for call_uuid in client.queued_calls``."""
        return self.iter_all()
