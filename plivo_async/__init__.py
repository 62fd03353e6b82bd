"""plivo-async: an asyncio client for Plivo's voice API, built for bulk work."""

from __future__ import annotations

__version__ = "0.1.0"
