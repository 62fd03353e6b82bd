"""Bulk work: many calls or MPC actions at once, one outcome per row, never twice.

``api`` (``client.bulk``), ``engine`` (:class:`BulkRun`: feed, slots, journal, summary,
progress, shutdown), ``runners`` (what is done with one row: ``calls`` marks, reconciles,
follows and redials, ``function`` and ``mpc`` await one request), ``outcome`` (what
became of each row and of the run), ``inputs`` (CSV, digests), ``records`` (every journal
record, written and read), ``journal`` (the store: crash safety), ``report`` (a CSV of
every row), ``journal_stats`` and ``html_report`` (a campaign's figures from its journals,
and their page), ``progress``; ``dialer`` (the API lookups of a calls row: reconciliation,
tracking) and ``policy`` (redials, the live-call cap); ``campaign`` (calling windows,
do-not-call lists, caller ids, the preflight).
"""

from .api import Bulk
from .campaign import CallerIds, CallingWindow, Suppression, zones_for_number
from .campaign.preflight import Preflight
from .engine import BulkRun
from .inputs import file_digest, read_csv
from .journal import (
    JournalCorruptError,
    JournalInUseError,
    JournalMismatchError,
    JournalWriteError,
    NotAJournalError,
)
from .outcome import MpcActionRow, Outcome, Summary
from .policy import Redial, Retry
from .report import ReportWriteError

__all__ = [
    "Bulk",
    "BulkRun",
    "CallerIds",
    "CallingWindow",
    "JournalCorruptError",
    "JournalInUseError",
    "JournalMismatchError",
    "JournalWriteError",
    "MpcActionRow",
    "NotAJournalError",
    "Outcome",
    "Preflight",
    "Redial",
    "ReportWriteError",
    "Retry",
    "Summary",
    "Suppression",
    "file_digest",
    "read_csv",
    "zones_for_number",
]
