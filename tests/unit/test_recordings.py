"""``client.recordings``, ``client.transcriptions`` and ``calls.record``'s newer parameters."""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest
from aioresponses import aioresponses

from plivo_async.client import AsyncPlivo
from plivo_async.errors import OutcomeUnknownError, ResourceNotFoundError, ValidationError
from plivo_async.models.calls import ActionResponse, RecordResponse
from plivo_async.models.recordings import Recording, RecordingListResponse, Transcription
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

RECORDING_ID = "7f3c91d2-8d41-11ee-b7c2-0242ac110002"
BASE = f"/v1/Account/{AUTH_ID}/Recording/"


def loose(value: object) -> Any:
    return value


# -- responses ------------------------------------------------------------------------------


def test_recording_parses_the_documented_fields() -> None:
    from plivo_async._convert import structure_response

    data = fixture("recordings", "get")
    rec = structure_response(Recording, data)
    assert rec.recording_id == RECORDING_ID
    assert rec.recording_format == "mp3"
    assert rec.recording_duration_ms == "61200.00000"
    assert rec.rounded_recording_duration == 120
    assert rec.recording_storage_duration == 8
    assert rec.monthly_recording_storage_amount == pytest.approx(0.0004)
    assert rec.from_number == "+14155550100"
    assert rec.conference_name is None
    # A field the model does not know stays readable.
    assert rec.raw["recording_callback_status"] == "completed"


# -- recordings.get / delete ----------------------------------------------------------------


async def test_get(client: AsyncPlivo, mocked: aioresponses) -> None:
    mocked.get(API + f"Recording/{RECORDING_ID}/", payload=fixture("recordings", "get"))
    rec = await client.recordings.get(RECORDING_ID)
    assert_sent(mocked, "GET", API + f"Recording/{RECORDING_ID}/")
    assert isinstance(rec, Recording)
    assert rec.call_uuid == "0d7b3e52-8d41-11ee-8f4e-3b1a2c9d0e11"


async def test_get_unknown_raises_not_found(client: AsyncPlivo, mocked: aioresponses) -> None:
    mocked.get(API + "Recording/nope/", status=404, payload={"error": "not found"})
    with pytest.raises(ResourceNotFoundError):
        await client.recordings.get("nope")


async def test_delete(client: AsyncPlivo, mocked: aioresponses) -> None:
    mocked.delete(API + f"Recording/{RECORDING_ID}/", status=204)
    resp = await client.recordings.delete(RECORDING_ID)
    assert_sent(mocked, "DELETE", API + f"Recording/{RECORDING_ID}/")
    assert resp == ActionResponse()


async def test_delete_is_retried_after_an_ambiguous_failure(mocked: aioresponses) -> None:
    url = API + f"Recording/{RECORDING_ID}/"
    mocked.delete(url, status=500, payload={"error": "boom"})
    mocked.delete(url, status=204)
    async with AsyncPlivo(AUTH_ID, AUTH_TOKEN, retry=RetryPolicy(sleep=no_sleep)) as c:
        await c.recordings.delete(RECORDING_ID)
    assert len(sent(mocked)) == 2


@pytest.mark.parametrize("bad", ["", ".", "..", "a\nb", "a\x00b", 1.5, None])
@pytest.mark.parametrize("method", ["get", "delete"])
async def test_bad_recording_ids_are_refused_before_sending(
    client: AsyncPlivo, mocked: aioresponses, method: str, bad: object
) -> None:
    with pytest.raises(ValidationError) as excinfo:
        await getattr(client.recordings, method)(loose(bad))
    refused(excinfo, "recording_id", mocked)


async def test_ids_with_path_characters_stay_in_their_segment(
    client: AsyncPlivo, mocked: aioresponses
) -> None:
    mocked.get(API + "Recording/a%2F..%2Fb%3Fx/", payload={})
    await client.recordings.get("a/../b?x")
    [(_method, url, _kw)] = sent(mocked)
    assert url.raw_path == f"{BASE}a%2F..%2Fb%3Fx/"


# -- recordings.list / iter_all -------------------------------------------------------------


async def test_list_sends_every_sdk_filter(client: AsyncPlivo, mocked: aioresponses) -> None:
    filters: dict[str, Any] = {
        "subaccount": "SAXXXXXXXXXXXXXXXXXX",
        "call_uuid": CALL_UUID,
        "add_time__gt": "2023-11-01 00:00",
        "add_time__gte": datetime(
            2023, 11, 1, 5, 30, tzinfo=timezone(timedelta(hours=5, minutes=30))
        ),
        "add_time__lt": "2023-11-30 00:00:00",
        "add_time__lte": "2023-11-30 00:00:00.5",
        "recording_storage_duration": 3,
        "recording_storage_duration__gt": "1",
        "recording_storage_duration__gte": 1,
        "recording_storage_duration__lt": 90,
        "recording_storage_duration__lte": 90,
        "from_number": "+14155550100",
        "to_number": "14155550101",
        "conference_name": "Sales Standup",
        "mpc_name": "Escalations",
        "conference_uuid": "c1",
        "mpc_uuid": "m1",
        "limit": 5,
        "offset": 10,
    }
    expected = {
        key: str(value) for key, value in filters.items() if not isinstance(value, datetime)
    } | {"add_time__gte": "2023-11-01 00:00:00"}
    mocked.get(
        re.compile(re.escape(API + "Recording/") + r"\?.*"), payload=fixture("recordings", "list")
    )
    page = await client.recordings.list(**filters)
    assert_sent(mocked, "GET", API + "Recording/", query=expected)
    assert isinstance(page, RecordingListResponse)
    assert [r.recording_format for r in page] == ["mp3", "wav"]
    assert page.meta.total_count == 3
    assert len(page) == 2


async def test_list_without_filters_sends_no_query(
    client: AsyncPlivo, mocked: aioresponses
) -> None:
    mocked.get(API + "Recording/", payload={"api_id": "a", "objects": []})
    await client.recordings.list()
    assert_sent(mocked, "GET", API + "Recording/")


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("limit", 0),
        ("limit", 21),
        ("offset", -1),
        ("subaccount", "MA123"),
        ("add_time__gt", "yesterday"),
        ("recording_storage_duration__lt", -1),
        ("recording_storage_duration", "many"),
        ("call_uuid", 5),
        ("not_a_filter", 1),
    ],
)
async def test_bad_filters_are_refused_before_sending(
    client: AsyncPlivo, mocked: aioresponses, field: str, value: object
) -> None:
    with pytest.raises(ValidationError) as excinfo:
        await client.recordings.list(**{field: value})
    refused(excinfo, field, mocked)


async def test_iter_all_follows_the_pages(client: AsyncPlivo, mocked: aioresponses) -> None:
    def page(ids: list[str], next_url: str | None) -> dict[str, Any]:
        return {
            "api_id": "p",
            "meta": {"limit": 2, "next": next_url, "offset": 0, "previous": None},
            "objects": [{"recording_id": i} for i in ids],
        }

    mocked.get(
        API + f"Recording/?call_uuid={CALL_UUID}&limit=2&offset=0",
        payload=page(["a", "b"], BASE + "?limit=2&offset=2"),
    )
    mocked.get(
        API + f"Recording/?call_uuid={CALL_UUID}&limit=2&offset=2", payload=page(["c"], None)
    )
    got = [r.recording_id async for r in client.recordings.iter_all(call_uuid=CALL_UUID, limit=2)]
    assert got == ["a", "b", "c"]


async def test_async_for_over_the_resource_uses_pages_of_twenty(
    client: AsyncPlivo, mocked: aioresponses
) -> None:
    mocked.get(
        API + "Recording/?limit=20&offset=0",
        payload={
            "meta": {"next": BASE + "?limit=20&cursor=C2"},
            "objects": [{"recording_id": "a"}],
        },
    )
    mocked.get(
        API + "Recording/?limit=20&cursor=C2",
        payload={"meta": {"next": None}, "objects": [{"recording_id": "b"}]},
    )
    assert [r.recording_id async for r in client.recordings] == ["a", "b"]


async def test_iter_all_refuses_bad_filters_before_the_first_request(
    client: AsyncPlivo, mocked: aioresponses
) -> None:
    with pytest.raises(ValidationError) as excinfo:
        async for _ in client.recordings.iter_all(limit=50):
            pass
    refused(excinfo, "limit", mocked)


# -- transcriptions -------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["get_transcription", "get"])
async def test_get_transcription(client: AsyncPlivo, mocked: aioresponses, name: str) -> None:
    mocked.get(
        API + f"Transcription/{RECORDING_ID}/", payload=fixture("recordings", "transcription")
    )
    got = await getattr(client.transcriptions, name)(RECORDING_ID)
    assert_sent(mocked, "GET", API + f"Transcription/{RECORDING_ID}/")
    assert isinstance(got, Transcription)
    assert got.transcription is not None and got.transcription.startswith("Hi, this is")
    assert got.duration == 61
    assert got.transcription_charge == pytest.approx(0.05)
    assert got.raw["language"] == "en-US"


async def test_get_transcription_with_a_type(client: AsyncPlivo, mocked: aioresponses) -> None:
    mocked.get(API + f"Transcription/{RECORDING_ID}/?type=raw", payload={})
    await client.transcriptions.get_transcription(RECORDING_ID, type="raw")
    assert_sent(mocked, "GET", API + f"Transcription/{RECORDING_ID}/", query={"type": "raw"})


@pytest.mark.parametrize("name", ["create_transcription", "create"])
@pytest.mark.parametrize(
    ("callback", "body"),
    [
        (None, {}),
        ("https://example.com/t", {"transcription_callback_url": "https://example.com/t"}),
    ],
)
async def test_create_transcription(
    client: AsyncPlivo, mocked: aioresponses, name: str, callback: str | None, body: Any
) -> None:
    mocked.post(
        API + f"Transcription/{RECORDING_ID}/",
        status=202,
        payload=fixture("recordings", "transcription_created"),
    )
    resp = await getattr(client.transcriptions, name)(RECORDING_ID, callback)
    assert_sent(mocked, "POST", API + f"Transcription/{RECORDING_ID}/", body)
    assert resp.message == "transcription in progress"


async def test_create_transcription_is_not_retried_after_an_ambiguous_failure(
    mocked: aioresponses,
) -> None:
    """Billed per order: a 500 may mean it was ordered, so it is not ordered again."""
    mocked.post(API + "Transcription/r1/", status=500, payload={"error": "boom"}, repeat=True)
    async with AsyncPlivo(AUTH_ID, AUTH_TOKEN, retry=RetryPolicy(sleep=no_sleep)) as c:
        with pytest.raises(OutcomeUnknownError):
            await c.transcriptions.create_transcription("r1")
    assert len(sent(mocked)) == 1


@pytest.mark.parametrize("name", ["delete_transcription", "delete"])
async def test_delete_transcription(client: AsyncPlivo, mocked: aioresponses, name: str) -> None:
    mocked.delete(API + f"Transcription/{RECORDING_ID}/", status=204)
    await getattr(client.transcriptions, name)(RECORDING_ID)
    assert_sent(mocked, "DELETE", API + f"Transcription/{RECORDING_ID}/")


@pytest.mark.parametrize(
    ("call", "field"),
    [
        (lambda t: t.get_transcription(""), "transcription_id"),
        (lambda t: t.get_transcription("x", type=5), "type"),
        (lambda t: t.create_transcription(".."), "recording_id"),
        (
            lambda t: t.create_transcription("r1", "ftp://example.com/t"),
            "transcription_callback_url",
        ),
        (lambda t: t.delete_transcription("a\rb"), "transcription_id"),
    ],
)
async def test_bad_transcription_input_is_refused_before_sending(
    client: AsyncPlivo, mocked: aioresponses, call: Any, field: str
) -> None:
    with pytest.raises(ValidationError) as excinfo:
        await call(client.transcriptions)
    refused(excinfo, field, mocked)


# -- calls.record ---------------------------------------------------------------------------


async def test_record_sends_transcription_report_type(
    client: AsyncPlivo, mocked: aioresponses
) -> None:
    url = API + f"Call/{CALL_UUID}/Record/"
    mocked.post(
        url,
        status=202,
        payload={"api_id": "a", "message": "call recording started", "recording_id": "r1"},
    )
    resp = await client.calls.record(
        CALL_UUID,
        time_limit=60,
        transcription_type="auto",
        transcription_url="https://example.com/t",
        transcription_report_type="verbose",
    )
    assert_sent(
        mocked,
        "POST",
        url,
        {
            "time_limit": 60,
            "transcription_type": "auto",
            "transcription_url": "https://example.com/t",
            "transcription_report_type": "verbose",
        },
    )
    assert isinstance(resp, RecordResponse)
    assert resp.recording_id == "r1"


async def test_record_refuses_a_transcription_report_type_that_is_not_text(
    client: AsyncPlivo, mocked: aioresponses
) -> None:
    with pytest.raises(ValidationError) as excinfo:
        await client.calls.record(CALL_UUID, transcription_report_type=loose(7))
    refused(excinfo, "transcription_report_type", mocked)
