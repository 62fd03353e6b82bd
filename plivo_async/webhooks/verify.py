"""Verify a Plivo callback in any framework: method, URL, headers and body in, a typed event out.

Every adapter (the aiohttp receiver, the Starlette/FastAPI dependency) is this one path
with a way to read a request. The signature is checked before the body is parsed into an
event and before any user code; v3 when any v3 header is present, without falling back
to v2 (v2 does not cover the params, so a replayed v2 signature could carry forged ones).
A body that is not a well-formed callback (unreadable JSON, nested past
``MAX_JSON_DEPTH``, not UTF-8, files, another content type) is refused as a forgery would
be: :class:`InvalidSignatureError`, never a parser's own error.
"""

from __future__ import annotations

import email.parser
import json
from collections.abc import Callable, Iterable, Mapping
from email.message import Message
from typing import Any, Literal
from urllib.parse import parse_qsl, urlsplit

import attrs

from plivo_async.errors import PlivoError
from plivo_async.webhooks.events import CallbackEvent, CallEvent, MPCEvent, parse_event
from plivo_async.webhooks.nonces import NonceStore
from plivo_async.webhooks.signature import (
    SIGNATURE_V2_HEADER,
    SIGNATURE_V2_MA_HEADER,
    SIGNATURE_V2_NONCE_HEADER,
    SIGNATURE_V3_HEADER,
    SIGNATURE_V3_MA_HEADER,
    SIGNATURE_V3_NONCE_HEADER,
    AuthToken,
    tokens_of,
    validate_signature_v2,
    validate_signature_v3,
)

__all__ = [
    "MAX_JSON_DEPTH",
    "EventType",
    "Headers",
    "InvalidSignatureError",
    "VerifiedCallback",
    "check_callback",
    "claim_nonce",
    "header_lookup",
    "signed_headers_present",
    "verify",
]

#: Plivo's JSON callbacks are flat objects: deeper ones are not Plivo's (and would cost
#: every consumer a recursion).
MAX_JSON_DEPTH = 32
#: The media types a callback's body may have (a body of any other is refused).
_FORMS = ("application/x-www-form-urlencoded", "multipart/form-data")
#: Plivo's bodies are UTF-8: a body declared in another charset is not Plivo's.
_CHARSETS = ("utf-8", "utf8", "us-ascii", "ascii")
_NO_BODY = ("GET", "HEAD")

#: A request's headers: any mapping (names in any case) or ``(name, value)`` pairs; the
#: first value of a repeated header counts.
Headers = Mapping[str, str] | Iterable[tuple[str, str]]
#: Forces one event class (a dedicated route); ``None`` picks it from the params.
EventType = type[CallEvent] | type[MPCEvent] | None


class InvalidSignatureError(PlivoError):
    """A callback whose signature is missing or wrong (or a replay): treat it as forged."""


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

    def event(self, event_type: EventType = None) -> CallbackEvent:
        """The typed event, marked with what the signature covered and its nonce."""
        params = self.params
        event = parse_event(params) if event_type is None else event_type.from_params(params)
        return attrs.evolve(event, params_signed=self.params_signed, nonce=self.nonce)


def header_lookup(headers: Headers) -> Callable[[str], str | None]:
    """``get(lower_case_name)`` over ``headers``, whatever their shape."""
    pairs = headers.items() if isinstance(headers, Mapping) else headers
    first: dict[str, str] = {}
    for name, value in pairs:
        first.setdefault(name.lower(), value)
    return first.get


def _values(get: Callable[[str], str | None], *names: str) -> list[str]:
    return [value for value in map(get, (name.lower() for name in names)) if value is not None]


def signed_headers_present(get: Callable[[str], str | None], *, require_v3: bool = False) -> None:
    """Refuse a request with no signature at all before its body is read."""
    v3 = _values(get, SIGNATURE_V3_HEADER, SIGNATURE_V3_MA_HEADER, SIGNATURE_V3_NONCE_HEADER)
    if v3:
        return
    if require_v3:
        raise InvalidSignatureError("no v3 signature")
    if not _values(get, SIGNATURE_V2_HEADER, SIGNATURE_V2_MA_HEADER):
        raise InvalidSignatureError("unsigned request")


def _pairs_to_params(pairs: Iterable[tuple[str, Any]]) -> dict[str, Any]:
    """Repeated keys become one list, as Plivo sends them."""
    params: dict[str, Any] = {}
    for key, value in pairs:
        if key not in params:
            params[key] = value
        elif isinstance(params[key], list):
            params[key].append(value)
        else:
            params[key] = [params[key], value]
    return params


def _content_type(value: str) -> tuple[str, dict[str, str]]:
    media, _, rest = value.partition(";")
    params = {}
    for item in rest.split(";"):
        key, eq, val = item.partition("=")
        if eq:
            params[key.strip().lower()] = val.strip().strip('"')
    return media.strip().lower(), params


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


def _json(body: bytes) -> dict[str, Any]:
    try:
        data = json.loads(body.decode("utf-8"))
    except (ValueError, RecursionError) as exc:
        raise InvalidSignatureError("unreadable JSON body") from exc
    if not isinstance(data, dict):
        raise InvalidSignatureError("JSON body is not an object")
    if not _nested_within(data, MAX_JSON_DEPTH):
        raise InvalidSignatureError(f"JSON body nested deeper than {MAX_JSON_DEPTH}")
    return data


def _multipart(content_type: str, body: bytes) -> dict[str, Any]:
    head = f"Content-Type: {content_type}\r\n\r\n".encode("utf-8", "surrogateescape")
    message = email.parser.BytesParser().parsebytes(head + body)
    if not message.is_multipart() or message.defects:
        raise InvalidSignatureError("unreadable multipart body")
    pairs = []
    for part in message.get_payload():
        assert isinstance(part, Message)
        name = part.get_param("name", header="content-disposition")
        if part.get_content_disposition() != "form-data" or not isinstance(name, str):
            raise InvalidSignatureError("a multipart part that is not a form field")
        if part.get_filename() is not None:
            raise InvalidSignatureError("form body with files")
        payload = part.get_payload(decode=True)
        assert isinstance(payload, bytes)
        pairs.append((name, payload.decode("utf-8")))
    return _pairs_to_params(pairs)


def _body_params(content_type: str, body: bytes) -> dict[str, Any]:
    media, options = _content_type(content_type)
    if options.get("charset", "utf-8").lower() not in _CHARSETS:
        raise InvalidSignatureError(f"a body in {options['charset']!r}, not UTF-8")
    if media == "application/json" or media.endswith("+json"):
        return _json(body)
    if media == "multipart/form-data":
        return _multipart(content_type, body)
    if media not in _FORMS:
        if body:
            raise InvalidSignatureError(f"a body of type {media or 'none'!r}")
        return {}
    try:
        text = body.decode("utf-8").rstrip()
    except UnicodeDecodeError as exc:  # Plivo's forms are UTF-8: this one is not Plivo's
        raise InvalidSignatureError("form body is not UTF-8") from exc
    return _pairs_to_params(parse_qsl(text, keep_blank_values=True))


def _read_params(method: str, url: str, content_type: str, body: bytes) -> dict[str, Any]:
    """A callback's params: the URL's query for GET, else the body."""
    if method.upper() in _NO_BODY:
        return _pairs_to_params(parse_qsl(urlsplit(url).query, keep_blank_values=True))
    try:
        return _body_params(content_type, body)
    except InvalidSignatureError:
        raise
    except Exception as exc:  # a hostile body: a parser's error, whatever its type
        raise InvalidSignatureError(f"unreadable body ({type(exc).__name__})") from exc


def check_callback(
    method: str,
    url: str,
    headers: Headers,
    body: bytes,
    auth_token: AuthToken,
    *,
    require_v3: bool = False,
) -> VerifiedCallback:
    """The signature check without the nonce: its params, version, nonce and coverage.

    Raises :class:`InvalidSignatureError`.
    """
    get = header_lookup(headers)
    signed_headers_present(get, require_v3=require_v3)
    params = _read_params(method, url, get("content-type") or "", body)
    v3 = _values(get, SIGNATURE_V3_HEADER, SIGNATURE_V3_MA_HEADER)
    use_v3 = bool(v3) or get(SIGNATURE_V3_NONCE_HEADER.lower()) is not None
    if use_v3:
        signed = {} if method.upper() in _NO_BODY else params
        nonce = get(SIGNATURE_V3_NONCE_HEADER.lower())
        ok = any(validate_signature_v3(method, url, signed, nonce, sig, auth_token) for sig in v3)
    else:
        v2 = _values(get, SIGNATURE_V2_HEADER, SIGNATURE_V2_MA_HEADER)
        nonce = get(SIGNATURE_V2_NONCE_HEADER.lower())
        ok = any(validate_signature_v2(url, nonce, sig, auth_token) for sig in v2)
    if not ok:
        raise InvalidSignatureError(f"{'v3' if use_v3 else 'v2'} signature does not match")
    assert nonce is not None  # no signature matches without one
    return VerifiedCallback(params, "v3" if use_v3 else "v2", nonce, params_signed=use_v3)


async def claim_nonce(nonces: NonceStore | None, verified: VerifiedCallback) -> None:
    """Refuse a callback whose nonce was accepted before (a replay)."""
    if nonces is not None and not await nonces.claim(verified.nonce):
        raise InvalidSignatureError(f"{verified.version} nonce seen before (a replay)")


async def verify(
    method: str,
    url: str,
    headers: Headers,
    body: bytes,
    auth_token: AuthToken,
    *,
    nonces: NonceStore | None,
    require_v3: bool = False,
    event_type: EventType = None,
) -> CallbackEvent:
    """Check a callback and return its typed event; raises :class:`InvalidSignatureError`.

    ``url`` is the URL Plivo called (the public one, with its query: see
    :func:`~plivo_async.webhooks.urls.public_request_url` behind a proxy); ``headers`` in
    any case; ``body`` the raw bytes (ignored for GET, whose params are in the query): a
    form, or JSON. Main-account (``-Ma-``) signatures are checked against the same tokens.
    ``nonces`` keeps the nonces accepted, so a replay is refused: one store for the
    process's lifetime (a :class:`~plivo_async.webhooks.nonces.MemoryNonces`, or
    :class:`~plivo_async.webhooks.nonces.RedisNonces` shared by several processes), or
    ``None`` to take replays. When handling the event fails, ``await
    nonces.release(event.nonce)`` lets Plivo's retry through.
    """
    if not tokens_of(auth_token):
        raise ValueError("auth_token must be a non-empty token or a sequence of them")
    verified = check_callback(method, url, headers, body, auth_token, require_v3=require_v3)
    await claim_nonce(nonces, verified)
    return verified.event(event_type)
