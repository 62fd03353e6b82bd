"""The account: ``client.account`` (``Account/{auth_id}/`` itself).

As in the official ``plivo`` SDK: ``account.get()`` and ``account.update(name=, city=,
address=)``. ``get`` answers with the cash credit as a :class:`~decimal.Decimal`
(``(await client.account.get()).cash_credit``), to check before a campaign.

Retries: ``get`` is a ``GET``; ``update`` only *sets* the fields given, so it is
idempotent and retried like ``applications.update``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..models._shared import ActionResponse
from ..models.account import Account, UpdateAccountRequest
from ._base import Resource

if TYPE_CHECKING:  # typing.Unpack is 3.11+; only the type checker needs it
    from typing_extensions import Unpack

    from .._types import RequestOptions

__all__ = ["Accounts"]


class Accounts(Resource):
    """The account of the client's credentials. Get it as ``client.account``."""

    async def get(self, **options: Unpack[RequestOptions]) -> Account:
        """The account's details, cash credit and auto-recharge (``GET Account/{id}/``)."""
        return await self._get("", cast_to=Account, options=options)

    async def update(
        self,
        name: str | None = None,
        city: str | None = None,
        address: str | None = None,
        **options: Unpack[RequestOptions],
    ) -> ActionResponse:
        """Change the account's ``name``, ``city`` or ``address`` (``POST Account/{id}/``).

        Raises:
            ValidationError: If none is given, or one is not a non-empty string.
        """
        request = UpdateAccountRequest(name=name, city=city, address=address)
        return await self._post(
            "", cast_to=ActionResponse, body=request, idempotent=True, options=options
        )
