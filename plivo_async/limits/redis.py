"""The account's limits shared by every process, through Redis (``plivo-async[redis]``).

Plivo counts an account's requests and calls all together, so N processes that each keep
the limit send N times it. :class:`RedisLimiter` keeps the same exact, paced window as
:class:`~plivo_async.limits.local.SlidingWindowLimiter`, but in a Redis list keyed by
the auth id, checked and updated by one Lua script (atomic; stamped with Redis' own
``TIME``, so hosts' clocks never matter). A grant is one round trip; a caller that must
wait is told how long, sleeps, and asks again (one waiter per process asks at a time).
A grant whose request left late (a new connection) is restamped: one more round trip.

Why not the ``limits`` package: its async Redis moving window answers "may I now?" with
no "how long until I may" and no pacing; waiting on it means polling Redis in a loop, and
its window is stamped with each host's clock. The scripts below are 40 lines.

When Redis is unreachable: :meth:`RedisLimiter.open` raises :class:`LimitsUnavailableError`
(a client entered with ``async with`` fails at once). Later outages follow ``fallback``:
``"fail"`` (the default) raises :class:`LimitsUnavailableError` before the request is sent
(nothing is placed); ``"local"`` waits on a local limiter holding this process's share of
the limit (``1/processes`` of it) until Redis answers again. Never silently unlimited.
"""

from __future__ import annotations

import asyncio
import logging
import time
from typing import Any, Literal
from urllib.parse import unquote_plus, urlsplit

from ..errors import LimitsUnavailableError
from .local import Clock, Sleep, SlidingWindowLimiter
from .rate import Grant, Rate

__all__ = ["Fallback", "LimitsUnavailableError", "RedisGrant", "RedisLimiter", "connect"]

log = logging.getLogger("plivo_async")

Fallback = Literal["fail", "local"]

#: Grant ``n`` events if the window and the schedule allow it now: returns {0, stamp};
#: else {wait_us, 0}. The same rules as SlidingWindowLimiter, in microseconds of Redis'
#: clock. KEYS: the list of grant stamps (oldest first), the schedule's next due time.
#: ARGV: limit, period_us, spacing_us, n, ttl_ms.
_ACQUIRE = """
local key, duekey = KEYS[1], KEYS[2]
local limit, period = tonumber(ARGV[1]), tonumber(ARGV[2])
local spacing, n, ttl = tonumber(ARGV[3]), tonumber(ARGV[4]), tonumber(ARGV[5])
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
while true do
  local first = redis.call('LINDEX', key, 0)
  if not first or tonumber(first) > now - period then break end
  redis.call('LPOP', key)
end
local due = tonumber(redis.call('GET', duekey) or '0')
local wait = due - now
local excess = redis.call('LLEN', key) + n - limit
if excess > 0 then
  local oldest = redis.call('LRANGE', key, 0, excess - 1)
  local latest = 0
  for i = 1, #oldest do
    local v = tonumber(oldest[i])
    if v > latest then latest = v end
  end
  local aged = latest + period - now
  if aged < 1 then aged = 1 end
  if aged > wait then wait = aged end
end
if wait > 0 then return {wait, 0} end
if spacing > 0 then
  local base = now
  if due > 0 and now - due < spacing then base = due end
  redis.call('SET', duekey, string.format('%d', base + n * spacing), 'PX', ttl)
end
local stamp = string.format('%d', now)
for i = 1, n do redis.call('RPUSH', key, stamp) end
redis.call('PEXPIRE', key, ttl)
return {0, now}
"""

#: Move ``n`` grants stamped ARGV[1] to now (they left late); returns the new stamp.
_RESTAMP = """
local t = redis.call('TIME')
local now = string.format('%d', tonumber(t[1]) * 1000000 + tonumber(t[2]))
local found = redis.call('LPOS', KEYS[1], ARGV[1], 'COUNT', tonumber(ARGV[2]))
for i = 1, #found do redis.call('LSET', KEYS[1], found[i], now) end
return tonumber(now)
"""


def redact_url(url: str) -> str:
    """A Redis URL fit for a message: every credential redis-py would take from it hidden.

    That is the user info and the ``password``, ``username`` and ``ssl_password`` query
    options (names percent-decoded, as redis-py reads them); the rest, such as the client
    key paths of a ``rediss://`` URL, stays as given. The fragment, which redis-py ignores,
    is dropped: it is where a password's unencoded ``#`` sends the rest of it; an ``@``
    past the host means such a password too, so then only the scheme is shown.
    """
    try:
        parts = urlsplit(url)
    except (TypeError, ValueError):
        return "<unparsable redis URL>"
    if "@" in parts.path + parts.query + parts.fragment:
        return f"{parts.scheme}://{_HIDDEN} (an '@' past the host: percent-encode the password)"
    netloc = parts.netloc
    if "@" in netloc:
        netloc = f"{_HIDDEN}@{netloc.rpartition('@')[2]}"
    query = "&".join(_redact_option(option) for option in parts.query.split("&"))
    return f"{parts.scheme}://{netloc}{parts.path}" + (f"?{query}" if query else "")


#: What a credential in a URL is shown as (SQLAlchemy's choice); it keeps the URL parsable.
_HIDDEN = "***"
#: Query options redis-py passes on as credentials (``ssl_password`` unlocks the key).
_SECRET_OPTIONS = frozenset({"password", "username", "ssl_password"})


def _redact_option(option: str) -> str:
    name, equals, _ = option.partition("=")
    if equals and unquote_plus(name) in _SECRET_OPTIONS:
        return f"{name}={_HIDDEN}"
    return option


class RedisLimiter:
    """An exact (optionally paced) window shared through Redis: the same contract as local.

    ``name`` says what is limited (``"requests"``, ``"calls"``); the key is
    ``plivo_async:{<auth_id>}:<name>`` so every client of that account shares it.
    """

    def __init__(
        self,
        redis: Any,
        *,
        url: str,
        auth_id: str,
        name: str,
        rate: Rate,
        spacing: float = 0.0,
        fallback: Fallback = "fail",
        processes: int | None = None,
        retry_interval: float = 5.0,
        clock: Clock = time.monotonic,
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        if fallback not in ("fail", "local"):
            raise ValueError(f"limits_fallback must be 'fail' or 'local' (got {fallback!r})")
        if fallback == "local" and not (isinstance(processes, int) and processes >= 1):
            raise ValueError(
                "limits_fallback='local' needs limits_processes=N (how many processes share "
                "the account) so that each one falls back to 1/N of the limit"
            )
        self._redis = redis
        self._url = redact_url(url)
        self.key = f"plivo_async:{{{auth_id}}}:{name}"
        self._keys = [self.key, self.key + ":due"]
        self.rate = rate
        self.spacing = spacing
        self.restamps = True  # the transport may call RedisGrant.restamp()
        self.fallback = fallback
        self._ttl = round(rate.period * 1000) + 1000
        self._args = (rate.limit, round(rate.period * 1e6), round(spacing * 1e6))
        self._acquire = redis.register_script(_ACQUIRE)
        self._restamp = redis.register_script(_RESTAMP)
        self._lock = asyncio.Lock()
        self._clock = clock
        self._sleep = sleep
        self._retry_interval = retry_interval
        self._down_until: float | None = None
        self._local: SlidingWindowLimiter | None = None
        if fallback == "local":
            assert processes is not None
            share = Rate(max(1, rate.limit // processes), rate.period)
            self._local = SlidingWindowLimiter(
                share, spacing=spacing * processes, clock=clock, sleep=sleep
            )

    def __repr__(self) -> str:
        return f"RedisLimiter({self.key!r}, {self.rate.limit} per {self.rate.period:g}s)"

    async def open(self) -> None:
        """Check that Redis answers (and load the script); a clear error if it does not."""
        try:
            await self._redis.ping()
            await self._acquire(keys=self._keys, args=[*self._args, 0, self._ttl])
        except Exception as exc:
            raise self._unavailable(exc, at_open=True) from exc

    async def close(self) -> None:
        await self._redis.aclose()

    def _unavailable(self, exc: BaseException, *, at_open: bool = False) -> LimitsUnavailableError:
        when = "at open" if at_open else "for a request (nothing was sent)"
        return LimitsUnavailableError(
            f"shared limits on {self._url} unavailable {when}: {type(exc).__name__}: {exc}"
        )

    async def acquire(self, n: int = 1) -> Grant | None:
        """Wait until ``n`` more events fit in the account's window, then record them."""
        n = min(n, self.rate.limit)
        if n <= 0:
            return None
        if self._down_until is not None and self._clock() < self._down_until:
            assert self._local is not None
            return await self._local.acquire(n)
        async with self._lock:
            while True:
                try:
                    wait_us, stamp = await self._acquire(
                        keys=self._keys, args=[*self._args, n, self._ttl]
                    )
                except asyncio.CancelledError:
                    raise
                except Exception as exc:
                    if self._local is None:
                        raise self._unavailable(exc) from exc
                    log.warning(
                        "%s; falling back to this process's share for %.0f s",
                        self._unavailable(exc),
                        self._retry_interval,
                    )
                    self._down_until = self._clock() + self._retry_interval
                    break
                if self._down_until is not None:
                    log.warning("shared limits on %s available again", self._url)
                    self._down_until = None
                if int(wait_us) <= 0:
                    return RedisGrant(self, int(stamp), n)
                await self._sleep(max(int(wait_us) / 1e6, 1e-6))
        assert self._local is not None
        return await self._local.acquire(n)

    async def restamp(self, stamp: int, n: int) -> int:
        """Move ``n`` grants stamped ``stamp`` to now; returns the new stamp."""
        try:
            return int(await self._restamp(keys=self._keys[:1], args=[stamp, n]))
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # the request is on its way: log, never fail it for this
            log.warning("could not restamp a grant on %s: %s", self._url, exc)
            return stamp


class RedisGrant:
    """``n`` grants in Redis; ``restamp()`` counts them from now (see the limiter)."""

    __slots__ = ("_limiter", "_n", "_stamp", "cold", "granted_at")

    def __init__(self, limiter: RedisLimiter, stamp: int, n: int) -> None:
        self._limiter, self._stamp, self._n = limiter, stamp, n
        self.granted_at = time.monotonic()
        self.cold = False

    async def restamp(self, *, unless_within: float = 0.0) -> None:
        if unless_within and time.monotonic() - self.granted_at <= unless_within:
            return  # left on time: no round trip, the grant's stamp stands
        self._stamp = await self._limiter.restamp(self._stamp, self._n)


def connect(
    url: str,
    *,
    auth_id: str,
    requests: tuple[Rate, float] | None,
    calls: tuple[Rate, float] | None,
    fallback: Fallback = "fail",
    processes: int | None = None,
    clock: Clock = time.monotonic,
    sleep: Sleep = asyncio.sleep,
) -> tuple[RedisLimiter | None, RedisLimiter | None]:
    """Shared limiters for requests and calls on one Redis connection pool.

    ``requests`` and ``calls``: each a window and its pacing interval (``paced_window``).

    Raises :class:`ImportError` with the install hint when the ``redis`` extra is missing,
    and :class:`ValueError` for a URL that is not ``redis://``, ``rediss://`` or ``unix://``.
    """
    try:
        import redis.asyncio as aioredis
    except ImportError:  # pragma: no cover - the extra is installed in the test env
        raise ImportError(
            "limits_url needs the redis extra: pip install 'plivo-async[redis]'"
        ) from None
    if not url.startswith(("redis://", "rediss://", "unix://")):
        raise ValueError(
            f"limits_url must be a redis://, rediss:// or unix:// URL ({redact_url(url)})"
        )
    client = aioredis.Redis.from_url(url, socket_connect_timeout=2.0, socket_timeout=2.0)
    options: dict[str, Any] = {
        "url": url,
        "auth_id": auth_id,
        "fallback": fallback,
        "processes": processes,
        "clock": clock,
        "sleep": sleep,
    }

    def limiter(name: str, paced: tuple[Rate, float] | None) -> RedisLimiter | None:
        if paced is None:
            return None
        rate, spacing = paced
        return RedisLimiter(client, name=name, rate=rate, spacing=spacing, **options)

    return limiter("requests", requests), limiter("calls", calls)
