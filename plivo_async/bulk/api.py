"""``client.bulk``: the bulk operations of one client, built on :class:`BulkRun`."""

from __future__ import annotations

import os
from collections.abc import Awaitable, Callable
from typing import Any

from ..errors import ValidationError
from ..models.calls import CreateCallRequest
from ..models.phlo import MultiPartyCallActionRequest
from ..resources.calls import Calls
from ..resources.phlo import Phlo
from .engine import BulkRun
from .inputs import Rows, build_request
from .journal import Journal
from .outcome import MpcActionRow, Summary

__all__ = ["Bulk"]


class Bulk:
    """Bulk operations of one client (``client.bulk``): what they need is passed in, the
    client's ``calls``, its ``phlo`` factory and its concurrency limit."""

    def __init__(self, *, calls: Calls, phlo: Callable[[str], Phlo], max_concurrency: int) -> None:
        self._calls = calls
        self._phlo = phlo
        self._max_concurrency = max_concurrency

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
        shard: tuple[int, int] | None = None,
    ) -> BulkRun[Any]:
        """Place one call (or one ``<`` bulk call) per row, concurrently.

        Rows are dicts of :meth:`Calls.create` arguments (``from`` or ``from_``; CSV rows
        work as they are) merged over ``defaults``, or prebuilt ``CreateCallRequest``\\ s.
        A row that fails validation gets an ``invalid`` outcome and no request. See
        :class:`BulkRun` for journal, resume (``retry_unknown``, ``retry_failed``),
        ``report``, ``shard`` (worker k of n), cancellation and stop conditions.
        ``input_id`` is a label recorded in
        the journal's header; the rows themselves are what a resume checks.
        Raises :class:`JournalMismatchError` if a row sent in an earlier run differs.
        """
        base = dict(defaults or {})

        def prepare(row: Any) -> CreateCallRequest:
            if isinstance(row, CreateCallRequest):
                return row
            request: CreateCallRequest = build_request(CreateCallRequest, {**base, **row})
            return request

        calls = self._calls
        return BulkRun(
            rows,
            prepare=prepare,
            send=lambda request: calls.create_from(request, retry_unsafe=retry_unsafe),
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

        def send(row: MpcActionRow) -> Awaitable[Any]:
            mpc = self._phlo(row.phlo_id).multi_party_call(row.node_id)
            return mpc.update_from(row.request, retry_unsafe=retry_unsafe)

        return BulkRun(rows, prepare=prepare, send=send, kind="mpc", **self._options(options))

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
        """
        return BulkRun(
            items, prepare=lambda item: item, send=fn, kind=kind, **self._options(options)
        )
