"""What the emulator saw: every request, every call it placed, every callback it sent.

Tests use this history to prove properties of a client run, above all that nobody was
dialled twice. Appends are O(1) (the per-destination counter is kept up to date as
calls are placed) so recording never slows down a benchmark.

Memory stays bounded for long runs: the full entries of requests (with their bodies) and
of callbacks (with their parameters), about 1 KB each, are kept for the newest
``limit`` only (:class:`Recent`: the oldest are dropped and counted); what tests assert
on stays exact whatever the limit: one compact :class:`CallEntry` per call placed (the
per-destination history), the counts per destination, the duplicates, the counts of
requests and of each fault.
"""

from __future__ import annotations

from collections import Counter, deque
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, TypeVar, overload

__all__ = [
    "DEFAULT_HISTORY_LIMIT",
    "CallEntry",
    "CallSource",
    "CallbackEntry",
    "History",
    "Recent",
    "RequestEntry",
]

T = TypeVar("T")

DEFAULT_HISTORY_LIMIT = 20_000
"""Full request and callback entries kept (each): about 1 KB and 2 KB apiece, so at most
~60 MB whatever the run's length (they were 1.3 KB of every call's ~2 KB)."""

CallSource = Literal["api", "dial", "masking", "mpc"]
"""Who placed a call: the Call API (``api``), a multi-party call (PHLO or MPC API) action
(``mpc``), a masking session calling its first party (``masking``),
or a call flow's ``<Dial>`` (``dial``, a B-leg: the client never asked for it)."""


@dataclass(slots=True)
class RequestEntry:
    """One HTTP request as it arrived; ``status`` is None when the connection was dropped."""

    index: int
    method: str
    path: str
    query: dict[str, str]
    time: float
    """Arrival time on the emulator's (injectable) clock."""
    monotonic: float
    """Arrival time on ``time.monotonic()``, for real latency measurements."""
    body: dict[str, Any] | None = None
    fault: str | None = None
    status: int | None = None


@dataclass(slots=True, frozen=True)
class CallEntry:
    """One call the emulator "placed" (one per destination of a ``<`` bulk request).

    ``source`` is ``"dial"`` for the B-legs a call flow's ``<Dial>`` places: they count
    in :meth:`History.dialled_counts` (someone was dialled) but not as calls the client
    placed (:meth:`History.placed`, :meth:`History.duplicates`).
    """

    uuid: str
    to: str
    from_: str
    time: float
    source: CallSource
    request_index: int
    request_uuid: str
    phlo_id: str | None = None
    node_id: str | None = None
    action: str | None = None


@dataclass(slots=True, frozen=True)
class CallbackEntry:
    """One callback attempt to a user URL.

    ``event``: ``ring``, ``answer``, ``machine``, ``hangup``, or ``async_result`` (the
    answer of a create made with ``callback_url``; ``call_uuid`` is then its first
    request_uuid). ``duplicate``: a second delivery of the same callback (the
    ``duplicate_callbacks`` fault).
    """

    call_uuid: str
    event: str
    url: str
    method: str
    params: dict[str, str]
    status: int | None
    error: str | None = None
    duplicate: bool = False


class Recent(Sequence[T]):
    """The newest ``limit`` entries (a list's reading: ``len``, ``[i]``, slices, ``==``);
    older ones are dropped and counted in :attr:`dropped`. ``limit=None``: no limit."""

    __slots__ = ("_items", "dropped")

    def __init__(self, limit: int | None = DEFAULT_HISTORY_LIMIT) -> None:
        if limit is not None and limit < 0:
            raise ValueError("a history limit is a number of entries >= 0, or None")
        self._items: deque[T] = deque(maxlen=limit)
        self.dropped = 0
        """Entries dropped as newer ones came in (the oldest first)."""

    @property
    def limit(self) -> int | None:
        return self._items.maxlen

    @property
    def total(self) -> int:
        """Every record added since the last reset: those kept and those dropped."""
        return self.dropped + len(self._items)

    def append(self, record: T) -> None:
        if len(self._items) == self._items.maxlen:
            self.dropped += 1
        self._items.append(record)

    def clear(self) -> None:
        self._items.clear()
        self.dropped = 0

    def __len__(self) -> int:
        return len(self._items)

    def __iter__(self) -> Iterator[T]:
        return iter(self._items)

    @overload
    def __getitem__(self, index: int) -> T: ...

    @overload
    def __getitem__(self, index: slice) -> list[T]: ...

    def __getitem__(self, index: int | slice) -> T | list[T]:
        if isinstance(index, slice):
            return list(self._items)[index]
        return self._items[index]

    def __eq__(self, other: object) -> bool:
        if isinstance(other, (Recent, list, tuple)):
            return list(self._items) == list(other)
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]  # mutable, like a list

    def __repr__(self) -> str:
        return f"Recent({list(self._items)!r}, dropped={self.dropped})"


@dataclass
class History:
    """The logs of one emulator instance, reset with :meth:`reset`.

    ``requests`` and ``callbacks`` keep the newest ``limit`` full entries each (see
    :class:`Recent`); ``calls``, the counts and the duplicates are never cut.
    """

    limit: int | None = DEFAULT_HISTORY_LIMIT
    requests: Recent[RequestEntry] = field(init=False)
    calls: list[CallEntry] = field(default_factory=list)
    callbacks: Recent[CallbackEntry] = field(init=False)
    _dialled: Counter[str] = field(default_factory=Counter, repr=False)
    _placed: Counter[str] = field(default_factory=Counter, repr=False)
    _faults: Counter[str] = field(default_factory=Counter, repr=False)

    def __post_init__(self) -> None:
        self.requests = Recent(self.limit)
        self.callbacks = Recent(self.limit)

    def add_fault(self, record: RequestEntry, name: str) -> None:
        """Note the fault injected into ``record``'s request (counted exactly)."""
        record.fault = name
        self._faults[name] += 1

    def add_call(self, record: CallEntry) -> None:
        """Log a placed call and count its destination."""
        self.calls.append(record)
        self._dialled[record.to] += 1
        if record.source != "dial":
            self._placed[record.to] += 1

    def placed(self) -> list[CallEntry]:
        """The calls the client placed (API creates and MPC actions; not Dial B-legs)."""
        return [c for c in self.calls if c.source != "dial"]

    def dialled_counts(self, *, placed_only: bool = False) -> Counter[str]:
        """How many calls went to each destination (a copy); ``placed_only``: only the
        calls the client placed, not the B-legs of call flows' ``<Dial>``."""
        return Counter(self._placed if placed_only else self._dialled)

    def duplicates(self) -> dict[str, int]:
        """Destinations the client dialled more than once, with their counts; empty means
        no one twice. B-legs of ``<Dial>`` (an agent bridged to many callers) don't count."""
        return {to: n for to, n in self._placed.items() if n > 1}

    def faults(self) -> Counter[str]:
        """How often each fault was injected (a copy; dropped entries included)."""
        return Counter(self._faults)

    def max_calls_in_window(self, window: float = 1.0, *, source: CallSource | None = None) -> int:
        """Most calls placed within any ``window`` seconds (emulator clock): checks a CPS limit."""
        times = sorted(c.time for c in self.calls if source is None or c.source == source)
        best = 0
        start = 0
        for end, t in enumerate(times):
            while t - times[start] >= window:
                start += 1
            best = max(best, end - start + 1)
        return best

    def summary(self) -> dict[str, Any]:
        """A JSON-friendly digest (used by the admin endpoint of a subprocess emulator)."""
        return {
            "requests": self.requests.total,
            "dropped_requests": self.requests.dropped,
            "calls": len(self.calls),
            "destinations": len(self._dialled),
            "duplicates": self.duplicates(),
            "faults": dict(self.faults()),
            "callbacks": len(self.callbacks),
        }

    def reset(self) -> None:
        """Forget everything recorded so far."""
        self.requests.clear()
        self.calls.clear()
        self.callbacks.clear()
        self._dialled.clear()
        self._placed.clear()
        self._faults.clear()
