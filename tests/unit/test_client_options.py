"""Issue 12.7-10: client views (with_options, with_raw_response), proxies and your own
aiohttp pieces, logging switched on from the environment, and the limit wait counter."""

from __future__ import annotations

import asyncio
import base64
import logging
from collections.abc import Iterator
from typing import Any

import aiohttp
import pytest
from aiohttp import web
from aioresponses import CallbackResult, aioresponses

from plivo_async import AsyncPlivo, RawResponse, errors
from plivo_async._types import AttemptCounter
from plivo_async.limits import PACING_MARGIN, Limits, Rate
from plivo_async.models import CreateCallResponse
from plivo_async.models.phlo import PhloActionResponse
from plivo_async.resources.calls import Calls
from plivo_async.retry import RetryPolicy
from tests.conftest import AUTH_ID, AUTH_TOKEN, FakeClock
from tests.unit._loopback import loopback_client, serve
from tests.unit.test_transport import API, make_transport

FROM, TO, ANSWER = "+14155550100", "+14155550101", "https://example.com/answer"
B64 = base64.b64encode(f"{AUTH_ID}:{AUTH_TOKEN}".encode()).decode()
CREATED = {"api_id": "a-1", "message": "call fired", "request_uuid": "r-1"}


# -- 12.7 with_options ---------------------------------------------------------------------


async def test_with_options_shares_session_limits_and_budget_and_applies_its_timeout() -> None:
    release = asyncio.Event()

    async def handler(request: web.Request) -> web.StreamResponse:
        if request.path.endswith("/slow/"):
            await release.wait()  # answers only when the test says so
        return web.json_response({"api_id": "a"})

    async with serve(handler) as url, loopback_client(url) as client:
        await client.calls.get("fast")
        quick = client.with_options(timeout=0.2, max_retries=0)
        with pytest.raises(errors.PlivoTimeoutError):
            await quick.calls.get("slow")
        await quick.calls.get("fast")
        assert quick.transport.session is client.transport.session
        assert quick.transport.session is not None
        assert quick.limits is client.limits
        assert quick.transport.budget is client.transport.budget
        assert quick.transport.timeout.total == 0.2
        assert client.transport.timeout.total == 30.0
        await quick.close()  # a view closes nothing
        assert client.transport.is_open
        release.set()


def test_every_resource_of_a_view_speaks_through_the_view() -> None:
    """``live_calls``/``queued_calls`` are built on ``calls``, not on the transport: a view
    that rebound only transport-bound resources sent them through the parent."""
    client = AsyncPlivo("MA" + "X" * 18, "t" * 12, base_url="http://127.0.0.1:9")
    for view in (client.with_options(timeout=3), client.with_raw_response):
        for name, value in vars(view).items():
            if hasattr(value, "_transport"):
                assert value._transport is view.transport, name
            if hasattr(value, "_calls"):
                assert value._calls is view.calls, name
        assert view.live_calls._calls is not client.calls


def test_with_options_max_retries_and_retry_leave_the_parent_alone() -> None:
    client = AsyncPlivo(AUTH_ID, AUTH_TOKEN)
    view = client.with_options(max_retries=2)
    assert view.transport.retry.max_attempts == 3
    assert client.transport.retry.max_attempts == 5
    policy = RetryPolicy(max_attempts=9)
    assert client.with_options(retry=policy).transport.retry is policy
    with pytest.raises(errors.ConfigurationError, match="max_retries"):
        client.with_options(max_retries=-1)
    with pytest.raises(errors.ConfigurationError, match="timeout"):
        client.with_options(timeout=float("nan"))


def test_views_rebind_every_resource_another_area_adds() -> None:
    client = AsyncPlivo(AUTH_ID, AUTH_TOKEN)
    client.conferences = Calls(client.transport)  # type: ignore[attr-defined]  # a later area
    view = client.with_options(timeout=5)
    assert view.calls._transport is view.transport
    assert view.conferences._transport is view.transport  # type: ignore[attr-defined]
    assert client.calls._transport is client.transport
    assert view.phlo("p").multi_party_call("n")._transport is view.transport


# -- 12.8 with_raw_response ----------------------------------------------------------------


async def test_raw_response_of_a_create_has_status_headers_attempts_and_parses(
    clock: FakeClock,
) -> None:
    retry = RetryPolicy(sleep=clock.sleep, clock=clock, random=lambda: 0.5)
    with aioresponses() as m:
        m.post(API + "Call/", status=503, payload={"error": "busy"})
        m.post(
            API + "Call/",
            status=201,
            payload=CREATED,
            headers={"X-Request-Id": "xyz", "X-Echo": f"Basic {B64}"},
        )
        async with AsyncPlivo(AUTH_ID, AUTH_TOKEN, retry=retry) as client:
            raw = await client.with_raw_response.calls.create(from_=FROM, to=TO, answer_url=ANSWER)
    assert isinstance(raw, RawResponse)
    assert raw.status == 201 and raw.attempts == 2
    assert raw.headers is not None and raw.headers["X-Request-Id"] == "xyz"
    assert B64 not in raw.headers["X-Echo"]
    assert raw.elapsed >= 0.0 and raw.method == "POST" and raw.path.endswith("/Call/")
    parsed = raw.parse()
    assert isinstance(parsed, CreateCallResponse) and parsed.request_uuid == "r-1"
    assert raw.json() == CREATED
    assert "201" in repr(raw)


@pytest.mark.parametrize(
    ("mock", "call", "model"),
    [
        (("get", API + "Call/c-1/"), lambda c: c.calls.get("c-1"), "CallDetails"),
        (("delete", API + "Call/c-1/"), lambda c: c.calls.hangup("c-1"), "ActionResponse"),
        (
            ("post", "https://phlorunner.plivo.com/v1/phlo/p/multi_party_call/n"),
            lambda c: c.phlo("p").multi_party_call("n").call(FROM, TO),
            "PhloActionResponse",
        ),
        (
            ("post", "https://phlorunner.plivo.com/v1/phlo/p/multi_party_call/n/members/" + TO),
            lambda c: c.phlo("p").multi_party_call("n").member(TO).mute(),
            "PhloActionResponse",
        ),
    ],
)
async def test_every_resource_method_has_a_raw_form(mock: Any, call: Any, model: str) -> None:
    verb, url = mock
    with aioresponses() as m:
        getattr(m, verb)(url, status=200, payload={"api_id": "a", "message": "ok"})
        async with AsyncPlivo(AUTH_ID, AUTH_TOKEN) as client:
            raw = await call(client.with_raw_response)
    assert isinstance(raw, RawResponse) and raw.status == 200 and raw.attempts == 1
    assert type(raw.parse()).__name__ == model
    if model == "PhloActionResponse":
        assert isinstance(raw.parse(), PhloActionResponse)


# -- 12.9 proxies, your own session or connector -------------------------------------------


async def _forward_proxy(seen: list[str]) -> Any:
    """An HTTP forward proxy: records each request's target, then fetches it."""
    upstream = aiohttp.ClientSession()

    async def handler(request: web.Request) -> web.StreamResponse:
        target = request.raw_path
        if not target.startswith("http"):
            target = f"http://{request.host}{target}"
        seen.append(f"{request.method} {target}")
        headers = {k: v for k, v in request.headers.items() if k.lower() != "host"}
        async with upstream.request(
            request.method, target, data=await request.read(), headers=headers
        ) as resp:
            return web.Response(
                status=resp.status,
                body=await resp.read(),
                headers={"Content-Type": resp.headers.get("Content-Type", "application/json")},
            )

    return handler, upstream


async def _api(request: web.Request) -> web.StreamResponse:
    return web.json_response({"api_id": "from-the-api", "request_uuid": "r-1"}, status=201)


async def test_proxy_option_sends_every_request_through_the_proxy() -> None:
    seen: list[str] = []
    handler, upstream = await _forward_proxy(seen)
    async with serve(_api) as api, serve(handler) as proxy, loopback_client(api, proxy=proxy) as c:
        answer = await c.calls.create(from_=FROM, to=TO, answer_url=ANSWER)
    await upstream.close()
    assert answer.api_id == "from-the-api"
    assert seen == [f"POST {api}/v1/Account/{AUTH_ID}/Call/"]


@pytest.mark.parametrize("bypass", [False, True])
async def test_trust_env_reads_proxy_and_no_proxy(
    monkeypatch: pytest.MonkeyPatch, bypass: bool
) -> None:
    seen: list[str] = []
    handler, upstream = await _forward_proxy(seen)
    async with serve(_api) as api, serve(handler) as proxy:
        monkeypatch.setenv("HTTP_PROXY", proxy)
        monkeypatch.setenv("HTTPS_PROXY", proxy)
        if bypass:
            monkeypatch.setenv("NO_PROXY", "127.0.0.1")
        else:
            monkeypatch.delenv("NO_PROXY", raising=False)
            monkeypatch.delenv("no_proxy", raising=False)
        async with loopback_client(api, trust_env=True) as client:
            await client.calls.get("c-1")
    await upstream.close()
    assert len(seen) == (0 if bypass else 1)


async def test_own_session_is_used_and_left_open() -> None:
    async with aiohttp.ClientSession() as session, serve(_api) as api:
        client = loopback_client(api, session=session)
        async with client:
            await client.calls.get("c-1")
            assert client.transport.session is session
        assert not session.closed
        assert not client.transport.owns_session


async def test_own_connector_is_used_and_left_open() -> None:
    connector = aiohttp.TCPConnector(limit=3)
    async with serve(_api) as api:
        client = loopback_client(api, connector=connector)
        async with client:
            await client.calls.get("c-1")
            assert client.transport.session is not None
            assert client.transport.session.connector is connector
        assert not connector.closed
    await connector.close()


def test_session_with_connector_or_proxy_is_a_configuration_error() -> None:
    session = object()
    for extra in ({"connector": object()}, {"proxy": "http://127.0.0.1:1"}, {"trust_env": True}):
        with pytest.raises(errors.ConfigurationError, match="session"):
            AsyncPlivo(AUTH_ID, AUTH_TOKEN, session=session, **extra)  # type: ignore[arg-type]


def test_proxy_credentials_never_show_in_repr() -> None:
    client = AsyncPlivo(AUTH_ID, AUTH_TOKEN, proxy="http://user:proxy-secret@127.0.0.1:3128")
    assert "proxy-secret" not in repr(client) + repr(client.transport)


# -- 12.10 logging from the environment, one DEBUG line per request ------------------------


@pytest.fixture
def library_logger() -> Iterator[logging.Logger]:
    logger = logging.getLogger("plivo_async")
    level, handlers = logger.level, list(logger.handlers)
    yield logger
    logger.setLevel(level)
    logger.handlers[:] = handlers


@pytest.mark.parametrize(("value", "level"), [("debug", logging.DEBUG), ("INFO", logging.INFO)])
def test_plivo_log_switches_logging_on(
    monkeypatch: pytest.MonkeyPatch, library_logger: logging.Logger, value: str, level: int
) -> None:
    monkeypatch.setenv("PLIVO_LOG", value)
    AsyncPlivo(AUTH_ID, AUTH_TOKEN)
    AsyncPlivo(AUTH_ID, AUTH_TOKEN)
    assert library_logger.level == level
    streams = [h for h in library_logger.handlers if isinstance(h, logging.StreamHandler)]
    assert len(streams) >= 1


def test_bad_plivo_log_is_a_configuration_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PLIVO_LOG", "loud")
    with pytest.raises(errors.ConfigurationError, match="PLIVO_LOG"):
        AsyncPlivo(AUTH_ID, AUTH_TOKEN)


async def test_debug_logs_one_line_per_request_with_status_attempt_and_ms(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG, logger="plivo_async")
    with aioresponses() as m:
        m.get(API + "Call/c-1/", payload={"api_id": "a"})
        m.post(API + "Call/", status=201, payload=CREATED)
        async with AsyncPlivo(AUTH_ID, AUTH_TOKEN) as client:
            await client.calls.get("c-1")
            await client.calls.create(from_=FROM, to=TO, answer_url=ANSWER)
    lines = [r.getMessage() for r in caplog.records]
    assert any(
        line.startswith(f"GET /v1/Account/{AUTH_ID}/Call/c-1/ -> 200 (attempt 1, ")
        and line.endswith(" ms)")
        for line in lines
    ), lines
    assert any(line.startswith(f"POST /v1/Account/{AUTH_ID}/Call/ -> 201") for line in lines)
    assert all(AUTH_TOKEN not in line and B64 not in line for line in lines)


async def test_debug_logs_a_request_that_got_no_answer(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG, logger="plivo_async")
    with aioresponses() as m:
        m.get(API + "Call/c-1/", exception=aiohttp.ServerDisconnectedError())
        async with AsyncPlivo(AUTH_ID, AUTH_TOKEN, retry=RetryPolicy.never()) as client:
            with pytest.raises(errors.PlivoConnectionError):
                await client.calls.get("c-1")
    lines = [r.getMessage() for r in caplog.records]
    prefix = f"GET /v1/Account/{AUTH_ID}/Call/c-1/ -> ServerDisconnectedError (attempt 1, "
    assert any(line.startswith(prefix) for line in lines), lines
    assert all(AUTH_TOKEN not in line and B64 not in line for line in lines)


async def test_connection_error_names_host_port_and_attempts(clock: FakeClock) -> None:
    async with serve(_api) as url:
        pass  # the port is closed now: nothing listens there
    retry = RetryPolicy(max_attempts=3, sleep=clock.sleep, clock=clock, random=lambda: 0.5)
    port = url.rsplit(":", 1)[1]
    async with loopback_client(url, retry=retry) as client:
        with pytest.raises(errors.PlivoConnectionError) as caught:
            await client.calls.get("c-1")
    assert f"127.0.0.1:{port}" in str(caught.value)
    assert "after 3 attempt(s)" in str(caught.value)
    assert caught.value.attempts == 3


def test_base_urls_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PLIVO_BASE_URL", "http://127.0.0.1:8123")
    monkeypatch.setenv("PLIVO_PHLO_BASE_URL", "http://127.0.0.1:8124")
    client = AsyncPlivo(AUTH_ID, AUTH_TOKEN)
    assert client.transport.api_base == f"http://127.0.0.1:8123/v1/Account/{AUTH_ID}/"
    assert client.transport.phlo_base == "http://127.0.0.1:8124/v1/phlo/"
    explicit = AsyncPlivo(AUTH_ID, AUTH_TOKEN, base_url="https://api.example.com")
    assert explicit.transport.api_base.startswith("https://api.example.com/")


# -- AttemptCounter.waited -----------------------------------------------------------------


async def test_waited_sums_semaphore_and_rate_limit_waits_on_the_fake_clock(
    clock: FakeClock,
) -> None:
    limits = Limits(
        max_concurrency=1,
        rate_limit=Rate(2, 10.0),
        calls_per_second=None,
        clock=clock,
        sleep=clock.sleep,
    )
    retry = RetryPolicy(max_attempts=1, clock=clock, sleep=clock.sleep)
    transport = make_transport(limits=limits, retry=retry)
    answer = asyncio.Event()
    counters: dict[str, Any] = {}

    async def slow(url: Any, **kwargs: Any) -> CallbackResult:
        await answer.wait()
        return CallbackResult(payload={"api_id": "a"})

    async def one(name: str) -> None:
        counters[name] = AttemptCounter()
        await transport.request("GET", API + "Call/c-1/", observer=counters[name])

    with aioresponses() as m:
        m.get(API + "Call/c-1/", callback=slow, repeat=True)
        first = asyncio.create_task(one("a"))
        second = asyncio.create_task(one("b"))
        for _ in range(5):
            await asyncio.sleep(0)  # "a" is on the wire, "b" waits for the semaphore
        clock.now += 7.0  # "a"'s answer takes 7 s
        answer.set()
        await asyncio.gather(first, second)
        third = asyncio.create_task(one("c"))  # the window (2 per 10 s) is full
        await third
    await transport.close()
    assert counters["a"].waited == 0.0
    assert counters["b"].waited == pytest.approx(7.0)  # the semaphore
    # The rate limit, paced (2 per 10.04 s, 5.04 s apart): "b" (1007) kept the schedule
    # ("a" at 1000, due 1005.04), so "c" is due at 1010.08.
    assert counters["c"].waited == pytest.approx(3.08)
    assert [counters[n].attempts for n in "abc"] == [1, 1, 1]


async def test_waited_counts_the_cps_limit_too(clock: FakeClock) -> None:
    limits = Limits(
        max_concurrency=4,
        rate_limit=None,
        calls_per_second=2.0,
        clock=clock,
        sleep=clock.sleep,
    )
    transport = make_transport(limits=limits, retry=RetryPolicy(clock=clock, sleep=clock.sleep))
    counter = AttemptCounter()
    with aioresponses() as m:
        m.post(API + "Call/", status=201, payload=CREATED, repeat=True)
        for _ in range(3):
            await transport.request(
                "POST", API + "Call/", json={"to": TO}, calls=1, observer=counter
            )
    await transport.close()
    # Paced at 2 per second: the second and the third call each wait one slot of 0.504 s.
    assert counter.waited == pytest.approx(2 * (1 + PACING_MARGIN) / 2)
    assert counter.attempts == 3


# -- issue 26 item 8: a view owns nothing -------------------------------------------------


async def test_a_view_entered_on_a_closed_parent_reopens_nothing() -> None:
    """Before: ``async with`` a view reopened its closed parent's session and left it open."""
    client = AsyncPlivo(AUTH_ID, AUTH_TOKEN)
    async with client:
        assert client.transport.is_open
    assert not client.transport.is_open
    async with client.with_options(timeout=5) as view:
        assert not client.transport.is_open
        with pytest.raises(errors.PlivoError, match="closed"):
            await view.calls.get("c-1")
    assert not client.transport.is_open
    assert client.transport.session is None


async def test_a_view_shares_the_parents_http_layer_and_builds_its_own_resources() -> None:
    async with AsyncPlivo(AUTH_ID, AUTH_TOKEN) as client:
        view = client.with_options(timeout=5)
        assert view.transport.http is client.transport.http
        assert view.transport.owner is False and client.transport.owner is True
        assert view.calls is view.calls  # built once, on first use
        assert view.calls._transport is view.transport
        assert client.calls._transport is client.transport
