"""Every public object's repr reads well in a notebook and shows no secret (issue 25, 10).

The walk builds the objects a user meets (the client, its views and resources, the errors
of each type as raised and after a pickle round trip, a bulk summary, tracking objects,
options, the emulator) and checks each repr: no ``object at 0x...`` (nor a function's
address), neither the token nor its Basic form, and the facts that matter (an error's
status, a summary's counts).
"""

from __future__ import annotations

import base64
import pickle
import re
from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest
from multidict import CIMultiDict, CIMultiDictProxy

from plivo_async import (
    AsyncPlivo,
    BulkRun,
    CallResult,
    CallTracker,
    ConfigurationError,
    EventLoopError,
    LimitsUnavailableError,
    OutcomeUnknownError,
    PlivoConnectionError,
    PlivoTimeoutError,
    Rate,
    RawResponse,
    Redial,
    RetryPolicy,
    SlidingWindowLimiter,
    Summary,
    ValidationError,
)
from plivo_async._base_client import error_from_response
from plivo_async.bulk import JournalInUseError, JournalMismatchError, Outcome
from plivo_async.emulator import Emulator
from plivo_async.tracking import CallHandle

AUTH_ID = "MAREPRXXXXXXXXXXXXXX"
AUTH_TOKEN = "repr-secret-token-0123456789abcdef"
BASIC = base64.b64encode(f"{AUTH_ID}:{AUTH_TOKEN}".encode()).decode()
ADDRESS = re.compile(r" at 0x[0-9a-fA-F]+")
PATH = f"/v1/Account/{AUTH_ID}/Call/"


def errors() -> Iterator[tuple[BaseException, list[str]]]:
    """One error of each type, and what its repr must say."""
    for status, body, cls in [
        (400, {"error": "bad to"}, "ValidationError"),
        (401, {"error": f"wrong token {AUTH_TOKEN}"}, "AuthenticationError"),
        (403, {"error": "forbidden"}, "ForbiddenError"),
        (403, {"error": "geo permission denied"}, "GeoPermissionError"),
        (404, {"error": "not found", "api_id": "a-1"}, "ResourceNotFoundError"),
        (405, {"error": "method"}, "InvalidRequestError"),
        (429, {"error": "too many requests"}, "RateLimitError"),
        (302, None, "PlivoRedirectError"),
        (500, {"error": "boom"}, "PlivoServerError"),
        (418, {"error": "teapot"}, "PlivoRestError"),
    ]:
        raw = b"" if body is None else str(body).replace("'", '"').encode()
        exc = error_from_response(status, "POST", PATH, raw, 2.0, "https://x.test/next")
        assert type(exc).__name__ == cls
        yield exc, [cls, f"status={status}", "POST", PATH]
    yield (
        ValidationError.invalid("to", "must be a phone number", "abc"),
        [
            "ValidationError",
            "field='to'",
            "must be a phone number",
        ],
    )
    timeout = PlivoTimeoutError("timed out", method="GET", path=PATH, sent=True, attempts=3)
    yield timeout, ["PlivoTimeoutError", "sent=True", "attempts=3", "GET", PATH]
    refused = PlivoConnectionError("could not connect", method="GET", path=PATH, sent=False)
    yield refused, ["PlivoConnectionError", "sent=False", "could not connect"]
    unknown = OutcomeUnknownError("outcome unknown", method="POST", path=PATH, attempts=1)
    yield unknown, ["OutcomeUnknownError", "attempts=1", "POST"]
    yield ConfigurationError("missing auth_token"), ["ConfigurationError", "missing auth_token"]
    yield LimitsUnavailableError("redis down"), ["LimitsUnavailableError", "redis down"]
    yield EventLoopError("another loop"), ["EventLoopError", "another loop"]
    yield JournalInUseError("in use"), ["JournalInUseError", "in use"]
    yield JournalMismatchError("row 3 differs"), ["JournalMismatchError", "row 3 differs"]


async def objects() -> AsyncIterator[tuple[str, Any, list[str]]]:
    client = AsyncPlivo(AUTH_ID, AUTH_TOKEN, default_headers={"X-Api-Key": "k" * 20})
    yield "client", client, ["AsyncPlivo", AUTH_ID]
    yield "view", client.with_options(timeout=5), ["AsyncPlivo", AUTH_ID]
    yield "raw view", client.with_raw_response, ["AsyncPlivo", "raw"]
    yield "transport", client.transport, ["BaseClient"]
    yield "options", client.transport.options, ["ClientOptions", AUTH_ID, "X-Api-Key"]
    yield "limits", client.limits, ["Limits", "max_concurrency=64"]
    for name in (
        "calls",
        "conferences",
        "multi_party_calls",
        "recordings",
        "transcriptions",
        "endpoints",
        "applications",
        "numbers",
        "phone_numbers",
        "live_calls",
        "queued_calls",
        "call_feedback",
        "masking_sessions",
        "verify_callerids",
        "token",
        "bulk",
    ):
        resource = getattr(client, name)
        yield name, resource, [type(resource).__name__]
    phlo = client.phlo("phlo-1")
    mpc = phlo.multi_party_call("node-1")
    yield "phlo", phlo, ["phlo-1"]
    yield "mpc", mpc, ["phlo-1", "node-1"]
    yield "member", mpc.member("+14155550100"), ["+14155550100"]
    yield "bridge", phlo.conference_bridge("node-2"), ["node-2"]
    yield "policy", RetryPolicy(), ["RetryPolicy", "max_attempts=5"]
    yield "rate", Rate(300, 5.0), ["300"]
    yield "limiter", SlidingWindowLimiter(Rate(10, 1.0)), ["SlidingWindowLimiter"]
    yield "redial", Redial(), ["Redial"]

    summary = Summary()
    summary.add(Outcome(0, None, response={}, attempts=2, elapsed=0.25))
    summary.add(Outcome(1, None, error=error_from_response(500, "POST", PATH, b"", None)))
    yield "summary", summary, ["Summary", "rows=2", "ok=1", "placed=1", "p50_ms="]
    yield "empty summary", Summary(), ["Summary", "rows=0"]
    yield "outcome", Outcome(0, None, response={}), ["Outcome", "status='ok'"]
    run = BulkRun([], prepare=lambda row: row, send=_send, kind="calls")
    yield "bulk run", run, ["BulkRun", "calls", "rows=0"]

    result = CallResult(request_uuid="r-1", call_uuid="c-1", disposition="answered", duration=3)
    yield "call result", result, ["CallResult", "r-1", "answered"]
    yield "call handle", CallHandle("r-2"), ["CallHandle", "r-2", "pending"]
    tracker = CallTracker()
    tracker.track("r-3")
    yield "call tracker", tracker, ["CallTracker", "tracked=1"]
    raw = RawResponse(
        "GET",
        PATH,
        status=200,
        headers=CIMultiDictProxy(CIMultiDict()),
        attempts=1,
        waited=0,
        elapsed=0.1,
        data={},
    )
    yield "raw response", raw, ["RawResponse", "200"]
    yield "emulator", Emulator(), ["Emulator", "stopped"]
    async with Emulator() as emu:
        yield "running emulator", emu, ["Emulator", "http://127.0.0.1:"]
        async with AsyncPlivo(emu.auth_id, emu.auth_token, base_url=emu.url) as open_client:
            yield "open client", open_client, ["AsyncPlivo", "open"]
    for exc, facts in errors():
        yield type(exc).__name__, exc, facts
        copy = pickle.loads(pickle.dumps(exc))
        yield f"pickled {type(exc).__name__}", copy, facts


async def _send(row: Any) -> Any:
    return row


def check(name: str, obj: Any, facts: list[str]) -> list[str]:
    text = repr(obj)
    problems = []
    if ADDRESS.search(text):
        problems.append(f"{name}: an address in {text!r}")
    for secret in (AUTH_TOKEN, BASIC):
        if secret in text:
            problems.append(f"{name}: the token in {text!r}")
    problems += [f"{name}: {fact!r} not in {text!r}" for fact in facts if fact not in text]
    return problems


async def test_every_public_repr_is_readable_and_secret_free() -> None:
    problems: list[str] = []
    seen = 0
    async for name, obj, facts in objects():
        problems += check(name, obj, facts)
        seen += 1
    assert seen > 60
    assert problems == []


@pytest.mark.parametrize("status", [429, 503])
def test_an_error_repr_keeps_its_status_and_message(status: int) -> None:
    exc = error_from_response(status, "POST", PATH, b'{"error": "too many requests"}', 1.0)
    text = repr(exc)
    assert text.startswith(f"{type(exc).__name__}('too many requests', status={status}")
    assert repr(pickle.loads(pickle.dumps(exc))) == text


def test_a_summary_repr_shows_no_clock_and_no_histogram_object() -> None:
    summary = Summary()
    summary.add(Outcome(0, None, response={}, attempts=1, elapsed=0.5))
    text = repr(summary)
    assert "started" not in text
    assert "_Histogram" not in text
    assert "elapsed_s=" in text
