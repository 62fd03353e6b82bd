"""The receiver against hostile requests: bodies no parser should be trusted with, slow
clients that never finish, replays, and what a signature covers.

Every malformed or unsigned body is a 403 (413 when too large), never a 500; clients
that never finish their headers cannot keep a genuine hangup from being served; a nonce
is accepted once; ``event.params_signed`` says whether the params were signed.
"""

from __future__ import annotations

import asyncio
import contextlib
import secrets
import socket
import sys
from collections.abc import AsyncIterator, Iterator

import aiohttp
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from yarl import URL

from plivo_async.cli._tracking import listen
from plivo_async.webhooks import (
    CallbackEvent,
    HangupEvent,
    MemoryNonces,
    sign_v2,
    signature_headers,
    webhook_app,
)
from plivo_async.webhooks.server import serve
from tests.unit._cli_helpers import cli_environment
from tests.unit._loopback import serve_in_a_thread
from tests.unit.test_webhooks_receiver import HANGUP, TOKEN, Recorder

MAX_BODY = 1 << 16  # nested bodies below it are parsed


# -- hostile bodies: 403 or 413, never a 500 ---------------------------------------------


@pytest.fixture(scope="module")
def threaded_receiver() -> Iterator[int]:
    async def on_event(event: CallbackEvent) -> None:
        raise AssertionError("a malformed callback reached user code")

    with serve_in_a_thread(lambda: webhook_app(TOKEN, on_event, max_body_size=MAX_BODY)) as port:
        yield port


def _nested_json(depth: int, kind: str) -> bytes:
    if kind == "list":
        return b"[" * depth + b"]" * depth
    return b'{"a":' * depth + b"1" + b"}" * depth


def _multipart_with_a_file(boundary: str, content: bytes) -> bytes:
    b = boundary.encode()
    return (
        b"--" + b + b'\r\nContent-Disposition: form-data; name="CallUUID"\r\n\r\nx\r\n'
        b"--" + b + b'\r\nContent-Disposition: form-data; name="f"; filename="a.bin"\r\n'
        b"Content-Type: application/octet-stream\r\n\r\n" + content + b"\r\n--" + b + b"--\r\n"
    )


FORM = "application/x-www-form-urlencoded"
JSON = "application/json"
nested = st.tuples(
    st.just(JSON),
    st.builds(_nested_json, st.integers(500, 30_000), st.sampled_from(["list", "dict"])),
)
#: just deep enough for the signature check's own recursion over a parsed body
nested_past_the_signature = st.tuples(
    st.sampled_from([JSON, "application/vnd.plivo+json"]),
    st.builds(_nested_json, st.integers(900, 1100), st.just("dict")),
)
not_utf8 = st.tuples(
    st.sampled_from([FORM, JSON, f"{FORM}; charset=utf-8", f"{JSON}; charset=utf-8"]),
    st.binary(min_size=1, max_size=64).map(lambda b: b"a=" + b"\xff\xfe" + b),
)
too_large = st.tuples(
    st.sampled_from([FORM, JSON, "multipart/form-data; boundary=xyz", "text/plain", ""]),
    st.integers(MAX_BODY + 1, 4 * MAX_BODY).map(lambda n: b"a=" + b"x" * n),
)
with_a_file = st.tuples(
    st.just("multipart/form-data; boundary=xyz"),
    st.binary(max_size=64).map(lambda content: _multipart_with_a_file("xyz", content)),
)
wrong_type = st.tuples(
    st.sampled_from(
        [
            "multipart/form-data",  # no boundary
            "multipart/form-data; boundary=other",
            f"{FORM}; charset=no-such-charset",
            f"{JSON}; charset=no-such-charset",
            f"{FORM}; charset=utf-7",
            f"{FORM}; charset=latin-1",
            "text/plain",
            "application/xml",
            "application/octet-stream",
            "multipart/mixed; boundary=xyz",
            "",
        ]
    ),
    st.binary(min_size=1, max_size=200) | st.just(b"CallUUID=1&To=%2B1"),
)
hostile = st.one_of(nested, nested_past_the_signature, not_utf8, too_large, with_a_file, wrong_type)


def _signature(mode: str, url: str) -> bytes:
    """Headers of a request signed as ``mode`` says: a valid v2 signature (it covers no
    body, so the body is parsed and must be refused on its own), forged ones, or none."""
    if mode == "v2":
        nonce = secrets.token_hex(10)  # a new one each time: not a replay
        signature = sign_v2(url, nonce, TOKEN)
        return b"X-Plivo-Signature-V2: %s\r\nX-Plivo-Signature-V2-Nonce: %s\r\n" % (
            signature.encode(),
            nonce.encode(),
        )
    if mode in ("forged-v2", "forged-v3"):
        version = mode[-2:].upper().encode()
        return b"X-Plivo-Signature-%s: bm9wZQ==\r\nX-Plivo-Signature-%s-Nonce: 1\r\n" % (
            version,
            version,
        )
    return b""


def _status(port: int, content_type: str, body: bytes, headers: bytes) -> int:
    request = (
        b"POST /cb HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nConnection: close\r\n" % port
        + (b"Content-Type: %s\r\n" % content_type.encode() if content_type else b"")
        + b"Content-Length: %d\r\n" % len(body)
        + headers
        + b"\r\n"
    )
    with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
        sock.sendall(request)
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            sock.sendall(body)  # (refused before the body was read: the answer is there)
        answer = b""
        try:
            while chunk := sock.recv(65536):
                answer += chunk
        except ConnectionResetError:
            pass
    status_line = answer.partition(b"\r\n")[0]
    assert status_line.startswith(b"HTTP/1.1 "), answer[:200]
    return int(status_line.split(b" ")[1])


@settings(max_examples=120, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(case=hostile, mode=st.sampled_from(["v2", "forged-v2", "forged-v3", "unsigned"]))
def test_any_hostile_body_is_a_403_or_a_413_never_a_500(
    threaded_receiver: int, case: tuple[str, bytes], mode: str
) -> None:
    content_type, body = case
    url = f"http://127.0.0.1:{threaded_receiver}/cb"
    status = _status(threaded_receiver, content_type, body, _signature(mode, url))
    assert status in (403, 413), (status, content_type, body[:80])
    if len(body) > MAX_BODY and mode == "v2" and not content_type.startswith("multipart"):
        assert status == 413  # read whole, and too large (a multipart reader may stop sooner)


def test_a_deeply_nested_json_body_with_a_valid_v2_signature_is_a_403(
    threaded_receiver: int,
) -> None:
    """The case of the issue: a RecursionError from json.loads was a 500 and a traceback."""
    url = f"http://127.0.0.1:{threaded_receiver}/cb"
    for depth in (2_000, 100_000):
        body = _nested_json(depth, "list")[: MAX_BODY - 1]
        assert _status(threaded_receiver, JSON, body, _signature("v2", url)) == 403
        body = b"[" * (MAX_BODY - 1)
        assert _status(threaded_receiver, JSON, body, _signature("v2", url)) == 403


# -- what a signature covers: event.params_signed -----------------------------------------


@pytest.fixture
async def receiver() -> AsyncIterator[tuple[str, list[CallbackEvent], list[CallbackEvent]]]:
    """A receiver served by :func:`serve`: its URL, what ``observe`` saw, what ``on_event``
    saw."""
    observed: list[CallbackEvent] = []
    recorder = Recorder()
    app = webhook_app(TOKEN, recorder, observe=lambda request, event: observed.append(event))
    async with serve(app, "127.0.0.1", 0) as (host, port):
        yield f"http://{host}:{port}", observed, recorder.events


def v2_only(headers: dict[str, str]) -> dict[str, str]:
    return {k: v for k, v in headers.items() if "V2" in k}


async def test_params_signed_says_whether_the_signature_covers_the_params(
    receiver: tuple[str, list[CallbackEvent], list[CallbackEvent]],
) -> None:
    base, observed, handled = receiver
    post_url, get_url = f"{base}/hangup", str(URL(f"{base}/hangup").with_query(HANGUP))
    async with aiohttp.ClientSession() as session:
        cases = [
            ("POST", post_url, v2_only(signature_headers("POST", post_url, HANGUP, TOKEN))),
            ("GET", get_url, v2_only(signature_headers("GET", get_url, {}, TOKEN))),
            ("POST", post_url, signature_headers("POST", post_url, HANGUP, TOKEN)),
            ("GET", get_url, signature_headers("GET", get_url, {}, TOKEN)),
        ]
        for method, url, headers in cases:
            data = HANGUP if method == "POST" else None
            async with session.request(method, url, data=data, headers=headers) as resp:
                assert resp.status == 200
    # v2 signs the URL without its query, and the nonce: a GET's params are not covered
    # either (the issue thought they were; sign_v2 drops the query, as Plivo's SDK does)
    assert [e.params_signed for e in observed] == [False, False, True, True]
    assert [e.params_signed for e in handled] == [False, False, True, True]
    assert all(isinstance(e, HangupEvent) and e.raw == HANGUP for e in observed)
    # not part of an event's value: the same params are the same event
    assert observed[0] == observed[2] and HangupEvent.from_params(HANGUP).params_signed is False


async def test_a_forged_v2_body_is_served_but_marked_unsigned(
    receiver: tuple[str, list[CallbackEvent], list[CallbackEvent]],
) -> None:
    """The issue's attack: row A's genuine v2 headers with a body naming row B."""
    base, observed, _ = receiver
    url = f"{base}/hangup"
    genuine = signature_headers("POST", url, HANGUP, TOKEN)
    forged = {**HANGUP, "RequestUUID": "row-b", "CallStatus": "busy"}
    async with (
        aiohttp.ClientSession() as session,
        session.post(url, data=forged, headers=v2_only(genuine)) as resp,
    ):
        assert resp.status == 200
    [event] = observed
    assert event.raw["RequestUUID"] == "row-b" and event.params_signed is False


# -- replays: a nonce is accepted once ----------------------------------------------------


async def test_a_replayed_nonce_is_a_403_and_never_reaches_user_code(
    receiver: tuple[str, list[CallbackEvent], list[CallbackEvent]],
) -> None:
    base, observed, handled = receiver
    url = f"{base}/hangup"
    headers = signature_headers("POST", url, HANGUP, TOKEN)
    forged = {**HANGUP, "CallStatus": "busy"}
    async with aiohttp.ClientSession() as session:
        statuses = []
        for body, sent in ((HANGUP, headers), (HANGUP, headers), (forged, v2_only(headers))):
            async with session.post(url, data=body, headers=sent) as resp:
                statuses.append(resp.status)
    assert statuses == [200, 403, 403]
    assert len(observed) == len(handled) == 1


async def test_a_callback_whose_handling_failed_may_come_again() -> None:
    failures = [RuntimeError("the database is down")]

    async def on_event(event: CallbackEvent) -> None:
        if failures:
            raise failures.pop()

    app = webhook_app(TOKEN, on_event)
    async with serve(app, "127.0.0.1", 0) as (host, port):
        url = f"http://{host}:{port}/hangup"
        headers = signature_headers("POST", url, HANGUP, TOKEN)
        async with aiohttp.ClientSession() as session:
            statuses = []
            for _ in range(3):
                async with session.post(url, data=HANGUP, headers=headers) as resp:
                    statuses.append(resp.status)
    assert statuses == [500, 200, 403]  # Plivo's retry served; then it is a replay


async def test_replays_are_taken_when_asked() -> None:
    recorder = Recorder()
    app = webhook_app(TOKEN, recorder, nonces=False)
    async with serve(app, "127.0.0.1", 0) as (host, port):
        url = f"http://{host}:{port}/hangup"
        headers = signature_headers("POST", url, HANGUP, TOKEN)
        async with aiohttp.ClientSession() as session:
            for _ in range(2):
                async with session.post(url, data=HANGUP, headers=headers) as resp:
                    assert resp.status == 200
    assert len(recorder.events) == 2


async def test_the_memory_store_forgets_after_its_ttl_and_beyond_its_size() -> None:
    now = [0.0]
    store = MemoryNonces(ttl=60.0, max_size=3, clock=lambda: now[0])
    assert await store.claim("a") and not await store.claim("a")
    now[0] = 59.0
    assert not await store.claim("a")
    now[0] = 60.0  # "a" was claimed 60 s ago: forgotten
    assert await store.claim("a")
    for nonce in "bcd":
        assert await store.claim(nonce)
    assert len(store) == 3  # "a" (the oldest) dropped for "d"
    assert await store.claim("a") and not await store.claim("d")
    await store.release("d")
    assert await store.claim("d")
    assert await store.claim("x" * 8190) and len(store) == 3  # kept as a digest
    with pytest.raises(ValueError, match="ttl"):
        MemoryNonces(ttl=0)


# -- slow clients ------------------------------------------------------------------------


async def _slow_client(port: int) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
    """A client that starts a request and never finishes its headers."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(b"POST /hangup HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Plivo-Signature-V3: ")
    await writer.drain()
    return reader, writer


async def _closed_by_server(reader: asyncio.StreamReader, timeout: float = 10.0) -> bool:
    try:
        return await asyncio.wait_for(reader.read(), timeout) == b""
    except (ConnectionResetError, asyncio.TimeoutError):
        return False


async def _signed_hangup(session: aiohttp.ClientSession, base: str, **params: str) -> int:
    url = f"{base}/hangup"
    body = {**HANGUP, **params}
    headers = signature_headers("POST", url, body, TOKEN)
    async with session.post(url, data=body, headers=headers) as resp:
        return resp.status


async def test_slow_clients_beyond_the_cap_do_not_keep_a_genuine_hangup_from_being_served() -> None:
    cap, slow = 8, 40
    async with listen("127.0.0.1", 0, auth_token=TOKEN, max_connections=cap) as listener:
        port = int(listener.url.rsplit(":", 1)[1])
        clients = [await _slow_client(port) for _ in range(slow)]
        try:
            # each connection beyond the cap pushed out the oldest one still without a
            # request: the first slow - cap + 1 are closed once the genuine one comes
            async with aiohttp.ClientSession() as session:
                status = await asyncio.wait_for(
                    _signed_hangup(session, listener.url, RequestUUID="r-1"), 10
                )
            assert status == 200
            handle = listener.tracker.track("r-1")
            assert handle.result is not None and handle.result.disposition == "answered"
            closed = await asyncio.gather(
                *(_closed_by_server(reader) for reader, _ in clients[: slow - cap + 1])
            )
            assert all(closed)
        finally:
            for _, writer in clients:
                writer.close()


async def test_a_client_that_never_finishes_its_headers_is_closed_after_the_header_timeout() -> (
    None
):
    async with listen("127.0.0.1", 0, auth_token=TOKEN, header_timeout=0.2) as listener:
        port = int(listener.url.rsplit(":", 1)[1])
        reader, writer = await _slow_client(port)
        try:
            assert await _closed_by_server(reader, timeout=10.0)
        finally:
            writer.close()


async def test_a_body_that_never_arrives_is_a_408_after_the_body_timeout() -> None:
    app = webhook_app(TOKEN, Recorder(), body_timeout=0.2)
    async with serve(app, "127.0.0.1", 0) as (host, port):
        url = f"http://{host}:{port}/hangup"
        headers = signature_headers("POST", url, HANGUP, TOKEN)
        reader, writer = await asyncio.open_connection(host, port)
        try:
            head = "".join(f"{k}: {v}\r\n" for k, v in headers.items())
            writer.write(
                b"POST /hangup HTTP/1.1\r\nHost: %s:%d\r\n" % (host.encode(), port)
                + f"Content-Type: {FORM}\r\nContent-Length: 100\r\n{head}\r\n".encode()
                + b"CallUUID="  # and no more
            )
            await writer.drain()
            status_line = await asyncio.wait_for(reader.readline(), 10)
            assert status_line.startswith(b"HTTP/1.1 408"), status_line
        finally:
            writer.close()


async def test_the_listener_of_dial_defaults_to_a_cap_below_the_file_limit() -> None:
    import resource

    from plivo_async.webhooks.server import default_max_connections

    soft, _ = resource.getrlimit(resource.RLIMIT_NOFILE)
    assert 8 <= default_max_connections() <= max(8, min(1024, soft // 2))


LISTENER = """
import asyncio, resource, sys
resource.setrlimit(resource.RLIMIT_NOFILE, (64, resource.getrlimit(resource.RLIMIT_NOFILE)[1]))
from plivo_async.cli._tracking import listen

async def main() -> None:
    async with listen("127.0.0.1", 0, auth_token=sys.argv[1]) as listener:
        print(listener.url, flush=True)
        await asyncio.get_running_loop().run_in_executor(None, sys.stdin.read)

asyncio.run(main())
"""


async def test_the_listener_of_dial_serves_a_hangup_past_slow_clients_under_a_file_limit() -> None:
    """The issue's case: more slow clients than the process has file descriptors (64 here,
    1,024 there). Without a cap, the listener stops accepting and the hangup waits for ever."""
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-c",
        LISTENER,
        TOKEN,
        env=cli_environment(),
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    assert process.stdin is not None and process.stdout is not None
    clients = []
    try:
        url = (await asyncio.wait_for(process.stdout.readline(), 30)).decode().strip()
        port = int(url.rsplit(":", 1)[1])
        clients = [await _slow_client(port) for _ in range(100)]
        async with aiohttp.ClientSession() as session:
            status = await asyncio.wait_for(_signed_hangup(session, url, RequestUUID="r"), 10)
        assert status == 200
    finally:
        for _, writer in clients:
            writer.close()
        process.stdin.close()
        try:
            _, err = await asyncio.wait_for(process.communicate(), 30)
        except asyncio.TimeoutError:  # pragma: no cover - only when the test failed
            process.kill()
            _, err = await process.communicate()
    assert process.returncode == 0, err.decode()
    assert b"Too many open files" not in err  # the cap kept it below its file limit
