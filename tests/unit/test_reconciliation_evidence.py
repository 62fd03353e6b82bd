"""Reconciliation takes only positive evidence for "not placed" (issue 21, items 1, 2, 4).

A small fake of the lookup API behind aioresponses answers the queued, live and records
lookups; each test makes one answer hostile in one way and checks that reconciliation
never says ``not_placed`` on it (it would dial the person again), while the honest
answer still proves the call not placed (so the tests can tell the difference).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from email.utils import formatdate
from pathlib import Path
from typing import Any

import pytest
from aioresponses import CallbackResult, aioresponses
from hypothesis import given, settings
from hypothesis import strategies as st
from yarl import URL

from plivo_async import AsyncPlivo
from plivo_async.models.calls import CreateCallRequest
from plivo_async.reconciliation import reconcile

from ._resources_helpers import API, AUTH_ID, AUTH_TOKEN, client_fixture  # noqa: F401

FROM, TO = "+14155550100", "+14155550199"
SENT = datetime(2026, 12, 7, 12, 0, 10, 200_000, tzinfo=timezone.utc)
REQUEST = CreateCallRequest(from_=FROM, to=TO, answer_url="https://example.com/a.xml")
Answer = Callable[[URL], dict[str, Any]]


def stamp(moment: datetime) -> str:
    """An API time: whole seconds, UTC, as Plivo writes them."""
    return moment.strftime("%Y-%m-%d %H:%M:%S")


def record(started: datetime, **extra: Any) -> dict[str, Any]:
    return {
        "call_uuid": "cdr-1",
        "request_uuid": "req-1",
        "from_number": FROM.lstrip("+"),
        "to_number": TO.lstrip("+"),
        "initiation_time": stamp(started),
        "end_time": stamp(started + timedelta(seconds=3)),
        "hangup_cause_name": "Busy Line",
        **extra,
    }


class FakeLookups:
    """The lookup endpoints: an empty queue, nothing live, the given call records."""

    def __init__(self, records: list[dict[str, Any]] | None = None) -> None:
        self.queued: Answer = lambda url: {"api_id": "q", "calls": []}
        self.live: Answer = lambda url: {"api_id": "l", "calls": []}
        self.records: Answer = lambda url: {
            "api_id": "r",
            "meta": {"limit": 20, "offset": 0, "next": None, "total_count": len(records or [])},
            "objects": list(records or []),
        }
        self.calls: dict[str, dict[str, Any]] = {}
        self.queue: DrainingQueue | None = None  # where each call is, if it moves
        self.date: datetime | None = None  # the API's Date header (its clock), if any
        self.asked: list[URL] = []

    def __call__(self, url: URL, **kwargs: Any) -> CallbackResult:
        self.asked.append(url)
        headers = (
            {} if self.date is None else {"Date": formatdate(self.date.timestamp(), usegmt=True)}
        )
        status = url.query.get("status")
        uuid = url.path.rstrip("/").rsplit("/", 1)[-1]
        if uuid != "Call":
            call = self.calls.get(uuid)
            queued = self.queue is not None and uuid in self.queue.ids
            if self.queue is not None and (status == "queued") != queued:
                call = None  # it is not where it was asked for (left the queue, or not yet)
            if call is None:
                return CallbackResult(status=404, payload={"error": "not found"}, headers=headers)
            return CallbackResult(status=200, payload=call, headers=headers)
        answer = {"queued": self.queued, "live": self.live}.get(status or "", self.records)
        return CallbackResult(status=200, payload=answer(url), headers=headers)

    def install(self, m: aioresponses) -> None:
        m.get(re.compile(re.escape(API) + r"Call/.*"), callback=self, repeat=True)


async def ask(client: AsyncPlivo, **options: Any) -> Any:
    options.setdefault("clock", lambda: SENT.timestamp() + 1.0)
    return await client.calls.reconcile(REQUEST, sent_at=SENT, settle=0, lag=0, **options)


async def test_the_honest_empty_answers_prove_not_placed(client: AsyncPlivo) -> None:
    with aioresponses() as m:
        FakeLookups().install(m)
        assert (await ask(client)).status == "not_placed"


MISSING: list[tuple[str, Answer]] = [
    ("queued", lambda url: {"api_id": "x"}),
    ("queued", lambda url: {"api_id": "x", "calls": None}),
    ("queued", lambda url: {"api_id": "x", "calls": "abc"}),
    ("queued", lambda url: {"api_id": "x", "calls": [1, 2]}),
    ("live", lambda url: {"api_id": "x"}),
    ("live", lambda url: {"api_id": "x", "calls": {"a": 1}}),
    ("records", lambda url: {"api_id": "x"}),
    ("records", lambda url: {"api_id": "x", "objects": []}),  # no meta: more pages?
    ("records", lambda url: {"api_id": "x", "meta": {"limit": 20}, "objects": []}),
    ("records", lambda url: {"api_id": "x", "meta": {"next": "/x?offset=20"}, "objects": []}),
    ("records", lambda url: {"api_id": "x", "meta": {"next": None}, "objects": "none"}),
    ("records", lambda url: {"api_id": "x", "meta": {"next": None}, "objects": [1]}),
    ("records", lambda url: []),
]


@pytest.mark.parametrize(("which", "answer"), MISSING)
async def test_an_answer_without_its_list_is_no_evidence(
    client: AsyncPlivo, which: str, answer: Answer
) -> None:
    """Issue 21 item 1: a 2xx without its list read as "no call" dialled 64 people twice."""
    fake = FakeLookups()
    setattr(fake, which, answer)
    with aioresponses() as m:
        fake.install(m)
        result = await ask(client)
    assert result.status == "unknown", result.note
    assert "no evidence" in result.note


@pytest.mark.parametrize(
    "other",
    [
        record(SENT, to_number="14155550000"),  # the to_number filter was not applied
        record(SENT, from_number="14155559999"),  # nor the caller id
        record(SENT - timedelta(days=2)),  # nor the end time window
        {"call_uuid": "x"},  # no numbers at all
    ],
)
async def test_records_that_do_not_match_the_filters_asked_are_no_evidence(
    client: AsyncPlivo, other: dict[str, Any]
) -> None:
    with aioresponses() as m:
        FakeLookups([other]).install(m)
        result = await ask(client)
    assert result.status == "unknown", result.note


async def test_a_queued_call_without_its_numbers_is_no_evidence(client: AsyncPlivo) -> None:
    fake = FakeLookups()
    fake.queued = lambda url: {"api_id": "q", "calls": ["q-1"]}
    fake.calls["q-1"] = {"api_id": "x", "call_uuid": "q-1"}  # from/to missing
    with aioresponses() as m:
        fake.install(m)
        result = await ask(client)
    assert result.status == "unknown", result.note


class DrainingQueue:
    """Plivo's queue while it drains: ``leave`` calls leave its head (and go live) before
    each answer. The call looked for is the newest, at the tail."""

    def __init__(self, size: int, leave: int) -> None:
        self.ids = [f"q-{i}" for i in range(size)]
        self.live: list[str] = []
        self.leave = leave

    def __call__(self, url: URL) -> dict[str, Any]:
        self.live.extend(self.ids[: self.leave])
        del self.ids[: self.leave]
        offset, limit = int(url.query.get("offset", 0)), int(url.query.get("limit", 20))
        return {"api_id": "q", "calls": self.ids[offset : offset + limit]}


def draining(size: int, leave: int) -> FakeLookups:
    fake, queue = FakeLookups(), DrainingQueue(size, leave)
    fake.queued, fake.queue = queue, queue

    def live(url: URL) -> dict[str, Any]:
        to = url.query.get("to_number", "").lstrip("+")
        ids = [u for u in queue.live if fake.calls[u]["to"].lstrip("+") == to]
        offset, limit = int(url.query.get("offset", 0)), int(url.query.get("limit", 20))
        return {"api_id": "l", "calls": ids[offset : offset + limit]}

    fake.live = live
    for i, uuid in enumerate(queue.ids):
        to = TO if i == size - 1 else f"+1415555{i:04d}"
        fake.calls[uuid] = {"call_uuid": uuid, "request_uuid": uuid, "from": FROM, "to": to}
    return fake


@pytest.mark.parametrize("leave", [1, 3, 9])
async def test_the_call_at_the_tail_of_a_draining_queue_is_found(
    client: AsyncPlivo, leave: int
) -> None:
    """Issue 21 item 2: paging by offset while the queue drains skipped the newest call,
    which was then "proven" not placed (12 of 12 trials dialled twice)."""
    fake = draining(60, leave)
    with aioresponses() as m:
        fake.install(m)
        result = await ask(client)
    assert result.status == "found", result.note
    assert result.request_uuid == "q-59"


@given(size=st.integers(0, 90), leave=st.integers(0, 40), tail=st.booleans())
@settings(max_examples=60, deadline=None)
async def test_a_queue_that_moves_under_its_pages_never_proves_absence(
    size: int, leave: int, tail: bool
) -> None:
    """Whatever the queue's length and pace, the call in it is found or the answer is
    unknown: never not placed."""
    fake = draining(size, leave) if size else FakeLookups()
    if size and not tail:  # the call looked for is not in the queue at all
        fake.calls[f"q-{size - 1}"]["to"] = "+14155550001"
    async with AsyncPlivo(AUTH_ID, AUTH_TOKEN) as client:
        with aioresponses() as m:
            fake.install(m)
            result = await ask(client)
    if size and tail:
        assert result.status in ("found", "unknown"), result.note
    if not size or not tail:
        # Nothing to find: a queue walked without a gap proves it; one that moved
        # too fast is no evidence.
        assert result.status in ("not_placed", "unknown"), result.note


# -- clock skew (item 4) -----------------------------------------------------------------


@pytest.mark.parametrize("behind", [0.0, 0.5, 1.5, 1.99])
async def test_a_record_of_a_host_ahead_of_the_api_is_found(
    client: AsyncPlivo, behind: float
) -> None:
    """Issue 21 item 4: the host 1.5 s ahead of the API, whole-second times: the call's
    own record started "before" the send and was skipped as an older call."""
    started = SENT - timedelta(seconds=behind)  # the API's clock at the create
    with aioresponses() as m:
        FakeLookups([record(started)]).install(m)
        result = await ask(client)
    assert result.status == "found", result.note


async def test_a_record_near_the_edge_of_the_window_is_no_evidence(client: AsyncPlivo) -> None:
    started = SENT - timedelta(seconds=4.5)  # beyond skew + 1 s, within the margin
    with aioresponses() as m:
        FakeLookups([record(started)]).install(m)
        result = await ask(client)
    assert result.status == "unknown", result.note
    assert "edge" in result.note


async def test_an_older_call_well_before_the_window_is_not_this_one(client: AsyncPlivo) -> None:
    started = SENT - timedelta(seconds=30)
    with aioresponses() as m:
        FakeLookups([record(started, end_time=stamp(SENT))]).install(m)
        result = await ask(client)
    assert result.status == "not_placed", result.note


async def test_the_skew_bound_is_settable(client: AsyncPlivo) -> None:
    started = SENT - timedelta(seconds=8)  # an API clock 8 s behind
    with aioresponses() as m:
        FakeLookups([record(started)]).install(m)
        assert (await ask(client)).status != "found"
    with aioresponses() as m:
        FakeLookups([record(started)]).install(m)
        assert (await ask(client, skew=10)).status == "found"


async def test_the_api_date_header_widens_the_skew_bound(client: AsyncPlivo) -> None:
    """The API's Date shows its clock 8 s behind: its record 8 s "before" the send is ours."""
    started = SENT - timedelta(seconds=8)
    fake = FakeLookups([record(started)])
    fake.date = SENT + timedelta(seconds=1) - timedelta(seconds=8)
    with aioresponses() as m:
        fake.install(m)
        result = await ask(client)
    assert result.status == "found", result.note


async def test_a_record_without_a_start_time_is_no_evidence(client: AsyncPlivo) -> None:
    with aioresponses() as m:
        FakeLookups([record(SENT, initiation_time=None)]).install(m)
        result = await ask(client)
    assert result.status == "unknown", result.note


def test_reconcile_needs_no_resource_class() -> None:
    """The lookups are a protocol: reconciliation imports nothing from resources."""
    import plivo_async.reconciliation as module

    source = Path(module.__file__).read_text(encoding="utf-8")
    assert "resources" not in re.sub(r'""".*?"""', "", source, flags=re.S)
    assert callable(reconcile)


async def test_a_call_a_page_showed_and_the_counted_walk_did_not_must_have_left(
    client: AsyncPlivo,
) -> None:
    """A page cut short to nothing, read the same three times (the soak found it): the
    call an earlier read showed is asked for, and it is still queued: no evidence."""
    fake = FakeLookups()
    answers = iter([["q-1", "q-2"], ["q-2"]])  # then [] for ever: the list "emptied"
    fake.queued = lambda url: {"api_id": "q", "calls": next(answers, [])}
    fake.calls["q-1"] = {"call_uuid": "q-1", "from": FROM, "to": "+14155550001"}
    fake.calls["q-2"] = {"call_uuid": "q-2", "request_uuid": "q-2", "from": FROM, "to": TO}
    with aioresponses() as m:
        fake.install(m)
        result = await ask(client)
    assert result.status == "unknown", result.note
    assert "hid call q-2" in result.note
