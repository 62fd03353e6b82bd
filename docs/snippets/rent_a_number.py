"""Find a local number, rent it safely, point it at an application, call from it."""

import asyncio

from plivo_async import AsyncPlivo, OutcomeUnknownError
from plivo_async.emulator import Emulator


async def rent(client: AsyncPlivo, number: str, app_id: str) -> bool:
    """Rent ``number`` at most once; True when it is ours."""
    try:
        await client.numbers.buy(number, app_id=app_id)
    except OutcomeUnknownError:
        # The request may have rented it: ask, never send the buy again blindly.
        mine = [n.number async for n in client.numbers.iter_all(number_startswith=number)]
        return number in mine
    return True


async def main() -> None:
    async with (
        Emulator() as emu,
        AsyncPlivo(emu.auth_id, emu.auth_token, base_url=emu.url) as client,
    ):
        app = await client.applications.create(
            "Support line", answer_url="https://example.com/answer"
        )

        # Rentable numbers: one page (up to 20) of San Francisco numbers with SMS.
        found = await client.numbers.search("US", type="local", pattern="415", services="sms")
        print(found.meta.total_count, "to choose from, e.g.", found.objects[0].number)
        candidate = found.objects[0]

        if not await rent(client, candidate.number or "", app.app_id or ""):
            return

        # Your numbers: the rented one answers with the application's answer_url.
        async for mine in client.numbers:
            print(mine.number, mine.number_type, mine.monthly_rental_rate, "app", mine.app_id)
        await client.numbers.update(candidate.number or "", alias="Support line")

        # Call from it (your caller id), then release it when it is no longer needed.
        await client.calls.create(
            from_=candidate.number or "", to="+14155550199", answer_url="https://example.com/a"
        )
        await client.numbers.delete(candidate.number or "")


asyncio.run(main())
