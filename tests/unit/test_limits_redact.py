"""A Redis URL is shown without any secret redis-py would take from it."""

from __future__ import annotations

from urllib.parse import quote, quote_plus

import pytest
from hypothesis import given
from hypothesis import strategies as st
from redis.asyncio.connection import parse_url

from plivo_async.limits.redis import redact_url

#: Query names redis-py passes on as credentials (``ssl_password`` unlocks the client key).
SECRET_NAMES = ("password", "username", "ssl_password")
#: Query options that are no secret and must stay as given (paths to the client key too).
PLAIN = (
    "db=3",
    "socket_timeout=2.5",
    "ssl_keyfile=/etc/redis/client.key",
    "ssl_certfile=/etc/redis/client%20cert.pem",
    "ssl_ca_certs=/etc/ssl/ca.pem",
    "ssl_cert_reqs=required",
)

_secret = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), min_size=1, max_size=12
).map(lambda s: "Zq7" + s)


@st.composite
def _urls(draw: st.DrawFn) -> tuple[str, list[str]]:
    secrets: list[str] = []
    scheme = draw(st.sampled_from(("redis", "rediss", "unix")))
    userinfo = ""
    if draw(st.booleans()):
        user = draw(st.one_of(st.just(""), _secret))
        password = draw(_secret)
        secrets += [s for s in (user, password) if s]
        userinfo = f"{quote(user, safe='')}:{quote(password, safe='')}@"
    where = "/var/run/redis.sock" if scheme == "unix" else "cache.example:6380/0"
    query = list(draw(st.lists(st.sampled_from(PLAIN), unique=True, max_size=4)))
    for name in draw(st.lists(st.sampled_from(SECRET_NAMES), unique=True, max_size=3)):
        value = draw(_secret)
        secrets.append(value)
        # Names are percent-decoded by redis-py (parse_qs) as values are.
        spelled = draw(st.sampled_from((name, f"%{ord(name[0]):02X}{name[1:]}")))
        query.append(f"{spelled}={quote_plus(value)}")
    query = draw(st.permutations(query))
    url = f"{scheme}://{userinfo}{where}" + ("?" + "&".join(query) if query else "")
    return url, secrets


@given(_urls())
def test_no_secret_redis_py_accepts_is_shown(case: tuple[str, list[str]]) -> None:
    url, secrets = case
    taken = parse_url(url)
    shown = redact_url(url)
    credentials = [taken.get(name) for name in SECRET_NAMES]
    for secret in [*secrets, *filter(None, credentials)]:
        assert secret not in shown and quote(secret, safe="") not in shown
        assert quote_plus(secret) not in shown
    kept = parse_url(shown)
    for name in ("password", "username", "ssl_password"):
        assert kept.get(name) in (None, "***")
    for key in ("host", "port", "db", "path", "ssl_keyfile", "ssl_certfile", "ssl_ca_certs"):
        assert kept.get(key) == taken.get(key)


def test_client_key_paths_of_a_rediss_url_stay_as_they_are() -> None:
    url = "rediss://cache.example:6380/0?ssl_keyfile=/k/client.key&ssl_certfile=/k/client.pem"
    assert redact_url(url) == url


@pytest.mark.parametrize(
    "url",
    [
        "redis://cache.example/0?password=s3cretpw",
        "redis://cache.example/0?username=admin0&password=s3cretpw",
        "redis://:s3cretpw@cache.example/0",
        "rediss://cache.example/0?ssl_keyfile=/k.key&ssl_password=s3cretpw",
        "redis://cache.example/0?pass%77ord=s3cretpw",
    ],
)
def test_each_form_is_redacted(url: str) -> None:
    shown = redact_url(url)
    assert "s3cretpw" not in shown and "admin0" not in shown
    assert "cache.example" in shown


@pytest.mark.parametrize(
    "url", ["redis://:pa#s3cretpw@cache.example/0", "redis://:pa/s3cretpw@cache.example/0"]
)
def test_a_password_not_percent_encoded_is_not_shown_either(url: str) -> None:
    assert "s3cretpw" not in redact_url(url)
