"""Differential: call feedback, masking sessions, verified caller ids, tokens, JWTs, and the
Call API's callback mode send what the official ``plivo`` SDK sends.

The SDK's requests are recorded without network (``requests.Session.send`` replaced, as in
``test_sdk_differential``); ours by aioresponses. Compared: method, full URL (host
included, paths compared percent-decoded; ``+`` stays ``+`` in a path, as the SDK sends
it), the ``Authorization`` header, and the JSON
body modulo JSON types (``"4"`` and ``4``; ``"3600"`` and ``3600``).

Deliberate differences, asserted so they stay visible:

* the SDK repeats the path's id in the body of ``update_masking_session``,
  ``delete_masking_session``, ``verify_caller_id``, ``update_verified_caller_id`` and
  ``delete_verified_caller_id``, and ``call_uuid`` in some Call API actions
  (``to_param_dict`` takes every argument); we send it in the path only.
* the SDK sends ``{}`` as the body of a ``DELETE`` without arguments; we send no body.
"""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

import jwt as pyjwt
import plivo  # type: ignore[import-untyped]
import plivo.utils.jwt as sdk_jwt  # type: ignore[import-untyped]
import pytest
from aioresponses import aioresponses

from plivo_async.client import AsyncPlivo
from plivo_async.jwt import AccessToken

from ._resources_helpers import (
    API,
    AUTH_HEADER,
    AUTH_ID,
    AUTH_TOKEN,
    CALL_UUID,
    client_fixture,  # noqa: F401 - the "client" fixture
    mocked_fixture,  # noqa: F401 - the "mocked" fixture
    sent,
)
from .test_sdk_differential import SdkRecorder
from .test_sdk_differential import sdk as sdk

Request = tuple[str, str, Any, str]  # method, decoded URL without query, body, auth header


def _loose(value: Any) -> Any:
    """JSON types aside: numbers and numeric strings compare as numbers."""
    if isinstance(value, dict):
        return {k: _loose(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_loose(v) for v in value]
    if isinstance(value, str):
        try:
            return float(value)
        except ValueError:
            return value
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)):
        return float(value)
    return value


def _url(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}{unquote(parts.path)}"


def theirs(sdk: SdkRecorder) -> Request:
    [request] = sdk.requests
    body = json.loads(request.body) if request.body else None
    auth = request.headers["Authorization"]
    return request.method or "", _url(request.url or ""), body, auth


def ours(m: aioresponses) -> Request:
    [(method, url, kwargs)] = sent(m)
    data = kwargs.get("data")
    return (
        method,
        _url(str(url)),
        json.loads(data) if data else None,
        kwargs["headers"]["Authorization"],
    )


def assert_same(
    ours_: Request, theirs_: Request, *, sdk_extra: dict[str, Any] | None = None
) -> None:
    method, url, body, auth = ours_
    s_method, s_url, s_body, s_auth = theirs_
    assert (method, url) == (s_method, s_url)
    assert auth == s_auth == AUTH_HEADER
    expected = dict(s_body or {})
    for key, value in (sdk_extra or {}).items():
        assert expected.pop(key) == value
    assert _loose(body or {}) == _loose(expected)


def sdk_client() -> Any:
    return plivo.RestClient(AUTH_ID, AUTH_TOKEN)


# -- call feedback --------------------------------------------------------------------------


async def test_call_feedback(sdk: SdkRecorder, client: AsyncPlivo, mocked: aioresponses) -> None:
    sdk_client().call_feedback.create(CALL_UUID, "4", ["AUDIO_LAG", "ECHO"], "it echoed")
    url = f"https://stats.plivo.com/v1/Call/{CALL_UUID}/Feedback/"
    mocked.post(url, status=201, payload={})
    await client.call_feedback.create(CALL_UUID, "4", ["AUDIO_LAG", "ECHO"], "it echoed")
    assert_same(ours(mocked), theirs(sdk))
    assert theirs(sdk)[1] == url


# -- masking sessions -----------------------------------------------------------------------

SESSION = "7a1f8d6e-3c2b-4f0a-9e8d-1b2c3d4e5f60"
CREATE_ARGS: dict[str, Any] = {
    "first_party": "+14155552345",
    "second_party": "+12165554567",
    "session_expiry": 3600,
    "call_time_limit": 600,
    "record": True,
    "record_file_format": "mp3",
    "recording_callback_url": "https://example.com/rec",
    "initiate_call_to_first_party": True,
    "callback_url": "https://example.com/cb",
    "callback_method": "POST",
    "ring_timeout": 45,
    "first_party_play_url": "https://example.com/p1.mp3",
    "second_party_play_url": "https://example.com/p2.mp3",
    "recording_callback_method": "GET",
    "is_pin_authentication_required": True,
    "generate_pin": True,
    "generate_pin_length": 6,
    "first_party_pin": "1234",
    "second_party_pin": "5678",
    "pin_prompt_play": "https://example.com/pin.mp3",
    "pin_retry": 2,
    "pin_retry_wait": 5,
    "incorrect_pin_play": "https://example.com/bad.mp3",
    "unknown_caller_play": "https://example.com/who.mp3",
    "subaccount": "SAXXXXXXXXXXXXXXXXXX",
    "geomatch": True,
    "create_session_with_single_party": False,
    "virtual_number_cooloff_period": 60,
    "force_pin_authentication": False,
}
UPDATE_ARGS: dict[str, Any] = {
    "first_party": "+14155552345",
    "second_party": "+12165554567",
    "session_expiry": 7200,
    "call_time_limit": 900,
    "record": False,
    "record_file_format": "wav",
    "recording_callback_url": "https://example.com/rec",
    "callback_url": "https://example.com/cb",
    "callback_method": "GET",
    "ring_timeout": 30,
    "first_party_play_url": "https://example.com/p1.mp3",
    "second_party_play_url": "https://example.com/p2.mp3",
    "recording_callback_method": "POST",
    "subaccount": "SAXXXXXXXXXXXXXXXXXX",
    "geomatch": False,
    "create_session_with_single_party": False,
}


async def test_create_masking_session(
    sdk: SdkRecorder, client: AsyncPlivo, mocked: aioresponses
) -> None:
    sdk_client().masking_sessions.create_masking_session(**CREATE_ARGS)
    mocked.post(API + "Masking/Session/", status=201, payload={})
    await client.masking_sessions.create_masking_session(**CREATE_ARGS)
    assert_same(ours(mocked), theirs(sdk))


async def test_update_masking_session(
    sdk: SdkRecorder, client: AsyncPlivo, mocked: aioresponses
) -> None:
    sdk_client().masking_sessions.update_masking_session(SESSION, **UPDATE_ARGS)
    mocked.post(API + f"Masking/Session/{SESSION}/", payload={})
    await client.masking_sessions.update_masking_session(SESSION, **UPDATE_ARGS)
    assert_same(ours(mocked), theirs(sdk), sdk_extra={"session_uuid": SESSION})


async def test_delete_masking_session(
    sdk: SdkRecorder, client: AsyncPlivo, mocked: aioresponses
) -> None:
    sdk_client().masking_sessions.delete_masking_session(SESSION)
    mocked.delete(API + f"Masking/Session/{SESSION}/", status=204)
    await client.masking_sessions.delete_masking_session(SESSION)
    assert_same(ours(mocked), theirs(sdk), sdk_extra={"session_uuid": SESSION})


# -- verified caller ids -------------------------------------------------------------------

NUMBER = "+14155550123"
VERIFICATION = "f87836bd-f3c0-41bb-9498-125e6faaa4d4"


async def test_initiate_verify(sdk: SdkRecorder, client: AsyncPlivo, mocked: aioresponses) -> None:
    args = {"alias": "desk", "channel": "call", "country": "US", "subaccount": "SA" + "X" * 18}
    sdk_client().verify_callerids.initiate_verify(phone_number=NUMBER, **args)
    mocked.post(API + "VerifiedCallerId/", status=201, payload={})
    await client.verify_callerids.initiate_verify(NUMBER, **args)
    assert_same(ours(mocked), theirs(sdk))


async def test_verify_caller_id(sdk: SdkRecorder, client: AsyncPlivo, mocked: aioresponses) -> None:
    sdk_client().verify_callerids.verify_caller_id(VERIFICATION, otp="123456")
    mocked.post(API + f"VerifiedCallerId/Verification/{VERIFICATION}/", payload={})
    await client.verify_callerids.verify_caller_id(VERIFICATION, otp="123456")
    assert_same(ours(mocked), theirs(sdk), sdk_extra={"verification_uuid": VERIFICATION})


async def test_update_verified_caller_id(
    sdk: SdkRecorder, client: AsyncPlivo, mocked: aioresponses
) -> None:
    sub = "SA" + "Y" * 18
    sdk_client().verify_callerids.update_verified_caller_id(NUMBER, alias="desk", subaccount=sub)
    mocked.post(API + "VerifiedCallerId/+14155550123/", payload={})
    await client.verify_callerids.update_verified_caller_id(NUMBER, alias="desk", subaccount=sub)
    assert_same(ours(mocked), theirs(sdk), sdk_extra={"phone_number": NUMBER})


async def test_delete_verified_caller_id(
    sdk: SdkRecorder, client: AsyncPlivo, mocked: aioresponses
) -> None:
    sdk_client().verify_callerids.delete_verified_caller_id(NUMBER)
    mocked.delete(API + "VerifiedCallerId/+14155550123/", status=204)
    await client.verify_callerids.delete_verified_caller_id(NUMBER)
    assert_same(ours(mocked), theirs(sdk), sdk_extra={"phone_number": NUMBER})


# -- the token API -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "args",
    [
        {"iss": AUTH_ID},
        {
            "iss": AUTH_ID,
            "sub": "alice",
            "nbf": "1700000000",
            "exp": "1700003600",
            "incoming_allow": True,
            "outgoing_allow": True,
            "app": "77506472664956820",
        },
        {"iss": AUTH_ID, "sub": "bob", "outgoing_allow": True},
    ],
)
async def test_token_create(
    sdk: SdkRecorder, client: AsyncPlivo, mocked: aioresponses, args: dict[str, Any]
) -> None:
    sdk_client().token.create(**args)
    mocked.post(API + "JWT/Token/", status=201, payload={})
    await client.token.create(**args)
    assert_same(ours(mocked), theirs(sdk))


# -- the Call API's callback mode ------------------------------------------------------------


def _call_uuid_if_sent(request: Request) -> dict[str, Any]:
    """Some SDK call actions repeat ``call_uuid`` in the body (see the module docstring)."""
    return {"call_uuid": CALL_UUID} if "call_uuid" in (request[2] or {}) else {}


CB = {"callback_url": "https://example.com/async", "callback_method": "POST"}
CALL = API + f"Call/{CALL_UUID}/"


async def test_create_call_with_a_callback(
    sdk: SdkRecorder, client: AsyncPlivo, mocked: aioresponses
) -> None:
    args: dict[str, Any] = {
        "from_": "+14155550100",
        "answer_url": "https://example.com/answer",
        "answer_method": "POST",
        "ring_method": "POST",
        "hangup_method": "POST",
        "fallback_method": "POST",
        "machine_detection_time": 5000,
        "machine_detection_method": "POST",
        "ring_timeout": 120,
        "error_if_parent_not_found": False,
        **CB,
    }
    sdk_client().calls.create(to_="+14155550101", **args)
    mocked.post(API + "Call/", status=201, payload={})
    await client.calls.create(to="+14155550101", **args)
    assert_same(ours(mocked), theirs(sdk))


@pytest.mark.parametrize(
    ("name", "sdk_args", "url"),
    [
        ("update", {"legs": "aleg", "aleg_url": "https://example.com/x"}, CALL),
        ("play", {"urls": "https://example.com/a.mp3", "loop": True}, CALL + "Play/"),
        ("speak", {"text": "hello", "voice": "WOMAN"}, CALL + "Speak/"),
        ("send_digits", {"digits": "1w2", "leg": "aleg"}, CALL + "DTMF/"),
    ],
)
async def test_call_actions_with_a_callback(
    sdk: SdkRecorder,
    client: AsyncPlivo,
    mocked: aioresponses,
    name: str,
    sdk_args: dict[str, Any],
    url: str,
) -> None:
    getattr(sdk_client().calls, name)(CALL_UUID, **sdk_args, **CB)
    mocked.post(url, status=202, payload={})
    await getattr(client.calls, name)(CALL_UUID, **sdk_args, **CB)
    assert_same(ours(mocked), theirs(sdk), sdk_extra=_call_uuid_if_sent(theirs(sdk)))


@pytest.mark.parametrize(
    ("name", "url"),
    [
        ("delete", CALL),
        ("stop_recording", CALL + "Record/"),
        ("stop_playing", CALL + "Play/"),
        ("stop_speaking", CALL + "Speak/"),
    ],
)
async def test_call_stops_with_a_callback(
    sdk: SdkRecorder, client: AsyncPlivo, mocked: aioresponses, name: str, url: str
) -> None:
    getattr(sdk_client().calls, name)(CALL_UUID, **CB)
    mocked.delete(url, status=204)
    await getattr(client.calls, name)(CALL_UUID, **CB)
    assert_same(ours(mocked), theirs(sdk), sdk_extra=_call_uuid_if_sent(theirs(sdk)))


# -- locally signed access tokens ----------------------------------------------------------


@pytest.fixture
def sdk_access_token(monkeypatch: pytest.MonkeyPatch) -> Any:
    """The SDK's AccessToken on a fixed clock, runnable with PyJWT 2.

    The SDK calls ``jwt.encode(...).decode('utf-8')``, written for PyJWT 1 (bytes); PyJWT
    2 returns ``str``, so its ``encode`` is wrapped to hand back bytes. Its grants live in a
    class attribute shared by every token; each test starts it empty.
    """

    class PyJwt1:
        @staticmethod
        def encode(*args: Any, **kwargs: Any) -> bytes:
            return pyjwt.encode(*args, **kwargs).encode()

    monkeypatch.setattr(sdk_jwt, "jwt", PyJwt1)
    monkeypatch.setattr(sdk_jwt.time, "time", lambda: 1_700_000_042.25)
    monkeypatch.setattr(sdk_jwt.AccessToken, "grants", {})
    return sdk_jwt.AccessToken


def _claims(token: str) -> dict[str, Any]:
    decoded: dict[str, Any] = pyjwt.decode(
        token,
        AUTH_TOKEN,
        algorithms=["HS256"],
        options={"verify_exp": False, "verify_nbf": False},
    )
    return decoded


# The tests' auth token is shorter than the 32 bytes PyJWT recommends for HS256 keys.
@pytest.mark.filterwarnings("ignore:The HMAC key is")
@pytest.mark.parametrize(
    ("kwargs", "grants"),
    [
        ({}, None),
        ({"valid_from": 1_700_000_000, "lifetime": 3600}, (True, True)),
        ({"valid_from": 1_700_000_000, "valid_till": 1_700_000_600}, (False, True)),
        ({"uid": "fixed-jti", "lifetime": 180}, (True, False)),
    ],
)
def test_access_token_matches_the_sdk(
    sdk_access_token: Any, kwargs: dict[str, Any], grants: tuple[bool, bool] | None
) -> None:
    theirs_ = sdk_access_token(AUTH_ID, AUTH_TOKEN, "alice", **kwargs)
    ours_ = AccessToken(AUTH_ID, AUTH_TOKEN, "alice", clock=lambda: 1_700_000_042.25, **kwargs)
    if grants is not None:
        theirs_.add_voice_grants(*grants)
        ours_.add_voice_grants(*grants)
    their_jwt, our_jwt = theirs_.to_jwt(), ours_.to_jwt()
    # Both verify with the auth token as HS256 key, and carry the same claims and header.
    assert _claims(our_jwt) == _claims(their_jwt)
    assert pyjwt.get_unverified_header(our_jwt) == pyjwt.get_unverified_header(their_jwt)
    # Same JSON layout too, so the very same bytes.
    assert our_jwt == their_jwt
    with pytest.raises(pyjwt.InvalidSignatureError):
        pyjwt.decode(our_jwt, "not-the-token", algorithms=["HS256"], options={"verify_exp": False})


# -- the live / queued views (reads: compared with their query strings) ---------------------


def _query(url: str) -> dict[str, str]:
    return dict(parse_qsl(urlsplit(url).query))


@pytest.mark.parametrize(
    ("view", "method", "args"),
    [
        ("live_calls", "get", (CALL_UUID,)),
        ("live_calls", "get", (CALL_UUID, "https://example.com/cb", "GET")),
        ("live_calls", "list_ids", ("inbound", "+14155550100", None, 5, 10)),
        ("live_calls", "list_ids", (None, None, None, 20, 0, "https://example.com/cb")),
        ("queued_calls", "get", (CALL_UUID,)),
        ("queued_calls", "list_ids", (7, 14)),
        ("queued_calls", "list_ids", (20, 0, "https://example.com/cb", "POST")),
    ],
)
async def test_live_and_queued_views(
    sdk: SdkRecorder,
    client: AsyncPlivo,
    mocked: aioresponses,
    view: str,
    method: str,
    args: tuple[Any, ...],
) -> None:
    getattr(getattr(sdk_client(), view), method)(*args)
    mocked.get(re.compile(re.escape(API) + r"Call/.*"), payload={})
    await getattr(getattr(client, view), method)(*args)
    [theirs_] = sdk.requests
    [(our_method, our_url, kwargs)] = sent(mocked)
    assert (our_method, _url(str(our_url))) == (theirs_.method, _url(theirs_.url or ""))
    assert dict(our_url.query) == _query(theirs_.url or "")
    assert kwargs["headers"]["Authorization"] == theirs_.headers["Authorization"]
