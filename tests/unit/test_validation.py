"""Every validation rule: bad input raises ValidationError naming the field, sends nothing."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from aioresponses import aioresponses
from hypothesis import given, settings
from hypothesis import strategies as st

from plivo_async import validation as v
from plivo_async.client import AsyncPlivo
from plivo_async.errors import ValidationError

from ._resources_helpers import (
    CALL_UUID,
    NODE_ID,
    PHLO_ID,
    client_fixture,  # noqa: F401 - the "client" fixture
    mocked_fixture,  # noqa: F401 - the "mocked" fixture
    sent,
)

FROM = "+14155550100"
TO = "+14155550101"
ANSWER = "https://example.com/answer"


def loose(value: object) -> Any:
    """A value of the wrong static type, to reach the runtime check."""
    return value


def create(**overrides: Any) -> Callable[[AsyncPlivo], Awaitable[Any]]:
    args: dict[str, Any] = {"from_": FROM, "to": TO, "answer_url": ANSWER, **overrides}
    return lambda c: c.calls.create(**args)


def mpc(action: str = "call", **overrides: Any) -> Callable[[AsyncPlivo], Awaitable[Any]]:
    args: dict[str, Any] = {"trigger_source": FROM, "to": TO, "role": "agent", **overrides}

    async def run(c: AsyncPlivo) -> Any:
        node = c.phlo(PHLO_ID).multi_party_call(NODE_ID)
        return await getattr(node, action)(**args)

    return run


# (case id, the call, the field the error must name, a word the rule must contain)
CASES: list[tuple[str, Callable[[AsyncPlivo], Awaitable[Any]], str, str]] = [
    # create: from_
    ("from_ missing", create(from_=None), "from_", "required"),
    ("from_ empty", create(from_=""), "from_", "required"),
    ("from_ letters", create(from_="+1415abc0100"), "from_", "phone number"),
    ("from_ too long", create(from_="+1" + "2" * 15), "from_", "phone number"),
    ("from_ leading zero", create(from_="0415550100"), "from_", "phone number"),
    ("from_ one digit", create(from_="1"), "from_", "phone number"),
    ("from_ sip uri", create(from_="sip:john@phone.plivo.com"), "from_", "phone number"),
    ("from_ spaces", create(from_="+1 415 555 0100"), "from_", "phone number"),
    ("from_ not a string", create(from_=14155550100), "from_", "phone number"),
    # create: to
    ("to missing", create(to=None), "to", "required"),
    ("to empty", create(to=""), "to", "required"),
    ("to garbage", create(to="bob"), "to", "phone numbers or SIP URIs"),
    ("to empty bulk part", create(to="+14155550101<"), "to", "phone numbers or SIP URIs"),
    ("to bad bulk part", create(to="+14155550101<nope"), "to", "phone numbers or SIP URIs"),
    ("to bad list item", create(to=["+14155550101", "x"]), "to", "phone numbers or SIP URIs"),
    ("to empty list", create(to=[]), "to", "required"),
    ("to sip without host", create(to="sip:john"), "to", "phone numbers or SIP URIs"),
    ("to http uri", create(to="http://example.com"), "to", "phone numbers or SIP URIs"),
    ("to includes from", create(to=f"{TO}<{FROM}"), "to", "from_"),
    ("to is from without +", create(to=FROM.lstrip("+")), "to", "from_"),
    ("to and to_ both", create(to_=TO), "to", "not both"),
    # create: URLs
    ("answer_url missing", create(answer_url=None), "answer_url", "required"),
    ("answer_url relative", create(answer_url="/answer"), "answer_url", "http(s) URL"),
    ("answer_url ftp", create(answer_url="ftp://e.com/a"), "answer_url", "http(s) URL"),
    ("answer_url spaces", create(answer_url="https://e.com/a b"), "answer_url", "http(s) URL"),
    ("answer_url bad port", create(answer_url="https://e.com:99999/"), "answer_url", "http(s)"),
    ("ring_url", create(ring_url="example.com/ring"), "ring_url", "http(s) URL"),
    ("hangup_url", create(hangup_url="mailto:a@b.c"), "hangup_url", "http(s) URL"),
    ("fallback_url", create(fallback_url="https://"), "fallback_url", "http(s) URL"),
    ("machine_detection_url", create(machine_detection_url="x"), "machine_detection_url", "URL"),
    # create: methods
    ("answer_method PUT", create(answer_method="PUT"), "answer_method", "GET or POST"),
    ("ring_method", create(ring_method="DELETE"), "ring_method", "GET or POST"),
    ("hangup_method", create(hangup_method="patch"), "hangup_method", "GET or POST"),
    ("fallback_method", create(fallback_method=1), "fallback_method", "GET or POST"),
    (
        "machine_detection_method",
        create(machine_detection_method="HEAD"),
        "machine_detection_method",
        "GET or POST",
    ),
    # create: caller_name
    ("caller_name 51 chars", create(caller_name="x" * 51), "caller_name", "at most 50"),
    ("caller_name not str", create(caller_name=12), "caller_name", "at most 50"),
    # create: positive integers
    ("time_limit 0", create(time_limit=0), "time_limit", "positive integer"),
    ("time_limit negative", create(time_limit=-5), "time_limit", "positive integer"),
    ("time_limit float", create(time_limit=1.5), "time_limit", "positive integer"),
    ("time_limit bool", create(time_limit=True), "time_limit", "positive integer"),
    ("time_limit text", create(time_limit="ten"), "time_limit", "positive integer"),
    ("hangup_on_ring 0", create(hangup_on_ring=0), "hangup_on_ring", "positive integer"),
    ("ring_timeout negative", create(ring_timeout="-1"), "ring_timeout", "positive integer"),
    # create: machine detection
    ("machine_detection", create(machine_detection="maybe"), "machine_detection", "true, hangup"),
    ("machine_detection int", create(machine_detection=1), "machine_detection", "true, hangup"),
    (
        "machine_detection_time low",
        create(machine_detection_time=1999),
        "machine_detection_time",
        "2000 to 10000",
    ),
    (
        "machine_detection_time high",
        create(machine_detection_time=10001),
        "machine_detection_time",
        "2000 to 10000",
    ),
    # create: sip_headers
    ("sip_headers dash key", create(sip_headers={"X-Head": "v"}), "sip_headers", "alphanumeric"),
    ("sip_headers value space", create(sip_headers={"k": "a b"}), "sip_headers", "alphanumeric"),
    ("sip_headers empty value", create(sip_headers={"k": ""}), "sip_headers", "alphanumeric"),
    ("sip_headers unicode", create(sip_headers={"k": "é"}), "sip_headers", "alphanumeric"),
    ("sip_headers bool value", create(sip_headers={"k": True}), "sip_headers", "alphanumeric"),
    ("sip_headers int key", create(sip_headers={1: "v"}), "sip_headers", "alphanumeric"),
    ("sip_headers bad string", create(sip_headers="k=v,,x=y"), "sip_headers", "alphanumeric"),
    ("sip_headers a list", create(sip_headers=["k=v"]), "sip_headers", "alphanumeric"),
    # create: send_digits grammar
    ("send_digits letter", create(send_digits="12a"), "send_digits", "digits"),
    ("send_digits @ only", create(send_digits="@100"), "send_digits", "digits"),
    ("send_digits @ no ms", create(send_digits="12@"), "send_digits", "digits"),
    ("send_digits @ zero", create(send_digits="12@0"), "send_digits", "digits"),
    ("send_digits two @", create(send_digits="1@100@2"), "send_digits", "digits"),
    ("send_digits space", create(send_digits="1 2"), "send_digits", "digits"),
    # create: booleans
    ("send_on_preanswer", create(send_on_preanswer="yes"), "send_on_preanswer", "boolean"),
    (
        "error_if_parent_not_found",
        create(error_if_parent_not_found=1),
        "error_if_parent_not_found",
        "boolean",
    ),
    # create: misc
    ("parent_call_uuid not str", create(parent_call_uuid=5), "parent_call_uuid", "non-empty"),
    # path ids
    # ids are percent-encoded into one segment; only what cannot be encoded is refused
    ("get call_uuid nul", lambda c: c.calls.get("a\x00b"), "call_uuid", "control"),
    ("get call_uuid empty", lambda c: c.calls.get(""), "call_uuid", "non-empty"),
    ("get call_uuid dotdot", lambda c: c.calls.get(".."), "call_uuid", "non-empty"),
    ("get call_uuid surrogate", lambda c: c.calls.get("x\ud800"), "call_uuid", "surrogates"),
    ("hangup call_uuid", lambda c: c.calls.hangup("a\x7f"), "call_uuid", "control"),
    ("cancel request_uuid", lambda c: c.calls.cancel("."), "request_uuid", "'.'"),
    ("get call_uuid newline", lambda c: c.calls.get("a\nb"), "call_uuid", "control"),
    ("get call_uuid tab", lambda c: c.calls.get("\t"), "call_uuid", "control"),
    ("get_live call_uuid", lambda c: c.calls.get_live("\x1f"), "call_uuid", "control"),
    ("get_queued call_uuid", lambda c: c.calls.get_queued(loose(None)), "call_uuid", "non-empty"),
    # list filters
    ("list limit 0", lambda c: c.calls.list(limit=0), "limit", "1 to 20"),
    ("list limit 21", lambda c: c.calls.list(limit=21), "limit", "1 to 20"),
    ("list offset -1", lambda c: c.calls.list(offset=-1), "offset", ">= 0"),
    ("list direction", lambda c: c.calls.list(call_direction="sideways"), "call_direction", "in"),
    ("list subaccount", lambda c: c.calls.list(subaccount="MA123"), "subaccount", "SA"),
    ("list from_number", lambda c: c.calls.list(from_number="abc"), "from_number", "prefix"),
    ("list to_number", lambda c: c.calls.list(to_number="1" * 16), "to_number", "prefix"),
    ("list bill_duration", lambda c: c.calls.list(bill_duration__gt=-1), "bill_duration__gt", ">="),
    ("list end_time", lambda c: c.calls.list(end_time__gte="yesterday"), "end_time__gte", "UTC"),
    ("list unknown filter", lambda c: c.calls.list(colour="red"), "colour", "not a field"),
    (
        "iter_all limit",
        lambda c: anext(aiter(c.calls.iter_all(limit=50))),
        "limit",
        "1 to 20",
    ),
    ("list_live limit", lambda c: c.calls.list_live(limit=100), "limit", "1 to 20"),
    (
        "list_live direction",
        lambda c: c.calls.list_live(call_direction="x"),
        "call_direction",
        "of",
    ),
    ("list_queued offset", lambda c: c.calls.list_queued(offset=-2), "offset", ">= 0"),
    # transfer
    ("update legs missing", lambda c: c.calls.update(CALL_UUID), "legs", "required"),
    ("update legs bad", lambda c: c.calls.update(CALL_UUID, legs="cleg"), "legs", "aleg, bleg"),
    (
        "update aleg_url needed",
        lambda c: c.calls.update(CALL_UUID, legs="aleg"),
        "aleg_url",
        "required",
    ),
    (
        "update bleg_url needed",
        lambda c: c.calls.update(CALL_UUID, legs="both", aleg_url=ANSWER),
        "bleg_url",
        "required",
    ),
    (
        "update aleg_url bad",
        lambda c: c.calls.update(CALL_UUID, legs="aleg", aleg_url="nope"),
        "aleg_url",
        "URL",
    ),
    (
        "update aleg_method",
        lambda c: c.calls.update(CALL_UUID, legs="aleg", aleg_url=ANSWER, aleg_method="PUT"),
        "aleg_method",
        "GET or POST",
    ),
    ("update call_uuid", lambda c: c.calls.update("..", legs="aleg"), "call_uuid", "'..'"),
    # record
    (
        "record file_format",
        lambda c: c.calls.record(CALL_UUID, file_format="ogg"),
        "file_format",
        "mp3",
    ),
    (
        "record time_limit",
        lambda c: c.calls.record(CALL_UUID, time_limit=0),
        "time_limit",
        "positive",
    ),
    (
        "record callback_url",
        lambda c: c.calls.record(CALL_UUID, callback_url="x"),
        "callback_url",
        "URL",
    ),
    (
        "record channel",
        lambda c: c.calls.record(CALL_UUID, record_channel_type="quad"),
        "record_channel_type",
        "mono",
    ),
    # play / speak / dtmf
    ("play urls empty", lambda c: c.calls.play(CALL_UUID, ""), "urls", "required"),
    ("play urls bad", lambda c: c.calls.play(CALL_UUID, ["https://e.com/a", "x"]), "urls", "URL"),
    ("play legs", lambda c: c.calls.play(CALL_UUID, ANSWER, legs="all"), "legs", "aleg"),
    (
        "play loop",
        lambda c: c.calls.play(CALL_UUID, ANSWER, loop=loose("often")),
        "loop",
        "boolean",
    ),
    ("play length", lambda c: c.calls.play(CALL_UUID, ANSWER, length=0), "length", "positive"),
    ("speak text empty", lambda c: c.calls.speak(CALL_UUID, ""), "text", "required"),
    ("speak type", lambda c: c.calls.speak(CALL_UUID, "hi", type="html"), "type", "ssml"),
    ("speak mix", lambda c: c.calls.speak(CALL_UUID, "hi", mix=loose("no")), "mix", "boolean"),
    ("dtmf digits", lambda c: c.calls.send_digits(CALL_UUID, "12x"), "digits", "digits"),
    ("dtmf empty", lambda c: c.calls.send_digits(CALL_UUID, ""), "digits", "required"),
    ("dtmf leg", lambda c: c.calls.send_digits(CALL_UUID, "1", leg="both"), "leg", "aleg, bleg"),
    # PHLO and multi-party calls
    ("phlo_id surrogate", lambda c: c.phlo("a\udfff").get(), "phlo_id", "surrogates"),
    (
        "node_id empty",
        lambda c: c.phlo(PHLO_ID).multi_party_call("").call(FROM, TO),
        "node_id",
        "non-empty",
    ),
    ("run payload", lambda c: c.phlo(PHLO_ID).run(x=object()), "payload", "JSON"),
    ("mpc role", mpc(role="boss"), "role", "agent, customer"),
    ("mpc role empty", mpc(role=""), "role", "required"),
    ("mpc to", mpc(to="bob"), "to", "phone number or a SIP URI"),
    ("mpc to bulk", mpc(to=f"{TO}<{FROM}"), "to", "phone number or a SIP URI"),
    ("mpc to missing", mpc(to=None), "to", "required"),
    ("mpc trigger_source", mpc(trigger_source="me"), "trigger_source", "SIP URI"),
    ("warm role", mpc("warm_transfer", role="root"), "role", "agent"),
    ("cold to", mpc("cold_transfer", to="+0012"), "to", "phone number"),
    (
        "mpc action",
        lambda c: c.phlo(PHLO_ID).multi_party_call(NODE_ID).update("dance", FROM, TO),
        "action",
        "warm_transfer",
    ),
    (
        "member id",
        lambda c: c.phlo(PHLO_ID).multi_party_call(NODE_ID).member("../x").hold(),
        "member_id",
        "SIP URI",
    ),
    (
        "member action",
        lambda c: c.phlo(PHLO_ID).multi_party_call(NODE_ID).member(TO).update("kick"),
        "action",
        "unmute",
    ),
]


@pytest.mark.parametrize(("name", "call", "field", "rule"), CASES, ids=[c[0] for c in CASES])
async def test_rule_is_enforced_before_any_request(
    client: AsyncPlivo,
    mocked: aioresponses,
    name: str,
    call: Callable[[AsyncPlivo], Awaitable[Any]],
    field: str,
    rule: str,
) -> None:
    with pytest.raises(ValidationError) as info:
        await call(client)
    err = info.value
    assert err.field == field
    assert err.rule is not None and rule in err.rule, err.rule
    assert str(err).startswith(f"{field}: ")
    assert err.status is None  # raised locally, not by the API
    assert sent(mocked) == []


# -- the predicates and normalisers on their own ------------------------------------------


@pytest.mark.parametrize(
    "number", ["+14155550100", "14155550100", "+44", "919876543210", "+" + "1" * 15]
)
def test_phone_numbers_accepted(number: str) -> None:
    assert v.is_phone_number(number)


@pytest.mark.parametrize(
    "number", ["", "+", "4", "+0123", "+1" + "1" * 15, "1-415", "+1 415", None, 14155550100]
)
def test_phone_numbers_rejected(number: Any) -> None:
    assert not v.is_phone_number(number)


@pytest.mark.parametrize(
    "uri",
    [
        "sip:john1234@phone.plivo.com",
        "sips:alice@example.com:5061",
        "sip:bob@10.0.0.1;transport=tcp",
        "sip:+14155550100@sip.example.org",
    ],
)
def test_sip_uris_accepted(uri: str) -> None:
    assert v.is_sip_uri(uri)


@pytest.mark.parametrize(
    "uri", ["sip:john", "sip:@host", "john@host", "sip:a b@host", "sip:a@-host", "sip:a@host<x"]
)
def test_sip_uris_rejected(uri: str) -> None:
    assert not v.is_sip_uri(uri)


@pytest.mark.parametrize(
    ("value", "expected"),
    [("12", 12), (" 7 ", 7), ("", None), ("x", "x"), (3, 3), (1.5, 1.5), (None, None)],
)
def test_to_int(value: Any, expected: Any) -> None:
    assert v.to_int(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [("true", True), ("FALSE", False), ("", None), ("yes", "yes"), (True, True), (None, None)],
)
def test_to_bool(value: Any, expected: Any) -> None:
    assert v.to_bool(value) == expected


def test_sip_headers_mapping_keeps_order_and_writes_ints() -> None:
    assert v.to_sip_headers({"b": "2", "a": 1}) == "b=2,a=1"
    assert v.to_sip_headers({}) is None
    assert v.to_sip_headers("") is None
    assert v.to_sip_headers("k=v") == "k=v"


def test_check_helpers_return_the_value() -> None:
    assert v.check_destination("to", "sip:a@b.com") == "sip:a@b.com"
    with pytest.raises(ValidationError):
        v.check_destination("to", "a@b.com")


def test_time_filters_are_written_in_utc() -> None:
    from datetime import datetime, timedelta, timezone

    plus_two = timezone(timedelta(hours=2))
    assert v.to_time_filter(datetime(2024, 1, 2, 5, 0, tzinfo=plus_two)) == "2024-01-02 03:00:00"
    assert v.to_time_filter(datetime(2024, 1, 2, 3, 0, 0, 5)) == "2024-01-02 03:00:00.000005"


# -- issue 11.12: huge integers are a ValidationError naming the field, for every int field --


def _int_fields() -> list[tuple[type, str]]:
    import attrs

    from plivo_async import _convert

    found = []
    for cls in sorted(_convert._REQUEST_MODELS, key=lambda c: c.__name__):
        for attribute in attrs.fields(cls):
            converter = getattr(attribute.converter, "converter", attribute.converter)
            if converter is v.to_int:
                found.append((cls, attribute.name))
    return found


_REQUIRED: dict[str, dict[str, Any]] = {
    "CreateCallRequest": {
        "from_": "+14155550100",
        "to": "+14155550101",
        "answer_url": "https://example.com/a",
    },
    "PlayRequest": {"urls": "https://example.com/a.mp3"},
    "AddParticipantRequest": {"role": "agent", "from_": "+14155550100", "to_": "+14155550101"},
    "StartStreamRequest": {"service_url": "wss://example.com/stream"},
    "CreateMaskingSessionRequest": {"first_party": "+14155550100", "second_party": "+14155550101"},
    "CreateTokenRequest": {"iss": "MAXXXXXXXXXXXXXXXXXX"},
    "SearchNumbersRequest": {"country_iso": "US"},
}
INT_FIELDS = _int_fields()


def test_all_sixteen_int_fields_are_found() -> None:
    assert len(INT_FIELDS) >= 16


@pytest.mark.parametrize(("cls", "name"), INT_FIELDS, ids=lambda x: getattr(x, "__name__", x))
@settings(max_examples=15, deadline=None)
@given(digits=st.integers(min_value=20, max_value=6000), sign=st.sampled_from(["", "-", "+"]))
def test_an_int_field_given_thousands_of_digits_names_the_field(
    cls: type, name: str, digits: int, sign: str
) -> None:
    for value in (sign + "7" * digits, 10**digits):
        with pytest.raises(ValidationError) as caught:
            cls(**_REQUIRED.get(cls.__name__, {}), **{name: value})
        assert caught.value.field == name
        assert len(str(caught.value)) < 400  # the value is shown shortened


def test_to_int_leaves_an_overlong_digit_string_for_the_validator() -> None:
    assert v.to_int("9" * 5000) == "9" * 5000
    assert v.to_int(" 42 ") == 42


def test_path_segment_refuses_an_int_too_large_to_write() -> None:
    with pytest.raises(ValidationError) as caught:
        v.path_segment("call_uuid", 10**5000)
    assert caught.value.field == "call_uuid"
