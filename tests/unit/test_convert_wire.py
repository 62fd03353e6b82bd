"""The wire dict of every request model, against an oracle: the rule ``to_wire`` had.

Until cattrs' generated hooks replaced it, ``to_wire`` was a function compiled per class
that did exactly what :func:`oracle` does: every field in declaration order, under its
wire name (``from_`` -> ``from``), the value as it is, ``None`` left out. The property
holds for generated instances of all request models; the order of the keys is compared
too, since it is the order of the JSON body.
"""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Any

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import plivo_async
from plivo_async import _convert, models  # noqa: F401 - registers every request model
from plivo_async._convert import from_wire, to_wire
from plivo_async.correlation import with_mark
from plivo_async.errors import ValidationError
from plivo_async.models import applications as _applications  # noqa: F401
from plivo_async.models import (
    call_feedback,  # noqa: F401
    conferences,  # noqa: F401
    endpoints,  # noqa: F401
    masking_sessions,  # noqa: F401
    multi_party_calls,  # noqa: F401
    recordings,  # noqa: F401
    streams,  # noqa: F401
    token,  # noqa: F401
    verify_callerids,  # noqa: F401
)
from plivo_async.models.calls import CreateCallRequest

MODELS = sorted(_convert._REQUEST_MODELS, key=lambda cls: cls.__qualname__)

#: Arguments that make each model with required fields valid; the rest is generated.
REQUIRED: dict[str, dict[str, Any]] = {
    "AddParticipantRequest": {"role": "agent", "from_": "+14155550100", "to_": "+14155550101"},
    "CallFeedbackRequest": {"rating": 5},
    "ConferenceMemberPlayRequest": {"url": "https://example.com/a.mp3"},
    "ConferenceMemberSpeakRequest": {"text": "hello"},
    "CreateApplicationRequest": {"app_name": "app"},
    "CreateCallRequest": {
        "from_": "+14155550100",
        "to": "+14155550101",
        "answer_url": "https://example.com/a",
    },
    "CreateEndpointRequest": {"username": "user1", "password": "secret1", "alias": "one"},
    "CreateMaskingSessionRequest": {"first_party": "+14155550100", "second_party": "+14155550101"},
    "CreateNumberRequest": {"numbers": "14155550100", "carrier": "c1", "region": "CA"},
    "CreateSubaccountRequest": {"name": "Customer A"},
    "CreateTokenRequest": {"iss": "MAXXXXXXXXXXXXXXXXXX"},
    "InitiateVerifyRequest": {"phone_number": "+14155550100"},
    "LookupRequest": {"number": "+14155550100"},
    "MemberActionRequest": {"action": "hold"},
    "MultiPartyCallActionRequest": {
        "action": "call",
        "to": "+14155550101",
        "trigger_source": "+14155550100",
    },
    "NodeActionRequest": {"action": "call", "to": "+14155550101", "trigger_source": "+14155550100"},
    "PlayRequest": {"urls": "https://example.com/a.mp3"},
    "PricingRequest": {"country_iso": "US"},
    "SearchNumbersRequest": {"country_iso": "US"},
    "SendDigitsRequest": {"digits": "123"},
    "SpeakRequest": {"text": "hello"},
    "StartPlayAudioRequest": {"url": "https://example.com/a.mp3"},
    "StartStreamRequest": {"service_url": "wss://example.com/stream"},
    "UpdateAccountRequest": {"city": "London"},
    "UpdateCallRequest": {"legs": "aleg", "aleg_url": "https://example.com/x"},
    "UpdateParticipantRequest": {"mute": True},
    "UpdateSubaccountRequest": {"name": "Customer A"},
    "VerifyCallerIdRequest": {"otp": "123456"},
}

values = st.one_of(
    st.none(),
    st.just(""),
    st.booleans(),
    st.integers(-5, 20_000),
    st.sampled_from(
        [
            "+14155550100",
            "+14155550102<+14155550103",
            "sip:a@b.com",
            "https://x.example/a",
            "wss://x.example/s",
            "post",
            "true",
            "agent",
            "customer",
            "mp3",
            "wav",
            "both",
            "inbound",
            "2024-01-02 03:04",
            "SAXXXXXXXXXXXXXXXXXX",
        ]
    ),
    st.text(max_size=6),
    st.lists(st.sampled_from(["+14155550101", "https://x.example/b"]), max_size=2),
)


def oracle(model: Any) -> list[tuple[str, Any]]:
    """The old compiled unstructurer, as a plain loop: field order, wire names, no None."""
    out = []
    for field in attrs.fields(type(model)):
        value = getattr(model, field.name)
        if value is not None:
            out.append((field.name[:-1] if field.name.endswith("_") else field.name, value))
    return out


@st.composite
def request_models(draw: st.DrawFn) -> Any:
    """A valid instance of any request model, with a generated set of fields given."""
    cls = draw(st.sampled_from(MODELS))
    kwargs = dict(REQUIRED.get(cls.__name__, {}))
    names = [field.alias or field.name for field in attrs.fields(cls)]
    for name in draw(st.lists(st.sampled_from(names), unique=True)):
        value = draw(values)
        try:
            cls(**{**kwargs, name: value})
        except (ValidationError, TypeError, ValueError):
            continue  # that value breaks a rule of the field (or of the model): not given
        kwargs[name] = value
    return cls(**kwargs)


def test_every_request_model_can_be_generated() -> None:
    for cls in MODELS:
        assert isinstance(cls(**REQUIRED.get(cls.__name__, {})), cls)


@settings(max_examples=600, suppress_health_check=[HealthCheck.too_slow])
@given(request_models())
def test_the_wire_dict_is_the_old_one(model: Any) -> None:
    wire = to_wire(model)
    # The same keys and values; their order is JSON's business, not the API's.
    assert wire == dict(oracle(model))
    assert from_wire(type(model), wire) == model


@settings(max_examples=100, suppress_health_check=[HealthCheck.too_slow])
@given(request_models())
def test_to_wire_and_the_converter_agree(model: Any) -> None:
    assert _convert.converter.unstructure(model) == to_wire(model)


@pytest.mark.parametrize("default_role", ["MultiPartyCallActionRequest", "NodeActionRequest"])
def test_a_default_that_is_not_none_is_still_sent(default_role: str) -> None:
    cls = next(cls for cls in MODELS if cls.__name__ == default_role)
    assert to_wire(cls(**REQUIRED[default_role]))["role"] == "agent"


def test_with_mark_is_the_request_with_marked_urls() -> None:
    request = CreateCallRequest(
        from_="+14155550100",
        to="+14155550101",
        answer_url="https://example.com/a?x=1",
        hangup_url="https://example.com/h#frag",
    )
    marked = with_mark(request, "m1")
    assert type(marked) is CreateCallRequest
    assert marked.answer_url == "https://example.com/a?x=1&plivo_async_mark=m1"
    assert marked.hangup_url == "https://example.com/h?plivo_async_mark=m1#frag"
    assert attrs.evolve(marked, answer_url=request.answer_url, hangup_url=request.hangup_url) == (
        request
    )


def test_no_code_is_generated_in_the_package() -> None:
    """``exec``/``compile``/``eval`` of source text: cattrs and attrs generate what is needed."""
    found = []
    for path in Path(plivo_async.__file__).parent.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id in {"exec", "eval", "compile"}
            ):
                found.append(f"{path.name}:{node.lineno} {node.func.id}")
    assert found == []
