"""An in-process Plivo voice API for the model test: honest about its rules, hostile otherwise.

Four pieces, none touching a socket, all on virtual time:

* :class:`VirtualLoop`: an asyncio loop whose clock jumps to the next timer when nothing is
  ready (no thread is ever waited for: :class:`InlineExecutor` runs ``to_thread`` work at
  once), so an hour of calls takes milliseconds and every run of a plan is the same run.
* :class:`FakePlivo` with :class:`FakeSession`: the API behind the client's
  ``session=`` seam (the transport calls ``session.request(...)``; nothing else). Its
  documented rules hold exactly (:class:`Rules`): a create is processed within
  ``settle_api`` seconds of arriving, calls beyond the account CPS wait in a queue that
  drains at the CPS, a call rings, is answered or not, ends, and its record shows within
  ``lag_api`` seconds of the hangup; answers carry whole-second times on a clock skewed by
  ``skew``. Everything else (:class:`Hostility`) is drawn per request or per callback:
  faults before the request is processed (refused, 429 with or without ``Retry-After``,
  503, a redirect) and after (500/502/504, a timeout, the connection dropped), lookup
  answers without their list or with a list of the wrong type, short pages, records that
  do not match the filters, an outage window, other traffic keeping the queue long, and
  callbacks duplicated, delayed (so reordered), dropped or forged.
* :class:`Process`: one run of the client, as an OS process would be. A crash (kill -9,
  power loss) marks it dead at a chosen event (its n-th request before or after the API
  processed it, its n-th fsync before or after, or a moment): from then on none of its
  requests reach the API and its tasks are cancelled.
* :class:`Disk`: what survives a crash. It wraps ``os.fsync`` to learn each journal's
  durable prefix; a crash keeps that prefix (kill -9: everything written; power loss: the
  prefix plus any part of the rest, a torn last line included) as the next run's journal.

The API keeps the truth the invariants are checked against: every call it placed, per
row (the row number rides in the answer URL's query), with its true fate.
"""

from __future__ import annotations

import asyncio
import bisect
import concurrent.futures
import contextvars
import email.utils
import json
import math
import os
import random
import selectors
import uuid
import weakref
from collections import Counter
from collections.abc import Callable, Coroutine
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, BinaryIO
from unittest import mock
from urllib.parse import parse_qs, urlencode, urlsplit

import aiohttp
import attrs
from aiohttp.streams import StreamReader
from aiohttp.test_utils import make_mocked_request
from multidict import CIMultiDict
from yarl import URL

from plivo_async.tracking import CallTracker
from plivo_async.webhooks.signature import (
    SIGNATURE_V2_HEADER,
    SIGNATURE_V2_NONCE_HEADER,
    signature_headers,
)

#: Virtual wall time (epoch seconds) at loop time 0: 2026-01-01T00:00:00Z.
EPOCH = 1_767_225_600.0
AUTH_ID = "MAMODELTEST000000000"
AUTH_TOKEN = "model-t0ken-do-not-leak"
BASE_URL = "https://api.plivo.test"
HOOKS = "http://hooks.example.com"
CALLER = "+14155550100"
OTHER_CALLER = "+14155550199"

PROCESS: contextvars.ContextVar[Process | None] = contextvars.ContextVar(
    "model_process", default=None
)


# -- virtual time ------------------------------------------------------------------------


class Deadlock(RuntimeError):
    """Nothing is ready and no timer is set: every task waits for something that never comes."""


class _VirtualSelector(selectors.BaseSelector):
    """The loop's selector: never blocks; a wait for ``timeout`` moves the clock instead."""

    def __init__(self) -> None:
        self._real = selectors.DefaultSelector()
        self.loop: VirtualLoop | None = None

    def register(self, fileobj: Any, events: int, data: Any = None) -> selectors.SelectorKey:
        return self._real.register(fileobj, events, data)

    def unregister(self, fileobj: Any) -> selectors.SelectorKey:
        return self._real.unregister(fileobj)

    def modify(self, fileobj: Any, events: int, data: Any = None) -> selectors.SelectorKey:
        return self._real.modify(fileobj, events, data)

    def select(self, timeout: float | None = None) -> list[tuple[selectors.SelectorKey, int]]:
        ready = self._real.select(0)
        if ready or timeout == 0:
            return ready
        if timeout is None:
            raise Deadlock("the loop has nothing to do and no timer: a task waits for ever")
        assert self.loop is not None
        self.loop.advance(timeout)
        return []

    def close(self) -> None:
        self._real.close()

    def get_map(self) -> Any:
        return self._real.get_map()


class InlineExecutor(concurrent.futures.ThreadPoolExecutor):
    """Runs submitted work at once, on the loop's thread: the journal's ``to_thread``
    writes happen at a definite point of the run, never while virtual time moves on."""

    def submit(self, fn: Any, /, *args: Any, **kwargs: Any) -> concurrent.futures.Future[Any]:
        future: concurrent.futures.Future[Any] = concurrent.futures.Future()
        try:
            future.set_result(fn(*args, **kwargs))
        except BaseException as exc:
            future.set_exception(exc)
        return future


class VirtualLoop(asyncio.SelectorEventLoop):
    """An event loop on virtual time (see the module doc); ``max_time`` ends a run that
    would go on for ever (a library that never finishes is a failure, not a hang)."""

    def __init__(self, max_time: float = 7 * 86400.0) -> None:
        selector = _VirtualSelector()
        super().__init__(selector)
        selector.loop = self
        self._now = 0.0
        self.max_time = max_time
        self.set_default_executor(InlineExecutor(max_workers=1))
        self.set_task_factory(_task_factory)

    def time(self) -> float:
        return self._now

    def advance(self, seconds: float) -> None:
        self._now += max(seconds, 0.0)
        if self._now > self.max_time:
            raise Deadlock(f"virtual time passed {self.max_time:g}s: the run never ends")


def _task_factory(loop: asyncio.AbstractEventLoop, coro: Any, **kwargs: Any) -> asyncio.Task[Any]:
    """Tasks remember the process (run) that made them, so a crash can end them all."""
    task = asyncio.Task(coro, loop=loop, **kwargs)
    process = PROCESS.get()
    if process is not None:
        process.tasks.add(task)
    return task


def wall() -> float:
    """The client's clock (epoch seconds) on the running virtual loop."""
    return EPOCH + asyncio.get_running_loop().time()


def run_virtual(main: Callable[[], Coroutine[Any, Any, Any]], max_time: float) -> Any:
    """Run ``main()`` on a fresh :class:`VirtualLoop`, with ``time.time`` on its clock too
    (whatever in the library reads the wall clock sees the same virtual time)."""
    loop = VirtualLoop(max_time)
    try:
        with mock.patch("time.time", lambda: EPOCH + loop.time()):
            return loop.run_until_complete(main())
    finally:
        _cancel_all(loop)
        loop.close()


def _cancel_all(loop: asyncio.AbstractEventLoop) -> None:
    for _ in range(10):
        tasks = [t for t in asyncio.all_tasks(loop) if not t.done()]
        if not tasks:
            return
        for task in tasks:
            task.cancel()
        try:
            loop.run_until_complete(asyncio.wait(tasks, timeout=3600))
        except (Deadlock, RuntimeError):
            return


# -- the rules and the hostility ---------------------------------------------------------


@attrs.frozen
class Rules:
    """What Plivo documents, as numbers the client is told bounds of."""

    cps: float = 5.0  # the account's calls per second: the queue drains at this rate
    settle_api: float = 4.0  # a create is processed within this long of arriving
    lag_api: float = 8.0  # a call record shows within this long of the hangup
    skew: float = 0.0  # API clock minus the client's, seconds
    latency: tuple[float, float] = (0.005, 0.05)  # one way, per request
    ring_timeout: float = 30.0


#: Faults before the API processes the request (nothing done; the client may retry).
PRE_FAULTS = ("refused", "rate_limited", "rate_limited_retry_after", "unavailable", "redirect")
#: Faults after it was processed (an answer lost or replaced): ambiguous to the client.
POST_FAULTS = ("error_500", "error_502", "error_504", "timeout", "dropped")
#: Ambiguous to the client too, but the request never reached the API: nothing was done.
LOST_FAULTS = ("lost_timeout", "lost_reset")
#: 2xx lookup answers that are no evidence.
LOOKUP_FAULTS = ("missing_list", "wrong_type", "partial_page", "foreign_records")
CALLBACK_FAULTS = ("duplicated", "delayed", "dropped_callback", "forged")


@attrs.frozen
class Hostility:
    """Per cent chances of each fault, drawn per request (creates and lookups apart) or
    per callback, and the rest of what is hostile."""

    create_faults: tuple[tuple[str, int], ...] = ()  # PRE, POST and LOST kinds
    lookup_faults: tuple[tuple[str, int], ...] = ()  # PRE, POST, LOST and LOOKUP kinds
    callback_faults: tuple[tuple[str, int], ...] = ()  # CALLBACK kinds
    slow_processing: bool = False  # creates processed anywhere within settle_api
    retry_after: int = 2  # seconds a 429's Retry-After asks for
    outage: tuple[float, float] | None = None  # every request refused in [start, end)
    background: int = 0  # other calls on the account queued at the start...
    background_seconds: float = 0.0  # ...and arriving at the CPS for this long
    callback_delay: float = 0.0  # callbacks delayed up to this (reordered), when "delayed"
    client_timeout: float = 10.0  # how long a timeout keeps the client waiting


# -- the calls ---------------------------------------------------------------------------

FATES = ("answered", "busy", "no-answer", "failed")
_HANGUP = {
    "answered": ("completed", "NORMAL_CLEARING", "Normal Hangup", 4000),
    "busy": ("busy", "USER_BUSY", "Busy Line", 3010),
    "no-answer": ("no-answer", "NO_ANSWER", "No Answer", 3020),
    "failed": ("failed", "UNALLOCATED_NUMBER", "Invalid Destination Address", 2000),
}


@attrs.define(eq=False)
class FakeCall:
    """One call the API placed, and its whole (already decided) life."""

    uuid: str
    row: int | None
    dial: int  # the row's n-th placed call
    from_: str
    to: str
    params: dict[str, Any]
    fate: str
    arrived: float
    processed: float
    dequeued: float = math.inf
    answered_at: float | None = None
    ended: float = math.inf
    record_at: float = math.inf
    #: Whether the API ever showed how it ended: a genuine hangup callback reached a
    #: receiver, or its record was answered whole. Only then can a client know.
    shown: bool = False

    def state(self, t: float) -> str | None:
        """None (not processed yet), queued, ringing, in-progress, or over."""
        if t < self.processed:
            return None
        if t < self.dequeued:
            return "queued"
        if t < self.ended:
            return (
                "in-progress"
                if self.answered_at is not None and t >= self.answered_at
                else ("ringing")
            )
        return "over"


@attrs.define
class Process:
    """One run of the client: dies at its crash point (``trigger``, kind and count)."""

    number: int
    trigger: tuple[str, int] | None = None
    dead: bool = False
    counts: Counter[str] = attrs.Factory(Counter)
    crashed: asyncio.Event = attrs.Factory(asyncio.Event)
    tasks: weakref.WeakSet[asyncio.Task[Any]] = attrs.Factory(weakref.WeakSet)
    on_kill: Callable[[str], None] | None = None

    def tick(self, kind: str) -> bool:
        """Count one event of ``kind``; True when it is the crash point."""
        if self.dead or self.trigger is None:
            return False
        self.counts[kind] += 1
        return self.trigger == (kind, self.counts[kind])

    def kill(self, how: str) -> None:
        if self.dead:
            return
        self.dead = True
        if self.on_kill is not None:
            self.on_kill(how)
        self.crashed.set()

    def cancel_tasks(self) -> list[asyncio.Task[Any]]:
        tasks = [t for t in self.tasks if not t.done()]
        for task in tasks:
            task.cancel()
        return tasks


class _Answer(Exception):
    """An HTTP answer decided before the request was processed (a fault)."""

    def __init__(self, status: int, body: dict[str, Any], headers: dict[str, str]) -> None:
        self.status, self.body, self.headers = status, body, headers


async def _forever() -> None:
    await asyncio.get_running_loop().create_future()


#: A dead process's request, or a request kept waiting past the client's timeout.
Placed = Callable[["FakePlivo", FakeCall], None]


class FakePlivo:
    """The API: see the module doc. ``on_placed`` hears every call the moment it is placed
    (the model checks the dial count there); ``receiver`` is where callbacks go (the live
    process's webhook receiver; None while no run is up)."""

    def __init__(
        self,
        *,
        rules: Rules,
        hostility: Hostility,
        seed: int,
        fates: dict[int, tuple[str, ...]],
        on_placed: Placed | None = None,
    ) -> None:
        self.rules, self.hostility = rules, hostility
        self.rng = random.Random(seed)
        self.fates = fates
        self.on_placed = on_placed
        self.calls: dict[str, FakeCall] = {}
        self.by_row: dict[int, list[FakeCall]] = {}
        self.reached: Counter[int] = Counter()  # create requests of a row the API answered
        self._pending: list[FakeCall] = []  # arrived, not yet processed (placed)
        self._next_slot = 0.0  # when the queue's next call may leave it (CPS)
        self._order: list[FakeCall] = []  # placed calls, by the moment they leave the queue
        self._leaves: list[float] = []  # their dequeued times (non-decreasing)
        self._left = 0  # calls in _order[:_left] have been seen leaving the queue
        self._running: list[FakeCall] = []  # left the queue, maybe not over yet
        self._by_number: dict[str, list[FakeCall]] = {}
        self.receiver: Receiver | None = None
        self.steps = 0
        self.requests = 0
        self.faults: Counter[str] = Counter()
        self.callbacks: Counter[str] = Counter()
        self._seen_v2: list[tuple[str, dict[str, str]]] = []  # (url, v2 headers) an attacker saw
        self.errors: list[str] = []  # exceptions the fake itself met (a bug of the test)

    # -- time ----------------------------------------------------------------------------

    @staticmethod
    def now() -> float:
        return asyncio.get_running_loop().time()

    def api_seconds(self, t: float) -> int:
        """The API's whole-second epoch time of loop time ``t`` (its clock is skewed)."""
        return math.floor(EPOCH + t + self.rules.skew)

    def api_time(self, t: float) -> str:
        stamp = datetime.fromtimestamp(self.api_seconds(t), timezone.utc)
        return stamp.strftime("%Y-%m-%d %H:%M:%S+00:00")

    def _uuid(self) -> str:
        return str(uuid.UUID(int=self.rng.getrandbits(128), version=4))

    def _draw(self, kind: str, table: tuple[tuple[str, int], ...]) -> bool:
        chance = dict(table).get(kind, 0)
        if chance and self.rng.randrange(100) < chance:
            self.faults[kind] += 1
            return True
        return False

    # -- other traffic -------------------------------------------------------------------

    def start_background(self) -> None:
        """Other calls on the account: a backlog queued at once, then arrivals at the CPS
        (the queue keeps its length and moves while lookups page through it)."""
        hostility = self.hostility
        loop = asyncio.get_running_loop()
        for i in range(hostility.background):
            loop.call_at(0.0, self._background_call, i)
        arrivals = int(hostility.background_seconds * self.rules.cps) if hostility.background else 0
        for i in range(arrivals):
            loop.call_at(i / self.rules.cps, self._background_call, hostility.background + i)

    def _background_call(self, i: int) -> None:
        now = self.now()
        to = f"+1999555{i % 10000:04d}"
        call = FakeCall(self._uuid(), None, 0, OTHER_CALLER, to, {}, "answered", now, now)
        self.calls[call.uuid] = call
        self._place(call)

    # -- placing calls -------------------------------------------------------------------

    def _create(self, body: dict[str, Any]) -> list[str]:
        """Accept a create: its calls are placed (queued) within settle_api of now."""
        now = self.now()
        answer = str(body.get("answer_url") or "")
        query = parse_qs(urlsplit(answer).query)
        row = int(query["row"][0]) if "row" in query else None
        uuids = []
        delay_max = self.rules.settle_api if self.hostility.slow_processing else 0.05
        for to in str(body.get("to", "")).split("<"):
            call = FakeCall(
                self._uuid(),
                row,
                0,
                str(body.get("from", "")),
                to,
                body,
                "answered",
                now,
                now + self.rng.uniform(0.0, min(delay_max, self.rules.settle_api)),
            )
            self.calls[call.uuid] = call
            self._pending.append(call)
            asyncio.get_running_loop().call_at(call.processed, self.advance, call.processed)
            uuids.append(call.uuid)
        return uuids

    def advance(self, until: float = 0.0) -> None:
        """Process every create whose moment has come, in order (lookups call it too).
        ``until``: the moment of the timer calling it (asyncio fires a timer up to its
        clock resolution early)."""
        now = max(self.now(), until)
        due = sorted((c for c in self._pending if c.processed <= now), key=lambda c: c.processed)
        for call in due:
            self._pending.remove(call)
            if call.row is not None:
                placed = self.by_row.setdefault(call.row, [])
                call.dial = len(placed) + 1
                fates = self.fates.get(call.row, ("answered",))
                call.fate = fates[min(call.dial, len(fates)) - 1]
                placed.append(call)
            self._place(call)
            if call.row is not None and self.on_placed is not None:
                self.on_placed(self, call)

    def _place(self, call: FakeCall) -> None:
        """The call joins the queue; its ring, answer, hangup and record times follow."""
        rng = self.rng
        call.dequeued = max(call.processed, self._next_slot)
        self._next_slot = call.dequeued + 1.0 / self.rules.cps
        self._order.append(call)
        self._leaves.append(call.dequeued)
        self._by_number.setdefault(call.to.lstrip("+"), []).append(call)
        ring_timeout = float(call.params.get("ring_timeout") or self.rules.ring_timeout)
        if call.row is None:  # another app's call: short
            call.answered_at = call.dequeued + rng.uniform(0.5, 2.0)
            call.ended = call.answered_at + rng.uniform(0.5, 3.0)
        elif call.fate == "answered":
            call.answered_at = call.dequeued + rng.uniform(1.0, min(8.0, ring_timeout))
            limit = float(call.params.get("time_limit") or 60)
            call.ended = call.answered_at + rng.uniform(1.0, min(40.0, limit))
        elif call.fate == "no-answer":
            call.ended = call.dequeued + ring_timeout
        else:
            call.ended = call.dequeued + rng.uniform(0.2, 3.0)
        call.record_at = call.ended + rng.uniform(0.0, self.rules.lag_api)
        if call.row is None:
            return
        loop = asyncio.get_running_loop()
        if call.params.get("ring_url"):
            loop.call_at(call.dequeued, self._callback, call, "ring")
        if call.answered_at is not None:
            loop.call_at(call.answered_at, self._callback, call, "answer")
        loop.call_at(call.ended, self._callback, call, "hangup")

    # -- callbacks -----------------------------------------------------------------------

    def _callback(self, call: FakeCall, kind: str) -> None:
        url = call.params.get(f"{kind}_url") if kind != "answer" else None
        url = url or call.params.get("answer_url")
        if not url:
            return
        params = self._callback_params(call, kind)
        table = self.hostility.callback_faults
        if self._draw("dropped_callback", table):
            return
        loop = asyncio.get_running_loop()
        times = 2 if self._draw("duplicated", table) else 1
        for _ in range(times):
            delay = 0.0
            if self.hostility.callback_delay and self._draw("delayed", table):
                delay = self.rng.uniform(0.0, self.hostility.callback_delay)
            loop.call_at(self.now() + delay, self._deliver, str(url), params, kind, True, call)

    def _callback_params(self, call: FakeCall, kind: str) -> dict[str, str]:
        t = self.now()
        state = call.state(t)
        status = "in-progress" if state == "in-progress" else "ringing"
        params = {
            "CallUUID": call.uuid,
            "RequestUUID": call.uuid,
            "ALegUUID": call.uuid,
            "ALegRequestUUID": call.uuid,
            "From": call.from_.lstrip("+"),
            "To": call.to.lstrip("+"),
            "Direction": "outbound",
            "CallStatus": status,
            "SessionStart": self.api_time(call.dequeued),
            "Event": {"ring": "Ring", "answer": "StartApp", "hangup": "Hangup"}[kind],
        }
        if kind == "hangup":
            status, cause, name, code = _HANGUP[call.fate]
            duration = 0
            if call.answered_at is not None:
                duration = max(1, math.ceil(call.ended - call.answered_at))
                params["AnswerTime"] = self.api_time(call.answered_at)
            params.update(
                CallStatus=status,
                HangupCause=cause,
                HangupCauseName=name,
                HangupCauseCode=str(code),
                HangupSource="Callee" if call.fate != "failed" else "Plivo",
                Duration=str(duration),
                BillDuration=str(duration),
                StartTime=self.api_time(call.dequeued),
                EndTime=self.api_time(call.ended),
            )
        return params

    def _deliver(
        self,
        url: str,
        params: dict[str, str],
        kind: str,
        genuine: bool,
        call: FakeCall | None = None,
    ) -> None:
        receiver = self.receiver
        if receiver is None:
            self.callbacks["lost (no receiver up)"] += 1
            return
        if genuine and kind == "hangup" and call is not None:
            call.shown = True
        self.steps += 1
        self.callbacks[kind if genuine else "forged"] += 1
        headers = signature_headers("POST", url, params, AUTH_TOKEN, nonce=self._nonce())
        v2 = {k: headers[k] for k in (SIGNATURE_V2_HEADER, SIGNATURE_V2_NONCE_HEADER)}
        asyncio.get_running_loop().create_task(receiver.post(url, params, headers))
        if genuine:
            self._seen_v2.append((url, v2))
            if kind == "hangup" and self._draw("forged", self.hostility.callback_faults):
                self._forge(url, v2)

    def _nonce(self) -> str:
        return str(self.rng.randrange(10**20)).zfill(20)

    def _forge(self, url: str, v2: dict[str, str]) -> None:
        """An attacker replays this genuine v2 signature (it covers the URL without its
        query, and a nonce; not the body) with a body saying another row's call is busy."""
        now = self.now()
        victims = [
            c
            for c in self.calls.values()
            if c.row is not None and c.state(now) in ("ringing", "in-progress", "queued")
        ]
        if not victims or self.receiver is None:
            return
        victim = self.rng.choice(victims)
        params = self._callback_params(victim, "hangup")
        status, cause, name, code = _HANGUP["busy"]
        params.update(
            CallStatus=status,
            HangupCause=cause,
            HangupCauseName=name,
            HangupCauseCode=str(code),
            Duration="0",
            BillDuration="0",
        )
        params.pop("AnswerTime", None)
        hangup = str(victim.params.get("hangup_url") or victim.params.get("answer_url"))
        base = url.split("?")[0]
        forged_url = base + ("?" + urlsplit(hangup).query if urlsplit(hangup).query else "")
        self.steps += 1
        self.callbacks["forged"] += 1
        asyncio.get_running_loop().create_task(self.receiver.post(forged_url, params, dict(v2)))

    # -- requests ------------------------------------------------------------------------

    async def handle(
        self, process: Process, method: str, url: URL, body: bytes | None, params: Any
    ) -> FakeResponse:
        """One request from ``process``: faults, crash points, then the route."""
        self.steps += 1
        if process.dead:
            await _forever()  # a dead process sends nothing
        if process.tick("request"):
            process.kill("request")
            await _forever()
        query = {k: str(v) for k, v in url.query.items()}
        query.update({k: str(v) for k, v in (params or {}).items()})
        is_create = method == "POST" and url.path.rstrip("/").endswith("/Call")
        table = self.hostility.create_faults if is_create else self.hostility.lookup_faults
        data: dict[str, Any] = json.loads(body) if body else {}
        row = _row_of(data) if is_create else None
        outage = self.hostility.outage
        if outage is not None and outage[0] <= self.now() < outage[1]:
            self.faults["outage"] += 1
            raise _refused()
        if self._draw("refused", table):
            raise _refused()
        low, high = self.rules.latency
        if self._draw("lost_reset", table):
            await asyncio.sleep(self.rng.uniform(low, high))
            raise aiohttp.ServerDisconnectedError()  # sent, never processed
        if self._draw("lost_timeout", table):
            await asyncio.sleep(self.hostility.client_timeout + 1.0)
            raise asyncio.TimeoutError()  # sent, never processed
        await asyncio.sleep(self.rng.uniform(low, high))
        self.requests += 1
        if row is not None:
            self.reached[row] += 1
        try:
            self._pre_fault(table)
            self.advance()
            status, answer = self._route(method, url, query, data)
        except _Answer as fault:
            return await self._respond(process, fault.status, fault.body, fault.headers)
        if process.tick("processed"):
            process.kill("processed")
            await _forever()
        if self._draw("timeout", table):
            await asyncio.sleep(self.hostility.client_timeout + 1.0)
            raise asyncio.TimeoutError()
        if self._draw("dropped", table):
            await asyncio.sleep(self.rng.uniform(low, high))
            raise aiohttp.ServerDisconnectedError()
        for kind, code in (("error_500", 500), ("error_502", 502), ("error_504", 504)):
            if self._draw(kind, table):
                return await self._respond(process, code, {"error": f"HTTP {code}"}, {})
        if method == "GET" and 200 <= status < 300:
            whole = answer
            answer = self._garble(answer)
            call = self.calls.get(str(url.path).rstrip("/").rsplit("/", 1)[-1])
            if call is not None and answer is whole and "status" not in query:
                call.shown = True  # its record, answered whole
        return await self._respond(process, status, answer, {})

    def _pre_fault(self, table: tuple[tuple[str, int], ...]) -> None:
        if self._draw("rate_limited", table):
            raise _Answer(429, {"error": "too many requests"}, {})
        if self._draw("rate_limited_retry_after", table):
            after = str(self.hostility.retry_after)
            raise _Answer(429, {"error": "too many requests"}, {"Retry-After": after})
        if self._draw("unavailable", table):
            raise _Answer(503, {"error": "service unavailable"}, {})
        if self._draw("redirect", table):
            raise _Answer(302, {}, {"Location": "https://elsewhere.example/v1/"})

    async def _respond(
        self, process: Process, status: int, body: dict[str, Any], headers: dict[str, str]
    ) -> FakeResponse:
        low, high = self.rules.latency
        await asyncio.sleep(self.rng.uniform(low, high))
        if process.dead:
            await _forever()  # the answer reaches nobody
        payload = json.dumps({"api_id": self._uuid(), **body}).encode()
        all_headers = CIMultiDict(
            {
                "Content-Type": "application/json",
                "Date": email.utils.formatdate(self.api_seconds(self.now()), usegmt=True),
                **headers,
            }
        )
        return FakeResponse(status, payload, all_headers)

    def _route(
        self, method: str, url: URL, query: dict[str, str], data: dict[str, Any]
    ) -> tuple[int, dict[str, Any]]:
        parts = [p for p in url.path.split("/") if p]
        if parts[:3] != ["v1", "Account", AUTH_ID] or len(parts) < 4 or parts[3] != "Call":
            return 404, {"error": "not found"}
        uuid_ = parts[4] if len(parts) > 4 else None
        if method == "POST" and uuid_ is None:
            uuids = self._create(data)
            request_uuid: str | list[str] = uuids[0] if len(uuids) == 1 else uuids
            return 201, {"message": "call fired", "request_uuid": request_uuid}
        if method != "GET":
            return 405, {"error": "method not allowed"}
        status = query.get("status")
        if uuid_ is None and status in ("queued", "live"):
            return 200, {"calls": self._ids(status, query)}
        if uuid_ is None:
            return 200, self._records(query)
        call = self.calls.get(uuid_)
        now = self.now()
        state = None if call is None else call.state(now)
        if status == "queued":
            if call is None or state != "queued":
                return 404, {"error": "call not found"}
            return 200, self._live_view(call, "queued")
        if status == "live":
            if call is None or state not in ("ringing", "in-progress"):
                return 404, {"error": "call not found"}
            return 200, self._live_view(call, state or "")
        if call is None or now < call.record_at:
            return 404, {"error": "call not found"}
        return 200, self._record(call)

    def _queued(self, now: float) -> list[FakeCall]:
        """The queue, head first (calls leave it at the CPS, in order)."""
        return self._order[bisect.bisect_right(self._leaves, now) :]

    def _live(self, now: float) -> list[FakeCall]:
        """Ringing or answered calls, oldest first."""
        left = bisect.bisect_right(self._leaves, now)
        self._running.extend(self._order[self._left : left])
        self._left = max(self._left, left)
        self._running = [c for c in self._running if c.ended > now]
        return list(self._running)

    def _ids(self, status: str, query: dict[str, str]) -> list[str]:
        now = self.now()
        calls = self._queued(now) if status == "queued" else self._live(now)
        for name, attribute in (("to_number", "to"), ("from_number", "from_")):
            wanted = query.get(name)
            if wanted:
                calls = [c for c in calls if _number_matches(getattr(c, attribute), wanted)]
        limit, offset = _page(query)
        page = [c.uuid for c in calls[offset : offset + limit]]
        more = offset + limit < len(calls)
        if len(page) == limit and more and self._draw("partial_page", self.hostility.lookup_faults):
            page = page[: self.rng.randrange(len(page))]  # more behind it, unsaid
        return page

    def _live_view(self, call: FakeCall, status: str) -> dict[str, Any]:
        view = {
            "direction": "outbound",
            "from": call.from_.lstrip("+"),
            "to": call.to.lstrip("+"),
            "call_status": status,
            "caller_name": call.from_,
            "call_uuid": call.uuid,
            "request_uuid": call.uuid,
        }
        if status != "queued":
            view["session_start"] = self.api_time(call.dequeued)
        return view

    def _record(self, call: FakeCall) -> dict[str, Any]:
        status, _, name, code = _HANGUP[call.fate]
        duration = 0
        if call.answered_at is not None:
            duration = max(1, math.ceil(call.ended - call.answered_at))
        return {
            "answer_time": None if call.answered_at is None else self.api_time(call.answered_at),
            "bill_duration": duration,
            "billed_duration": duration,
            "call_direction": "outbound",
            "call_duration": duration,
            "call_state": status.upper(),
            "call_status": status,
            "call_uuid": call.uuid,
            "end_time": self.api_time(call.ended),
            "from_number": call.from_,
            "to_number": call.to,
            "hangup_cause_code": code,
            "hangup_cause_name": name,
            "hangup_source": "Callee",
            "initiation_time": self.api_time(call.processed),
            "parent_call_uuid": None,
            "request_uuid": call.uuid,
            "resource_uri": f"/v1/Account/{AUTH_ID}/Call/{call.uuid}/",
            "total_amount": "0.00000",
            "total_rate": "0.00850",
        }

    def _records(self, query: dict[str, str]) -> dict[str, Any]:
        now = self.now()
        to = query.get("to_number", "").lstrip("+")
        pool = self._by_number.get(to, []) if to else self._order
        visible = [c for c in pool if now >= c.record_at]
        visible.sort(key=lambda c: (-c.ended, c.uuid))  # newest first, as Plivo lists them
        selected = [c for c in visible if self._matches(c, query)]
        limit, offset = _page(query)
        objects = [self._record(c) for c in selected[offset : offset + limit]]
        more = offset + limit < len(selected)
        table = self.hostility.lookup_faults
        if self._draw("foreign_records", table):
            recent = self._order[-50:]
            strangers = [c for c in recent if now >= c.record_at and c not in selected]
            for stranger in self.rng.sample(strangers, min(2, len(strangers))):
                objects.insert(self.rng.randrange(len(objects) + 1), self._record(stranger))
        if objects and more and self._draw("partial_page", table):
            objects = objects[: self.rng.randrange(len(objects))]  # meta.next still honest
        base = f"/v1/Account/{AUTH_ID}/Call/?limit={limit}&offset="
        meta = {
            "limit": limit,
            "offset": offset,
            "next": base + str(offset + limit) if more else None,
            "previous": base + str(max(0, offset - limit)) if offset else None,
            "total_count": len(selected),
        }
        return {"meta": meta, "objects": objects}

    def _matches(self, call: FakeCall, query: dict[str, str]) -> bool:
        for name, attribute in (("to_number", "to"), ("from_number", "from_")):
            wanted = query.get(name)
            if wanted and not _number_matches(getattr(call, attribute), wanted):
                return False
        end = self.api_seconds(call.ended)
        for suffix, test in (
            ("", lambda a, b: a == b),
            ("__gt", lambda a, b: a > b),
            ("__gte", lambda a, b: a >= b),
            ("__lt", lambda a, b: a < b),
            ("__lte", lambda a, b: a <= b),
        ):
            value = query.get("end_time" + suffix)
            if value is not None:
                bound = _parse_api_time(value)
                if bound is None or not test(end, bound):
                    return False
        return True

    def _garble(self, answer: dict[str, Any]) -> dict[str, Any]:
        """A 2xx lookup answer without its list, or with a list of the wrong type."""
        key = "calls" if "calls" in answer else "objects" if "objects" in answer else None
        table = self.hostility.lookup_faults
        if self._draw("missing_list", table):
            return {} if key is None else {k: v for k, v in answer.items() if k != key}
        if self._draw("wrong_type", table):
            if key is None:
                return {"call_status": 7, "to": ["x"], "from": None}
            return {**answer, key: {"0": "not a list"} if self.rng.random() < 0.5 else "x"}
        return answer


def _refused() -> aiohttp.ClientConnectorError:
    return aiohttp.ClientConnectorError(
        None,  # type: ignore[arg-type]
        ConnectionRefusedError(111, "Connection refused"),
    )


def _row_of(data: dict[str, Any]) -> int | None:
    query = parse_qs(urlsplit(str(data.get("answer_url") or "")).query)
    return int(query["row"][0]) if "row" in query else None


def _number_matches(number: str, wanted: str) -> bool:
    return number.lstrip("+").startswith(wanted.lstrip("+"))


def _page(query: dict[str, str]) -> tuple[int, int]:
    try:
        limit = max(1, min(20, int(query.get("limit", "20"))))
        offset = max(0, int(query.get("offset", "0")))
    except ValueError:
        return 20, 0
    return limit, offset


def _parse_api_time(value: str) -> int | None:
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=timezone.utc)
    return math.floor(parsed.timestamp())


# -- the client's side of the seam -------------------------------------------------------


class FakeResponse:
    """What the transport reads of an aiohttp response."""

    def __init__(self, status: int, body: bytes, headers: CIMultiDict[str]) -> None:
        self.status = status
        self._body = body
        self.headers = headers
        self.content_length = len(body)

    async def read(self) -> bytes:
        return self._body

    def close(self) -> None:
        pass


class _Exchange:
    def __init__(self, api: FakePlivo, process: Process, args: tuple[Any, ...]) -> None:
        self._api, self._process, self._args = api, process, args

    async def __aenter__(self) -> FakeResponse:
        return await self._api.handle(self._process, *self._args)

    async def __aexit__(self, *exc: object) -> None:
        return None


class FakeSession:
    """The ``session=`` a client of one :class:`Process` gets: requests go to the fake API."""

    closed = False

    def __init__(self, api: FakePlivo, process: Process) -> None:
        self._api, self._process = api, process

    def request(self, method: str, url: Any, **kwargs: Any) -> _Exchange:
        target = url if isinstance(url, URL) else URL(str(url))
        return _Exchange(
            self._api, self._process, (method, target, kwargs.get("data"), kwargs.get("params"))
        )

    async def close(self) -> None:
        self.closed = True


# -- callbacks into the real receiver ----------------------------------------------------


class Receiver:
    """The tracker's own receiver app (``tracker.app(token)``), called in-process."""

    def __init__(self, tracker: CallTracker, api: FakePlivo) -> None:
        self.tracker = tracker
        self.app = tracker.app(AUTH_TOKEN)
        self._api = api
        self.statuses: Counter[int] = Counter()

    async def post(self, url: str, params: dict[str, str], headers: dict[str, str]) -> None:
        body = urlencode(params).encode()
        parts = urlsplit(url)
        path = parts.path + ("?" + parts.query if parts.query else "")
        all_headers = {
            **headers,
            "Host": parts.netloc,
            "Content-Type": "application/x-www-form-urlencoded",
            "Content-Length": str(len(body)),
        }
        protocol = mock.Mock(_reading_paused=False)
        payload = StreamReader(protocol, 2**16, loop=asyncio.get_running_loop())
        payload.feed_data(body)
        payload.feed_eof()
        request = make_mocked_request(
            "POST", path, headers=all_headers, payload=payload, app=self.app
        )
        try:
            match = await self.app.router.resolve(request)
            response = await match.handler(request)
            self.statuses[response.status] += 1
        except Exception as exc:
            self.statuses[500] += 1
            self._api.errors.append(f"receiver raised {type(exc).__name__}: {exc}")


# -- the disk ----------------------------------------------------------------------------


class Disk:
    """Journal files and what of them is durable (fsynced); see the module doc.

    ``opener`` is given to :class:`plivo_async.bulk.journal.Journal`; :meth:`fsync` stands in
    for ``os.fsync`` (it records the durable size instead of flushing a real disk, and may
    be a crash point of the live process).
    """

    def __init__(self, root: Path) -> None:
        self.root = root
        self.durable: dict[Path, int] = {}
        self._paths: dict[int, Path] = {}
        self._handles: dict[Path, list[BinaryIO]] = {}
        self.process: Process | None = None
        self.fsyncs = 0
        self.torn = 0

    def opener(self, path: Path) -> BinaryIO:
        handle = path.open("ab", buffering=0)
        self._paths[handle.fileno()] = path
        self._handles.setdefault(path, []).append(handle)
        return handle

    def fsync(self, fd: int) -> None:
        path = self._paths.get(fd)
        if path is None:
            return
        process = self.process
        self.fsyncs += 1
        if process is not None and not process.dead and process.tick("fsync_before"):
            process.kill("fsync_before")
            return
        self.durable[path] = os.fstat(fd).st_size
        if process is not None and not process.dead and process.tick("fsync_after"):
            process.kill("fsync_after")

    def survive(self, path: Path, new: Path, power_loss: bool, rng: random.Random) -> None:
        """The journal ``new`` a crash leaves of ``path``: its durable prefix, and with
        ``power_loss`` any part of what was written after it (maybe a torn line); a kill -9
        loses nothing that was written."""
        data = path.read_bytes() if path.exists() else b""
        keep = len(data)
        if power_loss:
            durable = min(self.durable.get(path, 0), len(data))
            keep = rng.randint(durable, len(data))
        if keep and data[keep - 1 : keep] != b"\n":
            self.torn += 1
        new.write_bytes(data[:keep])
        self.durable[new] = keep

    def close(self, path: Path) -> None:
        for handle in self._handles.pop(path, []):
            if not handle.closed:
                self._paths.pop(handle.fileno(), None)
                handle.close()
