"""Models of applications (``Application/``): validated requests, typed responses.

An application is the set of URLs Plivo fetches when a number or endpoint attached to it
gets a call (``answer_url``, ``hangup_url``, ``fallback_answer_url``) or a message
(``message_url``). Fields left as ``None`` are not sent, so the API applies its defaults
on create (methods POST, ``log_incoming_messages`` true) and keeps the current values on
update. (The official SDK sends its defaults on every update, which resets fields the
caller did not name.)
"""

from __future__ import annotations

from typing import Any

import attrs

from .. import validation as v
from .._convert import request_model
from ._shared import (
    CallbackRequest,
    ListMeta,
    ListPage,
    bool_field,
    limit_field,
    method_field,
    offset_field,
    optional_text,
    subaccount_field,
    to_id_text,
    url_field,
)

__all__ = [
    "Application",
    "ApplicationListResponse",
    "CreateApplicationRequest",
    "CreateApplicationResponse",
    "DeleteApplicationRequest",
    "ListApplicationsRequest",
    "UpdateApplicationRequest",
]


# -- requests -----------------------------------------------------------------------------


@attrs.frozen(kw_only=True)
class _ApplicationSettings(CallbackRequest):
    """What create and update both set (and the asynchronous mode both take)."""

    answer_url: str | None = url_field()
    answer_method: str | None = method_field()
    hangup_url: str | None = url_field()
    hangup_method: str | None = method_field()
    fallback_answer_url: str | None = url_field()
    fallback_method: str | None = method_field()
    message_url: str | None = url_field()
    message_method: str | None = method_field()
    default_number_app: bool | None = bool_field()
    default_endpoint_app: bool | None = bool_field()
    subaccount: str | None = subaccount_field()
    log_incoming_messages: bool | None = bool_field()
    public_uri: bool | None = bool_field()


@request_model
@attrs.frozen(kw_only=True)
class CreateApplicationRequest(_ApplicationSettings):
    """``POST Application/``: a new application named ``app_name``."""

    app_name: str = attrs.field(validator=v.all_of(v.required(), v.non_empty_str()))


@request_model
@attrs.frozen(kw_only=True)
class UpdateApplicationRequest(_ApplicationSettings):
    """``POST Application/{id}/``: change the fields given, keep the others."""


@request_model
@attrs.frozen(kw_only=True)
class ListApplicationsRequest(CallbackRequest):
    """Query of ``GET Application/``: by ``subaccount`` or ``app_name``, one page."""

    subaccount: str | None = subaccount_field()
    app_name: str | None = optional_text()
    limit: int | None = limit_field()
    offset: int | None = offset_field()


@request_model
@attrs.frozen(kw_only=True)
class DeleteApplicationRequest(CallbackRequest):
    """``DELETE Application/{id}/``: ``cascade`` also deletes the endpoints attached to it,
    unless ``new_endpoint_application`` names the application they move to."""

    cascade: bool | None = bool_field()
    new_endpoint_application: str | None = attrs.field(
        default=None,
        converter=to_id_text,
        validator=v.optional(v.non_empty_str()),
    )


# -- responses ----------------------------------------------------------------------------


@attrs.frozen(kw_only=True)
class CreateApplicationResponse:
    """``"created"``, with the new application's id."""

    api_id: str | None = None
    message: str | None = None
    app_id: str | None = None
    raw: dict[str, Any] = attrs.field(factory=dict, repr=False, eq=False)


@attrs.frozen(kw_only=True)
class Application:
    """One application (``GET Application/{id}/``, or one entry of a list)."""

    api_id: str | None = None
    app_id: str | None = None
    app_name: str | None = None
    answer_url: str | None = None
    answer_method: str | None = None
    hangup_url: str | None = None
    hangup_method: str | None = None
    fallback_answer_url: str | None = None
    fallback_method: str | None = None
    message_url: str | None = None
    message_method: str | None = None
    default_app: bool | None = None
    default_endpoint_app: bool | None = None
    enabled: bool | None = None
    public_uri: bool | None = None
    log_incoming_messages: bool | None = None
    sip_uri: str | None = None
    sub_account: str | None = None
    resource_uri: str | None = None
    raw: dict[str, Any] = attrs.field(factory=dict, repr=False, eq=False)


@attrs.frozen(kw_only=True)
class ApplicationListResponse(ListPage[Application]):
    """One page of ``GET Application/``: ``meta`` and up to ``limit`` :class:`Application`."""

    api_id: str | None = None
    meta: ListMeta = attrs.field(factory=ListMeta)
    objects: list[Application] = attrs.field(factory=list)
    raw: dict[str, Any] = attrs.field(factory=dict, repr=False, eq=False)
