"""What a limit is (:class:`Rate`) and what the transport needs from a limiter."""

from __future__ import annotations

from typing import Protocol

import attrs

__all__ = ["Grant", "Rate", "RateLimiter"]


@attrs.frozen
class Rate:
    """At most ``limit`` events in any window of ``period`` seconds."""

    limit: int = attrs.field(validator=attrs.validators.gt(0))
    period: float = attrs.field(default=1.0, validator=attrs.validators.gt(0))


class Grant(Protocol):
    """What a limiter may hand back from :meth:`RateLimiter.acquire`.

    The transport sets ``cold`` and calls :meth:`restamp` when the request had to open a
    new connection (it left late), and again when its response arrives (a first request
    on a connection can take long to reach the server: it has certainly arrived by then).
    """

    cold: bool

    async def restamp(self, *, unless_within: float = 0.0) -> None:
        """Count the grant from now (unless it was given at most ``unless_within`` s ago)."""


class RateLimiter(Protocol):
    """What the transport needs from a limiter; implement it to bring your own."""

    async def acquire(self, n: int = 1) -> Grant | None:
        """Wait until ``n`` more events fit in the window, then record them."""
