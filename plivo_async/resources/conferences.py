"""The Conference API: ``client.conferences``.

Method names and arguments follow the official ``plivo`` SDK (``conferences.get(name)``,
``conferences.member_mute(name, member_id)``, ``conferences.record(name, ...)``), so code
ports by adding ``await``; everything beyond the conference name and member id is
keyword-only. A conference exists while members are in it: callers join it with the
``<Conference>`` XML element, so there is no "create".

A conference name is free text (``'My Conf Room'``): it is sent as one percent-encoded path
segment and can never escape it. ``member_id`` is a member's id (``"10"`` or ``10``), several
(``"10,11"`` or a list, sent comma-separated) or ``"all"``.

Every method accepts ``callback_url`` / ``callback_method``: Plivo then answers at once and
posts the action's outcome to that URL.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Sequence
from typing import TYPE_CHECKING, Any, TypeVar

from ..models._shared import ActionResponse
from ..models.conferences import (
    Conference,
    ConferenceCallbackRequest,
    ConferenceListResponse,
    ConferenceMemberActionResponse,
    ConferenceMemberPlayRequest,
    ConferenceMemberSpeakRequest,
    ConferenceRecordRequest,
    ConferenceRecordResponse,
)
from ..validation import path_segment
from ._base import Resource, item_path
from ._paging import paginate

if TYPE_CHECKING:  # typing.Unpack is 3.11+; only the type checker needs it
    from typing_extensions import Unpack

    from .._types import RequestOptions

__all__ = ["Conferences", "MemberId"]

R = TypeVar("R")

#: One member id, several (sent comma-separated), or ``"all"``.
MemberId = str | int | Sequence[str | int]


def _member_segment(member_id: MemberId) -> str:
    """Each id percent-encoded on its own; the commas between them stay, as the SDK sends."""
    if isinstance(member_id, str):
        ids: Sequence[str | int] = member_id.split(",")
    elif isinstance(member_id, (list, tuple)) and member_id:
        ids = member_id
    else:
        ids = [member_id]  # type: ignore[list-item]  # an int, or junk for path_segment
    return ",".join(path_segment("member_id", m) for m in ids)


def _conference_path(conference_name: str, *segments: str) -> str:
    return item_path("Conference", "conference_name", conference_name, *segments)


def _member_path(conference_name: str, member_id: MemberId, *segments: str) -> str:
    return _conference_path(conference_name, "Member", _member_segment(member_id), *segments)


class Conferences(Resource):
    """The conferences of one account. Get it as ``client.conferences``.

    Each method's ``Raises`` section lists what is specific to it. Every method may also
    raise, from the request itself:

    * :class:`~plivo_async.errors.ValidationError` before sending, if ``conference_name``
      or ``member_id`` is empty, ``.``/``..`` or holds control characters, or if
      ``callback_url`` is not an http(s) URL or ``callback_method`` not GET/POST.
    * :class:`~plivo_async.errors.AuthenticationError` (401),
      :class:`~plivo_async.errors.ForbiddenError` (403),
      :class:`~plivo_async.errors.ValidationError` (400) or
      :class:`~plivo_async.errors.PlivoRestError` (any other error answer): never retried.
    * :class:`~plivo_async.errors.RateLimitError` (429),
      :class:`~plivo_async.errors.PlivoServerError` (503) or
      :class:`~plivo_async.errors.PlivoConnectionError` (could not connect), once retries
      run out.
    * For idempotent requests (every ``GET`` and ``DELETE``, and mute and deaf, which set
      a state), an ambiguous failure (timeout, connection lost after sending, other 5xx)
      is retried too, then raised as :class:`~plivo_async.errors.PlivoTimeoutError`,
      :class:`~plivo_async.errors.PlivoConnectionError` or
      :class:`~plivo_async.errors.PlivoServerError`.
    * For the others (record, kick, play, speak), an ambiguous failure raises
      :class:`~plivo_async.errors.OutcomeUnknownError` unless ``retry_unsafe=True``.
    """

    async def _action(
        self,
        response: type[R],
        method: str,
        path: str,
        model: Callable[..., Any] = ConferenceCallbackRequest,
        /,
        *,
        idempotent: bool | None = None,
        retry_unsafe: bool = False,
        options: RequestOptions | None = None,
        **fields: Any,
    ) -> R:
        """``model(**fields)`` sent to ``path``: every method is this, so it is written once.

        The model is built (and validated) before anything is sent.
        """
        request = model(**fields)
        return await self._send(
            method,
            path,
            cast_to=response,
            request=request,
            idempotent=idempotent,
            retry_unsafe=retry_unsafe,
            options=options,
        )

    # -- conferences ------------------------------------------------------------------------

    async def list(
        self,
        *,
        callback_url: str | None = None,
        callback_method: str | None = None,
        **options: Unpack[RequestOptions],
    ) -> ConferenceListResponse:
        """The names of the conferences in progress (``GET Conference/``).

        The API returns them all at once (no pages).
        """
        return await self._action(
            ConferenceListResponse,
            "GET",
            "Conference/",
            callback_url=callback_url,
            callback_method=callback_method,
            options=options,
        )

    async def iter_all(self, **options: Unpack[RequestOptions]) -> AsyncIterator[str]:
        """Every conference name in progress: ``async for name in client.conferences``.

        One request: the API lists every conference in one answer (no ``meta`` to follow).
        """

        async def fetch(_query: dict[str, Any]) -> ConferenceListResponse:
            return await self.list(**options)

        async for name in paginate(fetch, {}, items=_names, paged=False):
            yield name

    def __aiter__(self) -> AsyncIterator[str]:
        """``async for name in client.conferences``, as :meth:`iter_all`."""
        return self.iter_all()

    async def get(
        self,
        conference_name: str,
        *,
        callback_url: str | None = None,
        callback_method: str | None = None,
        **options: Unpack[RequestOptions],
    ) -> Conference:
        """A conference in progress and its members (``GET Conference/{name}/``).

        Raises:
            ResourceNotFoundError: If no conference of that name is in progress.
        """
        return await self._action(
            Conference,
            "GET",
            _conference_path(conference_name),
            callback_url=callback_url,
            callback_method=callback_method,
            options=options,
        )

    async def delete(
        self,
        conference_name: str,
        *,
        callback_url: str | None = None,
        callback_method: str | None = None,
        **options: Unpack[RequestOptions],
    ) -> ActionResponse:
        """Hang up a conference: every member is disconnected (``DELETE Conference/{name}/``).

        Raises:
            ResourceNotFoundError: If no conference of that name is in progress.
        """
        return await self._action(
            ActionResponse,
            "DELETE",
            _conference_path(conference_name),
            callback_url=callback_url,
            callback_method=callback_method,
            options=options,
        )

    hangup = delete

    async def delete_all(
        self,
        *,
        callback_url: str | None = None,
        callback_method: str | None = None,
        **options: Unpack[RequestOptions],
    ) -> ActionResponse:
        """Hang up every conference in progress (``DELETE Conference/``)."""
        return await self._action(
            ActionResponse,
            "DELETE",
            "Conference/",
            callback_url=callback_url,
            callback_method=callback_method,
            options=options,
        )

    hangup_all = delete_all

    async def record(
        self,
        conference_name: str,
        *,
        file_format: str | None = None,
        transcription_type: str | None = None,
        transcription_url: str | None = None,
        transcription_method: str | None = None,
        callback_url: str | None = None,
        callback_method: str | None = None,
        retry_unsafe: bool = False,
        **options: Unpack[RequestOptions],
    ) -> ConferenceRecordResponse:
        """Start recording a conference (``POST Conference/{name}/Record/``).

        Raises:
            ValidationError: If ``file_format`` is not mp3 or wav, ``transcription_type``
                not auto, or a URL or method is invalid.
            ResourceNotFoundError: If no conference of that name is in progress.
            OutcomeUnknownError: If the request failed ambiguously, so recording may or may
                not have started.
        """
        return await self._action(
            ConferenceRecordResponse,
            "POST",
            _conference_path(conference_name, "Record"),
            ConferenceRecordRequest,
            retry_unsafe=retry_unsafe,
            file_format=file_format,
            transcription_type=transcription_type,
            transcription_url=transcription_url,
            transcription_method=transcription_method,
            callback_url=callback_url,
            callback_method=callback_method,
            options=options,
        )

    start_recording = record

    async def record_stop(
        self,
        conference_name: str,
        *,
        callback_url: str | None = None,
        callback_method: str | None = None,
        **options: Unpack[RequestOptions],
    ) -> ActionResponse:
        """Stop recording a conference (``DELETE Conference/{name}/Record/``).

        Raises:
            ResourceNotFoundError: If no conference of that name is in progress.
        """
        return await self._action(
            ActionResponse,
            "DELETE",
            _conference_path(conference_name, "Record"),
            callback_url=callback_url,
            callback_method=callback_method,
            options=options,
        )

    stop_recording = record_stop

    # -- members ----------------------------------------------------------------------------

    async def member_mute(
        self,
        conference_name: str,
        member_id: MemberId,
        *,
        callback_url: str | None = None,
        callback_method: str | None = None,
        **options: Unpack[RequestOptions],
    ) -> ConferenceMemberActionResponse:
        """Mute members (``POST .../Member/{id}/Mute/``); sets a state, so it is retried.

        Raises:
            ResourceNotFoundError: If the conference or the member is not there.
        """
        return await self._action(
            ConferenceMemberActionResponse,
            "POST",
            _member_path(conference_name, member_id, "Mute"),
            idempotent=True,
            callback_url=callback_url,
            callback_method=callback_method,
            options=options,
        )

    async def member_mute_stop(
        self,
        conference_name: str,
        member_id: MemberId,
        *,
        callback_url: str | None = None,
        callback_method: str | None = None,
        **options: Unpack[RequestOptions],
    ) -> ConferenceMemberActionResponse:
        """Unmute members (``DELETE .../Member/{id}/Mute/``).

        Raises:
            ResourceNotFoundError: If the conference or the member is not there.
        """
        return await self._action(
            ConferenceMemberActionResponse,
            "DELETE",
            _member_path(conference_name, member_id, "Mute"),
            callback_url=callback_url,
            callback_method=callback_method,
            options=options,
        )

    async def member_deaf(
        self,
        conference_name: str,
        member_id: MemberId,
        *,
        callback_url: str | None = None,
        callback_method: str | None = None,
        **options: Unpack[RequestOptions],
    ) -> ConferenceMemberActionResponse:
        """Make members deaf (``POST .../Member/{id}/Deaf/``); sets a state, so it is retried.

        Raises:
            ResourceNotFoundError: If the conference or the member is not there.
        """
        return await self._action(
            ConferenceMemberActionResponse,
            "POST",
            _member_path(conference_name, member_id, "Deaf"),
            idempotent=True,
            callback_url=callback_url,
            callback_method=callback_method,
            options=options,
        )

    async def member_deaf_stop(
        self,
        conference_name: str,
        member_id: MemberId,
        *,
        callback_url: str | None = None,
        callback_method: str | None = None,
        **options: Unpack[RequestOptions],
    ) -> ConferenceMemberActionResponse:
        """Let members hear again (``DELETE .../Member/{id}/Deaf/``).

        Raises:
            ResourceNotFoundError: If the conference or the member is not there.
        """
        return await self._action(
            ConferenceMemberActionResponse,
            "DELETE",
            _member_path(conference_name, member_id, "Deaf"),
            callback_url=callback_url,
            callback_method=callback_method,
            options=options,
        )

    async def member_kick(
        self,
        conference_name: str,
        member_id: MemberId,
        *,
        callback_url: str | None = None,
        callback_method: str | None = None,
        retry_unsafe: bool = False,
        **options: Unpack[RequestOptions],
    ) -> ConferenceMemberActionResponse:
        """Remove members from the conference; their calls go on (``POST .../Kick/``).

        Raises:
            ResourceNotFoundError: If the conference or the member is not there.
            OutcomeUnknownError: If the request failed ambiguously, so the members may or
                may not have been kicked.
        """
        return await self._action(
            ConferenceMemberActionResponse,
            "POST",
            _member_path(conference_name, member_id, "Kick"),
            retry_unsafe=retry_unsafe,
            callback_url=callback_url,
            callback_method=callback_method,
            options=options,
        )

    async def member_hangup(
        self, conference_name: str, member_id: MemberId, **options: Unpack[RequestOptions]
    ) -> ConferenceMemberActionResponse:
        """Hang up members' calls (``DELETE Conference/{name}/Member/{id}/``).

        Raises:
            ResourceNotFoundError: If the conference or the member is not there.
        """
        return await self._action(
            ConferenceMemberActionResponse,
            "DELETE",
            _member_path(conference_name, member_id),
            options=options,
        )

    async def member_play(
        self,
        conference_name: str,
        member_id: MemberId,
        url: str,
        *,
        callback_url: str | None = None,
        callback_method: str | None = None,
        retry_unsafe: bool = False,
        **options: Unpack[RequestOptions],
    ) -> ConferenceMemberActionResponse:
        """Play an audio file to members (``POST .../Member/{id}/Play/``).

        Raises:
            ValidationError: If ``url`` is not an http(s) URL.
            ResourceNotFoundError: If the conference or the member is not there.
            OutcomeUnknownError: If the request failed ambiguously, so the audio may or may
                not be playing.
        """
        return await self._action(
            ConferenceMemberActionResponse,
            "POST",
            _member_path(conference_name, member_id, "Play"),
            ConferenceMemberPlayRequest,
            retry_unsafe=retry_unsafe,
            url=url,
            callback_url=callback_url,
            callback_method=callback_method,
            options=options,
        )

    async def member_play_stop(
        self,
        conference_name: str,
        member_id: MemberId,
        *,
        callback_url: str | None = None,
        callback_method: str | None = None,
        **options: Unpack[RequestOptions],
    ) -> ConferenceMemberActionResponse:
        """Stop playing audio to members (``DELETE .../Member/{id}/Play/``).

        Raises:
            ResourceNotFoundError: If the conference or the member is not there.
        """
        return await self._action(
            ConferenceMemberActionResponse,
            "DELETE",
            _member_path(conference_name, member_id, "Play"),
            callback_url=callback_url,
            callback_method=callback_method,
            options=options,
        )

    async def member_speak(
        self,
        conference_name: str,
        member_id: MemberId,
        text: str,
        *,
        voice: str | None = None,
        language: str | None = None,
        callback_url: str | None = None,
        callback_method: str | None = None,
        retry_unsafe: bool = False,
        **options: Unpack[RequestOptions],
    ) -> ConferenceMemberActionResponse:
        """Speak text to members (``POST .../Member/{id}/Speak/``).

        Raises:
            ValidationError: If ``text`` is empty.
            ResourceNotFoundError: If the conference or the member is not there.
            OutcomeUnknownError: If the request failed ambiguously, so the text may or may
                not be spoken.
        """
        return await self._action(
            ConferenceMemberActionResponse,
            "POST",
            _member_path(conference_name, member_id, "Speak"),
            ConferenceMemberSpeakRequest,
            retry_unsafe=retry_unsafe,
            text=text,
            voice=voice,
            language=language,
            callback_url=callback_url,
            callback_method=callback_method,
            options=options,
        )

    async def member_speak_stop(
        self,
        conference_name: str,
        member_id: MemberId,
        *,
        callback_url: str | None = None,
        callback_method: str | None = None,
        **options: Unpack[RequestOptions],
    ) -> ConferenceMemberActionResponse:
        """Stop speaking to members (``DELETE .../Member/{id}/Speak/``).

        Raises:
            ResourceNotFoundError: If the conference or the member is not there.
        """
        return await self._action(
            ConferenceMemberActionResponse,
            "DELETE",
            _member_path(conference_name, member_id, "Speak"),
            callback_url=callback_url,
            callback_method=callback_method,
            options=options,
        )


def _names(page: ConferenceListResponse) -> list[str]:
    return page.conferences
