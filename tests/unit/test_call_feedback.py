"""``client.call_feedback``: its own host, the body, the rules, the retry classification."""

from __future__ import annotations

import pytest
from aioresponses import aioresponses

from plivo_async.client import AsyncPlivo
from plivo_async.errors import OutcomeUnknownError, PlivoRestError, ValidationError
from plivo_async.models.call_feedback import CallFeedbackRequest, CallFeedbackResponse
from plivo_async.retry import RetryPolicy

from ._fixtures import load
from ._resources_helpers import (
    AUTH_ID,
    AUTH_TOKEN,
    CALL_UUID,
    assert_sent,
    client_fixture,  # noqa: F401 - the "client" fixture
    mocked_fixture,  # noqa: F401 - the "mocked" fixture
    no_sleep,
    sent,
)

FEEDBACK = f"https://stats.plivo.com/v1/Call/{CALL_UUID}/Feedback/"


async def test_create_posts_to_the_callinsights_host(
    client: AsyncPlivo, mocked: aioresponses
) -> None:
    mocked.post(FEEDBACK, status=201, payload=load("call_feedback", "create"))
    response = await client.call_feedback.create(
        CALL_UUID, "4", issues=["audio_lag", "ECHO"], notes="intermittent"
    )
    assert_sent(
        mocked,
        "POST",
        FEEDBACK,
        {"rating": 4, "issues": ["AUDIO_LAG", "ECHO"], "notes": "intermittent"},
    )
    assert isinstance(response, CallFeedbackResponse)
    assert response.message == "Feedback has been posted"
    assert response.status == "success"
    assert response.api_id == "97ceeb52-58b6-11e1-86da-77300b68f8bb"


async def test_a_perfect_rating_needs_no_issues(client: AsyncPlivo, mocked: aioresponses) -> None:
    mocked.post(FEEDBACK, status=201, payload={"message": "ok"})
    await client.call_feedback.create(CALL_UUID, 5)
    assert_sent(mocked, "POST", FEEDBACK, {"rating": 5})


async def test_callinsights_base_url_is_overridable() -> None:
    # Off Plivo's hosts altogether: a mix of Plivo's and others is refused (test_hosts.py).
    async with AsyncPlivo(
        AUTH_ID,
        AUTH_TOKEN,
        base_url="https://gateway.example.com",
        callinsights_base_url="http://127.0.0.1:8123",
        retry=RetryPolicy(max_attempts=1),
    ) as client:
        with aioresponses() as m:
            url = f"http://127.0.0.1:8123/v1/Call/{CALL_UUID}/Feedback/"
            m.post(url, status=201, payload={})
            await client.call_feedback.create(CALL_UUID, 3.5, issues="ECHO")
            assert_sent(m, "POST", url, {"rating": 3.5, "issues": ["ECHO"]})


def test_plain_http_is_refused_off_loopback() -> None:
    with pytest.raises(ValidationError) as err:
        AsyncPlivo(AUTH_ID, AUTH_TOKEN, callinsights_base_url="http://stats.example.com")
    assert err.value.field == "callinsights_base_url"


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"call_uuid": "", "rating": 5}, "call_uuid"),
        ({"call_uuid": "..", "rating": 5}, "call_uuid"),
        ({"call_uuid": "a\nb", "rating": 5}, "call_uuid"),
        ({"call_uuid": CALL_UUID, "rating": 0}, "rating"),
        ({"call_uuid": CALL_UUID, "rating": 5.5}, "rating"),
        ({"call_uuid": CALL_UUID, "rating": "great"}, "rating"),
        ({"call_uuid": CALL_UUID, "rating": True}, "rating"),
        ({"call_uuid": CALL_UUID, "rating": float("nan")}, "rating"),
        ({"call_uuid": CALL_UUID, "rating": 3}, "issues"),
        ({"call_uuid": CALL_UUID, "rating": 3, "issues": []}, "issues"),
        ({"call_uuid": CALL_UUID, "rating": 3, "issues": ["LOUD"]}, "issues"),
        ({"call_uuid": CALL_UUID, "rating": 5, "notes": 7}, "notes"),
    ],
)
async def test_bad_input_is_refused_before_sending(
    client: AsyncPlivo, mocked: aioresponses, kwargs: dict[str, object], field: str
) -> None:
    with pytest.raises(ValidationError) as err:
        await client.call_feedback.create(**kwargs)  # type: ignore[arg-type]
    assert err.value.field == field
    assert sent(mocked) == []


async def test_a_slash_in_the_uuid_stays_in_its_segment(
    client: AsyncPlivo, mocked: aioresponses
) -> None:
    url = "https://stats.plivo.com/v1/Call/a%2Fb/Feedback/"
    mocked.post(url, status=201, payload={})
    await client.call_feedback.create("a/b", 5)
    [(_method, got, _kw)] = sent(mocked)
    assert got.raw_path == "/v1/Call/a%2Fb/Feedback/"


async def test_422_is_a_typed_error(client: AsyncPlivo, mocked: aioresponses) -> None:
    mocked.post(FEEDBACK, status=422, payload={"api_id": "x", "error": "Rating has to be a float"})
    with pytest.raises(PlivoRestError) as err:
        await client.call_feedback.create(CALL_UUID, 5)
    assert err.value.status == 422
    assert err.value.api_id == "x"


async def test_feedback_is_not_resent_after_an_ambiguous_failure(mocked: aioresponses) -> None:
    retry = RetryPolicy(max_attempts=3, sleep=no_sleep)
    async with AsyncPlivo(AUTH_ID, AUTH_TOKEN, retry=retry) as client:
        mocked.post(FEEDBACK, status=500, payload={"error": "boom"}, repeat=True)
        with pytest.raises(OutcomeUnknownError):
            await client.call_feedback.create(CALL_UUID, 5)
    assert len(sent(mocked)) == 1


def test_the_request_model_round_trips() -> None:
    from plivo_async._convert import from_wire, to_wire

    model = CallFeedbackRequest(rating="2.5", issues=("echo",), notes="n")  # type: ignore[arg-type]
    assert to_wire(model) == {"rating": 2.5, "issues": ["ECHO"], "notes": "n"}
    assert from_wire(CallFeedbackRequest, to_wire(model)) == model
