"""One aiohttp session, and what every request needs: auth, JSON, limits, retry, errors.

The per-request path is kept short on purpose (headers precomputed, no per-request
logging unless DEBUG is on, redaction only when an error is built): with 64 requests in
flight it should cost barely more than a bare aiohttp loop.

Edges it holds: redirects are never followed (a 3xx is :class:`PlivoRedirectError`);
bodies are read up to ``max_response_bytes`` and no further; paths go out exactly as
the resources encoded them (``encoded=True``: nothing decodes ``%2F`` or resolves
``..``); a non-idempotent request answered "yes" without a readable JSON object is an
ambiguous outcome, never a silent success.
"""

from __future__ import annotations

import asyncio
import base64
import copy
import functools
import ipaddress
import json as _json
import logging
import sys
import time
from collections.abc import Mapping
from typing import Any

import aiohttp
from multidict import CIMultiDict, CIMultiDictProxy
from yarl import URL

from . import __version__
from .errors import (
    AuthenticationError,
    ConfigurationError,
    ForbiddenError,
    GeoPermissionError,
    InvalidRequestError,
    PlivoConnectionError,
    PlivoError,
    PlivoRedirectError,
    PlivoRestError,
    PlivoServerError,
    PlivoTimeoutError,
    PlivoTransportError,
    RateLimitError,
    ResourceNotFoundError,
    ResponseTooLargeError,
    ValidationError,
    redact,
    register_secret,
)
from .limits import Grant, Limits
from .response import RawResponse
from .retry import AttemptCounter, RetryBudget, RetryPolicy, call_with_retry, current_counter

__all__ = ["DEFAULT_MAX_RESPONSE_BYTES", "USER_AGENT", "Transport", "require_secure_url"]

log = logging.getLogger("plivo_async")


def _redact_record(record: logging.LogRecord) -> bool:
    """Logger filter: no log record of the library shows a registered secret."""
    message = record.getMessage()
    clean = redact(message)
    if clean != message:
        record.msg, record.args = clean, None
    return True


log.addFilter(_redact_record)

#: The default cap on a response body: Plivo's answers are a few KiB.
DEFAULT_MAX_RESPONSE_BYTES = 10 * 1024 * 1024

USER_AGENT = f"plivo-async/{__version__} (Python {sys.version_info[0]}.{sys.version_info[1]})"

_IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE"})
_SUCCESS = frozenset({200, 201, 202, 204})
_URL_CACHE_SIZE = 256

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


def _restamp_traces(limits: Limits) -> list[aiohttp.TraceConfig]:
    """Traces that count a call in the CPS window from when it really left.

    Plivo counts calls when they arrive. Between the limiter's grant and the request's
    bytes on the wire lie a connection to open (TLS: round trips) or a pause of the event
    loop (a garbage collection): the grant is restamped when the headers are written more
    than ``RESTAMP_AFTER`` after it, and, for a request that opened a new connection (slow
    to reach the server the first time), once more when its response arrives. Only
    installed when the CPS limiter can restamp: aiohttp's tracing costs a few microseconds
    a request, nothing next to a CPS.
    """
    if not getattr(limits.calls, "restamps", False):
        return []
    trace = aiohttp.TraceConfig()
    trace.on_connection_create_end.append(_mark_cold)
    trace.on_request_headers_sent.append(_restamp)
    return [trace]


async def _mark_cold(session: object, context: Any, params: object) -> None:
    if context.trace_request_ctx is not None:
        context.trace_request_ctx.cold = True


#: A request whose headers are written within this long of its CPS grant left on time
#: (the pacing margin absorbs it); later than that (a pause of the event loop, a new
#: connection), its grant is restamped. Restamping every request would cost a Redis round
#: trip each and, at 2-4 ms a time, eat the margin the pacing keeps for arrival jitter.
RESTAMP_AFTER = 0.002


async def _restamp(session: object, context: Any, params: object) -> None:
    if context.trace_request_ctx is not None:
        await context.trace_request_ctx.restamp(unless_within=RESTAMP_AFTER)


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


def _location(value: str | None) -> str | None:
    """A ``Location`` header as shown in an error: no user:password part."""
    if value is None:
        return None
    try:
        url = URL(value)
        if url.user is not None or url.password is not None:
            url = url.with_user(None)
        return str(url)
    except (TypeError, ValueError):
        return "(unparsable)"


def error_from_response(
    status: int,
    method: str,
    path: str,
    raw: bytes,
    retry_after: float | None,
    location: str | None = None,
) -> PlivoRestError:
    """Map a non-success response to its typed exception, keeping api_id and the body.

    Secrets a server echoes (the ``Authorization`` header, the token) are redacted from the
    message and the body by the exception itself.
    """
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
    if 300 <= status < 400:
        shown = _location(location)
        return PlivoRedirectError(
            f"HTTP {status} redirect to {shown or '(no Location)'}: redirects are never "
            "followed (a followed redirect can turn a call into another request)",
            location=shown,
            **kwargs,
        )
    if status == 403 and "geo" in message.lower():
        return GeoPermissionError(message, **kwargs)
    cls = _STATUS_ERRORS.get(status)
    if cls is None:
        cls = PlivoServerError if status >= 500 else PlivoRestError
    return cls(message, **kwargs)


def _decode_success(raw: bytes, status: int, method: str, path: str, expect: str | None) -> Any:
    """The JSON of a success. ``expect`` (non-idempotent requests): ``""`` asks for a JSON
    object, a key name for an object holding that key (``request_uuid`` of a call create).
    Anything else is a 2xx :class:`PlivoRestError`, which the retry layer calls ambiguous.
    """
    try:
        data = _loads(raw) if raw else {}
    except ValueError:
        raise PlivoRestError(
            "the API answered success with a body that is not JSON",
            status=status,
            method=method,
            path=path,
            body=raw[:500].decode("utf-8", "replace"),
        ) from None
    if expect is None:
        return data
    if raw and isinstance(data, dict) and (not expect or data.get(expect)):
        return data
    wanted = f"an object with {expect}" if expect else "a JSON object"
    raise PlivoRestError(
        f"the API answered {status} without {wanted}; the request may or may not have been "
        "acted on",
        status=status,
        method=method,
        path=path,
        body=data if raw else None,
    )


#: ``json.dumps(separators=(",", ":"))`` without building an encoder per request.
_encode = _json.JSONEncoder(separators=(",", ":")).encode
_decode = _json.JSONDecoder().decode


def _loads(raw: bytes) -> Any:
    """``json.loads(raw)``, with the common case (UTF-8, no BOM) decoded directly; anything
    else (another encoding, a BOM, bad JSON) goes to ``json.loads`` itself for its answer."""
    try:
        return _decode(raw.decode())
    except ValueError:
        return _json.loads(raw)


def _client_timeout(timeout: float | aiohttp.ClientTimeout) -> aiohttp.ClientTimeout:
    if isinstance(timeout, aiohttp.ClientTimeout):
        return timeout
    return aiohttp.ClientTimeout(total=timeout, sock_connect=min(timeout, 10.0))


async def _read_capped(resp: aiohttp.ClientResponse, cap: int) -> bytes | None:
    """The body, or ``None`` once it is longer than ``cap`` (never read past the cap)."""
    length = resp.content_length
    if length is not None:
        return await resp.read() if length <= cap else None
    chunks: list[bytes] = []
    size = 0
    async for chunk in resp.content.iter_any():
        size += len(chunk)
        if size > cap:
            return None
        chunks.append(chunk)
    return b"".join(chunks)


class _Pool:
    """The one aiohttp session shared by a client and its views, opened lazily.

    A session (or connector) the caller brought is used as it is and never closed here.
    """

    def __init__(
        self,
        *,
        limit: int,
        traces: list[aiohttp.TraceConfig],
        proxy: str | None,
        trust_env: bool,
        session: aiohttp.ClientSession | None,
        connector: aiohttp.BaseConnector | None,
    ) -> None:
        self.session = session
        self.owns_session = session is None
        self._limit = limit
        self._traces = traces
        self._proxy = proxy
        self._trust_env = trust_env
        self._connector = connector
        self.closed = False

    def open(self) -> aiohttp.ClientSession:
        if self.closed:
            raise PlivoError("the client is closed; open a new one (or 'async with' it again)")
        session = self.session
        if session is None or session.closed:
            if not self.owns_session:
                raise PlivoError("the aiohttp session passed as session= is closed")
            own_connector = self._connector is None
            connector = self._connector or aiohttp.TCPConnector(limit=self._limit)
            session = aiohttp.ClientSession(
                connector=connector,
                connector_owner=own_connector,
                raise_for_status=False,
                proxy=self._proxy,
                trust_env=self._trust_env,
                trace_configs=self._traces,
            )
            self.session = session
        return session

    async def close(self) -> None:
        self.closed = True
        session = self.session
        if self.owns_session:
            self.session = None
            if session is not None and not session.closed:
                await session.close()


class Transport:
    """Sends requests for one account; shared by every resource of one client.

    :meth:`derive` makes a view (other timeout, retry policy, or raw responses) sharing
    this transport's session, limits and retry budget.
    """

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
        max_response_bytes: int = DEFAULT_MAX_RESPONSE_BYTES,
        proxy: str | None = None,
        trust_env: bool = False,
        session: aiohttp.ClientSession | None = None,
        connector: aiohttp.BaseConnector | None = None,
        callinsights_base_url: str = "https://stats.plivo.com",
    ) -> None:
        register_secret(auth_id, auth_token)
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
        self.max_response_bytes = max_response_bytes
        self._timeout = _client_timeout(timeout)
        # Same value as aiohttp.encode_basic_auth (3.14+), computed here to support older aiohttp.
        auth = "Basic " + base64.b64encode(f"{auth_id}:{auth_token}".encode()).decode("ascii")
        self._headers = {
            "Authorization": auth,
            "User-Agent": USER_AGENT,
            "Accept": "application/json",
        }
        self._json_headers = {**self._headers, "Content-Type": "application/json"}
        self._pool = _Pool(
            limit=limits.max_concurrency,
            traces=_restamp_traces(limits),
            proxy=proxy,
            trust_env=trust_env,
            session=session,
            connector=connector,
        )
        self._raw = False
        self.is_view = False
        self._urls: dict[str, URL] = {}  # shared with views (copy.copy): same URLs

    def __repr__(self) -> str:
        return f"<Transport {self.api_base} open={self.is_open}>"

    @property
    def is_open(self) -> bool:
        session = self._pool.session
        return session is not None and not session.closed and not self._pool.closed

    @property
    def owns_limits(self) -> bool:
        """Whether closing the client closes shared limiters' connections (not on a view)."""
        return not self.is_view

    @property
    def owns_session(self) -> bool:
        """Whether closing this transport closes the session (not one passed in, not a view)."""
        return self._pool.owns_session and not self.is_view

    @property
    def session(self) -> aiohttp.ClientSession | None:
        """The aiohttp session in use (``None`` before the first request)."""
        return self._pool.session

    @property
    def timeout(self) -> aiohttp.ClientTimeout:
        """The timeout of each request sent through this transport (or view)."""
        return self._timeout

    def derive(
        self,
        *,
        timeout: float | aiohttp.ClientTimeout | None = None,
        retry: RetryPolicy | None = None,
        raw: bool | None = None,
    ) -> Transport:
        """A view with other options, sharing session, limits and retry budget."""
        view = copy.copy(self)
        view.is_view = True
        if timeout is not None:
            view._timeout = _client_timeout(timeout)
        if retry is not None:
            view.retry = retry
        if raw is not None:
            view._raw = raw
        return view

    async def open(self) -> None:
        """Create the session now (it is otherwise created on the first request)."""
        self._pool.closed = False
        self._pool.open()

    async def close(self) -> None:
        """Close the session and its connections; idempotent. Later requests raise.

        A session or connector passed in by the caller is left open; a view closes nothing
        (its parent owns the session).
        """
        if not self.is_view:
            await self._pool.close()

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
        expect: str | None = None,
    ) -> Any:
        """Send one API request under the client's limits and retry policy.

        Returns the decoded JSON body (``{}`` when empty), or a
        :class:`~plivo_async.response.RawResponse` on a raw view. ``calls`` is the number of
        calls the request places (the CPS limiter takes that many). ``expect`` names a key
        the success body must hold (``request_uuid``); a non-idempotent request's success
        must be a JSON object in any case. Raises the typed errors of
        :mod:`plivo_async.errors`, and :class:`~plivo_async.errors.OutcomeUnknownError` when
        a non-idempotent request failed ambiguously.
        """
        if idempotent is None:
            idempotent = method in _IDEMPOTENT_METHODS
        if not idempotent and expect is None:
            expect = ""
        body = None if json is None else _encode(json).encode()
        json = None  # only the bytes are kept while waiting (less for the GC to walk)
        path = url[url.find("/", url.find("//") + 2) :]
        counter = current_counter()
        raw = RawResponse(method, path) if self._raw else None
        clock = self.retry.clock
        started = clock() if counter is not None or raw is not None else 0.0
        # No closure here: CPython creates a cell per captured variable when the frame
        # starts, and a caller gathering thousands of requests keeps every waiting frame
        # (cells included) alive for the garbage collector to walk again and again.
        async with self.limits.concurrency:
            if counter is not None or raw is not None:
                _add_wait(counter, raw, clock() - started)
            if self._unlimited(calls) and counter is None and raw is None:
                # Nothing to wait for or count: the first attempt is sent from here, and
                # only a failure enters the retry loop. Every resumption of a request in
                # flight walks its coroutine frames: two fewer on the success path.
                policy = self.retry
                self.budget.deposit()
                first = policy.clock()
                try:
                    data = await self._send_once(method, url, path, body, params, expect, None, 1)
                except PlivoError as exc:
                    data = await call_with_retry(
                        functools.partial(
                            self._send_once, method, url, path, body, params, expect, None
                        ),
                        policy=policy,
                        budget=self.budget,
                        idempotent=idempotent,
                        retry_unsafe=retry_unsafe,
                        method=method,
                        path=path,
                        failed=(exc, first),
                    )
            else:
                data = await call_with_retry(
                    functools.partial(
                        self._attempt, method, url, path, body, params, calls, expect, counter, raw
                    ),
                    policy=self.retry,
                    budget=self.budget,
                    idempotent=idempotent,
                    retry_unsafe=retry_unsafe,
                    method=method,
                    path=path,
                )
        if raw is None:
            return data
        raw.data = data
        raw.elapsed = clock() - started
        return raw

    def _unlimited(self, calls: int) -> bool:
        """Whether a request placing ``calls`` calls has no rate limiter to wait for."""
        limits = self.limits
        return limits.requests is None and (not calls or limits.calls is None)

    async def _attempt(
        self,
        method: str,
        url: str,
        path: str,
        body: bytes | None,
        params: Mapping[str, Any] | None,
        calls: int,
        expect: str | None,
        counter: AttemptCounter | None,
        raw: RawResponse | None,
        attempt: int,
    ) -> Any:
        """One attempt: wait for the rate limiters, count it, send it."""
        limits = self.limits
        requests = limits.requests
        cps = limits.calls if calls else None
        grant: Grant | None = None
        if requests is not None or cps is not None:
            timed = counter is not None or raw is not None
            started = self.retry.clock() if timed else 0.0
            if requests is not None:
                await requests.acquire()
            if cps is not None:
                grant = await cps.acquire(calls)
            if timed:
                _add_wait(counter, raw, self.retry.clock() - started)
        if counter is not None:
            if counter.before_send is not None:
                await counter.before_send()
            counter.attempts += 1
        if raw is not None:
            raw.attempts = attempt
        return await self._send_once(method, url, path, body, params, expect, raw, attempt, grant)

    async def _send_once(
        self,
        method: str,
        url: str,
        path: str,
        body: bytes | None,
        params: Mapping[str, Any] | None,
        expect: str | None,
        raw: RawResponse | None,
        attempt: int,
        grant: Grant | None = None,
    ) -> Any:
        pool = self._pool
        session = pool.session
        if session is None or pool.closed:
            session = pool.open()
        headers = self._headers if body is None else self._json_headers
        debug = log.isEnabledFor(logging.DEBUG)
        sent_at = time.perf_counter() if debug else 0.0
        # Sent as the resources encoded it, never re-normalised. Parsed once per URL: the
        # hot paths (Call/, an MPC node) send to the same few URLs again and again.
        target = self._urls.get(url)
        if target is None:
            target = URL(url, encoded=True)
            if len(self._urls) >= _URL_CACHE_SIZE:
                self._urls.clear()  # URLs with ids in them: keep the cache bounded
            self._urls[url] = target
        try:
            async with session.request(
                method,
                target,
                data=body,
                params=params,
                headers=headers,
                allow_redirects=False,
                timeout=self._timeout,
                trace_request_ctx=grant,
            ) as resp:
                if grant is not None and grant.cold:
                    await grant.restamp()  # it has certainly arrived by now
                status = resp.status
                length = resp.content_length  # the common case: a small, sized body
                if length is not None and length <= self.max_response_bytes:
                    content: bytes | None = await resp.read()
                else:
                    content = await _read_capped(resp, self.max_response_bytes)
                if raw is not None:
                    raw.status = status
                    raw.headers = _clean_headers(resp.headers)
                if debug:
                    log.debug(
                        "%s %s -> %d (attempt %d, %.1f ms)",
                        method,
                        path,
                        status,
                        attempt,
                        (time.perf_counter() - sent_at) * 1000,
                    )
                if content is None:
                    resp.close()  # do not read (or keep) the rest
                    if status in _SUCCESS:
                        raise ResponseTooLargeError(
                            f"the answer's body is over max_response_bytes="
                            f"{self.max_response_bytes}; not read further",
                            status=status,
                            method=method,
                            path=path,
                            limit=self.max_response_bytes,
                        )
                    content = b""
                if status in _SUCCESS:
                    return _decode_success(content, status, method, path, expect)
                retry_after = (
                    self.retry.retry_after(resp.headers.get("Retry-After"))
                    if status == 429
                    else None
                )
                location = resp.headers.get("Location")
        except (aiohttp.ClientError, asyncio.TimeoutError) as exc:
            if debug:
                log.debug(
                    "%s %s -> %s (attempt %d, %.1f ms)",
                    method,
                    path,
                    type(exc).__name__,
                    attempt,
                    (time.perf_counter() - sent_at) * 1000,
                )
            raise _transport_error(exc, method, path, target, attempt) from exc
        raise error_from_response(status, method, path, content, retry_after, location)


def _transport_error(
    exc: BaseException, method: str, path: str, target: URL, attempt: int
) -> PlivoTransportError:
    """No answer: could not connect (not sent), timed out, or lost after sending."""
    where = f"{target.host}:{target.port}"
    cls: type[PlivoTransportError]
    if isinstance(exc, (aiohttp.ConnectionTimeoutError, aiohttp.ClientConnectorError)):
        message, cls, sent = f"could not connect to {where}", PlivoConnectionError, False
    elif isinstance(exc, (asyncio.TimeoutError, aiohttp.ServerTimeoutError)):
        message, cls, sent = (
            f"timed out waiting for the response from {where}",
            PlivoTimeoutError,
            True,
        )
    else:
        message, cls, sent = f"connection to {where} lost after sending", PlivoConnectionError, True
    return cls(
        f"{method} {path}: {message} ({type(exc).__name__})",
        method=method,
        path=path,
        sent=sent,
        attempts=attempt,
    )


def _add_wait(counter: AttemptCounter | None, raw: RawResponse | None, seconds: float) -> None:
    if counter is not None:
        counter.waited += seconds
    if raw is not None:
        raw.waited += seconds


def _clean_headers(headers: Mapping[str, str]) -> CIMultiDictProxy[str]:
    """Response headers with any echoed secret redacted (raw responses only)."""
    return CIMultiDictProxy(CIMultiDict((k, redact(v)) for k, v in headers.items()))
