"""The client's lookups against the emulator with ``cdr_lag``: what reconciliation will use."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from plivo_async import AsyncPlivo, ResourceNotFoundError
from plivo_async.emulator import ManualClock

from .conftest import FROM, number


async def test_a_call_is_live_then_missing_then_recorded(
    plivo: AsyncPlivo, manual_clock: ManualClock
) -> None:
    before = datetime.fromtimestamp(manual_clock(), timezone.utc)
    created = await plivo.calls.create(
        from_=FROM, to=number(1), answer_url="https://example.com/a", time_limit=10
    )
    uuid = str(created.request_uuid)
    assert (await plivo.calls.list_live(to_number=number(1))).calls == [uuid]
    manual_clock.advance(2 + 10)  # answered, then hung up by time_limit
    assert (await plivo.calls.list_live(to_number=number(1))).calls == []
    window = {"to_number": number(1), "end_time__gte": before}
    assert (await plivo.calls.list(**window)).objects == []  # within the indexing lag
    with pytest.raises(ResourceNotFoundError):
        await plivo.calls.get(uuid)
    manual_clock.advance(60)
    [record] = (await plivo.calls.list(**window, from_number=FROM)).objects
    assert (record.call_uuid, record.call_status) == (uuid, "completed")
    later = {"end_time__gt": before + timedelta(seconds=13)}
    assert (await plivo.calls.list(to_number=number(1), **later)).objects == []
    assert (await plivo.calls.get(uuid)).call_uuid == uuid
