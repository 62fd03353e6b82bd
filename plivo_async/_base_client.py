"""The base client: limits, then one retry loop, then decoding.

Every request of a client (and of its views) goes through :meth:`BaseClient.request`:
it is built once into a frozen :class:`~plivo_async._types.ApiRequest`, waits for a slot
of ``max_concurrency`` (held across its retries), and enters the retry loop. Each attempt
waits for the rate and calls-per-second limiters (the API counts every attempt), tells
the request's observer it is leaving, is sent by the HTTP layer and decoded: a success
to its JSON, anything else to its typed error, which the policy of :mod:`.retry` sorts
into retry, stop, or an unknown outcome. A raw view's
:class:`~plivo_async.response.RawResponse` is built once, from the last answer.

A non-idempotent request answered "yes" without a readable JSON object is an ambiguous
outcome, never a silent success.
"""

from __future__ import annotations

import json as _json
import logging
import time
from collections.abc import Collection, Mapping
from typing import TYPE_CHECKING, Any

import aiohttp
import attrs
from multidict import CIMultiDict, CIMultiDictProxy
from yarl import URL

from ._http import SUCCESS, HTTPTransport
from ._options import ClientOptions, require_secure_url
from ._types import (
    REQUEST_OPTIONS,
    ApiRequest,
    ApiResponse,
    Headers,
    RequestObserver,
    RequestOptions,
    check_headers,
    check_timeout,
    merge_extra,
    merge_headers,
    to_client_timeout,
)
from .errors import (
    AuthenticationError,
    ForbiddenError,
    GeoPermissionError,
    InvalidRequestError,
    OutcomeUnknownError,
    PlivoError,
    PlivoRedirectError,
    PlivoRestError,
    PlivoServerError,
    PlivoTransportError,
    RateLimitError,
    ResourceNotFoundError,
    ValidationError,
    redact,
)
from .limits import Grant, Limits, combine
from .response import RawResponse
from .retry import RetryBudget, RetryPolicy, Verdict, classify, may_retry

if TYPE_CHECKING:  # typing.Unpack is 3.11+; only the type checker needs it
    from typing_extensions import Unpack

__all__ = ["BaseClient", "error_from_response"]

log = logging.getLogger("plivo_async")


def _redact_record(record: logging.LogRecord) -> bool:
    """Logger filter: no log record of the library shows a registered secret."""
    message = record.getMessage()
    clean = redact(message)
    if clean != message:
        record.msg, record.args = clean, None
    return True


log.addFilter(_redact_record)

_IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE"})

_STATUS_ERRORS: dict[int, type[PlivoRestError]] = {
    400: ValidationError,
    401: AuthenticationError,
    403: ForbiddenError,
    404: ResourceNotFoundError,
    405: InvalidRequestError,
    429: RateLimitError,
}

#: ``json.dumps(separators=(",", ":"))`` without building an encoder per request.
_encode = _json.JSONEncoder(separators=(",", ":")).encode


class BaseClient:
    """Sends the requests of one account; shared by every resource of one client.

    ``owner``: whether this client owns the HTTP layer (and so closes it). A view
    (:meth:`derive`) is a new base client on the same HTTP layer, limits and retry budget,
    with some options replaced; it owns nothing.
    """

    def __init__(
        self,
        options: ClientOptions,
        limits: Limits,
        *,
        http: HTTPTransport | None = None,
        budget: RetryBudget | None = None,
        raw: bool = False,
    ) -> None:
        self.options = options
        self.limits = limits
        self.owner = http is None
        self.http = HTTPTransport(options, limits) if http is None else http
        self.budget = RetryBudget(options.retry) if budget is None else budget
        self.raw = raw
        account = options.auth_id
        api_root = require_secure_url("base_url", options.base_url)
        phlo_root = require_secure_url("phlo_base_url", options.phlo_base_url)
        insights_root = require_secure_url("callinsights_base_url", options.callinsights_base_url)
        self.api_base = str(api_root.with_path(f"/v1/Account/{account}/"))
        self.phlo_base = str(phlo_root.with_path("/v1/phlo/"))
        self.phlo_runner_base = str(phlo_root.with_path(f"/v1/account/{account}/phlo/"))
        # Call quality feedback lives on its own host, without the account in the path.
        self.callinsights_base = str(insights_root.with_path("/v1/"))
        # So does number lookup (``/v1/Number/{number}``).
        lookup_root = require_secure_url("lookup_base_url", options.lookup_base_url)
        self.lookup_base = str(lookup_root.with_path("/v1/"))
        self.timeout = options.client_timeout

    def __repr__(self) -> str:
        return f"<BaseClient {self.api_base} open={self.is_open}>"

    @property
    def auth_id(self) -> str:
        return self.options.auth_id

    @property
    def retry(self) -> RetryPolicy:
        return self.options.retry

    @property
    def max_response_bytes(self) -> int:
        return self.http.max_response_bytes

    @property
    def is_open(self) -> bool:
        return self.http.is_open

    @property
    def owns_session(self) -> bool:
        """Whether closing this client closes the session (not one passed in, not a view)."""
        return self.owner and self.http.owns_session

    @property
    def session(self) -> aiohttp.ClientSession | None:
        """The aiohttp session in use (``None`` before the first request)."""
        return self.http.session

    def derive(
        self,
        *,
        timeout: float | aiohttp.ClientTimeout | None = None,
        retry: RetryPolicy | None = None,
        raw: bool | None = None,
        default_headers: Headers | None = None,
    ) -> BaseClient:
        """A view with other options, on this client's HTTP layer, limits and budget."""
        changes: dict[str, Any] = {}
        if timeout is not None:
            changes["timeout"] = timeout
        if retry is not None:
            changes["retry"] = retry
        if default_headers is not None:
            changes["default_headers"] = default_headers
        return BaseClient(
            attrs.evolve(self.options, **changes) if changes else self.options,
            self.limits,
            http=self.http,
            budget=self.budget,
            raw=self.raw if raw is None else raw,
        )

    async def open(self) -> None:
        """Create the session now (it is otherwise created on the first request); a view
        opens nothing (its parent's session is not its to reopen)."""
        if self.owner:
            await self.http.reopen()

    async def close(self) -> None:
        """Close the session and its connections; idempotent. Later requests raise.

        A session or connector passed in by the caller is left open; a view closes nothing.
        """
        if self.owner:
            await self.http.close()

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
        observer: RequestObserver | None = None,
        cast_to: type[Any] | None = None,
        known: Collection[str] = (),
        **options: Unpack[RequestOptions],
    ) -> Any:
        """Send one API request under the client's limits and retry policy.

        Returns the decoded JSON body (``{}`` when empty), or on a raw view a
        :class:`~plivo_async.response.RawResponse` (whose ``parse()`` gives ``cast_to``).
        ``calls`` is the number of calls the request places (the CPS limiter takes that
        many). ``expect`` names a key the success body must hold (``request_uuid``); a
        non-idempotent request's success must be a JSON object in any case. ``observer``
        hears each attempt (see :class:`~plivo_async._types.RequestObserver`). Raises the
        typed errors of :mod:`plivo_async.errors`, and
        :class:`~plivo_async.errors.OutcomeUnknownError` when a non-idempotent request
        failed ambiguously.

        ``options`` are the per-call :class:`~plivo_async._types.RequestOptions`;
        ``known`` the wire names of the request model the body was validated by (an
        ``extra_body`` or ``extra_query`` key naming one is refused, as is one already in
        ``json`` or ``params``).
        """
        self.http.check_loop()  # before anything waits or is recorded
        if idempotent is None:
            idempotent = method in _IDEMPOTENT_METHODS
        if not idempotent and expect is None:
            expect = ""
        timeout, headers = self.timeout, self.options.default_headers
        if options:
            timeout, headers, params, json = self._per_call(method, params, json, known, options)
        recorder = _Recorder(observer) if self.raw else None
        request = ApiRequest(
            method,
            url,
            url[url.find("/", url.find("//") + 2) :],
            timeout,
            None if json is None else _encode(json).encode(),
            params,
            headers=headers,
            idempotent=idempotent,
            retry_unsafe=retry_unsafe,
            calls=calls,
            expect=expect,
            observer=observer if recorder is None else recorder,
        )
        clock = self.options.retry.clock
        started = clock()
        async with self.limits.concurrency:  # held across the retries
            if request.observer is not None:
                request.observer.limits_granted(clock() - started)
            response, data = await self._retry_loop(request)
        if recorder is None:
            return data
        return RawResponse(
            method,
            request.path,
            status=response.status,
            headers=_clean_headers(response.headers),
            attempts=recorder.attempts,
            waited=recorder.waited,
            elapsed=clock() - started,
            data=data,
            model=cast_to,
        )

    def _per_call(
        self,
        method: str,
        params: Mapping[str, Any] | None,
        json: Mapping[str, Any] | None,
        known: Collection[str],
        options: RequestOptions,
    ) -> tuple[aiohttp.ClientTimeout, Headers, Mapping[str, Any] | None, Mapping[str, Any] | None]:
        """One call's options applied: its timeout, headers, query and body (all checked)."""
        unknown = sorted(set(options) - REQUEST_OPTIONS)
        if unknown:  # a method's **options take only these (a typo is no silent no-op)
            raise TypeError(
                f"unexpected keyword argument {unknown[0]!r} (the per-call options are "
                f"{', '.join(sorted(REQUEST_OPTIONS))})"
            )
        timeout = self.timeout
        if "timeout" in options:
            check_timeout("timeout", options["timeout"])
            timeout = to_client_timeout(options["timeout"])
        extra = check_headers("extra_headers", options.get("extra_headers"))
        headers = merge_headers(self.options.default_headers, extra)
        params = merge_extra("extra_query", params, options.get("extra_query"), known)
        extra_body = options.get("extra_body")
        if extra_body and method == "GET":
            raise ValidationError.invalid(
                "extra_body", "a GET request has no body: use extra_query"
            )
        json = merge_extra("extra_body", json, extra_body, known)
        return timeout, headers, params, json

    async def _retry_loop(self, request: ApiRequest) -> tuple[ApiResponse, Any]:
        """Attempt until a success, or until :mod:`.retry`'s policy says stop."""
        policy, budget = self.options.retry, self.budget
        budget.deposit()
        started = policy.clock()
        ambiguous = False
        attempt = 0
        while True:
            attempt += 1
            try:
                answer = await self._attempt(request, attempt)
            except PlivoError as exc:
                error = exc
            else:
                if ambiguous and not request.idempotent:
                    log.warning(
                        "%s %s succeeded after an ambiguous failure with retry_unsafe=True: "
                        "the call may have been placed twice",
                        request.method,
                        request.path,
                    )
                return answer
            if isinstance(error, PlivoTransportError):
                error.attempts = attempt
            verdict = classify(error)
            ambiguous = ambiguous or verdict is Verdict.AMBIGUOUS
            retry = may_retry(
                verdict, error, idempotent=request.idempotent, retry_unsafe=request.retry_unsafe
            )
            wait: float | None = None
            if retry and attempt < policy.max_attempts:
                wait = policy.delay(error, attempt - 1)
                in_time = policy.clock() + wait - started <= policy.deadline  # nan-proof
                if not (in_time and budget.withdraw()):
                    wait = None
            if wait is None:
                if ambiguous and not request.idempotent:
                    raise _unknown(request, attempt, error) from error
                raise error
            log.debug(
                "retrying %s %s after %s (attempt %d of %d) in %.3fs",
                request.method,
                request.path,
                type(error).__name__,
                attempt,
                policy.max_attempts,
                wait,
            )
            await policy.sleep(wait)

    async def _attempt(self, request: ApiRequest, attempt: int) -> tuple[ApiResponse, Any]:
        """One attempt: wait for the rate limiters, tell the observer, send, decode."""
        grant = await self._rate_limits(request)
        observer = request.observer
        if observer is not None:
            await observer.before_attempt(attempt)
        sent_at = time.perf_counter()
        try:
            try:
                response = await self.http.send(request, grant)
            except PlivoError as exc:  # no answer (its cause says why), or one too large
                _log_attempt(request, attempt, sent_at, type(exc.__cause__ or exc).__name__)
                raise
            _log_attempt(request, attempt, sent_at, response.status)
            data = _decode(request, response, self.options.retry)
        except PlivoError as exc:
            if observer is not None:
                observer.attempt_done(attempt, exc)
            raise
        if observer is not None:
            observer.attempt_done(attempt, None)
        return response, data

    async def _rate_limits(self, request: ApiRequest) -> Grant | None:
        """Wait for the request rate and (for a request placing calls) the CPS limiter.

        Their grants, as one: both are restamped when the request leaves late.
        """
        limits = self.limits
        cps = limits.calls if request.calls else None
        if limits.requests is None and cps is None:
            return None
        clock = self.options.retry.clock
        started = clock()
        request_grant = None if limits.requests is None else await limits.requests.acquire()
        call_grant = None if cps is None else await cps.acquire(request.calls)
        if request.observer is not None:
            request.observer.limits_granted(clock() - started)
        return combine(request_grant, call_grant)


@attrs.define
class _Recorder:
    """The observer of a raw view's request: counts what its ``RawResponse`` shows, and
    passes everything on to the caller's own observer, if any."""

    inner: RequestObserver | None
    attempts: int = 0
    waited: float = 0.0

    def limits_granted(self, waited: float) -> None:
        self.waited += waited
        if self.inner is not None:
            self.inner.limits_granted(waited)

    async def before_attempt(self, attempt: int) -> None:
        if self.inner is not None:
            await self.inner.before_attempt(attempt)
        self.attempts = attempt

    def attempt_done(self, attempt: int, error: PlivoError | None) -> None:
        if self.inner is not None:
            self.inner.attempt_done(attempt, error)


def _log_attempt(request: ApiRequest, attempt: int, sent_at: float, answer: object) -> None:
    """At DEBUG, one line per attempt: what came back (a status or a failure), how fast."""
    log.debug(
        "%s %s -> %s (attempt %d, %.1f ms)",
        request.method,
        request.path,
        answer,
        attempt,
        (time.perf_counter() - sent_at) * 1000,
    )


def _unknown(request: ApiRequest, attempt: int, error: PlivoError) -> OutcomeUnknownError:
    log.info(
        "%s %s failed ambiguously after %d attempt(s); the call may have been placed, so it "
        "is not retried",
        request.method,
        request.path,
        attempt,
    )
    return OutcomeUnknownError(
        f"{request.method} {request.path}: outcome unknown after {attempt} attempt(s) "
        f"({type(error).__name__}: {error}); the call may have been placed",
        method=request.method,
        path=request.path,
        attempts=attempt,
    )


def _decode(request: ApiRequest, response: ApiResponse, policy: RetryPolicy) -> Any:
    """The JSON of a success, or the typed error of anything else (raised)."""
    status, raw = response.status, response.content
    if status in SUCCESS:
        return _decode_success(raw, status, request)
    headers = response.headers
    retry_after = policy.retry_after(headers.get("Retry-After")) if status == 429 else None
    raise error_from_response(
        status, request.method, request.path, raw, retry_after, headers.get("Location")
    )


def _decode_success(raw: bytes, status: int, request: ApiRequest) -> Any:
    """The JSON of a success. ``expect`` (non-idempotent requests): ``""`` asks for a JSON
    object, a key name for an object holding that key (``request_uuid`` of a call create).
    Anything else is a 2xx :class:`PlivoRestError`, which the retry loop calls ambiguous.
    """
    method, path, expect = request.method, request.path, request.expect
    try:
        data = _json.loads(raw) if raw else {}
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


def _clean_headers(headers: Mapping[str, str]) -> CIMultiDictProxy[str]:
    """Response headers with any echoed secret redacted (raw responses only)."""
    return CIMultiDictProxy(CIMultiDict((k, redact(v)) for k, v in headers.items()))
