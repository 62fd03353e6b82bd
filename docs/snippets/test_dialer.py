"""Testing your own code against the emulator with the ``plivo_emulator`` pytest fixture."""

import pytest

from plivo_async import AsyncPlivo, OutcomeUnknownError, RetryPolicy
from plivo_async.emulator import Emulator, FaultConfig


async def notify_all(client: AsyncPlivo, numbers: list[str]) -> dict[str, str]:
    """The code under test: call everyone once; report what became of each number."""
    rows = [{"to": number} for number in numbers]
    defaults = {"from": "+14155550100", "answer_url": "https://example.com/notify.xml"}
    report = {}
    async for outcome in client.bulk.create_calls(rows, defaults=defaults, progress=False):
        report[outcome.request.to] = outcome.status
    return report


def client_for(emu: Emulator, **options: object) -> AsyncPlivo:
    return AsyncPlivo(
        emu.auth_id,
        emu.auth_token,
        base_url=emu.url,
        phlo_base_url=emu.phlo_url,
        retry=RetryPolicy(base=0.01, cap=0.1),  # retry fast in tests
        **options,
    )


NUMBERS = [f"+1415555{i:04d}" for i in range(50)]


@pytest.mark.asyncio
async def test_everyone_is_called_once(plivo_emulator: Emulator) -> None:
    async with client_for(plivo_emulator) as client:
        report = await notify_all(client, NUMBERS)
    assert set(report.values()) == {"ok"}
    assert plivo_emulator.dialled_counts() == {number: 1 for number in NUMBERS}


@pytest.mark.asyncio
@pytest.mark.plivo_emulator(
    faults=FaultConfig(rate_429=0.3, drop_after=0.05, retry_after=0), seed=3
)
async def test_faults_never_cause_a_second_call(plivo_emulator: Emulator) -> None:
    async with client_for(plivo_emulator) as client:
        report = await notify_all(client, NUMBERS)
    assert plivo_emulator.duplicates() == {}
    assert plivo_emulator.history.faults()["429"] > 0
    # A dropped answer leaves the outcome unknown: reported, never re-dialled. A 429 to
    # every attempt placed nothing: not_sent, and a rerun sends it.
    assert set(report.values()) <= {"ok", "unknown", "not_sent"}


@pytest.mark.asyncio
async def test_an_ambiguous_failure_is_reported(plivo_emulator: Emulator) -> None:
    plivo_emulator.set_faults(schedule=["500_after"])  # placed, then a 500
    async with client_for(plivo_emulator) as client:
        with pytest.raises(OutcomeUnknownError):
            await client.calls.create(
                from_="+14155550100", to=NUMBERS[0], answer_url="https://example.com/a.xml"
            )
    assert plivo_emulator.dialled_counts()[NUMBERS[0]] == 1
