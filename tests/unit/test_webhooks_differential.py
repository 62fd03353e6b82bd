"""Differential: our v2/v3 signatures equal the official ``plivo`` SDK's, bit for bit.

The SDK is imported here only, as the reference. Where it raises (it parses URLs as
ASCII bytes, so non-ASCII URLs and percent-escapes that decode to non-ASCII make it
fail) there is nothing to compare; those inputs are skipped, but we must not raise.
"""

from __future__ import annotations

import copy
import string
from typing import Any

from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st
from plivo.exceptions import ValidationError as PlivoValidationError  # type: ignore[import-untyped]
from plivo.utils import validate_signature as sdk_validate_v2  # type: ignore[import-untyped]
from plivo.utils.signature_v3 import (  # type: ignore[import-untyped]
    construct_get_url,
    construct_post_url,
    get_signature_v3,
    validate_v3_signature,
)

from plivo_async.webhooks import sign_v2, sign_v3, validate_signature_v2, validate_signature_v3

SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
FEWER = settings(SETTINGS, max_examples=100)

URL_CHARS = string.ascii_letters + string.digits + "-._~!$'()*,;:@/+= "
PERCENT = st.sampled_from(["%20", "%2F", "%3D", "%26", "%2B", "%25", "%41", "%7e", "%C3%A9", "%zz"])


def url_piece(alphabet: str) -> st.SearchStrategy[str]:
    return st.lists(st.one_of(st.text(alphabet, max_size=6), PERCENT), max_size=4).map("".join)


@st.composite
def urls(draw: st.DrawFn, schemes: tuple[str, ...] = ("http", "https", "HTTPS")) -> str:
    """Realistic callback URLs: ports, ``;params``, escapes, repeated and blank query keys."""
    scheme = draw(st.sampled_from(schemes))
    host = draw(st.from_regex(r"[a-z0-9]([a-z0-9.-]{0,20}[a-z0-9])?", fullmatch=True))
    port = draw(st.sampled_from(["", ":443", ":8080", ":"]))
    path = "/".join(draw(st.lists(url_piece(URL_CHARS.replace("/", "")), max_size=4)))
    url = f"{scheme}://{host}{port}/{path}"
    if draw(st.booleans()):
        keys = st.sampled_from(["a", "b", "A", "CallUUID", "x y", "k%20", ""]) | url_piece("abc=")
        pairs = draw(st.lists(st.tuples(keys, url_piece(URL_CHARS + "?")), max_size=5))
        url += "?" + "&".join(f"{k}={v}" if v or draw(st.booleans()) else k for k, v in pairs)
    if draw(st.booleans()):
        url += "#" + draw(url_piece(URL_CHARS))
    return url


# Anything after a plausible scheme and host: whitespace, controls, brackets, unicode.
wild_urls = st.builds(
    lambda scheme, host, rest: f"{scheme}://{host}{rest}",
    st.sampled_from(["http", "https"]),
    st.text(string.ascii_lowercase, min_size=1, max_size=5),
    st.text(max_size=40),
)

texts = st.text(max_size=12)
scalars = st.one_of(
    texts, st.integers(), st.booleans(), st.floats(allow_nan=False), st.binary(max_size=6)
)
values = st.one_of(scalars, st.lists(st.one_of(texts, st.integers(), st.binary()), max_size=4))
get_params = st.dictionaries(texts, values, max_size=6)
post_params = st.dictionaries(
    texts,
    st.one_of(values, st.dictionaries(texts, st.one_of(values, st.dictionaries(texts, texts)))),
    max_size=6,
)
nonces = st.one_of(st.from_regex(r"[0-9]{20}", fullmatch=True), st.text(max_size=24))
tokens = st.text(min_size=1, max_size=40)


def sdk_sign_v3(method: str, url: str, params: dict[str, Any], nonce: str, token: str) -> str:
    """The SDK's own v3 signature, assembled from its public helpers."""
    params = copy.deepcopy(params)  # the SDK mutates GET params
    build = construct_get_url if method == "GET" else construct_post_url
    base = build(url, params)
    signature: bytes = get_signature_v3(token.encode(), base.decode(), nonce.encode())
    return signature.decode()


def sdk_or_skip(fn: Any, *args: Any, **kwargs: Any) -> Any:
    """Call the SDK; if it refuses the input (bad URL for its parser or its URL regex),
    there is nothing to compare."""
    try:
        return fn(*args, **kwargs)
    except (UnicodeError, ValueError, PlivoValidationError):
        assume(False)


@SETTINGS
@given(url=st.one_of(urls(), wild_urls), nonce=nonces, token=tokens)
@example(url="https://example.com/answer/", nonce="05429567804466091622", token="tok")
def test_v2_matches_sdk(url: str, nonce: str, token: str) -> None:
    try:
        sdk_validate_v2(url, nonce, "x", token)
    except (UnicodeError, ValueError):
        assert not validate_signature_v2(url, nonce, "x", token)  # refused, not raised
        assume(False)
    ours = sign_v2(url, nonce, token)
    assert sdk_validate_v2(url, nonce, ours, token) is True
    assert validate_signature_v2(url, nonce, ours, token)


@SETTINGS
@given(
    method=st.sampled_from(["GET", "POST"]),
    url=st.one_of(urls(), wild_urls),
    data=st.data(),
    nonce=nonces,
    token=tokens,
)
@example(
    method="POST",
    url="https://example.com/a;p?b=2&a=1&a=",
    data=None,
    nonce="12é",
    token="tok",
)
def test_v3_matches_sdk(
    method: str, url: str, data: st.DataObject | None, nonce: str, token: str
) -> None:
    if data is None:
        params: dict[str, Any] = {"k": ["b", "a"], "d": {"x": 1}}
    else:
        params = data.draw(get_params if method == "GET" else post_params)
    try:
        theirs = sdk_sign_v3(method, url, params, nonce, token)
    except (UnicodeError, ValueError):
        assert not validate_signature_v3(method, url, params, nonce, "x", token)
        assume(False)
    ours = sign_v3(method, url, params, nonce, token)
    assert ours == theirs
    # And each side accepts the other's signature through its public validator.
    assert validate_signature_v3(method, url, params, nonce, theirs, token)
    sdk = sdk_or_skip(validate_v3_signature, method, url, nonce, token, ours, copy.deepcopy(params))
    assert sdk is True


# The SDK's validator only takes lower-case http(s) URLs (a regex check before signing).
sdk_urls = urls(schemes=("http", "https"))


@FEWER
@given(url=sdk_urls, params=post_params, nonce=nonces, token=tokens, suffix=tokens)
def test_rotation_header_matches_sdk(
    url: str, params: dict[str, Any], nonce: str, token: str, suffix: str
) -> None:
    """A "old,new" header: both implementations accept it for either token."""
    other = token + suffix
    header = (
        f"{sign_v3('POST', url, params, nonce, other)},{sign_v3('POST', url, params, nonce, token)}"
    )
    for key in (token, other):
        sdk = sdk_or_skip(
            validate_v3_signature, "POST", url, nonce, key, header, copy.deepcopy(params)
        )
        assert sdk is True
        assert validate_signature_v3("POST", url, params, nonce, header, key)


@FEWER
@given(url=sdk_urls, params=post_params, nonce=nonces, token=tokens, suffix=tokens)
def test_wrong_token_rejected_by_both(
    url: str, params: dict[str, Any], nonce: str, token: str, suffix: str
) -> None:
    wrong = token + suffix
    # HMAC pads a key shorter than its block with zero bytes: keys that differ only by
    # trailing NULs are the same key to it (and to Plivo); Plivo tokens are alphanumeric.
    assume(wrong.encode().rstrip(b"\0") != token.encode().rstrip(b"\0"))
    signature = sign_v3("POST", url, params, nonce, wrong)
    sdk = sdk_or_skip(
        validate_v3_signature, "POST", url, nonce, token, signature, copy.deepcopy(params)
    )
    assert sdk is False
    assert not validate_signature_v3("POST", url, params, nonce, signature, token)
