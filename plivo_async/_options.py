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

from ._types import Headers, check_headers, check_timeout, show_headers, to_client_timeout
from .errors import ConfigurationError, ValidationError
from .limits import Rate, RateLimiter, cps_window
from .limits.redis import redact_url
from .retry import RetryPolicy

__all__ = [
    "DEFAULT_MAX_RESPONSE_BYTES",
    "MIN_CALLS_PER_SECOND",
    "PLIVO_LOOKUP_URL",
    "ClientOptions",
    "derive_hosts",
    "header_option",
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
    #: Sent with every request (checked by :func:`header_option`; no ``Authorization``).
    default_headers: Headers = attrs.field(default=(), repr=show_headers)

    def __attrs_post_init__(self) -> None:
        _check_credentials(self.auth_id, self.auth_token)
        _check_limits(self.max_concurrency, self.rate_limit, self.calls_per_second)
        _check_http(self)
        _check_shared_limits(self)
        for field in self.host_options():
            require_secure_url(field, getattr(self, field))
        _check_hosts(self)

    @classmethod
    def host_options(cls) -> tuple[str, ...]:
        """The options that name a host the credentials are sent to (``*base_url``)."""
        return tuple(f.name for f in attrs.fields(cls) if f.name.endswith("base_url"))

    @property
    def client_timeout(self) -> aiohttp.ClientTimeout:
        """``timeout`` as aiohttp takes it (a number: the total, and at most 10 s to connect)."""
        return to_client_timeout(self.timeout)


def header_option(option: str, headers: Any) -> Headers:
    """``default_headers`` checked as :func:`~plivo_async._types.check_headers` does, a
    bad one being a :class:`ConfigurationError` (it is the client's, not a call's)."""
    try:
        return check_headers(option, headers)
    except ValidationError as exc:
        raise ConfigurationError(str(exc)) from None


def _is_plivo(url: str) -> bool:
    try:
        host = URL(url).host or ""
    except (TypeError, ValueError):
        return False  # not a URL: require_secure_url says so
    return host == "plivo.com" or host.endswith(".plivo.com")


def derive_hosts(named: dict[str, str | None], plivo: dict[str, str]) -> dict[str, str]:
    """Every host option's URL: as named, else ``base_url``'s when that is not Plivo's.

    The credentials go only where the caller pointed the client: with ``base_url`` at the
    emulator (or a gateway) and ``phlo_base_url`` left out, PHLO requests go to that host
    too (the emulator serves every API under its root), never to Plivo's PHLO host with
    another host's credentials. With ``base_url`` left at Plivo's, the others are Plivo's.
    """
    base = named.get("base_url") or plivo["base_url"]
    follow = not _is_plivo(base)
    return {
        name: named.get(name) or (base if follow else default) for name, default in plivo.items()
    }


def _check_hosts(options: ClientOptions) -> None:
    """Refuse a mix of Plivo's hosts and others: one set of credentials goes to all of them,
    so a Plivo host next to the emulator would receive the emulator's (and the emulator,
    or a stranger's host, a real account's)."""
    hosts = {name: getattr(options, name) for name in options.host_options()}
    plivo = [f"{name}={url}" for name, url in hosts.items() if _is_plivo(url)]
    other = [f"{name}={url}" for name, url in hosts.items() if not _is_plivo(url)]
    if plivo and other:
        raise ConfigurationError(
            f"host options mix Plivo's hosts ({', '.join(plivo)}) with others "
            f"({', '.join(other)}): the client's credentials would go to both. Point them "
            "all at the same place, or leave out all but base_url (the others follow it)"
        )


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
    try:
        check_timeout("timeout", options.timeout)
    except ValidationError as exc:
        raise ConfigurationError(str(exc)) from None
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
