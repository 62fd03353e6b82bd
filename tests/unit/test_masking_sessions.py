"""``client.masking_sessions``: every SDK method's request, answer, rules and retry class."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

import pytest
from aioresponses import aioresponses

from plivo_async.client import AsyncPlivo
from plivo_async.errors import OutcomeUnknownError, ResourceNotFoundError, ValidationError
from plivo_async.models.masking_sessions import (
    CreateMaskingSessionResponse,
    MaskingSession,
    MaskingSessionActionResponse,
    MaskingSessionListResponse,
    MaskingSessionResponse,
)
from plivo_async.retry import RetryPolicy

from ._fixtures import load
from ._resources_helpers import (
    API,
    AUTH_ID,
    AUTH_TOKEN,
    CountingLimiter,
    assert_sent,
    client_fixture,  # noqa: F401 - the "client" fixture
    mocked_fixture,  # noqa: F401 - the "mocked" fixture
    no_sleep,
    sent,
)

SESSIONS = API + "Masking/Session/"
UUID = "7a1f8d6e-3c2b-4f0a-9e8d-1b2c3d4e5f60"
FIRST, SECOND = "+14155552345", "+12165554567"


async def test_create_sends_every_given_argument(client: AsyncPlivo, mocked: aioresponses) -> None:
    mocked.post(SESSIONS, status=201, payload=load("masking_sessions", "create"))
    response = await client.masking_sessions.create_masking_session(
        FIRST,
        SECOND,
        session_expiry="3600",
        call_time_limit=600,
        record=True,
        record_file_format="WAV",
        recording_callback_url="https://example.com/rec",
        recording_callback_method="get",
        callback_url="https://example.com/cb",
        ring_timeout=45,
        is_pin_authentication_required=True,
        generate_pin=False,
        first_party_pin=1234,
        second_party_pin="987654",
        pin_retry=2,
        pin_retry_wait=5,
        geomatch=True,
        force_pin_authentication=False,
    )
    assert_sent(
        mocked,
        "POST",
        SESSIONS,
        {
            "first_party": FIRST,
            "second_party": SECOND,
            "session_expiry": 3600,
            "call_time_limit": 600,
            "record": True,
            "record_file_format": "wav",
            "recording_callback_url": "https://example.com/rec",
            "recording_callback_method": "GET",
            "callback_url": "https://example.com/cb",
            "ring_timeout": 45,
            "is_pin_authentication_required": True,
            "generate_pin": False,
            "first_party_pin": "1234",
            "second_party_pin": "987654",
            "pin_retry": 2,
            "pin_retry_wait": 5,
            "geomatch": True,
            "force_pin_authentication": False,
        },
    )
    assert isinstance(response, CreateMaskingSessionResponse)
    assert response.session_uuid == UUID
    assert response.virtual_number == "+12205550020"
    assert isinstance(response.session, MaskingSession)
    assert response.session.status == "active"


def test_session_fixture_types_the_strings_plivo_sends() -> None:
    from plivo_async._convert import structure_response

    payload = load("masking_sessions", "session")
    session = structure_response(MaskingSession, payload)
    assert session.session_expiry == 3600
    assert session.record is False
    assert session.initiate_call_to_first_party is False
    assert session.total_call_count == 4
    assert session.total_call_billed_duration == 180
    assert session.recording_callback_url is None
    assert session.interaction is not None
    assert session.interaction.second_party_resource_url is not None
    assert session.interaction.recording_resource_url is None
    assert session.interaction.raw["new_field_plivo_may_add"] == 1
    assert session.raw["stir_attestation"] == "A"


async def test_create_with_a_call_to_the_first_party_counts_one_call(
    mocked: aioresponses,
) -> None:
    limiter = CountingLimiter()
    async with AsyncPlivo(
        AUTH_ID, AUTH_TOKEN, calls_per_second=limiter, retry=RetryPolicy(max_attempts=1)
    ) as client:
        mocked.post(SESSIONS, status=201, payload={}, repeat=True)
        await client.masking_sessions.create_masking_session(FIRST, SECOND)
        await client.masking_sessions.create_masking_session(
            FIRST, SECOND, initiate_call_to_first_party=True
        )
    assert limiter.taken == [1]


async def test_create_with_a_single_party(client: AsyncPlivo, mocked: aioresponses) -> None:
    mocked.post(SESSIONS, status=201, payload={})
    await client.masking_sessions.create_masking_session(
        FIRST, create_session_with_single_party=True
    )
    assert_sent(
        mocked, "POST", SESSIONS, {"first_party": FIRST, "create_session_with_single_party": True}
    )


@pytest.mark.parametrize(
    ("args", "options", "field"),
    [
        ((None, SECOND), {}, "first_party"),
        (("0123", SECOND), {}, "first_party"),
        ((FIRST, None), {}, "second_party"),
        ((FIRST, FIRST), {}, "second_party"),
        ((FIRST, SECOND), {"session_expiry": -1}, "session_expiry"),
        ((FIRST, SECOND), {"call_time_limit": 0}, "call_time_limit"),
        ((FIRST, SECOND), {"record": "maybe"}, "record"),
        ((FIRST, SECOND), {"record_file_format": "ogg"}, "record_file_format"),
        ((FIRST, SECOND), {"callback_url": "ftp://x"}, "callback_url"),
        ((FIRST, SECOND), {"callback_method": "PUT"}, "callback_method"),
        ((FIRST, SECOND), {"generate_pin_length": 3}, "generate_pin_length"),
        ((FIRST, SECOND), {"generate_pin_length": 16}, "generate_pin_length"),
        ((FIRST, SECOND), {"first_party_pin": "12a4"}, "first_party_pin"),
        ((FIRST, SECOND), {"second_party_pin": "123"}, "second_party_pin"),
        ((FIRST, SECOND), {"pin_prompt_play": "not a url"}, "pin_prompt_play"),
        ((FIRST, SECOND), {"subaccount": "SA1"}, "subaccount"),
    ],
)
async def test_create_refuses_bad_input_before_sending(
    client: AsyncPlivo,
    mocked: aioresponses,
    args: tuple[Any, Any],
    options: dict[str, Any],
    field: str,
) -> None:
    with pytest.raises(ValidationError) as err:
        await client.masking_sessions.create_masking_session(*args, **options)
    assert err.value.field == field
    assert sent(mocked) == []


async def test_create_is_not_resent_after_an_ambiguous_failure(mocked: aioresponses) -> None:
    async with AsyncPlivo(
        AUTH_ID, AUTH_TOKEN, retry=RetryPolicy(max_attempts=3, sleep=no_sleep)
    ) as client:
        mocked.post(SESSIONS, status=502, payload={}, repeat=True)
        with pytest.raises(OutcomeUnknownError):
            await client.masking_sessions.create_masking_session(FIRST, SECOND)
    assert len(sent(mocked)) == 1


async def test_update_is_retried_as_idempotent(mocked: aioresponses) -> None:
    async with AsyncPlivo(
        AUTH_ID, AUTH_TOKEN, retry=RetryPolicy(max_attempts=3, sleep=no_sleep)
    ) as client:
        mocked.post(SESSIONS + UUID + "/", status=502, payload={})
        mocked.post(SESSIONS + UUID + "/", status=200, payload=load("masking_sessions", "update"))
        response = await client.masking_sessions.update_masking_session(
            UUID, session_expiry=7200, callback_method="post"
        )
    assert [m for m, _u, _kw in sent(mocked)] == ["POST", "POST"]  # retried once
    assert isinstance(response, MaskingSessionActionResponse)
    assert response.session is not None and response.session.session_expiry == 7200


async def test_update_sends_only_the_changes(client: AsyncPlivo, mocked: aioresponses) -> None:
    mocked.post(SESSIONS + UUID + "/", payload={"message": "Session updated"})
    await client.masking_sessions.update_masking_session(UUID, record=False, geomatch="true")
    assert_sent(mocked, "POST", SESSIONS + UUID + "/", {"record": False, "geomatch": True})


async def test_unknown_arguments_are_python_errors(
    client: AsyncPlivo, mocked: aioresponses
) -> None:
    with pytest.raises(TypeError):
        await client.masking_sessions.create_masking_session(FIRST, SECOND, colour="red")  # type: ignore[call-arg]
    with pytest.raises(TypeError):  # an argument only create has
        await client.masking_sessions.update_masking_session(UUID, generate_pin=True)  # type: ignore[call-arg]
    assert sent(mocked) == []


async def test_get(client: AsyncPlivo, mocked: aioresponses) -> None:
    mocked.get(SESSIONS + UUID + "/", payload=load("masking_sessions", "get"))
    response = await client.masking_sessions.get_masking_session(UUID)
    assert_sent(mocked, "GET", SESSIONS + UUID + "/")
    assert isinstance(response, MaskingSessionResponse)
    assert response.session is response.response
    assert response.session is not None and response.session.first_party == FIRST


async def test_delete(client: AsyncPlivo, mocked: aioresponses) -> None:
    mocked.delete(SESSIONS + UUID + "/", payload=load("masking_sessions", "delete"))
    response = await client.masking_sessions.delete_masking_session(UUID)
    assert_sent(mocked, "DELETE", SESSIONS + UUID + "/")
    assert response.message == "Session expired"


async def test_unknown_session_is_not_found(client: AsyncPlivo, mocked: aioresponses) -> None:
    mocked.delete(SESSIONS + "nope/", status=404, payload={"error": "session not found"})
    with pytest.raises(ResourceNotFoundError):
        await client.masking_sessions.delete_masking_session("nope")


@pytest.mark.parametrize("bad", ["", ".", "..", "a\x00b"])
@pytest.mark.parametrize("method", ["get", "update", "delete"])
async def test_bad_session_uuids_are_refused(
    client: AsyncPlivo, mocked: aioresponses, bad: str, method: str
) -> None:
    call = getattr(client.masking_sessions, f"{method}_masking_session")
    with pytest.raises(ValidationError) as err:
        await call(bad)
    assert err.value.field == "session_uuid"
    assert sent(mocked) == []


async def test_a_uuid_with_a_slash_stays_one_segment(
    client: AsyncPlivo, mocked: aioresponses
) -> None:
    mocked.get(SESSIONS + "a%2F..%2Fb/", payload={})
    await client.masking_sessions.get_masking_session("a/../b")
    [(_m, url, _kw)] = sent(mocked)
    assert url.raw_path.endswith("/Masking/Session/a%2F..%2Fb/")


async def test_list_with_filters(client: AsyncPlivo, mocked: aioresponses) -> None:
    import re

    mocked.get(re.compile(re.escape(SESSIONS) + r"\?.*"), payload=load("masking_sessions", "list"))
    response = await client.masking_sessions.list_masking_session(
        first_party=FIRST,
        status="ACTIVE",
        created_time__gte=datetime(2026, 8, 1, tzinfo=timezone.utc),
        duration__gt="60",
        limit=5,
    )
    assert_sent(
        mocked,
        "GET",
        SESSIONS,
        query={
            "first_party": FIRST,
            "status": "active",
            "created_time__gte": "2026-08-01 00:00:00",
            "duration__gt": "60",
            "limit": "5",
        },
    )
    assert isinstance(response, MaskingSessionListResponse)
    assert [s.status for s in response] == ["active", "expired"]
    assert len(response) == 2
    assert response.meta.next is None


@pytest.mark.parametrize(
    ("filters", "field"),
    [
        ({"status": "done"}, "status"),
        ({"limit": 21}, "limit"),
        ({"offset": -1}, "offset"),
        ({"expiry_time__lt": "yesterday"}, "expiry_time__lt"),
        ({"virtual_number": "abc"}, "virtual_number"),
        ({"colour": "red"}, "colour"),
    ],
)
async def test_list_refuses_bad_filters(
    client: AsyncPlivo, mocked: aioresponses, filters: dict[str, Any], field: str
) -> None:
    with pytest.raises(ValidationError) as err:
        await client.masking_sessions.list_masking_session(**filters)
    assert err.value.field == field
    assert sent(mocked) == []


def _page(uuids: list[str], next_url: str | None) -> dict[str, Any]:
    return {
        "api_id": "p",
        "response": {
            "meta": {"limit": 2, "next": next_url, "offset": 0},
            "objects": [{"session_uuid": u} for u in uuids],
        },
    }


async def test_iter_all_follows_the_pages(client: AsyncPlivo, mocked: aioresponses) -> None:
    base = f"/v1/Account/{AUTH_ID}/Masking/Session/"
    mocked.get(
        SESSIONS + "?limit=2&offset=0&status=active",
        payload=_page(["a", "b"], base + "?limit=2&offset=2"),
    )
    mocked.get(SESSIONS + "?limit=2&offset=2&status=active", payload=_page(["c"], None))
    got = [s.session_uuid async for s in client.masking_sessions.iter_all(status="active", limit=2)]
    assert got == ["a", "b", "c"]


async def test_async_for_over_the_resource(client: AsyncPlivo, mocked: aioresponses) -> None:
    mocked.get(SESSIONS + "?limit=20&offset=0", payload=_page(["a"], None))
    assert [s.session_uuid async for s in client.masking_sessions] == ["a"]


def test_numbers_as_numbers_and_a_null_interaction_parse_too() -> None:
    # Plivo answers some lists with plain numbers where the docs show strings.
    from plivo_async._convert import structure_response

    page = structure_response(MaskingSessionListResponse, load("masking_sessions", "list_numeric"))
    [session] = page.objects
    assert session.total_call_amount == "0.0125"
    assert session.amount == "0"
    assert (session.total_call_count, session.duration, session.ring_timeout) == (2, 1800, 60)
    assert session.interaction is None
    assert session.record is True
    assert session.last_interaction_time == ""
    assert session.raw["resource_uri"].endswith(f"{session.session_uuid}/")
    assert page.meta.total_count == 1
