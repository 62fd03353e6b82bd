"""Retry: the decision table, the backoff formula, Retry-After, the budget, the deadline."""

from __future__ import annotations

import asyncio
import email.utils
import math
from typing import Any

import aiohttp
import pytest
from aioresponses import aioresponses
from hypothesis import given, settings
from multidict import CIMultiDict, CIMultiDictProxy

from plivo_async import errors
from plivo_async._base_client import BaseClient
from plivo_async._types import ApiRequest, ApiResponse, AttemptCounter
from plivo_async.limits import Grant, Limits
from plivo_async.retry import RetryBudget, RetryPolicy
from tests.conftest import FakeClock
from tests.unit.test_transport import API, make_transport

URL = API + "Call/"
MAX_ATTEMPTS = 4


def policy(clock: FakeClock, **kw: object) -> RetryPolicy:
    options: dict[str, object] = {
        "max_attempts": MAX_ATTEMPTS,
        "sleep": clock.sleep,
        "clock": clock,
        "random": lambda: 0.5,
        "budget_initial": 100.0,
    }
    options.update(kw)
    return RetryPolicy(**options)  # type: ignore[arg-type]


def connect_error() -> Exception:
    return aiohttp.ClientConnectorError(None, OSError(111, "refused"))  # type: ignore[arg-type]


FAULTS: dict[str, dict[str, object]] = {
    "429": {"status": 429, "payload": {"api_id": "r", "error": "too many"}},
    "500": {"status": 500, "payload": {"api_id": "r", "error": "oops"}},
    "502": {"status": 502, "payload": {"api_id": "r", "error": "bad gw"}},
    "503": {"status": 503, "payload": {"api_id": "r", "error": "unavailable"}},
    "504": {"status": 504, "payload": {"api_id": "r", "error": "gw timeout"}},
    "timeout": {"exception": TimeoutError()},
    "connect": {"exception": connect_error()},
    "reset": {"exception": aiohttp.ServerDisconnectedError()},
}
SAFE = {"429", "503", "connect"}
FINAL_ERROR = {
    "429": errors.RateLimitError,
    "500": errors.PlivoServerError,
    "502": errors.PlivoServerError,
    "503": errors.PlivoServerError,
    "504": errors.PlivoServerError,
    "timeout": errors.PlivoTimeoutError,
    "connect": errors.PlivoConnectionError,
    "reset": errors.PlivoConnectionError,
}


def expected(fault: str, idempotent: bool, unsafe: bool) -> tuple[int, type[Exception]]:
    """The decision table, stated once: (attempts made, exception raised)."""
    if fault in SAFE:
        return MAX_ATTEMPTS, FINAL_ERROR[fault]
    if idempotent:
        return MAX_ATTEMPTS, FINAL_ERROR[fault]
    if unsafe:
        return MAX_ATTEMPTS, errors.OutcomeUnknownError
    return 1, errors.OutcomeUnknownError


@pytest.mark.parametrize("counted", [True, False], ids=["counted", "uncounted"])
@pytest.mark.parametrize("unsafe", [False, True], ids=["safe-only", "retry_unsafe"])
@pytest.mark.parametrize("idempotent", [True, False], ids=["idempotent", "non-idempotent"])
@pytest.mark.parametrize("fault", list(FAULTS))
async def test_decision_table(
    fault: str, idempotent: bool, unsafe: bool, counted: bool, clock: FakeClock
) -> None:
    # with an observer or without, the one retry loop makes the same decisions
    transport = make_transport(retry=policy(clock))
    counter = AttemptCounter() if counted else None
    with aioresponses() as m:
        m.post(URL, repeat=True, **FAULTS[fault])  # type: ignore[arg-type]
        with pytest.raises(Exception) as caught:
            await transport.request(
                "POST",
                URL,
                json={"to": "1"},
                idempotent=idempotent,
                retry_unsafe=unsafe,
                observer=counter,
            )
        sent = len(m.requests[("POST", aiohttp.client.URL(URL))])
    await transport.close()
    attempts, exc_type = expected(fault, idempotent, unsafe)
    assert type(caught.value) is exc_type
    assert sent == attempts
    assert len(clock.sleeps) == attempts - 1
    if counter is not None:
        assert counter.attempts == attempts and counter.retries == attempts - 1
    if exc_type is errors.OutcomeUnknownError:
        assert caught.value.attempts == attempts  # type: ignore[attr-defined]
        assert type(caught.value.__cause__) is FINAL_ERROR[fault]


@pytest.mark.parametrize("fault", list(FAULTS))
async def test_a_retried_request_that_then_succeeds_returns_the_success(
    fault: str, clock: FakeClock
) -> None:
    transport = make_transport(retry=policy(clock))
    with aioresponses() as m:
        m.get(URL, **FAULTS[fault])  # type: ignore[arg-type]
        m.get(URL, status=200, payload={"api_id": "ok"})
        assert await transport.request("GET", URL) == {"api_id": "ok"}
    await transport.close()
    assert len(clock.sleeps) == 1


@pytest.mark.parametrize("status", [400, 401, 403, 404, 405])
async def test_client_errors_are_never_retried(status: int, clock: FakeClock) -> None:
    transport = make_transport(retry=policy(clock))
    with aioresponses() as m:
        m.get(URL, status=status, payload={"api_id": "x"}, repeat=True)
        with pytest.raises(errors.PlivoRestError):
            await transport.request("GET", URL)
        assert len(m.requests[("GET", aiohttp.client.URL(URL))]) == 1
    await transport.close()
    assert clock.sleeps == []


async def test_backoff_delays_follow_the_full_jitter_formula(clock: FakeClock) -> None:
    draws = iter([0.9, 0.25, 0.5, 1.0, 0.1])
    p = policy(clock, base=0.5, cap=3.0, max_attempts=6, random=lambda: next(draws))
    transport = make_transport(retry=p)
    with aioresponses() as m:
        m.get(URL, status=503, repeat=True)
        with pytest.raises(errors.PlivoServerError):
            await transport.request("GET", URL)
    await transport.close()
    # random() * min(cap, base * 2**n) for n = 0..4
    assert clock.sleeps == pytest.approx([0.9 * 0.5, 0.25 * 1.0, 0.5 * 2.0, 1.0 * 3.0, 0.1 * 3.0])


def test_backoff_formula_directly() -> None:
    p = RetryPolicy(base=0.2, cap=1.0, random=lambda: 0.75)
    assert [p.backoff(n) for n in range(5)] == pytest.approx([0.15, 0.3, 0.6, 0.75, 0.75])


@pytest.mark.parametrize(
    ("header", "wait"),
    [("7", 7.0), ("2.5", 2.5), ("3600", 60.0), ("-4", 0.0)],
    ids=["seconds", "fraction", "capped", "negative"],
)
async def test_retry_after_seconds_wins_and_is_capped(
    header: str, wait: float, clock: FakeClock
) -> None:
    transport = make_transport(retry=policy(clock, max_retry_after=60.0))
    with aioresponses() as m:
        m.post(URL, status=429, headers={"Retry-After": header})
        m.post(URL, status=201, payload={"api_id": "ok"})
        await transport.request("POST", URL, json={})
    await transport.close()
    assert clock.sleeps == [wait]


async def test_retry_after_http_date_wins_and_is_capped(clock: FakeClock) -> None:
    wall = 1_700_000_000.0
    soon = email.utils.formatdate(wall + 12, usegmt=True)
    late = email.utils.formatdate(wall + 10_000, usegmt=True)
    p = policy(clock, wall_clock=lambda: wall, max_retry_after=30.0)
    transport = make_transport(retry=p)
    with aioresponses() as m:
        m.get(URL, status=429, headers={"Retry-After": soon})
        m.get(URL, status=429, headers={"Retry-After": late})
        m.get(URL, status=200, payload={})
        await transport.request("GET", URL)
    await transport.close()
    assert clock.sleeps == [12.0, 30.0]


def test_unparseable_retry_after_falls_back_to_backoff() -> None:
    p = RetryPolicy(random=lambda: 1.0)
    assert p.retry_after("soon-ish") is None
    assert p.retry_after(None) is None


async def test_budget_runs_out_and_the_error_comes_fast(clock: FakeClock) -> None:
    p = policy(clock, max_attempts=10, budget_initial=3.0, budget_ratio=0.0, budget_per_second=0.0)
    transport = make_transport(retry=p)
    with aioresponses() as m:
        m.get(URL, status=503, repeat=True)
        with pytest.raises(errors.PlivoServerError):
            await transport.request("GET", URL)
        first = len(m.requests[("GET", aiohttp.client.URL(URL))])
        with pytest.raises(errors.PlivoServerError):
            await transport.request("GET", URL)
        second = len(m.requests[("GET", aiohttp.client.URL(URL))]) - first
    await transport.close()
    assert first == 4  # 1 attempt + the 3 retries the budget held
    assert second == 1  # budget empty: no retry at all, no sleeping
    assert len(clock.sleeps) == 3


def test_budget_refills_with_requests_and_time(clock: FakeClock) -> None:
    p = RetryPolicy(clock=clock, budget_initial=1.0, budget_ratio=0.5, budget_per_second=0.1)
    budget = RetryBudget(p)
    assert budget.withdraw()
    assert not budget.withdraw()
    budget.deposit()
    budget.deposit()
    assert budget.withdraw()
    clock.now += 10.0
    assert budget.withdraw()
    assert not budget.withdraw()


async def test_deadline_stops_retries(clock: FakeClock) -> None:
    p = policy(clock, max_attempts=50, deadline=5.0, random=lambda: 1.0, base=1.0, cap=1.0)
    transport = make_transport(retry=p)
    with aioresponses() as m:
        m.get(URL, status=503, repeat=True)
        with pytest.raises(errors.PlivoServerError):
            await transport.request("GET", URL)
    await transport.close()
    assert sum(clock.sleeps) <= 5.0
    assert len(clock.sleeps) == 5


async def test_the_deadline_counts_from_the_first_attempt_on_the_direct_path(
    clock: FakeClock,
) -> None:
    p = policy(
        clock,
        max_attempts=50,
        deadline=5.0,
        random=lambda: 1.0,
        base=1.0,
        cap=1.0,
        budget_initial=1.0,
    )
    transport = make_transport(retry=p)

    def slow_503(url: object, **kwargs: object) -> None:
        clock.now += 4.5  # the first attempt takes most of the deadline

    with aioresponses() as m:
        m.get(URL, status=503, callback=slow_503)
        m.get(URL, status=200, payload={"api_id": "late"})
        with pytest.raises(errors.PlivoServerError):
            await transport.request("GET", URL)  # 4.5 s + a 1 s wait > 5 s: no retry
    await transport.close()
    assert clock.sleeps == []
    assert transport.budget.tokens == pytest.approx(1.0 + p.budget_ratio)  # one deposit


async def test_limits_are_taken_again_for_each_attempt(clock: FakeClock) -> None:
    class CountingLimiter:
        def __init__(self) -> None:
            self.taken = 0

        async def acquire(self, n: int = 1) -> None:
            self.taken += n

    requests, calls = CountingLimiter(), CountingLimiter()
    limits = Limits(max_concurrency=2, rate_limit=requests, calls_per_second=calls)
    transport = make_transport(retry=policy(clock), limits=limits)
    with aioresponses() as m:
        m.post(URL, status=429)
        m.post(URL, status=201, payload={})
        await transport.request("POST", URL, json={}, calls=3)
    await transport.close()
    assert requests.taken == 2
    assert calls.taken == 6


class Observer:
    """Writes down what it hears, in order."""

    def __init__(self, refuse: bool = False) -> None:
        self.events: list[str] = []
        self.refuse = refuse

    def limits_granted(self, waited: float) -> None:
        self.events.append("limits")

    async def before_attempt(self, attempt: int) -> None:
        if self.refuse:
            raise OSError("journal: disk full")
        self.events.append(f"leave {attempt}")

    def attempt_done(self, attempt: int, error: errors.PlivoError | None) -> None:
        self.events.append(f"done {attempt} {type(error).__name__ if error else 'ok'}")


async def test_the_observer_hears_each_attempt_in_order(clock: FakeClock) -> None:
    transport = make_transport(retry=policy(clock))
    observer = Observer()
    with aioresponses() as m:
        m.post(URL, status=429)
        m.post(URL, status=201, payload={"request_uuid": "u"})
        await transport.request("POST", URL, json={}, observer=observer)
    await transport.close()
    assert observer.events == ["limits", "leave 1", "done 1 RateLimitError", "leave 2", "done 2 ok"]


async def test_an_attempt_the_observer_refuses_never_leaves(clock: FakeClock) -> None:
    transport = make_transport(retry=policy(clock))
    with aioresponses() as m:
        m.post(URL, status=201, payload={"request_uuid": "u"})
        with pytest.raises(OSError, match="disk full"):
            await transport.request("POST", URL, json={}, observer=Observer(refuse=True))
        assert not m.requests
    await transport.close()


async def test_unreadable_success_on_a_call_create_is_an_unknown_outcome(clock: FakeClock) -> None:
    transport = make_transport(retry=policy(clock))
    with aioresponses() as m:
        m.post(URL, status=201, body=b"<html>call fired</html>", repeat=True)
        with pytest.raises(errors.OutcomeUnknownError) as caught:
            await transport.request("POST", URL, json={"to": "1"})
        assert len(m.requests[("POST", aiohttp.client.URL(URL))]) == 1  # not re-sent
    await transport.close()
    cause = caught.value.__cause__
    assert isinstance(cause, errors.PlivoRestError) and cause.status == 201


# -- issue 11.6: hostile Retry-After values never hang and never beat the deadline ----------

HOSTILE_RETRY_AFTER = [
    "nan",
    "NaN",
    "-nan",
    "+nan",
    " nan ",
    "inf",
    "-inf",
    "Infinity",
    "1e999",
    "-1e999",
    "1e308",
    "-5",
    "0",
    "Wed, 21 Oct 9999 07:28:00 GMT",
    "Mon, 01 Jan 0001 00:00:00 GMT",
    "",
    "soon",
]


def _retry_after_values() -> Any:
    from hypothesis import strategies as st

    return st.one_of(
        st.sampled_from(HOSTILE_RETRY_AFTER),
        st.floats(allow_nan=True, allow_infinity=True).map(repr),
        st.floats(allow_nan=True, allow_infinity=True).map(str),
        st.text(max_size=40),
    )


@settings(max_examples=300, deadline=None)
@given(value=_retry_after_values())
def test_retry_after_is_none_or_finite_and_capped(value: str) -> None:
    parsed = RetryPolicy(max_retry_after=60.0).retry_after(value)
    assert parsed is None or (math.isfinite(parsed) and 0.0 <= parsed <= 60.0)


@settings(max_examples=150, deadline=None)
@given(value=_retry_after_values())
def test_deadline_holds_whatever_retry_after_the_server_sends(value: str) -> None:
    clock = FakeClock()
    retry = policy(clock, max_attempts=10_000, deadline=30.0, max_retry_after=60.0)
    attempts = 0

    class SlowDown:
        """An HTTP layer answering every attempt 429 with the hostile ``Retry-After``."""

        def check_loop(self) -> None:
            """Any loop will do."""

        async def send(self, request: ApiRequest, grant: Grant | None = None) -> ApiResponse:
            nonlocal attempts
            attempts += 1
            headers = CIMultiDictProxy(CIMultiDict({"Retry-After": value}))
            return ApiResponse(429, headers, b'{"error": "slow down"}')

    base = make_transport(retry=retry)
    client = BaseClient(base.options, base.limits, http=SlowDown())  # type: ignore[arg-type]
    started = clock.now
    with pytest.raises(errors.RateLimitError):
        asyncio.run(client.request("POST", URL, json={}, idempotent=False))
    assert all(math.isfinite(s) and s >= 0 for s in clock.sleeps), clock.sleeps
    assert clock.now - started <= 30.0
    assert attempts < 10_000


@pytest.mark.parametrize("after", [math.nan, math.inf, -math.inf, -1.0])
def test_delay_never_returns_a_non_finite_or_negative_wait(after: float) -> None:
    retry = RetryPolicy(random=lambda: 0.5)
    exc = errors.RateLimitError("x", status=429, retry_after=after)
    wait = retry.delay(exc, 0)
    assert math.isfinite(wait) and wait >= 0.0
