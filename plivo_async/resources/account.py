"""The account: ``client.account`` (``Account/{auth_id}/`` itself).

As in the official ``plivo`` SDK: ``account.get()`` and ``account.update(name=, city=,
address=)``. ``get`` answers with the cash credit as a :class:`~decimal.Decimal`
(``(await client.account.get()).cash_credit``), to check before a campaign.

Retries: ``get`` is a ``GET``; ``update`` only *sets* the fields given, so it is
idempotent and retried like ``applications.update``.
"""

from __future__ import annotations

from .._convert import to_wire
from ..models._shared import ActionResponse
from ..models.account import Account, UpdateAccountRequest
from ._base import Resource

__all__ = ["Accounts"]


class Accounts(Resource):
    """The account of the client's credentials. Get it as ``client.account``."""

    async def get(self) -> Account:
        """The account's details, cash credit and auto-recharge (``GET Account/{id}/``)."""
        return await self._get("", cast_to=Account)

    async def update(
        self, name: str | None = None, city: str | None = None, address: str | None = None
    ) -> ActionResponse:
        """Change the account's ``name``, ``city`` or ``address`` (``POST Account/{id}/``).

        Raises:
            ValidationError: If none is given, or one is not a non-empty string.
        """
        request = UpdateAccountRequest(name=name, city=city, address=address)
        return await self._post("", cast_to=ActionResponse, body=to_wire(request), idempotent=True)
