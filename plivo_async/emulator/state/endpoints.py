"""SIP endpoints: the state behind ``routes/endpoints.py``.

Plivo gives an endpoint a numeric id and appends a 12-digit suffix to the username it
was created with (``frontdesk`` -> ``frontdesk231124100811``): here the suffix is the
creation time on the emulator's clock (``%y%m%d%H%M%S``), bumped if already taken. No
device ever registers, so ``sip_registered`` is ``"false"`` unless a test sets
``registered``.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

__all__ = ["EndpointRecord", "EndpointState", "numeric_id"]


def numeric_id(uuid: str, digits: int) -> str:
    """A ``digits``-long decimal id derived from a (seeded) uuid, never starting with 0."""
    value = int(uuid.replace("-", ""), 16) % (9 * 10 ** (digits - 1))
    return str(value + 10 ** (digits - 1))


@dataclass(slots=True)
class EndpointRecord:
    endpoint_id: str
    username: str
    password: str
    alias: str
    app_id: str | None = None
    registered: bool = False

    def view(self, auth_id: str) -> dict[str, Any]:
        """The shape of ``GET Endpoint/{id}/`` (Plivo shows no password on a list)."""
        account = f"/v1/Account/{auth_id}"
        return {
            "alias": self.alias,
            "application": f"{account}/Application/{self.app_id}/" if self.app_id else None,
            "endpoint_id": self.endpoint_id,
            "resource_uri": f"{account}/Endpoint/{self.endpoint_id}/",
            "sip_registered": "true" if self.registered else "false",
            "sip_uri": f"sip:{self.username}@phone.plivo.com",
            "sub_account": None,
            "username": self.username,
        }


class EndpointState:
    """Every endpoint of the account, by id, in creation order."""

    def __init__(self) -> None:
        self.endpoints: dict[str, EndpointRecord] = {}

    def full_username(self, username: str, now: float) -> str:
        """``username`` plus Plivo's 12-digit suffix, unique among the endpoints."""
        taken = {e.username for e in self.endpoints.values()}
        suffix = int(time.strftime("%y%m%d%H%M%S", time.gmtime(now)))
        while f"{username}{suffix}" in taken:
            suffix += 1
        return f"{username}{suffix}"

    def reset(self) -> None:
        self.endpoints.clear()
