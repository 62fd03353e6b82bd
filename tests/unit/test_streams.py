"""Audio streams on a live call: ``calls.start_stream`` and friends (``Call/{uuid}/Stream/``)."""

from __future__ import annotations

from typing import Any

import pytest
from aioresponses import aioresponses

from plivo_async._convert import structure_response
from plivo_async.client import AsyncPlivo
from plivo_async.errors import OutcomeUnknownError, ResourceNotFoundError, ValidationError
from plivo_async.models.calls import ActionResponse
from plivo_async.models.streams import StartStreamResponse, Stream, StreamListResponse
from plivo_async.retry import RetryPolicy

from ._fixtures import fixture, refused
from ._resources_helpers import (
    API,
    AUTH_ID,
    AUTH_TOKEN,
    CALL_UUID,
    assert_sent,
    client_fixture,  # noqa: F401 - the "client" fixture
    mocked_fixture,  # noqa: F401 - the "mocked" fixture
    no_sleep,
    sent,
)

STREAM_ID = "30852c23-ee79-4eb4-b7b9-cd3605459650"
STREAMS = API + f"Call/{CALL_UUID}/Stream/"
WSS = "wss://stream.example.com/audio"


def test_stream_models_parse_the_documented_fields() -> None:
    listing = structure_response(StreamListResponse, fixture("streams", "list"))
    [stream] = listing
    assert stream.stream_id == STREAM_ID
    assert stream.audio_track == "both"
    assert stream.bidirectional is False
    assert stream.bill_duration == 21
    assert stream.billed_amount == "0.00300"
    assert listing.meta.total_count == 1
    assert listing.meta.raw["count"] == 1  # not a ListMeta field: kept in .raw
    one = structure_response(Stream, fixture("streams", "get"))
    assert (one.status, one.bidirectional, one.end_time) == ("in-progress", True, None)


async def test_start_stream_minimal(client: AsyncPlivo, mocked: aioresponses) -> None:
    mocked.post(STREAMS, status=202, payload=fixture("streams", "start"))
    resp = await client.calls.start_stream(CALL_UUID, WSS)
    assert_sent(mocked, "POST", STREAMS, {"service_url": WSS})
    assert isinstance(resp, StartStreamResponse)
    assert resp.stream_id == STREAM_ID
    assert resp.message == "audio streaming started"


async def test_start_stream_every_parameter_normalised(
    client: AsyncPlivo, mocked: aioresponses
) -> None:
    mocked.post(STREAMS, status=202, payload=fixture("streams", "start"))
    await client.calls.start_stream(
        CALL_UUID,
        service_url="ws://127.0.0.1:9000/ws",
        bidirectional=True,
        audio_track="Inbound",
        stream_timeout="600",  # type: ignore[arg-type]  # a CSV cell
        status_callback_url="https://example.com/status",
        status_callback_method="get",
        content_type="audio/x-L16;rate=16000",
        extra_headers={"tenant": "acme", "priority": 1},
        cx_bot="false",  # type: ignore[arg-type]
    )
    assert_sent(
        mocked,
        "POST",
        STREAMS,
        {
            "service_url": "ws://127.0.0.1:9000/ws",
            "bidirectional": True,
            "audio_track": "inbound",
            "stream_timeout": 600,
            "status_callback_url": "https://example.com/status",
            "status_callback_method": "GET",
            "content_type": "audio/x-l16;rate=16000",
            "extra_headers": "tenant=acme,priority=1",
            "cx_bot": False,
        },
    )


async def test_start_stream_is_not_retried_after_an_ambiguous_failure(
    mocked: aioresponses,
) -> None:
    mocked.post(STREAMS, status=502, payload={"error": "bad gateway"}, repeat=True)
    async with AsyncPlivo(AUTH_ID, AUTH_TOKEN, retry=RetryPolicy(sleep=no_sleep)) as c:
        with pytest.raises(OutcomeUnknownError):
            await c.calls.start_stream(CALL_UUID, WSS)
    assert len(sent(mocked)) == 1


@pytest.mark.parametrize(
    ("args", "field"),
    [
        ({"service_url": "https://stream.example.com"}, "service_url"),
        ({"service_url": "wss://"}, "service_url"),
        ({"service_url": "wss://host:99999/x"}, "service_url"),
        ({"service_url": ""}, "service_url"),
        ({"audio_track": "left"}, "audio_track"),
        ({"bidirectional": True, "audio_track": "both"}, "audio_track"),
        ({"bidirectional": True, "audio_track": "outbound"}, "audio_track"),
        ({"bidirectional": "sometimes"}, "bidirectional"),
        ({"stream_timeout": 0}, "stream_timeout"),
        ({"stream_timeout": 1.5}, "stream_timeout"),
        ({"status_callback_url": "example.com/status"}, "status_callback_url"),
        ({"status_callback_method": "PUT"}, "status_callback_method"),
        ({"content_type": "audio/wav"}, "content_type"),
        ({"extra_headers": "a=b;c=d"}, "extra_headers"),
        ({"extra_headers": {"bad key": "v"}}, "extra_headers"),
        ({"extra_headers": "k=" + "v" * 600}, "extra_headers"),
        ({"cx_bot": "maybe"}, "cx_bot"),
    ],
)
async def test_bad_stream_parameters_are_refused_before_sending(
    client: AsyncPlivo, mocked: aioresponses, args: dict[str, Any], field: str
) -> None:
    kwargs = {"service_url": WSS, **args}
    with pytest.raises(ValidationError) as excinfo:
        await client.calls.start_stream(CALL_UUID, **kwargs)
    refused(excinfo, field, mocked)


async def test_get_all_streams(client: AsyncPlivo, mocked: aioresponses) -> None:
    mocked.get(STREAMS, payload=fixture("streams", "list"))
    listing = await client.calls.get_all_streams(CALL_UUID)
    assert_sent(mocked, "GET", STREAMS)
    assert [s.stream_id for s in listing] == [STREAM_ID]


async def test_iter_all_streams_follows_meta_next(client: AsyncPlivo, mocked: aioresponses) -> None:
    base = f"/v1/Account/{AUTH_ID}/Call/{CALL_UUID}/Stream/"
    mocked.get(
        STREAMS,
        payload={"meta": {"next": base + "?limit=1&offset=1"}, "objects": [{"stream_id": "s1"}]},
    )
    mocked.get(
        STREAMS + "?limit=1&offset=1",
        payload={"meta": {"next": None}, "objects": [{"stream_id": "s2"}]},
    )
    got = [s.stream_id async for s in client.calls.iter_all_streams(CALL_UUID)]
    assert got == ["s1", "s2"]
    first, second = sent(mocked)
    assert dict(first[1].query) == {}  # no paging parameters the API does not document
    assert dict(second[1].query) == {"limit": "1", "offset": "1"}


@pytest.mark.parametrize("name", ["get_stream", "get_details_of_specific_stream"])
async def test_get_stream(client: AsyncPlivo, mocked: aioresponses, name: str) -> None:
    mocked.get(STREAMS + f"{STREAM_ID}/", payload=fixture("streams", "get"))
    stream = await getattr(client.calls, name)(CALL_UUID, STREAM_ID)
    assert_sent(mocked, "GET", STREAMS + f"{STREAM_ID}/")
    assert isinstance(stream, Stream)
    assert stream.status_callback_url == "https://example.com/stream-status"


async def test_get_unknown_stream_raises_not_found(
    client: AsyncPlivo, mocked: aioresponses
) -> None:
    mocked.get(STREAMS + "nope/", status=404, payload={"error": "stream not found"})
    with pytest.raises(ResourceNotFoundError):
        await client.calls.get_stream(CALL_UUID, "nope")


async def test_delete_all_streams(client: AsyncPlivo, mocked: aioresponses) -> None:
    mocked.delete(STREAMS, status=204)
    assert await client.calls.delete_all_streams(CALL_UUID) == ActionResponse()
    assert_sent(mocked, "DELETE", STREAMS)


@pytest.mark.parametrize("name", ["delete_stream", "delete_specific_stream"])
async def test_delete_stream(client: AsyncPlivo, mocked: aioresponses, name: str) -> None:
    mocked.delete(STREAMS + f"{STREAM_ID}/", status=204)
    await getattr(client.calls, name)(CALL_UUID, STREAM_ID)
    assert_sent(mocked, "DELETE", STREAMS + f"{STREAM_ID}/")


async def test_stopping_a_stream_is_retried_after_an_ambiguous_failure(
    mocked: aioresponses,
) -> None:
    mocked.delete(STREAMS + f"{STREAM_ID}/", status=500, payload={"error": "boom"})
    mocked.delete(STREAMS + f"{STREAM_ID}/", status=204)
    async with AsyncPlivo(AUTH_ID, AUTH_TOKEN, retry=RetryPolicy(sleep=no_sleep)) as c:
        await c.calls.delete_stream(CALL_UUID, STREAM_ID)
    assert len(sent(mocked)) == 2


@pytest.mark.parametrize(
    ("call", "field"),
    [
        (lambda c: c.start_stream("", WSS), "call_uuid"),
        (lambda c: c.get_all_streams(".."), "call_uuid"),
        (lambda c: c.get_stream(CALL_UUID, "."), "stream_id"),
        (lambda c: c.get_stream("a\x00", STREAM_ID), "call_uuid"),
        (lambda c: c.delete_all_streams("\udc80"), "call_uuid"),
        (lambda c: c.delete_stream(CALL_UUID, ""), "stream_id"),
        (lambda c: c.delete_stream(None, STREAM_ID), "call_uuid"),
    ],
)
async def test_bad_ids_are_refused_before_sending(
    client: AsyncPlivo, mocked: aioresponses, call: Any, field: str
) -> None:
    with pytest.raises(ValidationError) as excinfo:
        await call(client.calls)
    refused(excinfo, field, mocked)


async def test_iter_all_streams_refuses_a_bad_call_uuid_before_sending(
    client: AsyncPlivo, mocked: aioresponses
) -> None:
    with pytest.raises(ValidationError) as excinfo:
        async for _ in client.calls.iter_all_streams(".."):
            pass
    refused(excinfo, "call_uuid", mocked)
