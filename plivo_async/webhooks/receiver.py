"""An aiohttp receiver for Plivo callbacks: verify first, then parse, then user code.

The signature check runs before any user code and before parsing into events, so a
forged request costs one HMAC and gets a 403. The URL Plivo signed is rebuilt from the
request; behind a TLS-terminating proxy the scheme and host differ, which is what
``trust_forwarded`` (or an explicit ``base_url``) is for.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web

from plivo_async.errors import PlivoError
from plivo_async.webhooks.events import CallbackEvent, CallEvent, MPCEvent, parse_event
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
    "request_url",
    "verify_request",
    "webhook_app",
    "webhook_handler",
]

log = logging.getLogger("plivo_async")


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
    if request.method in ("GET", "HEAD"):
        return plain_params(request.query)
    if request.content_type == "application/json" or request.content_type.endswith("+json"):
        try:
            data = json.loads(await request.text())
        except ValueError as exc:
            raise InvalidSignatureError("unreadable JSON body") from exc
        if not isinstance(data, dict):
            raise InvalidSignatureError("JSON body is not an object")
        return data
    try:
        form = plain_params(await request.post())
    except UnicodeDecodeError as exc:  # Plivo's forms are UTF-8: this one is not Plivo's
        raise InvalidSignatureError("form body is not UTF-8") from exc
    if not all(isinstance(v, str) or _all_str(v) for v in form.values()):
        raise InvalidSignatureError("form body with files")
    return form


def _all_str(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(item, str) for item in value)


async def verify_request(
    request: web.BaseRequest,
    auth_token: AuthToken,
    *,
    trust_forwarded: bool = False,
    base_url: str | None = None,
    require_v3: bool = False,
) -> dict[str, Any]:
    """Check a callback's signature and return its params (query for GET, else body).

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
    return params


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


def webhook_handler(
    auth_token: AuthToken,
    on_event: OnEvent,
    *,
    trust_forwarded: bool = False,
    base_url: str | None = None,
    require_v3: bool = False,
    event_type: type[CallEvent] | type[MPCEvent] | None = None,
    observe: Observe | None = None,
) -> Callable[[web.Request], Awaitable[web.StreamResponse]]:
    """An aiohttp handler: verify (403 before any user code), parse, ``await on_event(event)``.

    ``on_event`` may return a :class:`plivo_async.xml.elements.Response` document or Plivo XML as a
    ``str`` (both served as ``application/xml``: answer URLs need it), a response, or
    ``None`` (empty 200). ``event_type`` forces one event class for a dedicated route.
    ``observe`` (e.g. a call tracker's) sees every verified event first, with its request.
    """
    if not tokens_of(auth_token):
        raise ValueError("auth_token must be a non-empty token or a sequence of them")

    async def handler(request: web.Request) -> web.StreamResponse:
        try:
            params = await verify_request(
                request,
                auth_token,
                trust_forwarded=trust_forwarded,
                base_url=base_url,
                require_v3=require_v3,
            )
        except InvalidSignatureError as exc:
            log.warning(
                "rejected Plivo callback %s %s from %s: %s",
                request.method,
                request.path,
                request.remote,
                exc,
            )
            return web.Response(status=403, text="invalid Plivo signature")
        event = parse_event(params) if event_type is None else event_type.from_params(params)
        log.debug("Plivo callback %s %s: %s", request.method, request.path, type(event).__name__)
        if observe is not None:
            observe(request, event)
        return _response(await on_event(event))

    return handler


def webhook_app(
    auth_token: AuthToken,
    on_event: OnEvent,
    *,
    trust_forwarded: bool = False,
    base_url: str | None = None,
    require_v3: bool = False,
    observe: Observe | None = None,
) -> web.Application:
    """A small app taking GET and POST callbacks on every path.

    Run it alone or mount it: ``app.add_subapp("/plivo/", webhook_app(token, on_event))``;
    then answer, ring and hangup URLs can all point below ``/plivo/``.
    """
    handler = webhook_handler(
        auth_token,
        on_event,
        trust_forwarded=trust_forwarded,
        base_url=base_url,
        require_v3=require_v3,
        observe=observe,
    )
    app = web.Application()
    app.router.add_route("GET", "/{tail:.*}", handler)
    app.router.add_route("POST", "/{tail:.*}", handler)
    return app
