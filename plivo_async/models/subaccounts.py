"""Models of subaccounts (``Subaccount/``): validated requests, typed responses.

A subaccount is an account of its own under the main one (its own auth id, ``SA...``,
and auth token), to keep a customer's calls, applications and numbers apart; it spends
the main account's credit. Its auth token is a secret: kept out of every ``repr``.
"""

from __future__ import annotations

from typing import Any

import attrs

from .. import validation as v
from .._convert import request_model
from ._shared import ListMeta, ListPage, bool_field, limit_field, offset_field

__all__ = [
    "CreateSubaccountRequest",
    "CreateSubaccountResponse",
    "DeleteSubaccountRequest",
    "ListSubaccountsRequest",
    "Subaccount",
    "SubaccountListResponse",
    "UpdateSubaccountRequest",
]


def _name_field() -> Any:
    return attrs.field(validator=v.all_of(v.required(), v.non_empty_str()))


# -- requests -----------------------------------------------------------------------------


@request_model
@attrs.frozen(kw_only=True)
class CreateSubaccountRequest:
    """``POST Subaccount/``: a subaccount named ``name``, ``enabled`` or not (Plivo's
    default: not)."""

    name: str = _name_field()
    enabled: bool | None = bool_field()


@request_model
@attrs.frozen(kw_only=True)
class UpdateSubaccountRequest:
    """``POST Subaccount/{auth_id}/``: its ``name`` (required, as by the API), ``enabled``."""

    name: str = _name_field()
    enabled: bool | None = bool_field()


@request_model
@attrs.frozen(kw_only=True)
class ListSubaccountsRequest:
    """Query of ``GET Subaccount/``: one page."""

    limit: int | None = limit_field()
    offset: int | None = offset_field()


@request_model
@attrs.frozen(kw_only=True)
class DeleteSubaccountRequest:
    """``DELETE Subaccount/{auth_id}/``: ``cascade`` also deletes its applications,
    endpoints and numbers (else they move to the main account)."""

    cascade: bool | None = bool_field()


# -- responses ----------------------------------------------------------------------------


@attrs.frozen(kw_only=True)
class CreateSubaccountResponse:
    """``"created"``, with the new subaccount's auth id and (secret) auth token."""

    api_id: str | None = None
    message: str | None = None
    auth_id: str | None = None
    auth_token: str | None = attrs.field(default=None, repr=False)
    raw: dict[str, Any] = attrs.field(factory=dict, repr=False, eq=False)


@attrs.frozen(kw_only=True)
class Subaccount:
    """One subaccount (``GET Subaccount/{auth_id}/``, or one entry of a list)."""

    api_id: str | None = None
    auth_id: str | None = None
    name: str | None = None
    enabled: bool | None = None
    account: str | None = None
    """The main account's ``resource_uri``."""
    created: str | None = None
    modified: str | None = None
    resource_uri: str | None = None
    auth_token: str | None = attrs.field(default=None, repr=False)
    new_auth_token: str | None = attrs.field(default=None, repr=False)
    raw: dict[str, Any] = attrs.field(factory=dict, repr=False, eq=False)


@attrs.frozen(kw_only=True)
class SubaccountListResponse(ListPage[Subaccount]):
    """One page of ``GET Subaccount/``: ``meta`` and up to ``limit`` :class:`Subaccount`."""

    api_id: str | None = None
    meta: ListMeta = attrs.field(factory=ListMeta)
    objects: list[Subaccount] = attrs.field(factory=list)
    raw: dict[str, Any] = attrs.field(factory=dict, repr=False, eq=False)
