"""The base client and HTTP layer: status mapping, success codes, headers, URL safety."""

from __future__ import annotations

import base64
import json

import aiohttp
import pytest
from aioresponses import aioresponses

from plivo_async import errors
from plivo_async._base_client import BaseClient, _decode_success, error_from_response
from plivo_async._http import USER_AGENT
from plivo_async._options import ClientOptions
from plivo_async._types import ApiRequest
from plivo_async.limits import Limits
from plivo_async.retry import RetryPolicy
from tests.conftest import AUTH_ID, AUTH_TOKEN

API = f"https://api.plivo.com/v1/Account/{AUTH_ID}/"


def make_transport(
    *, limits: Limits | None = None, retry: RetryPolicy | None = None, **kw: object
) -> BaseClient:
    """A base client on its own HTTP layer (what ``AsyncPlivo`` builds), options in ``kw``."""
    options: dict[str, object] = {
        "auth_id": AUTH_ID,
        "auth_token": AUTH_TOKEN,
        "base_url": "https://api.plivo.com",
        "phlo_base_url": "https://phlorunner.plivo.com",
        "callinsights_base_url": "https://stats.plivo.com",
        "timeout": 5.0,
        "retry": retry or RetryPolicy.never(),
    }
    options.update(kw)
    limits = limits or Limits(max_concurrency=8, rate_limit=None, calls_per_second=None)
    return BaseClient(ClientOptions(**options), limits)  # type: ignore[arg-type]


def _loads(raw: bytes) -> object:
    """The base client's decoding of an idempotent request's success."""
    request = ApiRequest("GET", API, "/", aiohttp.ClientTimeout(total=1))
    return _decode_success(raw, 200, request)


STATUS_TABLE = [
    (400, errors.ValidationError),
    (401, errors.AuthenticationError),
    (403, errors.ForbiddenError),
    (404, errors.ResourceNotFoundError),
    (405, errors.InvalidRequestError),
    (409, errors.PlivoRestError),
    (429, errors.RateLimitError),
    (500, errors.PlivoServerError),
    (502, errors.PlivoServerError),
    (503, errors.PlivoServerError),
    (504, errors.PlivoServerError),
]


@pytest.mark.parametrize(("status", "exc_type"), STATUS_TABLE)
async def test_status_maps_to_typed_error_keeping_api_id_and_body(
    status: int, exc_type: type[errors.PlivoRestError]
) -> None:
    body = {"api_id": f"api-{status}", "error": f"boom {status}"}
    transport = make_transport()
    with aioresponses() as m:
        m.get(API + "Call/abc/", status=status, payload=body)
        with pytest.raises(exc_type) as caught:
            await transport.request("GET", API + "Call/abc/")
    await transport.close()
    exc = caught.value
    assert type(exc) is exc_type
    assert exc.status == status
    assert exc.api_id == f"api-{status}"
    assert exc.body == body
    assert exc.method == "GET"
    assert exc.path == f"/v1/Account/{AUTH_ID}/Call/abc/"
    assert f"boom {status}" in str(exc)


def test_403_mentioning_geo_permissions_is_a_geo_permission_error() -> None:
    raw = json.dumps({"api_id": "x", "error": "Geo permission denied for IN"}).encode()
    exc = error_from_response(403, "POST", "/v1/Account/A/Call/", raw, None)
    assert isinstance(exc, errors.GeoPermissionError)
    assert isinstance(exc, errors.ForbiddenError)


def test_non_json_error_body_is_kept_as_text() -> None:
    exc = error_from_response(502, "GET", "/p", b"<html>Bad gateway</html>", None)
    assert isinstance(exc, errors.PlivoServerError)
    assert exc.body == "<html>Bad gateway</html>"
    assert exc.api_id is None


def test_validation_error_is_a_value_error_and_a_plivo_error() -> None:
    exc = errors.ValidationError.invalid("caller_name", "at most 50 characters", "x" * 51)
    assert isinstance(exc, ValueError)
    assert isinstance(exc, errors.PlivoError)
    assert exc.field == "caller_name"
    assert exc.rule == "at most 50 characters"
    assert str(exc).startswith("caller_name: at most 50 characters")


@pytest.mark.parametrize("status", [200, 201, 202])
async def test_success_statuses_return_the_decoded_body(status: int) -> None:
    transport = make_transport()
    with aioresponses() as m:
        m.post(API + "Call/", status=status, payload={"message": "call fired", "api_id": "a"})
        body = await transport.request("POST", API + "Call/", json={"to": "1"})
    await transport.close()
    assert body == {"message": "call fired", "api_id": "a"}


async def test_204_returns_empty_dict() -> None:
    transport = make_transport()
    with aioresponses() as m:
        m.delete(API + "Call/abc/", status=204, body=b"")
        assert await transport.request("DELETE", API + "Call/abc/") == {}
    await transport.close()


async def test_request_sends_basic_auth_user_agent_and_json_body() -> None:
    transport = make_transport()
    with aioresponses() as m:
        m.post(API + "Call/", status=201, payload={})
        await transport.request("POST", API + "Call/", json={"from": "1", "to": "2"})
        (call,) = m.requests[("POST", aiohttp.client.URL(API + "Call/"))]
    await transport.close()
    headers = call.kwargs["headers"]
    token = base64.b64encode(f"{AUTH_ID}:{AUTH_TOKEN}".encode()).decode()
    assert headers["Authorization"] == f"Basic {token}"
    assert headers["User-Agent"] == USER_AGENT
    assert USER_AGENT.startswith("plivo-async/0.1.0 (Python 3.")
    assert headers["Content-Type"] == "application/json"
    assert json.loads(call.kwargs["data"]) == {"from": "1", "to": "2"}


@pytest.mark.parametrize(
    "url",
    ["http://api.plivo.com", "http://10.0.0.5:8080", "ftp://api.plivo.com", "http://example.com"],
)
async def test_plain_http_to_non_loopback_is_refused_before_connecting(url: str) -> None:
    with aioresponses() as m, pytest.raises(errors.ValidationError) as caught:
        make_transport(base_url=url)
    assert caught.value.field == "base_url"
    assert not m.requests


@pytest.mark.parametrize("url", ["http://127.0.0.1:8080", "http://localhost:1", "http://[::1]:9"])
def test_plain_http_to_loopback_is_allowed(url: str) -> None:
    transport = make_transport(
        base_url=url, phlo_base_url=url, callinsights_base_url=url, lookup_base_url=url
    )
    assert transport.api_base.startswith(url)
    assert transport.phlo_base == f"{url}/v1/phlo/"


async def test_connect_failure_is_connection_error_not_sent() -> None:
    transport = make_transport()
    with aioresponses() as m:
        m.get(API + "Call/", exception=aiohttp.ClientConnectorError(None, OSError(111, "refused")))  # type: ignore[arg-type]
        with pytest.raises(errors.PlivoConnectionError) as caught:
            await transport.request("GET", API + "Call/")
    await transport.close()
    assert caught.value.sent is False


async def test_timeout_is_timeout_error_sent() -> None:
    transport = make_transport()
    with aioresponses() as m:
        m.get(API + "Call/", exception=TimeoutError())
        with pytest.raises(errors.PlivoTimeoutError) as caught:
            await transport.request("GET", API + "Call/")
    await transport.close()
    assert caught.value.sent is True
    assert isinstance(caught.value, TimeoutError)


@pytest.mark.parametrize(
    "raw",
    [
        b'{"api_id":"a","request_uuid":"u"}',
        b'\xef\xbb\xbf{"api_id":"bom"}',  # UTF-8 with a BOM
        '{"api_id":"wide"}'.encode("utf-16"),
        '{"api_id":"caf\u00e9"}'.encode(),
        b"[1, 2.5, null]",
        b'{"api_id": NaN}',
    ],
)
def test_the_success_decoder_answers_what_json_loads_answers(raw: bytes) -> None:
    assert repr(_loads(raw)) == repr(json.loads(raw))  # repr: NaN is not equal to itself


@pytest.mark.parametrize("raw", [b"not json", b"\xff\xfe\x00", b'{"a":', b"\xef\xbb\xbf"])
def test_the_success_decoder_refuses_what_json_loads_refuses(raw: bytes) -> None:
    with pytest.raises(ValueError):
        json.loads(raw)
    with pytest.raises(errors.PlivoRestError, match="not JSON"):
        _loads(raw)
