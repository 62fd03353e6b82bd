"""Voice pricing: ``client.pricing`` (``Pricing/?country_iso=``).

As in the official ``plivo`` SDK, ``pricing.get(country_iso)``; the answer's
:meth:`~plivo_async.models.pricing.Pricing.outbound_rate` says what a minute to a number
costs (the rate of its longest matching prefix)::

    us = await client.pricing.get("US")
    us.outbound_rate("+19075550100")  # Decimal('0.17900'): Alaska, prefix 1907
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..models.pricing import Pricing, PricingRequest
from ._base import Resource

if TYPE_CHECKING:  # typing.Unpack is 3.11+; only the type checker needs it
    from typing_extensions import Unpack

    from .._types import RequestOptions

__all__ = ["Pricings"]


class Pricings(Resource):
    """Prices of one country at a time. Get it as ``client.pricing``."""

    async def get(self, country_iso: str, **options: Unpack[RequestOptions]) -> Pricing:
        """One country's voice rates and number rents (``GET Pricing/?country_iso=``).

        Raises:
            ValidationError: If ``country_iso`` is not two capital letters (``US``).
        """
        request = PricingRequest(country_iso=country_iso)
        return await self._get("Pricing/", cast_to=Pricing, query=request, options=options)
