"""Applications: the state behind ``routes/applications.py``.

Created with Plivo's defaults (methods POST, ``log_incoming_messages`` true, not a
default application); ``default_number_app`` / ``default_endpoint_app`` move the flag
from whichever application had it. Deleting one handles its endpoints as Plivo
documents: ``cascade`` (the default) deletes them, ``cascade=false`` moves them to
``new_endpoint_application`` or leaves them without an application.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

__all__ = ["SETTINGS", "ApplicationRecord", "ApplicationState"]

#: The fields create and update may set, with Plivo's defaults on create.
SETTINGS: dict[str, Any] = {
    "answer_url": "",
    "answer_method": "POST",
    "hangup_url": "",
    "hangup_method": "POST",
    "fallback_answer_url": "",
    "fallback_method": "POST",
    "message_url": "",
    "message_method": "POST",
    "default_app": False,
    "default_endpoint_app": False,
    "log_incoming_messages": True,
    "public_uri": False,
    "sub_account": None,
}


@dataclass(slots=True)
class ApplicationRecord:
    app_id: str
    app_name: str
    settings: dict[str, Any] = field(default_factory=lambda: dict(SETTINGS))

    def view(self, auth_id: str) -> dict[str, Any]:
        """The shape of ``GET Application/{id}/``."""
        return {
            "app_id": self.app_id,
            "app_name": self.app_name,
            "enabled": True,
            "resource_uri": f"/v1/Account/{auth_id}/Application/{self.app_id}/",
            "sip_uri": f"sip:{self.app_id}@app.plivo.com",
            **self.settings,
        }


class ApplicationState:
    """Every application of the account, by id, in creation order."""

    def __init__(self) -> None:
        self.applications: dict[str, ApplicationRecord] = {}

    def by_name(self, app_name: str) -> ApplicationRecord | None:
        return next((a for a in self.applications.values() if a.app_name == app_name), None)

    def apply(self, app: ApplicationRecord, settings: dict[str, Any]) -> None:
        """Set ``settings`` on ``app``; a default flag set here is cleared elsewhere."""
        for flag in ("default_app", "default_endpoint_app"):
            if settings.get(flag):
                for other in self.applications.values():
                    other.settings[flag] = False
        app.settings.update(settings)

    def reset(self) -> None:
        self.applications.clear()
