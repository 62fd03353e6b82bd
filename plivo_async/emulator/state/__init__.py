"""State of the emulated telephony, one module per API area (as in ``routes/``).

Each area keeps its state in one class with a no-argument constructor and a ``reset()``
method (forget everything), in ``state/<area>.py``. The emulator holds one instance per
class: ``core.state(ConferenceState)`` from a route, ``emu.state(ConferenceState)`` from
a test (which may also create state that API calls alone cannot, e.g. callers joined by
XML). ``emu.reset()`` resets every instance created so far. State is a pure function of
the emulator's clock where time matters (see :class:`CallState`): nothing runs in the
background, so an injected clock drives everything.

:class:`CallStore` is the exception to the no-argument rule: it needs the lifecycle and
the CPS, so the emulator creates it up front (``core.calls``).
"""

from __future__ import annotations

from typing import Protocol

from .call_feedback import CallFeedbackState, Feedback
from .calls import CallState, CallStore, Lifecycle, format_time
from .masking_sessions import MaskingSessionState
from .phlo import MemberState, PhloState
from .verify_callerids import PendingVerification, VerifyCallerIdState

__all__ = [
    "AreaState",
    "CallFeedbackState",
    "CallState",
    "CallStore",
    "Feedback",
    "Lifecycle",
    "MaskingSessionState",
    "MemberState",
    "PendingVerification",
    "PhloState",
    "VerifyCallerIdState",
    "format_time",
]


class AreaState(Protocol):
    """What the emulator needs from an area's state class."""

    def reset(self) -> None:
        """Forget everything (``emu.reset()``, ``POST /__emulator__/reset``)."""
