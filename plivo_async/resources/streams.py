"""Audio streams on a live call: the ``calls.*_stream*`` methods (``Call/{uuid}/Stream/``).

:class:`CallStreams` is mixed into :class:`~plivo_async.resources.calls.Calls`, so the
methods are where the official SDK has them: ``await client.calls.start_stream(uuid,
service_url=...)``. The SDK's long names (``get_details_of_specific_stream``,
``delete_specific_stream``) are aliases of :meth:`~CallStreams.get_stream` and
:meth:`~CallStreams.delete_stream`.

Starting a stream is a ``POST`` that opens (and bills) a new stream each time it lands,
so it is not re-sent after an ambiguous failure unless ``retry_unsafe=True``. Reading
and stopping streams are ``GET`` and ``DELETE``: idempotent, retried.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from typing import TYPE_CHECKING

from .._types import RequestOptions
from ..models._shared import ActionResponse
from ..models.streams import StartStreamRequest, StartStreamResponse, Stream, StreamListResponse
from ..validation import path_segment
from ._base import Resource, api_path, item_path

if TYPE_CHECKING:  # typing.Unpack is 3.11+; only the type checker needs it
    from typing_extensions import Unpack

    from .._types import BaseRequestOptions

__all__ = ["CallStreams"]


class CallStreams(Resource):
    """The stream methods of ``client.calls``.

    Raises (every method): :class:`~plivo_async.errors.ValidationError` if ``call_uuid``
    or ``stream_id`` is empty, ``.``/``..`` or holds a control character, before anything
    is sent; :class:`~plivo_async.errors.ResourceNotFoundError` if the API knows no such
    call in progress (or stream).
    """

    async def start_stream(
        self,
        call_uuid: str,
        service_url: str,
        *,
        bidirectional: bool | None = None,
        audio_track: str | None = None,
        stream_timeout: int | None = None,
        status_callback_url: str | None = None,
        status_callback_method: str | None = None,
        content_type: str | None = None,
        extra_headers: Mapping[str, str | int] | str | None = None,
        cx_bot: bool | None = None,
        retry_unsafe: bool = False,
        **options: Unpack[BaseRequestOptions],
    ) -> StartStreamResponse:
        """Stream a live call's audio to a WebSocket (``POST Call/{uuid}/Stream/``).

        ``extra_headers`` is Plivo's stream parameter (the headers Plivo sends to
        ``service_url``), as in the official SDK, not extra HTTP headers for this request:
        for those, ``client.with_options(default_headers=...)``. It may be a mapping (sent as
        ``"k=v,k2=v2"``). Arguments left as
        ``None`` are not sent: the API's defaults are ``audio_track`` inbound,
        ``stream_timeout`` 86400 s, ``content_type`` ``audio/x-l16;rate=8000``.

        Raises:
            ValidationError: If ``call_uuid`` is not a usable path segment,
                ``service_url`` is not a ws(s):// URL, ``audio_track`` is not
                inbound/outbound/both (or not inbound with ``bidirectional``),
                ``stream_timeout`` is not a positive integer, ``content_type`` is not one
                of Plivo's three, ``extra_headers`` is not alphanumeric pairs under 512
                bytes, or a callback URL or method is invalid.
            ResourceNotFoundError: If no call in progress has that uuid.
            OutcomeUnknownError: If the request failed ambiguously, so the stream may or
                may not have started. Raised at once, or when retries run out if
                ``retry_unsafe=True``.
        """
        path = _streams_path(call_uuid)  # a bad id is reported first
        request = StartStreamRequest(
            service_url=service_url,
            bidirectional=bidirectional,
            audio_track=audio_track,
            stream_timeout=stream_timeout,
            status_callback_url=status_callback_url,
            status_callback_method=status_callback_method,
            content_type=content_type,
            extra_headers=extra_headers,
            cx_bot=cx_bot,
        )
        return await self._post(
            path,
            cast_to=StartStreamResponse,
            body=request,
            retry_unsafe=retry_unsafe,
            options=RequestOptions(**options, extra_headers=None),
        )

    async def get_all_streams(
        self, call_uuid: str, **options: Unpack[RequestOptions]
    ) -> StreamListResponse:
        """The streams of a call, running or ended (``GET Call/{uuid}/Stream/``).

        Raises:
            ValidationError: If ``call_uuid`` is not a usable path segment.
            ResourceNotFoundError: If the API knows no call with that uuid.
        """
        return await self._get(
            _streams_path(call_uuid), cast_to=StreamListResponse, options=options
        )

    async def iter_all_streams(
        self, call_uuid: str, **options: Unpack[RequestOptions]
    ) -> AsyncIterator[Stream]:
        """Every stream of a call, following ``meta.next`` if the API pages them.

        Raises:
            ValidationError: If ``call_uuid`` is not a usable path segment.
            PlivoError: While iterating, whatever a page's request raises.
        """
        path = _streams_path(call_uuid)
        async for stream in self._paginate(
            path, page=StreamListResponse, query={}, paged=False, options=options
        ):
            yield stream

    async def get_stream(
        self, call_uuid: str, stream_id: str, **options: Unpack[RequestOptions]
    ) -> Stream:
        """One stream of a call (``GET Call/{uuid}/Stream/{stream_id}/``).

        Raises:
            ValidationError: If ``call_uuid`` or ``stream_id`` is not a usable path segment.
            ResourceNotFoundError: If the call has no stream with that id.
        """
        return await self._get(_stream_path(call_uuid, stream_id), cast_to=Stream, options=options)

    async def delete_all_streams(
        self, call_uuid: str, **options: Unpack[RequestOptions]
    ) -> ActionResponse:
        """Stop every stream of a call (``DELETE Call/{uuid}/Stream/``; 204).

        Raises:
            ValidationError: If ``call_uuid`` is not a usable path segment.
            ResourceNotFoundError: If no call in progress has that uuid.
        """
        return await self._delete(_streams_path(call_uuid), cast_to=ActionResponse, options=options)

    async def delete_stream(
        self, call_uuid: str, stream_id: str, **options: Unpack[RequestOptions]
    ) -> ActionResponse:
        """Stop one stream of a call (``DELETE Call/{uuid}/Stream/{stream_id}/``; 204).

        Raises:
            ValidationError: If ``call_uuid`` or ``stream_id`` is not a usable path segment.
            ResourceNotFoundError: If the call has no such stream (or it stopped already).
        """
        return await self._delete(
            _stream_path(call_uuid, stream_id), cast_to=ActionResponse, options=options
        )

    # The official SDK's names.
    get_details_of_specific_stream = get_stream
    delete_specific_stream = delete_stream


def _streams_path(call_uuid: str) -> str:
    return item_path("Call", "call_uuid", call_uuid, "Stream")


def _stream_path(call_uuid: str, stream_id: str) -> str:
    return _streams_path(call_uuid) + api_path(path_segment("stream_id", stream_id))
