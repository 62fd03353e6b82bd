"""Campaign pieces on their own: windows, numbers, the do-not-call list, caller ids,
redial schedules, the deferral record and the preflight (with fake pricing/account)."""

from __future__ import annotations

import sys
from datetime import datetime, timezone
from decimal import Decimal
from pathlib import Path

import pytest

from plivo_async.bulk.campaign import CallerIds, CallingWindow, zones_for_number
from plivo_async.bulk.campaign.numbers import e164, place_of
from plivo_async.bulk.campaign.suppression import Suppression
from plivo_async.bulk.journal import load
from plivo_async.bulk.policy import Redial, Retry
from plivo_async.bulk.records import Code, DeferredRecord, DispositionRecord, decode, encode
from plivo_async.client import AsyncPlivo
from plivo_async.errors import ValidationError

pytest.importorskip("phonenumbers")


def utc(month: int, day: int, hour: int, minute: int = 0) -> float:
    return datetime(2026, month, day, hour, minute, tzinfo=timezone.utc).timestamp()


# -- windows ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("days", "expected"),
    [
        ("mon-sat", {0, 1, 2, 3, 4, 5}),
        ("mon,wed,fri", {0, 2, 4}),
        ("fri-mon", {4, 5, 6, 0}),
        ("Monday-Tuesday", {0, 1}),
        ("all", set(range(7))),
    ],
)
def test_days_are_read_as_names_ranges_and_lists(days: str, expected: set[int]) -> None:
    assert CallingWindow("08:00", "21:00", days).days == expected


@pytest.mark.parametrize(
    ("start", "end", "days", "needle"),
    [
        ("21:00", "08:00", "all", "must be before end"),
        ("8 o'clock", "21:00", "all", "not a time of day"),
        ("08:00", "21:00", "funday", "use mon..sun"),
    ],
)
def test_a_window_that_cannot_be_followed_is_refused(
    start: str, end: str, days: str, needle: str
) -> None:
    with pytest.raises(ValueError, match=needle):
        CallingWindow(start, end, days)


def test_a_window_opens_at_the_local_start_skipping_closed_days_and_across_dst() -> None:
    window = CallingWindow("08:00", "21:00", "mon-sat")
    new_york = ("America/New_York",)
    saturday_night = utc(12, 12, 23)  # Sat 18:00 in New York: open
    assert window.next_open(new_york, saturday_night) == saturday_night
    after_close = utc(12, 13, 2, 30)  # Sat 21:30: closed until Monday 08:00 (EST)
    assert window.next_open(new_york, after_close) == utc(12, 14, 13)
    # the Sunday DST starts (8 March 2026), Monday 08:00 is EDT: 12:00 UTC
    assert window.next_open(new_york, utc(3, 8, 3)) == utc(3, 9, 12)


def test_a_number_in_several_zones_is_open_only_when_every_zone_is() -> None:
    window = CallingWindow("08:00", "21:00")
    zones = ("America/New_York", "America/Los_Angeles")
    # 13:00 UTC: 08:00 in New York, 05:00 in Los Angeles: wait for Los Angeles
    assert window.next_open(zones, utc(12, 7, 13)) == utc(12, 7, 16)
    # no moment is 08:00-09:00 both in Tokyo and in London
    assert CallingWindow("08:00", "09:00").next_open(("Asia/Tokyo", "Europe/London"), 0) is None


def test_zones_for_number_are_the_numbering_plans() -> None:
    assert zones_for_number("+12125550142") == ("America/New_York",)
    assert zones_for_number("442071234567") == ("Europe/London",)  # Plivo's form, no +
    assert len(zones_for_number("+18005550142")) > 10  # toll free: the whole plan
    with pytest.raises(ValidationError):
        zones_for_number("+1415")


def test_numbers_compare_in_e164_and_know_their_area() -> None:
    assert e164("(415) 555-0142", "US") == "+14155550142"
    assert e164("14155550142") == "+14155550142"
    place = place_of("+14155550142")
    assert (place.country, place.area) == ("US", "415")


def test_campaign_features_without_phonenumbers_say_which_extra_to_install(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(sys.modules, "phonenumbers", None)  # as if not installed
    with pytest.raises(ImportError, match=r'pip install "plivo-async\[campaigns\]"'):
        zones_for_number("+33142685399")
    with pytest.raises(ImportError, match="campaigns"):
        CallerIds(["+33142685399"])


# -- the do-not-call list, caller ids --------------------------------------------------------


async def test_a_suppression_list_matches_every_way_a_number_is_written(tmp_path: Path) -> None:
    listed = tmp_path / "dnc.csv"
    listed.write_text("phone,name\n+1 (415) 555-0142,someone\n2125550142\n")
    dnc = Suppression.read(listed, region="US")
    assert len(dnc) == 2
    for number in ("+14155550142", "14155550142", "+12125550142"):
        assert await dnc.check(number)
    assert not await dnc.check("+14155550143")
    assert await dnc.any_of(["+14155550143", "12125550142"]) == "12125550142"

    asked: list[str] = []

    async def redis_set(number: str) -> bool:
        asked.append(number)
        return False

    assert not await Suppression.of(redis_set).check("14155550142")
    assert asked == ["+14155550142"]  # asked in E.164


def test_caller_ids_prefer_the_area_then_the_country_and_stay_stable() -> None:
    pool = CallerIds(["+12125550001", "+12125550002", "+14155550001", "+442071230001"])
    assert pool.choose("+14155550142") == "+14155550001"
    assert pool.choose("+12125550142") in ("+12125550001", "+12125550002")
    assert pool.choose("+12125550142") == pool.choose("12125550142")  # stable
    new_york = {pool.choose(f"+1212555{i:04d}") for i in range(40)}
    assert new_york == {"+12125550001", "+12125550002"}  # spread over the area's numbers
    assert pool.choose("+13125550142") in pool.numbers[:3]
    assert pool.choose("+33142685300") is None


# -- redial schedules ------------------------------------------------------------------------


def test_a_schedule_redials_each_outcome_its_own_times_under_the_row_cap() -> None:
    policy = Redial(
        {"busy": Retry(after=300, attempts=3), "no-answer": Retry(after=3600, attempts=2)},
        max_attempts=4,
    )
    assert policy.due("busy", 1, 0.0, {"busy": 1}) == 300.0
    assert policy.due("busy", 3, 0.0, {"busy": 3}) == 300.0
    assert policy.due("busy", 4, 0.0, {"busy": 4}) is None  # the row cap (and busy's)
    assert policy.due("no-answer", 2, 0.0, {"busy": 1, "no-answer": 1}) == 3600.0
    assert policy.due("no-answer", 3, 0.0, {"busy": 1, "no-answer": 2}) == 3600.0
    assert policy.due("no-answer", 3, 0.0, {"no-answer": 3}) is None
    assert policy.due("answered", 1, 0.0, {"answered": 1}) is None
    assert policy.due("machine", 1, 0.0, {"machine": 1}) is None  # not in the schedule
    # no record of what came before (an older journal): the most it can be
    assert policy.due("no-answer", 3, 0.0) is None


def test_the_simple_form_is_the_schedule_it_always_was() -> None:
    simple = Redial(on={"busy"}, after=60.0, attempts=3)
    assert simple.schedule == {"busy": Retry(60.0, 2)} and simple.attempts == 3
    assert [simple.due("busy", n, 0.0) for n in (1, 2, 3)] == [60.0, 60.0, None]


@pytest.mark.parametrize(
    ("make", "needle"),
    [
        (lambda: Redial({"answered": Retry(after=1)}), "never redialled"),
        (lambda: Redial({"busy": Retry(after=-1)}), "finite number"),
        (lambda: Redial({"busy": Retry(after=1, attempts=0)}), "int >= 1"),
        (lambda: Redial({"busy": 3}), "Retry"),  # type: ignore[dict-item]
        (lambda: Redial({"busy": Retry(after=1)}, on={"busy"}), "not both"),
    ],
)
def test_a_schedule_that_cannot_be_followed_is_refused(make: object, needle: str) -> None:
    with pytest.raises(ValueError, match=needle):
        make()  # type: ignore[operator]


# -- journal records -------------------------------------------------------------------------


def test_deferral_and_seen_dispositions_round_trip_and_set_the_row_code(tmp_path: Path) -> None:
    deferred = DeferredRecord(3, 1, 1796648400.0)
    assert decode(encode(deferred).rstrip()) == deferred
    ended = DispositionRecord(0, 2, "busy", redial=5.0, seen={"busy": 1, "no-answer": 1})
    read = decode(encode(ended).rstrip())
    assert isinstance(read, DispositionRecord)
    assert (read.dial, read.disposition, read.redial, read.seen) == (2, "busy", 5.0, ended.seen)
    path = tmp_path / "j.jsonl"
    path.write_text(
        '{"journal":"plivo-async","version":2,"kind":"calls","input":null}\n'
        '{"w":3,"dial":1,"until":1796648400.0}\n'
        '{"o":4,"status":"suppressed","attempts":0,"ms":0.0}\n'
    )
    state = load(path)
    assert state is not None
    assert state.code(3) == Code.DEFERRED and state.code(4) == Code.SUPPRESSED


# -- the preflight ---------------------------------------------------------------------------


class FakePricing:
    def __init__(self, rates: dict[str, Decimal]) -> None:
        self.rates = rates

    def outbound_rate(self, number: str) -> Decimal | None:
        digits = number.lstrip("+")
        found = [p for p in self.rates if digits.startswith(p)]
        return self.rates[max(found, key=len)] if found else None


class FakePricingApi:
    def __init__(self) -> None:
        self.asked: list[str] = []

    async def get(self, country_iso: str) -> FakePricing:
        self.asked.append(country_iso)
        rates = {"US": {"1": Decimal("0.0100"), "1212": Decimal("0.0200")}, "GB": {}}
        return FakePricing(rates.get(country_iso, {}))


class FakeAccount:
    cash_credit = Decimal("0.50")

    async def get(self) -> FakeAccount:
        return self


async def test_the_preflight_counts_estimates_and_compares_with_the_credit() -> None:
    rows = [
        {"to": "+12125550142"},  # New York: 0.02/min, open at 13:00 UTC
        {"to": "+14155550142"},  # Los Angeles: 0.01/min, open at 16:00 UTC
        {"to": "+14155550143"},  # suppressed
        {"to": "+442071234567"},  # London: open now, no rate
        {"to": "not a number"},  # invalid
    ]
    pricing = FakePricingApi()
    async with AsyncPlivo("MAXXXXXXXXXXXXXXXXXX", "token") as plivo:
        report = await plivo.bulk.preflight(
            rows,
            defaults={"from": "+14155550100", "answer_url": "https://example.com/a"},
            window=CallingWindow("08:00", "21:00", "mon-sat"),
            suppress={"+14155550143"},
            cps=2.0,
            avg_minutes=3.0,
            pricing=pricing,
            account=FakeAccount(),
            clock=lambda: utc(12, 7, 12),
        )
    assert (report.rows, report.valid, report.invalid, report.suppressed) == (5, 3, 1, 1)
    assert report.out_of_window == 2 and report.next_window == utc(12, 7, 13)
    assert report.duration == 4 * 3600  # the last first dial: Los Angeles at 08:00
    assert report.cost == Decimal("0.0900") and report.unpriced == 1
    assert report.credit == Decimal("0.50") and report.affordable is True
    assert sorted(pricing.asked) == ["GB", "US"]  # once per country
    table = report.render()
    assert "outside window now" in table and "first opens 2026-12-07T13:00:00+00:00" in table
    assert "cost (est.)" in table and "cash credit" in table and "enough" in table
    assert report.as_dict()["cost"] == "0.09"


async def test_the_preflight_leaves_the_extra_columns_out_as_a_run_does() -> None:
    """A CRM export's columns are not call arguments: the run leaves them out of each row,
    and so must its preflight (before, `dial --preflight` counted every such row invalid)."""
    rows = [{"to": "+14155550142", "name": "Ann", "notes": 'said "call me, later"'}]
    async with AsyncPlivo("MAXXXXXXXXXXXXXXXXXX", "token") as plivo:
        report = await plivo.bulk.preflight(
            rows,
            defaults={"from": "+14155550100", "answer_url": "https://example.com/a"},
            extra_columns=["name", "notes"],
            pricing=FakePricingApi(),
            account=FakeAccount(),
        )
    assert (report.rows, report.valid, report.invalid) == (1, 1, 0)
