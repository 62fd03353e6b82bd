"""Fault injection: what goes wrong with which request, reproducibly.

A :class:`FaultConfig` says *what* may go wrong (by probability, or by an exact schedule
indexed by request); a :class:`FaultInjector` turns it into one decision per request using
a seeded ``random.Random``, so two runs with the same seed and the same request order see
the same faults. Fault names (as recorded in ``RequestRecord.fault``):

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
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

__all__ = ["FAULT_NAMES", "Decision", "FaultConfig", "FaultInjector"]

_STATUSES = (500, 502, 503, 504)
FAULT_NAMES: frozenset[str] = frozenset(
    ["429", "drop_before", "drop_after"]
    + [str(s) for s in _STATUSES]
    + [f"{s}_after" for s in _STATUSES]
)

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
        rates = (
            self.rate_429,
            self.rate_5xx,
            self.rate_5xx_after,
            self.drop_before,
            self.drop_after,
        )
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
            self.rate_429
            or self.rate_5xx
            or self.rate_5xx_after
            or self.drop_before
            or self.drop_after
            or self.schedule
            or self._latency[1]
        )


@dataclass(frozen=True, slots=True)
class Decision:
    """The fault for one request: ``name`` as recorded, plus how to act on it."""

    name: str | None = None
    latency: float = 0.0
    """Seconds to wait before handling."""
    status: int | None = None
    """Error status to answer with (429/5xx)."""
    after: bool = False
    """True when the fault happens after processing (``*_after``, ``drop_after``)."""
    drop: bool = False


NO_FAULT = Decision()


def _decision(name: str | None, latency: float) -> Decision:
    if name is None or name == "ok":
        return Decision(None, latency) if latency else NO_FAULT
    if name.startswith("latency:"):
        return Decision(name, latency + float(name.partition(":")[2]) / 1000.0)
    if name == "drop_before":
        return Decision(name, latency, drop=True)
    if name == "drop_after":
        return Decision(name, latency, drop=True, after=True)
    code, _, after = name.partition("_")
    return Decision(name, latency, status=int(code), after=bool(after))


class FaultInjector:
    """Draws one :class:`Decision` per faultable request from a seeded RNG."""

    def __init__(self, config: FaultConfig, seed: int | None) -> None:
        self.config = config
        self._rng = random.Random(config.seed if config.seed is not None else seed)
        self._count = 0
        c = config
        # Cumulative thresholds for one uniform draw per request.
        self._bands = [
            (c.rate_429, "429"),
            (c.rate_5xx, "5xx"),
            (c.rate_5xx_after, "5xx_after"),
            (c.drop_before, "drop_before"),
            (c.drop_after, "drop_after"),
        ]
        self._any_rate = any(p for p, _ in self._bands)
        self._active = c.active

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
        for probability, name in self._bands:
            edge += probability
            if draw < edge:
                if name.startswith("5xx"):
                    if name.endswith("_after"):
                        # 503 promises "not processed"; drawing it after processing would
                        # model a server that lies, so only a schedule can ask for it.
                        after = [c for c in self.config.server_errors if c != 503] or [500]
                        name = f"{self._rng.choice(after)}_after"
                    else:
                        name = str(self._rng.choice(self.config.server_errors))
                return _decision(name, latency)
        return _decision(None, latency)
