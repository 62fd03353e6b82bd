"""``client.conferences``: what goes on the wire for each endpoint, and what comes back."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import pytest
from aioresponses import aioresponses
from hypothesis import given, settings
from hypothesis import strategies as st

from plivo_async.client import AsyncPlivo
from plivo_async.errors import OutcomeUnknownError, ValidationError
from plivo_async.models.calls import ActionResponse
from plivo_async.models.conferences import (
    Conference,
    ConferenceListResponse,
    ConferenceMemberActionResponse,
    ConferenceRecordResponse,
)
from plivo_async.resources.conferences import Conferences
from plivo_async.resources.multi_party_calls import MultiPartyCalls
from plivo_async.retry import RetryPolicy

from ._resources_helpers import (
    API,
    AUTH_ID,
    AUTH_TOKEN,
    RecordingTransport,
    client_fixture,  # noqa: F401 - the "client" fixture
    mocked_fixture,  # noqa: F401 - the "mocked" fixture
    no_sleep,
    sent,
)
from ._voice_helpers import check_request

FIXTURES = Path(__file__).parent.parent / "fixtures" / "conferences"
CONF = "My Conf Room"
CONF_URL = API + "Conference/My%20Conf%20Room/"
MEMBER_URL = CONF_URL + "Member/10/"
CB = {"callback_url": "https://example.com/cb", "callback_method": "GET"}


def fixture(name: str) -> Any:
    return json.loads((FIXTURES / name).read_text())


Call = Callable[[AsyncPlivo], Awaitable[Any]]

# (name, call, HTTP method, URL, body or query, response type)
CASES: list[tuple[str, Call, str, str, dict[str, Any] | None, type]] = [
    (
        "list",
        lambda c: c.conferences.list(),
        "GET",
        API + "Conference/",
        None,
        ConferenceListResponse,
    ),
    (
        "list_cb",
        lambda c: c.conferences.list(**CB),
        "GET",
        API + "Conference/",
        CB,
        ConferenceListResponse,
    ),
    ("get", lambda c: c.conferences.get(CONF), "GET", CONF_URL, None, Conference),
    ("delete", lambda c: c.conferences.delete(CONF), "DELETE", CONF_URL, None, ActionResponse),
    ("hangup", lambda c: c.conferences.hangup(CONF, **CB), "DELETE", CONF_URL, CB, ActionResponse),
    (
        "delete_all",
        lambda c: c.conferences.delete_all(),
        "DELETE",
        API + "Conference/",
        None,
        ActionResponse,
    ),
    (
        "hangup_all",
        lambda c: c.conferences.hangup_all(**CB),
        "DELETE",
        API + "Conference/",
        CB,
        ActionResponse,
    ),
    (
        "record",
        lambda c: c.conferences.record(
            CONF,
            file_format="WAV",
            transcription_type="auto",
            transcription_url="https://example.com/t",
            transcription_method="get",
            **CB,
        ),
        "POST",
        CONF_URL + "Record/",
        {
            "file_format": "wav",
            "transcription_type": "auto",
            "transcription_url": "https://example.com/t",
            "transcription_method": "GET",
            **CB,
        },
        ConferenceRecordResponse,
    ),
    (
        "record_minimal",
        lambda c: c.conferences.record(CONF),
        "POST",
        CONF_URL + "Record/",
        None,
        ConferenceRecordResponse,
    ),
    (
        "record_stop",
        lambda c: c.conferences.record_stop(CONF),
        "DELETE",
        CONF_URL + "Record/",
        None,
        ActionResponse,
    ),
    (
        "member_mute",
        lambda c: c.conferences.member_mute(CONF, 10),
        "POST",
        MEMBER_URL + "Mute/",
        None,
        ConferenceMemberActionResponse,
    ),
    (
        "member_mute_stop",
        lambda c: c.conferences.member_mute_stop(CONF, "10", **CB),
        "DELETE",
        MEMBER_URL + "Mute/",
        CB,
        ConferenceMemberActionResponse,
    ),
    (
        "member_deaf",
        lambda c: c.conferences.member_deaf(CONF, "10", **CB),
        "POST",
        MEMBER_URL + "Deaf/",
        CB,
        ConferenceMemberActionResponse,
    ),
    (
        "member_deaf_stop",
        lambda c: c.conferences.member_deaf_stop(CONF, 10),
        "DELETE",
        MEMBER_URL + "Deaf/",
        None,
        ConferenceMemberActionResponse,
    ),
    (
        "member_kick",
        lambda c: c.conferences.member_kick(CONF, 10),
        "POST",
        MEMBER_URL + "Kick/",
        None,
        ConferenceMemberActionResponse,
    ),
    (
        "member_hangup",
        lambda c: c.conferences.member_hangup(CONF, 10),
        "DELETE",
        MEMBER_URL,
        None,
        ConferenceMemberActionResponse,
    ),
    (
        "member_play",
        lambda c: c.conferences.member_play(CONF, 10, "https://example.com/a.mp3", **CB),
        "POST",
        MEMBER_URL + "Play/",
        {"url": "https://example.com/a.mp3", **CB},
        ConferenceMemberActionResponse,
    ),
    (
        "member_play_stop",
        lambda c: c.conferences.member_play_stop(CONF, 10),
        "DELETE",
        MEMBER_URL + "Play/",
        None,
        ConferenceMemberActionResponse,
    ),
    (
        "member_speak",
        lambda c: c.conferences.member_speak(CONF, 10, "Hello", voice="WOMAN", language="en-US"),
        "POST",
        MEMBER_URL + "Speak/",
        {"text": "Hello", "voice": "WOMAN", "language": "en-US"},
        ConferenceMemberActionResponse,
    ),
    (
        "member_speak_stop",
        lambda c: c.conferences.member_speak_stop(CONF, 10),
        "DELETE",
        MEMBER_URL + "Speak/",
        None,
        ConferenceMemberActionResponse,
    ),
    (
        "members_as_list",
        lambda c: c.conferences.member_mute(CONF, [10, "11"]),
        "POST",
        CONF_URL + "Member/10,11/Mute/",
        None,
        ConferenceMemberActionResponse,
    ),
    (
        "all_members",
        lambda c: c.conferences.member_speak_stop(CONF, "all"),
        "DELETE",
        CONF_URL + "Member/all/Speak/",
        None,
        ConferenceMemberActionResponse,
    ),
]


@pytest.mark.parametrize(
    ("call", "method", "url", "body", "response"),
    [case[1:] for case in CASES],
    ids=[case[0] for case in CASES],
)
async def test_each_method_sends_its_method_path_and_body(
    client: AsyncPlivo,
    mocked: aioresponses,
    call: Call,
    method: str,
    url: str,
    body: dict[str, Any] | None,
    response: type,
) -> None:
    await check_request(client, mocked, call, method, url, body, response)


@pytest.mark.parametrize(
    ("name", "encoded"),
    [
        ("My Conf Room", "My%20Conf%20Room"),
        ("../x", "..%2Fx"),
        ("a/b?c", "a%2Fb%3Fc"),
        ("%2F", "%252F"),
        ("x#y", "x%23y"),
        ("room:1@east", "room:1@east"),
    ],
)
async def test_a_hostile_conference_name_stays_one_path_segment(
    client: AsyncPlivo, mocked: aioresponses, name: str, encoded: str
) -> None:
    url = f"{API}Conference/{encoded}/Member/all/Kick/"
    mocked.post(url, status=200, payload={"api_id": "a1"})
    await client.conferences.member_kick(name, "all")
    [(_method, got, _kwargs)] = sent(mocked)
    assert got.raw_path == f"/v1/Account/{AUTH_ID}/Conference/{encoded}/Member/all/Kick/"


@pytest.mark.parametrize(
    ("call", "field"),
    [
        (lambda c: c.conferences.get(""), "conference_name"),
        (lambda c: c.conferences.get(".."), "conference_name"),
        (lambda c: c.conferences.get("."), "conference_name"),
        (lambda c: c.conferences.delete("a\nb"), "conference_name"),
        (lambda c: c.conferences.get(None), "conference_name"),
        (lambda c: c.conferences.member_mute(CONF, ""), "member_id"),
        (lambda c: c.conferences.member_hangup(CONF, ".."), "member_id"),
        (lambda c: c.conferences.member_kick(CONF, "1\x002"), "member_id"),
        (lambda c: c.conferences.member_kick(CONF, "1,,2"), "member_id"),
        (lambda c: c.conferences.member_kick(CONF, []), "member_id"),
        (lambda c: c.conferences.member_play(CONF, 1, "ftp://x/a.mp3"), "url"),
        (lambda c: c.conferences.member_play(CONF, 1, ""), "url"),
        (lambda c: c.conferences.member_speak(CONF, 1, ""), "text"),
        (lambda c: c.conferences.record(CONF, file_format="ogg"), "file_format"),
        (lambda c: c.conferences.record(CONF, transcription_type="manual"), "transcription_type"),
        (lambda c: c.conferences.record(CONF, transcription_method="PUT"), "transcription_method"),
        (lambda c: c.conferences.list(callback_url="not a url"), "callback_url"),
        (lambda c: c.conferences.record_stop(CONF, callback_method="PATCH"), "callback_method"),
    ],
)
async def test_bad_input_is_refused_before_sending(
    client: AsyncPlivo, mocked: aioresponses, call: Call, field: str
) -> None:
    with pytest.raises(ValidationError) as info:
        await call(client)
    assert info.value.field == field
    assert sent(mocked) == []


async def test_iter_all_yields_every_conference_name(
    client: AsyncPlivo, mocked: aioresponses
) -> None:
    mocked.get(API + "Conference/", payload=fixture("list.json"))
    names = [name async for name in client.conferences]
    assert names == ["My Conf Room", "Sales stand-up"]


def test_response_fixtures_parse_into_typed_models() -> None:
    from plivo_async._convert import structure_response

    conf = structure_response(Conference, fixture("get.json"))
    assert conf.conference_name == "My Conf Room"
    assert conf.conference_run_time == 590
    assert conf.conference_member_count == 2
    first, second = conf.members
    assert (first.member_id, first.from_, first.to, first.muted, first.deaf) == (
        "17",
        "+14155550100",
        "+14155550199",
        False,
        False,
    )
    assert second.muted is True and second.direction == "outbound"
    assert first.raw["join_time"] == "590"
    assert conf.raw["api_id"] == conf.api_id

    listing = structure_response(ConferenceListResponse, fixture("list.json"))
    assert list(listing) == ["My Conf Room", "Sales stand-up"] and len(listing) == 2

    speak = structure_response(ConferenceMemberActionResponse, fixture("member_speak.json"))
    assert (speak.message, speak.member_id) == ("speak queued into conference", "all")
    deaf = structure_response(ConferenceMemberActionResponse, fixture("member_deaf.json"))
    assert (deaf.message, deaf.member_id) == ("deaf", "10")

    record = structure_response(ConferenceRecordResponse, fixture("record.json"))
    assert record.message == "conference recording started"
    assert record.recording_id and record.url and record.url.endswith(".mp3")
    # A field Plivo adds tomorrow is kept, never a crash.
    assert record.raw["unknown_future_field"] == {"nested": True}


async def test_mute_is_retried_after_an_ambiguous_failure(mocked: aioresponses) -> None:
    retry = RetryPolicy(max_attempts=2, sleep=no_sleep)
    async with AsyncPlivo(AUTH_ID, AUTH_TOKEN, retry=retry) as client:
        mocked.post(MEMBER_URL + "Mute/", status=500)
        mocked.post(MEMBER_URL + "Mute/", status=202, payload={"api_id": "a2"})
        result = await client.conferences.member_mute(CONF, 10)
    assert result.api_id == "a2"
    assert len(sent(mocked)) == 2


async def test_speak_is_not_retried_after_an_ambiguous_failure(mocked: aioresponses) -> None:
    retry = RetryPolicy(max_attempts=3, sleep=no_sleep)
    async with AsyncPlivo(AUTH_ID, AUTH_TOKEN, retry=retry) as client:
        mocked.post(MEMBER_URL + "Speak/", status=500, repeat=True)
        with pytest.raises(OutcomeUnknownError):
            await client.conferences.member_speak(CONF, 10, "hi")
        assert len(sent(mocked)) == 1
        with pytest.raises(OutcomeUnknownError):
            await client.conferences.member_speak(CONF, 10, "hi", retry_unsafe=True)
    assert len(sent(mocked)) == 4


# Any text path_segment accepts: everything but "", ".", "..", control characters and
# lone surrogates.
NAMES = st.text(st.characters(blacklist_categories=("Cc", "Cs")), min_size=1, max_size=30).filter(
    lambda s: s not in (".", "..")
)


@settings(max_examples=200, deadline=None)
@given(name=NAMES, member=NAMES)
async def test_any_name_and_member_id_stay_in_their_own_segments(name: str, member: str) -> None:
    """The whole class of input: the URL has exactly the expected segments, each decoding
    back to what was given (a member id's commas separate ids, so they stay commas)."""
    transport = RecordingTransport()
    conferences = Conferences(transport)  # type: ignore[arg-type]  # records, sends nothing
    mpcs = MultiPartyCalls(transport)  # type: ignore[arg-type]
    member_ids = member.split(",")
    if "" in member_ids or any(m in (".", "..") for m in member_ids):
        return  # refused (tested above)
    await conferences.member_speak_stop(name, member)
    await mpcs.kick_participant(member_ids[0], friendly_name=name)
    conf_url, mpc_url = (r["url"] for r in transport.requests)
    for url, expected in (
        (conf_url, ["Conference", name, "Member", member, "Speak", ""]),
        (mpc_url, ["MultiPartyCall", f"name_{name}", "Participant", member_ids[0], ""]),
    ):
        parts = urlsplit(url)
        assert not parts.query and not parts.fragment
        segments = parts.path.split("/")[4:]  # after /v1/Account/{auth_id}/
        assert [unquote(s) for s in segments] == expected
