"""Number masking sessions: the state behind ``routes/masking_sessions``."""

from __future__ import annotations

from typing import Any

__all__ = ["MaskingSessionState"]


class MaskingSessionState:
    """Every session by uuid, as the API shows it (a dict of the documented fields).

    Each new session gets the next virtual number of the emulated account
    (``+12205550001``, ``+12205550002``, ...). Tests may read or edit ``sessions`` freely.
    """

    def __init__(self) -> None:
        self.sessions: dict[str, dict[str, Any]] = {}
        self._numbers = 0

    def next_virtual_number(self) -> str:
        self._numbers += 1
        return f"+1220555{self._numbers:04d}"

    def reset(self) -> None:
        self.sessions.clear()
        self._numbers = 0
