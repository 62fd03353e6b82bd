"""The HTTP layer: one aiohttp session, and ``send(ApiRequest) -> ApiResponse``.

Like an httpx transport, it knows nothing of retries, limits or JSON. What it holds are
the edges of the wire: redirects are never followed (a 3xx is answered as it came);
bodies are read up to ``max_response_bytes`` and no further; paths go out exactly as the
resources encoded them (``encoded=True``: nothing decodes ``%2F`` or resolves ``..``);
every aiohttp failure becomes a :class:`~plivo_async.errors.PlivoTransportError` saying
whether the request may have been sent.

A session belongs to the event loop it was opened in. When that loop ends
(``asyncio.run()`` returning) with the session still open, the session is closed in the
loop, before it ends (an async generator the loop finalises on shutdown), so no
connection is left for the garbage collector to warn about; a later request from another
loop raises :class:`~plivo_async.errors.EventLoopError` saying so, instead of aiohttp's
``Event loop is closed``.
"""

from __future__ import annotations

import asyncio
import base64
import sys
from collections.abc import AsyncGenerator, Mapping
from typing import Any

import aiohttp
from multidict import CIMultiDict
from yarl import URL

from ._options import ClientOptions
from ._types import ApiRequest, ApiResponse
from ._version import __version__
from .errors import (
    EventLoopError,
    PlivoConnectionError,
    PlivoError,
    PlivoTimeoutError,
    PlivoTransportError,
    ResponseTooLargeError,
    register_secret,
)
from .limits import Grant, Limits

__all__ = ["RESTAMP_AFTER", "SUCCESS", "USER_AGENT", "HTTPTransport"]

USER_AGENT = f"plivo-async/{__version__} (Python {sys.version_info[0]}.{sys.version_info[1]})"

#: The statuses that are a success (any other is an error, a 3xx included).
SUCCESS = frozenset({200, 201, 202, 204})

_URL_CACHE_SIZE = 256

#: A request whose headers are written within this long of its grant left on time
#: (the pacing margin absorbs it); later than that (a pause of the event loop, a new
#: connection), its grant is restamped. Restamping every request would cost a Redis round
#: trip each and, at 2-4 ms a time, eat the margin the pacing keeps for arrival jitter.
RESTAMP_AFTER = 0.002


class HTTPTransport:
    """The one aiohttp session of a client and its views, opened lazily.

    ``owns_session``: whether the session is this layer's to close. A session (or
    connector) the caller brought is used as it is and never closed here.
    """

    def __init__(self, options: ClientOptions, limits: Limits) -> None:
        register_secret(options.auth_id, options.auth_token)
        credentials = f"{options.auth_id}:{options.auth_token}".encode()
        # Same value as aiohttp.encode_basic_auth (3.14+), computed here for older aiohttp.
        self._headers = {
            "Authorization": "Basic " + base64.b64encode(credentials).decode("ascii"),
            "User-Agent": USER_AGENT,
            "Accept": "application/json",
        }
        self._json_headers = {**self._headers, "Content-Type": "application/json"}
        self.max_response_bytes = options.max_response_bytes
        self.session = options.session
        self.owns_session = options.session is None
        self.closed = False
        self._options = options
        self._limit = limits.max_concurrency
        self._traces = _restamp_traces(limits)
        self._urls: dict[str, URL] = {}
        #: The loop the session was opened in, and what closes it when that loop ends.
        self._loop: asyncio.AbstractEventLoop | None = None
        self._closer: AsyncGenerator[None, None] | None = None
        #: That loop ended with the session open: the client was used from outside it.
        self._orphaned = False

    @property
    def is_open(self) -> bool:
        session = self.session
        return session is not None and not session.closed and not self.closed

    def open(self) -> aiohttp.ClientSession:
        """The session, created now if there is none (or it was closed)."""
        if self.closed:
            raise PlivoError("the client is closed; open a new one (or 'async with' it again)")
        session = self.session
        if session is None or session.closed:
            if not self.owns_session:
                raise PlivoError("the aiohttp session passed as session= is closed")
            options = self._options
            connector = options.connector or aiohttp.TCPConnector(limit=self._limit)
            session = aiohttp.ClientSession(
                connector=connector,
                connector_owner=options.connector is None,
                raise_for_status=False,
                proxy=options.proxy,
                trust_env=options.trust_env,
                trace_configs=self._traces,
            )
            self.session = session
        return session

    async def reopen(self) -> None:
        """Allow requests again after :meth:`close` (``async with`` the client again), in
        this loop: a session left by a loop that has ended is replaced."""
        old = self._loop
        if self._orphaned or (
            old is not None and old is not asyncio.get_running_loop() and old.is_closed()
        ):
            self._orphaned = False
            self._loop = None
            if self.owns_session:
                self.session = None
        self.closed = False
        await self.start()

    def check_loop(self) -> None:
        """Raise :class:`EventLoopError` unless the running loop is the session's."""
        loop = asyncio.get_running_loop()
        if self._orphaned or (self._loop is not None and self._loop is not loop):
            ended = self._orphaned or (self._loop is not None and self._loop.is_closed())
            raise EventLoopError(
                "this client was opened in another event loop"
                + (", which has ended (an earlier asyncio.run())" if ended else "")
                + ": its connections belong to that loop and cannot be used from this one. "
                "Create the client inside the coroutine that uses it (async with "
                "AsyncPlivo() as client: ... in the function you pass to asyncio.run), "
                "or enter it again with 'async with client:' in each run"
            )

    async def start(self) -> aiohttp.ClientSession:
        """The session (opened now if need be), tied to the running loop.

        A session of this layer's own is closed when that loop ends, if nobody closed it.
        """
        self.check_loop()
        session = self.open()
        if self._loop is None:
            self._loop = asyncio.get_running_loop()
            if self.owns_session:
                closer = _close_at_loop_end(self)
                await closer.asend(None)  # the loop now knows it: it finalises it at the end
                self._closer = closer
        return session

    async def close(self) -> None:
        """Refuse further requests; close the session if it is this layer's."""
        self.closed = True
        closer, self._closer = self._closer, None
        if closer is not None:
            await closer.aclose()  # closes the session
        else:
            await self._close_session()

    async def _close_session(self) -> None:
        session = self.session
        self._loop = None
        if self.owns_session:
            self.session = None
            if session is not None and not session.closed:
                await session.close()

    async def send(self, request: ApiRequest, grant: Grant | None = None) -> ApiResponse:
        """Send one attempt of ``request``; its answer, whatever the status.

        ``grant``: the limiters' grant for it, restamped when the request left late.
        Raises :class:`ResponseTooLargeError` for a success over the body cap (another
        status keeps an empty body), and a :class:`PlivoTransportError` for no answer.
        """
        session = self.session
        if session is None or self.closed or self._loop is None:
            session = await self.start()
        target = self._url(request.url)
        cap = self.max_response_bytes
        try:
            async with session.request(
                request.method,
                target,
                data=request.body,
                params=request.params,
                headers=self._headers_for(request),
                allow_redirects=False,
                timeout=request.timeout,
                trace_request_ctx=grant,
            ) as resp:
                if grant is not None and grant.cold:
                    await grant.restamp()  # it has certainly arrived by now
                content = await _read_capped(resp, cap)
                if content is None:
                    resp.close()  # do not read (or keep) the rest
                    if resp.status in SUCCESS:
                        raise ResponseTooLargeError(
                            f"the answer's body is over max_response_bytes={cap}; not read further",
                            status=resp.status,
                            method=request.method,
                            path=request.path,
                            limit=cap,
                        )
                    content = b""
                return ApiResponse(resp.status, resp.headers, content)
        except (aiohttp.ClientError, asyncio.TimeoutError) as exc:
            raise _transport_error(exc, request, target) from exc

    def _headers_for(self, request: ApiRequest) -> Mapping[str, str]:
        """The client's headers, then the request's own on top (never ``Authorization``:
        :func:`~plivo_async._types.check_headers` refused it where they were given)."""
        headers = self._headers if request.body is None else self._json_headers
        if not request.headers:
            return headers
        merged = CIMultiDict(headers)
        merged.update(request.headers)
        return merged

    def _url(self, url: str) -> URL:
        """Sent as the resources encoded it, never re-normalised. Parsed once per URL: the
        hot paths (Call/, an MPC node) send to the same few URLs again and again."""
        target = self._urls.get(url)
        if target is None:
            target = URL(url, encoded=True)
            if len(self._urls) >= _URL_CACHE_SIZE:
                self._urls.clear()  # URLs with ids in them: keep the cache bounded
            self._urls[url] = target
        return target


async def _close_at_loop_end(http: HTTPTransport) -> AsyncGenerator[None, None]:
    """Suspended while the session is open; finalised by ``loop.shutdown_asyncgens()`` (which
    ``asyncio.run`` calls) if the loop ends first, or by :meth:`HTTPTransport.close`."""
    try:
        yield
    finally:
        if http._closer is not None:  # the loop is ending, and the client was not closed
            http._closer = None
            http._orphaned = True
        await http._close_session()


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


def _transport_error(exc: BaseException, request: ApiRequest, target: URL) -> PlivoTransportError:
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
        f"{request.method} {request.path}: {message} ({type(exc).__name__})",
        method=request.method,
        path=request.path,
        sent=sent,
        attempts=1,
    )


def _restamp_traces(limits: Limits) -> list[aiohttp.TraceConfig]:
    """Traces that count a request (and a call) in its window from when it really left.

    Plivo counts requests and calls when they arrive. Between the limiter's grant and the request's
    bytes on the wire lie a connection to open (TLS: round trips) or a pause of the event
    loop (a garbage collection): the grant is restamped when the headers are written more
    than ``RESTAMP_AFTER`` after it, and, for a request that opened a new connection (slow
    to reach the server the first time), once more when its response arrives. Only
    installed when the request or the CPS limiter can restamp.
    """
    if not any(getattr(limiter, "restamps", False) for limiter in (limits.requests, limits.calls)):
        return []
    trace = aiohttp.TraceConfig()
    trace.on_connection_create_end.append(_mark_cold)
    trace.on_request_headers_sent.append(_restamp)
    return [trace]


async def _mark_cold(session: object, context: Any, params: object) -> None:
    if context.trace_request_ctx is not None:
        context.trace_request_ctx.cold = True


async def _restamp(session: object, context: Any, params: object) -> None:
    if context.trace_request_ctx is not None:
        await context.trace_request_ctx.restamp(unless_within=RESTAMP_AFTER)
