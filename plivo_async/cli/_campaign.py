"""The campaign options of ``plivo-async dial``: calling windows, a do-not-call list,
local caller ids, a redial schedule per outcome, and the preflight (see
:mod:`plivo_async.bulk.campaign`). Mistakes are one line, exit 2, before anything is sent.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from ..bulk.campaign import CallerIds, CallingWindow
from ..bulk.campaign.preflight import DEFAULT_AVG_MINUTES, Preflight
from ..bulk.campaign.suppression import Suppression
from ..bulk.campaign.window import check_zone
from ..bulk.policy import Redial, Retry
from ..errors import ValidationError
from ._common import UsageError

__all__ = [
    "add_campaign_options",
    "campaign_options",
    "check_campaign_options",
    "print_preflight",
    "schedule_from_args",
]


def _window(text: str) -> str:
    try:
        CallingWindow.parse(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None
    return text


def _days(text: str) -> str:
    try:
        CallingWindow("00:00", "23:59", text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None
    return text


def _zone(text: str) -> str:
    try:
        return check_zone(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _minutes(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not 0 < value < 1e6:
        raise argparse.ArgumentTypeError(f"must be a number of minutes > 0 (got {text!r})")
    return value


def redial_schedule(text: str) -> dict[str, Retry]:
    """``busy=300x3,no-answer=3600x2``: per disposition, seconds after and redials."""
    schedule: dict[str, Retry] = {}
    for part in text.split(","):
        name, _, rule = part.strip().partition("=")
        after, _, times = rule.partition("x")
        try:
            schedule[name.strip()] = Retry(after=float(after), attempts=int(times or 1))
        except ValueError as exc:
            raise argparse.ArgumentTypeError(
                f"{part.strip()!r}: give DISPOSITION=SECONDSxREDIALS, e.g. busy=300x3 ({exc})"
            ) from None
    try:
        Redial(schedule)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None
    return schedule


def add_campaign_options(dial: Any) -> None:
    group = dial.add_argument_group(
        "campaign",
        "Calling hours in the callee's local time, a do-not-call list, local caller ids, "
        'a redial schedule per outcome, a preflight (pip install "plivo-async[campaigns]").',
    )
    add = group.add_argument
    add(
        "--window",
        type=_window,
        default=None,
        metavar="HH:MM-HH:MM",
        help="dial each row only between these local times of its callee (e.g. 08:00-21:00, "
        "the US rule); rows outside wait, journaled; the zone from the number, a 'tz' "
        "column, or --tz",
    )
    add("--days", type=_days, default=None, metavar="DAYS", help="with --window: e.g. mon-sat")
    add(
        "--tz",
        type=_zone,
        default=None,
        metavar="ZONE",
        help="one time zone for every row's window (UTC, Europe/Paris)",
    )
    add(
        "--suppress",
        type=Path,
        default=None,
        metavar="FILE",
        help="do-not-call list, one number a line: listed rows end 'suppressed', never dialled",
    )
    add(
        "--region",
        default=None,
        metavar="CC",
        help="read national numbers of --suppress as this country's (e.g. US)",
    )
    add(
        "--caller-ids",
        type=Path,
        default=None,
        metavar="FILE",
        help="your numbers (E.164, one a line): each row without a 'from' is called from the "
        "one of its callee's area code, else country, else --from",
    )
    add(
        "--redial-schedule",
        type=redial_schedule,
        default=None,
        metavar="SCHEDULE",
        help="per outcome, e.g. busy=300x3,no-answer=3600x2,machine=7200x1 (seconds after, "
        "redials); needs --callbacks-listen",
    )
    add(
        "--redial-max",
        type=int,
        default=None,
        metavar="N",
        help="with --redial-schedule: dials per row in all, the first included",
    )
    add(
        "--preflight",
        action="store_true",
        help="dial nothing: count valid, invalid, suppressed and out-of-window rows, "
        "estimate duration and cost against the cash credit; print a table (or --json)",
    )
    add(
        "--avg-minutes",
        type=_minutes,
        default=DEFAULT_AVG_MINUTES,
        metavar="MINUTES",
        help=f"the average call length the cost estimate assumes ({DEFAULT_AVG_MINUTES:g})",
    )
    add(
        "--force",
        action="store_true",
        help="dial even when the estimated cost exceeds the account's cash credit",
    )


def check_campaign_options(args: Any) -> None:
    if args.days is not None and args.window is None:
        raise UsageError("--days needs --window (the hours of those days)")
    if args.redial_schedule is not None:
        if args.callbacks_listen is None:
            raise UsageError("--redial-schedule needs --callbacks-listen (tracking)")
        if args.redial is not None:
            raise UsageError("give --redial or --redial-schedule, not both")
    elif args.redial_max is not None:
        raise UsageError("--redial-max needs --redial-schedule")


def schedule_from_args(args: Any) -> Redial | None:
    if args.redial_schedule is None:
        return None
    try:
        return Redial(args.redial_schedule, max_attempts=args.redial_max)
    except ValueError as exc:
        raise UsageError(f"--redial-max: {exc}") from None


def campaign_options(args: Any) -> dict[str, Any]:
    """The campaign arguments of ``create_calls``/``preflight``; files read and checked
    (a bad number in them is named: exit 2)."""
    options: dict[str, Any] = {}
    try:
        if args.window is not None:
            options["window"] = CallingWindow.parse(args.window, args.days or "all")
        if args.tz is not None:
            options["tz"] = args.tz
        if args.suppress is not None:
            options["suppress"] = Suppression.read(args.suppress, region=args.region)
            options["region"] = args.region
        if args.caller_ids is not None:
            options["caller_ids"] = CallerIds.read(args.caller_ids)
    except (ValidationError, ValueError) as exc:
        raise UsageError(str(exc)) from None
    except ImportError as exc:
        raise UsageError(str(exc)) from None
    return options


def print_preflight(title: str, report: Preflight, *, as_json: bool) -> None:
    if as_json:
        print(json.dumps({"preflight": report.as_dict()}))
    else:
        print(
            f"{title}\n{report.render()}\nestimates: cost assumes every call lasts "
            f"{report.avg_minutes:g} min; redials come on top"
        )
