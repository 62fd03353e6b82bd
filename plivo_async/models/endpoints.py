"""Models of SIP endpoints (``Endpoint/``): validated requests, typed responses.

An endpoint is a SIP user (``username`` plus a Plivo-chosen suffix) that softphones and
devices register as. Its ``password`` is a secret: it is never shown in a ``repr``.
"""

from __future__ import annotations

import re
from typing import Any

import attrs

from .. import validation as v
from .._convert import request_model
from ..errors import ValidationError
from ._shared import (
    CallbackRequest,
    ListMeta,
    ListPage,
    id_text,
    limit_field,
    offset_field,
    optional_text,
)

__all__ = [
    "CreateEndpointRequest",
    "CreateEndpointResponse",
    "Endpoint",
    "EndpointListResponse",
    "ListEndpointsRequest",
    "UpdateEndpointRequest",
]

_ALNUM_RE = re.compile(r"[A-Za-z0-9]+")
#: Plivo's shortest accepted endpoint password.
MIN_PASSWORD_LENGTH = 5


def _username() -> v.Validator:
    return v.all_of(
        v.required(),
        v.rule(
            "must be letters and digits only",
            lambda s: isinstance(s, str) and _ALNUM_RE.fullmatch(s) is not None,
        ),
    )


RULE_PASSWORD = f"must be a string of at least {MIN_PASSWORD_LENGTH} characters"


def _password(_inst: Any, attribute: Any, value: Any) -> None:
    """The password rule; the error never shows the value (it is a secret)."""
    if not (isinstance(value, str) and len(value) >= MIN_PASSWORD_LENGTH):
        raise ValidationError.invalid(attribute.name, RULE_PASSWORD)


def _hidden(value: object) -> str:
    return "'***'" if value is not None else "None"


# -- requests -----------------------------------------------------------------------------


@request_model
@attrs.frozen(kw_only=True)
class CreateEndpointRequest(CallbackRequest):
    """``POST Endpoint/``: a new SIP endpoint, optionally attached to an application."""

    username: str = attrs.field(validator=_username())
    password: str = attrs.field(repr=_hidden, validator=_password)
    alias: str = attrs.field(validator=v.all_of(v.required(), v.non_empty_str()))
    app_id: str | None = id_text()


@request_model
@attrs.frozen(kw_only=True)
class UpdateEndpointRequest(CallbackRequest):
    """``POST Endpoint/{id}/``: change an endpoint's password, alias or application."""

    password: str | None = attrs.field(
        default=None, repr=_hidden, converter=v.empty_to_none, validator=v.optional(_password)
    )
    alias: str | None = optional_text()
    app_id: str | None = id_text()


@request_model
@attrs.frozen(kw_only=True)
class ListEndpointsRequest(CallbackRequest):
    """Query of ``GET Endpoint/``: one page, ``limit`` 1..20 and ``offset``."""

    limit: int | None = limit_field()
    offset: int | None = offset_field()


# -- responses ----------------------------------------------------------------------------


@attrs.frozen(kw_only=True)
class CreateEndpointResponse:
    """``"created"``: the endpoint's id and its full ``username`` (with Plivo's suffix)."""

    api_id: str | None = None
    message: str | None = None
    endpoint_id: str | None = None
    username: str | None = None
    alias: str | None = None
    raw: dict[str, Any] = attrs.field(factory=dict, repr=False, eq=False)


@attrs.frozen(kw_only=True)
class Endpoint:
    """One SIP endpoint (``GET Endpoint/{id}/``, or one entry of a list)."""

    api_id: str | None = None
    endpoint_id: str | None = None
    username: str | None = None
    alias: str | None = None
    password: str | None = attrs.field(default=None, repr=_hidden)
    sip_uri: str | None = None
    sip_registered: bool | None = None
    sip_contact: str | None = None
    sip_expires: str | None = None
    sip_user_agent: str | None = None
    application: str | None = None
    sub_account: str | None = None
    resource_uri: str | None = None
    raw: dict[str, Any] = attrs.field(factory=dict, repr=False, eq=False)


@attrs.frozen(kw_only=True)
class EndpointListResponse(ListPage[Endpoint]):
    """One page of ``GET Endpoint/``: ``meta`` and up to ``limit`` :class:`Endpoint`."""

    api_id: str | None = None
    meta: ListMeta = attrs.field(factory=ListMeta)
    objects: list[Endpoint] = attrs.field(factory=list)
    raw: dict[str, Any] = attrs.field(factory=dict, repr=False, eq=False)
