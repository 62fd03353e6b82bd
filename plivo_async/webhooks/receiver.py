"""An aiohttp receiver for Plivo callbacks: verify first, then parse, then user code.

The signature check runs before any user code and before parsing into events, so a
forged request costs one HMAC and gets a 403. The URL Plivo signed is rebuilt from the
request; behind a TLS-terminating proxy the scheme and host differ, which is what
``trust_forwarded`` (or an explicit ``base_url``) is for.

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
import json
import logging
from collections.abc import Awaitable, Callable
from typing import Any, Literal

import attrs
from aiohttp import web

from plivo_async.errors import PlivoError
from plivo_async.webhooks.events import CallbackEvent, CallEvent, MPCEvent, parse_event
from plivo_async.webhooks.nonces import MemoryNonces, NonceStore
from plivo_async.webhooks.signature import (
    SIGNATURE_V2_HEADER,
    SIGNATURE_V2_MA_HEADER,
    SIGNATURE_V2_NONCE_HEADER,
    SIGNATURE_V3_HEADER,
    SIGNATURE_V3_MA_HEADER,
    SIGNATURE_V3_NONCE_HEADER,
    AuthToken,
    plain_params,
    tokens_of,
    validate_signature_v2,
    validate_signature_v3,
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
#: The media types a callback's body may have (a body of any other is refused).
_FORMS = ("application/x-www-form-urlencoded", "multipart/form-data")
#: Plivo's JSON callbacks are flat objects: deeper ones are not Plivo's (and would cost
#: every consumer a recursion).
MAX_JSON_DEPTH = 32
#: Plivo's bodies are UTF-8: a body declared in another charset is not Plivo's.
_CHARSETS = ("utf-8", "utf8", "us-ascii", "ascii")


class InvalidSignatureError(PlivoError):
    """A callback whose signature is missing or wrong: treat it as forged."""


#: What a callback may return: a Plivo XML document (typed or as text), a response, nothing.
Reply = XMLResponse | web.StreamResponse | str | None
#: The user's callback; may return Plivo XML (a document or a ``str``) or a full response.
OnEvent = Callable[[CallbackEvent], Awaitable[Reply]]
#: Sees each verified event with its request (URL, query) before ``on_event``; e.g.
#: :meth:`plivo_async.tracking.CallTracker.observe`.
Observe = Callable[[web.Request, CallbackEvent], None]


def _first(header: str | None) -> str:
    return header.split(",")[0].strip() if header else ""


def request_url(
    request: web.BaseRequest, *, trust_forwarded: bool = False, base_url: str | None = None
) -> str:
    """The URL Plivo called, as it signed it.

    ``base_url`` (e.g. ``"https://hooks.example.com/plivo"``) is prepended to the request's
    raw path, for proxies that rewrite more than scheme and host. ``X-Forwarded-Proto`` and
    ``X-Forwarded-Host`` are honoured only with ``trust_forwarded``, since anyone can send
    them when the app is reachable directly.
    """
    if base_url is not None:
        return base_url.rstrip("/") + request.raw_path
    scheme, host = request.scheme, request.host
    if trust_forwarded:
        proto = _first(request.headers.get("X-Forwarded-Proto")).lower()
        if proto in ("http", "https"):
            scheme = proto
        forwarded_host = _first(request.headers.get("X-Forwarded-Host"))
        if forwarded_host and not any(c in forwarded_host for c in "/?#@ \t"):
            host = forwarded_host
    return f"{scheme}://{host}{request.raw_path}"


async def _read_params(request: web.BaseRequest) -> dict[str, Any]:
    """The params of a request (query for GET, else the body), or InvalidSignatureError for
    a body that is not a callback's; a body too large stays aiohttp's 413."""
    if request.method in ("GET", "HEAD"):
        return plain_params(request.query)
    try:
        return await _read_body(request)
    except (InvalidSignatureError, web.HTTPException):
        raise
    except Exception as exc:  # a hostile body: a parser's error, whatever its type
        raise InvalidSignatureError(f"unreadable body ({type(exc).__name__})") from exc


async def _read_body(request: web.BaseRequest) -> dict[str, Any]:
    content_type = request.content_type
    if (request.charset or "utf-8").lower() not in _CHARSETS:
        raise InvalidSignatureError(f"a body in {request.charset!r}, not UTF-8")
    if content_type == "application/json" or content_type.endswith("+json"):
        try:
            data = json.loads(await request.text())
        except (ValueError, RecursionError) as exc:
            raise InvalidSignatureError("unreadable JSON body") from exc
        if not isinstance(data, dict):
            raise InvalidSignatureError("JSON body is not an object")
        if not _nested_within(data, MAX_JSON_DEPTH):
            raise InvalidSignatureError(f"JSON body nested deeper than {MAX_JSON_DEPTH}")
        return data
    if content_type not in _FORMS:
        if await request.read():
            raise InvalidSignatureError(f"a body of type {content_type!r}")
        return {}
    try:
        form = plain_params(await request.post())
    except UnicodeDecodeError as exc:  # Plivo's forms are UTF-8: this one is not Plivo's
        raise InvalidSignatureError("form body is not UTF-8") from exc
    if not all(isinstance(v, str) or _all_str(v) for v in form.values()):
        raise InvalidSignatureError("form body with files")
    return form


def _nested_within(data: Any, depth: int) -> bool:
    """Whether ``data`` nests at most ``depth`` lists and objects (checked without recursion)."""
    level: list[Any] = [data]
    while level and depth >= 0:
        depth -= 1
        inner: list[Any] = []
        for value in level:
            if isinstance(value, dict):
                inner.extend(value.values())
            elif isinstance(value, list):
                inner.extend(value)
        level = [value for value in inner if isinstance(value, (dict, list))]
    return not level


def _all_str(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(item, str) for item in value)


@attrs.frozen
class VerifiedCallback:
    """A callback whose signature checked out.

    ``params_signed``: the signature covers ``params`` (v3 does, query and body; v2 signs
    only the URL without its query, and the nonce, so its params could be anyone's).
    """

    params: dict[str, Any] = attrs.field(repr=False)
    version: Literal["v2", "v3"]
    nonce: str
    params_signed: bool


async def verify_request(
    request: web.BaseRequest,
    auth_token: AuthToken,
    *,
    trust_forwarded: bool = False,
    base_url: str | None = None,
    require_v3: bool = False,
) -> dict[str, Any]:
    """Check a callback's signature and return its params (query for GET, else body).

    :func:`verify_callback` says more: which signature, its nonce, what it covers.
    """
    verified = await verify_callback(
        request,
        auth_token,
        trust_forwarded=trust_forwarded,
        base_url=base_url,
        require_v3=require_v3,
    )
    return verified.params


async def verify_callback(
    request: web.BaseRequest,
    auth_token: AuthToken,
    *,
    trust_forwarded: bool = False,
    base_url: str | None = None,
    require_v3: bool = False,
) -> VerifiedCallback:
    """Check a callback's signature; its params (query for GET, else body), the signature
    version and nonce, and whether the signature covers the params.

    v3 is checked when any v3 header is present, without falling back to v2: v2 does not
    cover the body, so a replayed v2 signature could carry forged params. Raises
    :class:`InvalidSignatureError`.
    """
    headers = request.headers
    v3 = [headers[h] for h in (SIGNATURE_V3_HEADER, SIGNATURE_V3_MA_HEADER) if h in headers]
    v2 = [headers[h] for h in (SIGNATURE_V2_HEADER, SIGNATURE_V2_MA_HEADER) if h in headers]
    use_v3 = bool(v3) or SIGNATURE_V3_NONCE_HEADER in headers
    if not use_v3 and (require_v3 or not v2):  # refuse before reading any body
        raise InvalidSignatureError("no v3 signature" if require_v3 else "unsigned request")
    params = await _read_params(request)
    url = request_url(request, trust_forwarded=trust_forwarded, base_url=base_url)
    if use_v3:
        signed = {} if request.method in ("GET", "HEAD") else params
        nonce = headers.get(SIGNATURE_V3_NONCE_HEADER)
        ok = any(
            validate_signature_v3(request.method, url, signed, nonce, sig, auth_token) for sig in v3
        )
    else:
        nonce = headers.get(SIGNATURE_V2_NONCE_HEADER)
        ok = any(validate_signature_v2(url, nonce, sig, auth_token) for sig in v2)
    if not ok:
        raise InvalidSignatureError(f"{'v3' if use_v3 else 'v2'} signature does not match")
    assert nonce is not None  # no signature matches without one
    return VerifiedCallback(params, "v3" if use_v3 else "v2", nonce, params_signed=use_v3)


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
    trust_forwarded: bool = False,
    base_url: str | None = None,
    require_v3: bool = False,
    event_type: type[CallEvent] | type[MPCEvent] | None = None,
    observe: Observe | None = None,
    body_timeout: float = BODY_TIMEOUT,
    nonces: NonceStore | bool = True,
) -> Callable[[web.Request], Awaitable[web.StreamResponse]]:
    """An aiohttp handler: verify (403 before any user code), parse, ``await on_event(event)``.

    ``on_event`` may return a :class:`plivo_async.xml.elements.Response` document or Plivo XML as a
    ``str`` (both served as ``application/xml``: answer URLs need it), a response, or
    ``None`` (empty 200). ``event_type`` forces one event class for a dedicated route.
    ``observe`` (e.g. a call tracker's) sees every verified event first, with its request;
    ``event.params_signed`` says whether the signature covered the event's params.

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

    async def handler(request: web.Request) -> web.StreamResponse:
        try:
            verified = await asyncio.wait_for(
                verify_callback(
                    request,
                    auth_token,
                    trust_forwarded=trust_forwarded,
                    base_url=base_url,
                    require_v3=require_v3,
                ),
                body_timeout,
            )
        except InvalidSignatureError as exc:
            return _rejected(request, exc)
        except asyncio.TimeoutError:
            log.warning("Plivo callback %s %s: body not read in time", request.method, request.path)
            raise web.HTTPRequestTimeout(text="body not received in time") from None
        if store is not None and not await store.claim(verified.nonce):
            return _rejected(request, f"{verified.version} nonce seen before (a replay)")
        params = verified.params
        event = parse_event(params) if event_type is None else event_type.from_params(params)
        if verified.params_signed:
            event = attrs.evolve(event, params_signed=True)
        log.debug("Plivo callback %s %s: %s", request.method, request.path, type(event).__name__)
        try:
            if observe is not None:
                observe(request, event)
            return _response(await on_event(event))
        except BaseException:
            if store is not None:  # not handled: Plivo's retry must be served
                await store.release(verified.nonce)
            raise

    return handler


def webhook_app(
    auth_token: AuthToken,
    on_event: OnEvent,
    *,
    trust_forwarded: bool = False,
    base_url: str | None = None,
    require_v3: bool = False,
    observe: Observe | None = None,
    body_timeout: float = BODY_TIMEOUT,
    max_body_size: int = MAX_BODY_SIZE,
    nonces: NonceStore | bool = True,
) -> web.Application:
    """A small app taking GET and POST callbacks on every path.

    Run it alone or mount it: ``app.add_subapp("/plivo/", webhook_app(token, on_event))``;
    then answer, ring and hangup URLs can all point below ``/plivo/``. Options as for
    :func:`webhook_handler`; a body over ``max_body_size`` bytes is a 413 (when this is
    the app served: a mounted app takes its parent's ``client_max_size``). Serve it with
    :func:`plivo_async.webhooks.server.serve` (or give ``AppRunner`` a
    ``keepalive_timeout``: it is also how long aiohttp waits for a request's headers).
    """
    handler = webhook_handler(
        auth_token,
        on_event,
        trust_forwarded=trust_forwarded,
        base_url=base_url,
        require_v3=require_v3,
        observe=observe,
        body_timeout=body_timeout,
        nonces=nonces,
    )
    app = web.Application(client_max_size=max_body_size)
    app.router.add_route("GET", "/{tail:.*}", handler)
    app.router.add_route("POST", "/{tail:.*}", handler)
    return app
