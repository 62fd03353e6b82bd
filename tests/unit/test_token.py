"""``client.token.create`` (Plivo mints the JWT) and ``plivo_async.jwt.AccessToken`` (we do)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from typing import Any

import pytest
from aioresponses import aioresponses
from hypothesis import given, settings
from hypothesis import strategies as st

from plivo_async.client import AsyncPlivo
from plivo_async.errors import ValidationError
from plivo_async.jwt import AccessToken
from plivo_async.models.token import TokenResponse
from plivo_async.retry import RetryPolicy

from ._fixtures import load
from ._resources_helpers import (
    API,
    AUTH_ID,
    AUTH_TOKEN,
    assert_sent,
    client_fixture,  # noqa: F401 - the "client" fixture
    mocked_fixture,  # noqa: F401 - the "mocked" fixture
    no_sleep,
    sent,
)

TOKEN_URL = API + "JWT/Token/"


async def test_create_nests_the_permissions(client: AsyncPlivo, mocked: aioresponses) -> None:
    mocked.post(TOKEN_URL, status=201, payload=load("token", "create"))
    response = await client.token.create(
        AUTH_ID,
        sub="alice",
        nbf="1700000000",
        exp=1700003600,
        incoming_allow=True,
        outgoing_allow=False,
        app="app-1",
    )
    assert_sent(
        mocked,
        "POST",
        TOKEN_URL,
        {
            "iss": AUTH_ID,
            "sub": "alice",
            "nbf": 1700000000,
            "exp": 1700003600,
            "per": {"voice": {"incoming_allow": True, "outgoing_allow": False}},
            "app": "app-1",
        },
    )
    assert isinstance(response, TokenResponse)
    assert response.token is not None and response.token.count(".") == 2


async def test_create_with_only_iss(client: AsyncPlivo, mocked: aioresponses) -> None:
    mocked.post(TOKEN_URL, status=201, payload={"token": "t"})
    await client.token.create(AUTH_ID)
    assert_sent(mocked, "POST", TOKEN_URL, {"iss": AUTH_ID})


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"iss": ""}, "iss"),
        ({"iss": AUTH_ID, "incoming_allow": True}, "sub"),
        ({"iss": AUTH_ID, "nbf": "soon"}, "nbf"),
        ({"iss": AUTH_ID, "exp": -5}, "exp"),
        ({"iss": AUTH_ID, "nbf": 200, "exp": 100}, "exp"),
        ({"iss": AUTH_ID, "outgoing_allow": "yes"}, "outgoing_allow"),
    ],
)
async def test_create_refuses_bad_input(
    client: AsyncPlivo, mocked: aioresponses, kwargs: dict[str, Any], field: str
) -> None:
    with pytest.raises(ValidationError) as err:
        await client.token.create(**kwargs)
    assert err.value.field == field
    assert sent(mocked) == []


async def test_create_is_retried_a_token_has_no_state(mocked: aioresponses) -> None:
    async with AsyncPlivo(
        AUTH_ID, AUTH_TOKEN, retry=RetryPolicy(max_attempts=3, sleep=no_sleep)
    ) as client:
        mocked.post(TOKEN_URL, status=500, payload={})
        mocked.post(TOKEN_URL, status=201, payload={"token": "t"})
        response = await client.token.create(AUTH_ID)
    assert response.token == "t"
    assert len(sent(mocked)) == 2


# -- the local AccessToken -----------------------------------------------------------------


def _decode(token: str) -> tuple[dict[str, Any], dict[str, Any], bytes, bytes]:
    def part(text: str) -> bytes:
        return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))

    header, claims, signature = token.split(".")
    return (
        json.loads(part(header)),
        json.loads(part(claims)),
        part(signature),
        f"{header}.{claims}".encode(),
    )


def test_to_jwt_is_an_hs256_jws_keyed_with_the_auth_token() -> None:
    token = AccessToken(AUTH_ID, AUTH_TOKEN, "alice", valid_from=1_700_000_000, lifetime=3600)
    token.add_voice_grants(incoming=True, outgoing=False)
    header, claims, signature, signed = _decode(token.to_jwt())
    assert header == {"alg": "HS256", "cty": "plivo;v=1", "typ": "JWT"}
    assert claims == {
        "jti": f"alice-{token.uid.split('-', 1)[1]}",
        "iss": AUTH_ID,
        "sub": "alice",
        "nbf": 1_700_000_000,
        "exp": 1_700_003_600,
        "grants": {"voice": {"incoming_allow": True, "outgoing_allow": False}},
    }
    expected = hmac.new(AUTH_TOKEN.encode(), signed, hashlib.sha256).digest()
    assert hmac.compare_digest(signature, expected)
    wrong = hmac.new(b"another token", signed, hashlib.sha256).digest()
    assert signature != wrong


def test_defaults_come_from_the_clock() -> None:
    token = AccessToken(AUTH_ID, AUTH_TOKEN, "bob", clock=lambda: 1_700_000_123.5)
    assert token.valid_from == 1_700_000_123
    assert token.lifetime == 86400
    assert token.uid == "bob-1700000123.5"
    assert token.claims["grants"] == {}


def test_valid_till_sets_the_lifetime() -> None:
    token = AccessToken(AUTH_ID, AUTH_TOKEN, "bob", valid_from=1000, valid_till=1000 + 600)
    assert token.lifetime == 600


def test_the_auth_token_never_shows() -> None:
    token = AccessToken(AUTH_ID, AUTH_TOKEN, "bob", valid_from=1000, uid="u1")
    assert AUTH_TOKEN not in repr(token)


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"auth_id": "nope"}, "auth_id"),
        ({"auth_token": ""}, "auth_token"),
        ({"username": ""}, "username"),
        ({"lifetime": 179}, "lifetime"),
        ({"lifetime": 86401}, "lifetime"),
        ({"lifetime": "3600"}, "lifetime"),
        ({"valid_from": 1000, "valid_till": 1100}, "valid_till"),
        ({"valid_from": 1000, "valid_till": 900}, "valid_till"),
        ({"lifetime": 600, "valid_till": 5000}, "valid_till"),
    ],
)
def test_access_token_rules(kwargs: dict[str, Any], field: str) -> None:
    args: dict[str, Any] = {"auth_id": AUTH_ID, "auth_token": AUTH_TOKEN, "username": "u"}
    args.update(kwargs)
    with pytest.raises(ValidationError) as err:
        AccessToken(**args)
    assert err.value.field == field
    assert AUTH_TOKEN not in str(err.value)


def test_voice_grants_must_be_booleans() -> None:
    token = AccessToken(AUTH_ID, AUTH_TOKEN, "u")
    with pytest.raises(ValidationError) as err:
        token.add_voice_grants(incoming=1)  # type: ignore[arg-type]
    assert err.value.field == "incoming"


def test_grants_are_per_token() -> None:
    # The SDK keeps grants in a class attribute shared by every token; here each has its own.
    first = AccessToken(AUTH_ID, AUTH_TOKEN, "a")
    first.add_voice_grants(incoming=True)
    assert AccessToken(AUTH_ID, AUTH_TOKEN, "b").grants == {}


@pytest.mark.filterwarnings("ignore:The HMAC key is")
@settings(max_examples=60, deadline=None)
@given(
    username=st.text(min_size=1, max_size=40),
    valid_from=st.integers(1, 2**40),
    lifetime=st.integers(180, 86400),
    grants=st.one_of(st.none(), st.tuples(st.booleans(), st.booleans())),
)
def test_any_token_verifies_with_pyjwt_and_carries_its_claims(
    username: str, valid_from: int, lifetime: int, grants: tuple[bool, bool] | None
) -> None:
    import jwt as pyjwt

    token = AccessToken(AUTH_ID, AUTH_TOKEN, username, valid_from=valid_from, lifetime=lifetime)
    if grants is not None:
        token.add_voice_grants(*grants)
    decoded = pyjwt.decode(
        token.to_jwt(),
        AUTH_TOKEN,
        algorithms=["HS256"],
        options={"verify_exp": False, "verify_nbf": False},
    )
    assert decoded == token.claims
    assert decoded["exp"] - decoded["nbf"] == lifetime
