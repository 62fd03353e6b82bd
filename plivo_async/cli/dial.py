"""``plivo-async dial rows.csv``: one call per CSV row, with a journal, on your account.

Set-up mistakes (no ``to`` column, no answer URL, a file that is not UTF-8 CSV, a bad
option value, ...) are one line and exit 2 before anything is sent. Each row that does
not end ``ok`` gets one line on stderr (row, CSV line, status, reason); the summary goes
to stdout. Ambiguous creates are reconciled (``--no-reconcile`` to leave them unknown);
with ``--callbacks-listen`` every call is followed to its disposition through a receiver
this command runs (see :mod:`._tracking`), which ``--redial`` and ``--max-live-calls``
build on.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import attrs

from ..bulk import BulkRun, JournalInUseError, JournalMismatchError, Outcome, file_digest
from ..bulk.campaign.preflight import Preflight
from ..bulk.inputs import CsvError, CsvRows
from ..bulk.journal import JournalWriteError
from ..bulk.progress import write_line
from ..bulk.report import COLUMNS as REPORT_COLUMNS
from ..bulk.report import ReportWriteError
from ..client import (
    PLIVO_RATE_LIMIT,
    AsyncPlivo,
    ConfigurationError,
)
from ..errors import AuthenticationError, ForbiddenError, PlivoError, ValidationError
from ..models.calls import CreateCallRequest
from ..reconciliation import DEFAULT_LAG, DEFAULT_SKEW
from ._campaign import (
    add_campaign_options,
    campaign_options,
    check_campaign_options,
    print_preflight,
    schedule_from_args,
)
from ._common import (
    EXIT_NOT_ALL_OK,
    EXIT_OK,
    RowLines,
    UsageError,
    add_log_level,
    check_credentials,
    configure_logging,
    describe_os_error,
    fail,
    print_summary,
    rate,
    run_interruptibly,
    warn,
)
from ._tracking import (
    Listener,
    address,
    check_tracking_options,
    count,
    dispositions,
    listen,
    positive_seconds,
    public_url,
    redial_from_args,
    seconds,
)

__all__ = ["add_parser", "describe_outcome", "run"]

#: Column names a row may use: calls.create's arguments, by wire name or Python name.
CALL_COLUMNS = frozenset(
    name for f in attrs.fields(CreateCallRequest) for name in (f.name, f.name.rstrip("_"))
)
#: Statuses that get a line on stderr (``cancelled`` rows are counted in the summary);
#: ``not_sent`` is a newer engine's status for rows stopped by a 401/403 or the journal.
REPORTED = ("invalid", "failed", "unknown", "not_sent")
#: The options of a run that the preflight takes too.
CAMPAIGN = ("window", "tz", "suppress", "region", "caller_ids", "extra_columns")


def add_parser(sub: Any) -> None:
    dial = sub.add_parser(
        "dial",
        help="place one call per CSV row (PLIVO_AUTH_ID/TOKEN)",
        description="Place one call per CSV row, concurrently, with a crash-safe journal: "
        "rerun the same command to resume. Credentials from PLIVO_AUTH_ID/PLIVO_AUTH_TOKEN.",
    )
    add = dial.add_argument
    add("rows", type=Path, help="CSV with a header; a 'to' column at least")
    add("--from", dest="from_", metavar="NUMBER", help="caller id for rows without a 'from'")
    add("--answer-url", metavar="URL", help="answer_url for rows without one")
    add("--hangup-url", metavar="URL", help="hangup_url for rows without one")
    add("--concurrency", type=int, default=64, metavar="N", help="requests in flight (64)")
    add("--cps", type=float, default=None, help="your account's calls per second")
    add(
        "--rate-limit",
        type=rate,
        default=PLIVO_RATE_LIMIT,
        metavar="COUNT/SECONDS",
        help="requests per window, or none (default: Plivo's 300/5 + guard)",
    )
    add(
        "--journal",
        type=Path,
        default=None,
        help="crash-safe journal (default ROWS.journal.jsonl); rerun to resume",
    )
    add("--no-journal", action="store_true", help="run without a journal")
    add(
        "--shard",
        type=shard,
        default=None,
        metavar="K/N",
        help="be worker K of N (0 <= K < N): rows K, K+N, ...; journal ROWS.shard-K-of-N...",
    )
    add(
        "--report",
        type=Path,
        default=None,
        metavar="PATH",
        help=f"CSV report, one line per row: {', '.join(REPORT_COLUMNS)}, then the columns "
        "of ROWS that are not calls.create arguments",
    )
    add(
        "--strict-columns",
        action="store_true",
        help="refuse a CSV with a column that is not a calls.create argument (default: "
        "such columns are not sent, and the report keeps them)",
    )
    add(
        "--retry-unknown",
        action="store_true",
        help="resend rows whose outcome is unknown (they may be dialled twice)",
    )
    add(
        "--retry-failed",
        action="store_true",
        help="on a resume, resend rows the API refused (a 4xx: nothing was placed)",
    )
    add(
        "--stop-after-failures",
        type=int,
        default=None,
        metavar="N",
        help="stop sending new rows after N failed rows (in-flight rows finish)",
    )
    add("--base-url", default=None, help="API root (default $PLIVO_BASE_URL, else Plivo's)")
    add(
        "--phlo-base-url",
        default=None,
        help="PHLO root (default $PLIVO_PHLO_BASE_URL, else Plivo's)",
    )
    add("--timeout", type=float, default=30.0, metavar="SECONDS", help="per request (30)")
    add("--no-progress", action="store_true", help="no progress bar")
    add("--json", action="store_true", help="print the summary as JSON")
    _add_reconcile_options(dial)
    _add_tracking_options(dial)
    add_campaign_options(dial)
    add_log_level(dial)
    dial.set_defaults(run=run)


def _add_reconcile_options(dial: Any) -> None:
    group = dial.add_argument_group(
        "reconciliation",
        "After an ambiguous failure (the call may or may not exist), ask the API whether "
        "the call was placed: found is ok, proven not placed is sent again, anything else "
        "stays unknown with a note. A resume does the same for the rows a crash left in "
        "flight.",
    )
    add = group.add_argument
    add("--no-reconcile", action="store_true", help="leave ambiguous rows unknown, no lookups")
    add(
        "--reconcile-lag",
        type=seconds,
        default=None,
        metavar="SECONDS",
        help=f"longest the API takes to show a call record after hangup ({DEFAULT_LAG:g})",
    )
    add(
        "--reconcile-settle",
        type=seconds,
        default=None,
        metavar="SECONDS",
        help="longest the API may still be processing a create after it was sent: no "
        "lookup before then proves it absent (default: --timeout)",
    )
    add(
        "--reconcile-wait",
        type=seconds,
        default=None,
        metavar="SECONDS",
        help="how long a row may wait for the settle time and the lag to pass (default: both + 5)",
    )
    add(
        "--reconcile-skew",
        type=seconds,
        default=None,
        metavar="SECONDS",
        help=f"how far this host's clock may be off the API's ({DEFAULT_SKEW:g}; the API's "
        "Date headers widen it when they show more)",
    )


def _add_tracking_options(dial: Any) -> None:
    group = dial.add_argument_group(
        "tracking",
        "Follow every call to its end (answered, busy, no-answer, failed, machine, "
        "cancelled; duration, hangup cause) from Plivo's signed callbacks, checked with "
        "PLIVO_AUTH_TOKEN. Tracking is on with --callbacks-listen.",
    )
    add = group.add_argument
    add(
        "--callbacks-listen",
        type=address,
        default=None,
        metavar="HOST:PORT",
        help="receive Plivo's callbacks here during the run (port 0: any free port; "
        "the address is printed on stderr)",
    )
    add(
        "--public-url",
        type=public_url,
        default=None,
        metavar="URL",
        help="the URL Plivo calls to reach the listener (a tunnel or proxy that forwards "
        "URL/PATH to /PATH); rows without a hangup_url / ring_url / machine_detection_url "
        "get URL/hangup, URL/ring, URL/machine. Default "
        "http://HOST:PORT of the listener, which is right only on loopback or a LAN (the "
        "emulator, tests), never for Plivo across the internet",
    )
    add(
        "--track-wait",
        type=positive_seconds,
        default=None,
        metavar="SECONDS",
        help="longest to wait for a call's hangup (default: its ring timeout and time limit + 60)",
    )
    add(
        "--redial",
        type=dispositions,
        default=None,
        metavar="DISPOSITIONS",
        help="dial rows again whose call ended so, e.g. busy,no-answer (never answered)",
    )
    add(
        "--redial-after",
        type=seconds,
        default=None,
        metavar="SECONDS",
        help="seconds after the call ended (300)",
    )
    add(
        "--redial-attempts",
        type=count,
        default=None,
        metavar="N",
        help="dials per row in all, the first included (3)",
    )
    add(
        "--max-live-calls",
        type=count,
        default=None,
        metavar="N",
        help="hold new calls while N of this run's calls are queued or live",
    )


def run(args: Any) -> int:
    """Check the set-up, then dial; returns the exit code."""
    configure_logging(args.log_level)
    try:
        check_credentials(
            **{"--base-url": args.base_url, "--phlo-base-url": args.phlo_base_url},
            PLIVO_BASE_URL=os.environ.get("PLIVO_BASE_URL"),
            PLIVO_PHLO_BASE_URL=os.environ.get("PLIVO_PHLO_BASE_URL"),
        )
        check_tracking_options(args)
        check_campaign_options(args)
        defaults = _defaults(args)
        rows, extra = _open_rows(
            args.rows, defaults, strict=args.strict_columns, tz=args.window is not None
        )
        options = {**_bulk_options(args), **campaign_options(args)}
    except (CsvError, UsageError) as exc:
        return fail("dial", exc)
    except OSError as exc:
        return fail("dial", describe_os_error(exc))
    _warn_if_cps_is_out_of_reach(args)
    if extra:
        kept = "the report keeps them" if args.report else "--report keeps them"
        warn(
            "dial",
            f"{args.rows}: {_columns(extra)}: not sent, {kept} (--strict-columns to refuse)",
        )
        options["extra_columns"] = extra
    if args.callbacks_listen is not None and "hangup_url" in rows.columns:
        warn(
            "dial",
            f"{args.rows} has a hangup_url column: rows that give one are tracked only if "
            "it reaches the listener",
        )
    runs: list[BulkRun[Any]] = []
    try:
        return run_interruptibly(_dial(args, rows, defaults, options, runs), runs)
    except OSError as exc:
        return fail("dial", describe_os_error(exc))
    except (
        ConfigurationError,
        JournalMismatchError,
        JournalInUseError,
        CsvError,
        UsageError,
    ) as exc:
        return fail("dial", exc)
    except PlivoError as exc:
        if not _is_journal_write_error(exc):
            return fail("dial", exc)
        fail("dial", f"{exc}; the run stopped: rerun the same command to resume")
        for started in runs:
            write_line(str(started.summary))
        return EXIT_NOT_ALL_OK


def _defaults(args: Any) -> dict[str, str]:
    given = (("from", args.from_), ("answer_url", args.answer_url), ("hangup_url", args.hangup_url))
    return {key: value for key, value in given if value}


def _open_rows(
    path: Path, defaults: dict[str, str], *, strict: bool, tz: bool = False
) -> tuple[CsvRows, list[str]]:
    """The CSV, checked as a whole: every mistake that would fail every row is one error;
    and its columns that are not call arguments (refused if ``strict``). ``tz``: a 'tz'
    column is the callee's time zone (``--window``)."""
    rows = CsvRows(path)
    columns = [name for name in rows.columns if name]
    if "to" not in columns:
        shown = ", ".join(repr(name) for name in columns) or "none"
        raise UsageError(f"{path} has no 'to' column (its columns: {shown})")
    known = CALL_COLUMNS | {"tz"} if tz else CALL_COLUMNS
    unknown = [name for name in columns if name not in known]
    if unknown and strict:
        raise UsageError(
            f"{path}: column {unknown[0]!r} is not a calls.create argument "
            "(e.g. to, from, answer_url, caller_name, time_limit)"
        )
    for key, flag in (("from", "--from"), ("answer_url", "--answer-url")):
        if key not in defaults and key not in columns and f"{key}_" not in columns:
            raise UsageError(f"no {key!r} column in {path}, and no {flag} for it")
    if len(rows) == 0:  # reads the whole file: a byte that is not UTF-8 is found here
        raise UsageError(f"{path} has a header but no rows")
    return rows, unknown


def _columns(names: list[str]) -> str:
    quoted = ", ".join(repr(name) for name in names)
    if len(names) == 1:
        return f"column {quoted} is not a calls.create argument"
    return f"columns {quoted} are not calls.create arguments"


def shard(text: str) -> tuple[int, int]:
    """``K/N`` for ``--shard``: worker K of N."""
    k, sep, n = text.partition("/")
    try:
        value = (int(k), int(n))
    except ValueError:
        value = (-1, 0)
    if not sep or not 0 <= value[0] < value[1]:
        raise argparse.ArgumentTypeError(f"must be K/N with 0 <= K < N (got {text!r})")
    return value


def _bulk_options(args: Any) -> dict[str, Any]:
    """The run options given on the command line (tracking ones but the tracker)."""
    options: dict[str, Any] = {
        "report": args.report,
        "retry_failed": args.retry_failed,
        "reconcile": not args.no_reconcile,
    }
    if args.reconcile_lag is not None:
        options["reconcile_lag"] = args.reconcile_lag
    if not args.no_reconcile:
        # a create may be processed as late as the client gives up on its answer
        settle = args.reconcile_settle
        options["reconcile_settle"] = args.timeout if settle is None else settle
    if args.reconcile_wait is not None:
        options["reconcile_wait"] = args.reconcile_wait
    if args.reconcile_skew is not None:
        options["reconcile_skew"] = args.reconcile_skew
    if args.callbacks_listen is not None:
        options.update(
            track_wait=args.track_wait,
            redial=redial_from_args(args) or schedule_from_args(args),
            max_live_calls=args.max_live_calls,
        )
    return options


def _is_journal_write_error(exc: BaseException) -> bool:
    """A journal or report that could not be written: the run stopped, a rerun resumes."""
    return isinstance(exc, (JournalWriteError, ReportWriteError))


def _warn_if_cps_is_out_of_reach(args: Any) -> None:
    limit = args.rate_limit
    if args.cps is None or limit is None:
        return
    most = limit.limit / limit.period
    if args.cps > most:
        warn(
            "dial",
            f"--cps {args.cps:g} is more than the request rate limit allows "
            f"({limit.limit} requests per {limit.period:g} s): calls will go out at "
            f"{most:.1f}/s at most",
        )


def describe_outcome(outcome: Outcome, rows: CsvRows) -> str:
    """One line for a row that did not end ``ok``: where it is, what became of it, why."""
    return ": ".join(_where_and_why(outcome, rows))


def _where_and_why(outcome: Outcome, rows: CsvRows) -> tuple[str, str]:
    line = rows.line(outcome.index)
    where = f"row {outcome.index}" + ("" if line is None else f" (line {line})")
    error = outcome.error
    if isinstance(error, ValidationError) and error.status is None:
        reason = str(error)  # "field: rule (got ...)"
    elif error is not None:
        reason = f"{type(error).__name__}: {error}"
    else:
        reason = "not sent"
    return where, " ".join(f"{outcome.status}: {reason}".split())


async def _dial(
    args: Any,
    rows: CsvRows,
    defaults: dict[str, str],
    options: dict[str, Any],
    runs: list[BulkRun[Any]],
) -> int:
    default_journal = Path(f"{args.rows}.journal.jsonl")
    if args.shard is not None:
        default_journal = Path(
            f"{args.rows}.shard-{args.shard[0]}-of-{args.shard[1]}.journal.jsonl"
        )
    journal = None if args.no_journal else (args.journal or default_journal)
    async with contextlib.AsyncExitStack() as stack:
        client = await stack.enter_async_context(
            AsyncPlivo(
                timeout=args.timeout,
                max_concurrency=args.concurrency,
                rate_limit=args.rate_limit,
                calls_per_second=args.cps,
                # None: the environment, else Plivo's (or, away from Plivo, base_url's)
                base_url=args.base_url,
                phlo_base_url=args.phlo_base_url,
            )
        )
        if args.preflight:
            report = await _preflight(client, args, rows, defaults, options)
            title = f"preflight of {args.rows} (nothing dialled)"
            print_preflight(title, report, as_json=args.json)
            return EXIT_OK
        if args.callbacks_listen is not None:
            listener = await stack.enter_async_context(_listen(args))
            defaults = {**listener.defaults(), **defaults}
            options["track"] = listener.tracker
        resuming = journal is not None and journal.exists() and journal.stat().st_size > 0
        priced = getattr(client, "pricing", None) is not None and hasattr(client, "account")
        campaign = any(key in options for key in CAMPAIGN) or args.redial_schedule is not None
        if campaign and priced and not args.force and not resuming:
            await _check_credit(client, args, rows, defaults, options)
        run = client.bulk.create_calls(
            rows,
            defaults=defaults,
            journal=journal,
            input_id=file_digest(args.rows),
            retry_unknown=args.retry_unknown,
            stop_after_failures=args.stop_after_failures,
            progress=False if args.no_progress else None,
            shard=args.shard,
            **options,
        )
        runs.append(run)
        unfollowed = 0  # tracked rows placed whose disposition is not known (a rerun asks)
        lines = RowLines()
        try:
            async for outcome in run:
                if outcome.status in REPORTED:
                    lines.add(*_where_and_why(outcome, rows))
                elif "track" in options and outcome.ok and outcome.disposition is None:
                    unfollowed += 1
        finally:
            lines.flush()
    summary = run.summary
    if args.json:
        shown = None if journal is None else str(journal)
        print(json.dumps({"calls": summary.as_dict(), "journal": shown}))
    else:
        kept = "no journal" if journal is None else f"journal: {journal}"
        print_summary(f"dialled {args.rows} ({kept})", summary)
    not_sent = int(getattr(summary, "not_sent", 0))
    done = summary.ok + int(getattr(summary, "suppressed", 0))  # suppressed: as asked
    incomplete = (
        summary.rows != done
        or not_sent > 0
        or unfollowed > 0
        or summary.redials_due > 0
        or summary.stopped is not None
    )
    return EXIT_NOT_ALL_OK if incomplete else EXIT_OK


async def _preflight(
    client: AsyncPlivo, args: Any, rows: CsvRows, defaults: dict[str, str], options: dict[str, Any]
) -> Preflight:
    """The run's preflight (see :mod:`plivo_async.bulk.campaign.preflight`)."""
    campaign = {key: options[key] for key in CAMPAIGN if key in options}
    try:
        return await client.bulk.preflight(
            rows, defaults=defaults, cps=args.cps, avg_minutes=args.avg_minutes, **campaign
        )
    except PlivoError as exc:
        raise UsageError(f"cannot make the preflight ({type(exc).__name__}: {exc})") from None


async def _check_credit(
    client: AsyncPlivo, args: Any, rows: CsvRows, defaults: dict[str, str], options: dict[str, Any]
) -> None:
    """Refuse a campaign run (one with a campaign option) whose estimated cost exceeds the
    cash credit (``--force`` skips this; a resume is not checked). An estimate that cannot
    be made does not stop the run."""
    try:
        report = await _preflight(client, args, rows, defaults, options)
    except UsageError as exc:
        cause = exc.__context__
        if not isinstance(cause, (AuthenticationError, ForbiddenError)):
            # (the run itself reports credentials the API refuses)
            warn("dial", f"no cost estimate: {exc}; dialling")
        return
    if report.affordable is False:
        raise UsageError(
            f"the estimated cost {report.cost:.2f} ({report.valid} calls x "
            f"{args.avg_minutes:g} min) exceeds the cash credit {report.credit:.2f}: "
            "add credit, or --force to dial anyway (--preflight shows the estimate)"
        )


@contextlib.asynccontextmanager
async def _listen(args: Any) -> AsyncIterator[Listener]:
    """The callback receiver of a tracked run, announced in one line on stderr."""
    host, port = args.callbacks_listen
    token = os.environ.get("PLIVO_AUTH_TOKEN", "")  # the client's: it was checked already
    async with listen(host, port, auth_token=token, public=args.public_url) as listener:
        write_line(
            f"plivo-async dial: receiving callbacks on {listener.url}"
            + ("" if args.public_url is None else f" (Plivo calls {listener.public_url})")
        )
        yield listener
