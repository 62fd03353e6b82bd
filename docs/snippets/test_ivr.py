"""Testing the IVR of ivr_service.py locally: the emulator calls it and presses the keys."""

import pytest
from aiohttp.test_utils import TestServer, unused_port
from ivr_service import AGENT, ivr_app

from plivo_async import AsyncPlivo
from plivo_async.emulator import Emulator, ManualClock, Script


@pytest.mark.asyncio
async def test_each_key_takes_its_branch() -> None:
    clock = ManualClock()  # speaking, ringing and waiting take no real time
    async with Emulator(flows=True, clock=clock, sleep=clock.sleep) as emu:
        port = unused_port()
        service = ivr_app(emu.auth_token, f"http://127.0.0.1:{port}")
        async with (
            TestServer(service, host="127.0.0.1", port=port),
            AsyncPlivo(emu.auth_id, emu.auth_token, base_url=emu.url) as client,
        ):
            for to, keys in [("+14155550101", ["1"]), ("+14155550102", ["2"])]:
                emu.flows.scripts[to] = Script(inputs=keys)
                await client.calls.create(
                    from_="+14155550100", to=to, answer_url=f"http://127.0.0.1:{port}/answer"
                )
                await emu.flows.drain()

    assert emu.flows.path("+14155550101")[:8] == [
        "answer", "GetDigits", "Speak", "input", "action", "Speak", "Dial", "bridge",
    ]  # fmt: skip
    assert emu.flows.path("+14155550102")[-3:] == ["Speak", "Hangup", "hangup"]
    assert emu.dialled_counts()[AGENT] == 1  # the agent's leg is a call like any other
