"""The migration guide's side-by-side examples, run against one emulator by both SDKs.

The sections between ``--8<--`` markers are what the guide shows. The harness at the
bottom points both SDKs at an emulator in a child process (the official SDK blocks, so
it cannot share an event loop with an in-process emulator).
"""

import asyncio
from concurrent.futures import ThreadPoolExecutor

import plivo
import plivo.rest.client
import plivo.rest.phlo_client

import plivo_async
from plivo_async import AsyncPlivo
from plivo_async.client import AsyncPlivo as _AsyncPlivo
from plivo_async.emulator import DEFAULT_AUTH_ID, DEFAULT_AUTH_TOKEN, run_in_subprocess

AUTH_ID, AUTH_TOKEN = DEFAULT_AUTH_ID, DEFAULT_AUTH_TOKEN
ANSWER_URL = "https://example.com/answer.xml"
PHLO_ID, NODE_ID = "my-phlo-id", "my-mpc-node-id"
AGENT, CUSTOMER, SUPERVISOR = "+14155550100", "+14155550111", "+14155550122"
NUMBERS = [f"+1415700{i:04d}" for i in range(20)]


def sync_examples() -> None:
    # --8<-- [start:sync-create]
    client = plivo.RestClient(AUTH_ID, AUTH_TOKEN)
    resp = client.calls.create(from_="+14155550100", to_="+14155550101", answer_url=ANSWER_URL)
    print(resp.request_uuid)
    live = client.calls.live_call_get(resp.request_uuid)
    print(live.call_status)
    # --8<-- [end:sync-create]

    # --8<-- [start:sync-phlo]
    phlo_client = plivo.phlo.RestClient(AUTH_ID, AUTH_TOKEN)
    phlo = phlo_client.phlo.get(PHLO_ID)  # GET the PHLO
    mpc = phlo.multi_party_call(NODE_ID)  # GET the node
    mpc.call(AGENT, CUSTOMER, "customer")
    mpc.warm_transfer(AGENT, SUPERVISOR)
    mpc.member(CUSTOMER).hold()
    # --8<-- [end:sync-phlo]

    # --8<-- [start:sync-errors]
    try:
        client.calls.create(from_="+14155550100", to_="not-a-number", answer_url=ANSWER_URL)
    except plivo.exceptions.PlivoRestError as exc:
        print(type(exc).__name__, exc)
    # --8<-- [end:sync-errors]

    # --8<-- [start:sync-many]
    def place(number: str) -> str:
        return client.calls.create(from_=AGENT, to_=number, answer_url=ANSWER_URL).request_uuid

    with ThreadPoolExecutor(max_workers=8) as pool:
        uuids = list(pool.map(place, NUMBERS))
    # --8<-- [end:sync-many]
    print(len(uuids), "placed")


async def async_examples() -> None:
    # --8<-- [start:async-create]
    async with AsyncPlivo(AUTH_ID, AUTH_TOKEN) as client:
        resp = await client.calls.create(
            from_="+14155550100", to_="+14155550101", answer_url=ANSWER_URL
        )
        print(resp.request_uuid)
        live = await client.calls.live_call_get(resp.request_uuid)  # or get_live()
        print(live.call_status)
    # --8<-- [end:async-create]

    async with AsyncPlivo(AUTH_ID, AUTH_TOKEN) as client:
        # --8<-- [start:async-phlo]
        mpc = client.phlo(PHLO_ID).multi_party_call(NODE_ID)  # no request
        await mpc.call(AGENT, CUSTOMER, "customer")
        await mpc.warm_transfer(AGENT, SUPERVISOR)
        await mpc.member(CUSTOMER).hold()
        # --8<-- [end:async-phlo]

        # --8<-- [start:async-errors]
        try:
            await client.calls.create(
                from_="+14155550100", to_="not-a-number", answer_url=ANSWER_URL
            )
        except plivo_async.PlivoError as exc:  # nothing was sent: refused locally
            print(type(exc).__name__, exc)
        # --8<-- [end:async-errors]

        # --8<-- [start:async-many]
        rows = ({"to": number} for number in NUMBERS)
        run = client.bulk.create_calls(rows, defaults={"from": AGENT, "answer_url": ANSWER_URL})
        outcomes = await run.collect()  # or: async for outcome in run
        # --8<-- [end:async-many]
        print(run.summary.placed, "placed", sum(o.ok for o in outcomes), "ok")


def main() -> None:
    with run_in_subprocess(phlos={PHLO_ID: {NODE_ID: "multi_party_call"}}) as url:
        # Point both SDKs at the emulator instead of api.plivo.com / phlorunner.plivo.com.
        plivo.rest.client.PLIVO_API_BASE_URI = f"{url}/v1/Account"
        plivo.rest.client.API_VOICE_BASE_URI = f"{url}/v1/Account"
        plivo.rest.phlo_client.PHLO_API_BASE_URI = f"{url}/v1"
        defaults = _AsyncPlivo.__init__.__kwdefaults__
        assert defaults is not None
        defaults.update(base_url=url, phlo_base_url=url)
        sync_examples()
        asyncio.run(async_examples())


if __name__ == "__main__":
    main()
