"""The client's options as one frozen value, validated once, where it is built.

Every bad option is a :class:`~plivo_async.errors.ConfigurationError` naming the option
(a plain-http base URL off loopback, a :class:`~plivo_async.errors.ValidationError`),
raised before any request; a view (``with_options``) is the same value with a few fields
replaced (``attrs.evolve``), validated again.
"""

from __future__ import annotations

import ipaddress
import math
from typing import Any, Literal

import aiohttp
import attrs
from yarl import URL

from .errors import ConfigurationError, ValidationError
from .limits import Rate, RateLimiter, cps_window
from .limits.redis import redact_url
from .retry import RetryPolicy

__all__ = [
    "DEFAULT_MAX_RESPONSE_BYTES",
    "MIN_CALLS_PER_SECOND",
    "PLIVO_LOOKUP_URL",
    "ClientOptions",
    "require_secure_url",
]

#: The default cap on a response body: Plivo's answers are a few KiB.
DEFAULT_MAX_RESPONSE_BYTES = 10 * 1024 * 1024
#: The slowest CPS that makes sense: one call a day (1e-320 would mean "one per inf s").
MIN_CALLS_PER_SECOND = 1 / 86400
#: The number lookup host: ``client.lookup`` asks there, not at ``base_url``.
PLIVO_LOOKUP_URL = "https://lookup.plivo.com"


@attrs.frozen
class ClientOptions:
    """Everything a client is built from (credentials, URLs, limits, HTTP, retry)."""

    auth_id: str
    auth_token: str = attrs.field(repr=False)
    base_url: str
    phlo_base_url: str
    callinsights_base_url: str
    lookup_base_url: str = PLIVO_LOOKUP_URL
    timeout: float | aiohttp.ClientTimeout = 30.0
    max_concurrency: int = 64
    rate_limit: Rate | RateLimiter | None = None
    calls_per_second: float | RateLimiter | None = None
    retry: RetryPolicy = attrs.field(factory=RetryPolicy)
    max_response_bytes: int = DEFAULT_MAX_RESPONSE_BYTES
    proxy: str | None = attrs.field(default=None, repr=False)
    trust_env: bool = False
    session: aiohttp.ClientSession | None = attrs.field(default=None, repr=False)
    connector: aiohttp.BaseConnector | None = attrs.field(default=None, repr=False)
    limits_url: str | None = attrs.field(default=None, repr=False)
    limits_fallback: Literal["fail", "local"] = "fail"
    limits_processes: int | None = None

    def __attrs_post_init__(self) -> None:
        _check_credentials(self.auth_id, self.auth_token)
        _check_limits(self.max_concurrency, self.rate_limit, self.calls_per_second)
        _check_http(self)
        _check_shared_limits(self)
        for field in ("base_url", "phlo_base_url", "callinsights_base_url", "lookup_base_url"):
            require_secure_url(field, getattr(self, field))

    @property
    def client_timeout(self) -> aiohttp.ClientTimeout:
        """``timeout`` as aiohttp takes it (a number: the total, and at most 10 s to connect)."""
        timeout = self.timeout
        if isinstance(timeout, aiohttp.ClientTimeout):
            return timeout
        return aiohttp.ClientTimeout(total=timeout, sock_connect=min(timeout, 10.0))


def _is_number(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _check_credentials(auth_id: object, auth_token: object) -> None:
    missing = [
        name for name, value in (("auth_id", auth_id), ("auth_token", auth_token)) if not value
    ]
    if missing:
        raise ConfigurationError(
            f"missing {' and '.join(missing)}: pass auth_id= and auth_token=, or set the "
            "PLIVO_AUTH_ID and PLIVO_AUTH_TOKEN environment variables"
        )


def _check_rate(option: str, rate: object) -> None:
    """A ``Rate``, or a limiter with ``acquire``; a tuple like ``(300, 5)`` is not one."""
    if isinstance(rate, Rate):
        ok = (
            _is_number(rate.limit)
            and _is_number(rate.period)
            and rate.limit == int(rate.limit)
            and math.isfinite(rate.period)
        )
        if not ok:
            raise ConfigurationError(
                f"{option}: Rate needs an integer limit and a finite period (got {rate!r})"
            )
    elif not callable(getattr(rate, "acquire", None)):
        raise ConfigurationError(
            f"{option}: must be a Rate(limit, period), a RateLimiter or None "
            f"(got {type(rate).__name__} {str(rate)[:40]})"
        )


def _check_limits(max_concurrency: object, rate_limit: object, calls_per_second: object) -> None:
    if not isinstance(max_concurrency, int) or isinstance(max_concurrency, bool):
        raise ConfigurationError(
            f"max_concurrency: must be an integer >= 1 (got {max_concurrency!r})"
        )
    if max_concurrency < 1:
        raise ConfigurationError(f"max_concurrency must be >= 1 (got {max_concurrency})")
    if rate_limit is not None:
        _check_rate("rate_limit", rate_limit)
    if _is_number(calls_per_second):
        cps = float(calls_per_second)  # type: ignore[arg-type]
        if not (math.isfinite(cps) and cps >= MIN_CALLS_PER_SECOND):
            raise ConfigurationError(
                "calls_per_second: must be a finite number of calls per second, at least "
                f"one a day ({MIN_CALLS_PER_SECOND:.3g}) (got {calls_per_second!r})"
            )
        cps_window(cps)  # the window it makes exists (never raises past the check above)
    elif calls_per_second is not None:
        _check_rate("calls_per_second", calls_per_second)


def _check_http(options: ClientOptions) -> None:
    timeout: Any = options.timeout
    finite_timeout = _is_number(timeout) and math.isfinite(timeout) and timeout > 0
    if not (isinstance(timeout, aiohttp.ClientTimeout) or finite_timeout):
        raise ConfigurationError(
            "timeout: must be a finite number of seconds > 0 or an aiohttp.ClientTimeout "
            f"(got {timeout!r})"
        )
    cap: Any = options.max_response_bytes
    if not isinstance(cap, int) or isinstance(cap, bool):
        raise ConfigurationError(f"max_response_bytes: must be an integer (got {cap!r})")
    if cap < 1:
        raise ConfigurationError(f"max_response_bytes: must be >= 1 (got {cap})")
    proxy, session = options.proxy, options.session
    if session is not None and (
        options.connector is not None or proxy is not None or options.trust_env
    ):
        raise ConfigurationError(
            "session: give connector=, proxy= and trust_env= to your own session, not next to it"
        )
    if proxy is not None and not (
        isinstance(proxy, str) and proxy.startswith(("http://", "https://"))
    ):
        raise ConfigurationError("proxy: must be an http:// or https:// URL")


def _check_shared_limits(options: ClientOptions) -> None:
    """``limits_url`` and its fallback (checked only when limits are shared)."""
    url, fallback = options.limits_url, options.limits_fallback
    if url is None:
        return
    if not (isinstance(url, str) and url.startswith(("redis://", "rediss://", "unix://"))):
        raise ConfigurationError(
            f"limits_url must be a redis://, rediss:// or unix:// URL ({redact_url(str(url))})"
        )
    if fallback not in ("fail", "local"):
        raise ConfigurationError(f"limits_fallback must be 'fail' or 'local' (got {fallback!r})")
    processes = options.limits_processes
    if fallback == "local" and not (isinstance(processes, int) and processes >= 1):
        raise ConfigurationError(
            "limits_fallback='local' needs limits_processes=N (how many processes share "
            "the account) so that each one falls back to 1/N of the limit"
        )


def _is_loopback(host: str | None) -> bool:
    if not host:
        return False
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def require_secure_url(field: str, url: str) -> URL:
    """Parse a base URL; plain http is refused unless the host is loopback (tokens stay secret).

    A URL carrying credentials (``https://ID:TOKEN@host``) is refused with a
    :class:`ConfigurationError` that does not repeat them: credentials go in ``auth_id`` /
    ``auth_token``, and only ever travel in the ``Authorization`` header.
    """
    try:
        parsed = URL(url)
        host = parsed.host
    except (TypeError, ValueError):
        raise ConfigurationError(f"{field}: not a URL") from None
    if parsed.user is not None or parsed.password is not None:
        raise ConfigurationError(
            f"{field}: must not contain credentials (user:password@); "
            "pass auth_id= and auth_token= instead"
        )
    if parsed.scheme == "https" or (parsed.scheme == "http" and _is_loopback(host)):
        return parsed
    raise ValidationError.invalid(field, "must be https (plain http only for a loopback host)", url)
