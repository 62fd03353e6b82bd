"""CallTracker on synthetic callbacks: linking, dedup, dispositions, waiting on events."""

from __future__ import annotations

import asyncio

import attrs
import pytest
from aiohttp.test_utils import make_mocked_request

from plivo_async.tracking import CallTracker, disposition_of
from plivo_async.webhooks import HangupEvent, MPCEvent, parse_event


def cb(event: str, request: str = "req-1", call: str = "call-1", **extra: str) -> object:
    return parse_event({"Event": event, "RequestUUID": request, "CallUUID": call, **extra})


def hangup(**params: str) -> HangupEvent:
    return HangupEvent.from_params({"Event": "Hangup", "RequestUUID": "r", **params})


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        (
            {"CallStatus": "completed", "Duration": "12", "HangupCause": "NORMAL_CLEARING"},
            "answered",
        ),
        ({"CallStatus": "busy", "HangupCause": "NO_ANSWER"}, "busy"),
        ({"CallStatus": "no-answer", "HangupCause": "NO_ANSWER"}, "no-answer"),
        ({"CallStatus": "timeout"}, "no-answer"),
        ({"CallStatus": "cancel", "HangupCause": "ORIGINATOR_CANCEL"}, "cancelled"),
        ({"CallStatus": "failed", "HangupCauseCode": "2000"}, "failed"),
        ({"HangupCauseCode": "1010"}, "cancelled"),
        ({"HangupCauseCode": "2030"}, "failed"),
        ({"HangupCauseCode": "4000"}, "answered"),
        ({"HangupCauseCode": "3000", "HangupCauseName": "Busy Line"}, "busy"),
        ({"HangupCauseCode": "3020"}, "no-answer"),
        ({"HangupCause": "USER_BUSY"}, "busy"),
        ({"HangupCause": "Machine Detected", "CallStatus": "completed"}, "machine"),
        ({"HangupCause": "ORIGINATOR_CANCEL"}, "cancelled"),
        ({"AnswerTime": "2026-01-01 10:00:00", "CallStatus": "weird"}, "answered"),
        ({}, "failed"),
    ],
)
def test_the_disposition_table(params: dict[str, str], expected: str) -> None:
    assert disposition_of(hangup(**params)) == expected


def test_earlier_callbacks_decide_first() -> None:
    assert disposition_of(hangup(CallStatus="busy"), machine=True) == "machine"
    assert disposition_of(hangup(CallStatus="no-answer"), answered=True) == "answered"


async def test_a_call_followed_to_its_end_and_duplicates_counted_once() -> None:
    tracker = CallTracker()
    handle = tracker.track("req-1")
    waiter = asyncio.ensure_future(handle.answered())
    ended = asyncio.ensure_future(handle.ended())
    assert tracker.feed(cb("Ring"))
    assert not tracker.feed(cb("Ring"))  # sent twice
    await asyncio.sleep(0)
    assert not waiter.done()
    assert tracker.feed(cb("StartApp"))
    assert await waiter is True and not ended.done()
    final = {"CallStatus": "completed", "Duration": "7", "BillDuration": "60"}
    assert tracker.feed(cb("Hangup", HangupCause="NORMAL_CLEARING", **final))
    assert not tracker.feed(cb("Hangup", HangupCause="NORMAL_CLEARING", **final))
    result = await ended
    assert (result.disposition, result.duration, result.bill_duration) == ("answered", 7, 60)
    assert result.call_uuid == "call-1" and result.hangup_cause == "NORMAL_CLEARING"
    assert tracker.duplicates == 2 and handle.rang


async def test_callbacks_before_track_are_kept_and_linked_by_call_uuid() -> None:
    tracker = CallTracker()
    tracker.feed(cb("Ring", request="req-9", call="call-9", plivo_async_mark="m9"), signed=True)
    # A hangup naming only the call uuid still finds its request.
    tracker.feed(parse_event({"Event": "Hangup", "CallUUID": "call-9", "CallStatus": "no-answer"}))
    handle = tracker.track("req-9")
    assert await handle.answered() is False
    assert (await handle.ended()).disposition == "no-answer"
    assert tracker.marks == {"m9": "req-9"} and handle.mark == "m9"
    assert tracker.track("req-9") is handle and len(tracker) == 1


async def test_an_unsigned_disposition_is_a_hint_that_a_signed_one_replaces() -> None:
    """Issue 21 item 5: a v2-signed POST's parameters may be another call's."""
    tracker = CallTracker()
    handle = tracker.track("req-1")
    assert tracker.feed(cb("Hangup", CallStatus="busy", plivo_async_mark="m1"))
    assert handle.result is not None and handle.result.disposition == "busy"
    assert not handle.result.confirmed
    assert tracker.marks == {}  # a mark in unsigned parameters proves nothing
    assert not tracker.feed(cb("Hangup", CallStatus="busy"))  # unsigned again: a repeat
    assert tracker.feed(cb("Hangup", CallStatus="completed", Duration="5"), signed=True)
    assert handle.result.disposition == "answered" and handle.result.confirmed
    assert not tracker.feed(cb("Hangup", CallStatus="busy"))  # after a signed one: a repeat
    assert handle.result.disposition == "answered"


@pytest.mark.parametrize("signed", [False, True])
def test_the_receiver_tells_the_tracker_whether_the_parameters_were_signed(signed: bool) -> None:
    tracker = CallTracker()
    request = make_mocked_request("POST", "/hangup?plivo_async_mark=m2")
    event = attrs.evolve(cb("Hangup", CallStatus="busy"), params_signed=signed)
    tracker.observe(request, event)
    result = tracker.track("req-1").result
    assert result is not None and result.confirmed is signed
    assert tracker.marks == ({"m2": "req-1"} if signed else {})


async def test_machine_detection_makes_a_machine() -> None:
    tracker = CallTracker()
    tracker.feed(cb("MachineDetection", Machine="true"))
    tracker.feed(cb("Hangup", CallStatus="completed", Duration="3", HangupCause="NORMAL_CLEARING"))
    result = await tracker.track("req-1").ended()
    assert result.disposition == "machine" and result.machine


async def test_events_naming_no_call_are_ignored() -> None:
    tracker = CallTracker()
    await tracker.on_event(MPCEvent.from_params({"EventName": "MPCStart", "MPCUUID": "x"}))
    await tracker.on_event(parse_event({"Event": "Hangup", "CallStatus": "busy"}))
    await tracker.on_event(parse_event({"Event": "Something", "RequestUUID": "r"}))
    assert tracker.ignored == 3 and len(tracker) == 0 and tracker.handles == []
    assert "pending" in repr(tracker.track("r"))


def signed_hangup(tracker: CallTracker, n: int, *, request: str = "req") -> bool:
    event = cb(
        "Hangup",
        request=f"{request}-{n}",
        call=f"call-{request}-{n}",
        CallStatus="busy",
        plivo_async_mark=f"m-{request}-{n}",
    )
    return tracker.feed(event, signed=True)


async def test_released_rows_leave_only_the_calls_in_flight() -> None:
    """Issue 22 item 1: a finished row's handle, call uuid and mark go; in-flight stay."""
    tracker = CallTracker()
    in_flight = [tracker.track(f"live-{i}") for i in range(3)]
    for i, handle in enumerate(in_flight):
        ring = cb("Ring", request=handle.request_uuid, plivo_async_mark=f"ml-{i}")
        tracker.feed(ring, signed=True)
    for n in range(2_000):
        if n % 2:  # half the hangups come before the create's answer (before track)
            signed_hangup(tracker, n)
        handle = tracker.track(f"req-{n}")
        signed_hangup(tracker, n)
        assert handle.result is not None and handle.result.disposition == "busy"
        tracker.release(f"req-{n}")
    assert len(tracker) == 3 and tracker.handles == in_flight
    assert tracker.marks == {f"ml-{i}": f"live-{i}" for i in range(3)}
    # The call uuid of a released row links nothing any more.
    assert not tracker.feed(parse_event({"Event": "Hangup", "CallUUID": "call-req-7"}))
    assert len(tracker) == 3 and tracker.ignored == 1


async def test_unknown_callbacks_beyond_the_bound_are_dropped_oldest_first() -> None:
    tracker = CallTracker(max_untracked=10)
    kept = tracker.track("mine")
    for n in range(25):
        assert signed_hangup(tracker, n, request="unknown")
    assert len(tracker) == 11 and tracker.dropped == 15
    assert tracker.handles[0] is kept and len(tracker.marks) == 10
    assert "m-unknown-0" not in tracker.marks and tracker.marks["m-unknown-24"] == "unknown-24"
    # The newest are still linked when their create's answer comes at last.
    assert tracker.track("unknown-24").result is not None
    assert tracker.track("unknown-0").result is None  # dropped: waits like a new call
    # The dropped call's uuid no longer links a hangup naming only it.
    assert not tracker.feed(parse_event({"Event": "Hangup", "CallUUID": "call-unknown-1"}))


async def test_a_callback_after_release_counts_once_and_resurrects_nothing() -> None:
    tracker = CallTracker()
    handle = tracker.track("req-1")
    assert signed_hangup(tracker, 1)
    tracker.release("req-1")
    tracker.release("req-1")  # twice: harmless
    assert not signed_hangup(tracker, 1)  # Plivo sent it again, after the row was done
    assert tracker.duplicates == 1 and tracker.late == 0
    assert not tracker.feed(cb("Ring", request="req-1"), signed=True)  # a kind never seen
    assert tracker.late == 1 and tracker.duplicates == 1
    assert len(tracker) == 0 and tracker.marks == {} and tracker.handles == []
    assert handle.result is not None and handle.result.disposition == "busy"


def test_the_bounds_must_be_positive() -> None:
    with pytest.raises(ValueError, match="max_untracked"):
        CallTracker(max_untracked=0)
    with pytest.raises(ValueError, match="max_released"):
        CallTracker(max_released=-1)
