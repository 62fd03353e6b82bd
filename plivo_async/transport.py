"""One aiohttp session, and what every request needs: auth, JSON, limits, retry, errors.

The per-request path is kept short on purpose (headers precomputed, no per-request
logging unless DEBUG is on): with 64 requests in flight it should cost barely more than
a bare aiohttp loop.
"""

from __future__ import annotations

import asyncio
import base64
import functools
import ipaddress
import json as _json
import logging
import sys
from collections.abc import Mapping
from typing import Any

import aiohttp
from yarl import URL

from . import __version__
from .errors import (
    AuthenticationError,
    ForbiddenError,
    GeoPermissionError,
    InvalidRequestError,
    PlivoConnectionError,
    PlivoError,
    PlivoRestError,
    PlivoServerError,
    PlivoTimeoutError,
    RateLimitError,
    ResourceNotFoundError,
    ValidationError,
)
from .limits import Limits
from .retry import AttemptCounter, RetryBudget, RetryPolicy, call_with_retry, current_counter

__all__ = ["USER_AGENT", "Transport", "require_secure_url"]

log = logging.getLogger("plivo_async")

USER_AGENT = f"plivo-async/{__version__} (Python {sys.version_info[0]}.{sys.version_info[1]})"

_IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE"})
_SUCCESS = frozenset({200, 201, 202, 204})

_STATUS_ERRORS: dict[int, type[PlivoRestError]] = {
    400: ValidationError,
    401: AuthenticationError,
    403: ForbiddenError,
    404: ResourceNotFoundError,
    405: InvalidRequestError,
    429: RateLimitError,
}


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
    """Parse a base URL; plain http is refused unless the host is loopback (tokens stay secret)."""
    parsed = URL(url)
    if parsed.scheme == "https" or (parsed.scheme == "http" and _is_loopback(parsed.host)):
        return parsed
    raise ValidationError.invalid(field, "must be https (plain http only for a loopback host)", url)


def error_from_response(
    status: int, method: str, path: str, raw: bytes, retry_after: float | None
) -> PlivoRestError:
    """Map a non-success response to its typed exception, keeping api_id and the body."""
    body: Any
    try:
        body = _json.loads(raw) if raw else None
    except ValueError:
        body = raw.decode("utf-8", "replace")
    api_id = body.get("api_id") if isinstance(body, dict) else None
    message = ""
    if isinstance(body, dict):
        message = str(body.get("error") or body.get("message") or "")
    elif isinstance(body, str):
        message = body[:500]
    message = message or f"HTTP {status}"
    kwargs: dict[str, Any] = {
        "status": status,
        "method": method,
        "path": path,
        "api_id": api_id,
        "body": body,
    }
    if status == 429:
        return RateLimitError(message, retry_after=retry_after, **kwargs)
    if status == 403 and "geo" in message.lower():
        return GeoPermissionError(message, **kwargs)
    cls = _STATUS_ERRORS.get(status)
    if cls is None:
        cls = PlivoServerError if status >= 500 else PlivoRestError
    return cls(message, **kwargs)


def _decode_success(raw: bytes, status: int, method: str, path: str) -> Any:
    if not raw:
        return {}
    try:
        return _json.loads(raw)
    except ValueError:
        raise PlivoRestError(
            "the API answered success with a body that is not JSON",
            status=status,
            method=method,
            path=path,
            body=raw[:500].decode("utf-8", "replace"),
        ) from None


class Transport:
    """Sends requests for one account; shared by every resource of one client."""

    def __init__(
        self,
        *,
        auth_id: str,
        auth_token: str,
        base_url: str,
        phlo_base_url: str,
        timeout: float | aiohttp.ClientTimeout,
        limits: Limits,
        retry: RetryPolicy,
        callinsights_base_url: str = "https://stats.plivo.com",
    ) -> None:
        api_root = require_secure_url("base_url", base_url)
        phlo_root = require_secure_url("phlo_base_url", phlo_base_url)
        insights_root = require_secure_url("callinsights_base_url", callinsights_base_url)
        self.auth_id = auth_id
        self.api_base = str(api_root.with_path(f"/v1/Account/{auth_id}/"))
        self.phlo_base = str(phlo_root.with_path("/v1/phlo/"))
        self.phlo_runner_base = str(phlo_root.with_path(f"/v1/account/{auth_id}/phlo/"))
        # Call quality feedback lives on its own host, without the account in the path.
        self.callinsights_base = str(insights_root.with_path("/v1/"))
        self.limits = limits
        self.retry = retry
        self.budget = RetryBudget(retry)
        self._timeout = (
            timeout
            if isinstance(timeout, aiohttp.ClientTimeout)
            else aiohttp.ClientTimeout(total=timeout, sock_connect=min(timeout, 10.0))
        )
        # Same value as aiohttp.encode_basic_auth (3.14+), computed here to support older aiohttp.
        auth = "Basic " + base64.b64encode(f"{auth_id}:{auth_token}".encode()).decode("ascii")
        self._headers = {
            "Authorization": auth,
            "User-Agent": USER_AGENT,
            "Accept": "application/json",
        }
        self._json_headers = {**self._headers, "Content-Type": "application/json"}
        self._session: aiohttp.ClientSession | None = None
        self._closed = False

    def __repr__(self) -> str:
        return f"<Transport {self.api_base} open={self.is_open}>"

    @property
    def is_open(self) -> bool:
        return self._session is not None and not self._session.closed

    def _open(self) -> aiohttp.ClientSession:
        if self._closed:
            raise PlivoError("the client is closed; open a new one (or 'async with' it again)")
        if self._session is None or self._session.closed:
            connector = aiohttp.TCPConnector(limit=self.limits.max_concurrency)
            self._session = aiohttp.ClientSession(
                connector=connector, timeout=self._timeout, raise_for_status=False
            )
        return self._session

    async def open(self) -> None:
        """Create the session now (it is otherwise created on the first request)."""
        self._closed = False
        self._open()

    async def close(self) -> None:
        """Close the session and its connections; idempotent. Later requests raise."""
        self._closed = True
        session, self._session = self._session, None
        if session is not None and not session.closed:
            await session.close()

    async def request(
        self,
        method: str,
        url: str,
        *,
        json: Mapping[str, Any] | None = None,
        params: Mapping[str, Any] | None = None,
        idempotent: bool | None = None,
        calls: int = 0,
        retry_unsafe: bool = False,
    ) -> Any:
        """Send one API request under the client's limits and retry policy.

        Returns the decoded JSON body (``{}`` when empty). ``calls`` is the number of calls
        the request places (the CPS limiter takes that many). Raises the typed errors of
        :mod:`plivo_async.errors`, and :class:`~plivo_async.errors.OutcomeUnknownError` when
        a non-idempotent request failed ambiguously.
        """
        if idempotent is None:
            idempotent = method in _IDEMPOTENT_METHODS
        body = None if json is None else _json.dumps(json, separators=(",", ":")).encode()
        path = url[url.find("/", url.find("//") + 2) :]
        counter = current_counter()
        # No closure here: CPython creates a cell per captured variable when the frame
        # starts, and a caller gathering thousands of requests keeps every waiting frame
        # (cells included) alive for the garbage collector to walk again and again.
        async with self.limits.concurrency:
            return await call_with_retry(
                functools.partial(self._attempt, method, url, path, body, params, calls, counter),
                policy=self.retry,
                budget=self.budget,
                idempotent=idempotent,
                retry_unsafe=retry_unsafe,
                method=method,
                path=path,
            )

    async def _attempt(
        self,
        method: str,
        url: str,
        path: str,
        body: bytes | None,
        params: Mapping[str, Any] | None,
        calls: int,
        counter: AttemptCounter | None,
    ) -> Any:
        """One attempt: wait for the rate limiters, count it, send it."""
        limits = self.limits
        if limits.requests is not None:
            await limits.requests.acquire()
        if calls and limits.calls is not None:
            await limits.calls.acquire(calls)
        if counter is not None:
            if not counter.attempts and counter.before_first_send is not None:
                await counter.before_first_send()
            counter.attempts += 1
        return await self._send_once(method, url, path, body, params)

    async def _send_once(
        self,
        method: str,
        url: str,
        path: str,
        body: bytes | None,
        params: Mapping[str, Any] | None,
    ) -> Any:
        session = self._session if self._session is not None else self._open()
        headers = self._headers if body is None else self._json_headers
        try:
            async with session.request(
                method, url, data=body, params=params, headers=headers
            ) as resp:
                raw = await resp.read()
                status = resp.status
                if status in _SUCCESS:
                    return _decode_success(raw, status, method, path)
                retry_after = (
                    self.retry.retry_after(resp.headers.get("Retry-After"))
                    if status == 429
                    else None
                )
        except (aiohttp.ConnectionTimeoutError, aiohttp.ClientConnectorError) as exc:
            raise PlivoConnectionError(
                f"{method} {path}: could not connect ({type(exc).__name__})",
                method=method,
                path=path,
                sent=False,
            ) from exc
        except (asyncio.TimeoutError, aiohttp.ServerTimeoutError) as exc:
            raise PlivoTimeoutError(
                f"{method} {path}: timed out waiting for the response",
                method=method,
                path=path,
                sent=True,
            ) from exc
        except aiohttp.ClientError as exc:
            raise PlivoConnectionError(
                f"{method} {path}: connection lost after sending ({type(exc).__name__})",
                method=method,
                path=path,
                sent=True,
            ) from exc
        if log.isEnabledFor(logging.DEBUG):
            log.debug("%s %s -> %d", method, path, status)
        raise error_from_response(status, method, path, raw, retry_after)
