"""A campaign's figures from hand-written journals: every count, time and hour checked."""

from __future__ import annotations

import json
import sys
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pytest

from plivo_async.bulk.journal import JournalCorruptError, JournalMismatchError, NotAJournalError
from plivo_async.bulk.journal_stats import (
    CampaignStats,
    _callee_zone,
    default_zone_lookup,
    journal_stats,
    read_journal,
)

HEADER = {"journal": "plivo-async", "version": 2, "kind": "calls", "input": "sha256:abc"}
#: 2026-03-02 14:00:00 UTC, a Monday: 09:00 in New York, 14:00 in London.
T0 = datetime(2026, 3, 2, 14, 0, tzinfo=timezone.utc).timestamp()
NY, LONDON, NOWHERE, TOLL_FREE = "+12125550101", "+442079460101", "+999", "+18005550100"


def digest(i: int) -> str:
    return f"{i:016x}"


def start(i: int, t: float, dial: int = 1) -> dict[str, Any]:
    record: dict[str, Any] = {"s": i, "h": digest(i), "m": f"mark{i}", "t": t}
    if dial > 1:
        record["dial"] = dial
    return record


def ok(i: int, to: str, ms: float, w: float = 0.0, dial: int = 1, **extra: Any) -> dict[str, Any]:
    record: dict[str, Any] = {"o": i, "status": "ok", "h": digest(i), "attempts": 1, "ms": ms}
    if w:
        record["w"] = w
    record.update(to=to, request_uuid=f"uuid-{i}-{dial}")
    if dial > 1:
        record["dial"] = dial
    return {**record, **extra}


def ended(i: int, disposition: str, dial: int = 1, redial: float | None = None) -> dict[str, Any]:
    record: dict[str, Any] = {"d": i, "dial": dial, "disposition": disposition}
    if redial is not None:
        record["redial"] = redial
    return record


def write(path: Path, *records: dict[str, Any], torn: str = "") -> Path:
    lines = "".join(json.dumps(r) + "\n" for r in (HEADER, *records))
    path.write_text(lines + torn, encoding="utf-8")
    return path


def stats_of(*journals: Path, zone_of: Any = None) -> CampaignStats:
    return journal_stats(((str(p), read_journal(p)) for p in journals), zone_of=zone_of)


def zones(number: str) -> tuple[str | None, bool]:
    """A zone lookup for the tests, independent of phonenumbers."""
    return {
        NY: ("America/New_York", False),
        LONDON: ("Europe/London", False),
        TOLL_FREE: ("America/Chicago", True),
    }.get(number, (None, False))


CAMPAIGN = (
    # row 0: placed, answered at once (API 100 ms: 150 less 50 waited for the CPS)
    start(0, T0),
    ok(0, NY, 150.0, 50.0),
    ended(0, "answered"),
    # row 1: busy, redialled a minute later, answered on the second dial
    start(1, T0 + 0.5),
    ok(1, LONDON, 200.0),
    ended(1, "busy", redial=T0 + 60.5),
    start(1, T0 + 61.0, dial=2),
    ok(1, LONDON, 300.0, dial=2),
    ended(1, "answered", dial=2),
    # row 2: the API refused it (a 400: nothing placed)
    start(2, T0 + 1.0),
    {
        "o": 2,
        "status": "failed",
        "h": digest(2),
        "attempts": 1,
        "ms": 80.0,
        "to": NY,
        "error": "InvalidRequestError",
        "message": "src and destination cannot overlap",
        "http_status": 400,
        "nothing_placed": True,
    },
    # row 3: in flight when the run died (a start, no outcome)
    start(3, T0 + 1.5),
    # row 4: invalid, never sent
    {
        "o": 4,
        "status": "invalid",
        "h": digest(4),
        "attempts": 0,
        "ms": 0.0,
        "to": "12x",
        "error": "ValidationError",
        "message": "to: must be a phone number",
    },
    # row 5: no answer, its redial due when the run ended
    start(5, T0 + 2.0),
    ok(5, NOWHERE, 120.0),
    ended(5, "no-answer", redial=T0 + 3600),
    # row 6: busy, its redial never reached the API (not_sent on dial 2): still due
    start(6, T0 + 2.5),
    ok(6, TOLL_FREE, 110.0),
    ended(6, "busy", redial=T0 + 62.5),
    start(6, T0 + 63.0, dial=2),
    {"o": 6, "status": "not_sent", "h": digest(6), "attempts": 0, "ms": 0.0, "dial": 2},
    # row 7: unknown after reconciliation (its time is reconciliation's: not the API's)
    start(7, T0 + 3.0),
    {
        "o": 7,
        "status": "unknown",
        "h": digest(7),
        "attempts": 1,
        "ms": 31000.0,
        "to": NY,
        "reconciled": "unknown",
        "note": "no call record yet",
        "error": "OutcomeUnknownError",
        "message": "the call may have been placed",
    },
    # row 8: placed, found by reconciliation: not an API time either
    start(8, T0 + 3.5),
    ok(8, NY, 9000.0, reconciled="found", note="found by its mark"),
)


def test_a_campaign_is_counted_row_by_row_and_dial_by_dial(tmp_path: Path) -> None:
    stats = stats_of(write(tmp_path / "j.jsonl", *CAMPAIGN), zone_of=zones)
    assert stats.rows == 9
    assert stats.outcomes == {
        "ok": 5,
        "failed": 1,
        "in flight": 1,
        "invalid": 1,
        "unknown": 1,
    }
    # rows by how their last call ended; rows 5 and 6 wait for a redial; row 8 untracked
    assert stats.dispositions == {"redial due": 2, "answered": 2, "not known": 1}
    # dials sent: every row's first but row 4's (never sent), and row 1's second; row 6's
    # redial never reached the API: not made
    assert stats.dials == 9
    assert stats.dials_by_number == {1: 8, 2: 1}
    assert stats.redials == 1
    assert stats.rows_by_dials == {0: 1, 1: 7, 2: 1}
    assert stats.placed == 6  # rows 0, 1 (twice), 5, 6, 8
    assert stats.answered_by_number == {1: 1, 2: 1}
    assert stats.redialled_after == {"busy": 2, "no-answer": 1}
    # the API's time: ms less the wait, dials the API answered, reconciled ones left out
    assert stats.latency_ms == (80.0, 100.0, 110.0, 120.0, 200.0, 300.0)
    assert stats.latency_quantile(0.5) == 110.0
    assert stats.latency_quantile(1.0) == 300.0
    assert stats.first_sent == T0 and stats.last_sent == T0 + 61.0  # row 6's never left


def test_the_rows_to_look_at_say_where_they_are_and_why(tmp_path: Path) -> None:
    stats = stats_of(write(tmp_path / "j.jsonl", *CAMPAIGN), zone_of=zones)
    found = {row.index: row for row in stats.attention}
    assert sorted(found) == [2, 3, 4, 7]
    assert found[2].status == "failed" and found[2].http_status == 400
    assert found[2].error == "InvalidRequestError: src and destination cannot overlap"
    assert found[3].status == "in flight" and "may exist" in found[3].error
    assert found[4].status == "invalid" and found[4].to == "12x"
    assert (found[7].reconciled, found[7].note) == ("unknown", "no call record yet")
    assert {row.journal for row in stats.attention} == {str(tmp_path / "j.jsonl")}


def test_answer_rate_by_hour_is_in_the_callee_s_time(tmp_path: Path) -> None:
    stats = stats_of(write(tmp_path / "j.jsonl", *CAMPAIGN), zone_of=zones)
    dials = dict(enumerate(stats.dials_by_hour))
    answered = dict(enumerate(stats.answered_by_hour))
    # NY 09:00 (row 0 answered); London 14:00 (row 1: busy, then answered on dial 2);
    # row 5's number has no zone (UTC 14:00); row 6's toll free spans zones: Chicago 08:00
    assert {h: n for h, n in dials.items() if n} == {9: 1, 14: 3, 8: 1}
    assert {h: n for h, n in answered.items() if n} == {9: 1, 14: 1}
    assert stats.hour_zone == "the callee's local time"
    assert (stats.multi_zone_numbers, stats.unzoned_numbers) == (1, 1)
    assert stats.with_disposition == 5


def test_without_a_zone_lookup_hours_are_utc_and_say_so(tmp_path: Path) -> None:
    stats = stats_of(write(tmp_path / "j.jsonl", *CAMPAIGN), zone_of=None)
    assert {h: n for h, n in enumerate(stats.dials_by_hour) if n} == {14: 5}
    assert stats.hour_zone.startswith("UTC (phonenumbers is not installed")


def test_without_phonenumbers_there_is_no_zone_lookup(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "phonenumbers", None)  # import fails
    assert default_zone_lookup() is None


def test_the_default_lookup_reads_the_prefix_and_says_when_it_spans_zones() -> None:
    pytest.importorskip("phonenumbers")
    assert _callee_zone(NY) == ("America/New_York", False)
    assert _callee_zone(LONDON) == ("Europe/London", False)
    zone, several = _callee_zone(TOLL_FREE)
    assert zone is not None and several
    assert _callee_zone("+912212345678") == (None, False)  # no zone known
    assert _callee_zone("not a number") == (None, False)
    assert default_zone_lookup() is _callee_zone


def test_calls_placed_per_bin_and_the_peak_second(tmp_path: Path) -> None:
    # 3 calls in the first second, 1 in the 10th, 2 in the 30th: one-second bins
    moments = [T0 + 0.1, T0 + 0.5, T0 + 0.9, T0 + 9.2, T0 + 29.0, T0 + 29.5]
    records = []
    for i, moment in enumerate(moments):
        records += [start(i, moment), ok(i, NY, 100.0)]
    stats = stats_of(write(tmp_path / "j.jsonl", *records))
    assert stats.bin_seconds == 1 and stats.bin_start == T0
    assert len(stats.placed_per_bin) == 30
    assert stats.placed_per_bin[0] == 3 and stats.placed_per_bin[9] == 1
    assert stats.placed_per_bin[29] == 2 and sum(stats.placed_per_bin) == 6
    assert stats.peak_second == 3


def test_a_two_hour_campaign_is_counted_per_minute(tmp_path: Path) -> None:
    records = []
    for i in range(121):  # one call a minute, two hours
        records += [start(i, T0 + 60 * i + 5), ok(i, NY, 100.0)]
    stats = stats_of(write(tmp_path / "j.jsonl", *records))
    assert stats.bin_seconds == 60
    assert stats.placed_per_bin == (1,) * 121
    assert stats.peak_second == 1


def test_shards_are_merged_each_row_keyed_by_its_journal(tmp_path: Path) -> None:
    a = write(tmp_path / "a.jsonl", start(0, T0), ok(0, NY, 100.0), ended(0, "answered"))
    b = write(
        tmp_path / "b.jsonl",
        start(1, T0 + 1),
        ok(1, LONDON, 100.0),
        ended(1, "busy"),
        start(3, T0 + 2),
    )
    stats = stats_of(a, b, zone_of=zones)
    assert [(j.name, j.rows, j.kind) for j in stats.journals] == [
        (str(a), 1, "calls"),
        (str(b), 2, "calls"),
    ]
    assert stats.rows == 3 and stats.placed == 2
    assert stats.dispositions == {"answered": 1, "busy": 1}
    assert [(row.journal, row.index) for row in stats.attention] == [(str(b), 3)]
    # the same row number in two journals (two campaigns) is two rows
    assert stats_of(a, write(tmp_path / "c.jsonl", start(0, T0), ok(0, NY, 1.0))).rows == 2


def test_an_empty_journal_has_no_figures(tmp_path: Path) -> None:
    (tmp_path / "empty.jsonl").write_bytes(b"")
    stats = stats_of(tmp_path / "empty.jsonl", write(tmp_path / "h.jsonl"))
    assert stats.rows == 0 and stats.dials == 0 and stats.placed_per_bin == ()
    assert stats.bin_start is None and stats.latency_quantile(0.5) is None
    assert stats.latency_histogram() == (0,) * 10


def test_a_torn_last_line_is_left_out_as_a_resume_leaves_it(tmp_path: Path) -> None:
    path = write(tmp_path / "j.jsonl", start(0, T0), torn='{"o":0,"status":"ok","h":"00')
    stats = stats_of(path)
    assert stats.outcomes == {"in flight": 1}


def test_what_is_not_a_journal_is_refused_before_any_figure(tmp_path: Path) -> None:
    (tmp_path / "rows.csv").write_text("to\n+14155550100\n")
    with pytest.raises(NotAJournalError, match="is not a plivo-async journal"):
        read_journal(tmp_path / "rows.csv")
    corrupt = write(tmp_path / "bad.jsonl", start(0, T0))
    with corrupt.open("a") as handle:
        handle.write('{"o":0,"status":"maybe"}\n')
    with pytest.raises(JournalCorruptError, match="line 3"):
        read_journal(corrupt)
    old = tmp_path / "old.jsonl"
    old.write_text(json.dumps({**HEADER, "version": 1}) + "\n")
    with pytest.raises(JournalMismatchError, match="version 1"):
        read_journal(old)
    with pytest.raises(FileNotFoundError):
        read_journal(tmp_path / "missing.jsonl")
