"""The emulator's per-request shortcuts give exactly what the plain code gave."""

from __future__ import annotations

import random
import uuid
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from plivo_async.emulator.core import _uuid4_text
from plivo_async.emulator.rules import BadRequest, text_field
from plivo_async.emulator.rules.calls import validate_create


@given(st.integers(min_value=0, max_value=2**128 - 1))
def test_uuid4_text_is_str_of_uuid4(bits: int) -> None:
    assert _uuid4_text(bits) == str(uuid.UUID(int=bits, version=4))


def test_seeded_ids_are_the_same_as_before() -> None:
    ids = random.Random("ids-7")
    expected = [str(uuid.UUID(int=ids.getrandbits(128), version=4)) for _ in range(3)]
    again = random.Random("ids-7")
    assert [_uuid4_text(again.getrandbits(128)) for _ in range(3)] == expected


URLS = ["ring_url", "hangup_url", "fallback_url", "machine_detection_url"]
METHODS = ["answer_method", "ring_method", "hangup_method", "fallback_method"]
METHODS += ["machine_detection_method", "callback_method"]


def reference(body: dict[str, Any]) -> dict[str, Any]:
    """The optional fields as validate_create computed them before (one read per field)."""
    out: dict[str, Any] = {name: text_field(body, name) for name in URLS}
    out.update({name: (text_field(body, name) or "POST").upper() for name in METHODS[:5]})
    return out


optional_fields = st.fixed_dictionaries(
    {},
    optional={
        **{name: st.sampled_from([None, "https://x.example/h"]) for name in URLS},
        **{name: st.sampled_from([None, "", "get", "POST", "put"]) for name in METHODS},
    },
)


@given(optional_fields)
def test_validate_create_defaults_and_given_fields(extra: dict[str, Any]) -> None:
    body = {"from": "+14155550100", "to": "+14155550101", "answer_url": "https://x.example/a"}
    body.update(extra)
    try:
        fields = validate_create(body)
    except BadRequest as exc:
        assert "allowed values are GET and POST" in exc.message
        return
    assert "callback_method" not in fields
    assert {k: fields[k] for k in reference(body)} == reference(body)
