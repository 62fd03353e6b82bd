"""Limits: in-flight bound and the exact calls-per-second window, on a fake clock."""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import Sequence

import pytest
from aioresponses import CallbackResult, aioresponses
from hypothesis import given, settings
from hypothesis import strategies as st

from plivo_async._options import ClientOptions
from plivo_async.errors import ConfigurationError
from plivo_async.limits import PACING_MARGIN, Limits, Rate, SlidingWindowLimiter, cps_window
from plivo_async.retry import RetryPolicy
from tests.conftest import FakeClock
from tests.unit.test_transport import API, make_transport


def max_in_any_window(stamps: Sequence[float], period: float) -> int:
    """The largest number of stamps in any half-open window [t, t + period)."""
    ordered = sorted(stamps)
    best, lo = 0, 0
    for hi, t in enumerate(ordered):
        while ordered[lo] <= t - period:
            lo += 1
        best = max(best, hi - lo + 1)
    return best


async def test_in_flight_requests_never_exceed_max_concurrency() -> None:
    in_flight = peak = 0

    async def slow(url: object, **kwargs: object) -> CallbackResult:
        nonlocal in_flight, peak
        in_flight += 1
        peak = max(peak, in_flight)
        for _ in range(3):  # yield so that other requests pile up if they can
            await asyncio.sleep(0)
        in_flight -= 1
        return CallbackResult(status=200, payload={"api_id": "x"})

    limits = Limits(max_concurrency=16, rate_limit=None, calls_per_second=None)
    transport = make_transport(limits=limits)
    with aioresponses() as m:
        m.get(API + "Call/", callback=slow, repeat=True)
        results = await asyncio.gather(
            *(transport.request("GET", API + "Call/") for _ in range(500))
        )
    await transport.close()
    assert len(results) == 500
    assert peak == 16


async def test_call_placing_requests_respect_cps_in_every_window(clock: FakeClock) -> None:
    stamps: list[float] = []

    def record(url: object, **kwargs: object) -> CallbackResult:
        stamps.append(clock.now)
        return CallbackResult(status=201, payload={"api_id": "x"})

    limits = Limits(
        max_concurrency=64,
        rate_limit=None,
        calls_per_second=10,
        clock=clock,
        sleep=clock.sleep,
    )
    transport = make_transport(limits=limits, retry=RetryPolicy.never())
    with aioresponses() as m:
        m.post(API + "Call/", callback=record, repeat=True)
        m.get(API + "Call/", callback=record, repeat=True)
        await asyncio.gather(
            *(transport.request("POST", API + "Call/", json={}, calls=1) for _ in range(500))
        )
        placed = list(stamps)
        # Requests that place no call are not held back by the CPS limiter.
        before = clock.now
        await asyncio.gather(*(transport.request("GET", API + "Call/") for _ in range(50)))
    await transport.close()
    assert len(placed) == 500
    assert max_in_any_window(placed, 1.0) == 10
    # Paced, not burst: every call (1 + margin) / 10 s after the one before, no other slack
    gaps = [b - a for a, b in itertools.pairwise(placed)]
    assert min(gaps) == pytest.approx(max(gaps)) == pytest.approx((1.0 + PACING_MARGIN) / 10)
    assert 499 / (placed[-1] - placed[0]) >= 0.99 * 10
    assert clock.now == before


async def test_bulk_request_counts_each_destination(clock: FakeClock) -> None:
    limiter = SlidingWindowLimiter(Rate(5, 1.0), clock=clock, sleep=clock.sleep)
    stamps: list[float] = []
    for _ in range(4):
        await limiter.acquire(3)
        stamps.extend([clock.now] * 3)
    assert max_in_any_window(stamps, 1.0) <= 5


async def test_acquire_above_the_limit_waits_for_an_empty_window(clock: FakeClock) -> None:
    limiter = SlidingWindowLimiter(Rate(2, 1.0), clock=clock, sleep=clock.sleep)
    await limiter.acquire(1)
    start = clock.now
    await limiter.acquire(5)  # cannot be split: takes the whole window
    assert clock.now - start == pytest.approx(1.0)


@settings(max_examples=60, deadline=None)
@given(
    limit=st.integers(1, 8),
    period=st.sampled_from([0.5, 1.0, 5.0]),
    gaps=st.lists(st.floats(0, 1.5, allow_nan=False), min_size=1, max_size=60),
    sizes=st.lists(st.integers(1, 3), min_size=60, max_size=60),
)
def test_window_guarantee_holds_for_any_arrival_pattern(
    limit: int, period: float, gaps: list[float], sizes: list[int]
) -> None:
    async def scenario() -> list[float]:
        clock = FakeClock()
        limiter = SlidingWindowLimiter(Rate(limit, period), clock=clock, sleep=clock.sleep)
        stamps: list[float] = []

        async def one(delay: float, n: int) -> None:
            await clock.sleep(delay)
            await limiter.acquire(n)
            stamps.extend([clock.now] * min(n, limit))

        await asyncio.gather(*(one(g, s) for g, s in zip(gaps, sizes, strict=False)))
        return stamps

    stamps = asyncio.run(scenario())
    assert max_in_any_window(stamps, period) <= limit


def test_fractional_cps_becomes_one_call_per_longer_window() -> None:
    assert cps_window(0.5) == (Rate(1, 2 * (1 + PACING_MARGIN / 2)), 2 * (1 + PACING_MARGIN))
    assert cps_window(2) == (Rate(2, 1 + PACING_MARGIN / 2), (1 + PACING_MARGIN) / 2)
    assert cps_window(2.9)[0] == Rate(2, 1 + PACING_MARGIN / 2)  # never more than asked


@settings(max_examples=60, deadline=None)
@given(
    cps=st.sampled_from([1, 2, 3, 10, 50]),
    gaps=st.lists(st.floats(0, 0.3, allow_nan=False), min_size=1, max_size=80),
    sizes=st.lists(st.integers(1, 3), min_size=80, max_size=80),
    late=st.lists(st.floats(0, 0.05, allow_nan=False), min_size=80, max_size=80),
)
def test_paced_window_holds_even_when_waiters_wake_late(
    cps: int, gaps: list[float], sizes: list[int], late: list[float]
) -> None:
    """Grants are stamped when given: a late wake-up (a busy loop) lowers the rate only."""

    async def scenario() -> list[float]:
        clock = FakeClock()
        lateness = iter(late * 100)

        async def late_sleep(seconds: float) -> None:
            await clock.sleep(seconds + next(lateness))

        rate, spacing = cps_window(cps)
        limiter = SlidingWindowLimiter(rate, spacing=spacing, clock=clock, sleep=late_sleep)
        stamps: list[float] = []

        async def one(delay: float, n: int) -> None:
            await clock.sleep(delay)
            await limiter.acquire(n)
            stamps.extend([clock.now] * min(n, cps))

        await asyncio.gather(*(one(g, s) for g, s in zip(gaps, sizes, strict=False)))
        return stamps

    stamps = asyncio.run(scenario())
    assert max_in_any_window(stamps, 1.0) <= cps


@pytest.mark.parametrize(
    "kw",
    [
        {"max_concurrency": 0},
        {"max_concurrency": 2.5},
        {"max_concurrency": 4, "calls_per_second": 0},
        {"max_concurrency": 4, "calls_per_second": float("inf")},
        {"max_concurrency": 4, "calls_per_second": float("nan")},
        {"max_concurrency": 4, "calls_per_second": 1e-320},
        {"max_concurrency": 4, "calls_per_second": True},
        {"max_concurrency": 4, "calls_per_second": "10"},
        {"max_concurrency": 4, "rate_limit": (300, 5)},
    ],
)
def test_bad_limits_are_refused(kw: dict[str, object]) -> None:
    """Limits take what the client's options validated: the options refuse bad ones."""
    options: dict[str, object] = {"rate_limit": None, "calls_per_second": None, **kw}
    with pytest.raises(ConfigurationError):
        ClientOptions(
            auth_id="MA" + "X" * 18,
            auth_token="t" * 12,
            base_url="https://api.plivo.com",
            phlo_base_url="https://phlorunner.plivo.com",
            callinsights_base_url="https://stats.plivo.com",
            **options,  # type: ignore[arg-type]
        )


async def test_a_grant_is_restamped_only_when_it_left_late(clock: FakeClock) -> None:
    """On time (within RESTAMP_AFTER) the grant's stamp stands; late, the window counts it
    from when it left, so the next grant beyond the limit waits that much longer."""
    from plivo_async._http import RESTAMP_AFTER

    on_time = SlidingWindowLimiter(Rate(1, 1.0), clock=clock, sleep=clock.sleep)
    late = SlidingWindowLimiter(Rate(1, 1.0), clock=clock, sleep=clock.sleep)
    start = clock.now
    grant_a, grant_b = await on_time.acquire(), await late.acquire()
    assert grant_a is not None and grant_b is not None
    clock.now += RESTAMP_AFTER / 2
    await grant_a.restamp(unless_within=RESTAMP_AFTER)  # left on time: stands
    clock.now += 0.5
    await grant_b.restamp(unless_within=RESTAMP_AFTER)  # left 0.5 s late: moved
    await on_time.acquire()
    assert clock.now == pytest.approx(start + 1.0)
    await late.acquire()
    assert clock.now == pytest.approx(start + 1.5 + RESTAMP_AFTER / 2)
