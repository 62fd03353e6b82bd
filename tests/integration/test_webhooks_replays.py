"""Replays refused across processes: two receivers (aiohttp, or Starlette apps with the
dependency) sharing one :class:`RedisNonces` on a real redis-server (127.0.0.1) accept a
callback once between them."""

from __future__ import annotations

import aiohttp

from plivo_async.webhooks import CallbackEvent, RedisNonces, signature_headers, webhook_app
from plivo_async.webhooks.server import serve
from plivo_async.webhooks.starlette import PlivoWebhook
from tests.shared.servers import RedisServer, redis_server
from tests.unit.test_webhooks_receiver import HANGUP, TOKEN, Recorder
from tests.unit.test_webhooks_starlette import Endpoint, app_for, client, sdk_v3

__all__ = ["redis_server"]  # the fixture, used by name


async def test_two_receivers_sharing_redis_accept_a_callback_once(
    redis_server: RedisServer,
) -> None:
    first, second = Recorder(), Recorder()
    nonces = RedisNonces.from_url(redis_server.url, ttl=600)
    try:
        apps = [
            webhook_app(TOKEN, r, nonces=nonces, public_url="http://hooks") for r in (first, second)
        ]
        async with (
            serve(apps[0], "127.0.0.1", 0) as (_, port_a),
            serve(apps[1], "127.0.0.1", 0) as (_, port_b),
            aiohttp.ClientSession() as session,
        ):
            headers = signature_headers("POST", "http://hooks/hangup", HANGUP, TOKEN)
            statuses = []
            for port in (port_a, port_b, port_a):
                url = f"http://127.0.0.1:{port}/hangup"
                async with session.post(url, data=HANGUP, headers=headers) as resp:
                    statuses.append(resp.status)
        assert statuses == [200, 403, 403]
        assert len(first.events) == 1 and second.events == []
        [key] = await nonces._redis.keys("plivo-async:nonce:*")
        assert 590 <= await nonces._redis.ttl(key) <= 600  # forgotten after the TTL
        assert await nonces.claim("other") and not await nonces.claim("other")
        await nonces.release("other")
        assert await nonces.claim("other")
    finally:
        await nonces.aclose()


async def test_a_callback_whose_handling_failed_is_released_in_redis(
    redis_server: RedisServer,
) -> None:
    calls: list[CallbackEvent] = []

    async def on_event(event: CallbackEvent) -> None:
        calls.append(event)
        if len(calls) == 1:
            raise RuntimeError("the database is down")

    nonces = RedisNonces.from_url(redis_server.url)
    try:
        app = webhook_app(TOKEN, on_event, nonces=nonces)
        async with serve(app, "127.0.0.1", 0) as (host, port), aiohttp.ClientSession() as session:
            url = f"http://{host}:{port}/hangup"
            headers = signature_headers("POST", url, HANGUP, TOKEN)
            statuses = []
            for _ in range(3):
                async with session.post(url, data=HANGUP, headers=headers) as resp:
                    statuses.append(resp.status)
        assert statuses == [500, 200, 403]
    finally:
        await nonces.aclose()


async def test_two_starlette_apps_sharing_redis_accept_a_callback_once(
    redis_server: RedisServer,
) -> None:
    """The Starlette/FastAPI dependency refuses a replay another process accepted."""
    nonces = RedisNonces.from_url(redis_server.url)
    try:
        first, second = (Endpoint(PlivoWebhook(TOKEN, nonces=nonces)) for _ in "ab")
        url = "http://testserver/plivo/hangup"
        headers = sdk_v3("POST", url, HANGUP, "20261207", TOKEN)
        async with client(app_for(first)) as a, client(app_for(second)) as b:
            statuses = [
                (await http.post(url, data=HANGUP, headers=headers)).status_code
                for http in (a, b, a)
            ]
        assert statuses == [200, 403, 403]
        assert len(first.events) == 1 and second.events == []
        assert await nonces._redis.keys("plivo-async:nonce:*")
    finally:
        await nonces.aclose()
