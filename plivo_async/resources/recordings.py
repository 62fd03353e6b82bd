"""Recordings and their transcriptions: ``client.recordings``, ``client.transcriptions``.

Names and arguments follow the official ``plivo`` SDK (``recordings.list(call_uuid=...)``,
``recordings.get(recording_id)``, ``transcriptions.create_transcription(recording_id)``),
so code ports by adding ``await``. Recordings are made elsewhere: ``calls.record``, the
``<Record>`` XML element, conferences and multi-party calls.

The recording methods take ``callback_url`` / ``callback_method`` (``list`` among its
filters), Plivo's asynchronous mode: the API answers at once (``"async api spawned"``, the
typed answer's fields empty) and posts the result there.

Every method here but :meth:`Transcriptions.create_transcription` is a ``GET`` or a
``DELETE``, so it is idempotent and retried after ambiguous failures (a second ``DELETE``
of what the first removed answers 404). Ordering a transcription is a ``POST`` that
Plivo bills per order, so it is not re-sent after an ambiguous failure unless
``retry_unsafe=True``.

Each method may also raise what any request raises, as listed on
:class:`~plivo_async.resources.calls.Calls`: 401/403/400 answers, and 429/503/connection
failures once retries run out.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import TYPE_CHECKING, Any

from .._types import split_request_options
from ..models._shared import ActionResponse, CallbackRequest
from ..models.recordings import (
    CreateTranscriptionRequest,
    GetTranscriptionRequest,
    ListRecordingsRequest,
    Recording,
    RecordingListResponse,
    Transcription,
)
from ._base import Resource, filters_query, item_path

if TYPE_CHECKING:  # typing.Unpack is 3.11+; only the type checker needs it
    from typing_extensions import Unpack

    from .._types import RequestOptions

__all__ = ["Recordings", "Transcriptions"]


class Recordings(Resource):
    """The recordings of one account. Get it as ``client.recordings``."""

    async def list(self, **filters: Any) -> RecordingListResponse:
        """One page of recordings (``GET Recording/``), newest first.

        Filters, as in the official SDK: ``subaccount``, ``call_uuid``, ``from_number``,
        ``to_number``, ``conference_name``, ``conference_uuid``, ``mpc_name``,
        ``mpc_uuid``, ``add_time__gt``/``__gte``/``__lt``/``__lte`` (``YYYY-MM-DD
        HH:MM[:SS[.ffffff]]`` in UTC, or a ``datetime``), ``recording_storage_duration``
        and its four comparison forms, ``limit`` (1..20), ``offset``, ``cursor``, and
        ``callback_url`` / ``callback_method`` (the asynchronous mode).
        Filters not given are not sent (the SDK sends ``limit=20&offset=0``: the API's
        defaults).

        Raises:
            ValidationError: If a filter is unknown or breaks its rule (``limit`` outside
                1..20, a malformed ``add_time__gt``, a ``subaccount`` that is not an
                ``SA...`` id, ...).
        """
        options, filters = split_request_options(filters)
        query = filters_query(ListRecordingsRequest, filters)
        return await self._get(
            "Recording/", cast_to=RecordingListResponse, query=query, options=options
        )

    async def iter_all(self, **filters: Any) -> AsyncIterator[Recording]:
        """Every recording matching ``filters`` (those of :meth:`list`), page after page.

        Raises:
            ValidationError: As for :meth:`list`, before the first request.
            PlivoError: While iterating, whatever a page's request raises.
        """
        options, filters = split_request_options(filters)
        query = filters_query(ListRecordingsRequest, filters)
        async for recording in self._paginate(
            "Recording/", page=RecordingListResponse, query=query, options=options
        ):
            yield recording

    def __aiter__(self) -> AsyncIterator[Recording]:
        """``async for recording in client.recordings``: every recording of the account.

        Raises:
            PlivoError: While iterating, whatever a page's request raises.
        """
        return self.iter_all()

    async def get(
        self,
        recording_id: str | int,
        callback_url: str | None = None,
        callback_method: str | None = None,
        **options: Unpack[RequestOptions],
    ) -> Recording:
        """One recording (``GET Recording/{id}/``).

        Raises:
            ValidationError: If ``recording_id`` is empty, ``.``/``..``, or holds a control
                character (anything else is percent-encoded into its path segment), or a
                callback argument is invalid.
            ResourceNotFoundError: If the account has no recording with that id.
        """
        path = item_path("Recording", "recording_id", recording_id)
        request = CallbackRequest(callback_url=callback_url, callback_method=callback_method)
        return await self._send("GET", path, cast_to=Recording, request=request, options=options)

    async def delete(
        self,
        recording_id: str | int,
        callback_url: str | None = None,
        callback_method: str | None = None,
        **options: Unpack[RequestOptions],
    ) -> ActionResponse:
        """Delete a recording for good (``DELETE Recording/{id}/``; 204, empty answer).

        The callback arguments go in a JSON body, as the official SDK sends them.

        Raises:
            ValidationError: If ``recording_id`` is not a usable path segment (as for
                :meth:`get`), or a callback argument is invalid.
            ResourceNotFoundError: If the account has no recording with that id (or a
                retried delete finds it gone).
        """
        path = item_path("Recording", "recording_id", recording_id)
        request = CallbackRequest(callback_url=callback_url, callback_method=callback_method)
        return await self._send(
            "DELETE", path, cast_to=ActionResponse, request=request, options=options
        )


class Transcriptions(Resource):
    """Transcriptions of recordings. Get it as ``client.transcriptions``.

    The SDK's method names (``get_transcription``, ``create_transcription``,
    ``delete_transcription``) are the primary ones; ``get``, ``create`` and ``delete``
    are aliases.
    """

    async def get_transcription(
        self,
        transcription_id: str | int,
        type: str | None = None,
        **options: Unpack[RequestOptions],
    ) -> Transcription:
        """The transcription of a recording (``GET Transcription/{id}/``).

        ``type`` (sent as a query parameter when given) picks the form of the report.

        Raises:
            ValidationError: If ``transcription_id`` is not a usable path segment (empty,
                ``.``/``..``, a control character) or ``type`` is not text.
            ResourceNotFoundError: If there is no transcription with that id (or it is not
                ready yet).
        """
        path = item_path("Transcription", "transcription_id", transcription_id)
        query = GetTranscriptionRequest(type=type)
        return await self._get(path, cast_to=Transcription, query=query, options=options)

    async def create_transcription(
        self,
        recording_id: str | int,
        transcription_callback_url: str | None = None,
        *,
        retry_unsafe: bool = False,
        **options: Unpack[RequestOptions],
    ) -> ActionResponse:
        """Order the transcription of a recording (``POST Transcription/{recording_id}/``).

        Plivo posts the text to ``transcription_callback_url`` when it is ready. Billed per
        order, so not re-sent after an ambiguous failure unless ``retry_unsafe=True``.

        Raises:
            ValidationError: If ``recording_id`` is not a usable path segment or
                ``transcription_callback_url`` is not an http(s) URL.
            ResourceNotFoundError: If the account has no recording with that id.
            OutcomeUnknownError: If the request failed ambiguously, so the transcription
                may or may not have been ordered. Raised at once, or when retries run out
                if ``retry_unsafe=True``.
        """
        path = item_path("Transcription", "recording_id", recording_id)
        request = CreateTranscriptionRequest(transcription_callback_url=transcription_callback_url)
        return await self._post(
            path, cast_to=ActionResponse, body=request, retry_unsafe=retry_unsafe, options=options
        )

    async def delete_transcription(
        self, transcription_id: str | int, **options: Unpack[RequestOptions]
    ) -> ActionResponse:
        """Delete a transcription (``DELETE Transcription/{id}/``).

        Raises:
            ValidationError: If ``transcription_id`` is not a usable path segment.
            ResourceNotFoundError: If there is no transcription with that id (or a retried
                delete finds it gone).
        """
        path = item_path("Transcription", "transcription_id", transcription_id)
        return await self._delete(path, cast_to=ActionResponse, options=options)

    get = get_transcription
    create = create_transcription
    delete = delete_transcription
