"""``client.calls``: what goes on the wire for each endpoint, and what comes back."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any

import pytest
from aioresponses import aioresponses

from plivo_async.client import AsyncPlivo
from plivo_async.errors import OutcomeUnknownError, ResourceNotFoundError
from plivo_async.models import (
    ActionResponse,
    CallDetails,
    CallListResponse,
    CreateCallRequest,
    CreateCallResponse,
    LiveCall,
    LiveCallIds,
    QueuedCall,
    QueuedCallIds,
    RecordResponse,
)
from plivo_async.retry import RetryPolicy

from ._resources_helpers import (
    API,
    API_ID,
    AUTH_ID,
    AUTH_TOKEN,
    CALL_UUID,
    REQUEST_UUID,
    CountingLimiter,
    assert_sent,
    body_of,
    client_fixture,  # noqa: F401 - the "client" fixture
    mocked_fixture,  # noqa: F401 - the "mocked" fixture
    no_sleep,
    sent,
)

# The body of seed 004 ("Make an outbound call"), as Plivo's docs show it.
SEED_004 = {
    "from": "+14152224444",
    "to": "+14152223333",
    "answer_url": "https://s3.amazonaws.com/plivosamplexml/play_url.xml",
    "answer_method": "GET",
    "ring_url": "https://www.foo.com/ring.url",
    "ring_method": "POST",
    "hangup_url": "https://www.foo.com/hangup.url",
    "hangup_method": "POST",
    "fallback_url": "https://www.foo.com/fallback.url",
    "fallback_method": "POST",
    "caller_name": "friendly_name",
    "send_digits": "1w2W3",
    "send_on_preanswer": "true",
    "time_limit": "300",
}
FIRED = {"message": "call fired", "request_uuid": REQUEST_UUID, "api_id": API_ID}
QUEUED = {"message": "call queued", "request_uuid": REQUEST_UUID, "api_id": API_ID}


def loose(value: object) -> Any:
    """A value of the "wrong" static type, as a CSV row or a JSON document may give it."""
    return value


def any_query(url: str) -> re.Pattern[str]:
    """Match ``url`` with or without a query string (the query is asserted separately)."""
    return re.compile(re.escape(url) + r"(\?.*)?$")


# -- create -------------------------------------------------------------------------------


@pytest.mark.parametrize(("status", "reply"), [(201, FIRED), (200, QUEUED)])
async def test_create_sends_the_seed_body_and_types_the_answer(
    client: AsyncPlivo, mocked: aioresponses, status: int, reply: dict[str, Any]
) -> None:
    mocked.post(API + "Call/", status=status, payload=reply)
    resp = await client.calls.create(
        from_="+14152224444",
        to="+14152223333",
        answer_url="https://s3.amazonaws.com/plivosamplexml/play_url.xml",
        answer_method="GET",
        ring_url="https://www.foo.com/ring.url",
        ring_method="POST",
        hangup_url="https://www.foo.com/hangup.url",
        hangup_method="POST",
        fallback_url="https://www.foo.com/fallback.url",
        fallback_method="POST",
        caller_name="friendly_name",
        send_digits="1w2W3",
        send_on_preanswer=True,
        time_limit=300,
    )
    # Same keys and values as the seed; booleans and integers as JSON types, like the SDK.
    expected = {**SEED_004, "send_on_preanswer": True, "time_limit": 300}
    assert_sent(mocked, "POST", API + "Call/", expected)
    assert isinstance(resp, CreateCallResponse)
    assert resp == CreateCallResponse(
        api_id=API_ID, message=reply["message"], request_uuid=REQUEST_UUID
    )
    assert resp.request_uuids == [REQUEST_UUID]
    assert resp.raw == reply


async def test_create_accepts_the_seed_values_as_strings(
    client: AsyncPlivo, mocked: aioresponses
) -> None:
    """The seed writes every value as a string (as a CSV row would): accepted, normalised."""
    mocked.post(API + "Call/", status=201, payload=FIRED)
    args = {k: v for k, v in SEED_004.items() if k != "from"}
    await client.calls.create(from_=SEED_004["from"], **args)  # type: ignore[arg-type]
    assert_sent(
        mocked, "POST", API + "Call/", {**SEED_004, "send_on_preanswer": True, "time_limit": 300}
    )


async def test_create_minimal_sends_only_what_was_given(
    client: AsyncPlivo, mocked: aioresponses
) -> None:
    mocked.post(API + "Call/", status=201, payload=FIRED)
    await client.calls.create("+14155550100", "+14155550101", "https://example.com/answer")
    assert_sent(
        mocked,
        "POST",
        API + "Call/",
        {"from": "+14155550100", "to": "+14155550101", "answer_url": "https://example.com/answer"},
    )


async def test_create_every_parameter(client: AsyncPlivo, mocked: aioresponses) -> None:
    mocked.post(API + "Call/", status=201, payload=FIRED)
    await client.calls.create(
        from_="14155550100",
        to="sip:john1234@phone.plivo.com",
        answer_url="https://example.com/answer",
        answer_method="post",
        ring_url="https://example.com/ring",
        ring_method="get",
        hangup_url="https://example.com/hangup",
        hangup_method="Post",
        fallback_url="http://example.com/fallback",
        fallback_method="GET",
        caller_name="x" * 50,
        send_digits="123@1000",
        send_on_preanswer=False,
        time_limit=14400,
        hangup_on_ring=30,
        machine_detection=True,
        machine_detection_time=2000,
        machine_detection_url="https://example.com/amd",
        machine_detection_method="post",
        sip_headers={"head1": "val1", "head2": 2},
        ring_timeout=120,
        parent_call_uuid=CALL_UUID,
        error_if_parent_not_found=True,
    )
    assert_sent(
        mocked,
        "POST",
        API + "Call/",
        {
            "from": "14155550100",
            "to": "sip:john1234@phone.plivo.com",
            "answer_url": "https://example.com/answer",
            "answer_method": "POST",
            "ring_url": "https://example.com/ring",
            "ring_method": "GET",
            "hangup_url": "https://example.com/hangup",
            "hangup_method": "POST",
            "fallback_url": "http://example.com/fallback",
            "fallback_method": "GET",
            "caller_name": "x" * 50,
            "send_digits": "123@1000",
            "send_on_preanswer": False,
            "time_limit": 14400,
            "hangup_on_ring": 30,
            "machine_detection": "true",
            "machine_detection_time": 2000,
            "machine_detection_url": "https://example.com/amd",
            "machine_detection_method": "POST",
            "sip_headers": "head1=val1,head2=2",
            "ring_timeout": 120,
            "parent_call_uuid": CALL_UUID,
            "error_if_parent_not_found": True,
        },
    )


@pytest.mark.parametrize(
    "to",
    [
        "+14155550101<+14155550102<sip:john1234@phone.plivo.com",
        ["+14155550101", "+14155550102", "sip:john1234@phone.plivo.com"],
        ("+14155550101", "+14155550102", "sip:john1234@phone.plivo.com"),
    ],
)
async def test_bulk_create_joins_destinations_and_returns_every_uuid(
    client: AsyncPlivo, mocked: aioresponses, to: Any
) -> None:
    uuids = ["u1", "u2", "u3"]
    mocked.post(
        API + "Call/",
        status=201,
        payload={"message": "calls fired", "request_uuid": uuids, "api_id": API_ID},
    )
    resp = await client.calls.create("+14155550100", to, "https://example.com/answer")
    assert_sent(
        mocked,
        "POST",
        API + "Call/",
        {
            "from": "+14155550100",
            "to": "+14155550101<+14155550102<sip:john1234@phone.plivo.com",
            "answer_url": "https://example.com/answer",
        },
    )
    assert resp.request_uuid == uuids
    assert resp.request_uuids == uuids


async def test_create_accepts_the_official_sdk_spelling_to_(
    client: AsyncPlivo, mocked: aioresponses
) -> None:
    mocked.post(API + "Call/", status=201, payload=FIRED)
    await client.calls.create(
        from_="+14155550100", to_="+14155550101", answer_url="https://example.com/a"
    )
    assert body_of(sent(mocked)[0][2])["to"] == "+14155550101"


async def test_create_from_a_prebuilt_model(client: AsyncPlivo, mocked: aioresponses) -> None:
    mocked.post(API + "Call/", status=201, payload=FIRED)
    request = CreateCallRequest(
        from_="+14155550100", to="+14155550101", answer_url="https://example.com/a"
    )
    resp = await client.calls.create_from(request)
    assert_sent(
        mocked,
        "POST",
        API + "Call/",
        {"from": "+14155550100", "to": "+14155550101", "answer_url": "https://example.com/a"},
    )
    assert resp.request_uuid == REQUEST_UUID


async def test_create_counts_each_destination_against_calls_per_second(
    mocked: aioresponses,
) -> None:
    limiter = CountingLimiter()
    mocked.post(API + "Call/", status=201, payload=FIRED, repeat=True)
    mocked.get(any_query(API + "Call/"), payload={"api_id": API_ID, "objects": []})
    async with AsyncPlivo(
        AUTH_ID, AUTH_TOKEN, retry=RetryPolicy(max_attempts=1), calls_per_second=limiter
    ) as c:
        await c.calls.create("+14155550100", ["+14155550101", "+14155550102"], "https://e.com/a")
        await c.calls.create("+14155550100", "+14155550103", "https://e.com/a")
        await c.calls.list()  # not call-placing
    assert limiter.taken == [2, 1]


async def test_create_is_not_retried_after_an_ambiguous_failure(mocked: aioresponses) -> None:
    """A 500 on create may mean the call was placed: never dialled twice by default."""
    mocked.post(API + "Call/", status=500, payload={"error": "boom"}, repeat=True)
    policy = RetryPolicy(max_attempts=3, sleep=no_sleep)
    async with AsyncPlivo(AUTH_ID, AUTH_TOKEN, retry=policy) as c:
        with pytest.raises(OutcomeUnknownError):
            await c.calls.create("+14155550100", "+14155550101", "https://e.com/a")
    assert len(sent(mocked)) == 1


async def test_cancel(client: AsyncPlivo, mocked: aioresponses) -> None:
    mocked.delete(API + f"Request/{REQUEST_UUID}/", status=204)
    resp = await client.calls.cancel(REQUEST_UUID)
    assert_sent(mocked, "DELETE", API + f"Request/{REQUEST_UUID}/")
    assert resp == ActionResponse()
    assert resp.raw == {}


# -- records ------------------------------------------------------------------------------

CDR = {
    "answer_time": "2022-06-28 19:39:05+05:30",
    "api_id": API_ID,
    "bill_duration": 11,
    "billed_duration": 60,
    "call_direction": "outbound",
    "call_duration": 11,
    "call_uuid": CALL_UUID,
    "end_time": "2022-06-28 19:39:15+05:30",
    "from_number": "12025551111",
    "initiation_time": "2022-06-28 19:39:04+05:30",
    "parent_call_uuid": None,
    "resource_uri": f"/v1/Account/{AUTH_ID}/Call/{CALL_UUID}/",
    "to_number": "19172592277",
    "total_amount": "0.00850",
    "total_rate": "0.00850",
    "hangup_cause_name": "End Of XML Instructions",
    "hangup_cause_code": 4010,
    "hangup_source": "Plivo",
    "source_ip": "92.168.0.1",
    "a_field_plivo_added_later": {"nested": True},
}


async def test_get(client: AsyncPlivo, mocked: aioresponses) -> None:
    mocked.get(API + f"Call/{CALL_UUID}/", payload=CDR)
    call = await client.calls.get(CALL_UUID)
    assert_sent(mocked, "GET", API + f"Call/{CALL_UUID}/")
    assert isinstance(call, CallDetails)
    assert call.call_uuid == CALL_UUID
    assert call.bill_duration == 11
    assert call.hangup_cause_code == 4010
    assert call.parent_call_uuid is None
    assert call.raw["a_field_plivo_added_later"] == {"nested": True}


async def test_get_unknown_call_raises_not_found(client: AsyncPlivo, mocked: aioresponses) -> None:
    mocked.get(API + "Call/nope/", status=404, payload={"api_id": API_ID, "error": "not found"})
    with pytest.raises(ResourceNotFoundError) as info:
        await client.calls.get("nope")
    assert info.value.api_id == API_ID


async def test_list_sends_filters_as_query(client: AsyncPlivo, mocked: aioresponses) -> None:
    page = {
        "api_id": API_ID,
        "meta": {"limit": 5, "next": None, "offset": 0, "previous": None, "total_count": 1},
        "objects": [CDR],
    }
    mocked.get(any_query(API + "Call/"), payload=page)
    resp = await client.calls.list(
        subaccount="SAXXXXXXXXXXXXXXXXXX",
        call_direction="Outbound",
        from_number="+1415",
        to_number="1917",
        bill_duration__gte=10,
        end_time__gte=datetime(2024, 1, 2, 3, 4, 5),
        end_time__lt="2024-01-03 00:00",
        hangup_cause_code=4010,
        hangup_source="Plivo",
        limit=5,
        offset=0,
    )
    assert_sent(
        mocked,
        "GET",
        API + "Call/",
        query={
            "subaccount": "SAXXXXXXXXXXXXXXXXXX",
            "call_direction": "outbound",
            "from_number": "+1415",
            "to_number": "1917",
            "bill_duration__gte": "10",
            "end_time__gte": "2024-01-02 03:04:05",
            "end_time__lt": "2024-01-03 00:00",
            "hangup_cause_code": "4010",
            "hangup_source": "Plivo",
            "limit": "5",
            "offset": "0",
        },
    )
    assert isinstance(resp, CallListResponse)
    assert resp.meta.total_count == 1 and resp.meta.next is None
    assert [c.call_uuid for c in resp] == [CALL_UUID]
    assert len(resp) == 1
    assert resp.objects[0].raw["a_field_plivo_added_later"] == {"nested": True}


def _page(uuids: list[str], next_url: str | None, *, meta: bool = True) -> dict[str, Any]:
    out: dict[str, Any] = {
        "api_id": API_ID,
        "objects": [{"call_uuid": u} for u in uuids],
    }
    if meta:
        out["meta"] = {"limit": 2, "next": next_url, "offset": 0, "previous": None}
    return out


async def test_iter_all_follows_offsets_until_meta_next_is_null(
    client: AsyncPlivo, mocked: aioresponses
) -> None:
    base = f"/v1/Account/{AUTH_ID}/Call/"
    mocked.get(
        API + "Call/?call_direction=inbound&limit=2&offset=0",
        payload=_page(["a", "b"], base + "?limit=2&offset=2"),
    )
    mocked.get(
        API + "Call/?call_direction=inbound&limit=2&offset=2",
        payload=_page(["c", "d"], base + "?limit=2&offset=4"),
    )
    mocked.get(API + "Call/?call_direction=inbound&limit=2&offset=4", payload=_page(["e"], None))
    got = [c.call_uuid async for c in client.calls.iter_all(call_direction="inbound", limit=2)]
    assert got == ["a", "b", "c", "d", "e"]
    assert len(sent(mocked)) == 3


async def test_iter_all_follows_a_cursor_and_drops_the_offset(
    client: AsyncPlivo, mocked: aioresponses
) -> None:
    base = f"/v1/Account/{AUTH_ID}/Call/"
    mocked.get(API + "Call/?limit=20&offset=0", payload=_page(["a"], base + "?limit=20&cursor=XYZ"))
    mocked.get(API + "Call/?limit=20&cursor=XYZ", payload=_page(["b"], None))
    got = [c.call_uuid async for c in client.calls]
    assert got == ["a", "b"]


async def test_iter_all_without_meta_walks_by_offset_until_an_empty_page(
    client: AsyncPlivo, mocked: aioresponses
) -> None:
    mocked.get(API + "Call/?limit=2&offset=0", payload=_page(["a", "b"], None, meta=False))
    mocked.get(API + "Call/?limit=2&offset=2", payload=_page([], None, meta=False))
    got = [c.call_uuid async for c in client.calls.iter_all(limit=2)]
    assert got == ["a", "b"]


async def test_iter_all_stops_if_the_api_repeats_the_same_page(
    client: AsyncPlivo, mocked: aioresponses
) -> None:
    base = f"/v1/Account/{AUTH_ID}/Call/"
    mocked.get(API + "Call/?limit=2&offset=0", payload=_page(["a"], base + "?limit=2&offset=0"))
    got = [c.call_uuid async for c in client.calls.iter_all(limit=2)]
    assert got == ["a"]
    assert len(sent(mocked)) == 1


# -- live and queued calls ----------------------------------------------------------------

LIVE = {
    "direction": "outbound",
    "from": "15856338537",
    "call_status": "in-progress",
    "api_id": API_ID,
    "to": "14154290945",
    "caller_name": "+15856338537",
    "call_uuid": CALL_UUID,
    "session_start": "2024-01-15 10:54:48.593545",
    "request_uuid": REQUEST_UUID,
}


async def test_get_live(client: AsyncPlivo, mocked: aioresponses) -> None:
    mocked.get(API + f"Call/{CALL_UUID}/?status=live", payload=LIVE)
    call = await client.calls.get_live(CALL_UUID)
    assert_sent(mocked, "GET", API + f"Call/{CALL_UUID}/", query={"status": "live"})
    assert isinstance(call, LiveCall)
    assert call.from_ == "15856338537" and call.to == "14154290945"
    assert call.call_status == "in-progress"


async def test_list_live(client: AsyncPlivo, mocked: aioresponses) -> None:
    mocked.get(any_query(API + "Call/"), payload={"api_id": API_ID, "calls": ["u1", "u2"]})
    ids = await client.calls.list_live(call_direction="inbound", limit=10, offset=20)
    assert_sent(
        mocked,
        "GET",
        API + "Call/",
        query={"status": "live", "call_direction": "inbound", "limit": "10", "offset": "20"},
    )
    assert ids == LiveCallIds(api_id=API_ID, calls=["u1", "u2"])


async def test_get_queued(client: AsyncPlivo, mocked: aioresponses) -> None:
    reply = {**LIVE, "call_status": "queued"}
    reply.pop("session_start")
    mocked.get(API + f"Call/{CALL_UUID}/?status=queued", payload=reply)
    call = await client.calls.get_queued(CALL_UUID)
    assert_sent(mocked, "GET", API + f"Call/{CALL_UUID}/", query={"status": "queued"})
    assert isinstance(call, QueuedCall)
    assert call.call_status == "queued" and call.request_uuid == REQUEST_UUID


async def test_list_queued(client: AsyncPlivo, mocked: aioresponses) -> None:
    mocked.get(any_query(API + "Call/"), payload={"api_id": API_ID, "calls": ["q1"]})
    ids = await client.calls.queued_call_list_ids(5)
    assert_sent(mocked, "GET", API + "Call/", query={"status": "queued", "limit": "5"})
    assert ids == QueuedCallIds(api_id=API_ID, calls=["q1"])


async def test_sdk_named_live_lookups(client: AsyncPlivo, mocked: aioresponses) -> None:
    mocked.get(API + f"Call/{CALL_UUID}/?status=live", payload=LIVE)
    mocked.get(any_query(API + "Call/"), payload={"api_id": API_ID, "calls": []})
    assert (await client.calls.live_call_get(CALL_UUID)).call_uuid == CALL_UUID
    assert (await client.calls.live_call_list_ids()).calls == []
    assert client.calls.queued_call_get == client.calls.get_queued


# -- actions on a call in progress --------------------------------------------------------

Action = Callable[[AsyncPlivo], Awaitable[Any]]

ACTIONS: list[tuple[str, Action, str, str, Any, dict[str, Any], type, dict[str, Any]]] = [
    (
        "update (transfer)",
        lambda c: c.calls.update(
            CALL_UUID,
            legs="both",
            aleg_url="https://e.com/a",
            bleg_url="https://e.com/b",
            aleg_method="get",
            bleg_method="POST",
        ),
        "POST",
        f"Call/{CALL_UUID}/",
        {
            "legs": "both",
            "aleg_url": "https://e.com/a",
            "aleg_method": "GET",
            "bleg_url": "https://e.com/b",
            "bleg_method": "POST",
        },
        {"message": "call transferred", "api_id": API_ID},
        ActionResponse,
        {"message": "call transferred"},
    ),
    (
        "transfer alias",
        lambda c: c.calls.transfer(CALL_UUID, legs="aleg", aleg_url="https://e.com/a"),
        "POST",
        f"Call/{CALL_UUID}/",
        {"legs": "aleg", "aleg_url": "https://e.com/a"},
        {"message": "call transferred", "api_id": API_ID},
        ActionResponse,
        {"message": "call transferred"},
    ),
    (
        "record",
        lambda c: c.calls.record(
            CALL_UUID,
            time_limit=60,
            file_format="WAV",
            transcription_type="auto",
            transcription_url="https://e.com/t",
            transcription_method="get",
            callback_url="https://e.com/cb",
            callback_method="post",
            record_channel_type="stereo",
        ),
        "POST",
        f"Call/{CALL_UUID}/Record/",
        {
            "time_limit": 60,
            "file_format": "wav",
            "transcription_type": "auto",
            "transcription_url": "https://e.com/t",
            "transcription_method": "GET",
            "callback_url": "https://e.com/cb",
            "callback_method": "POST",
            "record_channel_type": "stereo",
        },
        {
            "url": "https://media.plivo.com/r.mp3",
            "message": "call recording started",
            "recording_id": "r-1",
            "api_id": API_ID,
        },
        RecordResponse,
        {"recording_id": "r-1", "url": "https://media.plivo.com/r.mp3"},
    ),
    (
        "start_recording alias",
        lambda c: c.calls.start_recording(CALL_UUID),
        "POST",
        f"Call/{CALL_UUID}/Record/",
        {},
        {"message": "call recording started", "api_id": API_ID},
        RecordResponse,
        {"message": "call recording started"},
    ),
    (
        "play",
        lambda c: c.calls.play(
            CALL_UUID,
            ["https://e.com/1.mp3", "https://e.com/2.wav"],
            length=30,
            legs="aleg",
            loop=True,
            mix=loose("false"),
        ),
        "POST",
        f"Call/{CALL_UUID}/Play/",
        {
            "urls": "https://e.com/1.mp3,https://e.com/2.wav",
            "length": 30,
            "legs": "aleg",
            "loop": True,
            "mix": False,
        },
        {"message": "play started", "api_id": API_ID},
        ActionResponse,
        {"message": "play started"},
    ),
    (
        "start_playing alias",
        lambda c: c.calls.start_playing(CALL_UUID, "https://e.com/1.mp3"),
        "POST",
        f"Call/{CALL_UUID}/Play/",
        {"urls": "https://e.com/1.mp3"},
        {"message": "play started", "api_id": API_ID},
        ActionResponse,
        {"message": "play started"},
    ),
    (
        "speak",
        lambda c: c.calls.speak(
            CALL_UUID,
            "Hello",
            voice="WOMAN",
            language="en-US",
            legs="both",
            loop=False,
            mix=True,
            type="text",
        ),
        "POST",
        f"Call/{CALL_UUID}/Speak/",
        {
            "text": "Hello",
            "voice": "WOMAN",
            "language": "en-US",
            "legs": "both",
            "loop": False,
            "mix": True,
            "type": "text",
        },
        {"message": "speak started", "api_id": API_ID},
        ActionResponse,
        {"message": "speak started"},
    ),
    (
        "start_speaking alias",
        lambda c: c.calls.start_speaking(CALL_UUID, "Hi"),
        "POST",
        f"Call/{CALL_UUID}/Speak/",
        {"text": "Hi"},
        {"message": "speak started", "api_id": API_ID},
        ActionResponse,
        {"message": "speak started"},
    ),
    (
        "send_digits",
        lambda c: c.calls.send_digits(CALL_UUID, "123#", leg="bleg"),
        "POST",
        f"Call/{CALL_UUID}/DTMF/",
        {"digits": "123#", "leg": "bleg"},
        {"message": "digits sent", "api_id": API_ID},
        ActionResponse,
        {"message": "digits sent"},
    ),
]


@pytest.mark.parametrize("status", [200, 201])
@pytest.mark.parametrize(
    ("name", "action", "method", "path", "body", "reply", "rtype", "fields"),
    ACTIONS,
    ids=[a[0] for a in ACTIONS],
)
async def test_in_call_action(
    client: AsyncPlivo,
    mocked: aioresponses,
    status: int,
    name: str,
    action: Action,
    method: str,
    path: str,
    body: Any,
    reply: dict[str, Any],
    rtype: type[Any],
    fields: dict[str, Any],
) -> None:
    mocked.add(API + path, method, status=status, payload=reply)
    resp = await action(client)
    assert_sent(mocked, method, API + path, body)
    assert isinstance(resp, rtype)
    assert resp.api_id == API_ID
    for key, value in fields.items():
        assert getattr(resp, key) == value
    assert resp.raw == reply


STOPS: list[tuple[str, Action, str]] = [
    ("hangup", lambda c: c.calls.hangup(CALL_UUID), f"Call/{CALL_UUID}/"),
    ("delete alias", lambda c: c.calls.delete(CALL_UUID), f"Call/{CALL_UUID}/"),
    ("stop_recording", lambda c: c.calls.stop_recording(CALL_UUID), f"Call/{CALL_UUID}/Record/"),
    ("record_stop alias", lambda c: c.calls.record_stop(CALL_UUID), f"Call/{CALL_UUID}/Record/"),
    ("stop_playing", lambda c: c.calls.stop_playing(CALL_UUID), f"Call/{CALL_UUID}/Play/"),
    ("play_stop alias", lambda c: c.calls.play_stop(CALL_UUID), f"Call/{CALL_UUID}/Play/"),
    ("stop_speaking", lambda c: c.calls.stop_speaking(CALL_UUID), f"Call/{CALL_UUID}/Speak/"),
    ("speak_stop alias", lambda c: c.calls.speak_stop(CALL_UUID), f"Call/{CALL_UUID}/Speak/"),
]


@pytest.mark.parametrize(("name", "action", "path"), STOPS, ids=[s[0] for s in STOPS])
async def test_delete_actions_answered_204(
    client: AsyncPlivo, mocked: aioresponses, name: str, action: Action, path: str
) -> None:
    mocked.delete(API + path, status=204)
    resp = await action(client)
    assert_sent(mocked, "DELETE", API + path)
    assert resp == ActionResponse()
    assert resp.raw == {}


async def test_delete_action_with_a_body(client: AsyncPlivo, mocked: aioresponses) -> None:
    mocked.delete(API + f"Call/{CALL_UUID}/", status=200, payload={"api_id": API_ID})
    resp = await client.calls.hangup(CALL_UUID)
    assert resp.api_id == API_ID


# -- pagination rules on their own --------------------------------------------------------


def _meta(next_url: str | None) -> Any:
    from plivo_async._convert import structure_response
    from plivo_async.models import ListMeta

    return structure_response(ListMeta, {"limit": 20, "next": next_url})


@pytest.mark.parametrize(
    ("params", "next_url", "expected"),
    [
        ({"limit": 20, "offset": 0}, "/Call/?limit=20&offset=20", {"limit": 20, "offset": 20}),
        ({"limit": 20, "offset": 0}, "/Call/?limit=99&offset=20", {"limit": 20, "offset": 20}),
        ({"limit": 5, "offset": 0}, "/Call/?cursor=c1", {"limit": 5, "cursor": "c1"}),
        ({"limit": 5, "cursor": "c1"}, "/Call/?limit=5&offset=10", {"limit": 5, "offset": 10}),
        # a next URL with neither: walk on by offset, or stop if following a cursor
        ({"limit": 5, "offset": 5}, "/Call/?foo=1", {"limit": 5, "offset": 8}),
        ({"limit": 5, "cursor": "c1"}, "/Call/?foo=1", None),
        ({"limit": 5, "offset": 0}, None, None),
    ],
)
def test_next_page(params: dict[str, Any], next_url: str | None, expected: Any) -> None:
    from plivo_async.resources._paging import next_page as _next_page

    assert _next_page(_meta(next_url), params, 3) == expected


def test_next_page_without_meta_while_following_a_cursor_stops() -> None:
    from plivo_async.models import ListMeta
    from plivo_async.resources._paging import next_page as _next_page

    assert _next_page(ListMeta(), {"limit": 5, "cursor": "c"}, 5) is None


async def test_iter_all_can_start_from_a_cursor(client: AsyncPlivo, mocked: aioresponses) -> None:
    mocked.get(API + "Call/?cursor=abc&limit=20", payload=_page(["z"], None))
    assert [c.call_uuid async for c in client.calls.iter_all(cursor="abc")] == ["z"]
