"""Signed status callbacks (ring, answer, hangup) to the URLs given when a call was placed.

Each placed call gets one small task that waits (on the emulator's injectable sleep) for
the call's milestones and POSTs (or GETs) Plivo-style form parameters to ``ring_url``,
``answer_url`` and ``hangup_url`` (``answer_url`` when no ``hangup_url``), signed with
``X-Plivo-Signature-V2``/``-V3`` and their nonces. Only loopback URLs are called: the
emulator must never send a request off the machine.
"""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
import logging
import random
from collections.abc import Awaitable, Callable
from typing import Any

import aiohttp
from yarl import URL

from .records import CallbackRecord, Records
from .state import CallState, format_time

__all__ = ["CallbackSender", "is_loopback_url"]

log = logging.getLogger("plivo_async.emulator")

Clock = Callable[[], float]
Sleep = Callable[[float], Awaitable[None]]


def is_loopback_url(url: str) -> bool:
    """True for http(s) URLs whose host is localhost or a loopback address."""
    try:
        parsed = URL(url)
    except ValueError:
        return False
    host = parsed.host
    if parsed.scheme not in ("http", "https") or not host:
        return False
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def _signers() -> tuple[Callable[..., str], Callable[..., str]] | None:
    """``plivo_async.webhooks`` signers, imported late so the emulator works without them."""
    try:
        from plivo_async.webhooks import sign_v2, sign_v3
    except ImportError:
        return None
    return sign_v2, sign_v3


class CallbackSender:
    """Sends the callbacks of placed calls; owns one client session and the tasks."""

    def __init__(
        self,
        *,
        auth_token: str,
        records: Records,
        clock: Clock,
        sleep: Sleep,
        seed: int | None,
        timeout: float = 10.0,
    ) -> None:
        self._auth_token = auth_token
        self._records = records
        self._clock = clock
        self._sleep = sleep
        self._rng = random.Random(f"callbacks-{seed}") if seed is not None else random.Random()
        self._timeout = aiohttp.ClientTimeout(total=timeout)
        self._session: aiohttp.ClientSession | None = None
        self._tasks: set[asyncio.Task[None]] = set()
        self._wakers: dict[str, asyncio.Event] = {}
        self._warned_unsigned = False

    def start(self, call: CallState) -> None:
        """Follow ``call`` and send its callbacks as its milestones pass."""
        task = asyncio.get_running_loop().create_task(self._follow(call))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def wake(self, uuid: str) -> None:
        """The call changed (hung up through the API): re-check it now."""
        event = self._wakers.get(uuid)
        if event is not None:
            event.set()

    async def drain(self) -> None:
        """Wait until every call followed so far has sent its last callback."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)

    async def close(self) -> None:
        """Cancel pending callbacks and close the session."""
        tasks = list(self._tasks)
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        if self._session is not None:
            await self._session.close()
            self._session = None

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
                now = self._clock()
                if "ring" not in sent and call.dial_at <= now and call.dial_at < call.end_at:
                    sent.add("ring")
                    await self._send(call, "ring")
                if "answer" not in sent and call.answer_at <= now and call.answer_at < call.end_at:
                    sent.add("answer")
                    if not call.events.get("flow"):  # a call flow requests answer_url itself
                        await self._send(call, "answer")
                if call.end_at <= now:
                    await self._send(call, "hangup")
                    return
                pending = [call.end_at]
                if "ring" not in sent:
                    pending.append(call.dial_at)
                if "answer" not in sent:
                    pending.append(call.answer_at)
                event.clear()
                await self._wait(min(t for t in pending if t > now) - now, event)
        finally:
            self._wakers.pop(call.uuid, None)

    def _params(self, call: CallState, event: str) -> dict[str, str]:
        now = self._clock()
        status = call.status(now)
        params = {
            "CallUUID": call.uuid,
            "RequestUUID": call.uuid,
            "ALegUUID": call.uuid,
            "ALegRequestUUID": call.uuid,
            "From": call.from_,
            "To": call.to,
            "CallerName": str(call.params.get("caller_name") or call.from_),
            "Direction": "outbound",
            "CallStatus": status,
            "SessionStart": format_time(call.dial_at),
            "Event": {"ring": "Ring", "answer": "StartApp", "hangup": "Hangup"}[event],
        }
        if event == "hangup":
            duration, billed = call.durations(now)
            answered = call.answer_at <= call.end_at
            if answered:
                cause = call.hangup_cause
            else:
                cause = "ORIGINATOR_CANCEL" if status == "cancel" else "NO_ANSWER"
            params.update(
                HangupCause=cause,
                HangupSource=call.hangup_source,
                Duration=str(duration),
                BillDuration=str(billed),
                StartTime=format_time(call.dial_at),
                EndTime=format_time(call.end_at),
            )
            if answered:
                params["AnswerTime"] = format_time(call.answer_at)
        return params

    def _target(self, call: CallState, event: str) -> tuple[str | None, str]:
        p = call.params
        if event == "ring":
            return p.get("ring_url"), p.get("ring_method") or "POST"
        if event == "hangup" and p.get("hangup_url"):
            return p["hangup_url"], p.get("hangup_method") or "POST"
        return p.get("answer_url"), p.get("answer_method") or "POST"

    def _headers(self, method: str, url: str, params: dict[str, str]) -> dict[str, str]:
        signers = _signers()
        if signers is None:
            if not self._warned_unsigned:
                self._warned_unsigned = True
                log.warning("plivo_async.webhooks is unavailable: callbacks are sent unsigned")
            return {}
        sign_v2, sign_v3 = signers
        nonce = str(self._rng.randrange(10**20)).zfill(20)  # Plivo's nonces: 20 digits
        signed_params: dict[str, Any] = params if method == "POST" else {}
        return {
            "X-Plivo-Signature-V2": sign_v2(url, nonce, self._auth_token),
            "X-Plivo-Signature-V2-Nonce": nonce,
            "X-Plivo-Signature-V3": sign_v3(method, url, signed_params, nonce, self._auth_token),
            "X-Plivo-Signature-V3-Nonce": nonce,
        }

    async def _send(self, call: CallState, event: str) -> None:
        url, method = self._target(call, event)
        if not url:
            return
        params = self._params(call, event)
        method = method.upper()
        if not is_loopback_url(url):
            log.debug("callback to non-loopback URL skipped for call %s", call.uuid)
            self._records.callbacks.append(
                CallbackRecord(call.uuid, event, url, method, params, None, "not a loopback URL")
            )
            return
        # Sign exactly the URL aiohttp will request (encoded; with the query for GET).
        url = str(URL(url).update_query(params)) if method == "GET" else str(URL(url))
        if self._session is None:
            self._session = aiohttp.ClientSession(timeout=self._timeout)
        headers = self._headers(method, url, params)
        status: int | None = None
        error: str | None = None
        try:
            data = params if method == "POST" else None
            async with self._session.request(method, url, data=data, headers=headers) as resp:
                status = resp.status
                with contextlib.suppress(aiohttp.ClientError):
                    await resp.read()
        except (aiohttp.ClientError, asyncio.TimeoutError, OSError) as exc:
            error = f"{type(exc).__name__}: {exc}"
            log.debug("callback %s for call %s failed: %s", event, call.uuid, error)
        self._records.callbacks.append(
            CallbackRecord(call.uuid, event, url, method, params, status, error)
        )
