"""What a limit is (:class:`Rate`) and what the transport needs from a limiter."""

from __future__ import annotations

import asyncio
from typing import Protocol

import attrs

__all__ = ["Grant", "Grants", "Rate", "RateLimiter", "combine"]


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


class Grants:
    """The grants of one request (its request window and its CPS), restamped together."""

    __slots__ = ("_grants",)

    def __init__(self, *grants: Grant) -> None:
        self._grants = grants

    @property
    def cold(self) -> bool:
        return any(grant.cold for grant in self._grants)

    @cold.setter
    def cold(self, value: bool) -> None:
        for grant in self._grants:
            grant.cold = value

    async def restamp(self, *, unless_within: float = 0.0) -> None:
        # At once: each may be a round trip to Redis, and the request is on its way.
        await asyncio.gather(*(g.restamp(unless_within=unless_within) for g in self._grants))


def combine(*grants: Grant | None) -> Grant | None:
    """One grant standing for all of ``grants`` that were given (None for none)."""
    given = [grant for grant in grants if grant is not None]
    return given[0] if len(given) == 1 else Grants(*given) if given else None
