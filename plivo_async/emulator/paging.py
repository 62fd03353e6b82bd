"""Plivo's list ``meta`` (limit, offset, next, previous, total_count) for one page."""

from __future__ import annotations

from typing import Any

__all__ = ["page_meta"]


def page_meta(path: str, limit: int, offset: int, total: int) -> dict[str, Any]:
    """``meta`` of the page at ``offset``; ``next``/``previous`` are relative URLs or None."""
    base = f"{path}?limit={limit}&offset="
    return {
        "limit": limit,
        "offset": offset,
        "next": base + str(offset + limit) if offset + limit < total else None,
        "previous": base + str(max(0, offset - limit)) if offset > 0 else None,
        "total_count": total,
    }
