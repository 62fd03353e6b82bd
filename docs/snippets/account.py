"""Check the credit, price a campaign, keep a customer in a subaccount, clean a list."""

import asyncio
from decimal import Decimal

from plivo_async import AsyncPlivo, ResourceNotFoundError
from plivo_async.emulator import Emulator, ManualClock

NUMBERS = ["+14155550100", "+19075550100", "+447700900123", "+61298765432", "+999123"]


async def main() -> None:
    clock = ManualClock(start=1_700_000_000.0)
    async with (
        Emulator(cash_credit="25.00", clock=clock, sleep=clock.sleep) as emu,
        AsyncPlivo(
            emu.auth_id, emu.auth_token, base_url=emu.url, lookup_base_url=emu.lookup_url
        ) as client,
    ):
        # --8<-- [start:credit]
        account = await client.account.get()
        print("credit:", account.cash_credit)  # a Decimal: Decimal('25.00000')

        # What does a minute to each number cost? One pricing answer per country.
        prices = {iso: await client.pricing.get(iso) for iso in ("US", "GB")}
        per_minute = Decimal(0)
        for number in NUMBERS[:3]:
            country = "US" if number.startswith("+1") else "GB"
            rate = prices[country].outbound_rate(number)  # longest matching prefix
            print(number, "costs", rate, "a minute")
            per_minute += rate or Decimal(0)
        print("one minute to each:", per_minute, "enough:", per_minute <= account.cash_credit)
        # --8<-- [end:credit]

        await client.calls.create("+14155550199", NUMBERS[1], "https://example.com/answer")
        clock.advance(120.0)  # the call ends (the emulator's 32 s): one minute is billed
        print("after one call:", (await client.account.get()).cash_credit)

        # --8<-- [start:subaccounts]
        created = await client.subaccounts.create("Customer A", enabled=True)
        print(created)  # the auth token is not in the repr
        async with AsyncPlivo(created.auth_id, created.auth_token, base_url=emu.url) as customer:
            print("as the customer:", (await customer.account.get()).auth_id)
        await client.subaccounts.update(created.auth_id or "", "Customer A (paused)", False)
        async for sub in client.subaccounts.iter_all():
            print(sub.auth_id, sub.name, "enabled" if sub.enabled else "disabled")
        await client.subaccounts.delete(created.auth_id or "", cascade=True)
        # --8<-- [end:subaccounts]

        # --8<-- [start:lookup]
        callable_numbers = []
        for number in NUMBERS:
            try:
                found = await client.lookup.get(number)
            except ResourceNotFoundError:  # Plivo's 404: not a valid number
                print(number, "is not a valid number")
                continue
            print(number, found.country.iso2, found.carrier.type, found.format.national)
            if found.carrier.type != "voip":
                callable_numbers.append(number)
        # --8<-- [end:lookup]
        print("to call:", callable_numbers)


asyncio.run(main())
