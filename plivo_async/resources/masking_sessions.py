"""Number masking sessions: ``client.masking_sessions``.

Method names and arguments follow the official SDK's ``maskingsession.py``
(``create_masking_session``, ``get_masking_session``, ``update_masking_session``,
``delete_masking_session``, ``list_masking_session``), so ported code adds ``await``;
``iter_all`` (or ``async for session in client.masking_sessions``) follows the pages.

Retry classification: creating a session is not idempotent (a second create is a second
session, and with ``initiate_call_to_first_party`` a second call); an update sets values,
so it is retried like a ``GET``; so is a delete.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import TYPE_CHECKING, Any

from .._types import split_request_options
from ..models.masking_sessions import (
    CreateMaskingSessionRequest,
    CreateMaskingSessionResponse,
    ListMaskingSessionsRequest,
    MaskingSession,
    MaskingSessionActionResponse,
    MaskingSessionListResponse,
    MaskingSessionResponse,
    UpdateMaskingSessionRequest,
)
from ._base import Resource, filters_query, item_path

if TYPE_CHECKING:  # typing.Unpack is 3.11+; only the type checker needs it
    from typing_extensions import Unpack

    from .._types import RequestOptions

__all__ = ["MaskingSessions"]


class MaskingSessions(Resource):
    """The account's number masking sessions. Get it as ``client.masking_sessions``.

    Every method may also raise what any request raises (see
    :class:`~plivo_async.resources.calls.Calls`): AuthenticationError, ForbiddenError,
    ValidationError (a 400), RateLimitError, PlivoServerError, PlivoConnectionError and,
    for the idempotent ones, PlivoTimeoutError after retries.
    """

    async def create_masking_session(
        self,
        first_party: str | None = None,
        second_party: str | None = None,
        *,
        session_expiry: int | None = None,
        call_time_limit: int | None = None,
        record: bool | None = None,
        record_file_format: str | None = None,
        recording_callback_url: str | None = None,
        initiate_call_to_first_party: bool | None = None,
        callback_url: str | None = None,
        callback_method: str | None = None,
        ring_timeout: int | None = None,
        first_party_play_url: str | None = None,
        second_party_play_url: str | None = None,
        recording_callback_method: str | None = None,
        is_pin_authentication_required: bool | None = None,
        generate_pin: bool | None = None,
        generate_pin_length: int | None = None,
        first_party_pin: str | None = None,
        second_party_pin: str | None = None,
        pin_prompt_play: str | None = None,
        pin_retry: int | None = None,
        pin_retry_wait: int | None = None,
        incorrect_pin_play: str | None = None,
        unknown_caller_play: str | None = None,
        subaccount: str | None = None,
        geomatch: bool | None = None,
        create_session_with_single_party: bool | None = None,
        virtual_number_cooloff_period: int | None = None,
        force_pin_authentication: bool | None = None,
        retry_unsafe: bool = False,
        **options: Unpack[RequestOptions],
    ) -> CreateMaskingSessionResponse:
        """Connect two numbers through a virtual number (``POST Masking/Session/``).

        The arguments are the SDK's, keyword-only beyond the two parties; those left as
        ``None`` are not sent, so Plivo applies its defaults (``session_expiry`` 3600 s,
        ``ring_timeout`` 120 s, methods POST, mp3). With
        ``initiate_call_to_first_party=True`` the create places a call, so it counts
        against ``calls_per_second``.

        Raises:
            ValidationError: If a number is not E.164, ``second_party`` is missing (and
                ``create_session_with_single_party`` is not set) or equals ``first_party``,
                or a value breaks its rule (URLs, methods, PINs of
                4-15 digits, ``generate_pin_length`` 4..15, mp3/wav, positive durations).
            OutcomeUnknownError: If the request failed ambiguously, so the session may or
                may not exist. Raised at once, or when retries run out if
                ``retry_unsafe=True``.
        """
        request = CreateMaskingSessionRequest(
            first_party=first_party,
            second_party=second_party,
            session_expiry=session_expiry,
            call_time_limit=call_time_limit,
            record=record,
            record_file_format=record_file_format,
            recording_callback_url=recording_callback_url,
            initiate_call_to_first_party=initiate_call_to_first_party,
            callback_url=callback_url,
            callback_method=callback_method,
            ring_timeout=ring_timeout,
            first_party_play_url=first_party_play_url,
            second_party_play_url=second_party_play_url,
            recording_callback_method=recording_callback_method,
            is_pin_authentication_required=is_pin_authentication_required,
            generate_pin=generate_pin,
            generate_pin_length=generate_pin_length,
            first_party_pin=first_party_pin,
            second_party_pin=second_party_pin,
            pin_prompt_play=pin_prompt_play,
            pin_retry=pin_retry,
            pin_retry_wait=pin_retry_wait,
            incorrect_pin_play=incorrect_pin_play,
            unknown_caller_play=unknown_caller_play,
            subaccount=subaccount,
            geomatch=geomatch,
            create_session_with_single_party=create_session_with_single_party,
            virtual_number_cooloff_period=virtual_number_cooloff_period,
            force_pin_authentication=force_pin_authentication,
        )
        return await self._post(
            "Masking/Session/",
            cast_to=CreateMaskingSessionResponse,
            body=request,
            calls=1 if request.initiate_call_to_first_party else 0,
            retry_unsafe=retry_unsafe,
            options=options,
        )

    async def get_masking_session(
        self, session_uuid: str, **options: Unpack[RequestOptions]
    ) -> MaskingSessionResponse:
        """One session (``GET Masking/Session/{session_uuid}/``).

        Raises:
            ValidationError: If ``session_uuid`` is empty, ``.``/``..`` or holds control
                characters.
            ResourceNotFoundError: If no session has that uuid.
        """
        path = item_path("Masking/Session", "session_uuid", session_uuid)
        return await self._get(path, cast_to=MaskingSessionResponse, options=options)

    async def update_masking_session(
        self,
        session_uuid: str,
        *,
        first_party: str | None = None,
        second_party: str | None = None,
        session_expiry: int | None = None,
        call_time_limit: int | None = None,
        record: bool | None = None,
        record_file_format: str | None = None,
        recording_callback_url: str | None = None,
        callback_url: str | None = None,
        callback_method: str | None = None,
        ring_timeout: int | None = None,
        first_party_play_url: str | None = None,
        second_party_play_url: str | None = None,
        recording_callback_method: str | None = None,
        subaccount: str | None = None,
        geomatch: bool | None = None,
        create_session_with_single_party: bool | None = None,
        **options: Unpack[RequestOptions],
    ) -> MaskingSessionActionResponse:
        """Change a session (``POST Masking/Session/{session_uuid}/``).

        Only the arguments given are sent. Setting values is idempotent, so ambiguous
        failures are retried.

        Raises:
            ValidationError: If ``session_uuid`` is not a valid path segment (as for
                :meth:`get_masking_session`), or an argument breaks its rule.
            ResourceNotFoundError: If no session has that uuid.
        """
        path = item_path("Masking/Session", "session_uuid", session_uuid)
        request = UpdateMaskingSessionRequest(
            first_party=first_party,
            second_party=second_party,
            session_expiry=session_expiry,
            call_time_limit=call_time_limit,
            record=record,
            record_file_format=record_file_format,
            recording_callback_url=recording_callback_url,
            callback_url=callback_url,
            callback_method=callback_method,
            ring_timeout=ring_timeout,
            first_party_play_url=first_party_play_url,
            second_party_play_url=second_party_play_url,
            recording_callback_method=recording_callback_method,
            subaccount=subaccount,
            geomatch=geomatch,
            create_session_with_single_party=create_session_with_single_party,
        )
        return await self._post(
            path,
            cast_to=MaskingSessionActionResponse,
            body=request,
            idempotent=True,
            options=options,
        )

    async def delete_masking_session(
        self, session_uuid: str, **options: Unpack[RequestOptions]
    ) -> MaskingSessionActionResponse:
        """End a session (``DELETE Masking/Session/{session_uuid}/``).

        Raises:
            ValidationError: If ``session_uuid`` is not a valid path segment.
            ResourceNotFoundError: If no session has that uuid (or it was deleted).
        """
        path = item_path("Masking/Session", "session_uuid", session_uuid)
        return await self._delete(path, cast_to=MaskingSessionActionResponse, options=options)

    async def list_masking_session(self, **filters: Any) -> MaskingSessionListResponse:
        """One page of sessions (``GET Masking/Session/``).

        Filters as in the SDK: ``first_party``, ``second_party``, ``virtual_number``,
        ``status`` (active, in-progress, expired), ``created_time`` / ``expiry_time`` and
        their ``__lt``/``__lte``/``__gt``/``__gte`` forms (``YYYY-MM-DD HH:MM[:SS]`` UTC or
        a ``datetime``), ``duration`` and its four forms, ``limit`` (1..20), ``offset``,
        ``subaccount``.

        Raises:
            ValidationError: If a filter is unknown or breaks its rule.
        """
        options, filters = split_request_options(filters)
        query = filters_query(ListMaskingSessionsRequest, filters)
        return await self._get(
            "Masking/Session/", cast_to=MaskingSessionListResponse, query=query, options=options
        )

    async def iter_all(self, **filters: Any) -> AsyncIterator[MaskingSession]:
        """Every session matching ``filters`` (as for :meth:`list_masking_session`), page by page.

        Raises:
            ValidationError: When iteration starts, if a filter is unknown or breaks its rule.
            PlivoError: While iterating, whatever a page's request raises.
        """
        options, filters = split_request_options(filters)
        query = filters_query(ListMaskingSessionsRequest, filters)
        pages = self._paginate(
            "Masking/Session/", page=MaskingSessionListResponse, query=query, options=options
        )
        async for session in pages:
            yield session

    def __aiter__(self) -> AsyncIterator[MaskingSession]:
        """``async for session in client.masking_sessions``: the default search window."""
        return self.iter_all()
