"""Replay refusal: a callback's nonce is accepted once.

A signature never expires, so a captured callback can be sent again, and a v2 signature
(URL and nonce only) can carry any body. The receiver claims each verified callback's
nonce in a :class:`NonceStore` and refuses one claimed before (403). A claim is released
when the callback's handling fails, so Plivo's retry of it is served.

:class:`MemoryNonces` is one process's store (a TTL cache bounded in size; the default);
:class:`RedisNonces` shares one store among processes (``plivo-async[redis]``). Nonces
are kept as digests: a nonce header is up to 8 KiB of anyone's choosing.
"""

from __future__ import annotations

import hashlib
import time
from collections import OrderedDict
from collections.abc import Callable
from typing import Any, Protocol

__all__ = ["MemoryNonces", "NonceStore", "RedisNonces"]


def _digest(nonce: str) -> bytes:
    return hashlib.blake2b(nonce.encode("utf-8", "surrogateescape"), digest_size=16).digest()


class NonceStore(Protocol):
    """Where the nonces of callbacks already accepted are kept."""

    async def claim(self, nonce: str) -> bool:
        """True the first time ``nonce`` is claimed (within the store's memory), else False."""
        ...

    async def release(self, nonce: str) -> None:
        """Forget a claimed ``nonce``: its callback was not handled, a retry may come."""
        ...


class MemoryNonces:
    """The nonces seen in the last ``ttl`` seconds, at most ``max_size`` (oldest dropped).

    ~200 bytes a nonce: the defaults hold an hour of callbacks, up to 20 MB.
    """

    def __init__(
        self,
        *,
        ttl: float = 3600.0,
        max_size: int = 100_000,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if not ttl > 0 or max_size < 1:
            raise ValueError(f"ttl must be > 0 and max_size >= 1 (got {ttl!r}, {max_size!r})")
        self.ttl = ttl
        self.max_size = max_size
        self._clock = clock
        self._seen: OrderedDict[bytes, float] = OrderedDict()  # digest -> when, oldest first

    def __len__(self) -> int:
        return len(self._seen)

    async def claim(self, nonce: str) -> bool:
        now = self._clock()
        seen = self._seen
        while seen and next(iter(seen.values())) <= now - self.ttl:
            seen.popitem(last=False)
        key = _digest(nonce)
        if key in seen:
            return False
        seen[key] = now
        if len(seen) > self.max_size:
            seen.popitem(last=False)
        return True

    async def release(self, nonce: str) -> None:
        self._seen.pop(_digest(nonce), None)


class RedisNonces:
    """Nonces kept in Redis for ``ttl`` seconds (``SET NX EX``: one atomic round trip), so
    every process behind one public URL refuses a replay any of them accepted.

    ``redis`` is a ``redis.asyncio.Redis`` client (:meth:`from_url` makes one).
    """

    def __init__(self, redis: Any, *, ttl: float = 3600.0, prefix: str = "plivo-async:nonce:"):
        if not ttl >= 1:
            raise ValueError(f"ttl must be >= 1 second (got {ttl!r})")
        self._redis = redis
        self.ttl = int(ttl)
        self._prefix = prefix.encode()

    @classmethod
    def from_url(cls, url: str, **options: Any) -> RedisNonces:
        """A store on ``redis://``/``rediss://``/``unix://`` ``url``; ``options`` as for
        the constructor."""
        try:
            import redis.asyncio as aioredis
        except ImportError:  # pragma: no cover - the extra is installed in the test env
            raise ImportError(
                "RedisNonces needs the redis extra: pip install 'plivo-async[redis]'"
            ) from None
        client = aioredis.Redis.from_url(url, socket_connect_timeout=2.0, socket_timeout=2.0)
        return cls(client, **options)

    async def claim(self, nonce: str) -> bool:
        return bool(
            await self._redis.set(self._prefix + _digest(nonce), b"1", nx=True, ex=self.ttl)
        )

    async def release(self, nonce: str) -> None:
        await self._redis.delete(self._prefix + _digest(nonce))

    async def aclose(self) -> None:
        """Close the Redis client's connections."""
        await self._redis.aclose()
