"""Malformed signature headers and bodies are forgeries (403), never a crash (500).

aiohttp hands undecodable header bytes to the app as lone surrogates; before the fix,
``X-Plivo-Signature-V2: \\xff`` raised ``UnicodeEncodeError`` inside the signature check.
"""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator, Iterator

import pytest
from aiohttp import web
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from plivo_async.webhooks import (
    CallbackEvent,
    sign_v2,
    sign_v3,
    validate_signature_v2,
    validate_signature_v3,
    webhook_app,
)
from tests.unit._loopback import serve_in_a_thread

TOKEN = "s3cr3t-t0ken"
URL = "http://127.0.0.1/cb"

# A header value as aiohttp hands it over: any bytes but CR/LF, decoded with
# surrogateescape; and any text at all, for callers of the functions themselves.
header_bytes = st.binary(max_size=64).filter(lambda b: b"\r" not in b and b"\n" not in b)
header_value = st.one_of(
    header_bytes.map(lambda b: b.decode("utf-8", "surrogateescape")),
    st.text(max_size=64),
    st.text(st.characters(codec="utf-8", categories=["Cs", "Co", "Lo"]), max_size=8),
)


@settings(max_examples=300)
@given(signature=header_value, nonce=header_value)
def test_any_header_text_validates_false_without_raising(signature: str, nonce: str) -> None:
    assert validate_signature_v2(URL, nonce, signature, TOKEN) is False
    assert validate_signature_v3("POST", URL, {"a": "b"}, nonce, signature, TOKEN) is False


@settings(max_examples=100)
@given(garbage=header_value)
def test_a_valid_signature_still_matches_beside_garbage(garbage: str) -> None:
    """Dropping undecodable parts must not drop the real signature next to them."""
    nonce = "12345678901234567890"
    v2 = sign_v2(URL, nonce, TOKEN)
    v3 = sign_v3("POST", URL, {"a": "b"}, nonce, TOKEN)
    assert validate_signature_v2(URL, nonce, f"{garbage},{v2}", TOKEN)
    assert validate_signature_v3("POST", URL, {"a": "b"}, nonce, f"{v3},{garbage}", TOKEN)


@pytest.fixture(scope="module")
def threaded_receiver() -> Iterator[int]:
    """A receiver on its own loop in a thread, so sync hypothesis tests can call it."""

    async def on_event(event: CallbackEvent) -> None:
        raise AssertionError("a forged callback reached user code")

    with serve_in_a_thread(lambda: webhook_app(TOKEN, on_event)) as port:
        yield port


def _status_line(port: int, request: bytes) -> bytes:
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(request)
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk
    return answer.partition(b"\r\n")[0]


@settings(max_examples=150, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    signature=header_bytes.filter(lambda b: b.strip()),
    nonce=header_bytes,
    v3=st.booleans(),
    body=st.binary(max_size=32),
)
def test_receiver_answers_403_to_any_header_bytes(
    threaded_receiver: int, signature: bytes, nonce: bytes, v3: bool, body: bytes
) -> None:
    version = b"V3" if v3 else b"V2"
    request = (
        b"POST /cb HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
        b"Content-Type: application/x-www-form-urlencoded\r\n"
        + b"Content-Length: %d\r\n" % len(body)
        + b"X-Plivo-Signature-" + version + b": " + signature + b"\r\n"
        + b"X-Plivo-Signature-" + version + b"-Nonce: " + nonce + b"\r\n\r\n"
        + body
    )  # fmt: skip
    status = _status_line(threaded_receiver, request)
    # 400: aiohttp's parser refused the bytes before the app saw them (e.g. a NUL).
    assert status.split(b" ")[1] in (b"403", b"400"), status


@pytest.fixture
async def receiver_port() -> AsyncIterator[int]:
    async def on_event(event: CallbackEvent) -> None:
        raise AssertionError("a forged callback reached user code")

    runner = web.AppRunner(webhook_app(TOKEN, on_event), access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    try:
        yield int(runner.addresses[0][1])
    finally:
        await runner.cleanup()


async def _raw_post(port: int, headers: bytes, body: bytes = b"") -> bytes:
    """Send bytes exactly as given (aiohttp's client would refuse them) and read the answer."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(
        b"POST /cb HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
        b"Content-Type: application/x-www-form-urlencoded\r\n"
        + b"Content-Length: %d\r\n" % len(body)
        + headers
        + b"\r\n"
        + body
    )
    await writer.drain()
    answer = await reader.read()
    writer.close()
    await writer.wait_closed()
    return answer.partition(b"\r\n")[0]


@pytest.mark.parametrize(
    "headers",
    [
        b"X-Plivo-Signature-V2: \xff\r\nX-Plivo-Signature-V2-Nonce: 1\r\n",
        b"X-Plivo-Signature-V2: abc,\xc3\x28\r\nX-Plivo-Signature-V2-Nonce: 1\r\n",
        b"X-Plivo-Signature-V3: ab\xfe\r\nX-Plivo-Signature-V3-Nonce: 1\r\n",
        b"X-Plivo-Signature-V3: \xe2\x82\r\nX-Plivo-Signature-V3-Nonce: \xff\r\n",
        b"X-Plivo-Signature-V3: \xc3\xa9\r\nX-Plivo-Signature-V3-Nonce: 1\r\n",
    ],
    ids=["v2-ff", "v2-after-comma", "v3-fe", "v3-and-nonce", "v3-non-ascii-utf8"],
)
async def test_receiver_answers_403_to_undecodable_signature_headers(
    receiver_port: int, headers: bytes
) -> None:
    assert await _raw_post(receiver_port, headers, b"CallUUID=1") == b"HTTP/1.1 403 Forbidden"


async def test_receiver_answers_403_to_a_form_body_that_is_not_utf8(receiver_port: int) -> None:
    headers = b"X-Plivo-Signature-V3: abc\r\nX-Plivo-Signature-V3-Nonce: 1\r\n"
    assert await _raw_post(receiver_port, headers, b"a=\xff\xfe") == b"HTTP/1.1 403 Forbidden"
