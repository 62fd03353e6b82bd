"""The API resources: ``client.calls`` and ``client.phlo(phlo_id)``."""

from __future__ import annotations

from .calls import Calls
from .phlo import Member, MultiPartyCall, Phlo

__all__ = ["Calls", "Member", "MultiPartyCall", "Phlo"]
