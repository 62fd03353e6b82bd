"""Models of the JWT Token API (``POST JWT/Token/``): a token minted by Plivo.

To sign a token locally instead (no request), see :mod:`plivo_async.jwt`.
"""

from __future__ import annotations

from typing import Any

import attrs

from .. import validation as v
from .._convert import request_model
from ..errors import ValidationError

__all__ = ["CreateTokenRequest", "TokenResponse"]


def _epoch() -> Any:
    return attrs.field(default=None, converter=v.to_int, validator=v.optional(v.int_range(0)))


@request_model
@attrs.frozen(kw_only=True)
class CreateTokenRequest:
    """The fields of ``POST JWT/Token/`` before nesting.

    ``iss`` is the auth id the token is issued for, ``sub`` the endpoint username (required
    when ``incoming_allow``), ``nbf``/``exp`` epoch seconds, ``app`` an application id.
    On the wire the two permissions are nested as ``per.voice.incoming_allow`` /
    ``outgoing_allow`` (see :meth:`body`).
    """

    iss: str = attrs.field(validator=v.all_of(v.required(), v.non_empty_str()))
    sub: str | None = attrs.field(
        default=None, converter=v.empty_to_none, validator=v.optional(v.non_empty_str())
    )
    nbf: int | None = _epoch()
    exp: int | None = _epoch()
    incoming_allow: bool | None = attrs.field(
        default=None, converter=v.to_bool, validator=v.optional(v.boolean())
    )
    outgoing_allow: bool | None = attrs.field(
        default=None, converter=v.to_bool, validator=v.optional(v.boolean())
    )
    app: str | None = attrs.field(
        default=None, converter=v.empty_to_none, validator=v.optional(v.non_empty_str())
    )

    def __attrs_post_init__(self) -> None:
        if self.incoming_allow and self.sub is None:
            raise ValidationError.invalid("sub", "is required when incoming_allow is true")
        if self.nbf is not None and self.exp is not None and self.exp <= self.nbf:
            raise ValidationError.invalid("exp", "must be later than nbf", self.exp)

    def body(self) -> dict[str, Any]:
        """The JSON body: flat claims, the permissions under ``per.voice``."""
        out: dict[str, Any] = {"iss": self.iss}
        for name in ("sub", "nbf", "exp"):
            value = getattr(self, name)
            if value is not None:
                out[name] = value
        voice = {
            name: value
            for name, value in (
                ("incoming_allow", self.incoming_allow),
                ("outgoing_allow", self.outgoing_allow),
            )
            if value is not None
        }
        if voice:
            out["per"] = {"voice": voice}
        if self.app is not None:
            out["app"] = self.app
        return out


@attrs.frozen(kw_only=True)
class TokenResponse:
    """The signed token Plivo minted (a JWT for the Browser and mobile SDKs)."""

    api_id: str | None = None
    token: str | None = None
    raw: dict[str, Any] = attrs.field(factory=dict, repr=False, eq=False)
