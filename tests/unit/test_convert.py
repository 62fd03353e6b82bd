"""The converter: wire names, omitted ``None``, and responses that survive API changes."""

from __future__ import annotations

import json
from typing import Any

import attrs
import pytest

from plivo_async._convert import converter, from_wire, structure_response, to_wire, wire_name
from plivo_async.errors import ValidationError
from plivo_async.models import (
    ActionResponse,
    CallDetails,
    CallListResponse,
    CreateCallRequest,
    CreateCallResponse,
    LiveCall,
    MemberActionRequest,
    MultiPartyCallActionRequest,
    PhloActionResponse,
)


def test_wire_name_drops_a_trailing_underscore() -> None:
    assert wire_name("from_") == "from"
    assert wire_name("to") == "to"
    assert wire_name("bill_duration__gt") == "bill_duration__gt"


def test_request_to_wire_renames_and_omits_none() -> None:
    request = CreateCallRequest(from_="+14155550100", to="+14155550101", answer_url="https://e.c/a")
    wire = to_wire(request)
    assert wire == {"from": "+14155550100", "to": "+14155550101", "answer_url": "https://e.c/a"}
    assert converter.unstructure(request) == wire


def test_request_round_trips_through_json() -> None:
    request = CreateCallRequest(
        from_="+14155550100",
        to=["+14155550101", "sip:a@b.com"],
        answer_url="https://e.c/a",
        sip_headers={"k": "v"},
        time_limit="60",
        send_on_preanswer="true",
        machine_detection="HANGUP",
    )
    wire = json.loads(json.dumps(to_wire(request)))
    assert from_wire(CreateCallRequest, wire) == request
    assert converter.structure(wire, CreateCallRequest) == request


def test_from_wire_accepts_python_names_too() -> None:
    row = {"from_": "+14155550100", "to": "+14155550101", "answer_url": "https://e.c/a"}
    assert from_wire(CreateCallRequest, row).from_ == "+14155550100"


def test_from_wire_validates() -> None:
    with pytest.raises(ValidationError) as info:
        from_wire(CreateCallRequest, {"from": "x", "to": "+14155550101", "answer_url": "h"})
    assert info.value.field == "from_"


def test_from_wire_names_an_unknown_column() -> None:
    with pytest.raises(ValidationError) as info:
        from_wire(MemberActionRequest, {"action": "hold", "colour": "red"})
    assert info.value.field == "colour"


def test_from_wire_needs_an_object() -> None:
    with pytest.raises(ValidationError):
        from_wire(MemberActionRequest, ["hold"])  # type: ignore[arg-type]


def test_mpc_request_wire_order_matches_the_seed() -> None:
    request = MultiPartyCallActionRequest(
        action="call", to="+14152225555", role="agent", trigger_source="+14152223333"
    )
    assert list(to_wire(request)) == ["action", "to", "role", "trigger_source"]
    assert request.calls == 1


def test_to_wire_refuses_a_non_object() -> None:
    with pytest.raises(TypeError):
        to_wire(5)


# -- responses ----------------------------------------------------------------------------


def test_unknown_response_fields_are_kept_in_raw() -> None:
    data = {"api_id": "a", "message": "call fired", "request_uuid": "r", "brand_new": [1, 2]}
    resp = structure_response(CreateCallResponse, data)
    assert resp == CreateCallResponse(api_id="a", message="call fired", request_uuid="r")
    assert resp.raw == data
    assert not hasattr(resp, "brand_new")


def test_missing_optional_fields_take_defaults() -> None:
    resp = structure_response(CallDetails, {"call_uuid": "u"})
    assert resp.call_uuid == "u"
    assert resp.bill_duration is None and resp.hangup_cause_name is None
    assert structure_response(CallListResponse, {}).objects == []


def test_null_and_empty_bodies() -> None:
    assert structure_response(ActionResponse, None) == ActionResponse()
    assert structure_response(ActionResponse, None).raw == {}
    assert structure_response(ActionResponse, {}).raw == {}


def test_a_non_object_body_is_kept_under_value() -> None:
    resp = structure_response(ActionResponse, "OK")
    assert resp.raw == {"value": "OK"}


def test_a_field_of_an_unexpected_shape_keeps_its_default() -> None:
    data = {"call_uuid": "u", "bill_duration": "eleven", "hangup_cause_code": {"x": 1}}
    resp = structure_response(CallDetails, data)
    assert resp.call_uuid == "u"
    assert resp.bill_duration is None and resp.hangup_cause_code is None
    assert resp.raw["bill_duration"] == "eleven"


def test_numbers_sent_as_strings_are_read() -> None:
    resp = structure_response(CallDetails, {"bill_duration": "11", "total_amount": 0.5})
    assert resp.bill_duration == 11
    assert resp.total_amount == "0.5"


def test_nested_models_keep_their_own_raw() -> None:
    data = {
        "api_id": "a",
        "meta": {"limit": 20, "offset": 0, "next": None, "total_count": 1, "new_meta": 1},
        "objects": [{"call_uuid": "u", "extra": True}],
    }
    page = structure_response(CallListResponse, data)
    assert page.meta.limit == 20 and page.meta.raw["new_meta"] == 1
    assert page.objects[0].raw == {"call_uuid": "u", "extra": True}
    assert page.raw == data


def test_keyword_fields_are_read_from_their_wire_name() -> None:
    live = structure_response(LiveCall, {"from": "+14155550100", "to": "+14155550101"})
    assert live.from_ == "+14155550100" and live.to == "+14155550101"


@pytest.mark.parametrize(
    ("value", "expected"), [("r", "r"), (["a", "b"], ["a", "b"]), ([1], ["1"]), (5, None)]
)
def test_request_uuid_is_a_string_or_a_list(value: Any, expected: Any) -> None:
    assert structure_response(CreateCallResponse, {"request_uuid": value}).request_uuid == expected


def test_request_uuids_is_always_a_list() -> None:
    assert CreateCallResponse().request_uuids == []
    assert CreateCallResponse(request_uuid="r").request_uuids == ["r"]
    assert CreateCallResponse(request_uuid=["a", "b"]).request_uuids == ["a", "b"]


@attrs.frozen
class _WithBool:
    flag: bool | None = None
    raw: dict[str, Any] = attrs.field(factory=dict)


@pytest.mark.parametrize(
    ("value", "expected"),
    [(True, True), ("false", False), ("TRUE", True), (0, False), (1, True), ("no", None)],
)
def test_booleans_are_not_read_with_bool(value: Any, expected: Any) -> None:
    """cattrs' default would read the string "false" as True."""
    assert structure_response(_WithBool, {"flag": value}).flag is expected


def test_phlo_error_field() -> None:
    resp = structure_response(PhloActionResponse, {"api_id": "a", "error": ""})
    assert resp.ok and resp.error == ""


@pytest.mark.parametrize("off", [False, "false", "FALSE", ""])
def test_machine_detection_off_is_not_sent(off: Any) -> None:
    request = CreateCallRequest(
        from_="+14155550100", to="+14155550101", answer_url="https://e.c/a", machine_detection=off
    )
    assert "machine_detection" not in to_wire(request)


def test_to_of_the_wrong_type_is_rejected() -> None:
    with pytest.raises(ValidationError) as info:
        CreateCallRequest(from_="+14155550100", to=14155550101, answer_url="https://e.c/a")
    assert info.value.field == "to"


@attrs.frozen
class _OwnHook:
    value: str | None = None
    raw: dict[str, Any] = attrs.field(factory=dict)


def test_a_class_with_its_own_hook_keeps_it() -> None:
    """Other modules (webhook events) register their own hooks: those win over the default."""
    converter.register_structure_hook(_OwnHook, lambda data, cls: cls(value="own"))
    assert converter.structure({"value": "x"}, _OwnHook).value == "own"
