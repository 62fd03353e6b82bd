"""``client.bulk``: the bulk operations of one client, built on :class:`BulkRun`."""

from __future__ import annotations

import asyncio
import os
import time
from collections.abc import Awaitable, Callable, Iterable, Sequence
from typing import Any

from ..errors import ValidationError
from ..models.calls import CreateCallRequest
from ..models.phlo import MultiPartyCallActionRequest
from ..reconciliation import DEFAULT_LAG, DEFAULT_SETTLE, DEFAULT_SKEW
from ..resources.calls import Calls
from ..resources.phlo import Phlo
from ..tracking import CallTracker
from .campaign import CallerIds, CallingWindow, Campaign
from .campaign.preflight import (
    DEFAULT_AVG_MINUTES,
    AccountSource,
    Preflight,
    PricingSource,
    preflight,
)
from .campaign.suppression import Suppress
from .dialer import Dialer
from .engine import BulkRun
from .inputs import Rows, build_request, split_row
from .journal import Journal
from .outcome import MpcActionRow, Summary
from .policy import Redial
from .runners.calls import CallsRunner
from .runners.function import FunctionRunner
from .runners.mpc import mpc_runner

__all__ = ["Bulk"]


class Bulk:
    """Bulk operations of one client (``client.bulk``): what they need is passed in, the
    client's ``calls``, its ``phlo`` factory and its concurrency limit."""

    def __init__(
        self,
        *,
        calls: Calls,
        phlo: Callable[[str], Phlo],
        max_concurrency: int,
        pricing: PricingSource | None = None,
        account: AccountSource | None = None,
    ) -> None:
        self._calls = calls
        self._phlo = phlo
        self._max_concurrency = max_concurrency
        self._pricing = pricing
        self._account = account

    def __repr__(self) -> str:
        return f"<Bulk of {self._calls!r}, concurrency {self._max_concurrency}>"

    def _options(self, options: dict[str, Any]) -> dict[str, Any]:
        if options.get("concurrency") is None:
            options["concurrency"] = self._max_concurrency
        return options

    def create_calls(
        self,
        rows: Rows,
        *,
        defaults: dict[str, Any] | None = None,
        retry_unsafe: bool = False,
        journal: str | os.PathLike[str] | Journal | None = None,
        input_id: str | None = None,
        concurrency: int | None = None,
        retry_unknown: bool = False,
        retry_failed: bool = False,
        stop_after_failures: int | None = None,
        stop_on_auth_error: bool = True,
        progress: bool | Callable[[Summary], object] | None = None,
        grace_period: float = 10.0,
        report: str | os.PathLike[str] | None = None,
        extra_columns: Sequence[str] = (),
        shard: tuple[int, int] | None = None,
        reconcile: bool = True,
        reconcile_lag: float = DEFAULT_LAG,
        reconcile_settle: float = DEFAULT_SETTLE,
        reconcile_wait: float | None = None,
        reconcile_skew: float = DEFAULT_SKEW,
        track: CallTracker | None = None,
        track_wait: float | None = None,
        redial: Redial | None = None,
        max_live_calls: int | None = None,
        window: CallingWindow | None = None,
        tz: str | None = None,
        suppress: Suppress | None = None,
        region: str | None = None,
        caller_ids: CallerIds | Iterable[str] | None = None,
        # test hooks (epoch seconds), left out of the reference (docs/_griffe/hidden.py)
        clock: Callable[[], float] = time.time,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> BulkRun[Any]:
        """Place one call (or one ``<`` bulk call) per row, concurrently.

        Returns a :class:`BulkRun`: iterate it (or ``await run.wait()``) to drive the run;
        each row ends in one :class:`~plivo_async.bulk.outcome.Outcome`, and
        ``run.summary`` counts them. With a journal, rerunning the same call resumes: rows
        done are skipped, and nobody is dialled twice.

        Each create carries a correlation mark (``plivo_async_mark=`` on its callback
        URLs), so an ambiguous create can be reconciled: looked up in the API (queued,
        live, call records; see :mod:`plivo_async.reconciliation`): found is ``ok``, proven
        not placed is sent again, anything else stays ``unknown`` with a note.

        Args:
            rows: Dicts of :meth:`Calls.create` arguments (``from`` or ``from_``; the rows
                of :func:`~plivo_async.bulk.inputs.read_csv` work as they are), merged
                over ``defaults``, or prebuilt ``CreateCallRequest``\\ s; a list, any
                iterable or an async iterable, read as slots free up. A row that fails
                validation gets an ``invalid`` outcome and no request.
            defaults: Arguments for every row, under each row's own.
            retry_unsafe: Resend a create whose outcome is unknown (it may dial twice).
                Default False: reconciliation decides instead.
            journal: A path (or :class:`~plivo_async.bulk.journal.Journal`): the crash-safe
                record of every row, which a rerun with the same rows resumes from. A row
                sent in an earlier run that differs now raises
                :class:`~plivo_async.bulk.journal.JournalMismatchError`.
            input_id: A label recorded in the journal's header (the rows themselves are
                what a resume checks).
            concurrency: Rows in flight at once. Default: the client's
                ``max_concurrency``.
            retry_unknown: On a resume, resend rows whose outcome was unknown (they may
                be dialled twice).
            retry_failed: On a resume, resend rows the API refused with an answer that
                proves nothing was placed (a 4xx).
            stop_after_failures: Stop feeding new rows after this many failed rows
                (rows started finish).
            stop_on_auth_error: Stop at the first 401/403 (wrong credentials fail every
                row alike). Default True.
            progress: True for a progress bar (tqdm), False for none, None (default) for
                a bar when attached to a terminal or notebook; or a callable, called with
                the :class:`~plivo_async.bulk.outcome.Summary` at each update.
            grace_period: Seconds that requests already sent get to finish when the run
                is cancelled (then they are recorded ``unknown``). Default 10.
            report: A path: a CSV of every row's outcome, written as rows finish (see
                :mod:`plivo_async.bulk.report`; a resumed run's has every row).
            extra_columns: Keys of dict rows that are not call arguments (a CRM export's
                name, email, notes): never sent nor digested, and shown in the
                ``report`` beside each row's outcome.
            shard: ``(k, n)``: be worker ``k`` of ``n``, taking rows ``k, k+n, ...``,
                each worker with its own journal.
            reconcile: Look ambiguous creates up in the API (default True); False leaves
                them ``unknown``.
            reconcile_lag: Longest the API takes to show a call record after hangup
                (default 60 s).
            reconcile_settle: Longest the API may still be processing a create after it
                was sent (default 30 s, the client's request timeout).
            reconcile_wait: How long a row may wait for the settle time and the lag to
                pass (default: both plus 5 s); the row gives its slot back meanwhile.
            reconcile_skew: How far this host's clock may be off the API's (default
                2 s; the API's ``Date`` headers widen it when they show more).
            track: A :class:`~plivo_async.tracking.CallTracker` fed by your webhook
                receiver: each row waits for its call's end and gets its
                ``disposition``. Rows need a ``hangup_url`` that reaches the receiver.
            track_wait: Longest to wait for a call's hangup (default: its ring timeout
                and time limit plus a minute).
            redial: A :class:`~plivo_async.bulk.policy.Redial`: dial rows again by
                disposition (needs ``track``).
            max_live_calls: Hold new calls while this many of the run's calls are
                queued or live (needs ``track``).
            window: A :class:`~plivo_async.bulk.campaign.CallingWindow`: dial each row
                only inside its callee's local calling hours (zones from its number, its
                ``tz`` column, or ``tz`` for the whole run); a row outside waits without
                its slot, journaled as deferred (redials too). A campaign feature: needs
                ``pip install "plivo-async[campaigns]"`` (see the campaign guide).
            tz: One time zone name for every row of the run (with ``window``).
            suppress: A do-not-call list: a file of numbers, a collection, or an async
                callable ``number -> bool``, asked before every dial (E.164); a listed row
                ends ``suppressed`` with no request (a redial is not made).
            region: The region (ISO country) in which ``suppress``'s national numbers are
                read.
            caller_ids: Your numbers (E.164): each row without a ``from`` gets the one of
                its callee's area code, else country, else the default ``from``.
        """
        campaign = _campaign(window, tz, suppress, region, caller_ids)
        prepare = _call_preparer(defaults, campaign, clock)
        calls = self._calls
        dialer = Dialer(
            calls,
            retry_unsafe=retry_unsafe,
            reconcile=reconcile,
            lag=reconcile_lag,
            settle=reconcile_settle,
            wait=reconcile_wait,
            skew=reconcile_skew,
            tracker=track,
            track_wait=track_wait,
            redial=redial,
            max_live_calls=max_live_calls,
            clock=clock,
            sleep=sleep,
        )
        return BulkRun(
            rows,
            prepare=prepare if track is None else _needing_hangup_url(prepare),
            runner=CallsRunner(dialer, campaign),
            kind="calls",
            concurrency=concurrency or self._max_concurrency,
            journal=journal,
            input_id=input_id,
            retry_unknown=retry_unknown,
            retry_failed=retry_failed,
            stop_after_failures=stop_after_failures,
            stop_on_auth_error=stop_on_auth_error,
            progress=progress,
            grace_period=grace_period,
            report=report,
            shard=shard,
            extra_columns=extra_columns,
        )

    async def preflight(
        self,
        rows: Rows,
        *,
        defaults: dict[str, Any] | None = None,
        window: CallingWindow | None = None,
        tz: str | None = None,
        suppress: Suppress | None = None,
        region: str | None = None,
        caller_ids: CallerIds | Iterable[str] | None = None,
        extra_columns: Sequence[str] = (),
        cps: float | None = None,
        avg_minutes: float = DEFAULT_AVG_MINUTES,
        pricing: PricingSource | None = None,
        account: AccountSource | None = None,
        clock: Callable[[], float] = time.time,
    ) -> Preflight:
        """What :meth:`create_calls` with these arguments would do, without placing a
        call: rows valid, invalid, suppressed and outside their window now, how long the
        first dials take at ``cps`` with the windows, and their estimated cost (each call
        ``avg_minutes`` long, at its destination's outbound rate) against the account's
        cash credit. ``pricing``/``account`` default to the client's Pricing and Account
        APIs. ``extra_columns`` are left out of each row as :meth:`create_calls` leaves
        them. See :mod:`plivo_async.bulk.campaign.preflight`.
        """
        campaign = _campaign(window, tz, suppress, region, caller_ids)
        prepare = _call_preparer(defaults, campaign, clock)
        columns = tuple(extra_columns)
        return await preflight(
            rows,
            prepare=lambda row: prepare(split_row(row, columns)[0]),
            campaign=campaign,
            now=clock(),
            cps=cps,
            avg_minutes=avg_minutes,
            pricing=pricing or self._pricing,
            account=account or self._account,
        )

    def mpc_actions(
        self,
        rows: Rows,
        *,
        defaults: dict[str, Any] | None = None,
        retry_unsafe: bool = False,
        **options: Any,
    ) -> BulkRun[Any]:
        """One multi-party-call action per row: add a user, warm or cold transfer.

        Rows hold ``phlo_id``, ``node_id``, ``action`` (``call``, ``warm_transfer``,
        ``cold_transfer``), ``to``, ``trigger_source`` and optionally ``role``, merged over
        ``defaults``. Options are those of :meth:`create_calls`.
        """
        base = dict(defaults or {})

        def prepare(row: Any) -> MpcActionRow:
            if isinstance(row, MpcActionRow):
                return row
            data = {**base, **row}
            ids = {}
            for key in ("phlo_id", "node_id"):
                ids[key] = data.pop(key, None)
                if not ids[key]:
                    raise ValidationError.invalid(key, "is required")
            request = build_request(MultiPartyCallActionRequest, data)
            return MpcActionRow(ids["phlo_id"], ids["node_id"], request)

        runner = mpc_runner(self._phlo, retry_unsafe=retry_unsafe)
        return BulkRun(rows, prepare=prepare, runner=runner, kind="mpc", **self._options(options))

    def run(
        self,
        items: Rows,
        fn: Callable[[Any], Awaitable[Any]],
        *,
        kind: str = "items",
        **options: Any,
    ) -> BulkRun[Any]:
        """Await ``fn(item)`` for every item under the same engine (limits, journal, outcomes).

        ``fn`` may raise :class:`ValidationError` to refuse an item. With a journal, items
        must be JSON-serialisable (their digest checks that a resume uses the same input).
        The engine cannot see ``fn``'s requests: an item counts as sent (its start record
        written) once ``fn`` is called, so one a crash cut short is reported unknown.
        """
        runner = FunctionRunner(fn, observed=False)
        return BulkRun(
            items, prepare=lambda item: item, runner=runner, kind=kind, **self._options(options)
        )


def _campaign(
    window: CallingWindow | None,
    tz: str | None,
    suppress: Suppress | None,
    region: str | None,
    caller_ids: CallerIds | Iterable[str] | None,
) -> Campaign | None:
    """The run's campaign choices, checked (ValidationError), or None if it has none."""
    if window is None and tz is None and suppress is None and caller_ids is None:
        return None
    return Campaign(window=window, tz=tz, suppress=suppress, region=region, caller_ids=caller_ids)


def _call_preparer(
    defaults: dict[str, Any] | None, campaign: Campaign | None, clock: Callable[[], float]
) -> Callable[[Any], CreateCallRequest]:
    """A row (a dict over ``defaults``, or a ``CreateCallRequest``) to its request, as
    the campaign fills and checks it."""
    base = dict(defaults or {})

    def prepare(row: Any) -> CreateCallRequest:
        zone = None
        if isinstance(row, CreateCallRequest):
            request: CreateCallRequest = row
        else:
            data = {**base, **row}
            if campaign is not None:
                zone = campaign.fill(row, data)
            request = build_request(CreateCallRequest, data)
        if campaign is not None:
            campaign.check(request, zone, clock())
        return request

    return prepare


def _needing_hangup_url(
    prepare: Callable[[Any], CreateCallRequest],
) -> Callable[[Any], CreateCallRequest]:
    """``prepare``, refusing rows whose calls could never be tracked (no hangup URL)."""

    def checked(row: Any) -> CreateCallRequest:
        request = prepare(row)
        if request.hangup_url is None:
            raise ValidationError.invalid(
                "hangup_url",
                "is required to track calls (track=): the hangup callback "
                "is what gives each row its disposition",
            )
        return request

    return checked
