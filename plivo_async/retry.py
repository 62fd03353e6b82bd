"""Which failures are retried, how long to wait, and when to stop.

The rule that matters: a request that may have placed a call is never sent again unless
the caller said so. Failures fall in three classes:

* **safe**: the API certainly did nothing (429, 503, a connection that failed before the
  request was sent). Retried for every request.
* **ambiguous**: the request may have been acted on (other 5xx, a timeout or a reset after
  sending). Retried only for idempotent requests; a non-idempotent one raises
  :class:`~plivo_async.errors.OutcomeUnknownError` unless ``retry_unsafe=True``.
* **final**: everything else (4xx but 429). Raised at once.

Why not ``stamina``/``tenacity``: the decision depends on the request (idempotent or not,
opted in or not), the wait on the response (``Retry-After``), and the stop on a budget
shared by all requests of a client. Expressed in either library, that is more code than
the one loop that applies this policy (``_base_client.BaseClient``), and harder to read.
"""

from __future__ import annotations

import asyncio
import enum
import math
import random as _random
import time
from collections.abc import Awaitable, Callable
from email.utils import parsedate_to_datetime

import attrs

from .errors import (
    PlivoError,
    PlivoRestError,
    PlivoServerError,
    PlivoTransportError,
    RateLimitError,
    ResponseTooLargeError,
)

__all__ = ["RetryBudget", "RetryPolicy", "Verdict", "classify", "may_retry"]


class Verdict(enum.Enum):
    SAFE = "safe"
    AMBIGUOUS = "ambiguous"
    FINAL = "final"


def classify(exc: PlivoError) -> Verdict:
    """Sort a failure into safe to retry, ambiguous, or final (see the module docstring)."""
    if isinstance(exc, RateLimitError):
        return Verdict.SAFE
    if isinstance(exc, PlivoServerError):
        return Verdict.SAFE if exc.status == 503 else Verdict.AMBIGUOUS
    if isinstance(exc, PlivoTransportError):
        return Verdict.AMBIGUOUS if exc.sent else Verdict.SAFE
    if isinstance(exc, ResponseTooLargeError):
        return Verdict.AMBIGUOUS  # the API said yes; asking again brings the same flood
    if isinstance(exc, PlivoRestError) and exc.status is not None and 200 <= exc.status < 300:
        return Verdict.AMBIGUOUS  # the API said yes, but its answer was unreadable
    return Verdict.FINAL


def may_retry(verdict: Verdict, exc: PlivoError, *, idempotent: bool, retry_unsafe: bool) -> bool:
    """Whether this request may be sent again after ``exc`` (the module docstring's rule).

    An over-long success is never asked for again: the same flood would come back.
    """
    if verdict is Verdict.SAFE:
        return True
    return (
        verdict is Verdict.AMBIGUOUS
        and (idempotent or retry_unsafe)
        and not isinstance(exc, ResponseTooLargeError)
    )


@attrs.frozen
class RetryPolicy:
    """Full-jitter exponential backoff, capped, with a deadline and a retry budget.

    The n-th retry (n from 0) waits ``random() * min(cap, base * 2**n)`` seconds, or the
    server's ``Retry-After`` capped at ``max_retry_after``. At most ``max_attempts``
    attempts are made, none starting after ``deadline`` seconds. The budget allows retries
    up to ``budget_ratio`` of requests plus ``budget_per_second`` (``budget_initial`` at
    start, never more than ``budget_capacity`` saved up), so a dead API gets fast failures
    instead of a multiplied load.
    ``sleep``, ``clock``, ``wall_clock`` and ``random`` are injectable for tests.
    """

    base: float = 0.5
    cap: float = 30.0
    max_attempts: int = attrs.field(default=5, validator=attrs.validators.ge(1))
    deadline: float = 300.0
    max_retry_after: float = 60.0
    budget_ratio: float = 0.2
    budget_per_second: float = 10.0
    budget_initial: float = 20.0
    budget_capacity: float = 100.0
    sleep: Callable[[float], Awaitable[object]] = attrs.field(default=asyncio.sleep, repr=False)
    clock: Callable[[], float] = attrs.field(default=time.monotonic, repr=False)
    wall_clock: Callable[[], float] = attrs.field(default=time.time, repr=False)
    random: Callable[[], float] = attrs.field(default=_random.random, repr=False)

    @classmethod
    def never(cls) -> RetryPolicy:
        """A policy that makes exactly one attempt."""
        return cls(max_attempts=1)

    def backoff(self, retry: int) -> float:
        """Seconds to wait before retry number ``retry`` (0-based), full jitter."""
        return self.random() * min(self.cap, self.base * 2.0**retry)

    def retry_after(self, value: str | None) -> float | None:
        """Parse a ``Retry-After`` header (seconds or HTTP date), capped; None if absent/bad.

        Non-finite values (``nan``, ``inf``, ``1e999``) are ignored like any other garbage:
        ``asyncio.sleep(nan)`` never returns, and ``nan`` defeats every comparison.
        """
        if not value:
            return None
        try:
            seconds = float(value)
        except ValueError:
            try:
                seconds = parsedate_to_datetime(value).timestamp() - self.wall_clock()
            except (TypeError, ValueError, IndexError, OverflowError):
                return None
        if not math.isfinite(seconds):
            return None
        return min(max(seconds, 0.0), self.max_retry_after)

    def delay(self, exc: PlivoError, retry: int) -> float:
        """The wait before the next attempt: ``Retry-After`` wins over the backoff.

        Always a finite number of seconds >= 0, whatever the error carries.
        """
        after = exc.retry_after if isinstance(exc, RateLimitError) else None
        if after is not None and math.isfinite(after):
            return min(max(after, 0.0), self.max_retry_after)
        wait = self.backoff(retry)
        return wait if math.isfinite(wait) and wait >= 0.0 else 0.0


class RetryBudget:
    """A token bucket shared by one client's requests: each retry spends a token."""

    def __init__(self, policy: RetryPolicy) -> None:
        self._policy = policy
        self._capacity = max(policy.budget_capacity, policy.budget_initial, 1.0)
        self._tokens = policy.budget_initial
        self._stamp = policy.clock()

    @property
    def tokens(self) -> float:
        return self._tokens

    def deposit(self) -> None:
        """Called once per request: earns ``budget_ratio`` of a retry."""
        self._tokens = min(self._capacity, self._tokens + self._policy.budget_ratio)

    def withdraw(self) -> bool:
        """Take one retry's token if there is one."""
        now = self._policy.clock()
        refill = (now - self._stamp) * self._policy.budget_per_second
        self._stamp = now
        self._tokens = min(self._capacity, self._tokens + refill)
        if self._tokens >= 1.0:
            self._tokens -= 1.0
            return True
        return False
