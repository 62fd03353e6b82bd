"""Create an application, attach a SIP endpoint to it, update both, delete them."""

import asyncio

from plivo_async import AsyncPlivo
from plivo_async.emulator import Emulator


async def main() -> None:
    async with (
        Emulator() as emu,
        AsyncPlivo(emu.auth_id, emu.auth_token, base_url=emu.url) as client,
    ):
        app = await client.applications.create(
            "Support line",
            answer_url="https://example.com/answer",
            hangup_url="https://example.com/hangup",
            default_endpoint_app=True,
        )
        app_id = int(app.app_id or 0)  # ids as str or int, as the SDK's users pass them

        endpoint = await client.endpoints.create("frontdesk", "s3cret-pass", "Front desk", app_id)
        print("SIP user:", endpoint.username)  # Plivo appends a 12-digit suffix

        # Updates send only the fields given; everything else keeps its value.
        await client.applications.update(app_id, answer_url="https://example.com/answer-v2")
        await client.endpoints.update(endpoint.endpoint_id or "", alias="Reception")

        print((await client.applications.get(app_id)).answer_url)
        async for each in client.endpoints:
            print("  ", each.endpoint_id, each.alias, each.sip_uri)

        # Deleting the application deletes its endpoints too, unless they move elsewhere.
        await client.applications.delete(app_id, cascade=True)
        print("endpoints left:", len(await client.endpoints.list()))


asyncio.run(main())
