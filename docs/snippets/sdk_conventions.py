"""The openai/anthropic SDK conventions: per-call options, views, raw responses, errors."""

import asyncio

from plivo_async import AsyncPlivo, RateLimitError, ValidationError
from plivo_async.emulator import Emulator

CALL = {"from_": "+14155550100", "to": "+14155550101", "answer_url": "https://example.com/a.xml"}


async def main() -> None:
    async with (
        Emulator() as emu,
        # base_url alone: the PHLO and call insights hosts follow it.
        AsyncPlivo(
            emu.auth_id, emu.auth_token, base_url=emu.url, default_headers={"X-Team": "sales"}
        ) as client,
    ):
        # Per call: a timeout for this request only, and a parameter Plivo added that
        # this client does not know yet (sent as given, after the known ones are checked).
        await client.calls.create(**CALL, timeout=5, extra_body={"new_option": "on"})
        print("sent:", emu.history.requests[-1].body["new_option"])

        # A known argument cannot come in through extra_body (it would skip its rule).
        try:
            await client.calls.create(**CALL, extra_body={"ring_timeout": "soon"})
        except ValidationError as exc:
            print("refused:", exc.field)

        # A view: other defaults for some calls, the same connections and limits.
        tagged = client.with_options(default_headers={"X-Job": "nightly"}, max_retries=0)
        emu.set_faults(rate_429=1.0)
        try:
            await tagged.calls.create(**CALL)
        except RateLimitError as exc:
            print(repr(exc))
        emu.clear_faults()

        # The HTTP facts of one request; .parse() gives the usual model.
        raw = await client.with_raw_response.calls.create(**CALL)
        print("raw:", raw.status, raw.attempts, raw.parse().message)


asyncio.run(main())
