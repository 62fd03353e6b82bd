"""One page of a list answer (``meta`` + ``objects``), shared by the list routes."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from aiohttp import web

from ..core import EmulatorCore
from ..rules import validate_list_query

__all__ = ["list_page"]


def list_page(
    core: EmulatorCore, query: Mapping[str, str], objects: Sequence[dict[str, Any]], area: str
) -> web.Response:
    """Plivo's list shape: ``limit`` (<= 20) objects from ``offset``, ``next``/``previous``.

    ``area`` is the path under the account (``"Recording"``, ``"Call/{uuid}/Stream"``).
    """
    limit, offset = validate_list_query(query)
    total = len(objects)
    base = f"/v1/Account/{core.auth_id}/{area}/?limit={limit}&offset="
    meta = {
        "limit": limit,
        "offset": offset,
        "next": base + str(offset + limit) if offset + limit < total else None,
        "previous": base + str(max(0, offset - limit)) if offset > 0 else None,
        "total_count": total,
    }
    page = list(objects[offset : offset + limit])
    return core.json(200, {"api_id": core.new_id(), "meta": meta, "objects": page})
