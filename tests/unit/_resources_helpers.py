"""Shared pieces of the resource tests: the client under test and what it sent."""

from __future__ import annotations

import base64
import json
from collections.abc import AsyncIterator, Mapping
from typing import Any

import pytest
from aioresponses import aioresponses
from yarl import URL

from plivo_async.client import AsyncPlivo
from plivo_async.retry import RetryPolicy

AUTH_ID = "MAXXXXXXXXXXXXXXXXXX"
AUTH_TOKEN = "token-for-the-resource-tests"
#: What every request must carry: Basic base64("auth_id:token").
AUTH_HEADER = "Basic " + base64.b64encode(f"{AUTH_ID}:{AUTH_TOKEN}".encode()).decode()

API = f"https://api.plivo.com/v1/Account/{AUTH_ID}/"
PHLO = "https://phlorunner.plivo.com/v1/phlo/"
PHLO_RUN = f"https://phlorunner.plivo.com/v1/account/{AUTH_ID}/phlo/"

CALL_UUID = "aaf2bc0c-5c0b-11e7-9082-ef888d0400e9"
REQUEST_UUID = "9834029e-58b6-11e1-b8b7-a5bd0e4e126f"
API_ID = "97ceeb52-58b6-11e1-86da-77300b68f8bb"
PHLO_ID = "4c1a9f23-7f56-4879-bb80-db856e1e7701"
NODE_ID = "e2d4f8a1-3b6c-4d2e-9f10-1a2b3c4d5e6f"


def make_client() -> AsyncPlivo:
    """The client as a user builds it; one attempt per request keeps the tests exact."""
    return AsyncPlivo(AUTH_ID, AUTH_TOKEN, retry=RetryPolicy(max_attempts=1))


# Test modules import these two under their function names (``client_fixture``,
# ``mocked_fixture``); pytest finds them as the fixtures ``client`` and ``mocked``.
@pytest.fixture(name="client")
async def client_fixture() -> AsyncIterator[AsyncPlivo]:
    async with make_client() as c:
        yield c


@pytest.fixture(name="mocked")
def mocked_fixture() -> Any:
    with aioresponses() as m:
        yield m


def sent(m: aioresponses) -> list[tuple[str, URL, dict[str, Any]]]:
    """Every request aioresponses intercepted: ``(method, url with query, kwargs)``."""
    out = []
    for (method, url), calls in m.requests.items():
        for call in calls:
            out.append((method, url, call.kwargs))
    return out


def only_request(m: aioresponses) -> tuple[str, URL, dict[str, Any]]:
    requests = sent(m)
    assert len(requests) == 1, requests
    return requests[0]


def body_of(kwargs: Mapping[str, Any]) -> Any:
    """The JSON body the transport sent (it serialises once and sends bytes)."""
    data = kwargs.get("data")
    if data is None:
        return None
    return json.loads(data)


def assert_sent(
    m: aioresponses,
    method: str,
    url: str,
    body: Any = None,
    *,
    query: Mapping[str, str] | None = None,
) -> None:
    """Exactly one request went out, with this method, URL, auth header and JSON body."""
    got_method, got_url, kwargs = only_request(m)
    assert got_method == method
    assert str(got_url.with_query(None)) == url
    assert dict(got_url.query) == dict(query or {})
    assert kwargs["headers"]["Authorization"] == AUTH_HEADER
    assert body_of(kwargs) == body
    if body is not None:
        assert kwargs["headers"]["Content-Type"] == "application/json"


class CountingLimiter:
    """A calls-per-second limiter that records how many calls each request took."""

    def __init__(self) -> None:
        self.taken: list[int] = []

    async def acquire(self, n: int = 1) -> None:
        self.taken.append(n)


async def no_sleep(_seconds: float) -> None:
    """A retry policy's sleep that returns at once."""


class RecordingTransport:
    """A stand-in transport for property tests: records requests, answers with ``reply``."""

    api_base = API
    phlo_base = PHLO
    phlo_runner_base = PHLO_RUN
    raw = False

    def __init__(self, reply: Any = None) -> None:
        self.reply = reply if reply is not None else {"api_id": API_ID}
        self.requests: list[dict[str, Any]] = []

    async def request(self, method: str, url: str, **kwargs: Any) -> Any:
        self.requests.append({"method": method, "url": url, **kwargs})
        return self.reply
