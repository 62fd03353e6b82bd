"""Fault injection: what goes wrong with which request, reproducibly.

A :class:`FaultConfig` says *what* may go wrong (by probability, or by an exact schedule
indexed by request); a :class:`FaultInjector` turns it into one decision per request using
a seeded ``random.Random``, so two runs with the same seed and the same request order see
the same faults. Every kind of fault is one entry of :data:`FAULT_KINDS` (its name as
scheduled and recorded in ``RequestEntry.fault``, whether it acts before or after the
request is processed, the probability field that draws it, and its behaviour):

- ``"429"``: rate limited, with ``Retry-After`` (unless ``retry_after`` is None);
- ``"500"``, ``"502"``, ``"503"``, ``"504"``: server error *before* processing (nothing done);
- ``"500_after"`` ... ``"504_after"``: the request *was* processed (call placed), then a
  server error is returned: the ambiguous case a client must not blindly retry. Random
  draws never pick ``"503_after"`` (a 503 says "not processed"; only a schedule can make
  the emulator lie like that);
- ``"drop_before"``: the connection is closed before processing (nothing recorded or placed);
- ``"drop_after"``: processed (call placed and recorded), then the connection is closed
  without a response;
- ``"latency:MS"`` (schedule only): this request is delayed by MS milliseconds.

A new kind is one :class:`FaultKind` in :data:`FAULT_KINDS` and its behaviour function
(``act(request, rec, host) -> response``); give it a ``rate`` (a :class:`FaultConfig`
probability field) to have it drawn at random too, else it is for schedules.

One fault is on the emulator's own requests, not on the ones it answers:
``duplicate_callbacks=p`` sends each status callback (ring, answer, hangup, machine
detection without a call flow, results of ``callback_url`` creates) a second time with
probability ``p``, as Plivo does when it retries a webhook; drawn from its own RNG seeded
by the emulator's seed, so request faults stay as they were. A call flow's own requests
(answer documents, actions, its machine-detection callback) are never repeated.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal, Protocol

from aiohttp import web

from .history import RequestEntry

__all__ = [
    "FAULT_KINDS",
    "FAULT_NAMES",
    "Decision",
    "FaultConfig",
    "FaultHost",
    "FaultInjector",
    "FaultKind",
    "drop_connection",
]


class FaultHost(Protocol):
    """What a fault's behaviour needs from the emulator: its error answers and config."""

    @property
    def faults(self) -> FaultConfig: ...

    def error(self, status: int, message: str) -> web.Response: ...


Act = Callable[[web.Request, RequestEntry, FaultHost], web.StreamResponse]
"""A fault's behaviour: the answer (or the dropped connection) instead of the route's."""


@dataclass(frozen=True, slots=True)
class FaultKind:
    """One kind of fault: its name, when it acts, what draws it and what it does."""

    name: str
    """As scheduled (``FaultConfig(schedule=[...])``) and recorded (``RequestEntry.fault``)."""
    act: Act
    after: bool = False
    """True: the request is processed first (a call is placed), then the fault acts."""
    rate: str | None = None
    """The :class:`FaultConfig` probability field that draws it (None: schedules only).
    Kinds sharing a field are drawn among, restricted to ``server_errors``."""
    status: int | None = None
    """The HTTP status it answers with, if any (``server_errors`` selects by it)."""


def drop_connection(request: web.Request, *_: object) -> web.StreamResponse:
    """Close the connection without an answer (499 is what the server logs)."""
    transport = request.transport
    if transport is not None:
        transport.abort()
    return web.Response(status=499)


_ERROR_TEXT = {
    429: "too many requests",
    500: "internal server error",
    502: "bad gateway",
    503: "service unavailable",
    504: "gateway timeout",
}


def _answer(status: int) -> Act:
    """Answer ``status`` in Plivo's error shape (429: with the configured Retry-After)."""

    def act(request: web.Request, rec: RequestEntry, host: FaultHost) -> web.StreamResponse:
        rec.status = status
        response = host.error(status, _ERROR_TEXT[status])
        retry_after = host.faults.retry_after
        if status == 429 and retry_after is not None:
            if isinstance(retry_after, float) and retry_after.is_integer():
                retry_after = int(retry_after)
            response.headers["Retry-After"] = str(retry_after)
        return response

    return act


_STATUSES = (500, 502, 503, 504)

FAULT_KINDS: tuple[FaultKind, ...] = (
    FaultKind("429", _answer(429), rate="rate_429", status=429),
    *(FaultKind(str(s), _answer(s), rate="rate_5xx", status=s) for s in _STATUSES),
    # 503 promises "not processed": drawing it after processing would model a server
    # that lies, so only a schedule can ask for 503_after.
    *(
        FaultKind(f"{s}_after", _answer(s), True, None if s == 503 else "rate_5xx_after", s)
        for s in _STATUSES
    ),
    FaultKind("drop_before", drop_connection, rate="drop_before"),
    FaultKind("drop_after", drop_connection, after=True, rate="drop_after"),
)
"""Every kind of fault, in the order their probabilities are drawn: one entry per kind."""

_BY_NAME = {kind.name: kind for kind in FAULT_KINDS}
FAULT_NAMES: frozenset[str] = frozenset(_BY_NAME)
_RATES: dict[str, tuple[FaultKind, ...]] = {}
for _kind in FAULT_KINDS:
    if _kind.rate is not None:
        _RATES[_kind.rate] = (*_RATES.get(_kind.rate, ()), _kind)
del _kind

FaultPaths = Literal["all", "calls"]
Schedule = Sequence[str | None] | Mapping[int, str | None]


def _check_name(name: object) -> None:
    if name is None:
        return
    if not isinstance(name, str):
        raise TypeError(f"a fault is a name (str) or None, not {type(name).__name__}")
    if name == "ok" or name in FAULT_NAMES:
        return
    if name.startswith("latency:"):
        try:
            ms = float(name.partition(":")[2])
        except ValueError:
            ms = -1.0
        if 0 <= ms < math.inf:
            return
    raise ValueError(
        f"unknown fault {name!r}; expected one of {sorted(FAULT_NAMES)} or 'latency:MS'"
    )


@dataclass(frozen=True, slots=True)
class FaultConfig:
    """Which faults to inject; the default injects none.

    Probabilities are per request and mutually exclusive (their sum must be <= 1).
    ``schedule`` overrides them for the first requests: entry ``i`` (or key ``i`` of a
    mapping) is the fault for the ``i``-th faultable request since this config was applied,
    ``None``/``"ok"`` meaning none; after the schedule, probabilities apply.
    ``paths="calls"`` restricts faults (and latency) to call-placing POSTs (Call create,
    MPC call/transfer actions); ``"all"`` applies them to every ``/v1/`` request.
    """

    rate_429: float = 0.0
    rate_5xx: float = 0.0
    rate_5xx_after: float = 0.0
    drop_before: float = 0.0
    drop_after: float = 0.0
    server_errors: tuple[int, ...] = _STATUSES
    schedule: Schedule = ()
    latency_ms: float | tuple[float, float] = 0.0
    """Added latency: fixed milliseconds, or ``(min, max)`` drawn uniformly per request."""
    retry_after: float | str | None = 1
    """``Retry-After`` header value on injected 429s (seconds or an HTTP date); None omits it."""
    paths: FaultPaths = "all"
    seed: int | None = None
    """Overrides the emulator's seed for this config's random draws."""
    duplicate_callbacks: float = 0.0
    """Probability (0..1) that a callback is delivered twice (needs ``callbacks=True``)."""
    _latency: tuple[float, float] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        rates = tuple(getattr(self, name) for name in _RATES)
        if any(not 0.0 <= r <= 1.0 for r in (*rates, self.duplicate_callbacks)):
            raise ValueError("fault probabilities must be within 0..1")
        if sum(rates) > 1.0 + 1e-9:
            raise ValueError("fault probabilities must add up to at most 1")
        if not self.server_errors or any(s not in _STATUSES for s in self.server_errors):
            raise ValueError(f"server_errors must be taken from {_STATUSES}")
        if self.paths not in ("all", "calls"):
            raise ValueError("paths must be 'all' or 'calls'")
        if isinstance(self.schedule, Mapping):
            if not all(isinstance(k, int) and not isinstance(k, bool) for k in self.schedule):
                raise TypeError("a schedule mapping's keys are request positions (int)")
            names = list(self.schedule.values())
            object.__setattr__(self, "schedule", dict(self.schedule))
        else:
            names = list(self.schedule)
            object.__setattr__(self, "schedule", tuple(self.schedule))
        for name in names:
            _check_name(name)
        if isinstance(self.latency_ms, tuple):
            low, high = (float(x) for x in self.latency_ms)
        else:
            low = high = float(self.latency_ms)
        if not (0 <= low <= high < math.inf):
            raise ValueError("latency_ms must be finite, >= 0 (and min <= max for a range)")
        object.__setattr__(self, "_latency", (low / 1000.0, high / 1000.0))

    @property
    def latency_bounds(self) -> tuple[float, float]:
        """Added latency range in seconds (equal bounds for a fixed latency)."""
        return self._latency

    @property
    def active(self) -> bool:
        """Whether this config can inject anything at all."""
        return bool(
            any(getattr(self, name) for name in _RATES) or self.schedule or self._latency[1]
        )


@dataclass(frozen=True, slots=True)
class Decision:
    """The fault for one request: its kind (None: none) and the latency before handling."""

    kind: FaultKind | None = None
    latency: float = 0.0
    """Seconds to wait before handling."""
    name: str | None = None
    """As recorded: the kind's name, or ``latency:MS`` for a scheduled delay alone."""


NO_FAULT = Decision()


def _decision(name: str | None, latency: float) -> Decision:
    if name is None or name == "ok":
        return Decision(None, latency) if latency else NO_FAULT
    if name.startswith("latency:"):
        return Decision(None, latency + float(name.partition(":")[2]) / 1000.0, name)
    return Decision(_BY_NAME[name], latency, name)


class FaultInjector:
    """Draws one :class:`Decision` per faultable request from a seeded RNG."""

    def __init__(self, config: FaultConfig, seed: int | None) -> None:
        self.config = config
        self._rng = random.Random(config.seed if config.seed is not None else seed)
        self._count = 0
        # One uniform draw per request against the cumulative probabilities.
        self._bands = [(getattr(config, rate), kinds) for rate, kinds in _RATES.items()]
        self._any_rate = any(p for p, _ in self._bands)
        self._active = config.active

    def decide(self) -> Decision:
        """The decision for the next faultable request."""
        if not self._active:
            return NO_FAULT
        index = self._count
        self._count += 1
        low, high = self.config.latency_bounds
        latency = self._rng.uniform(low, high) if high > low else low
        schedule = self.config.schedule
        if isinstance(schedule, dict):
            if index in schedule:
                return _decision(schedule[index], latency)
        elif index < len(schedule):
            return _decision(schedule[index], latency)
        if not self._any_rate:
            return _decision(None, latency)
        draw = self._rng.random()
        edge = 0.0
        for probability, kinds in self._bands:
            edge += probability
            if draw < edge:
                return _decision(self._pick(kinds).name, latency)
        return _decision(None, latency)

    def _pick(self, kinds: tuple[FaultKind, ...]) -> FaultKind:
        """The kind drawn among those sharing a probability, by ``server_errors``."""
        if len(kinds) == 1:
            return kinds[0]
        allowed = [k for s in self.config.server_errors for k in kinds if k.status == s]
        return self._rng.choice(allowed or list(kinds[:1]))
