"""Bulk work: many calls or MPC actions at once, one outcome per row, never twice.

``api`` (``client.bulk``), ``engine`` (:class:`BulkRun`), ``outcome`` (what became of each
row and of the run), ``inputs`` (CSV, digests), ``journal`` (crash safety), ``progress``.
"""

from .api import Bulk
from .engine import BulkRun
from .inputs import file_digest, read_csv
from .journal import JournalInUseError, JournalMismatchError
from .outcome import MpcActionRow, Outcome, Summary

__all__ = [
    "Bulk",
    "BulkRun",
    "JournalInUseError",
    "JournalMismatchError",
    "MpcActionRow",
    "Outcome",
    "Summary",
    "file_digest",
    "read_csv",
]
