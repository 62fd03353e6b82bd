"""The Call API: ``client.calls``.

Method names and arguments follow the official ``plivo`` SDK (``calls.create(from_=...,
to_=..., answer_url=...)``, ``calls.record(...)``, ``calls.send_digits(...)``) so code
ports by adding ``await``. Every method validates its input into a request model first, so
bad input raises :class:`~plivo_async.errors.ValidationError` before anything is sent.

Iterating over every call record: ``async for call in client.calls.iter_all(**filters)``
(or ``async for call in client.calls``, the async twin of the SDK's
``for call in client.calls``) follows the pages for you.

Plivo's *asynchronous request* mode is there wherever the official SDK has it: give
``callback_url`` (and optionally ``callback_method``) to ``create``, ``get``, ``list``,
``get_live``/``list_live``, ``get_queued``/``list_queued``, ``update``, ``play``,
``speak``, ``send_digits``, the ``stop_*`` methods and ``hangup``. The API then only
acknowledges the request (``message`` ``"async api spawned"``, in ``.raw`` for the
lookups, whose typed fields stay empty) and posts the real result to ``callback_url``.
(``record``'s own ``callback_url`` is the recording callback, as in the SDK.)
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any, TypeVar

from .._convert import to_wire
from .._types import split_request_options
from ..correlation import with_mark
from ..models.calls import (
    ActionResponse,
    CallbackRequest,
    CallDetails,
    CallListResponse,
    CreateCallRequest,
    CreateCallResponse,
    ListCallsRequest,
    LiveCall,
    LiveCallIds,
    LiveCallsRequest,
    PlayRequest,
    QueuedCall,
    QueuedCallIds,
    RecordRequest,
    RecordResponse,
    SendDigitsRequest,
    SpeakRequest,
    UpdateCallRequest,
)
from ..reconciliation import Reconciliation, reconcile
from ..validation import check, path_segment
from ._base import api_path, filters_query
from .streams import CallStreams

if TYPE_CHECKING:
    from datetime import datetime

    from typing_extensions import Unpack

    from .._types import RequestObserver, RequestOptions


__all__ = ["Calls"]

R = TypeVar("R")


class Calls(CallStreams):
    """The Call API of one account. Get it as ``client.calls``.

    A :class:`~plivo_async.resources._base.Resource` like every area; its stream methods
    (``start_stream``, ...) are written in ``streams.py`` and inherited from there.

    Each method's ``Raises`` section lists what is specific to it: the input rules checked
    before anything is sent, and the API answers that matter for it. Every method may also
    raise, from the request itself:

    * :class:`~plivo_async.errors.AuthenticationError` (401),
      :class:`~plivo_async.errors.ForbiddenError` (403),
      :class:`~plivo_async.errors.ValidationError` (400: the API refused the input) or
      :class:`~plivo_async.errors.PlivoRestError` (any other error answer). These are
      never retried. (A success whose body is not JSON counts as an ambiguous failure.)
    * :class:`~plivo_async.errors.RateLimitError` (429),
      :class:`~plivo_async.errors.PlivoServerError` (503) or
      :class:`~plivo_async.errors.PlivoConnectionError` (could not connect), once retries
      run out: the API certainly did nothing, so every request retries these.
    * For idempotent requests (every ``GET`` and ``DELETE``), an *ambiguous* failure (a
      timeout, a connection lost after sending, a 5xx other than 503) is retried too, then
      raised as :class:`~plivo_async.errors.PlivoTimeoutError`,
      :class:`~plivo_async.errors.PlivoConnectionError` or
      :class:`~plivo_async.errors.PlivoServerError`.
    * For the others (every ``POST``: placing, transferring, recording, playing, speaking,
      DTMF), an ambiguous failure raises :class:`~plivo_async.errors.OutcomeUnknownError`
      instead, as their sections say.
    """

    # -- placing calls ---------------------------------------------------------------------

    async def create(
        self,
        from_: str,
        to: str | Sequence[str] | None = None,
        answer_url: str | None = None,
        *,
        answer_method: str | None = None,
        ring_url: str | None = None,
        ring_method: str | None = None,
        hangup_url: str | None = None,
        hangup_method: str | None = None,
        fallback_url: str | None = None,
        fallback_method: str | None = None,
        caller_name: str | None = None,
        send_digits: str | None = None,
        send_on_preanswer: bool | None = None,
        time_limit: int | None = None,
        hangup_on_ring: int | None = None,
        machine_detection: str | bool | None = None,
        machine_detection_time: int | None = None,
        machine_detection_url: str | None = None,
        machine_detection_method: str | None = None,
        machine_detection_maximum_speech_length: int | None = None,
        machine_detection_initial_silence: int | None = None,
        machine_detection_maximum_words: int | None = None,
        machine_detection_initial_greeting: int | None = None,
        machine_detection_silence: int | None = None,
        sip_headers: Mapping[str, str | int] | str | None = None,
        ring_timeout: int | None = None,
        parent_call_uuid: str | None = None,
        error_if_parent_not_found: bool | None = None,
        retry_unsafe: bool = False,
        to_: str | Sequence[str] | None = None,
        callback_url: str | None = None,
        callback_method: str | None = None,
        mark: str | None = None,
        observer: RequestObserver | None = None,
        **options: Unpack[RequestOptions],
    ) -> CreateCallResponse:
        """Place an outbound call (``POST Call/``), or several at once.

        Every argument is checked before anything is sent (the rule is given with each
        one below). Arguments left as ``None`` are not sent, so the API applies the default
        given below; for the arguments sent to Plivo, an empty string means the same as
        ``None`` (a blank CSV cell). HTTP methods are ``GET`` or ``POST`` in any case, sent
        upper-case; integers and booleans may also be given as the strings a CSV file holds
        (``"300"``, ``"true"``).

        Placing a call is not idempotent: a request that fails in a way that leaves it
        unknown whether Plivo received it is not sent again, since that could dial the same
        person twice, unless ``retry_unsafe=True``.

        Args:
            from_: Required. The caller ID, a phone number with its country code
                (``14155550100`` or ``+14155550100``): optional ``+``, then 2 to 15 digits,
                no leading 0. Sent as ``from``.
            to: Required (or ``to_``). Who to call: a phone number with its country code,
                or a SIP URI (``sip:john1234@phone.plivo.com``). Several destinations (a
                bulk call, dialled simultaneously) are joined with ``<`` or given as a
                list; ``request_uuid`` is then a list. None of them may be ``from_``.
            answer_url: Required. The http(s) URL Plivo requests when the call is
                answered; it must return the Plivo XML that drives the call.
            answer_method: The HTTP method for ``answer_url``. Default ``POST``.
            ring_url: An http(s) URL Plivo notifies when the call starts ringing.
            ring_method: The HTTP method for ``ring_url``. Default ``POST``.
            hangup_url: An http(s) URL Plivo notifies when the call is hung up.
            hangup_method: The HTTP method for ``hangup_url``. Default ``POST``.
            fallback_url: An http(s) URL Plivo requests when ``answer_url`` fails: after
                three attempts at ``answer_url`` that return no valid XML, or after 60
                seconds, whichever comes first.
            fallback_method: The HTTP method for ``fallback_url``. Default ``POST``.
            caller_name: The caller name shown to the callee: any text of at most 50
                characters. Default: the caller's own caller name.
            send_digits: DTMF digits to send once the call is connected (to dial an
                extension, for example): ``0-9``, ``*``, ``#``, ``w`` to wait 0.5 s and
                ``W`` to wait 1 s (``1w2W3``); an ``@`` and a number of milliseconds at the
                end set each tone's duration (``123@1000``).
            send_on_preanswer: ``True`` sends ``send_digits`` at the pre-answer stage
                instead (only applies when ``send_digits`` is given). Default ``False``.
            time_limit: The longest the call may last, in seconds from when it is
                answered: a positive integer. Default 14400 (4 hours).
            hangup_on_ring: Like ``time_limit``, but counted from when the call starts
                ringing: a positive integer, in seconds.
            machine_detection: Detect an answering machine. ``True`` (or ``"true"``): when
                a machine answers, every URL the call invokes (``answer_url``,
                ``hangup_url``, ...) is sent ``machine=true``. ``"hangup"``: hang up when a
                machine answers and notify ``hangup_url`` with ``machine=true``. ``False``,
                ``"false"`` or ``None``: no detection (nothing is sent).
            machine_detection_time: How long detection may take to decide, in
                milliseconds: an integer from 2000 to 10000. Default 5000.
            machine_detection_url: An http(s) URL Plivo requests with the detection
                result, which makes machine detection asynchronous (the call goes on
                while it runs).
            machine_detection_method: The HTTP method for ``machine_detection_url``.
                Default ``POST``.
            machine_detection_maximum_speech_length: Tunes detection: a word (a stretch
                of speech) longer than this many milliseconds means a machine. An
                integer from 1000 to 6000. Default 5000.
            machine_detection_initial_silence: Tunes detection: the longest silence, in
                milliseconds, awaited after the answer before anything is said; after it
                the result is unknown (no machine reported). An integer from 2000 to
                10000. Default 4500.
            machine_detection_maximum_words: Tunes detection: a greeting of more words
                than this means a machine. An integer from 2 to 10. Default 3.
            machine_detection_initial_greeting: Tunes detection: a greeting longer than
                this many milliseconds means a machine. An integer from 1000 to 5000.
                Default 1500.
            machine_detection_silence: Tunes detection: a silence after the greeting
                longer than this many milliseconds means a person (who said hello and
                waits). An integer from 500 to 5000. Default 800.
            sip_headers: SIP headers to send, as a mapping (``{"head1": "val1"}``, integer
                values allowed) or as the wire form ``"head1=val1,head2=val2"``. Keys and
                values are ASCII letters and digits only. Plivo prefixes each key with
                ``X-PH-`` and passes the headers on every HTTP request it makes for the
                call.
            ring_timeout: How long an unanswered call rings before it is hung up, in
                seconds: a positive integer. Default 120.
            parent_call_uuid: The ``call_uuid`` of the first leg of an ongoing
                conference (a non-empty string): adds the new member with less delay.
            error_if_parent_not_found: ``True``: if ``parent_call_uuid`` is not found, the
                call is not placed and the API answers with an error. ``False``: the call
                is placed anyway, ignoring ``parent_call_uuid``. Default ``False``.
            retry_unsafe: Retry this request even after an ambiguous failure (see above),
                accepting that the call may be placed twice. Default ``False``. Not sent.
            to_: The same as ``to``, as the official SDK spells it; give one of the two.
                Not sent as such.
            callback_url: Plivo's asynchronous request mode: an http(s) URL. The API then
                only acknowledges the request (no ``request_uuid`` in the answer) and
                posts the result, ``request_uuid`` included, to this URL.
            callback_method: The HTTP method for ``callback_url``. Default ``POST``.
            mark: A correlation mark, 1 to 64 of ``A-Z a-z 0-9 _ -``, added as
                ``plivo_async_mark=<mark>`` to the query of each URL given among
                ``answer_url``, ``ring_url``, ``hangup_url``, ``fallback_url`` and
                ``machine_detection_url`` (see :meth:`create_from`), so callbacks,
                :meth:`reconcile` and call tracking can name the call. Not sent as such.
            observer: Hears each attempt of the request (see
                :class:`~plivo_async._types.RequestObserver`): the bulk engine journals
                every attempt before it leaves.
            options: The per-call :class:`~plivo_async.RequestOptions`, as every request
                method takes them: ``timeout`` (for this request only),
                ``extra_headers``, ``extra_query`` and ``extra_body`` (a parameter Plivo
                added before this client knew of it; one of the arguments above is
                refused there).

        Returns:
            The API's answer: ``message`` (``"call fired"`` or ``"call queued"``),
            ``request_uuid`` (a list for several destinations) and ``api_id``.

        Raises:
            ValidationError: If ``from_`` is not a phone number, ``to`` is not one or more
                phone numbers or SIP URIs (or includes ``from_``), ``answer_url`` is missing
                or not an http(s) URL, both ``to`` and ``to_`` are given, a URL already
                carries a mark, or another argument breaks the rule given for it above.
            GeoPermissionError: If calls to the destination country are not enabled on the
                account.
            OutcomeUnknownError: If the request failed ambiguously, so the call may or may
                not have been placed. Raised at once, or when retries run out if
                ``retry_unsafe=True``.
        """
        if to is not None and to_ is not None:
            check("to", False, "give to or to_, not both", to_)
        request = CreateCallRequest(
            from_=from_,
            to=to if to is not None else to_,
            answer_url=answer_url,  # type: ignore[arg-type]  # None: "is required"
            answer_method=answer_method,
            ring_url=ring_url,
            ring_method=ring_method,
            hangup_url=hangup_url,
            hangup_method=hangup_method,
            fallback_url=fallback_url,
            fallback_method=fallback_method,
            caller_name=caller_name,
            send_digits=send_digits,
            send_on_preanswer=send_on_preanswer,
            time_limit=time_limit,
            hangup_on_ring=hangup_on_ring,
            machine_detection=machine_detection,
            machine_detection_time=machine_detection_time,
            machine_detection_url=machine_detection_url,
            machine_detection_method=machine_detection_method,
            machine_detection_maximum_speech_length=machine_detection_maximum_speech_length,
            machine_detection_initial_silence=machine_detection_initial_silence,
            machine_detection_maximum_words=machine_detection_maximum_words,
            machine_detection_initial_greeting=machine_detection_initial_greeting,
            machine_detection_silence=machine_detection_silence,
            sip_headers=sip_headers,
            ring_timeout=ring_timeout,
            parent_call_uuid=parent_call_uuid,
            error_if_parent_not_found=error_if_parent_not_found,
            callback_url=callback_url,
            callback_method=callback_method,
        )
        return await self.create_from(
            request, retry_unsafe=retry_unsafe, mark=mark, observer=observer, **options
        )

    async def create_from(
        self,
        request: CreateCallRequest,
        *,
        retry_unsafe: bool = False,
        mark: str | None = None,
        observer: RequestObserver | None = None,
        **options: Unpack[RequestOptions],
    ) -> CreateCallResponse:
        """Place the call(s) described by a prebuilt, already validated request model.

        Counts ``request.calls`` (one per destination) against ``calls_per_second``.
        ``mark`` (see :mod:`plivo_async.correlation`) is added to the callback URLs as
        ``plivo_async_mark=<mark>``, so callbacks and :meth:`reconcile` can name the call
        even when this request fails ambiguously. ``observer`` hears each attempt.

        Raises:
            GeoPermissionError: If calls to the destination country are not enabled on the
                account.
            OutcomeUnknownError: If the request failed ambiguously, so the call may or may
                not have been placed. Raised at once, or when retries run out if
                ``retry_unsafe=True``.
        """
        if mark is not None:
            request = with_mark(request, mark)
        return await self._post(
            "Call/",
            cast_to=CreateCallResponse,
            body=request,
            calls=request.calls,
            retry_unsafe=retry_unsafe,
            # A 2xx without request_uuid is no proof of a call: ambiguous. In Plivo's
            # asynchronous mode (callback_url) the answer is an acknowledgement without
            # one, and the request_uuid goes to the callback: any JSON object then.
            expect="request_uuid" if request.callback_url is None else "",
            observer=observer,
            options=options,
        )

    async def reconcile(
        self,
        request: CreateCallRequest,
        *,
        sent_at: datetime,
        mark: str | None = None,
        **options: Any,
    ) -> Reconciliation:
        """After an ambiguous create (:class:`~plivo_async.errors.OutcomeUnknownError`),
        ask the API whether the call exists: ``found``, ``not_placed`` or ``unknown``.

        ``sent_at`` is when the create was sent; ``mark`` the one it carried. ``options``
        are those of :func:`plivo_async.reconciliation.reconcile` (``lag``, ``wait``,
        ``exclude``, ``marks``, ``clock``, ``sleep``, ``skew``). The lookups go through
        this client's limits and retries.
        """
        return await reconcile(
            self.with_raw_response, request, sent_at=sent_at, mark=mark, **options
        )

    async def cancel(self, request_uuid: str, **options: Unpack[RequestOptions]) -> ActionResponse:
        """Cancel a call that was requested but not answered yet (``DELETE Request/{id}/``).

        Raises:
            ValidationError: If ``request_uuid`` is empty, ``.`` or ``..``, or holds a
                control character or a lone surrogate (anything else is percent-encoded
                into one path segment).
            ResourceNotFoundError: If no pending request has that uuid (unknown, answered
                already, or cancelled already).
        """
        request_uuid = path_segment("request_uuid", request_uuid)
        return await self._delete(
            api_path("Request", request_uuid), cast_to=ActionResponse, options=options
        )

    # -- call records ----------------------------------------------------------------------

    async def get(
        self,
        call_uuid: str,
        *,
        callback_url: str | None = None,
        callback_method: str | None = None,
        **options: Unpack[RequestOptions],
    ) -> CallDetails:
        """The detail record of one completed call (``GET Call/{uuid}/``).

        Raises:
            ValidationError: If ``call_uuid`` is empty, ``.`` or ``..``, or holds a control
                character or a lone surrogate (anything else is percent-encoded into one
                path segment).
            ResourceNotFoundError: If no call record has that uuid.
        """
        call_uuid = path_segment("call_uuid", call_uuid)
        query = _callback(callback_url, callback_method)
        return await self._get(
            api_path("Call", call_uuid), cast_to=CallDetails, query=query, options=options
        )

    async def list(self, **filters: Any) -> CallListResponse:
        """One page of completed calls (``GET Call/``).

        Filters, as in the API and the official SDK: ``subaccount``, ``call_direction``
        (inbound/outbound), ``from_number``, ``to_number`` (a number or a prefix),
        ``parent_call_uuid``, ``bill_duration`` and its ``__gt``/``__gte``/``__lt``/``__lte``
        forms, ``end_time`` and its four forms (``YYYY-MM-DD HH:MM[:SS[.ffffff]]`` in UTC,
        or a ``datetime``), ``hangup_cause_code``, ``hangup_source``,
        ``stir_verification`` (the STIR/SHAKEN attestation: ``"Verified"``, ``"Not
        Verified"`` or ``"Not Applicable"``, any case), ``limit`` (1..20), ``offset`` and
        ``cursor``.

        Raises:
            ValidationError: If a filter is unknown or breaks its rule (``limit`` outside
                1..20, a malformed ``end_time``, ...).
        """
        options, filters = split_request_options(filters)
        query = filters_query(ListCallsRequest, filters)
        return await self._get("Call/", cast_to=CallListResponse, query=query, options=options)

    async def iter_all(self, **filters: Any) -> AsyncIterator[CallDetails]:
        """Every completed call matching ``filters``, following the pages.

        Takes the filters of :meth:`list` (``limit`` sets the page size, default 20;
        ``offset`` the starting point). Follows ``meta.next`` (offset or cursor, whichever
        the API hands back); stops on the last page, on an empty page, or if the API
        returns the page it was just asked for again.

        Raises:
            ValidationError: When iteration starts, if a filter is unknown or breaks its
                rule (as for :meth:`list`).
            PlivoError: While iterating, whatever a page's request raises (see the class
                docstring); the calls already yielded stand.
        """
        options, filters = split_request_options(filters)
        check("callback_url", "callback_url" not in filters, "cannot follow pages", filters)
        query = filters_query(ListCallsRequest, filters)
        async for call in self._paginate(
            "Call/", page=CallListResponse, query=query, options=options
        ):
            yield call

    def __aiter__(self) -> AsyncIterator[CallDetails]:
        """``async for call in client.calls``: every call of the default search window.

        Raises:
            PlivoError: While iterating, whatever a page's request raises, as for
                :meth:`iter_all`.
        """
        return self.iter_all()

    # -- live and queued calls -------------------------------------------------------------

    async def get_live(
        self,
        call_uuid: str,
        *,
        callback_url: str | None = None,
        callback_method: str | None = None,
        **options: Unpack[RequestOptions],
    ) -> LiveCall:
        """A call in progress (``GET Call/{uuid}/?status=live``).

        Raises:
            ValidationError: If ``call_uuid`` is empty, ``.`` or ``..``, or holds a control
                character or a lone surrogate (anything else is percent-encoded into one
                path segment).
            ResourceNotFoundError: If no call in progress has that uuid.
        """
        call_uuid = path_segment("call_uuid", call_uuid)
        query = {**_callback(callback_url, callback_method), "status": "live"}
        return await self._get(
            api_path("Call", call_uuid), cast_to=LiveCall, query=query, options=options
        )

    async def list_live(
        self,
        *,
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

        Raises:
            ValidationError: If ``call_direction`` is not inbound or outbound, a number
                filter is not a number or its prefix, ``limit`` is outside 1..20 or
                ``offset`` is negative.
        """
        request = LiveCallsRequest(
            call_direction=call_direction,
            from_number=from_number,
            to_number=to_number,
            limit=limit,
            offset=offset,
            callback_url=callback_url,
            callback_method=callback_method,
        )
        query = {**to_wire(request), "status": "live"}
        return await self._get("Call/", cast_to=LiveCallIds, query=query, options=options)

    async def get_queued(
        self,
        call_uuid: str,
        *,
        callback_url: str | None = None,
        callback_method: str | None = None,
        **options: Unpack[RequestOptions],
    ) -> QueuedCall:
        """A call waiting in Plivo's queue (``GET Call/{uuid}/?status=queued``).

        Raises:
            ValidationError: If ``call_uuid`` is empty, ``.`` or ``..``, or holds a control
                character or a lone surrogate (anything else is percent-encoded into one
                path segment).
            ResourceNotFoundError: If no queued call has that uuid.
        """
        call_uuid = path_segment("call_uuid", call_uuid)
        query = {**_callback(callback_url, callback_method), "status": "queued"}
        return await self._get(
            api_path("Call", call_uuid), cast_to=QueuedCall, query=query, options=options
        )

    async def list_queued(
        self,
        *,
        limit: int | None = None,
        offset: int | None = None,
        callback_url: str | None = None,
        callback_method: str | None = None,
        **options: Unpack[RequestOptions],
    ) -> QueuedCallIds:
        """The uuids of the queued calls (``GET Call/?status=queued``).

        Raises:
            ValidationError: If ``limit`` is outside 1..20 or ``offset`` is negative.
        """
        request = LiveCallsRequest(
            limit=limit, offset=offset, callback_url=callback_url, callback_method=callback_method
        )
        query = {**to_wire(request), "status": "queued"}
        return await self._get("Call/", cast_to=QueuedCallIds, query=query, options=options)

    # The official SDK's names for the same lookups.
    live_call_get = get_live
    queued_call_get = get_queued

    async def live_call_list_ids(
        self, limit: int | None = None, offset: int | None = None, **options: Unpack[RequestOptions]
    ) -> LiveCallIds:
        """Alias of :meth:`list_live` with the official SDK's positional arguments.

        Raises:
            ValidationError: If ``limit`` is outside 1..20 or ``offset`` is negative.
        """
        return await self.list_live(limit=limit, offset=offset, **options)

    async def queued_call_list_ids(
        self, limit: int | None = None, offset: int | None = None, **options: Unpack[RequestOptions]
    ) -> QueuedCallIds:
        """Alias of :meth:`list_queued` with the official SDK's positional arguments.

        Raises:
            ValidationError: If ``limit`` is outside 1..20 or ``offset`` is negative.
        """
        return await self.list_queued(limit=limit, offset=offset, **options)

    # -- acting on a call in progress ------------------------------------------------------

    async def update(
        self,
        call_uuid: str,
        *,
        legs: str | None = None,
        aleg_url: str | None = None,
        aleg_method: str | None = None,
        bleg_url: str | None = None,
        bleg_method: str | None = None,
        retry_unsafe: bool = False,
        callback_url: str | None = None,
        callback_method: str | None = None,
        **options: Unpack[RequestOptions],
    ) -> ActionResponse:
        """Transfer a call in progress to new XML (``POST Call/{uuid}/``).

        ``legs`` is ``aleg``, ``bleg`` or ``both``; the matching ``aleg_url`` /
        ``bleg_url`` is then required.

        Raises:
            ValidationError: If ``call_uuid`` is not path-safe (as for :meth:`get`),
                ``legs`` is missing or not aleg/bleg/both, the URL that ``legs`` needs is
                missing, or a URL or method is invalid.
            ResourceNotFoundError: If no call in progress has that uuid.
            OutcomeUnknownError: If the request failed ambiguously, so the call may or may
                not have been transferred. Raised at once, or when retries run out if
                ``retry_unsafe=True``.
        """
        call_uuid = path_segment("call_uuid", call_uuid)
        request = UpdateCallRequest(
            legs=legs,
            aleg_url=aleg_url,
            aleg_method=aleg_method,
            bleg_url=bleg_url,
            bleg_method=bleg_method,
            callback_url=callback_url,
            callback_method=callback_method,
        )
        return await self._action(
            call_uuid, None, request, ActionResponse, retry_unsafe, options=options
        )

    transfer = update

    async def hangup(
        self,
        call_uuid: str,
        *,
        callback_url: str | None = None,
        callback_method: str | None = None,
        **options: Unpack[RequestOptions],
    ) -> ActionResponse:
        """Hang up a call in progress (``DELETE Call/{uuid}/``).

        Raises:
            ValidationError: If ``call_uuid`` is empty, ``.`` or ``..``, or holds a control
                character or a lone surrogate (anything else is percent-encoded into one
                path segment).
            ResourceNotFoundError: If no call in progress has that uuid (it may have ended
                already).
        """
        return await self._stop(call_uuid, None, callback_url, callback_method, options=options)

    delete = hangup

    async def record(
        self,
        call_uuid: str,
        *,
        time_limit: int | None = None,
        file_format: str | None = None,
        transcription_type: str | None = None,
        transcription_url: str | None = None,
        transcription_method: str | None = None,
        transcription_report_type: str | None = None,
        callback_url: str | None = None,
        callback_method: str | None = None,
        record_channel_type: str | None = None,
        retry_unsafe: bool = False,
        **options: Unpack[RequestOptions],
    ) -> RecordResponse:
        """Start recording a call (``POST Call/{uuid}/Record/``).

        Raises:
            ValidationError: If ``call_uuid`` is not path-safe (as for :meth:`get`),
                ``time_limit`` is not a positive integer, ``file_format`` is not mp3 or wav,
                ``transcription_report_type`` is not text, or another argument breaks its rule.
            ResourceNotFoundError: If no call in progress has that uuid.
            OutcomeUnknownError: If the request failed ambiguously, so recording may or may
                not have started. Raised at once, or when retries run out if
                ``retry_unsafe=True``.
        """
        call_uuid = path_segment("call_uuid", call_uuid)
        request = RecordRequest(
            time_limit=time_limit,
            file_format=file_format,
            transcription_type=transcription_type,
            transcription_url=transcription_url,
            transcription_method=transcription_method,
            transcription_report_type=transcription_report_type,
            callback_url=callback_url,
            callback_method=callback_method,
            record_channel_type=record_channel_type,
        )
        return await self._action(
            call_uuid, "Record", request, RecordResponse, retry_unsafe, options=options
        )

    start_recording = record

    async def stop_recording(
        self,
        call_uuid: str,
        *,
        callback_url: str | None = None,
        callback_method: str | None = None,
        **options: Unpack[RequestOptions],
    ) -> ActionResponse:
        """Stop every recording of a call (``DELETE Call/{uuid}/Record/``).

        Raises:
            ValidationError: If ``call_uuid`` is empty, ``.`` or ``..``, or holds a control
                character or a lone surrogate (anything else is percent-encoded into one
                path segment).
            ResourceNotFoundError: If no call in progress has that uuid.
        """
        return await self._stop(call_uuid, "Record", callback_url, callback_method, options=options)

    record_stop = stop_recording

    async def play(
        self,
        call_uuid: str,
        urls: str | Sequence[str],
        *,
        length: int | None = None,
        legs: str | None = None,
        loop: bool | None = None,
        mix: bool | None = None,
        retry_unsafe: bool = False,
        callback_url: str | None = None,
        callback_method: str | None = None,
        **options: Unpack[RequestOptions],
    ) -> ActionResponse:
        """Play audio (one URL, or several as a list) on a call (``POST Call/{uuid}/Play/``).

        Raises:
            ValidationError: If ``call_uuid`` is not path-safe (as for :meth:`get`),
                ``urls`` is missing or not http(s) URLs, ``legs`` is not aleg/bleg/both, or
                another argument breaks its rule.
            ResourceNotFoundError: If no call in progress has that uuid.
            OutcomeUnknownError: If the request failed ambiguously, so the audio may or may
                not be playing. Raised at once, or when retries run out if
                ``retry_unsafe=True``.
        """
        call_uuid = path_segment("call_uuid", call_uuid)
        request = PlayRequest(
            urls=urls,
            length=length,
            legs=legs,
            loop=loop,
            mix=mix,
            callback_url=callback_url,
            callback_method=callback_method,
        )
        return await self._action(
            call_uuid, "Play", request, ActionResponse, retry_unsafe, options=options
        )

    start_playing = play

    async def stop_playing(
        self,
        call_uuid: str,
        *,
        callback_url: str | None = None,
        callback_method: str | None = None,
        **options: Unpack[RequestOptions],
    ) -> ActionResponse:
        """Stop playing audio on a call (``DELETE Call/{uuid}/Play/``).

        Raises:
            ValidationError: If ``call_uuid`` is empty, ``.`` or ``..``, or holds a control
                character or a lone surrogate (anything else is percent-encoded into one
                path segment).
            ResourceNotFoundError: If no call in progress has that uuid.
        """
        return await self._stop(call_uuid, "Play", callback_url, callback_method, options=options)

    play_stop = stop_playing

    async def speak(
        self,
        call_uuid: str,
        text: str,
        *,
        voice: str | None = None,
        language: str | None = None,
        legs: str | None = None,
        loop: bool | None = None,
        mix: bool | None = None,
        type: str | None = None,
        retry_unsafe: bool = False,
        callback_url: str | None = None,
        callback_method: str | None = None,
        **options: Unpack[RequestOptions],
    ) -> ActionResponse:
        """Speak text on a call (``POST Call/{uuid}/Speak/``).

        Raises:
            ValidationError: If ``call_uuid`` is not path-safe (as for :meth:`get`),
                ``text`` is empty, ``type`` is not text or ssml, ``legs`` is not
                aleg/bleg/both, or another argument breaks its rule.
            ResourceNotFoundError: If no call in progress has that uuid.
            OutcomeUnknownError: If the request failed ambiguously, so the text may or may
                not be spoken. Raised at once, or when retries run out if
                ``retry_unsafe=True``.
        """
        call_uuid = path_segment("call_uuid", call_uuid)
        request = SpeakRequest(
            text=text,
            voice=voice,
            language=language,
            legs=legs,
            loop=loop,
            mix=mix,
            type=type,
            callback_url=callback_url,
            callback_method=callback_method,
        )
        return await self._action(
            call_uuid, "Speak", request, ActionResponse, retry_unsafe, options=options
        )

    start_speaking = speak

    async def stop_speaking(
        self,
        call_uuid: str,
        *,
        callback_url: str | None = None,
        callback_method: str | None = None,
        **options: Unpack[RequestOptions],
    ) -> ActionResponse:
        """Stop speaking text on a call (``DELETE Call/{uuid}/Speak/``).

        Raises:
            ValidationError: If ``call_uuid`` is empty, ``.`` or ``..``, or holds a control
                character or a lone surrogate (anything else is percent-encoded into one
                path segment).
            ResourceNotFoundError: If no call in progress has that uuid.
        """
        return await self._stop(call_uuid, "Speak", callback_url, callback_method, options=options)

    speak_stop = stop_speaking

    async def send_digits(
        self,
        call_uuid: str,
        digits: str,
        *,
        leg: str | None = None,
        retry_unsafe: bool = False,
        callback_url: str | None = None,
        callback_method: str | None = None,
        **options: Unpack[RequestOptions],
    ) -> ActionResponse:
        """Send DTMF digits on a call (``POST Call/{uuid}/DTMF/``); ``leg`` aleg or bleg.

        Raises:
            ValidationError: If ``call_uuid`` is not path-safe (as for :meth:`get`),
                ``digits`` holds anything but ``0-9*#wW`` (then an optional ``@<ms>``), or
                ``leg`` is not aleg or bleg.
            ResourceNotFoundError: If no call in progress has that uuid.
            OutcomeUnknownError: If the request failed ambiguously, so the digits may or may
                not have been sent. Raised at once, or when retries run out if
                ``retry_unsafe=True``.
        """
        call_uuid = path_segment("call_uuid", call_uuid)
        request = SendDigitsRequest(
            digits=digits, leg=leg, callback_url=callback_url, callback_method=callback_method
        )
        return await self._action(
            call_uuid, "DTMF", request, ActionResponse, retry_unsafe, options=options
        )

    async def _action(
        self,
        call_uuid: str,
        action: str | None,
        request: Any,
        response: type[R],
        retry_unsafe: bool,
        options: RequestOptions | None = None,
    ) -> R:
        """POST an in-call action. Not idempotent (digits sent twice are wrong digits).

        ``call_uuid`` is already encoded (:func:`path_segment`): callers check it first, so
        a bad id is reported before the action's own arguments, and encoded only once.
        """
        return await self._post(
            _call_path(call_uuid, action),
            cast_to=response,
            body=request,
            retry_unsafe=retry_unsafe,
            options=options,
        )

    async def _stop(
        self,
        call_uuid: str,
        action: str | None,
        callback_url: str | None,
        callback_method: str | None,
        options: RequestOptions | None = None,
    ) -> ActionResponse:
        """DELETE the call (``action`` None) or one of its actions (``Record``, ...)."""
        call_uuid = path_segment("call_uuid", call_uuid)
        body = _callback(callback_url, callback_method) or None  # JSON, as the SDK sends it
        return await self._delete(
            _call_path(call_uuid, action), cast_to=ActionResponse, body=body, options=options
        )


def _call_path(call_uuid: str, action: str | None) -> str:
    """``Call/{uuid}/`` or ``Call/{uuid}/{action}/``; ``call_uuid`` is encoded already."""
    return api_path("Call", call_uuid) if action is None else api_path("Call", call_uuid, action)


def _callback(callback_url: str | None, callback_method: str | None) -> dict[str, Any]:
    """The validated asynchronous-request fields, ``{}`` when neither is given."""
    return to_wire(CallbackRequest(callback_url=callback_url, callback_method=callback_method))
