"""Subaccounts: the state behind ``routes/subaccounts.py``, and the credentials they add.

Each has its own auth id (``SA`` and 18 capitals or digits) and auth token; the emulator's
auth accepts them (``Credentials`` asks :meth:`SubaccountState.token_of`) while the
subaccount exists and is enabled, for paths under its own auth id. Created disabled
unless ``enabled`` is given, as on Plivo.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

__all__ = ["SubaccountRecord", "SubaccountState"]


@dataclass(slots=True)
class SubaccountRecord:
    auth_id: str
    auth_token: str = field(repr=False)
    name: str
    enabled: bool
    created: str
    modified: str | None = None

    def view(self, parent: str) -> dict[str, Any]:
        """The shape of ``GET Subaccount/{auth_id}/`` (tokens included, as Plivo's)."""
        return {
            "account": f"/v1/Account/{parent}/",
            "auth_id": self.auth_id,
            "auth_token": self.auth_token,
            "created": self.created,
            "enabled": self.enabled,
            "modified": self.modified,
            "name": self.name,
            "new_auth_token": self.auth_token,
            "resource_uri": f"/v1/Account/{parent}/Subaccount/{self.auth_id}/",
        }


class SubaccountState:
    """Every subaccount of the account, by auth id, in creation order."""

    def __init__(self) -> None:
        self.subaccounts: dict[str, SubaccountRecord] = {}

    def token_of(self, auth_id: str) -> str | None:
        """The token an enabled subaccount authenticates with; None for any other id."""
        found = self.subaccounts.get(auth_id)
        return found.auth_token if found is not None and found.enabled else None

    def reset(self) -> None:
        self.subaccounts.clear()
