"""X-Plivo-Signature-V2/V3: compute and check, bit for bit as the official SDK does.

Plivo signs every callback with HMAC-SHA256 keyed by the account's auth token, base64
encoded. v2 covers the URL without its query plus a nonce; v3 also covers the sorted
query and the POST parameters, so a captured signature cannot carry forged params. The
canonical strings reproduce ``plivo.utils`` (read, not copied) including its quirks,
because a signature that differs in one byte is useless; the differential tests hold us
to that.

Deliberate differences, all on the accepting side and none weaker: an empty auth token
never validates (an HMAC keyed with ``""`` is forgeable by anyone); several
comma-separated signatures are accepted in both headers (the SDK does so for v3 only)
with blanks around them ignored; ``method`` is case-insensitive; malformed input returns
``False`` instead of raising.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from collections.abc import Iterable, Mapping, Sequence
from typing import Any
from urllib.parse import parse_qs, urlparse, urlunparse

__all__ = [
    "SIGNATURE_V2_HEADER",
    "SIGNATURE_V2_MA_HEADER",
    "SIGNATURE_V2_NONCE_HEADER",
    "SIGNATURE_V3_HEADER",
    "SIGNATURE_V3_MA_HEADER",
    "SIGNATURE_V3_NONCE_HEADER",
    "AuthToken",
    "sign_v2",
    "sign_v3",
    "signature_headers",
    "validate_signature_v2",
    "validate_signature_v3",
]

SIGNATURE_V2_HEADER = "X-Plivo-Signature-V2"
SIGNATURE_V2_MA_HEADER = "X-Plivo-Signature-Ma-V2"  # always signed with the main account token
SIGNATURE_V2_NONCE_HEADER = "X-Plivo-Signature-V2-Nonce"
SIGNATURE_V3_HEADER = "X-Plivo-Signature-V3"
SIGNATURE_V3_MA_HEADER = "X-Plivo-Signature-Ma-V3"
SIGNATURE_V3_NONCE_HEADER = "X-Plivo-Signature-V3-Nonce"

#: One auth token, or several while a token is being rotated (any may match).
AuthToken = str | Sequence[str]


def _hmac_b64(auth_token: str, message: bytes) -> str:
    digest = hmac.new(auth_token.encode("utf-8"), message, hashlib.sha256).digest()
    return base64.b64encode(digest).decode("ascii")


def _base_url(url: str) -> tuple[str, str]:
    """Scheme, host and path (the SDK drops ``;params``, query and fragment) and the query.

    urllib on purpose: the SDK uses it too, so its edge cases (whitespace, ``;``, empty
    host), which vary between Python versions, come out the same as the SDK's.
    """
    parts = urlparse(url)
    return urlunparse((parts.scheme, parts.netloc, parts.path, "", "", "")), parts.query


def _text(value: Any) -> Any:
    """The SDK's value formatting: bytes as latin-1, numbers via ``str``, lists element-wise."""
    if isinstance(value, bytes):
        return value.decode("latin-1")
    if isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, list):
        return [_text(item) for item in value]
    return value


def _query_string(params: Mapping[Any, Any]) -> str:
    parts = []
    for key in sorted(params):
        value = params[key]
        if isinstance(value, list):
            parts.append("&".join(f"{_text(key)}={item}" for item in sorted(_text(value))))
        else:
            parts.append(f"{_text(key)}={_text(value)}")
    return "&".join(parts)


def _params_string(params: Mapping[Any, Any]) -> str:
    parts = []
    for key in sorted(params):
        value = params[key]
        if isinstance(value, list):
            parts.append("".join(f"{_text(key)}{item}" for item in sorted(_text(value))))
        elif isinstance(value, dict):
            parts.append(f"{_text(key)}{_params_string(value)}")
        else:
            parts.append(f"{_text(key)}{_text(value)}")
    return "".join(parts)


def plain_params(params: Mapping[str, Any]) -> dict[str, Any]:
    """A plain dict; a multidict's repeated keys become one list, as Plivo sends them."""
    getall = getattr(params, "getall", None)
    if getall is None:
        return dict(params)
    out: dict[str, Any] = {}
    for key in params:
        if key not in out:
            values = list(getall(key))
            out[key] = values[0] if len(values) == 1 else values
    return out


def _v3_message(method: str, url: str, params: Mapping[str, Any], nonce: str) -> bytes:
    base, query = _base_url(url)
    url_params = parse_qs(query, keep_blank_values=True)
    if method.upper() == "GET":
        merged = plain_params(params)
        merged.update(url_params)  # the URL's own query wins, as in the SDK
        query_string = _query_string(merged)
        signed = f"{base}?{query_string}" if query_string else base
    else:
        body = plain_params(params)
        query_string = _query_string(url_params)
        if body:
            dot = "." if query_string else ""
            signed = f"{base}?{query_string}{dot}{_params_string(body)}"
        else:
            signed = f"{base}?{query_string}" if query_string else base
    # The SDK formats the nonce from its UTF-8 bytes, i.e. as latin-1 text: a no-op for
    # Plivo's numeric nonces, reproduced so arbitrary nonces still agree.
    return f"{signed}.{nonce.encode('utf-8').decode('latin-1')}".encode()


def sign_v2(url: str, nonce: str, auth_token: str) -> str:
    """``X-Plivo-Signature-V2``: base64 HMAC-SHA256 of the URL without query, plus nonce."""
    base, _ = _base_url(url)
    return _hmac_b64(auth_token, (base + nonce).encode("utf-8"))


def sign_v3(method: str, url: str, params: Mapping[str, Any], nonce: str, auth_token: str) -> str:
    """``X-Plivo-Signature-V3``: covers the URL with its sorted query, the params and the nonce.

    For POST, ``params`` is the body (form fields, or a decoded JSON object); for GET it is
    merged into the URL's query (the URL's values win), so pass either the full URL and
    ``{}`` or the bare URL and the query params: both sign the same.
    """
    return _hmac_b64(auth_token, _v3_message(method, url, params, nonce))


def signature_headers(
    method: str,
    url: str,
    params: Mapping[str, Any],
    auth_token: str,
    *,
    nonce: str | None = None,
) -> dict[str, str]:
    """The v2 and v3 headers Plivo would send with this callback (for emulators and tests)."""
    if nonce is None:
        nonce = str(secrets.randbelow(10**20)).zfill(20)  # Plivo's nonces: 20 digits
    return {
        SIGNATURE_V2_HEADER: sign_v2(url, nonce, auth_token),
        SIGNATURE_V2_NONCE_HEADER: nonce,
        SIGNATURE_V3_HEADER: sign_v3(method, url, params, nonce, auth_token),
        SIGNATURE_V3_NONCE_HEADER: nonce,
    }


def tokens_of(auth_token: AuthToken) -> tuple[str, ...]:
    """The usable tokens; empty ones are dropped since anyone can sign with ``""``."""
    tokens = (auth_token,) if isinstance(auth_token, str) else tuple(auth_token)
    return tuple(token for token in tokens if token)


def _header_signatures(header: str) -> list[bytes]:
    """The signatures in a header value; anything but ASCII text is not a signature.

    aiohttp hands over undecodable header bytes as lone surrogates (``surrogateescape``),
    which no codec can encode: they are dropped here, so malformed input validates as
    ``False`` (a 403 from the receiver) instead of raising.
    """
    parts = (part.strip() for part in header.split(","))
    return [part.encode("ascii") for part in parts if part and part.isascii()]


def _any_matches(expected: Iterable[str], header: str) -> bool:
    """Compare every expected signature with every one in the header, no early exit."""
    given = _header_signatures(header)
    matched = False
    for signature in expected:
        wanted = signature.encode("ascii")
        for candidate in given:
            matched |= hmac.compare_digest(wanted, candidate)
    return matched


def validate_signature_v2(
    url: str, nonce: str | None, signature: str | None, auth_token: AuthToken
) -> bool:
    """True if ``signature`` (one or several, comma-separated) is Plivo's v2 signature."""
    tokens = tokens_of(auth_token)
    if not tokens or nonce is None or not signature:
        return False
    try:
        expected = [sign_v2(url, nonce, token) for token in tokens]
    except (TypeError, ValueError):
        return False
    return _any_matches(expected, signature)


def validate_signature_v3(
    method: str,
    url: str,
    params: Mapping[str, Any] | None,
    nonce: str | None,
    signature: str | None,
    auth_token: AuthToken,
) -> bool:
    """True if ``signature`` holds Plivo's v3 signature for one of the tokens.

    After a token rotation Plivo sends one signature per valid token, comma-separated;
    any match is enough.
    """
    tokens = tokens_of(auth_token)
    if not tokens or nonce is None or not signature:
        return False
    try:
        message = _v3_message(method, url, params or {}, nonce)
    except (TypeError, ValueError, RecursionError):  # unsortable or too deep, a bad URL
        return False
    return _any_matches((_hmac_b64(token, message) for token in tokens), signature)
