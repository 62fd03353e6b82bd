"""Signed status callbacks (ring, answer, machine, hangup) to the URLs given when a call
was placed, and the results of asynchronous creates (``callback_url``).

Each placed call gets one small task that waits (on the emulator's injectable sleep) for
the call's milestones and POSTs (or GETs) Plivo-style form parameters to ``ring_url``,
``answer_url`` and ``hangup_url`` (``answer_url`` when no ``hangup_url``), signed with
``X-Plivo-Signature-V2``/``-V3`` and their nonces. A machine answering a call placed with
``machine_detection`` gets a ``MachineDetection`` callback to ``machine_detection_url``
(the call flow sends it instead when ``flows=True``). Only loopback URLs are called: the
emulator must never send a request off the machine.

Plivo may deliver a callback twice (it retries webhooks); ``FaultConfig(
duplicate_callbacks=p)`` makes the emulator send each status callback a second time with
probability ``p`` (seeded), recorded with ``CallbackEntry.duplicate=True``.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Awaitable, Callable

from .history import CallbackEntry, History
from .outbound import Outbound, is_loopback_url
from .state import CallState, format_time

__all__ = ["CallbackSender", "is_loopback_url"]

log = logging.getLogger("plivo_async.emulator")

Clock = Callable[[], float]
Sleep = Callable[[float], Awaitable[None]]

_EVENTS = {"ring": "Ring", "answer": "StartApp", "hangup": "Hangup", "machine": "MachineDetection"}


class CallbackSender:
    """Sends the callbacks of placed calls; owns one client session and the tasks."""

    def __init__(
        self,
        *,
        auth_token: str,
        history: History,
        clock: Clock,
        sleep: Sleep,
        seed: int | None,
        timeout: float = 10.0,
        duplicates: Callable[[], float] = lambda: 0.0,
    ) -> None:
        self._history = history
        self._clock = clock
        self._sleep = sleep
        rng = random.Random(f"callbacks-{seed}") if seed is not None else random.Random()
        self._out = Outbound(auth_token=auth_token, rng=rng, timeout=timeout)
        self._duplicates = duplicates
        """The current probability of sending a status callback twice (faults may change)."""
        self._dup_rng = random.Random(f"duplicates-{seed}") if seed is not None else rng
        self._wakers: dict[str, asyncio.Event] = {}

    def start(self, call: CallState) -> None:
        """Follow ``call`` and send its callbacks as its milestones pass."""
        self._out.spawn(self._follow(call))

    def wake(self, uuid: str) -> None:
        """The call changed (hung up through the API): re-check it now."""
        event = self._wakers.get(uuid)
        if event is not None:
            event.set()

    async def drain(self) -> None:
        """Wait until every call followed so far has sent its last callback."""
        await self._out.drain()

    async def close(self) -> None:
        """Cancel pending callbacks and close the session."""
        await self._out.close()

    def send_result(
        self, url: str, method: str | None, result: dict[str, str], request_uuid: str
    ) -> None:
        """Post an asynchronous request's result (the answer it would have had) to ``url``."""
        self._out.spawn(self._deliver(request_uuid, "async_result", url, method, result))

    async def _wait(self, delay: float, event: asyncio.Event) -> None:
        if delay <= 0:
            return
        sleeper = asyncio.ensure_future(self._sleep(delay))
        waiter = asyncio.ensure_future(event.wait())
        try:
            await asyncio.wait({sleeper, waiter}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for fut in (sleeper, waiter):
                fut.cancel()
            await asyncio.gather(sleeper, waiter, return_exceptions=True)

    async def _follow(self, call: CallState) -> None:
        event = self._wakers[call.uuid] = asyncio.Event()
        sent: set[str] = set()
        try:
            while True:
                # Clear first, then look: a wake (API hangup) during a send below is kept
                # for the wait, and the time is read afresh after every send.
                event.clear()
                now = self._clock()
                if "ring" not in sent and call.dial_at <= now and call.dial_at < call.end_at:
                    sent.add("ring")
                    await self._send(call, "ring")
                    continue
                if "answer" not in sent and call.answer_at <= now and call.answer_at < call.end_at:
                    sent.add("answer")
                    if not call.flow:  # a call flow requests answer_url itself
                        await self._answered(call)
                    continue
                if call.end_at <= now:
                    await self._send(call, "hangup")
                    return
                pending = [call.end_at]
                if "ring" not in sent:
                    pending.append(call.dial_at)
                if "answer" not in sent:
                    pending.append(call.answer_at)
                await self._wait(min(t for t in pending if t > now) - now, event)
        finally:
            self._wakers.pop(call.uuid, None)

    async def _answered(self, call: CallState) -> None:
        """The answer callback; a machine is detected as it answers (no call flow)."""
        mode = call.params.get("machine_detection")
        if call.machine and mode:
            await self._send(call, "machine")
            if mode == "hangup":
                call.hang_up(self._clock(), source="Plivo", cause="Machine Detected")
                return
        await self._send(call, "answer")

    def _params(self, call: CallState, event: str) -> dict[str, str]:
        now = self._clock()
        params = {
            "CallUUID": call.uuid,
            "RequestUUID": call.uuid,
            "ALegUUID": call.uuid,
            "ALegRequestUUID": call.uuid,
            "From": call.from_,
            "To": call.to,
            "CallerName": str(call.params.get("caller_name") or call.from_),
            "Direction": "outbound",
            "CallStatus": call.status(now),
            "SessionStart": format_time(call.dial_at),
            "Event": _EVENTS[event],
        }
        if event == "machine":
            params["Machine"] = "true"
        elif event == "hangup":
            duration, billed = call.durations(now)
            cause, name, code = call.cause()
            params.update(
                HangupCause=cause,
                HangupCauseName=name,
                HangupCauseCode=str(code),
                HangupSource=call.hangup_source,
                Duration=str(duration),
                BillDuration=str(billed),
                StartTime=format_time(call.dial_at),
                EndTime=format_time(call.end_at),
            )
            if call.answer_at <= call.end_at:
                params["AnswerTime"] = format_time(call.answer_at)
        return params

    def _target(self, call: CallState, event: str) -> tuple[str | None, str]:
        p = call.params
        if event == "ring":
            return p.get("ring_url"), p.get("ring_method") or "POST"
        if event == "machine":
            return p.get("machine_detection_url"), p.get("machine_detection_method") or "POST"
        if event == "hangup" and p.get("hangup_url"):
            return p["hangup_url"], p.get("hangup_method") or "POST"
        return p.get("answer_url"), p.get("answer_method") or "POST"

    async def _send(self, call: CallState, event: str) -> None:
        url, method = self._target(call, event)
        if url:
            await self._deliver(call.uuid, event, url, method, self._params(call, event))

    async def _deliver(
        self, uuid: str, event: str, url: str, method: str | None, params: dict[str, str]
    ) -> None:
        """Send once, or twice when the duplicate-callback fault draws it; record each."""
        method = (method or "POST").upper()
        p = self._duplicates()
        times = 2 if p and self._dup_rng.random() < p else 1
        for attempt in range(times):
            sent = await self._out.send(method, url, params)
            if sent.error is not None:
                log.debug("callback %s for call %s: %s", event, uuid, sent.error)
            self._history.callbacks.append(
                CallbackEntry(
                    uuid, event, sent.url, method, params, sent.status, sent.error, attempt > 0
                )
            )
