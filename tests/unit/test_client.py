"""AsyncPlivo: credentials, lifecycle, and the secret that must never leak."""

from __future__ import annotations

import gc
import logging
import warnings
from typing import Any

import aiohttp
import pytest
from aioresponses import aioresponses

from plivo_async import errors
from plivo_async.client import AsyncPlivo, ConfigurationError
from plivo_async.limits import Rate
from plivo_async.retry import RetryPolicy
from tests.conftest import AUTH_ID, AUTH_TOKEN, FakeClock
from tests.unit.test_transport import API


def test_credentials_fall_back_to_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PLIVO_AUTH_ID", AUTH_ID)
    monkeypatch.setenv("PLIVO_AUTH_TOKEN", AUTH_TOKEN)
    client = AsyncPlivo()
    assert client.auth_id == AUTH_ID
    assert client.transport.api_base == API


@pytest.mark.parametrize(
    ("args", "missing"),
    [((), "auth_id and auth_token"), ((AUTH_ID,), "auth_token"), ((None, "t"), "auth_id")],
)
def test_missing_credentials_name_both_env_vars(
    monkeypatch: pytest.MonkeyPatch, args: tuple[str | None, ...], missing: str
) -> None:
    monkeypatch.delenv("PLIVO_AUTH_ID", raising=False)
    monkeypatch.delenv("PLIVO_AUTH_TOKEN", raising=False)
    with pytest.raises(ConfigurationError) as caught:
        AsyncPlivo(*args)
    message = str(caught.value)
    assert f"missing {missing}" in message
    assert "PLIVO_AUTH_ID" in message and "PLIVO_AUTH_TOKEN" in message


def test_bad_limits_raise_configuration_error() -> None:
    with pytest.raises(ConfigurationError, match="max_concurrency"):
        AsyncPlivo(AUTH_ID, AUTH_TOKEN, max_concurrency=0)


async def test_async_with_opens_and_closes_the_session() -> None:
    async with AsyncPlivo(AUTH_ID, AUTH_TOKEN) as client:
        assert client.transport.is_open
        assert "open" in repr(client)
    assert not client.transport.is_open
    await client.close()  # idempotent


async def test_usable_without_async_with_and_close_is_explicit() -> None:
    client = AsyncPlivo(AUTH_ID, AUTH_TOKEN, retry=RetryPolicy.never())
    with aioresponses() as m:
        m.get(API + "Call/x/", payload={"api_id": "a"})
        assert await client.transport.request("GET", API + "Call/x/") == {"api_id": "a"}
    assert client.transport.is_open
    await client.close()
    assert not client.transport.is_open


async def test_unclosed_client_warns_resource_warning() -> None:
    client = AsyncPlivo(AUTH_ID, AUTH_TOKEN)
    await client.transport.open()
    session = client.transport.session
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        del client
        gc.collect()
    assert any(
        issubclass(w.category, ResourceWarning) and "unclosed <AsyncPlivo" in str(w.message)
        for w in caught
    )
    assert session is not None
    await session.close()


async def test_token_never_leaks_into_repr_logs_or_errors(
    caplog: pytest.LogCaptureFixture, clock: FakeClock
) -> None:
    caplog.set_level(logging.DEBUG, logger="plivo_async")
    retry = RetryPolicy(max_attempts=3, sleep=clock.sleep, clock=clock, random=lambda: 0.5)
    seen: list[str] = []
    async with AsyncPlivo(AUTH_ID, AUTH_TOKEN, retry=retry) as client:
        seen += [repr(client), str(client), repr(client.transport), repr(client.limits)]
        seen.append(repr(retry))
        url = API + "Call/"
        faults = [
            {"status": 401, "payload": {"api_id": "a", "error": "Authentication failed"}},
            {"status": 500, "payload": {"api_id": "b", "error": "oops"}},
            {"exception": aiohttp.ServerDisconnectedError()},
            {"status": 429, "headers": {"Retry-After": "1"}},
        ]
        for fault in faults:
            with aioresponses() as m:
                m.post(url, repeat=True, **fault)  # type: ignore[arg-type]
                with pytest.raises(errors.PlivoError) as caught:
                    await client.transport.request("POST", url, json={"to": "1"})
            exc: BaseException | None = caught.value
            while exc is not None:
                seen += [str(exc), repr(exc), repr(vars(exc))]
                exc = exc.__cause__
    seen += [record.getMessage() for record in caplog.records]
    assert caplog.records, "expected DEBUG/WARNING records to inspect"
    for text in seen:
        assert AUTH_TOKEN not in text


# -- issue 11.12: bad configuration is a ConfigurationError naming the option ---------------


@pytest.mark.parametrize(
    ("options", "named"),
    [
        ({"calls_per_second": float("inf")}, "calls_per_second"),
        ({"calls_per_second": float("nan")}, "calls_per_second"),
        ({"calls_per_second": 1e-320}, "calls_per_second"),
        ({"calls_per_second": 0}, "calls_per_second"),
        ({"calls_per_second": -2}, "calls_per_second"),
        ({"calls_per_second": "5"}, "calls_per_second"),
        ({"calls_per_second": True}, "calls_per_second"),
        ({"rate_limit": (300, 5)}, "rate_limit"),
        ({"rate_limit": 300}, "rate_limit"),
        ({"rate_limit": Rate(300, float("inf"))}, "rate_limit"),
        ({"max_concurrency": 0}, "max_concurrency"),
        ({"max_concurrency": 2.5}, "max_concurrency"),
        ({"max_concurrency": "64"}, "max_concurrency"),
        ({"max_concurrency": True}, "max_concurrency"),
        ({"timeout": float("nan")}, "timeout"),
        ({"timeout": 0}, "timeout"),
        ({"timeout": "30"}, "timeout"),
        ({"max_response_bytes": 0}, "max_response_bytes"),
        ({"max_response_bytes": 1.5}, "max_response_bytes"),
        ({"proxy": "socks5://127.0.0.1:1080"}, "proxy"),
        ({"base_url": "https://[::1"}, "base_url"),
    ],
)
def test_bad_option_is_a_configuration_error_naming_it(options: dict[str, Any], named: str) -> None:
    with pytest.raises(ConfigurationError) as caught:
        AsyncPlivo(AUTH_ID, AUTH_TOKEN, **options)
    assert named in str(caught.value)
    assert isinstance(caught.value, errors.PlivoError)


def test_configuration_error_is_exported_from_errors_and_the_package() -> None:
    import plivo_async

    assert plivo_async.ConfigurationError is errors.ConfigurationError is ConfigurationError


@pytest.mark.parametrize("cps", [0.5, 2, 1 / 86400, 1e6])
def test_sane_calls_per_second_are_accepted(cps: float) -> None:
    assert AsyncPlivo(AUTH_ID, AUTH_TOKEN, calls_per_second=cps).limits.calls is not None
