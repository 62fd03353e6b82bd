"""The reference documents every argument of ``calls.create`` (issue 12, item 12).

The API reference renders the docstring's ``Args:`` section as the parameter table, so an
argument added to the signature without a line there would be undocumented.
"""

from __future__ import annotations

import inspect
import re

import attrs
import pytest

from plivo_async import CreateCallRequest, ValidationError
from plivo_async.resources.calls import Calls

ENTRY = re.compile(r"^ {4}(\w+): (.+)$")


def documented_args(func: object) -> dict[str, str]:
    """The ``Args:`` entries of a Google-style docstring: name -> first line of text."""
    doc = inspect.getdoc(func) or ""
    if "\nArgs:\n" not in doc:
        return {}
    section = doc.split("\nArgs:\n", 1)[1]
    section = re.split(r"\n\S", section, maxsplit=1)[0]  # up to the next section header
    return {m[1]: m[2] for line in section.splitlines() if (m := ENTRY.match(line))}


def flat_doc() -> str:
    """The docstring of create on one line (the ranges wrap)."""
    return " ".join((inspect.getdoc(Calls.create) or "").split())


def test_every_argument_of_create_is_documented_and_nothing_else() -> None:
    params = [p for p in inspect.signature(Calls.create).parameters if p != "self"]
    documented = documented_args(Calls.create)
    assert list(documented) == params  # same names, in signature order


def test_every_field_of_the_request_model_is_an_argument_of_create() -> None:
    # CreateCallRequest's docstring sends readers to create for every field.
    fields = [f.name for f in attrs.fields(CreateCallRequest)]
    assert set(fields) <= set(documented_args(Calls.create))


@pytest.mark.parametrize(
    ("field", "low", "high"),
    [
        ("machine_detection_time", 2000, 10000),
        ("machine_detection_maximum_speech_length", 1000, 6000),
        ("machine_detection_initial_silence", 2000, 10000),
        ("machine_detection_maximum_words", 2, 10),
        ("machine_detection_initial_greeting", 1000, 5000),
        ("machine_detection_silence", 500, 5000),
    ],
)
def test_documented_range_is_the_enforced_range(field: str, low: int, high: int) -> None:
    assert f"from {low} to {high}" in flat_doc()
    base = {"from_": "+14155550100", "to": "+14155550101", "answer_url": "https://x.test/a"}
    for ok in (low, high):
        assert getattr(CreateCallRequest(**base, **{field: ok}), field) == ok
    for bad in (low - 1, high + 1):
        with pytest.raises(ValidationError):
            CreateCallRequest(**base, **{field: bad})


def test_caller_name_limit_is_the_enforced_limit() -> None:
    assert "at most 50" in flat_doc()
    base = {"from_": "+14155550100", "to": "+14155550101", "answer_url": "https://x.test/a"}
    assert CreateCallRequest(**base, caller_name="x" * 50).caller_name == "x" * 50
    with pytest.raises(ValidationError):
        CreateCallRequest(**base, caller_name="x" * 51)
