"""The API resources, one module per area; each class is a :class:`Resource` (``_base.py``).

Get them from the client (``client.calls``, ``client.recordings``, ``client.phlo(id)``,
...); they are exported here for type annotations.
"""

from __future__ import annotations

from ._base import Resource
from .account import Accounts
from .applications import Applications
from .call_feedback import CallFeedback
from .calls import Calls
from .conferences import Conferences
from .endpoints import Endpoints
from .live_calls import LiveCalls, QueuedCalls
from .lookup import Lookup
from .masking_sessions import MaskingSessions
from .multi_party_calls import MultiPartyCalls
from .numbers import Numbers, PhoneNumbers
from .phlo import ConferenceBridge, Member, MultiPartyCall, Node, Phlo
from .pricing import Pricings
from .recordings import Recordings, Transcriptions
from .streams import CallStreams
from .subaccounts import Subaccounts
from .token import Token
from .verify_callerids import VerifyCallerids

__all__ = [
    "Accounts",
    "Applications",
    "CallFeedback",
    "CallStreams",
    "Calls",
    "ConferenceBridge",
    "Conferences",
    "Endpoints",
    "LiveCalls",
    "Lookup",
    "MaskingSessions",
    "Member",
    "MultiPartyCall",
    "MultiPartyCalls",
    "Node",
    "Numbers",
    "Phlo",
    "PhoneNumbers",
    "Pricings",
    "QueuedCalls",
    "Recordings",
    "Resource",
    "Subaccounts",
    "Token",
    "Transcriptions",
    "VerifyCallerids",
]
