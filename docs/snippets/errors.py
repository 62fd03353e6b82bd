"""Each error, provoked on purpose, and what it carries."""

import asyncio

from plivo_async import (
    AsyncPlivo,
    AuthenticationError,
    ConfigurationError,
    PlivoConnectionError,
    PlivoError,
    RateLimitError,
    ResourceNotFoundError,
    RetryPolicy,
    ValidationError,
)
from plivo_async.emulator import Emulator

CALL = {"from_": "+14155550100", "to": "+14155550101", "answer_url": "https://example.com/a.xml"}


async def main() -> None:
    try:
        AsyncPlivo("MA_ID", "")  # and no PLIVO_AUTH_TOKEN in the environment
    except ConfigurationError as exc:
        print("ConfigurationError:", exc)

    async with Emulator() as emu:
        fast = RetryPolicy(base=0.01, cap=0.05, max_attempts=3)
        async with AsyncPlivo(emu.auth_id, emu.auth_token, base_url=emu.url, retry=fast) as client:
            # Refused locally, before any request: the field and the rule are named.
            try:
                await client.calls.create(**{**CALL, "to": "not-a-number"})
            except ValidationError as exc:
                print("ValidationError:", exc.field, "/", exc.rule, "/ status", exc.status)

            # Refused by the API: status, method, token-free path, api_id and body.
            try:
                await client.calls.get("no-such-call")
            except ResourceNotFoundError as exc:
                print("ResourceNotFoundError:", exc.status, exc.method, exc.path, exc.body)

            # 429 on every attempt: retried, then raised with Retry-After (seconds).
            emu.set_faults(rate_429=1.0, retry_after=0.01)
            try:
                await client.calls.create(**CALL)
            except RateLimitError as exc:
                print("RateLimitError:", exc.status, "retry_after", exc.retry_after)
            emu.clear_faults()

        async with AsyncPlivo(emu.auth_id, "wrong-token", base_url=emu.url) as client:
            try:
                await client.calls.create(**CALL)
            except AuthenticationError as exc:
                print("AuthenticationError:", exc)

        # Once closed, a client refuses requests; `async with client:` would reopen it.
        try:
            await client.calls.get("any-call")
        except PlivoError as exc:
            print("PlivoError:", exc)

    # Nothing listens any more: the connection cannot be made (sent=False), so even a
    # call create is retried, and then the error is raised.
    async with AsyncPlivo(emu.auth_id, emu.auth_token, base_url=emu.url, retry=fast) as client:
        try:
            await client.calls.create(**CALL)
        except PlivoConnectionError as exc:
            print("PlivoConnectionError: sent =", exc.sent)
        except PlivoError as exc:  # the base class catches everything this library raises
            print("other:", exc)


asyncio.run(main())
