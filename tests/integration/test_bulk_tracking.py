"""Tracked bulk runs: dispositions per row, the redial policy and the live-call cap.

The emulator runs call flows per destination script (``flows=True``) and sends signed
callbacks (``callbacks=True``) to a real receiver on loopback: the library's webhook app
with a :class:`CallTracker`. Lifecycles last a fraction of a second of real time. The
run's ``sleep`` is a fake that records each delay: a redial delay returns at once (its
value is what the test checks), while a delay beyond ``BLOCK_BEYOND`` (the tracking
timer, hours by default) never returns, so only callbacks end a row's wait.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections import Counter
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer

from plivo_async import AsyncPlivo
from plivo_async.bulk.journal import row_key
from plivo_async.bulk.policy import Redial
from plivo_async.correlation import new_mark
from plivo_async.emulator import Emulator, Lifecycle, Script
from plivo_async.models.calls import CreateCallRequest
from plivo_async.tracking import CallTracker
from plivo_async.webhooks import AnswerEvent, CallbackEvent, RingEvent
from plivo_async.webhooks.signature import (
    SIGNATURE_V2_HEADER,
    SIGNATURE_V2_NONCE_HEADER,
    sign_v2,
)
from plivo_async.xml import Response, Speak

from .conftest import FROM, client_for, number

HUMAN, BUSY, SILENT, MACHINE = (number(i) for i in range(81, 85))


class FakeSleep:
    """Records delays; returns at once up to ``block_beyond`` seconds, else never."""

    def __init__(self, block_beyond: float = 10_000.0) -> None:
        self.block_beyond = block_beyond
        self.delays: list[float] = []
        self.blocked = 0
        self.changed = asyncio.Event()

    async def __call__(self, seconds: float) -> None:
        self.delays.append(seconds)
        if seconds > self.block_beyond:
            self.blocked += 1
            self.changed.set()
            await asyncio.Event().wait()
        await asyncio.sleep(0)


async def answer(event: CallbackEvent) -> Response | None:
    return Response([Speak("Hi")]) if isinstance(event, AnswerEvent) else None


def write_journal(path: Path, *records: dict[str, Any]) -> None:
    header = {"journal": "plivo-async", "version": 2, "kind": "calls", "input": None}
    path.write_text("".join(json.dumps(r) + "\n" for r in (header, *records)))


class Setup:
    def __init__(self, emu: Emulator, tracker: CallTracker, base: str) -> None:
        self.emu, self.tracker, self.base = emu, tracker, base

    def rows(self, numbers: list[str]) -> list[dict[str, Any]]:
        urls = {
            "answer_url": f"{self.base}/answer",
            "ring_url": f"{self.base}/ring",
            "hangup_url": f"{self.base}/hangup",
            "machine_detection_url": f"{self.base}/machine",
        }
        rows = [{"from": FROM, "to": to, **urls} for to in numbers]
        for row in rows:
            if row["to"] == MACHINE:
                row["machine_detection"] = "hangup"
        return rows

    def client(self) -> AsyncPlivo:
        return client_for(self.emu)

    async def crashed_run(self, plivo: AsyncPlivo, row: dict[str, Any], journal: Path) -> None:
        """What a run killed right after sending ``row``'s create leaves: the call placed,
        its callbacks going to that run's receiver (gone), a start record with no outcome."""
        lost = {**row, "hangup_url": "http://127.0.0.1:9/nobody", "ring_url": None}
        lost["from_"] = lost.pop("from")
        mark, sent = new_mark(), round(time.time(), 3)
        await plivo.calls.create_from(CreateCallRequest(**lost), mark=mark)
        start = {"s": 0, "h": row_key(row).digest, "m": mark, "t": sent}
        write_journal(journal, start)

    def resume(self, plivo: AsyncPlivo, row: dict[str, Any], journal: Path, sleep: Any) -> Any:
        return plivo.bulk.create_calls(
            [row],
            journal=journal,
            track=self.tracker,
            reconcile_lag=0.0,
            reconcile_settle=0.0,  # this emulator answers a create once it placed the call
            sleep=sleep,
        )


@pytest.fixture
async def setup() -> AsyncIterator[Setup]:
    tracker = CallTracker()
    life = Lifecycle(ringing_s=0.05, talk_s=0.05)
    async with Emulator(flows=True, callbacks=True, lifecycle=life) as emu:
        emu.flows.scripts[BUSY] = Script(answer="busy")
        emu.flows.scripts[SILENT] = Script(answer="no-answer")
        emu.flows.scripts[MACHINE] = Script(answer="machine")
        app = web.Application()
        app.add_subapp("/plivo/", tracker.app(emu.auth_token, on_event=answer))
        async with TestServer(app, host="127.0.0.1") as server:
            yield Setup(emu, tracker, str(server.make_url("/plivo")).rstrip("/"))


async def test_each_row_gets_the_disposition_its_script_says(setup: Setup) -> None:
    sleep = FakeSleep()
    async with setup.client() as plivo:
        run = plivo.bulk.create_calls(
            setup.rows([HUMAN, BUSY, SILENT, MACHINE]),
            track=setup.tracker,
            sleep=sleep,
        )
        outcomes = {o.request.to: o for o in await run.collect()}
    assert {to: o.disposition for to, o in outcomes.items()} == {
        HUMAN: "answered",
        BUSY: "busy",
        SILENT: "no-answer",
        MACHINE: "machine",
    }
    assert all(o.ok and o.dials == 1 for o in outcomes.values())
    assert outcomes[HUMAN].call.duration >= 0 and outcomes[BUSY].call.hangup_cause
    assert run.summary.dispositions == Counter(
        {"answered": 1, "busy": 1, "no-answer": 1, "machine": 1}
    )
    assert "dispositions: answered 1, busy 1, machine 1, no-answer 1" in run.summary.render()


async def test_rows_without_a_hangup_url_are_refused_before_sending(setup: Setup) -> None:
    async with setup.client() as plivo:
        rows = [{"from": FROM, "to": HUMAN, "answer_url": f"{setup.base}/answer"}]
        outcomes = await plivo.bulk.create_calls(rows, track=setup.tracker).collect()
    assert outcomes[0].status == "invalid" and "hangup_url" in str(outcomes[0].error)
    assert setup.emu.history.calls == []


async def test_redial_dials_exactly_the_busy_and_unanswered_rows_after_the_delay(
    setup: Setup, tmp_path: Path
) -> None:
    sleep = FakeSleep()
    policy = Redial(on={"busy", "no-answer"}, after=120.0, attempts=3)
    numbers = [HUMAN, BUSY, SILENT, MACHINE]
    async with setup.client() as plivo:
        run = plivo.bulk.create_calls(
            setup.rows(numbers),
            track=setup.tracker,
            redial=policy,
            sleep=sleep,
            journal=tmp_path / "run.jsonl",
        )
        outcomes = {o.request.to: o for o in await run.collect()}
    dialled = setup.emu.dialled_counts()
    assert dialled == {HUMAN: 1, BUSY: 3, SILENT: 3, MACHINE: 1}  # never an answered one
    assert outcomes[BUSY].dials == 3 and outcomes[BUSY].disposition == "busy"
    assert outcomes[BUSY].placed == 3 and outcomes[HUMAN].placed == 1
    assert run.summary.redials == 4 and run.summary.placed == 8
    redials = [d for d in sleep.delays if d <= 120.0]
    assert len(redials) == 4 and all(119.0 < d <= 120.0 for d in redials)
    # Each dial has its own mark and start record; the last disposition ends the row.
    records = [line for line in (tmp_path / "run.jsonl").read_text().splitlines()[1:]]
    starts = [r for r in records if r.startswith('{"s":')]
    assert len(starts) == 8 and sum('"dial":3' in r for r in starts) == 2


async def test_a_redial_due_when_the_run_stops_is_made_by_the_resume(
    setup: Setup, tmp_path: Path
) -> None:
    journal = tmp_path / "run.jsonl"
    policy = Redial(on={"busy"}, after=3600.0, attempts=2)
    numbers = [HUMAN, BUSY, number(86)]
    setup.emu.flows.scripts[number(86)] = Script(answer="busy")
    first_sleep = FakeSleep(block_beyond=1000.0)  # the hour's wait never ends in run 1
    async with setup.client() as plivo:
        run = plivo.bulk.create_calls(
            setup.rows(numbers),
            track=setup.tracker,
            redial=policy,
            sleep=first_sleep,
            journal=journal,
            grace_period=0.1,
        )
        seen = []
        async with run:
            async for outcome in run:
                seen.append(outcome.request.to)
                if seen == [HUMAN]:
                    while first_sleep.blocked < 2:  # both busy rows wait for their redial
                        first_sleep.changed.clear()
                        await first_sleep.changed.wait()
                    break
        assert setup.emu.dialled_counts() == {HUMAN: 1, BUSY: 1, number(86): 1}

        second_sleep = FakeSleep(block_beyond=5000.0)
        again = plivo.bulk.create_calls(
            setup.rows(numbers),
            track=setup.tracker,
            redial=policy,
            sleep=second_sleep,
            journal=journal,
        )
        resumed = {o.request.to: o for o in await again.collect()}
    assert set(resumed) == {BUSY, number(86)} and again.summary.skipped == 1
    assert all(o.dials == 2 and o.disposition == "busy" for o in resumed.values())
    assert setup.emu.dialled_counts() == {HUMAN: 1, BUSY: 2, number(86): 2}
    assert [d for d in second_sleep.delays if d <= 3600.0] and all(
        3500 < d <= 3600.0 for d in second_sleep.delays if d <= 3600.0
    )


async def test_max_live_calls_is_never_exceeded(setup: Setup) -> None:
    numbers = [number(100 + i) for i in range(12)]
    async with setup.client() as plivo:
        run = plivo.bulk.create_calls(
            setup.rows(numbers), track=setup.tracker, max_live_calls=3, sleep=FakeSleep()
        )
        outcomes = await run.collect()
    assert all(o.disposition == "answered" for o in outcomes)
    # From the emulator's side: never more than 3 calls between creation and hangup.
    events = []
    for record in setup.emu.history.calls:
        state = setup.emu._core.calls.calls[record.uuid]
        events += [(state.created, 1), (state.end_at, -1)]
    live = peak = 0
    for _, step in sorted(events, key=lambda e: (e[0], e[1])):
        live += step
        peak = max(peak, live)
    assert peak <= 3
    assert peak == 3  # the cap was reached: it is what held the others back


async def test_rows_reconciled_after_faults_get_their_dispositions_too(setup: Setup) -> None:
    numbers = [number(200 + i) for i in range(12)]
    setup.emu.set_faults(
        schedule=["drop_after", None, "500_after", "drop_before"] * 3, paths="calls"
    )
    async with setup.client() as plivo:
        run = plivo.bulk.create_calls(
            setup.rows(numbers),
            track=setup.tracker,
            reconcile_lag=0.0,
            reconcile_settle=0.0,  # this emulator answers a create once it placed the call
            sleep=FakeSleep(),
        )
        outcomes = await run.collect()
    assert setup.emu.duplicates() == {}
    assert all(o.ok and o.disposition == "answered" for o in outcomes)
    reconciled = Counter(o.reconciled for o in outcomes)
    assert reconciled == {"found": 6, "not_placed": 3, None: 3}
    for outcome in outcomes:  # the uuid found is the call the emulator placed, tracked
        placed = [c for c in setup.emu.history.calls if c.to == outcome.request.to]
        assert outcome.response.request_uuid == placed[0].uuid
        assert outcome.call.call_uuid == placed[0].uuid


async def test_a_resume_follows_a_call_found_from_the_crash_to_its_record(
    setup: Setup, tmp_path: Path
) -> None:
    """The crashed run's create was placed, and its callbacks go to that run's (dead)
    receiver: the resume finds the call, and when the wait for a hangup expires, reads how
    it ended from its record (by the call uuid reconciliation found)."""
    (row,) = setup.rows([SILENT])
    journal = tmp_path / "run.jsonl"

    async def calls_over(seconds: float) -> None:  # the track wait "expires" once all ended
        await setup.emu.flows.drain()
        await setup.emu.wait_for_callbacks()

    async with setup.client() as plivo:
        await setup.crashed_run(plivo, row, journal)  # still ringing when the resume looks
        run = setup.resume(plivo, row, journal, calls_over)
        (outcome,) = await asyncio.wait_for(run.collect(), 30)
    assert (outcome.status, outcome.reconciled) == ("ok", "found")
    assert outcome.disposition == "no-answer"
    assert outcome.call.call_uuid == setup.emu.history.calls[0].uuid
    assert setup.emu.dialled_counts() == {SILENT: 1}


async def test_a_call_whose_hangup_never_came_gets_its_disposition_from_its_record(
    setup: Setup,
) -> None:
    (row,) = setup.rows([SILENT])
    row["hangup_url"] = "http://127.0.0.1:9/nobody"  # the ring callback still comes

    async def calls_over(seconds: float) -> None:  # the track wait "expires" once all ended
        await setup.emu.flows.drain()
        await setup.emu.wait_for_callbacks()

    async with setup.client() as plivo:
        run = plivo.bulk.create_calls([row], track=setup.tracker, sleep=calls_over)
        (outcome,) = await run.collect()
    assert (outcome.status, outcome.disposition) == ("ok", "no-answer")
    assert run.summary.lookups == 1  # GET Call/{uuid}: the record of the call


async def test_callbacks_sent_twice_count_once_per_row(setup: Setup) -> None:
    setup.emu.set_faults(duplicate_callbacks=1.0)  # Plivo may repeat any callback
    numbers = [HUMAN, BUSY, SILENT]
    async with setup.client() as plivo:
        run = plivo.bulk.create_calls(setup.rows(numbers), track=setup.tracker, sleep=FakeSleep())
        outcomes = {o.request.to: o for o in await run.collect()}
        await setup.emu.wait_for_callbacks()
    repeated = [c for c in setup.emu.history.callbacks if c.duplicate]
    assert repeated and setup.tracker.duplicates == len(repeated)
    # Issue 22 item 1: each row's call is released once followed, repeats resurrect nothing.
    assert len(setup.tracker) == 0 and not setup.tracker.marks
    assert {to: o.disposition for to, o in outcomes.items()} == {
        HUMAN: "answered",
        BUSY: "busy",
        SILENT: "no-answer",
    }
    assert run.summary.dispositions == Counter({"answered": 1, "busy": 1, "no-answer": 1})
    assert run.summary.rows == 3 and setup.emu.duplicates() == {}


async def test_a_resume_reads_how_a_call_that_ended_during_the_crash_went_from_its_record(
    setup: Setup, tmp_path: Path
) -> None:
    """Placed by the crashed run, over before the resume (its hangup went to that run's
    receiver): reconciliation finds it in the records, which give the disposition at once."""
    (row,) = setup.rows([BUSY])
    journal = tmp_path / "run.jsonl"
    async with setup.client() as plivo:
        await setup.crashed_run(plivo, row, journal)
        await setup.emu.wait_for_callbacks()  # the busy call is over
        # no waiting on a hangup that will not come
        run = setup.resume(plivo, row, journal, FakeSleep(block_beyond=1.0))
        (outcome,) = await asyncio.wait_for(run.collect(), 30)
    assert (outcome.status, outcome.reconciled, outcome.disposition) == ("ok", "found", "busy")
    assert outcome.call.hangup_cause and outcome.call.call_uuid == setup.emu.history.calls[0].uuid
    assert run.summary.lookups >= 3 and setup.emu.dialled_counts() == {BUSY: 1}


async def test_a_forged_v2_disposition_never_redials_an_answered_call() -> None:
    """Issue 21 item 5: v2 signs the URL and nonce, not the parameters. A v2-signed
    request with a forged body naming a row's call as busy (forged while it rang; then the
    callee answered) got a 200, and the row was dialled again. Its disposition is now a
    hint, until a signed callback or the call record confirms it: no redial."""
    tracker = CallTracker()
    forged: list[int] = []
    base: list[str] = []

    async def forge(event: CallbackEvent) -> Response | None:
        if isinstance(event, AnswerEvent):
            return Response([Speak("Hi")])
        if not isinstance(event, RingEvent):
            return None
        url = f"{base[0]}/hangup"
        nonce = "12345678901234567890"
        body = {
            "Event": "Hangup",
            "CallUUID": event.call_uuid or "",
            "RequestUUID": event.request_uuid or "",
            "CallStatus": "busy",
            "HangupCause": "USER_BUSY",
            "To": HUMAN,
            "From": FROM,
        }
        headers = {
            SIGNATURE_V2_HEADER: sign_v2(url, nonce, emu.auth_token),
            SIGNATURE_V2_NONCE_HEADER: nonce,
        }
        async with (
            aiohttp.ClientSession() as session,
            session.post(url, data=body, headers=headers) as resp,
        ):
            forged.append(resp.status)
        return None

    life = Lifecycle(ringing_s=0.05, talk_s=0.05)
    async with Emulator(flows=True, callbacks=True, lifecycle=life) as emu:
        emu.flows.scripts[HUMAN] = Script(ring_s=0.5, talk_s=30)  # answers, stays on
        app = web.Application()
        app.add_subapp("/plivo/", tracker.app(emu.auth_token, on_event=forge))
        async with TestServer(app, host="127.0.0.1") as server:
            base.append(str(server.make_url("/plivo")).rstrip("/"))
            setup = Setup(emu, tracker, base[0])
            async with setup.client() as plivo:
                run = plivo.bulk.create_calls(
                    setup.rows([HUMAN]),
                    track=tracker,
                    redial=Redial(on={"busy"}, after=0.0, attempts=3),
                    reconcile_lag=0.0,
                    sleep=FakeSleep(),
                )
                [outcome] = await run.collect()
    assert forged == [200]  # the receiver cannot tell: v2 verified the URL and nonce
    assert emu.dialled_counts()[HUMAN] == 1, outcome
    assert outcome.dials == 1
    # The forged hangup was a hint: the row waited for the genuine (signed) one.
    assert outcome.disposition == "answered"
    assert outcome.call is not None and outcome.call.confirmed
