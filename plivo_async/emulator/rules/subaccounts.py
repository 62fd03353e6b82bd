"""What the emulated subaccount API (``Subaccount/``) answers 400 to."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ._fields import bool_field, required_field

__all__ = ["validate_subaccount"]


def validate_subaccount(body: Mapping[str, Any]) -> tuple[str, bool | None]:
    """``POST Subaccount/`` or ``POST Subaccount/{auth_id}/``: ``name`` (required on
    both, as Plivo documents) and ``enabled``."""
    return required_field(body, "name"), bool_field(body, "enabled")
