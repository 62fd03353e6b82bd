"""The correlation mark: a token the client adds to a create so its callbacks name the row.

A mark is a short random token appended to the create's callback URLs as one query
parameter, ``plivo_async_mark=<mark>`` (``answer_url``, and ``ring_url``, ``hangup_url``,
``fallback_url`` and ``machine_detection_url`` when given). Everything else the user gave
is kept: the URL's own query and fragment stay, only ``&plivo_async_mark=...`` is added
before the fragment, so the user's server sees every parameter it expects plus one it can
ignore. Plivo signs the URL it calls, mark included, so signatures still verify.

Why a URL parameter: the lookup APIs (queued, live, call records) show no field the
client controls, but every callback comes back to these URLs, so a callback names its
row even before the create's answer (and its ``request_uuid``) reached the client — which
is exactly the case of an ambiguous create. :class:`plivo_async.tracking.CallTracker`
records ``mark -> request_uuid`` from the callbacks; reconciliation uses it as proof.
"""

from __future__ import annotations

import re
import secrets
from typing import Any
from urllib.parse import parse_qs, urlsplit

import attrs

from .models.calls import CreateCallRequest
from .validation import check

__all__ = ["MARK_PARAM", "mark_of", "new_mark", "with_mark"]

#: The query parameter that carries the mark.
MARK_PARAM = "plivo_async_mark"
_MARK = re.compile(r"[A-Za-z0-9_-]{1,64}")
_MARKED_URLS = ("answer_url", "ring_url", "hangup_url", "fallback_url", "machine_detection_url")


def new_mark() -> str:
    """A fresh random mark (128 bits, URL-safe)."""
    return secrets.token_hex(16)


def _add(url: str, mark: str) -> str:
    base, hash_, fragment = url.partition("#")
    separator = "&" if "?" in base else "?"
    if base.endswith(("?", "&")):
        separator = ""
    return f"{base}{separator}{MARK_PARAM}={mark}{hash_}{fragment}"


def with_mark(request: CreateCallRequest, mark: str) -> CreateCallRequest:
    """``request`` with ``mark`` added to each callback URL it has (see the module doc).

    Raises:
        ValidationError: If ``mark`` is not 1..64 characters of ``A-Z a-z 0-9 _ -``, or a
            URL already carries a mark.
    """
    check(
        "mark", isinstance(mark, str) and bool(_MARK.fullmatch(mark)), "1..64 of A-Za-z0-9_-", mark
    )
    marked: dict[str, Any] = {}  # URLs; Any: evolve checks them against every field
    for name in _MARKED_URLS:
        url = getattr(request, name)
        if url is None:
            continue
        if MARK_PARAM in url:
            check(name, mark_of(url) is None, f"already carries a {MARK_PARAM}", url)
        marked[name] = _add(url, mark)
    return attrs.evolve(request, **marked)


def mark_of(url: str) -> str | None:
    """The mark in ``url``'s query, or None."""
    values = parse_qs(urlsplit(url).query).get(MARK_PARAM)
    return values[0] if values else None
