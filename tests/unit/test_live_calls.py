"""``client.live_calls`` / ``client.queued_calls``: the SDK's spellings over ``client.calls``."""

from __future__ import annotations

import re

import pytest
from aioresponses import aioresponses

from plivo_async.client import AsyncPlivo
from plivo_async.errors import ResourceNotFoundError, ValidationError
from plivo_async.models import LiveCall, LiveCallIds, QueuedCall, QueuedCallIds

from ._resources_helpers import (
    API,
    API_ID,
    CALL_UUID,
    assert_sent,
    client_fixture,  # noqa: F401 - the "client" fixture
    mocked_fixture,  # noqa: F401 - the "mocked" fixture
    sent,
)


def any_query(url: str) -> re.Pattern[str]:
    return re.compile(re.escape(url) + r"(\?.*)?$")


async def test_live_get(client: AsyncPlivo, mocked: aioresponses) -> None:
    mocked.get(
        any_query(API + f"Call/{CALL_UUID}/"),
        payload={"api_id": API_ID, "call_uuid": CALL_UUID, "call_status": "in-progress"},
    )
    call = await client.live_calls.get(CALL_UUID)
    assert_sent(mocked, "GET", API + f"Call/{CALL_UUID}/", query={"status": "live"})
    assert isinstance(call, LiveCall) and call.call_status == "in-progress"


async def test_live_list_ids_positional_like_the_sdk(
    client: AsyncPlivo, mocked: aioresponses
) -> None:
    mocked.get(any_query(API + "Call/"), payload={"api_id": API_ID, "calls": ["u1"]})
    ids = await client.live_calls.list_ids("outbound", "+14155550100", None, 5, 10)
    assert_sent(
        mocked,
        "GET",
        API + "Call/",
        query={
            "status": "live",
            "call_direction": "outbound",
            "from_number": "+14155550100",
            "limit": "5",
            "offset": "10",
        },
    )
    assert ids == LiveCallIds(api_id=API_ID, calls=["u1"])


async def test_queued_get_and_list_ids(client: AsyncPlivo, mocked: aioresponses) -> None:
    mocked.get(any_query(API + f"Call/{CALL_UUID}/"), payload={"call_uuid": CALL_UUID})
    mocked.get(any_query(API + "Call/"), payload={"calls": ["q1", "q2"]})
    call = await client.queued_calls.get(CALL_UUID)
    ids = await client.queued_calls.list_ids(2, 0)
    assert isinstance(call, QueuedCall) and call.call_uuid == CALL_UUID
    assert ids == QueuedCallIds(calls=["q1", "q2"])
    queries = [dict(url.query) for _m, url, _k in sent(mocked)]
    assert {"status": "queued"} in queries
    assert {"limit": "2", "offset": "0", "status": "queued"} in queries


async def test_the_callback_mode_is_passed_through(
    client: AsyncPlivo, mocked: aioresponses
) -> None:
    mocked.get(any_query(API + "Call/"), payload={"message": "async api spawned"})
    ids = await client.queued_calls.list_ids(callback_url="https://example.com/cb")
    assert_sent(
        mocked,
        "GET",
        API + "Call/",
        query={"status": "queued", "callback_url": "https://example.com/cb"},
    )
    assert ids.calls == [] and ids.raw["message"] == "async api spawned"


@pytest.mark.parametrize("view", ["live_calls", "queued_calls"])
@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"_id": "a\nb"}, "call_uuid"),  # "a/b" is encoded into one segment, not refused
        ({"_id": ""}, "call_uuid"),
        ({"_id": CALL_UUID, "callback_url": "nope"}, "callback_url"),
        ({"_id": CALL_UUID, "callback_method": "DELETE"}, "callback_method"),
    ],
)
async def test_bad_input_is_refused_before_sending(
    client: AsyncPlivo, mocked: aioresponses, view: str, kwargs: dict[str, str], field: str
) -> None:
    with pytest.raises(ValidationError) as err:
        await getattr(client, view).get(**kwargs)
    assert err.value.field == field
    assert sent(mocked) == []


@pytest.mark.parametrize("view", ["live_calls", "queued_calls"])
async def test_list_ids_limits(client: AsyncPlivo, mocked: aioresponses, view: str) -> None:
    with pytest.raises(ValidationError) as err:
        await getattr(client, view).list_ids(limit=21)
    assert err.value.field == "limit"
    assert sent(mocked) == []


async def test_unknown_live_call(client: AsyncPlivo, mocked: aioresponses) -> None:
    mocked.get(any_query(API + "Call/gone/"), status=404, payload={"error": "not found"})
    with pytest.raises(ResourceNotFoundError):
        await client.live_calls.get("gone")


async def test_iter_all_walks_by_offset_until_a_short_page(
    client: AsyncPlivo, mocked: aioresponses
) -> None:
    url = API + "Call/?status=live&limit=2&offset={}"
    mocked.get(url.format(0), payload={"calls": ["a", "b"]})
    mocked.get(url.format(2), payload={"calls": ["c", "d"]})
    mocked.get(url.format(4), payload={"calls": ["e"]})
    assert [u async for u in client.live_calls.iter_all(limit=2)] == ["a", "b", "c", "d", "e"]


async def test_iter_all_stops_when_the_offset_is_ignored(
    client: AsyncPlivo, mocked: aioresponses
) -> None:
    url = API + "Call/?status=queued&limit=20&offset={}"
    mocked.get(url.format(0), payload={"calls": [f"q{i}" for i in range(20)]})
    mocked.get(url.format(20), payload={"calls": [f"q{i}" for i in range(20)]})
    got = [u async for u in client.queued_calls]
    assert got == [f"q{i}" for i in range(20)]
    assert len(sent(mocked)) == 2


async def test_async_for_live_calls(client: AsyncPlivo, mocked: aioresponses) -> None:
    mocked.get(API + "Call/?status=live&limit=20&offset=0", payload={"calls": []})
    assert [u async for u in client.live_calls] == []
