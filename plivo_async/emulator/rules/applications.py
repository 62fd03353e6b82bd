"""What the emulated application API (``Application/``) answers 400 to."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ._fields import (
    bool_field,
    check_subaccount,
    method_field,
    optional_url,
    required_field,
    text_field,
    validate_callback,
)

__all__ = ["validate_application"]

_APP_URLS = ("answer_url", "hangup_url", "fallback_answer_url", "message_url")
_APP_METHODS = ("answer_method", "hangup_method", "fallback_method", "message_method")
_APP_FLAGS = ("default_number_app", "default_endpoint_app", "log_incoming_messages", "public_uri")


def validate_application(body: Mapping[str, Any], *, create: bool) -> dict[str, Any]:
    """``POST Application/`` (``create``) or ``POST Application/{id}/``: what to set.

    Returned under the names ``GET Application/{id}/`` shows (``default_app``,
    ``sub_account``); ``app_name`` only on create. ``callback_url`` / ``callback_method``
    (the asynchronous mode) are checked, not kept.
    """
    validate_callback(body)
    fields: dict[str, Any] = {}
    if create:
        fields["app_name"] = required_field(body, "app_name")
    for name in _APP_URLS:
        value = optional_url(body, name, empty=True)
        if value is not None:
            fields[name] = value
    for name in _APP_METHODS:
        method_field(body, name)
        value = text_field(body, name)
        if value is not None:
            fields[name] = value.upper()
    for name in _APP_FLAGS:
        flag = bool_field(body, name)
        if flag is not None:
            fields["default_app" if name == "default_number_app" else name] = flag
    subaccount = text_field(body, "subaccount")
    if subaccount is not None:
        fields["sub_account"] = check_subaccount(subaccount)
    return fields
