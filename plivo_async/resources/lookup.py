"""Number lookup: ``client.lookup`` (``https://lookup.plivo.com/v1/Number/{number}``).

As in the official ``plivo`` SDK, ``lookup.get(number, info_type="carrier")``: a number's
country, formats, carrier and line type, e.g. to clean a list before a campaign. The host
is Plivo's lookup host, not ``base_url``; the client's ``lookup_base_url`` (or
``PLIVO_LOOKUP_BASE_URL``) points it elsewhere (``lookup_base_url=emu.url``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..models.lookup import LookupRequest, NumberLookup
from ..validation import path_segment
from ._base import Resource

if TYPE_CHECKING:  # typing.Unpack is 3.11+; only the type checker needs it
    from typing_extensions import Unpack

    from .._types import RequestOptions

__all__ = ["Lookup"]


class Lookup(Resource):
    """Looks numbers up. Get it as ``client.lookup``."""

    async def get(
        self, number: str, info_type: str = "carrier", **options: Unpack[RequestOptions]
    ) -> NumberLookup:
        """What ``number`` (E.164) is (``GET Number/{number}?type={info_type}``).

        Raises:
            ValidationError: If ``number`` is not a phone number (``+`` and 2 to 15
                digits) or ``info_type`` is not ``carrier``.
            ResourceNotFoundError: If Plivo finds the number invalid (404).
        """
        request = LookupRequest(number=number, info_type=info_type)
        url = self._transport.lookup_base + "Number/" + path_segment("number", request.number)
        query = {"type": request.info_type}
        return await self._get(url, cast_to=NumberLookup, query=query, options=options)
