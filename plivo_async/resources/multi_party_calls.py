"""The Voice API's multi-party calls: ``client.multi_party_calls`` (``MultiPartyCall/``).

Distinct from PHLO's multi-party call nodes (``client.phlo(id).multi_party_call(node)``).
Method names and arguments follow the official SDK's ``multipartycall.py``
(``add_participant(role, friendly_name=..., from_=..., to_=...)``,
``start_recording(uuid=...)``, ``update_participant(participant_id, uuid=..., mute=True)``),
with ``await``; everything but ``role`` / ``participant_id`` is keyword-only.

A multi-party call is addressed by ``friendly_name`` *or* ``uuid`` (exactly one), sent as
``name_<friendly_name>`` / ``uuid_<uuid>`` in one percent-encoded path segment.
``participant_id`` is a member id (``"10"`` or ``10``) or ``"all"`` where the API allows.

Adding a participant dials: it counts one call per destination against
``calls_per_second`` and is never re-sent after an ambiguous failure unless
``retry_unsafe=True``. The SDK sends every default explicitly; here arguments left as
``None`` are not sent and the API applies the same documented defaults.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Sequence
from typing import TYPE_CHECKING, Any, TypeVar

from .._convert import from_wire, to_wire
from .._types import split_request_options
from ..models.multi_party_calls import (
    AddParticipantRequest,
    AddParticipantResponse,
    ListMultiPartyCallsRequest,
    ListParticipantsRequest,
    MultiPartyCallActionResponse,
    MultiPartyCallCallbackRequest,
    MultiPartyCallDetails,
    MultiPartyCallListResponse,
    MultiPartyCallPlayAudioResponse,
    MultiPartyCallRecordingResponse,
    Participant,
    ParticipantListResponse,
    ParticipantRecordingRequest,
    ParticipantRecordTrackRequest,
    StartPlayAudioRequest,
    StartRecordingRequest,
    UpdateParticipantRequest,
    mpc_id,
)
from ..validation import check, path_segment
from ._base import Resource, api_path, filters_query

if TYPE_CHECKING:  # typing.Unpack is 3.11+; only the type checker needs it
    from typing_extensions import Unpack

    from .._types import RequestOptions

__all__ = ["MultiPartyCalls"]

R = TypeVar("R")


def _mpc_path(friendly_name: str | None, uuid: str | None, *segments: str) -> str:
    """``MultiPartyCall/name_<friendly_name>/...`` or ``.../uuid_<uuid>/...``."""
    return api_path(
        "MultiPartyCall", path_segment("mpc_id", mpc_id(friendly_name, uuid)), *segments
    )


def _participant_path(
    friendly_name: str | None,
    uuid: str | None,
    participant_id: str | int,
    *rest: str,
    area: str = "Participant",
) -> str:
    """``{id}/Participant/{pid}/...``; audio is addressed as ``{id}/Member/{pid}/...``."""
    participant = path_segment("participant_id", participant_id)
    return _mpc_path(friendly_name, uuid, area, participant, *rest)


class MultiPartyCalls(Resource):
    """The multi-party calls of one account. Get it as ``client.multi_party_calls``.

    Each method's ``Raises`` section lists what is specific to it. Every method may also
    raise:

    * :class:`~plivo_async.errors.ValidationError` before sending, if neither or both of
      ``friendly_name`` and ``uuid`` are given, an id is empty, ``.``/``..`` or holds
      control characters, or ``callback_url`` / ``callback_method`` is invalid.
    * :class:`~plivo_async.errors.ResourceNotFoundError` (404) if the multi-party call
      (or the participant) does not exist; the other typed errors of a request as for
      :class:`~plivo_async.resources.calls.Calls`.
    * For idempotent requests (every ``GET`` and ``DELETE``; start, pause and resume
      recording, and update participant, which set a state), an ambiguous failure is
      retried, then raised as a timeout, connection or server error.
    * For the others (add participant, start recording, start play audio), an ambiguous
      failure raises :class:`~plivo_async.errors.OutcomeUnknownError` unless
      ``retry_unsafe=True``.
    """

    async def _action(
        self,
        response: type[R],
        method: str,
        path: str,
        model: Callable[..., Any] = MultiPartyCallCallbackRequest,
        /,
        *,
        idempotent: bool | None = None,
        retry_unsafe: bool = False,
        options: RequestOptions | None = None,
        **fields: Any,
    ) -> R:
        """``model(**fields)`` sent to ``path``: every action is this, so it is written once.

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

    # -- multi-party calls ------------------------------------------------------------------

    async def list(self, **filters: Any) -> MultiPartyCallListResponse:
        """One page of multi-party calls (``GET MultiPartyCall/``).

        Filters, as in the SDK: ``sub_account``, ``friendly_name``, ``status`` (active,
        initialized, ended), ``termination_cause_code``, ``end_time`` and
        ``creation_time`` with ``__gt``/``__gte``/``__lt``/``__lte``
        (``YYYY-MM-DD HH:MM[:SS[.ffffff]]`` or a ``datetime``), ``limit`` (1..20),
        ``offset``, ``callback_url``, ``callback_method``.

        Raises:
            ValidationError: If a filter is unknown or breaks its rule.
        """
        options, filters = split_request_options(filters)
        query = filters_query(ListMultiPartyCallsRequest, filters)
        return await self._get(
            "MultiPartyCall/", cast_to=MultiPartyCallListResponse, query=query, options=options
        )

    async def iter_all(self, **filters: Any) -> AsyncIterator[MultiPartyCallDetails]:
        """Every multi-party call matching ``filters``, following the pages.

        Raises:
            ValidationError: When iteration starts, if a filter breaks its rule.
            PlivoError: While iterating, whatever a page's request raises; the calls
                already yielded stand.
        """
        options, filters = split_request_options(filters)
        query = filters_query(ListMultiPartyCallsRequest, filters)
        pages = self._paginate(
            "MultiPartyCall/", page=MultiPartyCallListResponse, query=query, options=options
        )
        async for mpc in pages:
            yield mpc

    def __aiter__(self) -> AsyncIterator[MultiPartyCallDetails]:
        """``async for mpc in client.multi_party_calls``, as :meth:`iter_all`."""
        return self.iter_all()

    async def get(
        self,
        *,
        uuid: str | None = None,
        friendly_name: str | None = None,
        callback_url: str | None = None,
        callback_method: str | None = None,
        **options: Unpack[RequestOptions],
    ) -> MultiPartyCallDetails:
        """One multi-party call (``GET MultiPartyCall/{id}/``)."""
        return await self._action(
            MultiPartyCallDetails,
            "GET",
            _mpc_path(friendly_name, uuid),
            callback_url=callback_url,
            callback_method=callback_method,
            options=options,
        )

    async def add_participant(
        self,
        role: str,
        *,
        friendly_name: str | None = None,
        uuid: str | None = None,
        from_: str | None = None,
        to_: str | Sequence[str] | None = None,
        call_uuid: str | None = None,
        retry_unsafe: bool = False,
        **params: Any,
    ) -> AddParticipantResponse:
        """Dial someone into a multi-party call, or add a call in progress to it.

        ``POST MultiPartyCall/{id}/Participant/``; the multi-party call is created on the
        first participant. Give ``from_`` and ``to_`` (one or more numbers / SIP URIs,
        ``<``-joined or a list, several only for ``role='agent'``, at most 20) or
        ``call_uuid``. ``params`` are the SDK's other parameters, each validated as the
        SDK does: ``caller_name``, ``call_status_callback_url`` / ``_method``,
        ``sip_headers``, ``confirm_key``, ``confirm_key_sound_url`` / ``_method``,
        ``dial_music``, ``ring_timeout``, ``delay_dial``, ``max_duration``,
        ``max_participants``, ``record_min_member_count``, ``wait_music_url`` /
        ``_method``, ``agent_hold_music_url`` / ``_method``, ``customer_hold_music_url`` /
        ``_method``, ``recording_callback_url`` / ``_method``, ``status_callback_url`` /
        ``_method``, ``on_exit_action_url`` / ``_method``, ``record``,
        ``record_participant_track``, ``record_file_format``, ``status_callback_events``,
        ``stay_alone``, ``coach_mode``, ``mute``, ``hold``, ``start_mpc_on_enter``,
        ``end_mpc_on_exit``, ``relay_dtmf_inputs``, ``enter_sound`` / ``_method``,
        ``exit_sound`` / ``_method``, ``start_recording_audio`` / ``_method``,
        ``stop_recording_audio`` / ``_method``, ``create_mpc_with_single_participant``,
        ``send_digits``, ``send_on_preanswer``, ``transcription_url``, ``transcript``,
        ``callback_url``, ``callback_method``. See :class:`AddParticipantRequest`. The
        per-call :class:`~plivo_async._types.RequestOptions` are taken out of them.

        Counts one call per destination against ``calls_per_second``. Not idempotent.

        Raises:
            ValidationError: If ``role`` is not ai-agent, agent, supervisor or customer,
                the ``from_``/``to_``/``call_uuid`` combination is wrong, an option is
                unknown or breaks its rule.
            OutcomeUnknownError: If the request failed ambiguously, so the participant may
                or may not have been dialled. Raised at once, or when retries run out if
                ``retry_unsafe=True``.
        """
        path = _mpc_path(friendly_name, uuid, "Participant")
        options, params = split_request_options(params)
        request = from_wire(
            AddParticipantRequest,
            {"role": role, "from_": from_, "to_": to_, "call_uuid": call_uuid, **params},
        )
        return await self._add_participant(path, request, retry_unsafe, options)

    async def add_participant_from(
        self,
        request: AddParticipantRequest,
        *,
        url: str | None = None,
        friendly_name: str | None = None,
        uuid: str | None = None,
        retry_unsafe: bool = False,
        **options: Unpack[RequestOptions],
    ) -> AddParticipantResponse:
        """Send a prebuilt, already validated :class:`AddParticipantRequest`.

        Raises:
            OutcomeUnknownError: If the request failed ambiguously (see
                :meth:`add_participant`).
        """
        path = _mpc_path(friendly_name, uuid, "Participant") if url is None else url
        return await self._add_participant(path, request, retry_unsafe, options)

    async def _add_participant(
        self,
        path: str,
        request: AddParticipantRequest,
        retry_unsafe: bool,
        options: RequestOptions,
    ) -> AddParticipantResponse:
        return await self._post(
            path,
            cast_to=AddParticipantResponse,
            body=request,
            calls=request.calls,
            retry_unsafe=retry_unsafe,
            options=options,
        )

    async def start(
        self,
        *,
        uuid: str | None = None,
        friendly_name: str | None = None,
        callback_url: str | None = None,
        callback_method: str | None = None,
        **options: Unpack[RequestOptions],
    ) -> MultiPartyCallActionResponse:
        """Start a multi-party call that waits for it (``POST MultiPartyCall/{id}/``).

        Sends ``status=active``; setting a state, so retried like an idempotent request.
        """
        path = _mpc_path(friendly_name, uuid)
        callback = MultiPartyCallCallbackRequest(
            callback_url=callback_url, callback_method=callback_method
        )
        body = {"status": "active", **to_wire(callback)}
        return await self._post(
            path, cast_to=MultiPartyCallActionResponse, body=body, idempotent=True, options=options
        )

    async def stop(
        self,
        *,
        uuid: str | None = None,
        friendly_name: str | None = None,
        callback_url: str | None = None,
        callback_method: str | None = None,
        **options: Unpack[RequestOptions],
    ) -> MultiPartyCallActionResponse:
        """End a multi-party call: every participant leaves (``DELETE MultiPartyCall/{id}/``)."""
        return await self._action(
            MultiPartyCallActionResponse,
            "DELETE",
            _mpc_path(friendly_name, uuid),
            callback_url=callback_url,
            callback_method=callback_method,
            options=options,
        )

    # -- recording the multi-party call -----------------------------------------------------

    async def start_recording(
        self,
        *,
        uuid: str | None = None,
        friendly_name: str | None = None,
        file_format: str | None = None,
        recording_callback_url: str | None = None,
        recording_callback_method: str | None = None,
        callback_url: str | None = None,
        callback_method: str | None = None,
        transcription_url: str | None = None,
        transcript: bool | None = None,
        retry_unsafe: bool = False,
        **options: Unpack[RequestOptions],
    ) -> MultiPartyCallRecordingResponse:
        """Start recording the multi-party call (``POST MultiPartyCall/{id}/Record/``).

        Raises:
            ValidationError: If ``file_format`` is not mp3 or wav, or a URL or method is
                invalid.
            OutcomeUnknownError: If the request failed ambiguously, so recording may or may
                not have started.
        """
        return await self._action(
            MultiPartyCallRecordingResponse,
            "POST",
            _mpc_path(friendly_name, uuid, "Record"),
            StartRecordingRequest,
            retry_unsafe=retry_unsafe,
            file_format=file_format,
            recording_callback_url=recording_callback_url,
            recording_callback_method=recording_callback_method,
            callback_url=callback_url,
            callback_method=callback_method,
            transcription_url=transcription_url,
            transcript=transcript,
            options=options,
        )

    async def stop_recording(
        self,
        *,
        uuid: str | None = None,
        friendly_name: str | None = None,
        callback_url: str | None = None,
        callback_method: str | None = None,
        **options: Unpack[RequestOptions],
    ) -> MultiPartyCallActionResponse:
        """Stop recording the multi-party call (``DELETE MultiPartyCall/{id}/Record/``)."""
        return await self._action(
            MultiPartyCallActionResponse,
            "DELETE",
            _mpc_path(friendly_name, uuid, "Record"),
            idempotent=True,
            callback_url=callback_url,
            callback_method=callback_method,
            options=options,
        )

    async def pause_recording(
        self,
        *,
        uuid: str | None = None,
        friendly_name: str | None = None,
        callback_url: str | None = None,
        callback_method: str | None = None,
        **options: Unpack[RequestOptions],
    ) -> MultiPartyCallActionResponse:
        """Pause recording (``POST MultiPartyCall/{id}/Record/Pause/``)."""
        return await self._action(
            MultiPartyCallActionResponse,
            "POST",
            _mpc_path(friendly_name, uuid, "Record", "Pause"),
            idempotent=True,
            callback_url=callback_url,
            callback_method=callback_method,
            options=options,
        )

    async def resume_recording(
        self,
        *,
        uuid: str | None = None,
        friendly_name: str | None = None,
        callback_url: str | None = None,
        callback_method: str | None = None,
        **options: Unpack[RequestOptions],
    ) -> MultiPartyCallActionResponse:
        """Resume a paused recording (``POST MultiPartyCall/{id}/Record/Resume/``)."""
        return await self._action(
            MultiPartyCallActionResponse,
            "POST",
            _mpc_path(friendly_name, uuid, "Record", "Resume"),
            idempotent=True,
            callback_url=callback_url,
            callback_method=callback_method,
            options=options,
        )

    # -- participants -----------------------------------------------------------------------

    async def list_participants(
        self,
        *,
        uuid: str | None = None,
        friendly_name: str | None = None,
        call_uuid: str | None = None,
        callback_url: str | None = None,
        callback_method: str | None = None,
        **options: Unpack[RequestOptions],
    ) -> ParticipantListResponse:
        """The participants of a multi-party call (``GET MultiPartyCall/{id}/Participant/``).

        ``call_uuid`` narrows the list to the participant on that call.
        """
        return await self._action(
            ParticipantListResponse,
            "GET",
            _mpc_path(friendly_name, uuid, "Participant"),
            ListParticipantsRequest,
            call_uuid=call_uuid,
            callback_url=callback_url,
            callback_method=callback_method,
            options=options,
        )

    async def iter_participants(
        self,
        *,
        uuid: str | None = None,
        friendly_name: str | None = None,
        call_uuid: str | None = None,
        **options: Unpack[RequestOptions],
    ) -> AsyncIterator[Participant]:
        """Every participant of a multi-party call, following ``meta.next`` if present.

        Raises:
            PlivoError: Whatever a page's request raises; the participants already yielded
                stand.
        """
        path = _mpc_path(friendly_name, uuid, "Participant")
        query = ListParticipantsRequest(call_uuid=call_uuid)
        pages = self._paginate(
            path, page=ParticipantListResponse, query=query, paged=False, options=options
        )
        async for participant in pages:
            yield participant

    async def get_participant(
        self,
        participant_id: str | int,
        *,
        uuid: str | None = None,
        friendly_name: str | None = None,
        callback_url: str | None = None,
        callback_method: str | None = None,
        **options: Unpack[RequestOptions],
    ) -> Participant:
        """One participant (``GET MultiPartyCall/{id}/Participant/{participant_id}/``)."""
        return await self._action(
            Participant,
            "GET",
            _participant_path(friendly_name, uuid, participant_id),
            callback_url=callback_url,
            callback_method=callback_method,
            options=options,
        )

    async def update_participant(
        self,
        participant_id: str | int,
        *,
        uuid: str | None = None,
        friendly_name: str | None = None,
        coach_mode: bool | None = None,
        mute: bool | None = None,
        hold: bool | None = None,
        callback_url: str | None = None,
        callback_method: str | None = None,
        **options: Unpack[RequestOptions],
    ) -> MultiPartyCallActionResponse:
        """Set a participant's coach mode, mute or hold (``POST .../Participant/{pid}/``).

        ``participant_id='all'`` updates everyone (but not ``coach_mode``). Setting a
        state, so retried like an idempotent request.

        Raises:
            ValidationError: If none of ``coach_mode``, ``mute``, ``hold`` is given, one is
                not a boolean, or ``coach_mode`` is given for ``all``.
        """
        if str(participant_id).lower() == "all" and coach_mode is not None:
            check("coach_mode", False, "cannot be set when updating all participants", coach_mode)
        return await self._action(
            MultiPartyCallActionResponse,
            "POST",
            _participant_path(friendly_name, uuid, participant_id),
            UpdateParticipantRequest,
            idempotent=True,
            coach_mode=coach_mode,
            mute=mute,
            hold=hold,
            callback_url=callback_url,
            callback_method=callback_method,
            options=options,
        )

    async def kick_participant(
        self,
        participant_id: str | int,
        *,
        uuid: str | None = None,
        friendly_name: str | None = None,
        callback_url: str | None = None,
        callback_method: str | None = None,
        **options: Unpack[RequestOptions],
    ) -> MultiPartyCallActionResponse:
        """Remove a participant (``DELETE MultiPartyCall/{id}/Participant/{pid}/``)."""
        return await self._action(
            MultiPartyCallActionResponse,
            "DELETE",
            _participant_path(friendly_name, uuid, participant_id),
            callback_url=callback_url,
            callback_method=callback_method,
            options=options,
        )

    # -- recording one participant ----------------------------------------------------------

    async def start_participant_recording(
        self,
        participant_id: str | int,
        *,
        uuid: str | None = None,
        friendly_name: str | None = None,
        file_format: str | None = None,
        recording_callback_url: str | None = None,
        recording_callback_method: str | None = None,
        callback_url: str | None = None,
        callback_method: str | None = None,
        record_track_type: str | None = None,
        transcription_url: str | None = None,
        transcript: bool | None = None,
        retry_unsafe: bool = False,
        **options: Unpack[RequestOptions],
    ) -> MultiPartyCallRecordingResponse:
        """Start recording one participant (``POST .../Participant/{pid}/Record/``).

        Raises:
            ValidationError: If ``file_format`` is not mp3 or wav, or a URL or method is
                invalid.
            OutcomeUnknownError: If the request failed ambiguously, so recording may or may
                not have started.
        """
        return await self._action(
            MultiPartyCallRecordingResponse,
            "POST",
            _participant_path(friendly_name, uuid, participant_id, "Record"),
            ParticipantRecordingRequest,
            retry_unsafe=retry_unsafe,
            file_format=file_format,
            recording_callback_url=recording_callback_url,
            recording_callback_method=recording_callback_method,
            callback_url=callback_url,
            callback_method=callback_method,
            record_track_type=record_track_type,
            transcription_url=transcription_url,
            transcript=transcript,
            options=options,
        )

    async def stop_participant_recording(
        self,
        participant_id: str | int,
        *,
        uuid: str | None = None,
        friendly_name: str | None = None,
        callback_url: str | None = None,
        callback_method: str | None = None,
        record_track_type: str | None = None,
        **options: Unpack[RequestOptions],
    ) -> MultiPartyCallActionResponse:
        """Stop recording one participant (``DELETE .../Participant/{pid}/Record/``)."""
        return await self._action(
            MultiPartyCallActionResponse,
            "DELETE",
            _participant_path(friendly_name, uuid, participant_id, "Record"),
            ParticipantRecordTrackRequest,
            idempotent=True,
            callback_url=callback_url,
            callback_method=callback_method,
            record_track_type=record_track_type,
            options=options,
        )

    async def pause_participant_recording(
        self,
        participant_id: str | int,
        *,
        uuid: str | None = None,
        friendly_name: str | None = None,
        callback_url: str | None = None,
        callback_method: str | None = None,
        record_track_type: str | None = None,
        **options: Unpack[RequestOptions],
    ) -> MultiPartyCallActionResponse:
        """Pause recording one participant (``POST .../Participant/{pid}/Record/Pause/``)."""
        return await self._action(
            MultiPartyCallActionResponse,
            "POST",
            _participant_path(friendly_name, uuid, participant_id, "Record", "Pause"),
            ParticipantRecordTrackRequest,
            idempotent=True,
            callback_url=callback_url,
            callback_method=callback_method,
            record_track_type=record_track_type,
            options=options,
        )

    async def resume_participant_recording(
        self,
        participant_id: str | int,
        *,
        uuid: str | None = None,
        friendly_name: str | None = None,
        callback_url: str | None = None,
        callback_method: str | None = None,
        record_track_type: str | None = None,
        **options: Unpack[RequestOptions],
    ) -> MultiPartyCallActionResponse:
        """Resume recording one participant (``POST .../Participant/{pid}/Record/Resume/``)."""
        return await self._action(
            MultiPartyCallActionResponse,
            "POST",
            _participant_path(friendly_name, uuid, participant_id, "Record", "Resume"),
            ParticipantRecordTrackRequest,
            idempotent=True,
            callback_url=callback_url,
            callback_method=callback_method,
            record_track_type=record_track_type,
            options=options,
        )

    # -- audio ------------------------------------------------------------------------------

    async def start_play_audio(
        self,
        participant_id: str | int,
        *,
        url: str,
        uuid: str | None = None,
        friendly_name: str | None = None,
        retry_unsafe: bool = False,
        **options: Unpack[RequestOptions],
    ) -> MultiPartyCallPlayAudioResponse:
        """Play an audio file to a participant (``POST MultiPartyCall/{id}/Member/{pid}/Play/``).

        Raises:
            ValidationError: If ``url`` is missing or not an http(s) URL.
            OutcomeUnknownError: If the request failed ambiguously, so the audio may or may
                not be playing.
        """
        return await self._action(
            MultiPartyCallPlayAudioResponse,
            "POST",
            _participant_path(friendly_name, uuid, participant_id, "Play", area="Member"),
            StartPlayAudioRequest,
            retry_unsafe=retry_unsafe,
            url=url,
            options=options,
        )

    async def stop_play_audio(
        self,
        participant_id: str | int,
        *,
        uuid: str | None = None,
        friendly_name: str | None = None,
        **options: Unpack[RequestOptions],
    ) -> MultiPartyCallActionResponse:
        """Stop the audio playing to a participant (``DELETE .../Member/{pid}/Play/``)."""
        return await self._action(
            MultiPartyCallActionResponse,
            "DELETE",
            _participant_path(friendly_name, uuid, participant_id, "Play", area="Member"),
            options=options,
        )
