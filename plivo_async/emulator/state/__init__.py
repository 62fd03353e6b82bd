"""State of the emulated telephony, one module per API area (as in ``routes/``).

Each area keeps its state in one class with a no-argument constructor and a ``reset()``
method (forget everything), in ``state/<area>.py``. The emulator holds one instance per
class: ``core.state(ConferenceState)`` from a route, ``emu.state(ConferenceState)`` from
a test (which may also create state that API calls alone cannot, e.g. callers joined by
XML). ``emu.reset()`` resets every instance created so far. State is a pure function of
the emulator's clock where time matters (see :class:`CallState`): nothing runs in the
background, so an injected clock drives everything.

:class:`CallStore` is the exception to the no-argument rule: it needs the lifecycle and
the CPS, so the emulator creates it up front (``core.calls``); so are
:class:`AccountState` (the starting credit) and :class:`PricingState` (the prices).
"""

from __future__ import annotations

from typing import Protocol

from .account import AccountState
from .applications import ApplicationRecord, ApplicationState
from .call_feedback import CallFeedbackState, Feedback
from .calls import CallState, CallStore, Lifecycle, format_time
from .conferences import ConferenceMemberState, ConferenceRoom, ConferenceState
from .endpoints import EndpointRecord, EndpointState
from .lookup import LookupState
from .masking_sessions import MaskingSessionState
from .multi_party_calls import MultiPartyCallRoom, MultiPartyCallState, ParticipantState
from .numbers import NumberState, OwnedNumber
from .phlo import MemberState, PhloNode, Phlos, PhloState
from .pricing import PricingState
from .recordings import RecordingRecord, RecordingState
from .streams import StreamRecord, StreamState
from .subaccounts import SubaccountRecord, SubaccountState
from .verify_callerids import PendingVerification, VerifyCallerIdState

__all__ = [
    "AccountState",
    "ApplicationRecord",
    "ApplicationState",
    "AreaState",
    "CallFeedbackState",
    "CallState",
    "CallStore",
    "ConferenceMemberState",
    "ConferenceRoom",
    "ConferenceState",
    "EndpointRecord",
    "EndpointState",
    "Feedback",
    "Lifecycle",
    "LookupState",
    "MaskingSessionState",
    "MemberState",
    "MultiPartyCallRoom",
    "MultiPartyCallState",
    "NumberState",
    "OwnedNumber",
    "ParticipantState",
    "PendingVerification",
    "PhloNode",
    "PhloState",
    "Phlos",
    "PricingState",
    "RecordingRecord",
    "RecordingState",
    "StreamRecord",
    "StreamState",
    "SubaccountRecord",
    "SubaccountState",
    "VerifyCallerIdState",
    "format_time",
]


class AreaState(Protocol):
    """What the emulator needs from an area's state class."""

    def reset(self) -> None:
        """Forget everything (``emu.reset()``, ``POST /__emulator__/reset``)."""
