"""What the emulated number lookup (``GET /v1/Number/{number}``) answers 400 to."""

from __future__ import annotations

from collections.abc import Mapping

from ._fields import BadRequest

__all__ = ["validate_lookup_query"]

_TYPES = ("carrier",)


def validate_lookup_query(query: Mapping[str, str]) -> str:
    """The ``type`` asked for: ``carrier`` (the default), the one Plivo documents."""
    info_type = query.get("type", "carrier")
    if info_type not in _TYPES:
        raise BadRequest(f"invalid type: {info_type[:20]!r} (must be carrier)")
    return info_type
