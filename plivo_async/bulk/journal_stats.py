"""The figures of a campaign, from its journals: what :mod:`.html_report` draws.

:func:`journal_stats` is a pure function of the records (one iterable per journal, each
starting with its :class:`~.records.Header`): shards' journals are merged, each row
keyed by its journal and row number. :func:`read_journal` gives the records of a file,
checked as a resume checks them (:func:`.journal.load`: not a journal, another version,
a corrupt line are refused; a torn last line, as a crash leaves, is left out).

What the journal holds decides what can be shown: a dial's moment is the start record
of its last attempt (calls runs only), the API's time is the outcome record's ``ms``
less ``waited`` (the dial's time, retries included, less its waits for this client's
own limits; reconciled dials are left out: their time is reconciliation's), and how a
call ended is its disposition record (tracked runs only). The callee's local hour comes
from the number's prefix (:func:`_callee_zone`).
"""

from __future__ import annotations

import bisect
import math
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from datetime import datetime, timezone, tzinfo
from pathlib import Path

import attrs

from ..errors import ValidationError
from .campaign.numbers import zones_for_number
from .journal import JournalCorruptError, load
from .records import (
    DispositionRecord,
    Header,
    OutcomeRecord,
    Record,
    RecordError,
    StartRecord,
    decode,
)

__all__ = [
    "ATTENTION",
    "Attention",
    "CampaignStats",
    "JournalInfo",
    "ZoneLookup",
    "default_zone_lookup",
    "journal_stats",
    "read_journal",
]

#: Final statuses of the rows a person should look at: the call may exist (unknown, or
#: in flight when a run stopped), the API refused it (failed), or it could not be sent as
#: given (invalid: fix the input).
ATTENTION = ("unknown", "in flight", "failed", "invalid")
#: A row started but with no outcome after it: a run stopped while it was in flight (a
#: resume reconciles it, or reports it unknown).
IN_FLIGHT = "in flight"
#: Bin widths (seconds) for the calls placed over time: the finest that gives at most
#: :data:`MAX_BINS` bins, and a minute at least once a run lasts five minutes.
BIN_WIDTHS = (1, 5, 10, 30, 60, 300, 600, 1800, 3600, 21600, 86400)
MAX_BINS = 120
#: The upper edges (ms) of the API time histogram's bins; the last bin is open.
LATENCY_EDGES = (50, 100, 200, 500, 1000, 2000, 5000, 10000, 30000)

#: The time zone of a number (an IANA name; None: not known), and whether its prefix
#: spans several zones (the first was used).
ZoneLookup = Callable[[str], "tuple[str | None, bool]"]


@attrs.frozen
class JournalInfo:
    """One journal of the report: its name, kind of run, input label, and rows."""

    name: str
    kind: str
    input_id: str | None
    rows: int


@attrs.frozen
class Attention:
    """A row to look at: where it is, what its last dial came to, and why."""

    journal: str
    index: int
    to: str
    status: str
    dial: int
    error: str
    http_status: int | None
    reconciled: str | None
    note: str | None
    request_uuid: str | None


@attrs.frozen
class CampaignStats:
    """The figures of one or more journals (see the module)."""

    journals: tuple[JournalInfo, ...]
    #: Rows with at least one record, and dials made in all (each row's first included).
    rows: int
    dials: int
    #: Dials the API answered with a call (ok outcome records).
    placed: int
    #: Rows by final status: an outcome status, or ``in flight`` (see :data:`IN_FLIGHT`).
    outcomes: dict[str, int]
    #: Rows by how their last call ended (tracked runs); ``redial due``: waiting for one.
    dispositions: dict[str, int]
    #: The first and last moment a dial left (calls runs; None if no start holds one).
    first_sent: float | None
    last_sent: float | None
    #: Calls placed per bin of ``bin_seconds`` from ``first_sent`` (rounded down to it).
    bin_seconds: int
    bin_start: float | None
    placed_per_bin: tuple[int, ...]
    #: The most calls placed in any one second (to hold against the account's CPS).
    peak_second: int
    #: Per hour of the callee's day (0-23): dials that ended with a disposition, and
    #: those answered. ``hour_zone`` says which clock: the callee's, or UTC (and why).
    dials_by_hour: tuple[int, ...]
    answered_by_hour: tuple[int, ...]
    hour_zone: str
    #: Numbers whose prefix spans several zones (the first zone was used), and numbers
    #: of no known zone (counted in UTC).
    multi_zone_numbers: int
    unzoned_numbers: int
    #: The API's time (ms, sorted) of each dial it answered (ok or failed), retries
    #: included, waits for the client's own limits not; reconciled dials left out.
    latency_ms: tuple[float, ...]
    #: Rows by the number of dials they took (0: never sent, 1: never redialled).
    rows_by_dials: dict[int, int]
    #: Dials by their number (1, 2, ...), and those answered.
    dials_by_number: dict[int, int]
    answered_by_number: dict[int, int]
    #: How a call ended when it was redialled (one per redial due or made).
    redialled_after: dict[str, int]
    #: Rows whose final status is in :data:`ATTENTION`, in journal and row order.
    attention: tuple[Attention, ...]

    @property
    def redials(self) -> int:
        return sum((dials - 1) * rows for dials, rows in self.rows_by_dials.items() if dials)

    @property
    def answered(self) -> int:
        return sum(self.answered_by_number.values())

    @property
    def with_disposition(self) -> int:
        """Dials whose call's end is known (the answer rate's denominator)."""
        return sum(self.dials_by_hour)

    def latency_quantile(self, q: float) -> float | None:
        """The ``q`` quantile of the API times (nearest rank), or None if there are none."""
        times = self.latency_ms
        if not times:
            return None
        return times[min(len(times) - 1, max(0, math.ceil(q * len(times)) - 1))]

    def latency_histogram(self) -> tuple[int, ...]:
        """API times per bin of :data:`LATENCY_EDGES` (the last bin: beyond the last edge)."""
        counts = [0] * (len(LATENCY_EDGES) + 1)
        for ms in self.latency_ms:
            counts[bisect.bisect_left(LATENCY_EDGES, ms)] += 1
        return tuple(counts)


@attrs.define
class _Dial:
    """What the journal says about one dial of one row (a few fields: a campaign has
    millions)."""

    number: int
    started: bool = False
    sent_at: float | None = None
    status: str | None = None  # its outcome's
    attempts: int = 0
    api_ms: float | None = None  # see _api_time
    disposition: str | None = None
    redial: bool = False


@attrs.define
class _Row:
    to: str | None = None
    dials: dict[int, _Dial] = attrs.Factory(dict)
    status: str | None = None  # its last outcome's (but a redial never sent)
    outcome: OutcomeRecord | None = None  # that outcome, if the row is one to look at
    started_after_outcome: bool = False

    def dial(self, number: int) -> _Dial:
        dial = self.dials.get(number)
        if dial is None:
            dial = self.dials[number] = _Dial(number)
        return dial


def _callee_zone(number: str) -> tuple[str | None, bool]:
    """The callee's time zone from its number (the calling windows' own lookup,
    :func:`~plivo_async.bulk.campaign.numbers.zones_for_number`). A prefix that spans
    several zones (a whole country, an overlay area code) gives the first, and says so."""
    try:
        zones = zones_for_number(number)
    except ValidationError:
        return None, False
    return (zones[0] if zones else None), len(zones) > 1


def default_zone_lookup() -> ZoneLookup | None:
    """:func:`_callee_zone` if ``phonenumbers`` is installed, else None (hours in UTC)."""
    try:
        import phonenumbers  # noqa: F401
    except ImportError:
        return None
    return _callee_zone


def read_journal(path: str | Path) -> Iterator[Record]:
    """The records of a journal file, header first, checked as a resume checks them.

    Raises :class:`~.journal.NotAJournalError`, :class:`~.journal.JournalMismatchError`
    (another version) or :class:`~.journal.JournalCorruptError` (naming the line) before
    the first record is yielded; an empty journal yields nothing.
    """
    path = Path(path)
    state = load(path)  # the checks, in one streaming pass
    if state is None:
        return iter(())
    return _records(path, Header(state.kind, state.input_id))


def _records(path: Path, header: Header) -> Iterator[Record]:
    yield header
    with path.open("rb") as handle:
        handle.readline()
        for number, line in enumerate(handle, 2):
            if not line.endswith(b"\n"):
                return  # torn by a crash (or being written): as a resume, leave it out
            try:
                yield decode(line)
            except RecordError as exc:  # written since it was checked: not by this library
                raise JournalCorruptError(f"{path}: line {number} {exc}") from None


def journal_stats(
    journals: Iterable[tuple[str, Iterable[Record]]],
    *,
    zone_of: ZoneLookup | None = None,
) -> CampaignStats:
    """The figures of ``journals`` (name, records), merged; ``zone_of`` gives a callee's
    time zone (None: every hour in UTC)."""
    infos: list[JournalInfo] = []
    rows: dict[tuple[int, int], _Row] = {}
    for number, (name, records) in enumerate(journals):
        info, found = _read(number, name, records)
        infos.append(info)
        rows.update(found)
    return _figures(tuple(infos), rows, zone_of)


def _read(
    number: int, name: str, records: Iterable[Record]
) -> tuple[JournalInfo, dict[tuple[int, int], _Row]]:
    rows: dict[tuple[int, int], _Row] = {}
    kind, input_id = "", None
    for record in records:
        if isinstance(record, Header):
            kind, input_id = record.kind, record.input_id
            continue
        row = rows.get((number, record.index))
        if row is None:
            row = rows[number, record.index] = _Row()
        if isinstance(record, StartRecord):
            dial = row.dial(record.dial)
            dial.started = True
            dial.sent_at = record.sent_at if record.sent_at is not None else dial.sent_at
            row.started_after_outcome = True
        elif isinstance(record, OutcomeRecord):
            _outcome(row, record)
        elif isinstance(record, DispositionRecord):
            _disposition(row, record)
        # a DeferredRecord (a dial waiting for its calling window) changes no figure
    return JournalInfo(name, kind, input_id, len(rows)), rows


def _outcome(row: _Row, record: OutcomeRecord) -> None:
    dial = row.dial(record.dial)
    dial.status, dial.attempts = record.status, record.attempts
    dial.api_ms = max(record.ms - record.waited, 0.0) if _api_time(record) else None
    row.to = record.to or row.to
    row.started_after_outcome = False
    if record.status == "not_sent" and record.dial > 1 and row.status is not None:
        del row.dials[record.dial]  # a redial the API never got: not made, still due
        row.dials[max(row.dials)].redial = True
        return
    row.status = record.status
    row.outcome = record if record.status in ATTENTION else None


def _disposition(row: _Row, record: DispositionRecord) -> None:
    dial = row.dial(record.dial)
    dial.disposition = record.disposition
    dial.redial = record.redial is not None


def _figures(
    journals: tuple[JournalInfo, ...],
    rows: dict[tuple[int, int], _Row],
    zone_of: ZoneLookup | None,
) -> CampaignStats:
    outcomes: Counter[str] = Counter()
    dispositions: Counter[str] = Counter()
    rows_by_dials: Counter[int] = Counter()
    dials_by_number: Counter[int] = Counter()
    answered_by_number: Counter[int] = Counter()
    redialled_after: Counter[str] = Counter()
    placed = 0
    placed_at: list[float] = []
    sent: list[float] = []
    latency: list[float] = []
    hours = _Hours(zone_of)
    attention: list[Attention] = []
    for (journal, index), row in sorted(rows.items()):
        status = _final_status(row)
        outcomes[status] += 1
        made = [dial for dial in row.dials.values() if _made(dial)]
        rows_by_dials[len(made)] += 1
        last = row.dials.get(max(row.dials, default=1))
        if last is not None and last.redial:
            dispositions["redial due"] += 1
        elif last is not None and last.disposition is not None:
            dispositions[last.disposition] += 1
        elif status == "ok":
            dispositions["not known"] += 1
        for dial in made:
            dials_by_number[dial.number] += 1
            if dial.sent_at is not None:
                sent.append(dial.sent_at)
            if dial.status == "ok":
                placed += 1
                if dial.sent_at is not None:
                    placed_at.append(dial.sent_at)
            if dial.api_ms is not None:
                latency.append(dial.api_ms)
            if dial.disposition is not None:
                answered = dial.disposition == "answered"
                answered_by_number[dial.number] += answered
                if dial.sent_at is not None:
                    hours.add(row.to, dial.sent_at, answered)
            if dial.redial and dial.disposition is not None:
                redialled_after[dial.disposition] += 1
        if status in ATTENTION:
            attention.append(_attention(journals[journal].name, index, row, status))
    first = min(sent, default=None)
    last_sent = max(sent, default=None)
    width, start, bins = _bins(placed_at, first, last_sent)
    return CampaignStats(
        journals=journals,
        rows=len(rows),
        dials=sum(dials_by_number.values()),
        placed=placed,
        outcomes=dict(outcomes.most_common()),
        dispositions=dict(dispositions.most_common()),
        first_sent=first,
        last_sent=last_sent,
        bin_seconds=width,
        bin_start=start,
        placed_per_bin=bins,
        peak_second=max(Counter(math.floor(t) for t in placed_at).values(), default=0),
        dials_by_hour=tuple(hours.dials),
        answered_by_hour=tuple(hours.answered),
        hour_zone=hours.label(),
        multi_zone_numbers=len(hours.multi),
        unzoned_numbers=len(hours.unzoned),
        latency_ms=tuple(sorted(latency)),
        rows_by_dials=dict(sorted(rows_by_dials.items())),
        dials_by_number=dict(sorted(dials_by_number.items())),
        answered_by_number={n: answered_by_number[n] for n in sorted(dials_by_number)},
        redialled_after=dict(redialled_after.most_common()),
        attention=tuple(attention),
    )


def _made(dial: _Dial) -> bool:
    """Whether the dial was sent (a start record, or an outcome of attempts made)."""
    return dial.started or dial.attempts > 0


def _api_time(outcome: OutcomeRecord) -> bool:
    """Whether the outcome's ``ms`` is the time of requests the API answered (not of
    reconciliation's lookups and waits)."""
    return (
        outcome.status in ("ok", "failed") and outcome.attempts > 0 and outcome.reconciled is None
    )


def _final_status(row: _Row) -> str:
    if row.started_after_outcome or row.status is None:
        return IN_FLIGHT
    return row.status


def _attention(journal: str, index: int, row: _Row, status: str) -> Attention:
    outcome = row.outcome if status != IN_FLIGHT else None
    error = ""
    if outcome is not None and outcome.error:
        error = f"{outcome.error}: {outcome.message or ''}".rstrip(": ")
    elif status == IN_FLIGHT:
        error = "a run stopped while its request was in flight: the call may exist"
    return Attention(
        journal=journal,
        index=index,
        to=row.to or "",
        status=status,
        dial=max(row.dials, default=1),
        error=error,
        http_status=None if outcome is None else outcome.http_status,
        reconciled=None if outcome is None else outcome.reconciled,
        note=None if outcome is None else outcome.note,
        request_uuid=None if outcome is None else outcome.request_uuid,
    )


def _bins(
    placed_at: list[float], first: float | None, last: float | None
) -> tuple[int, float | None, tuple[int, ...]]:
    """The bin width, the first bin's start, and the calls placed per bin."""
    if first is None or last is None:
        return 60, None, ()
    span = last - first
    width = next(
        (w for w in BIN_WIDTHS if span / w <= MAX_BINS and (span < 300 or w >= 60)),
        BIN_WIDTHS[-1],
    )
    start = math.floor(first / width) * width
    counts = [0] * (int((last - start) // width) + 1)
    for moment in placed_at:
        counts[int((moment - start) // width)] += 1
    return width, float(start), tuple(counts)


class _Hours:
    """Dials and answers per hour of the callee's day."""

    def __init__(self, zone_of: ZoneLookup | None) -> None:
        self.zone_of = zone_of
        self.dials = [0] * 24
        self.answered = [0] * 24
        self.multi: set[str] = set()
        self.unzoned: set[str] = set()
        self._zones: dict[str, tzinfo] = {}

    def add(self, number: str | None, moment: float, answered: bool) -> None:
        hour = datetime.fromtimestamp(moment, self._zone(number or "")).hour
        self.dials[hour] += 1
        self.answered[hour] += answered

    def _zone(self, number: str) -> tzinfo:
        zone = self._zones.get(number)
        if zone is None:
            zone = self._zones[number] = self._lookup(number)
        return zone

    def _lookup(self, number: str) -> tzinfo:
        if self.zone_of is None:
            return timezone.utc
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

        name, several = self.zone_of(number)
        if several:
            self.multi.add(number)
        if name is not None:
            try:
                return ZoneInfo(name)
            except (ZoneInfoNotFoundError, ValueError):
                pass
        self.unzoned.add(number)
        return timezone.utc

    def label(self) -> str:
        if self.zone_of is None:
            return "UTC (phonenumbers is not installed: the callee's zone is not known)"
        return "the callee's local time"
