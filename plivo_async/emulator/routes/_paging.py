"""One page of a list answer: Plivo's ``meta`` block and the objects, for every list route."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from ..rules import validate_list_query

__all__ = ["page", "page_meta", "query_page"]


def page_meta(
    path: str, limit: int, offset: int, total: int, *, total_key: str = "total_count"
) -> dict[str, Any]:
    """``meta`` of the page at ``offset``: ``next``/``previous`` are relative URLs or None.

    ``total_key`` names the count as the area's API does (``count`` for multi-party calls).
    """
    base = f"{path}?limit={limit}&offset="
    return {
        "limit": limit,
        "offset": offset,
        "next": base + str(offset + limit) if offset + limit < total else None,
        "previous": base + str(max(0, offset - limit)) if offset > 0 else None,
        total_key: total,
    }


def page(
    objects: Sequence[Any], path: str, limit: int, offset: int, *, total_key: str = "total_count"
) -> dict[str, Any]:
    """``{"meta", "objects"}``: ``limit`` objects from ``offset``, with their ``meta``."""
    meta = page_meta(path, limit, offset, len(objects), total_key=total_key)
    return {"meta": meta, "objects": list(objects[offset : offset + limit])}


def query_page(query: Mapping[str, str], objects: Sequence[Any], path: str) -> dict[str, Any]:
    """:func:`page` with ``limit`` (<= 20) and ``offset`` checked from the request's query."""
    limit, offset = validate_list_query(query)
    return page(objects, path, limit, offset)
