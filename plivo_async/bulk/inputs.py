"""Where rows come from and what identifies them: CSV files, iterables, digests, models."""

from __future__ import annotations

import csv
import hashlib
import json
import os
from collections.abc import AsyncIterable, AsyncIterator, Iterable, Iterator
from typing import Any

import attrs

from .._convert import from_wire, to_wire, wire_name
from ..errors import ValidationError
from .outcome import MpcActionRow, request_model

__all__ = ["Rows", "build_request", "enumerate_rows", "file_digest", "read_csv", "row_digest"]

Rows = Iterable[Any] | AsyncIterable[Any]


def row_digest(request: Any) -> str:
    """A short stable hash of a row's wire form: the journal's check on a resume."""
    model = request_model(request)
    try:
        data: Any = to_wire(model)
        if isinstance(request, MpcActionRow):
            data = [request.phlo_id, request.node_id, data]
    except Exception:
        data = request
    text = json.dumps(data, sort_keys=True, default=repr, separators=(",", ":"))
    return hashlib.blake2b(text.encode(), digest_size=8).hexdigest()


def read_csv(path: str | os.PathLike[str]) -> Iterator[dict[str, str]]:
    """Stream the rows of a CSV file with a header line; empty cells are dropped."""
    with open(path, newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            yield {k.strip(): v.strip() for k, v in row.items() if k and v and v.strip()}


def file_digest(path: str | os.PathLike[str]) -> str:
    """A content hash of an input file: the journal's check that a resume uses the same input."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return "sha256:" + digest.hexdigest()


async def enumerate_rows(rows: Rows) -> AsyncIterator[tuple[int, Any]]:
    index = 0
    if isinstance(rows, AsyncIterable):
        async for row in rows:
            yield index, row
            index += 1
    else:
        for row in rows:
            yield index, row
            index += 1


def build_request(cls: Any, data: dict[str, Any]) -> Any:
    """Build a request model from a row; a missing required field is a ValidationError too."""
    try:
        return from_wire(cls, data)
    except TypeError as exc:  # the model's __init__ lacks a required argument
        given = {wire_name(key) for key in data} | set(data)
        missing = [
            f.name
            for f in attrs.fields(cls)
            if f.default is attrs.NOTHING and f.name not in given and wire_name(f.name) not in given
        ]
        raise ValidationError.invalid(missing[0] if missing else "row", "is required") from exc
