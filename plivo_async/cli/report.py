"""``plivo-async report JOURNAL... --html report.html``: a campaign's figures, from its journals.

Shards' journals are merged. The summary goes to stdout; ``--html`` writes one
self-contained page (charts inlined; it opens offline). Nothing is sent: the journals
are only read (a run may still be writing them: its last, unfinished line is left out).
A path that is not a journal, a journal given twice, or matplotlib missing for
``--html`` is one line and exit 2.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from ..bulk.html_report import check_charts, render_html
from ..bulk.journal import JournalMismatchError, NotAJournalError
from ..bulk.journal_stats import ATTENTION, CampaignStats, journal_stats, read_journal
from ..bulk.journal_stats import default_zone_lookup as zone_lookup
from ..errors import register_secret
from ._common import EXIT_OK, add_log_level, configure_logging, describe_os_error, fail

__all__ = ["add_parser", "run"]


def add_parser(sub: Any) -> None:
    report = sub.add_parser(
        "report",
        help="a campaign's figures from its journals (--html: a page with charts)",
        description="Read one or more journals (a run's, or its shards': they are merged) "
        "and print the campaign's figures; --html also writes them as one self-contained "
        "HTML page with charts (needs plivo-async[report]).",
    )
    add = report.add_argument
    add("journals", type=Path, nargs="+", metavar="JOURNAL", help="journal file(s) of a run")
    add("--html", type=Path, default=None, metavar="PATH", help="write the HTML report here")
    add("--cps", type=_cps, default=None, help="the account's calls per second, drawn")
    add("--title", default="Campaign report", help="the page's title")
    add_log_level(report)
    report.set_defaults(run=run)


def _cps(text: str) -> float:
    import argparse

    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not 0 < value < float("inf"):
        raise argparse.ArgumentTypeError(f"must be a number of calls per second > 0 (got {text!r})")
    return value


def run(args: Any) -> int:
    configure_logging(args.log_level)
    if args.html is not None:
        try:
            check_charts()
        except ImportError as exc:
            return fail("report", exc)
    seen: dict[Path, Path] = {}
    for path in args.journals:
        key = path.resolve()
        if key in seen:
            return fail("report", f"{path} is given twice (as {seen[key]})")
        seen[key] = path
    _forget_credentials()
    try:
        stats = journal_stats(
            ((str(path), read_journal(path)) for path in args.journals), zone_of=zone_lookup()
        )
    except NotAJournalError as exc:  # its advice is for a run: "give a new journal path"
        return fail("report", str(exc).partition(": give a")[0])
    except JournalMismatchError as exc:
        return fail("report", exc)
    except OSError as exc:
        return fail("report", describe_os_error(exc))
    if args.html is not None:
        page = render_html(stats, title=args.title, cps=args.cps)
        try:
            _write(args.html, page)
        except OSError as exc:
            return fail("report", f"cannot write the report: {describe_os_error(exc)}")
    print(_text(stats, args.html))
    return EXIT_OK


def _forget_credentials() -> None:
    """Redact this environment's credentials from anything shown (they are never in a
    journal; this is the second lock)."""
    auth_id, token = os.environ.get("PLIVO_AUTH_ID", ""), os.environ.get("PLIVO_AUTH_TOKEN", "")
    if token:
        register_secret(auth_id, token)


def _write(path: Path, page: str) -> None:
    """Write whole or not at all: a page half written is never left at ``path``."""
    partial = path.with_name(f".{path.name}.partial")
    partial.write_text(page, encoding="utf-8")
    os.replace(partial, path)


def _text(stats: CampaignStats, html: Path | None) -> str:
    outcomes = ", ".join(f"{status} {n}" for status, n in stats.outcomes.items()) or "none"
    dispositions = ", ".join(f"{name} {n}" for name, n in stats.dispositions.items()) or "none"
    attention = sum(stats.outcomes.get(status, 0) for status in ATTENTION)
    p50, p95 = stats.latency_quantile(0.5), stats.latency_quantile(0.95)
    lines = [
        f"{len(stats.journals)} journal(s), {stats.rows} rows, {stats.dials} dials "
        f"({stats.redials} redials), {stats.placed} placed",
        f"outcomes: {outcomes}",
        f"dispositions: {dispositions}",
        f"answered {stats.answered} of {stats.with_disposition} calls that ended; "
        f"peak {stats.peak_second} placed in one second",
        "API time: "
        + ("-" if p50 is None or p95 is None else f"p50 {p50:.0f} ms, p95 {p95:.0f} ms"),
        f"rows to look at (unknown, in flight, failed, invalid): {attention}",
    ]
    if html is not None:
        lines.append(f"report: {html}")
    return "\n".join(lines)
