"""Webhooks: signature strings checked by hand, tampering, rotation, typed events."""

from __future__ import annotations

import base64
import hashlib
import hmac

import pytest
from multidict import MultiDict

from plivo_async._convert import converter
from plivo_async.webhooks import (
    SIGNATURE_V2_HEADER,
    SIGNATURE_V2_NONCE_HEADER,
    SIGNATURE_V3_HEADER,
    SIGNATURE_V3_NONCE_HEADER,
    AnswerEvent,
    CallEvent,
    HangupEvent,
    MachineDetectionEvent,
    MPCEvent,
    RingEvent,
    parse_event,
    sign_v2,
    sign_v3,
    signature_headers,
    validate_signature_v2,
    validate_signature_v3,
)

TOKEN = "MzYxNzg0ZjE0YjQ4NmQ0ZjBjNGU1OWE5YmM2ZGNh"
OTHER = "another-token-after-rotation"
NONCE = "05429567804466091622"
URL = "https://example.com/answer?b=2&a=1"
PARAMS = {"From": "+14155550100", "CallUUID": "abc", "To": "+14155550101"}


def hmac_b64(token: str, message: str) -> str:
    digest = hmac.new(token.encode(), message.encode(), hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


# -- the canonical strings, written out by hand from Plivo's description --------------


def test_v2_signs_url_without_query_then_nonce() -> None:
    expected = hmac_b64(TOKEN, "https://example.com/answer/" + NONCE)
    assert sign_v2("https://example.com/answer/?x=1#frag", NONCE, TOKEN) == expected


def test_v3_post_covers_sorted_query_then_sorted_params() -> None:
    message = (
        f"https://example.com/answer?a=1&b=2.CallUUIDabcFrom+14155550100To+14155550101.{NONCE}"
    )
    assert sign_v3("POST", URL, PARAMS, NONCE, TOKEN) == hmac_b64(TOKEN, message)


def test_v3_post_params_without_query_keep_the_question_mark() -> None:
    message = f"https://example.com/answer?CallUUIDabc.{NONCE}"
    assert sign_v3("POST", "https://example.com/answer", {"CallUUID": "abc"}, NONCE, TOKEN) == (
        hmac_b64(TOKEN, message)
    )


def test_v3_post_without_params_or_query_is_url_dot_nonce() -> None:
    expected = hmac_b64(TOKEN, f"https://example.com/answer.{NONCE}")
    assert sign_v3("POST", "https://example.com/answer", {}, NONCE, TOKEN) == expected


def test_v3_get_merges_params_into_the_sorted_query() -> None:
    message = f"https://example.com/answer?CallUUID=abc&a=1&b=2.{NONCE}"
    assert sign_v3("GET", URL, {"CallUUID": "abc"}, NONCE, TOKEN) == hmac_b64(TOKEN, message)
    # The full URL with an empty mapping signs the same as base URL + params.
    full = "https://example.com/answer?a=1&CallUUID=abc&b=2"
    assert sign_v3("GET", full, {}, NONCE, TOKEN) == sign_v3(
        "GET", URL, {"CallUUID": "abc"}, NONCE, TOKEN
    )


def test_v3_lists_and_nested_objects() -> None:
    params = {"k": ["b", "a"], "j": {"y": 2, "x": "1"}}
    message = "https://example.com/answer?j" + "x1y2" + "kakb" + f".{NONCE}"
    assert sign_v3("POST", "https://example.com/answer", params, NONCE, TOKEN) == (
        hmac_b64(TOKEN, message)
    )


def test_multidict_params_sign_like_lists() -> None:
    multi = MultiDict([("k", "b"), ("k", "a"), ("z", "1")])
    assert sign_v3("POST", URL, multi, NONCE, TOKEN) == sign_v3(
        "POST", URL, {"k": ["a", "b"], "z": "1"}, NONCE, TOKEN
    )


def test_method_is_case_insensitive() -> None:
    assert sign_v3("get", URL, PARAMS, NONCE, TOKEN) == sign_v3("GET", URL, PARAMS, NONCE, TOKEN)


# -- validation: accept the real thing, reject any tampering ---------------------------


def test_valid_signatures_accepted() -> None:
    assert validate_signature_v2(URL, NONCE, sign_v2(URL, NONCE, TOKEN), TOKEN)
    for method in ("GET", "POST"):
        signature = sign_v3(method, URL, PARAMS, NONCE, TOKEN)
        assert validate_signature_v3(method, URL, PARAMS, NONCE, signature, TOKEN)


@pytest.mark.parametrize(
    ("method", "url", "params", "nonce"),
    [
        ("POST", "https://example.com/answer?b=2&a=2", PARAMS, NONCE),  # query
        ("POST", "https://example.com/answers?b=2&a=1", PARAMS, NONCE),  # path
        ("POST", "https://evil.example.com/answer?b=2&a=1", PARAMS, NONCE),  # host
        ("POST", "http://example.com/answer?b=2&a=1", PARAMS, NONCE),  # scheme
        ("POST", URL, {**PARAMS, "To": "+19999999999"}, NONCE),  # a param value
        ("POST", URL, {**PARAMS, "Extra": "1"}, NONCE),  # an added param
        ("POST", URL, {"From": "+14155550100", "CallUUID": "abc"}, NONCE),  # a dropped param
        ("POST", URL, PARAMS, "05429567804466091623"),  # nonce
        ("GET", URL, PARAMS, NONCE),  # method
    ],
)
def test_v3_tampering_rejected(method: str, url: str, params: dict[str, str], nonce: str) -> None:
    signature = sign_v3("POST", URL, PARAMS, NONCE, TOKEN)
    assert validate_signature_v3("POST", URL, PARAMS, NONCE, signature, TOKEN)
    assert not validate_signature_v3(method, url, params, nonce, signature, TOKEN)


def test_v3_tampered_signature_or_wrong_token_rejected() -> None:
    signature = sign_v3("POST", URL, PARAMS, NONCE, TOKEN)
    flipped = ("A" if signature[0] != "A" else "B") + signature[1:]
    assert not validate_signature_v3("POST", URL, PARAMS, NONCE, flipped, TOKEN)
    assert not validate_signature_v3("POST", URL, PARAMS, NONCE, signature[:-2], TOKEN)
    assert not validate_signature_v3("POST", URL, PARAMS, NONCE, signature, OTHER)


def test_v2_tampering_rejected() -> None:
    signature = sign_v2(URL, NONCE, TOKEN)
    assert not validate_signature_v2("https://example.com/other", NONCE, signature, TOKEN)
    assert not validate_signature_v2(URL, NONCE + "1", signature, TOKEN)
    assert not validate_signature_v2(URL, NONCE, signature, OTHER)
    # v2 does not cover the query: that is why v3 exists.
    assert validate_signature_v2("https://example.com/answer?x=forged", NONCE, signature, TOKEN)


def test_multi_signature_header_accepted_when_any_matches() -> None:
    good = sign_v3("POST", URL, PARAMS, NONCE, TOKEN)
    stale = sign_v3("POST", URL, PARAMS, NONCE, OTHER)
    for header in (f"{stale},{good}", f"{good},{stale}", f"{stale}, {good}"):
        assert validate_signature_v3("POST", URL, PARAMS, NONCE, header, TOKEN)
    assert not validate_signature_v3("POST", URL, PARAMS, NONCE, f"{stale},{stale}", TOKEN)
    assert validate_signature_v2(URL, NONCE, f"x,{sign_v2(URL, NONCE, TOKEN)}", TOKEN)


def test_token_sequence_during_rotation() -> None:
    signature = sign_v3("POST", URL, PARAMS, NONCE, OTHER)
    assert validate_signature_v3("POST", URL, PARAMS, NONCE, signature, [TOKEN, OTHER])
    assert not validate_signature_v3("POST", URL, PARAMS, NONCE, signature, [TOKEN])
    assert validate_signature_v2(URL, NONCE, sign_v2(URL, NONCE, OTHER), (TOKEN, OTHER))


def test_empty_token_never_validates() -> None:
    # An HMAC keyed with "" can be computed by anyone.
    signature = sign_v3("POST", URL, PARAMS, NONCE, "")
    assert not validate_signature_v3("POST", URL, PARAMS, NONCE, signature, "")
    assert not validate_signature_v3("POST", URL, PARAMS, NONCE, signature, [])
    assert not validate_signature_v2(URL, NONCE, sign_v2(URL, NONCE, ""), ["", ""])


@pytest.mark.parametrize("missing", ["nonce", "signature"])
def test_missing_header_values_rejected(missing: str) -> None:
    nonce = None if missing == "nonce" else NONCE
    signature = None if missing == "signature" else sign_v3("POST", URL, PARAMS, NONCE, TOKEN)
    assert not validate_signature_v3("POST", URL, PARAMS, nonce, signature, TOKEN)
    v2 = None if missing == "signature" else sign_v2(URL, NONCE, TOKEN)
    assert not validate_signature_v2(URL, nonce, v2, TOKEN)
    assert not validate_signature_v3("POST", URL, PARAMS, NONCE, "", TOKEN)


def test_malformed_input_is_rejected_not_raised() -> None:
    assert not validate_signature_v2("http://[::1/broken", NONCE, "sig", TOKEN)
    assert not validate_signature_v3("POST", "http://[::1/broken", {}, NONCE, "sig", TOKEN)
    unsortable = {"k": ["a", None]}
    assert not validate_signature_v3("POST", URL, unsortable, NONCE, "sig", TOKEN)
    assert not validate_signature_v3("POST", URL, PARAMS, NONCE, "sïg,ñ", TOKEN)


def test_signature_headers_round_trip() -> None:
    headers = signature_headers("POST", URL, PARAMS, TOKEN)
    nonce = headers[SIGNATURE_V3_NONCE_HEADER]
    assert nonce == headers[SIGNATURE_V2_NONCE_HEADER]
    assert len(nonce) == 20 and nonce.isdigit()
    assert validate_signature_v3("POST", URL, PARAMS, nonce, headers[SIGNATURE_V3_HEADER], TOKEN)
    assert validate_signature_v2(URL, nonce, headers[SIGNATURE_V2_HEADER], TOKEN)
    fixed = signature_headers("GET", URL, {}, TOKEN, nonce="42")
    assert fixed[SIGNATURE_V3_HEADER] == sign_v3("GET", URL, {}, "42", TOKEN)


# -- typed events ---------------------------------------------------------------------

CALL = {
    "CallUUID": "ebacced2-21ab-11e4-b6b4-f1ee8e2a3ea4",
    "From": "+14155550100",
    "To": "+14155550101",
    "Direction": "outbound",
    "RequestUUID": "9834029e-58b6-11e1-b8b7-a5bd0e4e126f",
    "ALegUUID": "ebacced2-21ab-11e4-b6b4-f1ee8e2a3ea4",
    "ALegRequestUUID": "9834029e-58b6-11e1-b8b7-a5bd0e4e126f",
}


def test_answer_event() -> None:
    event = parse_event({**CALL, "Event": "StartApp", "CallStatus": "in-progress"})
    assert type(event) is AnswerEvent
    assert event.call_uuid == CALL["CallUUID"]
    assert event.from_ == "+14155550100"
    assert event.to == "+14155550101"
    assert event.call_status == "in-progress"
    assert event.direction == "outbound"
    assert event.request_uuid == CALL["RequestUUID"]
    assert event.a_leg_uuid == CALL["ALegUUID"]
    assert event.a_leg_request_uuid == CALL["ALegRequestUUID"]


def test_ring_event() -> None:
    event = parse_event({**CALL, "Event": "Ring", "CallStatus": "ringing"})
    assert type(event) is RingEvent
    assert event.call_status == "ringing"


def test_hangup_event_typed_fields() -> None:
    params = {
        **CALL,
        "Event": "Hangup",
        "CallStatus": "completed",
        "HangupCause": "NORMAL_CLEARING",
        "HangupCauseName": "Normal Hangup",
        "HangupCauseCode": "4000",
        "HangupSource": "Callee",
        "Duration": "37",
        "BillDuration": "60",
        "BillRate": "0.0085",
        "TotalCost": "0.00850",
        "StartTime": "2024-05-01 10:00:00",
        "AnswerTime": "2024-05-01 10:00:05",
        "EndTime": "2024-05-01 10:00:42",
    }
    event = parse_event(params)
    assert isinstance(event, HangupEvent)
    assert event.hangup_cause == "NORMAL_CLEARING"
    assert event.hangup_cause_name == "Normal Hangup"
    assert event.hangup_cause_code == 4000
    assert event.hangup_source == "Callee"
    assert (event.duration, event.bill_duration) == (37, 60)
    assert (event.bill_rate, event.total_cost) == ("0.0085", "0.00850")
    assert event.start_time == "2024-05-01 10:00:00"
    assert event.answer_time == "2024-05-01 10:00:05"
    assert event.end_time == "2024-05-01 10:00:42"
    assert event.raw == params


@pytest.mark.parametrize(("value", "expected"), [("true", True), ("false", False), ("TRUE", True)])
def test_machine_detection_event(value: str, expected: bool) -> None:
    event = parse_event(
        {**CALL, "Event": "MachineDetection", "Machine": value, "IfMachine": "continue"}
    )
    assert isinstance(event, MachineDetectionEvent)
    assert event.machine is expected
    assert event.if_machine == "continue"


def test_mpc_event() -> None:
    params = {
        "EventName": "ParticipantJoin",
        "EventTimestamp": "2024-05-01 10:00:00+00:00",
        "MPCUUID": "4e9ae3f1-a29c-4524-a1b4-4758922e589b",
        "MPCName": "support-call",
        "MemberID": "355",
        "ParticipantRole": "Agent",
        "ParticipantCallUUID": "dd473c48-34a6-4d67-a033-af590b41c23f",
        "ParticipantCoachMode": "false",
        "MPCDuration": "120",
        "MPCBilledDuration": "180",
        "MPCBilledAmount": "0.01200",
        "SequenceNumber": "7",
    }
    event = parse_event(params)
    assert isinstance(event, MPCEvent)
    assert event.event_name == "ParticipantJoin"
    assert event.event_timestamp == "2024-05-01 10:00:00+00:00"
    assert event.mpc_uuid == params["MPCUUID"]
    assert event.mpc_name == "support-call"
    assert event.member_id == "355"
    assert event.participant_role == "Agent"
    assert event.participant_call_uuid == params["ParticipantCallUUID"]
    assert event.participant_coach_mode is False
    assert (event.mpc_duration, event.mpc_billed_duration) == (120, 180)
    assert event.mpc_billed_amount == "0.01200"
    assert event.raw["SequenceNumber"] == "7"


@pytest.mark.parametrize(
    ("params", "cls"),
    [
        ({**CALL, "Machine": "true"}, MachineDetectionEvent),  # no Event param
        ({**CALL, "HangupCause": "NORMAL_CLEARING"}, HangupEvent),
        ({**CALL, "Event": "hangup"}, HangupEvent),  # case
        ({**CALL, "Event": "Redirect"}, CallEvent),  # unknown kind stays generic
        ({}, CallEvent),
        ({"MPCUUID": "m"}, MPCEvent),
    ],
)
def test_event_type_selection(params: dict[str, str], cls: type) -> None:
    assert type(parse_event(params)) is cls


def test_unknown_fields_kept_and_bad_values_become_none() -> None:
    event = parse_event(
        {
            **CALL,
            "Event": "Hangup",
            "Duration": "",
            "BillDuration": "soon",
            "HangupCauseCode": "12.0",
            "ForwardedFrom": "",
            "X-PH-Campaign": "spring",
            "STIRVerification": "Verified",
        }
    )
    assert isinstance(event, HangupEvent)
    assert event.duration is None
    assert event.bill_duration is None
    assert event.hangup_cause_code == 12
    assert event.forwarded_from is None
    assert event.raw["STIRVerification"] == "Verified"
    assert event.sip_headers == {"Campaign": "spring"}


def test_json_typed_values_and_repeated_keys() -> None:
    event = parse_event({"Event": "Hangup", "Duration": 12, "BillDuration": 60.0, "CallUUID": 7})
    assert isinstance(event, HangupEvent)
    assert (event.duration, event.bill_duration, event.call_uuid) == (12, 60, "7")
    event = parse_event({"MPCUUID": "m", "ParticipantCoachMode": True, "MPCDuration": True})
    assert isinstance(event, MPCEvent)
    assert event.participant_coach_mode is True
    assert event.mpc_duration is None  # a bool is not a duration
    multi = MultiDict([("Event", "Ring"), ("CallUUID", "a"), ("X-PH-K", "1"), ("X-PH-K", "2")])
    event = parse_event(multi)
    assert isinstance(event, RingEvent)
    assert event.raw["X-PH-K"] == ["1", "2"]
    assert event.sip_headers == {"K": "1"}


def test_from_params_forces_a_type_and_converter_knows_events() -> None:
    event = HangupEvent.from_params({"CallUUID": "a", "Duration": "3"})
    assert type(event) is HangupEvent and event.duration == 3
    structured = converter.structure({"CallUUID": "a", "Foo": "b"}, AnswerEvent)
    assert structured.call_uuid == "a" and structured.raw == {"CallUUID": "a", "Foo": "b"}


def test_events_are_immutable_and_constructible_by_name() -> None:
    event = HangupEvent(call_uuid="a", duration=5)
    assert event.raw == {}
    with pytest.raises(AttributeError):
        event.duration = 6  # type: ignore[misc]
