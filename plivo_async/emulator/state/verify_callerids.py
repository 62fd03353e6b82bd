"""Caller id verification: the state behind ``routes/verify_callerids``."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

__all__ = ["PendingVerification", "VerifyCallerIdState"]


@dataclass(slots=True)
class PendingVerification:
    """A code "sent" to ``phone_number``; ``otp`` is what the test must send back."""

    verification_uuid: str
    phone_number: str
    otp: str
    fields: dict[str, Any] = field(default_factory=dict)


class VerifyCallerIdState:
    """Pending verifications by uuid, verified caller ids by number.

    Nothing is really sent: a test reads the code with :meth:`otp_for` (as a person would
    read the SMS) and posts it to ``VerifiedCallerId/Verification/{uuid}``.
    """

    def __init__(self) -> None:
        self.pending: dict[str, PendingVerification] = {}
        self.verified: dict[str, dict[str, Any]] = {}

    def otp_for(self, verification_uuid: str) -> str:
        """The code the emulator "sent" for ``verification_uuid`` (KeyError if none)."""
        return self.pending[verification_uuid].otp

    def reset(self) -> None:
        self.pending.clear()
        self.verified.clear()
