"""Realistic API answers written from Plivo's documented fields (``tests/fixtures/<area>/``)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


def load(area: str, name: str) -> Any:
    """The decoded JSON of ``tests/fixtures/<area>/<name>.json``."""
    return json.loads((FIXTURES / area / f"{name}.json").read_text())
