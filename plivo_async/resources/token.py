"""The JWT Token API: ``client.token.create(...)`` has Plivo mint an access token.

To sign one locally with the auth token instead (no request), use
:class:`plivo_async.jwt.AccessToken`, the twin of the official SDK's ``utils/jwt.py``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..models.token import CreateTokenRequest, TokenResponse
from ._base import Resource

if TYPE_CHECKING:  # typing.Unpack is 3.11+; only the type checker needs it
    from typing_extensions import Unpack

    from .._types import RequestOptions

__all__ = ["Token"]


class Token(Resource):
    """Get it as ``client.token``."""

    async def create(
        self,
        iss: str,
        sub: str | None = None,
        nbf: int | str | None = None,
        exp: int | str | None = None,
        incoming_allow: bool | None = None,
        outgoing_allow: bool | None = None,
        app: str | None = None,
        **options: Unpack[RequestOptions],
    ) -> TokenResponse:
        """Mint a token for an endpoint (``POST JWT/Token/``), as the SDK's ``token.create``.

        ``iss`` is the auth id, ``sub`` the endpoint username (required with
        ``incoming_allow``), ``nbf``/``exp`` epoch seconds (ints, or digit strings as the
        SDK takes them), ``app`` an application id. A token is a signature with no state
        behind it: minting a second one on retry harms nothing, so ambiguous failures are
        retried.

        Raises:
            ValidationError: If ``iss`` is empty, ``incoming_allow`` is true without
                ``sub``, ``nbf``/``exp`` are not epoch seconds or ``exp`` is not after
                ``nbf``.
            PlivoError: As for every request: AuthenticationError, RateLimitError,
                PlivoServerError, PlivoConnectionError, PlivoTimeoutError (see
                :class:`~plivo_async.resources.calls.Calls`).
        """
        request = CreateTokenRequest(
            iss=iss,
            sub=sub,
            nbf=nbf,  # type: ignore[arg-type]  # a digit string is converted
            exp=exp,  # type: ignore[arg-type]
            incoming_allow=incoming_allow,
            outgoing_allow=outgoing_allow,
            app=app,
        )
        return await self._post(
            "JWT/Token/",
            cast_to=TokenResponse,
            body=request.body(),
            idempotent=True,
            options=options,
        )
