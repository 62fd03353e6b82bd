"""Arbitrary requests to every route of the emulator: never a 5xx that was not injected.

The routes are read from the app itself, so an area added later is fuzzed without
touching this file. Bodies are arbitrary JSON objects (biased towards the API's field
names and nasty values), arbitrary bytes as JSON or as a form, or nothing; path
parameters are arbitrary percent-encoded bytes or real ids. Faults configured through
``PUT /__emulator__/faults`` along the way are allowed to answer 5xx or drop the
connection, and only then.
"""

from __future__ import annotations

import json
from urllib.parse import quote, urlencode

import aiohttp
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from yarl import URL

from plivo_async.emulator import FAULT_NAMES, Emulator

from ._helpers import Api, call_body

ROUTES = sorted(
    {
        (route.method, str(route.resource.canonical).rstrip("/"))
        for route in Emulator().app.router.routes()
        if route.resource is not None
    }
)
FIELDS = sorted(
    {
        *call_body(),
        *("ring_url", "hangup_url", "fallback_url", "machine_detection_url", "caller_name"),
        *("time_limit", "ring_timeout", "hangup_on_ring", "machine_detection_time"),
        *("machine_detection", "send_digits", "sip_headers", "parent_call_uuid"),
        *("error_if_parent_not_found", "answer_method", "ring_method", "legs", "leg"),
        *("aleg_url", "bleg_url", "aleg_method", "file_format", "urls", "text", "digits"),
        *("action", "role", "trigger_source", "schedule", "latency_ms", "server_errors"),
        *("rate_429", "rate_5xx", "drop_before", "retry_after", "paths", "seed"),
    }
)
NASTY = st.sampled_from(
    [
        "+14155550101",
        "+14155550101<+14155550102",
        "sip:a@example.com",
        "http://[::1",
        "http://127.0.0.1:99999/",
        "https://example.com/answer",
        "9" * 5000,
        "1e999",
        "-1",
        "aleg",
        "both",
        "call",
        "hangup",
        "agent",
        "wav",
        "GET",
        "latency:10",
        "drop_after",
        "\udcff",
        "\x00",
        "",
    ]
)
JSON_LEAF = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.integers(min_value=-(10**400), max_value=10**400),
    st.floats(),
    st.text(max_size=20),
    NASTY,
)
JSON_VALUE = st.recursive(
    JSON_LEAF,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner),
    max_leaves=6,
)
JSON_OBJECT = st.dictionaries(
    st.one_of(st.sampled_from(FIELDS), st.text(max_size=10)), JSON_VALUE, max_size=8
)
FORM = "application/x-www-form-urlencoded"


@st.composite
def bodies(draw: st.DrawFn) -> tuple[bytes, str | None]:
    """(raw body, content type)."""
    kind = draw(st.sampled_from(["json", "form", "bytes", "none"]))
    if kind == "json":
        obj = draw(JSON_OBJECT)
        base = draw(st.sampled_from([{}, call_body()]))
        return json.dumps({**base, **obj}).encode("utf-8", "surrogatepass"), "application/json"
    if kind == "form":
        fields = draw(st.dictionaries(st.sampled_from(FIELDS), NASTY | st.text(max_size=10)))
        encoded = urlencode(fields, encoding="utf-8", errors="surrogateescape")
        return encoded.encode("ascii"), FORM
    if kind == "bytes":
        ctype = draw(st.sampled_from(["application/json", FORM, None, "text/plain"]))
        return draw(st.binary(max_size=64)), ctype
    return b"", None


@st.composite
def segments(draw: st.DrawFn, ids: list[str]) -> str:
    """One encoded path segment: a real id or arbitrary bytes."""
    if ids and draw(st.booleans()):
        return quote(draw(st.sampled_from(ids)), safe="")
    return quote(draw(st.binary(min_size=1, max_size=16)), safe="")


def fill(path: str, values: dict[str, str]) -> str:
    for name, value in values.items():
        path = path.replace("{" + name + "}", value)
    return path


async def live_call(http: aiohttp.ClientSession, api: Api, emu: Emulator) -> str:
    """A live call's uuid (the clock stands still: it rings until someone hangs it up)."""
    for call in emu.calls:
        if call.is_live(emu.clock()):
            return call.uuid
    async with http.post(api.calls, json=call_body(to="+14155559000")) as resp:
        return str((await resp.json())["request_uuid"])


QUERY_TEXT = st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=6)
QUERY = st.dictionaries(
    st.sampled_from(["limit", "offset", "status", "to_number"]) | QUERY_TEXT,
    st.sampled_from(["live", "queued", "completed", "20", "-1", "9" * 5000]) | QUERY_TEXT,
    max_size=3,
)
FAULT = st.sampled_from([None, None, None, *sorted(FAULT_NAMES), "latency:5"])


@pytest.mark.parametrize("route", ROUTES, ids=[f"{m} {p}" for m, p in ROUTES])
@settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
async def test_no_route_answers_5xx_to_arbitrary_input(
    route: tuple[str, str],
    data: st.DataObject,
    http: aiohttp.ClientSession,
    api: Api,
    emu: Emulator,
) -> None:
    method, template = route
    ids = [await live_call(http, api, emu), "phlo1", "node1", "+14155559000"]
    names = [part[1:-1] for part in template.split("/") if part.startswith("{")]
    values = {
        name: emu.auth_id
        if name == "auth_id" and data.draw(st.integers(0, 9), label="real auth_id") > 0
        else data.draw(segments(ids), label=name)
        for name in names
    }
    body, ctype = data.draw(bodies(), label="body")
    slash = data.draw(st.sampled_from(["", "/"]), label="trailing slash")
    url = URL(emu.url + fill(template, values) + slash, encoded=True)
    query = data.draw(QUERY, label="query")
    if query:
        url = url.update_query(query)
    headers = {"Content-Type": ctype} if ctype else {}
    emu.set_faults(schedule=[data.draw(FAULT, label="fault")])
    before = len(emu.history.requests)
    try:
        async with http.request(method, url, data=body, headers=headers) as resp:
            status: int | None = resp.status
            await resp.read()
    except (aiohttp.ServerDisconnectedError, aiohttp.ClientPayloadError, aiohttp.ClientOSError):
        status = None
    finally:
        emu.clear_faults()
    records = emu.history.requests[before:]
    fault = records[-1].fault if records else None
    if status is None:
        assert fault is not None and fault.startswith("drop"), (method, url, body)
    elif status >= 500:
        assert fault in FAULT_NAMES and not fault.startswith("drop"), (method, url, body, status)
