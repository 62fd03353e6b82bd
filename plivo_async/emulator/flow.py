"""Run Plivo XML call flows on the emulator's clock, so a whole IVR is tested locally.

With ``Emulator(flows=True)``, every call placed through the API is followed by a
:class:`FlowRunner` task. When the call is answered (per the destination's
:class:`~plivo_async.emulator.scripts.Script`: a person or a machine answers; a busy line
or a ring-out never reaches the document), the emulator requests ``answer_url`` (with
``answer_method``, signed like Plivo, loopback only), parses the answer with
:func:`plivo_async.xml.parse` and runs it:

- ``Speak``, ``Play``, ``Wait``, ``DTMF`` take time on the emulator's clock
  (:class:`Timing`); a callee who hangs up (the call's lifecycle ``talk_s``) ends the flow.
- ``GetDigits`` / ``GetInput`` play their prompts, take the next input of the script
  (digits, speech or silence; ``retries``, ``numDigits``, ``finishOnKey``, ``validDigits``
  apply) and post it to ``action``; with ``redirect`` (the default) its answer is the next
  document. No input: the flow goes on with the next element.
- ``Dial`` places one B-leg per ``Number``/``User`` (recorded like every call, counted
  against the CPS queue, scripted per destination); the first to answer within
  ``timeout`` is bridged until one side hangs up (or ``timeLimit``), the others are
  cancelled; ``action`` gets ``DialStatus`` and the B-leg's uuid.
- ``Record`` takes ``Timing.record_s`` (capped by ``maxLength``) and posts the recording
  to ``action`` and ``callbackUrl``.
- ``Redirect`` fetches the next document; ``Hangup`` ends the call (``schedule``: later).
- ``Conference`` / ``MultiPartyCall`` record the join; the caller stays until the call ends.
- An unreachable ``answer_url`` (connection error, non-2xx) or an invalid document: the
  same request goes to ``fallback_url`` if given, else (or if that fails too) the call is
  hung up with source ``Error``. The end of the document hangs up with
  ``End Of XML Instructions``.
- A machine answering (script ``answer="machine"``) a call placed with
  ``machine_detection``: ``machine_detection_url`` gets ``Machine=true``; with
  ``machine_detection=hangup`` the call ends there ("Machine Detected").

Every step is a :class:`FlowStep` in ``runner.steps``; ``runner.path(to)`` is the list of
step kinds of the calls to one destination, for assertions.

Not modelled (recorded as a step and skipped, or ignored): audio content (a ``Play`` takes
``Timing.play_s`` whatever the file), ``Message`` (no SMS is sent), ``Stream`` (no
WebSocket is opened), ``PreAnswer`` runs at answer time, ``Dial`` confirm keys, dial music
and ``digitsMatch``, ``Record``'s ``recordSession`` (recorded, takes no time), machine
detection timing (a machine is detected as it answers, before the document is fetched),
transcription, conference and MPC membership through their APIs.
"""

from __future__ import annotations

import contextlib
import logging
import math
import random
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, Protocol

from plivo_async.errors import ValidationError
from plivo_async.xml import (
    DTMF,
    Conference,
    Dial,
    Element,
    GetDigits,
    GetInput,
    Hangup,
    Message,
    MultiPartyCall,
    Play,
    PreAnswer,
    Record,
    Redirect,
    Response,
    Speak,
    Stream,
    Wait,
    parse,
)

from .callbacks import CallbackSender
from .history import CallSource, RequestEntry
from .outbound import Outbound
from .scripts import Digits, Input, Script, Scripts, Speech
from .state import CallState

__all__ = ["CallHost", "FlowRunner", "FlowStep", "Timing"]

log = logging.getLogger("plivo_async.emulator")

Sleep = Callable[[float], Awaitable[None]]

END_OF_XML = "End Of XML Instructions"
ANSWER_XML = "Answer XML"


@dataclass(frozen=True, slots=True)
class Timing:
    """How long things take on the emulator's clock (seconds)."""

    speak_char_s: float = 0.06
    """Per character of text spoken (at least ``0.5`` s per ``Speak``)."""
    play_s: float = 3.0
    """One play of an audio file."""
    dtmf_digit_s: float = 0.1
    input_s: float = 1.0
    """Time the callee takes to press keys or speak."""
    record_s: float = 5.0
    """How long the callee speaks into a ``Record`` (capped by ``maxLength``)."""


@dataclass(frozen=True, slots=True)
class FlowStep:
    """One thing that happened in a call flow."""

    call_uuid: str
    to: str
    time: float
    kind: str
    """An element tag (``"GetDigits"``), a request (``"answer"``, ``"fallback"``,
    ``"action"``, ``"redirect"``, ``"callback"``), ``"bridge"`` or ``"hangup"``."""
    detail: dict[str, Any] = field(default_factory=dict)


class _CallOver(Exception):
    """The callee hung up (or the call was ended) while the flow was running."""


class _Hangup(Exception):
    """The document hung up (``<Hangup>``)."""


class _FetchFailed(Exception):
    pass


def _spoken(element: Element) -> str:
    parts = [element.text]
    for part in element.body:
        parts.append(part if isinstance(part, str) else _spoken(part))
    return "".join(parts)


class CallHost(Protocol):
    """What a call flow needs from the emulator (its ``EmulatorCore``): the clock and ids,
    the destinations' scripts, placing and ending calls, and the callbacks to wake."""

    scripts: Scripts

    @property
    def clock(self) -> Callable[[], float]: ...

    @property
    def sleep(self) -> Sleep: ...

    @property
    def callbacks(self) -> CallbackSender | None: ...

    def new_id(self) -> str: ...

    def place(
        self,
        rec: RequestEntry,
        *,
        from_: str,
        to: str,
        source: CallSource,
        params: dict[str, Any],
        mpc: tuple[str, str, str] | None = None,
    ) -> CallState: ...

    def hang_up(self, call: CallState, *, source: str = ..., cause: str = ...) -> None: ...


class FlowRunner:
    """Follows answered calls through their Plivo XML; ``steps`` records every step."""

    def __init__(
        self,
        core: CallHost,
        *,
        auth_token: str,
        scripts: Scripts | None = None,
        timing: Timing | None = None,
        seed: int | None = None,
        timeout: float = 10.0,
    ) -> None:
        self._core = core
        if scripts is not None:
            core.scripts = scripts
        self.timing = timing or Timing()
        self.steps: list[FlowStep] = []
        rng = random.Random(f"flows-{seed}") if seed is not None else random.Random()
        self._out = Outbound(auth_token=auth_token, rng=rng, timeout=timeout)

    @property
    def scripts(self) -> Scripts:
        """The destinations' scripts: the emulator's own (``emu.scripts``), shared."""
        return self._core.scripts

    @scripts.setter
    def scripts(self, scripts: Scripts) -> None:
        self._core.scripts = scripts

    # -- inspection ----------------------------------------------------------------------

    def path(self, to: str) -> list[str]:
        """Step kinds of every call to ``to``, in order (``["answer", "GetDigits", ...]``)."""
        return [step.kind for step in self.steps if step.to == to]

    def steps_of(self, call_uuid: str) -> list[FlowStep]:
        return [step for step in self.steps if step.call_uuid == call_uuid]

    # -- lifecycle -----------------------------------------------------------------------

    def start(self, call: CallState, rec: RequestEntry) -> None:
        """Follow ``call`` (already shaped by its destination's script) once answered."""
        script = self.scripts[call.to]
        call.flow = True  # the flow requests answer_url, not the callbacks
        if call.answer_at > call.end_at:  # busy, rings out (or cut short before answer)
            self._step(call, "hangup", cause=call.no_answer_status, source="Callee")
            return
        self._out.spawn(self._run(call, rec, script))

    async def drain(self) -> None:
        """Wait until every flow started so far has finished."""
        await self._out.drain()

    async def close(self) -> None:
        """Cancel the flows still running and close the session."""
        await self._out.close()

    def reset(self) -> None:
        self.steps.clear()

    # -- the flow ------------------------------------------------------------------------

    async def _run(self, call: CallState, rec: RequestEntry, script: Script) -> None:
        inputs = script.play()
        try:
            await self._until(call, call.answer_at)
            if call.machine:
                await self._machine(call)
            document = await self._answer(call)
            if document is None:
                return
            while document is not None:
                document = await self._document(call, rec, document, inputs)
            self._end(call, END_OF_XML, "Plivo")
        except _Hangup:
            pass
        except _CallOver:
            self._step(call, "hangup", cause=call.hangup_cause, source=call.hangup_source)
        except Exception:  # never let a flow crash the emulator's loop silently
            log.exception("call flow of %s failed", call.uuid)
            self._end(call, "Emulator Error", "Error")

    async def _answer(self, call: CallState) -> Response | None:
        params = {**self._params(call), "Event": "StartApp"}
        p = call.params
        targets = [("answer", p.get("answer_url"), p.get("answer_method") or "POST")]
        if p.get("fallback_url"):
            targets.append(("fallback", p["fallback_url"], p.get("fallback_method") or "POST"))
        cause = "Answer URL Unreachable"
        for kind, url, method in targets:
            try:
                return await self._fetch(call, kind, url, method, params)
            except _FetchFailed as exc:
                cause = str(exc)
        self._end(call, cause, "Error")
        return None

    async def _machine(self, call: CallState) -> None:
        """A machine answered: tell ``machine_detection_url``; ``hangup`` mode ends the call."""
        mode = call.params.get("machine_detection")
        self._step(call, "machine", detection=mode)
        if mode is None:
            return  # nobody asked: the document plays to the machine
        url = call.params.get("machine_detection_url")
        if url:
            params = {"Event": "MachineDetection", "Machine": "true"}
            method = call.params.get("machine_detection_method")
            with contextlib.suppress(_FetchFailed):
                await self._request(call, "machine_detection", url, method, params)
        if mode == "hangup":
            self._end(call, "Machine Detected", "Plivo")
            raise _Hangup

    async def _document(
        self, call: CallState, rec: RequestEntry, document: Response, inputs: Iterator[Input]
    ) -> Response | None:
        """Run ``document``; the next document (action, Redirect) or None when it ends."""
        for element in document.children:
            following = await self._element(call, rec, element, inputs)
            if following is not None:
                return following
        return None

    async def _element(
        self, call: CallState, rec: RequestEntry, element: Element, inputs: Iterator[Input]
    ) -> Response | None:
        if isinstance(element, (Speak, Play, Wait, DTMF)):
            await self._media(call, element)
        elif isinstance(element, GetDigits):
            return await self._get_digits(call, element, inputs)
        elif isinstance(element, GetInput):
            return await self._get_input(call, element, inputs)
        elif isinstance(element, Dial):
            return await self._dial(call, rec, element)
        elif isinstance(element, Record):
            return await self._record(call, element)
        elif isinstance(element, Redirect):
            self._step(call, "Redirect", url=element.content)
            return await self._follow(call, "redirect", element.content, element.method, {})
        elif isinstance(element, Hangup):
            self._hangup(call, element)
        elif isinstance(element, (Conference, MultiPartyCall)):
            self._step(call, element.TAG, room=element.content)
            await self._until(call, math.inf)  # in the room until the call ends
        elif isinstance(element, PreAnswer):
            self._step(call, "PreAnswer")
            for child in element.children:
                following = await self._element(call, rec, child, inputs)
                if following is not None:
                    return following
        elif isinstance(element, Stream):
            self._step(call, "Stream", url=element.content, modelled=False)
            if element.keep_call_alive:
                await self._until(call, math.inf)
        elif isinstance(element, Message):
            self._step(call, "Message", dst=element.dst, modelled=False)
        return None

    async def _media(self, call: CallState, element: Speak | Play | Wait | DTMF) -> None:
        t = self.timing
        if isinstance(element, Speak):
            seconds = max(0.5, len(_spoken(element)) * t.speak_char_s) * (element.loop or 1)
            self._step(call, "Speak", text=_spoken(element))
        elif isinstance(element, Play):
            seconds = t.play_s * (element.loop or 1)
            self._step(call, "Play", url=element.content)
        elif isinstance(element, Wait):
            seconds = float(element.length or 1)
            self._step(call, "Wait", length=seconds)
        else:
            seconds = 0.0 if element.async_ else len(element.content) * t.dtmf_digit_s
            self._step(call, "DTMF", digits=element.content)
        if isinstance(element, (Speak, Play)) and element.loop == 0:
            seconds = math.inf  # loop="0": until the call moves on, i.e. ends
        await self._spend(call, seconds)

    async def _prompts(self, call: CallState, element: GetDigits | GetInput) -> None:
        for child in element.children:
            if isinstance(child, (Speak, Play, Wait)):
                await self._media(call, child)

    async def _get_digits(
        self, call: CallState, element: GetDigits, inputs: Iterator[Input]
    ) -> Response | None:
        for attempt in range(max(element.retries or 1, 1)):
            self._step(call, "GetDigits", attempt=attempt + 1)
            await self._prompts(call, element)
            given = next(inputs)
            if not isinstance(given, Digits):
                await self._spend(call, float(element.timeout or 5))
                self._step(call, "input", heard=None)
                continue
            await self._spend(call, self.timing.input_s)
            digits = _entered(given.value, element.finish_on_key, element.num_digits)
            valid = element.valid_digits or "0123456789*#"
            if not digits or any(d not in valid for d in digits):
                self._step(call, "input", digits=digits, valid=False)
                continue
            self._step(call, "input", digits=digits)
            if element.action is None:
                return None
            return await self._post(
                call, element.action, element.method, element.redirect, {"Digits": digits}
            )
        return None

    async def _get_input(
        self, call: CallState, element: GetInput, inputs: Iterator[Input]
    ) -> Response | None:
        self._step(call, "GetInput")
        await self._prompts(call, element)
        given = next(inputs)
        kinds = (element.input_type or "dtmf speech").split()
        params: dict[str, str]
        if isinstance(given, Digits) and "dtmf" in kinds:
            digits = _entered(given.value, element.finish_on_key, element.num_digits)
            params = {"InputType": "dtmf", "Digits": digits}
        elif isinstance(given, Speech) and "speech" in kinds:
            params = {
                "InputType": "speech",
                "Speech": given.text,
                "SpeechConfidenceScore": f"{given.confidence:.2f}",
            }
        else:
            await self._spend(call, float(element.execution_timeout or 15))
            self._step(call, "input", heard=None)
            return None
        await self._spend(call, self.timing.input_s)
        self._step(call, "input", **{k.lower(): v for k, v in params.items()})
        if element.action is None:
            return None
        return await self._post(call, element.action, element.method, element.redirect, params)

    async def _dial(self, call: CallState, rec: RequestEntry, element: Dial) -> Response | None:
        core = self._core
        started = core.clock()
        legs: list[CallState] = []
        for target in element.children:
            number = str(getattr(target, "content", ""))
            leg = core.place(
                rec,
                from_=element.caller_id or call.from_,
                to=number,
                source="dial",
                params={"parent_call_uuid": call.uuid},
            )
            legs.append(leg)
        self._step(call, "Dial", numbers=[leg.to for leg in legs])
        deadline = started + (element.timeout or 30)
        answering = [leg for leg in legs if leg.answer_at <= min(deadline, leg.end_at)]
        winner = min(answering, key=lambda leg: leg.answer_at, default=None)
        try:
            await self._until(call, winner.answer_at if winner else deadline)
        except _CallOver:
            for leg in legs:
                core.hang_up(leg)
            raise
        for leg in legs:
            if leg is not winner and not leg.is_over(core.clock()):
                core.hang_up(leg)
        if winner is None:
            busy = any(leg.no_answer_status == "busy" for leg in legs)
            status, cause = ("busy", "USER_BUSY") if busy else ("no-answer", "NO_ANSWER")
            self._step(call, "bridge", status=status)
        else:
            bridge_end = winner.end_at
            if element.time_limit is not None:
                bridge_end = min(bridge_end, winner.answer_at + element.time_limit)
            self._step(call, "bridge", to=winner.to, b_leg=winner.uuid)
            try:
                await self._until(call, bridge_end)
            finally:
                core.hang_up(winner)
            status, cause = "completed", winner.hangup_cause
        if element.action is None:
            return None
        params = {
            "DialStatus": status,
            "DialALegUUID": call.uuid,
            "DialBLegUUID": winner.uuid if winner else "",
            "DialHangupCause": cause,
        }
        return await self._post(call, element.action, element.method, element.redirect, params)

    async def _record(self, call: CallState, element: Record) -> Response | None:
        recording_id = self._core.new_id()
        if element.record_session:
            self._step(call, "Record", recording_id=recording_id, session=True)
            return None
        seconds = min(self.timing.record_s, float(element.max_length or 60))
        self._step(call, "Record", recording_id=recording_id)
        await self._spend(call, seconds)
        fmt = element.file_format or "mp3"
        params = {
            "RecordUrl": f"http://127.0.0.1/recordings/{recording_id}.{fmt}",
            "RecordingID": recording_id,
            "RecordingDuration": str(math.ceil(seconds)),
            "RecordingDurationMs": str(int(seconds * 1000)),
        }
        if element.callback_url is not None:
            with contextlib.suppress(_FetchFailed):
                await self._request(
                    call, "callback", element.callback_url, element.callback_method, params
                )
        if element.action is None:
            return None
        return await self._post(call, element.action, element.method, element.redirect, params)

    def _hangup(self, call: CallState, element: Hangup) -> None:
        if element.schedule:
            self._step(call, "Hangup", schedule=element.schedule)
            at = self._core.clock() + element.schedule
            if at < call.end_at:
                call.end_at, call.hangup_source = at, ANSWER_XML
                call.hangup_cause_name = "Normal Hangup"
                if self._core.callbacks is not None:
                    self._core.callbacks.wake(call.uuid)
            return
        self._step(call, "Hangup", reason=element.reason)
        self._end(call, "Normal Hangup", ANSWER_XML)
        raise _Hangup

    # -- requests ------------------------------------------------------------------------

    async def _post(
        self,
        call: CallState,
        url: str,
        method: str | None,
        redirect: bool | None,
        extra: dict[str, str],
    ) -> Response | None:
        if redirect is False:
            with contextlib.suppress(_FetchFailed):
                await self._request(call, "action", url, method, extra)
            return None
        return await self._follow(call, "action", url, method, extra)

    async def _follow(
        self, call: CallState, kind: str, url: str, method: str | None, extra: dict[str, str]
    ) -> Response:
        """The next document from ``url``; a failure hangs the call up (source Error)."""
        try:
            return await self._fetch(call, kind, url, method or "POST", extra)
        except _FetchFailed as exc:
            self._end(call, str(exc), "Error")
            raise _Hangup from None

    async def _fetch(
        self, call: CallState, kind: str, url: str | None, method: str, extra: dict[str, str]
    ) -> Response:
        body = await self._request(call, kind, url, method, extra)
        try:
            return parse(body)
        except ValidationError as exc:
            self._step(call, "invalid", error=str(exc))
            raise _FetchFailed("Invalid Answer XML") from None

    async def _request(
        self,
        call: CallState,
        kind: str,
        url: str | None,
        method: str | None,
        extra: dict[str, str],
    ) -> str:
        params = {**self._params(call), **extra}
        if not url:
            self._step(call, kind, url=url, error="not a loopback URL")
            raise _FetchFailed("Answer URL Unreachable")
        sent = await self._out.send(method or "POST", url, params)
        if sent.error is not None:
            self._step(call, kind, url=url, error=sent.error)
            raise _FetchFailed("Answer URL Unreachable")
        self._step(call, kind, url=url, status=sent.status, params=extra)
        if sent.status is None or not 200 <= sent.status < 300:
            raise _FetchFailed("Answer URL Unreachable")
        return sent.body

    def _params(self, call: CallState) -> dict[str, str]:
        return {
            "CallUUID": call.uuid,
            "RequestUUID": call.uuid,
            "From": call.from_,
            "To": call.to,
            "Direction": "outbound",
            "CallStatus": call.status(self._core.clock()),
        }

    # -- time and ending -------------------------------------------------------------------

    async def _until(self, call: CallState, when: float) -> None:
        """Wait on the emulator's clock until ``when``; raise if the call ends first."""
        clock, sleep = self._core.clock, self._core.sleep
        stop = min(when, call.end_at)
        while clock() < stop:
            await sleep(stop - clock())
            stop = min(when, call.end_at)  # the call may have been hung up meanwhile
        if call.is_over(clock()):
            raise _CallOver

    async def _spend(self, call: CallState, seconds: float) -> None:
        await self._until(call, self._core.clock() + seconds)

    def _end(self, call: CallState, cause: str, source: str) -> None:
        self._step(call, "hangup", cause=cause, source=source)
        if not call.is_over(self._core.clock()):
            self._core.hang_up(call, source=source, cause=cause)

    def _step(self, call: CallState, kind: str, **detail: Any) -> None:
        self.steps.append(FlowStep(call.uuid, call.to, self._core.clock(), kind, detail))


def _entered(value: str, finish_on_key: str | None, num_digits: int | None) -> str:
    """The digits Plivo reports: up to ``finishOnKey`` (default ``#``), at most N."""
    key = "#" if finish_on_key is None else finish_on_key
    if key and key != "none" and key in value:
        value = value[: value.index(key)]
    return value[:num_digits] if num_digits else value
