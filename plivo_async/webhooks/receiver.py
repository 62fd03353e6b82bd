"""An aiohttp receiver for Plivo callbacks: verify first, then parse, then user code.

An adapter over :func:`plivo_async.webhooks.verify.verify`: the signature check runs
before any user code and before parsing into events, so a forged request costs one HMAC
and gets a 403. The URL Plivo signed is rebuilt from the request; behind a proxy or TLS
terminator pass ``public_url`` (what Plivo calls) or ``trusted_proxies`` (whose
forwarded headers are believed): see :mod:`plivo_async.webhooks.urls`.

Every body that is not a well-formed callback (unreadable JSON, nested past the parser's
depth, not UTF-8, files, another content type) is a 403, a body over ``max_body_size`` a
413, one not read within ``body_timeout`` a 408: never a 500. A verified callback's nonce
is claimed in a :class:`~plivo_async.webhooks.nonces.NonceStore`: a replay is a 403.
Each event says whether its signature covered its params (``event.params_signed``): a v2
signature covers only the URL (without its query) and the nonce, so the params of a
v2-only callback are anyone's.
"""

from __future__ import annotations

import asyncio
import logging
import warnings
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web

from plivo_async.webhooks.events import CallbackEvent
from plivo_async.webhooks.nonces import MemoryNonces, NonceStore
from plivo_async.webhooks.signature import AuthToken, tokens_of
from plivo_async.webhooks.urls import Proxies, TrustedProxies, public_request_url
from plivo_async.webhooks.verify import (
    EventType,
    InvalidSignatureError,
    VerifiedCallback,
    check_callback,
    header_lookup,
    signed_headers_present,
    verify,
)
from plivo_async.xml import Response as XMLResponse

__all__ = [
    "InvalidSignatureError",
    "Observe",
    "OnEvent",
    "Reply",
    "VerifiedCallback",
    "request_url",
    "verify_callback",
    "verify_request",
    "webhook_app",
    "webhook_handler",
]

log = logging.getLogger("plivo_async")

#: Seconds a request's body may take to arrive (a callback's is a few hundred bytes).
BODY_TIMEOUT = 10.0
#: The largest body taken (413 beyond): aiohttp's default.
MAX_BODY_SIZE = 1 << 20

#: What a callback may return: a Plivo XML document (typed or as text), a response, nothing.
Reply = XMLResponse | web.StreamResponse | str | None
#: The user's callback; may return Plivo XML (a document or a ``str``) or a full response.
OnEvent = Callable[[CallbackEvent], Awaitable[Reply]]
#: Sees each verified event with its request (URL, query) before ``on_event``; e.g.
#: :meth:`plivo_async.tracking.CallTracker.observe`.
Observe = Callable[[web.Request, CallbackEvent], None]


def _where(
    public_url: str | None,
    trusted_proxies: Proxies | TrustedProxies,
    base_url: str | None,
    trust_forwarded: bool,
) -> tuple[str | None, TrustedProxies]:
    """``public_url`` and the trusted proxies, from the options old and new."""
    if base_url is not None:
        warnings.warn(
            "base_url= is now public_url= (the same meaning)", DeprecationWarning, stacklevel=3
        )
        if public_url is not None:
            raise ValueError("pass public_url= only (base_url= is its old name)")
        public_url = base_url
    if trust_forwarded:
        warnings.warn(
            "trust_forwarded=True believes forwarded headers from anyone who can connect;"
            " pass trusted_proxies=[...] (your proxies' addresses) instead",
            DeprecationWarning,
            stacklevel=3,
        )
        trusted_proxies = ["0.0.0.0/0", "::/0"]
    if isinstance(trusted_proxies, TrustedProxies):
        return public_url, trusted_proxies
    return public_url, TrustedProxies(trusted_proxies)


def request_url(
    request: web.BaseRequest,
    *,
    public_url: str | None = None,
    trusted_proxies: Proxies | TrustedProxies = (),
    trust_forwarded: bool = False,
    base_url: str | None = None,
) -> str:
    """The URL Plivo called, as it signed it.

    ``public_url`` (e.g. ``"https://hooks.example.com/plivo"``) is prepended to the
    request's raw path and query, for proxies that rewrite more than scheme and host.
    ``Forwarded``, ``X-Forwarded-Proto`` and ``X-Forwarded-Host`` are honoured only from a
    peer in ``trusted_proxies``, since anyone can send them when the app is reachable
    directly. ``base_url`` and ``trust_forwarded`` (anyone's forwarded headers) are
    deprecated.
    """
    public_url, trusted = _where(public_url, trusted_proxies, base_url, trust_forwarded)
    return public_request_url(
        request.scheme,
        request.host,
        request.raw_path,
        headers=header_lookup(request.headers),
        peer=request.remote,
        public_url=public_url,
        trusted_proxies=trusted,
    )


async def verify_request(
    request: web.BaseRequest,
    auth_token: AuthToken,
    *,
    public_url: str | None = None,
    trusted_proxies: Proxies | TrustedProxies = (),
    require_v3: bool = False,
    trust_forwarded: bool = False,
    base_url: str | None = None,
) -> dict[str, Any]:
    """Check a callback's signature and return its params (query for GET, else body).

    :func:`verify_callback` says more: which signature, its nonce, what it covers.
    """
    verified = await verify_callback(
        request,
        auth_token,
        public_url=public_url,
        trusted_proxies=trusted_proxies,
        require_v3=require_v3,
        trust_forwarded=trust_forwarded,
        base_url=base_url,
    )
    return verified.params


async def verify_callback(
    request: web.BaseRequest,
    auth_token: AuthToken,
    *,
    public_url: str | None = None,
    trusted_proxies: Proxies | TrustedProxies = (),
    require_v3: bool = False,
    trust_forwarded: bool = False,
    base_url: str | None = None,
) -> VerifiedCallback:
    """Check a callback's signature; its params (query for GET, else body), the signature
    version and nonce, and whether the signature covers the params.

    :func:`~plivo_async.webhooks.verify.check_callback` on this request: v3 when any v3
    header is present, without falling back to v2. Raises :class:`InvalidSignatureError`
    (a body too large stays aiohttp's 413). Does not claim the nonce.
    """
    public_url, trusted = _where(public_url, trusted_proxies, base_url, trust_forwarded)
    url, body = await _signed_request(request, public_url, trusted, require_v3)
    return check_callback(
        request.method, url, request.headers, body, auth_token, require_v3=require_v3
    )


async def _signed_request(
    request: web.BaseRequest, public_url: str | None, trusted: TrustedProxies, require_v3: bool
) -> tuple[str, bytes]:
    """The URL Plivo signed and the body; an unsigned request is refused before its body
    is read."""
    signed_headers_present(header_lookup(request.headers), require_v3=require_v3)
    body = b"" if request.method in ("GET", "HEAD") else await _read(request)
    return request_url(request, public_url=public_url, trusted_proxies=trusted), body


async def _read(request: web.BaseRequest) -> bytes:
    """The body; one too large stays aiohttp's 413, one that breaks the reader a forgery."""
    try:
        return await request.read()
    except web.HTTPException:
        raise
    except Exception as exc:
        raise InvalidSignatureError(f"unreadable body ({type(exc).__name__})") from exc


def _response(result: Reply) -> web.StreamResponse:
    if result is None:
        return web.Response()
    if isinstance(result, XMLResponse):
        result = result.to_xml()
    if isinstance(result, str):
        return web.Response(text=result, content_type="application/xml")
    if isinstance(result, web.StreamResponse):
        return result
    raise TypeError(
        f"on_event returned {type(result).__name__}; want a plivo_async.xml.Response, str,"
        " aiohttp response or None"
    )


def _nonce_store(nonces: NonceStore | bool) -> NonceStore | None:
    if nonces is True:
        return MemoryNonces()
    return None if nonces is False else nonces


def _rejected(request: web.BaseRequest, reason: object) -> web.Response:
    log.warning(
        "rejected Plivo callback %s %s from %s: %s",
        request.method,
        request.path,
        request.remote,
        reason,
    )
    return web.Response(status=403, text="invalid Plivo signature")


def webhook_handler(
    auth_token: AuthToken,
    on_event: OnEvent,
    *,
    public_url: str | None = None,
    trusted_proxies: Proxies = (),
    require_v3: bool = False,
    event_type: EventType = None,
    observe: Observe | None = None,
    body_timeout: float = BODY_TIMEOUT,
    nonces: NonceStore | bool = True,
    trust_forwarded: bool = False,
    base_url: str | None = None,
) -> Callable[[web.Request], Awaitable[web.StreamResponse]]:
    """An aiohttp handler: verify (403 before any user code), parse, ``await on_event(event)``.

    ``on_event`` may return a :class:`plivo_async.xml.elements.Response` document or Plivo XML as a
    ``str`` (both served as ``application/xml``: answer URLs need it), a response, or
    ``None`` (empty 200). ``event_type`` forces one event class for a dedicated route.
    ``observe`` (e.g. a call tracker's) sees every verified event first, with its request;
    ``event.params_signed`` says whether the signature covered the event's params.
    ``public_url`` and ``trusted_proxies``: the URL Plivo called, as for :func:`request_url`.

    A body not read within ``body_timeout`` seconds is a 408. ``nonces``: where the nonces
    of accepted callbacks are kept, to refuse a replay (403); ``True`` (the default) is a
    :class:`~plivo_async.webhooks.nonces.MemoryNonces` of this handler's own, ``False``
    takes replays. A nonce is released when ``observe`` or ``on_event`` raises.
    """
    if not tokens_of(auth_token):
        raise ValueError("auth_token must be a non-empty token or a sequence of them")
    if not body_timeout > 0:
        raise ValueError(f"body_timeout must be > 0 (got {body_timeout!r})")
    store = _nonce_store(nonces)
    public_url, trusted = _where(public_url, trusted_proxies, base_url, trust_forwarded)

    async def handler(request: web.Request) -> web.StreamResponse:
        try:
            url, body = await asyncio.wait_for(
                _signed_request(request, public_url, trusted, require_v3), body_timeout
            )
            event = await verify(
                request.method,
                url,
                request.headers,
                body,
                auth_token,
                nonces=store,
                require_v3=require_v3,
                event_type=event_type,
            )
        except InvalidSignatureError as exc:
            return _rejected(request, exc)
        except asyncio.TimeoutError:
            log.warning("Plivo callback %s %s: body not read in time", request.method, request.path)
            raise web.HTTPRequestTimeout(text="body not received in time") from None
        log.debug("Plivo callback %s %s: %s", request.method, request.path, type(event).__name__)
        try:
            if observe is not None:
                observe(request, event)
            return _response(await on_event(event))
        except BaseException:
            if store is not None and event.nonce is not None:  # not handled: serve the retry
                await store.release(event.nonce)
            raise

    return handler


def webhook_app(
    auth_token: AuthToken,
    on_event: OnEvent,
    *,
    public_url: str | None = None,
    trusted_proxies: Proxies = (),
    require_v3: bool = False,
    observe: Observe | None = None,
    body_timeout: float = BODY_TIMEOUT,
    max_body_size: int = MAX_BODY_SIZE,
    nonces: NonceStore | bool = True,
    trust_forwarded: bool = False,
    base_url: str | None = None,
) -> web.Application:
    """A small app taking GET and POST callbacks on every path.

    Run it alone or mount it: ``app.add_subapp("/plivo/", webhook_app(token, on_event))``;
    then answer, ring and hangup URLs can all point below ``/plivo/``. Options as for
    :func:`webhook_handler`; a body over ``max_body_size`` bytes is a 413 (when this is
    the app served: a mounted app takes its parent's ``client_max_size``). Serve it with
    :func:`plivo_async.webhooks.server.serve` (or give ``AppRunner`` a
    ``keepalive_timeout``: it is also how long aiohttp waits for a request's headers).
    """
    public_url, trusted = _where(public_url, trusted_proxies, base_url, trust_forwarded)
    handler = webhook_handler(
        auth_token,
        on_event,
        public_url=public_url,
        trusted_proxies=trusted.networks,
        require_v3=require_v3,
        observe=observe,
        body_timeout=body_timeout,
        nonces=nonces,
    )
    app = web.Application(client_max_size=max_body_size)
    app.router.add_route("GET", "/{tail:.*}", handler)
    app.router.add_route("POST", "/{tail:.*}", handler)
    return app
