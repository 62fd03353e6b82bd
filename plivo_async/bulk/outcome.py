"""What became of each row (:class:`Outcome`) and of the whole run (:class:`Summary`)."""

from __future__ import annotations

import math
import time
from collections import Counter
from collections.abc import Mapping
from typing import Any

import attrs

from ..errors import (
    AuthenticationError,
    ForbiddenError,
    LimitsUnavailableError,
    OutcomeUnknownError,
    PlivoServerError,
    PlivoTransportError,
    RateLimitError,
    ValidationError,
)
from ..models.phlo import MultiPartyCallActionRequest

__all__ = [
    "ERROR_CHARS",
    "MpcActionRow",
    "Outcome",
    "Summary",
    "destination",
    "error_text",
    "never_reached",
    "row_request",
]


def never_reached(error: BaseException | None) -> bool:
    """Whether the request was never acted on by the API, so nothing is final about it:
    no connection was made (nothing left this host), or the API answered "not now"
    (429, 503) to every attempt. Such a row is ``not_sent``: a resume sends it."""
    if isinstance(error, PlivoTransportError):
        return not error.sent
    return isinstance(error, RateLimitError) or (
        isinstance(error, PlivoServerError) and error.status == 503
    )


@attrs.frozen
class Outcome:
    """What became of one input row.

    ``status`` is ``ok``; ``invalid`` (refused before sending); ``failed`` (the API said no);
    ``unknown`` (the call may or may not have been placed: an ambiguous failure, or in flight
    when a previous run died or this one was cancelled); ``cancelled`` (never sent; a
    resumed run sends it); or ``not_sent`` (nothing was placed and nothing final happened: the
    API was never reached or answered "not now" to every attempt (:func:`never_reached`),
    or a failure of the run itself stopped it: a 401 or 403 answer, which says the
    credentials or the account are wrong, or a journal that could not be written; a
    resumed run sends it).
    ``waited`` is the part of ``elapsed`` spent waiting for the client's own limits.

    In a calls run: ``reconciled`` says what reconciliation made of an ambiguous create
    (``found``, ``not_placed`` then resent, ``unknown``), ``note`` why, in words. With
    tracking: ``disposition`` is how the call ended (``answered``, ``busy``,
    ``no-answer``, ``failed``, ``machine``, ``cancelled``; None if no hangup came within
    the wait), ``call`` its :class:`~plivo_async.tracking.CallResult` (duration, hangup
    cause), ``dials`` how many times the row was dialled (redials included), and
    ``placed`` the calls it placed in all; ``redial_at`` the moment (epoch seconds) of a
    redial that is due and was not made in this run (the API refused every attempt, or
    the run stopped first): the row is not done, and a resume makes it.
    """

    index: int
    request: Any
    response: Any = None
    error: BaseException | None = None
    attempts: int = 0
    elapsed: float = 0.0
    status: str = attrs.field()
    waited: float = 0.0
    reconciled: str | None = None
    note: str | None = None
    disposition: str | None = None
    call: Any = None
    dials: int = 1
    placed: int = attrs.field()
    redial_at: float | None = None

    @status.default
    def _status(self) -> str:
        if self.error is None:
            return "ok"
        if isinstance(self.error, OutcomeUnknownError):
            return "unknown"
        if isinstance(
            self.error, (AuthenticationError, ForbiddenError, LimitsUnavailableError)
        ) or never_reached(self.error):
            return "not_sent"
        if isinstance(self.error, ValidationError) and self.error.status is None:
            return "invalid"
        return "failed"

    @placed.default
    def _placed(self) -> int:
        return int(getattr(row_request(self.request), "calls", 1)) if self.status == "ok" else 0

    @property
    def ok(self) -> bool:
        return self.status == "ok"


@attrs.frozen
class MpcActionRow:
    """One bulk MPC action: which PHLO node, and what to do there."""

    phlo_id: str
    node_id: str
    request: MultiPartyCallActionRequest


class _Histogram:
    """Latency percentiles in constant memory (log buckets, about 2% resolution)."""

    _GROWTH = math.log(1.02)

    def __init__(self) -> None:
        self._buckets: Counter[int] = Counter()
        self.count = 0

    def add(self, seconds: float) -> None:
        self._buckets[int(math.log(max(seconds, 1e-6)) / self._GROWTH)] += 1
        self.count += 1

    def quantile(self, q: float) -> float | None:
        if not self.count:
            return None
        rank, seen = q * self.count, 0
        for bucket in sorted(self._buckets):
            seen += self._buckets[bucket]
            if seen >= rank:
                return math.exp((bucket + 0.5) * self._GROWTH)
        return None  # pragma: no cover - unreachable: seen reaches count


@attrs.define
class Summary:
    """Running totals of a bulk run; final once the run ends."""

    rows: int = 0
    ok: int = 0
    placed: int = 0
    failed: Counter[str] = attrs.Factory(Counter)
    invalid: int = 0
    unknown: int = 0
    cancelled: int = 0
    #: Rows that ended without being sent and that a resume sends: ``cancelled`` ones and
    #: those stopped by a failure of the run (a 401/403, the journal).
    not_sent: int = 0
    skipped: int = 0
    attempts: int = 0
    retries: int = 0
    started: float = attrs.Factory(time.perf_counter)
    elapsed: float = 0.0
    stopped: str | None = None
    latency: _Histogram = attrs.Factory(_Histogram)
    #: Time rows spent waiting for the client's own limits (concurrency, rate, CPS).
    wait: _Histogram = attrs.Factory(_Histogram)
    #: What reconciliation made of the ambiguous creates: found / not_placed / unknown.
    reconciled: Counter[str] = attrs.Factory(Counter)
    #: API requests reconciliation made (they go through the same limits).
    lookups: int = 0
    #: Rows by final disposition (tracked runs); rows whose call never reported an end
    #: (no hangup within the wait, no record) are not counted here.
    dispositions: Counter[str] = attrs.Factory(Counter)
    #: Dials beyond each row's first (the redial policy).
    redials: int = 0
    #: Rows whose redial is due and was not made in this run (a resume makes them).
    redials_due: int = 0

    def add(self, outcome: Outcome) -> None:
        self.rows += 1
        self.placed += getattr(outcome, "placed", 0)
        self.redials += max(getattr(outcome, "dials", 1) - 1, 0)
        self.redials_due += getattr(outcome, "redial_at", None) is not None
        disposition = getattr(outcome, "disposition", None)
        if disposition is not None:
            self.dispositions[disposition] += 1
        self.attempts += outcome.attempts
        self.retries += max(outcome.attempts - 1, 0)
        # time spent waiting for the client's own limits is not the API's latency
        waited = getattr(outcome, "waited", 0.0) or 0.0
        if outcome.attempts:
            self.wait.add(waited)
        if outcome.status == "ok":
            self.ok += 1
            self.latency.add(max(outcome.elapsed - waited, 0.0))
        elif outcome.status == "failed":
            self.failed[type(outcome.error).__name__] += 1
        elif outcome.status in ("cancelled", "not_sent"):
            self.not_sent += 1
            self.cancelled += outcome.status == "cancelled"
        else:
            setattr(self, outcome.status, getattr(self, outcome.status) + 1)
        self.elapsed = time.perf_counter() - self.started

    @property
    def calls_per_second(self) -> float:
        return self.placed / self.elapsed if self.elapsed > 0 else 0.0

    @property
    def p50(self) -> float | None:
        return self.latency.quantile(0.50)

    @property
    def p95(self) -> float | None:
        return self.latency.quantile(0.95)

    @property
    def wait_p50(self) -> float | None:
        return self.wait.quantile(0.50)

    @property
    def wait_p95(self) -> float | None:
        return self.wait.quantile(0.95)

    def as_dict(self) -> dict[str, Any]:
        """A JSON-ready view (what the CLI prints and benchmarks record)."""
        return {
            "rows": self.rows,
            "ok": self.ok,
            "placed": self.placed,
            "failed": dict(self.failed),
            "invalid": self.invalid,
            "unknown": self.unknown,
            "cancelled": self.cancelled,
            "not_sent": self.not_sent,
            "skipped": self.skipped,
            "retries": self.retries,
            "elapsed_s": round(self.elapsed, 3),
            "calls_per_second": round(self.calls_per_second, 2),
            "p50_ms": None if self.p50 is None else round(self.p50 * 1000, 1),
            "p95_ms": None if self.p95 is None else round(self.p95 * 1000, 1),
            "wait_p50_ms": _ms(self.wait.quantile(0.50)),
            "wait_p95_ms": _ms(self.wait.quantile(0.95)),
            "stopped": self.stopped,
            "reconciled": dict(self.reconciled),
            "lookups": self.lookups,
            "dispositions": dict(self.dispositions),
            "redials": self.redials,
            "redials_due": self.redials_due,
        }

    def render(self) -> str:
        """A short human summary; zero counts of the rarer statuses are left out."""
        d = self.as_dict()
        parts = [f"rows {d['rows']}: placed {d['placed']} ({d['ok']} ok)"]
        failed = sum(d["failed"].values())
        if failed:
            kinds = ", ".join(f"{k} {v}" for k, v in sorted(d["failed"].items()))
            parts.append(f"failed {failed} ({kinds})")
        for key in ("invalid", "unknown"):
            if d[key]:
                parts.append(f"{key} {d[key]}")
        if self.not_sent:
            parts.append(f"not sent {self.not_sent} (a resume sends them)")
        if d["skipped"]:
            parts.append(f"skipped {d['skipped']} (done in an earlier run)")
        lines = [", ".join(parts)]
        if self.reconciled:
            found = ", ".join(f"{k} {v}" for k, v in sorted(self.reconciled.items()))
            lines.append(
                f"reconciled {sum(self.reconciled.values())} ({found}), {self.lookups} lookups"
            )
        if self.dispositions:
            kinds = ", ".join(f"{k} {v}" for k, v in sorted(self.dispositions.items()))
            redials = f", {self.redials} redials" if self.redials else ""
            lines.append(f"dispositions: {kinds}{redials}")
        if self.redials_due:
            lines.append(f"redials due {self.redials_due} (not made yet: a resume makes them)")
        lines += [
            f"retries {d['retries']}, {d['calls_per_second']} calls/s over {d['elapsed_s']} s",
            f"API latency p50 {_shown(d['p50_ms'])}, p95 {_shown(d['p95_ms'])}; "
            f"limit wait p50 {_shown(d['wait_p50_ms'])}, "
            f"p95 {_shown(d['wait_p95_ms'])}",
        ]
        if d["stopped"]:
            lines.append(f"stopped early: {d['stopped']}")
        return "\n".join(lines)

    __str__ = render


def _ms(seconds: float | None) -> float | None:
    return None if seconds is None else round(seconds * 1000, 1)


def _shown(ms: float | None) -> str:
    return "n/a" if ms is None else f"{ms} ms"


def row_request(request: Any) -> Any:
    """The request model of a row (an MPC row wraps one)."""
    return request.request if isinstance(request, MpcActionRow) else request


#: Characters of an error text or note kept in reports.
ERROR_CHARS = 300


def error_text(error: BaseException | None) -> str:
    """One line of error text: the exception's name and message, capped."""
    if error is None:
        return ""
    text = " ".join(f"{type(error).__name__}: {error}".split())
    return text[:ERROR_CHARS]


def destination(row: Any) -> str:
    """The ``to`` of a row: a request model's, or a dict row's (as given)."""
    if isinstance(row, Mapping):
        return str(row.get("to", ""))
    return str(getattr(row_request(row), "to", "") or "")
