"""What the emulated SIP endpoint API (``Endpoint/``) answers 400 to."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from ._fields import BadRequest, required_field, text_field, validate_callback

__all__ = ["validate_endpoint"]

_ALNUM = re.compile(r"[A-Za-z0-9]+")


def validate_endpoint(body: Mapping[str, Any], *, create: bool) -> dict[str, Any]:
    """``POST Endpoint/`` (``create``) or ``POST Endpoint/{id}/``: the fields to set.

    ``callback_url`` / ``callback_method`` (the asynchronous mode) are checked, not kept.
    """
    validate_callback(body)
    fields: dict[str, Any] = {}
    if create:
        username = required_field(body, "username")
        if not _ALNUM.fullmatch(username):
            raise BadRequest("username may hold only letters and digits")
        fields["username"] = username
    for name in ("password", "alias"):
        value = required_field(body, name) if create else text_field(body, name)
        if value is not None:
            fields[name] = value
    if "password" in fields and len(fields["password"]) < 5:
        raise BadRequest("password must be at least 5 characters long")
    app_id = text_field(body, "app_id")
    if app_id is not None:
        fields["app_id"] = app_id
    return fields
