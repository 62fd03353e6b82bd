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
