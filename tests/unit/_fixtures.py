"""Realistic API answers written from Plivo's documented fields (``tests/fixtures/<area>/``)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from aioresponses import aioresponses

from plivo_async.errors import ValidationError

from ._resources_helpers import sent

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


def fixture(area: str, name: str) -> Any:
    """The decoded ``tests/fixtures/<area>/<name>.json``."""
    return json.loads((FIXTURES / area / f"{name}.json").read_text())


def refused(excinfo: pytest.ExceptionInfo[ValidationError], field: str, m: aioresponses) -> None:
    """The error names ``field`` and a rule, and nothing was sent."""
    assert excinfo.value.field == field
    assert excinfo.value.rule
    assert field in str(excinfo.value)
    assert sent(m) == []


load = fixture  # the name some areas' tests use
