"""The compiled request builders (``_convert.builder``) are the models' ``__init__``, faster.

Differential: for any arguments, valid or not, the builder gives an equal model or raises
the same exception with the same text (field, rule) as the attrs ``__init__``.
"""

from __future__ import annotations

from typing import Any

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from plivo_async._convert import _REQUEST_MODELS, build, builder
from plivo_async.models import CreateCallRequest

from .test_models_property import one_invalid_field, valid_create_kwargs

MODELS = sorted(_REQUEST_MODELS, key=lambda cls: cls.__qualname__)


def outcome(make: Any, kwargs: dict[str, Any]) -> tuple[str, Any]:
    try:
        return "ok", make(**kwargs)
    except Exception as exc:  # the differential compares whatever is raised
        return type(exc).__name__, str(exc)


def assert_same(cls: type, kwargs: dict[str, Any]) -> None:
    expected = outcome(cls, kwargs)
    assert outcome(lambda **kw: build(cls, kw), kwargs) == expected
    if expected[0] == "ok":
        made = build(cls, kwargs)
        assert type(made) is cls
        assert repr(made) == repr(expected[1]) and hash(made) == hash(expected[1])


@settings(max_examples=150, suppress_health_check=[HealthCheck.too_slow])
@given(valid_create_kwargs())
def test_builder_equals_init_for_valid_calls(kwargs: dict[str, Any]) -> None:
    assert_same(CreateCallRequest, kwargs)


@settings(
    max_examples=150, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much]
)
@given(one_invalid_field())
def test_builder_raises_what_init_raises(case: tuple[str, dict[str, Any]]) -> None:
    _field, kwargs = case
    assert_same(CreateCallRequest, kwargs)


values = st.one_of(
    st.none(),
    st.just(""),
    st.booleans(),
    st.integers(-5, 20_000),
    st.sampled_from(["+14155550100", "sip:a@b.com", "https://x.example/a", "post", "true"]),
    st.text(max_size=6),
    st.lists(st.sampled_from(["+14155550101", "x"]), max_size=2),
)


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(MODELS), st.data())
def test_builder_equals_init_for_every_request_model(cls: type, data: st.DataObject) -> None:
    names = [a.alias or a.name for a in attrs.fields(cls)]
    chosen = data.draw(st.lists(st.sampled_from(names), unique=True)) if names else []
    kwargs = {name: data.draw(values) for name in chosen}
    if data.draw(st.booleans()):
        kwargs["not_a_field"] = 1
    assert_same(cls, kwargs)


def test_missing_required_argument_is_attrs_own_type_error() -> None:
    with pytest.raises(TypeError, match=r"CreateCallRequest.__init__\(\) missing"):
        builder(CreateCallRequest)(from_="+14155550100")


def test_disabled_validators_fall_back_to_init() -> None:
    attrs.validators.set_disabled(True)
    try:
        assert builder(CreateCallRequest) is CreateCallRequest
    finally:
        attrs.validators.set_disabled(False)
    assert builder(CreateCallRequest) is not CreateCallRequest
