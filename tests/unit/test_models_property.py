"""Property tests: valid requests serialise to valid JSON; invalid values never go out."""

from __future__ import annotations

import asyncio
import json
import re
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from plivo_async._convert import from_wire, to_wire
from plivo_async.errors import ValidationError
from plivo_async.models import CreateCallRequest, MultiPartyCallActionRequest
from plivo_async.resources.calls import Calls
from plivo_async.resources.phlo import MultiPartyCall
from plivo_async.validation import is_http_url

from ._resources_helpers import API, NODE_ID, PHLO_ID, RecordingTransport

# Independent restatements of the documented rules, used to judge what went on the wire.
PHONE = re.compile(r"\+?[1-9][0-9]{1,14}")
SIP = re.compile(r"sips?:[^@<\s]+@[A-Za-z0-9.\-]+(:[0-9]+)?(;[^<\s]*)?")
DIGITS = re.compile(r"[0-9*#wW]+(@[0-9]+)?")
HEADERS = re.compile(r"[A-Za-z0-9]+=[A-Za-z0-9]+(,[A-Za-z0-9]+=[A-Za-z0-9]+)*")
METHOD_FIELDS = [
    "answer_method",
    "ring_method",
    "hangup_method",
    "fallback_method",
    "machine_detection_method",
]
URL_FIELDS = ["answer_url", "ring_url", "hangup_url", "fallback_url", "machine_detection_url"]

phones = st.from_regex(PHONE, fullmatch=True)
sip_uris = st.builds(
    "sip:{}@{}.{}".format,
    st.from_regex(r"[A-Za-z0-9._+\-]{1,12}", fullmatch=True),
    st.from_regex(r"[a-z0-9]([a-z0-9\-]{0,10}[a-z0-9])?", fullmatch=True),
    st.sampled_from(["com", "org", "plivo.com"]),
)
destinations = st.one_of(phones, sip_uris)
urls = st.builds(
    "{}://{}.example/{}".format,
    st.sampled_from(["http", "https", "HTTPS"]),
    st.from_regex(r"[a-z0-9]{1,12}", fullmatch=True),
    st.from_regex(r"[A-Za-z0-9._~/\-]{0,20}", fullmatch=True),
)
methods = st.sampled_from(["GET", "POST", "get", "post", "Post"])
alnum = st.from_regex(r"[A-Za-z0-9]{1,8}", fullmatch=True)


@st.composite
def valid_create_kwargs(draw: st.DrawFn) -> dict[str, Any]:
    from_ = draw(phones)
    to = draw(
        st.lists(destinations, min_size=1, max_size=5).filter(
            lambda ds: all(d.lstrip("+") != from_.lstrip("+") for d in ds)
        )
    )
    kwargs: dict[str, Any] = {
        "from_": from_,
        "to": draw(st.sampled_from([to, tuple(to), "<".join(to)])),
        "answer_url": draw(urls),
    }
    optional: dict[str, st.SearchStrategy[Any]] = {
        **{name: methods for name in METHOD_FIELDS},
        **{name: urls for name in URL_FIELDS[1:]},
        "caller_name": st.text(max_size=50),
        "send_digits": st.from_regex(r"[0-9*#wW]{1,20}(@[1-9][0-9]{0,5})?", fullmatch=True),
        "send_on_preanswer": st.one_of(st.booleans(), st.sampled_from(["true", "False"])),
        "time_limit": st.one_of(st.integers(1, 10**6), st.integers(1, 99999).map(str)),
        "hangup_on_ring": st.integers(1, 10**5),
        "machine_detection": st.sampled_from([True, "true", "hangup", "HANGUP"]),
        "machine_detection_time": st.integers(2000, 10000),
        "sip_headers": st.dictionaries(alnum, st.one_of(alnum, st.integers(0, 999)), max_size=4),
        "ring_timeout": st.integers(1, 10**4),
        "parent_call_uuid": st.uuids().map(str),
        "error_if_parent_not_found": st.booleans(),
    }
    for name, strategy in optional.items():
        if draw(st.booleans()):
            kwargs[name] = draw(strategy)
    return kwargs


def assert_wire_is_valid(wire: dict[str, Any]) -> None:
    """Judge a JSON body against the documented rules, independently of the models."""
    assert PHONE.fullmatch(wire["from"])
    parts = wire["to"].split("<")
    assert all(PHONE.fullmatch(p) or SIP.fullmatch(p) for p in parts)
    assert wire["from"].lstrip("+") not in [p.lstrip("+") for p in parts]
    for name in URL_FIELDS:
        if name in wire:
            assert is_http_url(wire[name])
    for name in METHOD_FIELDS:
        if name in wire:
            assert wire[name] in ("GET", "POST")
    if "caller_name" in wire:
        assert isinstance(wire["caller_name"], str) and 0 < len(wire["caller_name"]) <= 50
    if "send_digits" in wire:
        assert DIGITS.fullmatch(wire["send_digits"])
    for name in ("time_limit", "hangup_on_ring", "ring_timeout"):
        if name in wire:
            assert type(wire[name]) is int and wire[name] > 0
    if "machine_detection" in wire:
        assert wire["machine_detection"] in ("true", "hangup")
    if "machine_detection_time" in wire:
        assert 2000 <= wire["machine_detection_time"] <= 10000
    if "sip_headers" in wire:
        assert HEADERS.fullmatch(wire["sip_headers"])
    for name in ("send_on_preanswer", "error_if_parent_not_found"):
        if name in wire:
            assert type(wire[name]) is bool
    assert None not in wire.values()


@settings(max_examples=150, suppress_health_check=[HealthCheck.too_slow])
@given(valid_create_kwargs())
def test_valid_create_requests_serialise_to_valid_json_and_round_trip(
    kwargs: dict[str, Any],
) -> None:
    request = CreateCallRequest(**kwargs)
    wire = json.loads(json.dumps(to_wire(request)))
    assert_wire_is_valid(wire)
    assert from_wire(CreateCallRequest, wire) == request
    assert request.calls == len(wire["to"].split("<"))


@settings(max_examples=100)
@given(valid_create_kwargs())
def test_create_sends_exactly_the_model_wire_form(kwargs: dict[str, Any]) -> None:
    transport = RecordingTransport({"api_id": "a", "message": "call fired", "request_uuid": "r"})
    calls = Calls(transport)  # type: ignore[arg-type]
    to = kwargs.pop("to")
    resp = asyncio.run(calls.create(to=to, **kwargs))
    [sent] = transport.requests
    expected = to_wire(CreateCallRequest(to=to, **kwargs))
    assert sent["method"] == "POST" and sent["url"] == API + "Call/"
    assert sent["json"] == expected
    assert sent["calls"] == len(expected["to"].split("<"))
    assert resp.request_uuid == "r"


# -- invalid values -----------------------------------------------------------------------


def _not(pattern: re.Pattern[str]) -> st.SearchStrategy[str]:
    return st.text(max_size=30).filter(lambda s: pattern.fullmatch(s) is None)


def _bad_method(s: str) -> bool:
    return s.upper() not in ("GET", "POST", "")


def _bad_destinations(s: str) -> bool:
    return not s or not all(PHONE.fullmatch(p) or SIP.fullmatch(p) for p in s.split("<"))


def _bad_machine_detection(s: str) -> bool:
    return s.strip().lower() not in ("", "true", "false", "hangup")


non_ints = st.one_of(
    st.floats(allow_nan=True),
    st.booleans(),
    st.text(max_size=5).filter(lambda s: not s.strip()).map(lambda s: s + "x"),
)
INVALID: dict[str, st.SearchStrategy[Any]] = {
    "from_": st.one_of(_not(PHONE), sip_uris, st.integers()),
    "to": st.one_of(st.text(max_size=40).filter(_bad_destinations), st.just(["+14155550101", ""])),
    "answer_url": st.text(max_size=30).filter(lambda s: not is_http_url(s)),
    "ring_url": st.text(min_size=1, max_size=30).filter(lambda s: not is_http_url(s)),
    "answer_method": st.text(min_size=1, max_size=8).filter(_bad_method),
    "hangup_method": st.sampled_from(["PUT", "DELETE", "PATCH", "HEAD", "G E T"]),
    "caller_name": st.text(min_size=51, max_size=80),
    "send_digits": st.text(min_size=1, max_size=20).filter(lambda s: not DIGITS.fullmatch(s)),
    "send_on_preanswer": st.one_of(
        st.integers(),
        st.text(min_size=1).filter(lambda s: s.strip().lower() not in ("true", "false")),
    ),
    "time_limit": st.one_of(st.integers(max_value=0), non_ints),
    "hangup_on_ring": st.integers(max_value=0),
    "ring_timeout": st.integers(max_value=0).map(str),
    "machine_detection": st.text(min_size=1, max_size=10).filter(_bad_machine_detection),
    "machine_detection_time": st.one_of(st.integers(max_value=1999), st.integers(min_value=10001)),
    "sip_headers": st.dictionaries(
        st.text(min_size=1, max_size=5), st.text(max_size=5), min_size=1, max_size=3
    ).filter(lambda d: not all(re.fullmatch(r"[A-Za-z0-9]+", x) for kv in d.items() for x in kv)),
    "error_if_parent_not_found": st.sampled_from(["yes", 2, "1"]),
}


@st.composite
def one_invalid_field(draw: st.DrawFn) -> tuple[str, dict[str, Any]]:
    kwargs = draw(valid_create_kwargs())
    field = draw(st.sampled_from(sorted(INVALID)))
    kwargs[field] = draw(INVALID[field])
    return field, kwargs


@settings(
    max_examples=200, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much]
)
@given(one_invalid_field())
def test_invalid_values_never_reach_the_wire(case: tuple[str, dict[str, Any]]) -> None:
    field, kwargs = case
    transport = RecordingTransport()
    calls = Calls(transport)  # type: ignore[arg-type]
    try:
        asyncio.run(calls.create(**kwargs))
    except ValidationError as err:
        assert err.field == field
    else:
        raise AssertionError(f"{field}={kwargs[field]!r} was accepted")
    assert transport.requests == []


@settings(max_examples=200)
@given(
    action=st.sampled_from(["call", "warm_transfer", "cold_transfer"]),
    to=destinations,
    source=destinations,
    role=st.sampled_from(["agent", "customer", "AGENT"]),
)
def test_mpc_requests_send_valid_json(action: str, to: str, source: str, role: str) -> None:
    transport = RecordingTransport({"api_id": "a", "error": ""})
    mpc = MultiPartyCall(transport, PHLO_ID, NODE_ID)  # type: ignore[arg-type]
    asyncio.run(getattr(mpc, action)(source, to, role))
    [sent] = transport.requests
    assert sent["json"] == {
        "action": action,
        "to": to,
        "role": role.lower(),
        "trigger_source": source,
    }
    assert sent["calls"] == 1
    assert from_wire(MultiPartyCallActionRequest, sent["json"]) == MultiPartyCallActionRequest(
        action=action, to=to, role=role, trigger_source=source
    )


@settings(max_examples=200)
@given(
    to=st.one_of(st.text(max_size=20).filter(_bad_destinations), st.none()),
    role=st.text(max_size=10).filter(lambda s: s.lower() not in ("agent", "customer")),
    which=st.sampled_from(["to", "role"]),
)
def test_invalid_mpc_values_never_reach_the_wire(to: Any, role: str, which: str) -> None:
    transport = RecordingTransport()
    mpc = MultiPartyCall(transport, PHLO_ID, NODE_ID)  # type: ignore[arg-type]
    args: dict[str, Any] = {
        "trigger_source": "+14155550100",
        "to": "+14155550101",
        "role": "agent",
    }
    args[which] = to if which == "to" else role
    try:
        asyncio.run(mpc.call(**args))
    except ValidationError as err:
        assert err.field == which
    else:
        raise AssertionError(f"{which} accepted")
    assert transport.requests == []
