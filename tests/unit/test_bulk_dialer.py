"""The pieces of a tracked, reconciled calls run: policy, dispositions, journal records."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from plivo_async.bulk.dialer import Followed
from plivo_async.bulk.journal import JournalCorruptError, load, pending_records
from plivo_async.bulk.policy import LiveCallCap, Redial
from plivo_async.bulk.records import PENDING, Code
from plivo_async.tracking import CallResult

HEADER = {"journal": "plivo-async", "version": 2, "kind": "calls", "input": None}
DIGEST = "0123456789abcdef"


def write(path: Path, *records: dict[str, Any]) -> Path:
    lines = [json.dumps(r, separators=(",", ":")) for r in (HEADER, *records)]
    path.write_text("".join(line + "\n" for line in lines))
    return path


def result(disposition: str) -> CallResult:
    return CallResult(request_uuid="r", call_uuid="c", disposition=disposition)  # type: ignore[arg-type]


# -- the redial policy -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("options", "needle"),
    [
        ({"on": {"answered"}}, "never redialled"),
        ({"on": {"engaged"}}, "unknown disposition"),
        ({"after": -1.0}, "finite number"),
        ({"after": float("nan")}, "finite number"),
        ({"attempts": 0}, "int >= 1"),
        ({"attempts": True}, "int >= 1"),
    ],
)
def test_a_redial_policy_that_cannot_be_followed_is_refused(
    options: dict[str, Any], needle: str
) -> None:
    with pytest.raises(ValueError, match=needle):
        Redial(**options)


def test_redial_is_due_after_the_delay_for_the_dispositions_named_until_the_attempts_run_out() -> (
    None
):
    policy = Redial(on="busy", after=60.0, attempts=3)
    assert policy.on == frozenset({"busy"})
    assert policy.due("busy", 1, 1000.0) == 1060.0
    assert policy.due("busy", 2, 1000.0) == 1060.0
    assert policy.due("busy", 3, 1000.0) is None  # three dials in all
    assert policy.due("no-answer", 1, 1000.0) is None
    assert policy.due(None, 1, 1000.0) is None  # no hangup seen: never redialled


@given(st.sampled_from(["answered", "machine", "failed", "cancelled", None]), st.integers(1, 9))
def test_an_answered_call_is_never_redialled_by_the_default_policy(
    disposition: str | None, dials: int
) -> None:
    if disposition != "machine":
        assert Redial(attempts=10).due(disposition, dials, 0.0) is None


# -- the live-call cap -------------------------------------------------------------------


async def test_the_live_call_cap_holds_callers_until_calls_end() -> None:
    cap = LiveCallCap(2)
    await cap.acquire()
    await cap.acquire()
    waiting = asyncio.ensure_future(cap.acquire())
    await asyncio.sleep(0)
    assert not waiting.done() and cap.live == 2
    cap.release()
    await waiting
    assert cap.live == 2 and cap.peak == 2


async def test_a_row_wider_than_the_cap_waits_for_an_empty_cap_and_goes_alone() -> None:
    cap = LiveCallCap(2)
    await cap.acquire()
    wide = asyncio.ensure_future(cap.acquire(5))
    await asyncio.sleep(0)
    assert not wide.done()
    cap.release()
    await wide
    assert cap.live == 5


async def test_a_cancelled_wait_leaves_the_cap_as_it_was() -> None:
    cap = LiveCallCap(1)
    await cap.acquire()
    waiting = asyncio.ensure_future(cap.acquire())
    await asyncio.sleep(0)
    waiting.cancel()
    with pytest.raises(asyncio.CancelledError):
        await waiting
    cap.release()
    assert cap.live == 0 and cap._waiters == []


@pytest.mark.parametrize("limit", [0, -1, 1.5, True])
def test_a_cap_that_is_not_a_positive_int_is_refused(limit: Any) -> None:
    with pytest.raises(ValueError, match="max_live_calls"):
        LiveCallCap(limit)


# -- a row's disposition -----------------------------------------------------------------


def test_a_row_of_several_calls_is_answered_if_any_was_and_unknown_while_any_is_missing() -> None:
    assert Followed((result("busy"), result("answered"))).disposition == "answered"
    assert Followed((result("busy"), result("no-answer"))).disposition == "busy"
    assert Followed((result("busy"), None)).disposition is None
    assert Followed((None, result("answered"))).disposition == "answered"
    assert Followed(()).disposition is None


# -- the journal's records of a calls run ------------------------------------------------


def test_start_records_with_a_mark_and_time_load_like_any_start(tmp_path: Path) -> None:
    start = {"s": 0, "h": DIGEST, "m": "a" * 32, "t": 1700000000.125}
    redial = {"s": 1, "h": DIGEST, "m": "b" * 32, "t": 1700000001.5, "dial": 2}
    state = load(write(tmp_path / "j", start, redial))
    assert state is not None
    assert [state.code(0), state.code(1)] == [Code.STARTED, Code.STARTED]
    assert state.digest(0) == DIGEST


def test_a_disposition_record_ends_a_row_or_makes_it_due_for_a_redial(tmp_path: Path) -> None:
    path = write(
        tmp_path / "j",
        {"s": 0, "h": DIGEST, "m": "m0", "t": 1.0},
        {"o": 0, "status": "ok", "h": DIGEST, "attempts": 1, "ms": 1.0},
        {"d": 0, "dial": 1, "disposition": "busy", "redial": 301.0},
        {"s": 1, "h": DIGEST, "m": "m1", "t": 2.0},
        {"o": 1, "status": "ok", "h": DIGEST, "attempts": 1, "ms": 1.0},
        {"d": 1, "dial": 1, "disposition": "answered"},
        {"s": 2, "h": DIGEST, "m": "m2", "t": 3.0},
        {"o": 2, "status": "unknown", "h": DIGEST, "attempts": 1, "ms": 1.0},
        {"s": 3, "h": DIGEST, "m": "m3", "t": 4.0},
        {"s": 4, "h": DIGEST, "m": "m4", "t": 5.0},
        {"o": 4, "status": "ok", "h": DIGEST, "request_uuid": "r4", "attempts": 1, "ms": 1.0},
        {"s": 5, "h": DIGEST, "m": "m5", "t": 6.0, "dial": 2},
        {"o": 5, "status": "not_sent", "h": DIGEST, "dial": 2, "attempts": 0, "ms": 1.0},
    )
    state = load(path)
    assert state is not None
    codes = [state.code(i) for i in range(6)]
    # row 1's call ended; row 4's was placed but never followed (a crash while it was live);
    # row 5's redial never reached the API: still due
    assert codes == [Code.REDIAL, Code.ENDED, Code.UNKNOWN, Code.STARTED, Code.OK, Code.REDIAL]
    pending = pending_records(path, state)
    assert set(pending) == {0, 2, 3, 5}
    first = pending[0]
    assert first.disposition is not None and first.start is not None
    assert first.disposition.redial == 301.0 and first.start.mark == "m0"
    assert pending[2].start is not None and pending[2].start.sent_at == 3.0
    assert pending[2].disposition is None
    assert pending[3].start is not None and pending[3].start.mark == "m3"
    tracked = pending_records(path, state, PENDING | {Code.OK})
    placed = tracked[4].outcome
    assert set(tracked) == {0, 2, 3, 4, 5} and placed is not None and placed.request_uuid == "r4"


def test_a_disposition_record_of_a_row_never_placed_is_corrupt(tmp_path: Path) -> None:
    path = write(tmp_path / "j", {"d": 0, "dial": 1, "disposition": "busy"})
    with pytest.raises(JournalCorruptError, match="line 2 is a disposition record"):
        load(path)


def test_a_journal_with_nothing_pending_is_not_read_again(tmp_path: Path) -> None:
    path = write(tmp_path / "j", {"o": 0, "status": "ok", "h": DIGEST, "attempts": 1, "ms": 1})
    state = load(path)
    assert state is not None
    path.write_text("not a journal any more\n")  # a second pass would choke on this
    assert pending_records(path, state) == {}


def test_pending_names_every_call_of_the_rows_earlier_dials(tmp_path: Path) -> None:
    """A resume must know the row's own earlier calls: reconciling its next dial must never
    take one of them for the dial in flight (the soak found a redial lost that way)."""
    path = write(
        tmp_path / "j",
        {"s": 0, "h": DIGEST, "m": "m0", "t": 1.0},
        {"o": 0, "status": "ok", "h": DIGEST, "request_uuid": "r1", "attempts": 1, "ms": 1.0},
        {"d": 0, "dial": 1, "disposition": "busy", "call_uuid": "c1", "redial": 3.0},
        {"s": 0, "h": DIGEST, "m": "m1", "t": 4.0, "dial": 2},
        {"o": 0, "status": "ok", "h": DIGEST, "request_uuid": "['r2', 'r3']", "dial": 2,
         "attempts": 1, "ms": 1.0},
        {"d": 0, "dial": 2, "disposition": "busy", "call_uuid": "c2", "redial": 6.0},
        {"s": 0, "h": DIGEST, "m": "m2", "t": 7.0, "dial": 3},
    )  # fmt: skip
    state = load(path)
    assert state is not None
    pending = pending_records(path, state)
    assert pending[0].calls == {"r1", "c1", "r2", "r3", "c2"}
    assert pending[0].start is not None and pending[0].start.dial == 3
