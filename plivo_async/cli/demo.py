"""``plivo-async demo``: the real client against an embedded emulator with faults.

It dials calls and multi-party-call actions, then compares what the client reported with
what the emulator saw: nobody dialled twice, every "placed" really placed. The calls run
as a campaign would: reconciliation on (ambiguous creates looked up in the API, whose
call records appear ``CDR_LAG`` s after hangup), every call tracked to its end through a
callback receiver on loopback (some destinations are scripted busy, no answer or an
answering machine), busy rows redialled once. Call lengths and lags are a fraction of a
second, so the demo takes seconds. No account.
"""

from __future__ import annotations

import json
from collections import Counter
from typing import Any, Literal

from ..bulk import BulkRun, Summary
from ..bulk.outcome import destination
from ..bulk.policy import Redial
from ..client import AsyncPlivo
from ..retry import RetryPolicy
from ..webhooks import AnswerEvent, CallbackEvent
from ..xml import Response, Speak
from ._common import (
    EXIT_NOT_ALL_OK,
    EXIT_OK,
    add_log_level,
    configure_logging,
    print_summary,
    run_interruptibly,
)
from ._tracking import listen

__all__ = ["add_parser", "run"]

DEMO_FROM = "+14155550100"
DEMO_PHLO, DEMO_NODE = "demo-phlo", "demo-node"  # the multi-party-call node the demo acts on
#: Seconds the emulator takes to show a call record after hangup; the client is told the
#: same lag (on Plivo, this is the API's indexing lag: the default is 60 s).
CDR_LAG = 0.5
#: Seconds the emulator may still be processing a create after it was sent: its injected
#: latency is at most 80 ms (on Plivo, up to the client's request timeout: 30 s).
SETTLE = 1.0
#: Busy rows are dialled again a second later, once (two dials in all).
REDIAL = Redial(on={"busy"}, after=1.0, attempts=2)
#: Longest a call is followed: far beyond the demo's calls, short enough not to hang.
TRACK_WAIT = 10.0
#: How every tenth destination (from the second, third, fourth on) answers.
SCRIPTED: dict[int, Literal["busy", "no-answer", "machine"]] = {
    1: "busy",
    2: "no-answer",
    3: "machine",
}


def number(i: int) -> str:
    return f"+1415{7000000 + i}"


def expected(i: int) -> str:
    """The disposition row ``i`` should get (what the emulator was scripted to do)."""
    return SCRIPTED.get(i % 10, "answered")


def add_parser(sub: Any) -> None:
    demo = sub.add_parser(
        "demo",
        help="dial through the real client against an embedded emulator (no account needed)",
        description="Dial calls and MPC transfers through the real client against an "
        "emulator with faults, and compare what the client reported with what it saw: "
        "ambiguous creates reconciled, every call followed to its disposition (busy rows "
        "redialled once), nobody dialled twice.",
    )
    add = demo.add_argument
    add("--calls", type=int, default=300, help="calls to place (default 300)")
    add("--mpc", type=int, default=30, help="MPC transfers to make (default 30)")
    add("--concurrency", type=int, default=64, metavar="N", help="requests in flight (64)")
    add("--cps", type=float, default=None, help="calls per second (default: none)")
    add("--seed", type=int, default=1, help="seed for the emulator's faults")
    add("--no-faults", action="store_true", help="switch fault injection off")
    add("--json", action="store_true", help="print the summary as JSON")
    add_log_level(demo)
    demo.set_defaults(run=run)


def run(args: Any) -> int:
    configure_logging(args.log_level)
    runs: list[BulkRun[Any]] = []
    return run_interruptibly(_demo(args, runs), runs)


async def _answer(event: CallbackEvent) -> Response | None:
    """The demo's answer URL: a short greeting."""
    return Response([Speak("Hello from plivo-async")]) if isinstance(event, AnswerEvent) else None


async def _demo(args: Any, runs: list[BulkRun[Any]]) -> int:
    from ..emulator import Emulator, FaultConfig, Lifecycle, Script

    faults = (
        None
        if args.no_faults
        else FaultConfig(
            rate_429=0.05,
            rate_5xx=0.02,
            drop_before=0.01,
            drop_after=0.005,
            latency_ms=(20.0, 80.0),
            retry_after=0.2,
            paths="calls",
        )
    )
    emulator = Emulator(
        faults=faults,
        seed=args.seed,
        flows=True,
        callbacks=True,
        lifecycle=Lifecycle(ringing_s=0.3, talk_s=0.5),
        cdr_lag=CDR_LAG,
        phlos={DEMO_PHLO: {DEMO_NODE: "multi_party_call"}},
    )
    dials: dict[str, int] = {}
    got: Counter[tuple[str, str]] = Counter()  # (expected, disposition) per row
    async with emulator:
        for i in range(args.calls):
            if i % 10 in SCRIPTED:
                emulator.flows.scripts[number(i)] = Script(answer=SCRIPTED[i % 10])
        if not args.json:
            print(f"emulator on {emulator.url} (faults {'off' if faults is None else 'on'})")
        async with (
            listen("127.0.0.1", 0, auth_token=emulator.auth_token, on_event=_answer) as receiver,
            AsyncPlivo(
                emulator.auth_id,
                emulator.auth_token,
                base_url=emulator.url,
                phlo_base_url=emulator.phlo_url,
                max_concurrency=args.concurrency,
                rate_limit=None,  # the emulator does not enforce Plivo's account limit
                calls_per_second=args.cps,
                retry=RetryPolicy(base=0.05, cap=1.0),
            ) as client,
        ):
            if not args.json:
                print(
                    f"callbacks to {receiver.url} (signature-checked); calls ring 0.3 s and "
                    f"talk 0.5 s; call records appear {CDR_LAG:g} s after hangup, creates are "
                    f"processed within {SETTLE:g} s"
                )
            calls = client.bulk.create_calls(
                [{"to": number(i)} for i in range(args.calls)],
                defaults={
                    "from": DEMO_FROM,
                    "answer_url": f"{receiver.url}/answer",
                    "machine_detection": "hangup",
                    **receiver.defaults(),
                },
                reconcile_lag=CDR_LAG,
                reconcile_settle=SETTLE,
                track=receiver.tracker,
                track_wait=TRACK_WAIT,
                redial=REDIAL,
            )
            runs.append(calls)
            async for outcome in calls:
                dials[destination(outcome.request)] = outcome.dials
                got[expected(outcome.index), str(outcome.disposition)] += 1
            actions = ("call", "warm_transfer", "cold_transfer")
            mpc = client.bulk.mpc_actions(
                [
                    {"action": actions[i % 3], "to": f"+1415{8000000 + i}", "role": "agent"}
                    for i in range(args.mpc)
                ],
                defaults={
                    "phlo_id": DEMO_PHLO,
                    "node_id": DEMO_NODE,
                    "trigger_source": DEMO_FROM,
                },
            )
            runs.append(mpc)
            await mpc.wait()
        records = emulator.history
        emulator_placed = len(records.calls)
        dialled = emulator.dialled_counts()
        seen = {
            "calls_placed": emulator_placed,
            # more calls to a number than its row dialled (a redial is a row's own dial)
            "duplicates": sum(1 for to, n in dialled.items() if n > dials.get(to, 1)),
            "dialled_more_than_once": len(emulator.duplicates()),
            "faults": dict(records.faults()),
        }
    summary = calls.summary
    reconciled = sum(summary.reconciled.values())
    table = [
        {"expected": want, "disposition": disposition, "rows": n}
        for (want, disposition), n in sorted(got.items())
    ]
    result = {
        "calls": summary.as_dict(),
        "mpc": mpc.summary.as_dict(),
        "emulator": seen,
        "reconciliation": {"unknown_before": reconciled, "unknown_after": summary.unknown},
        "dispositions": table,
    }
    if args.json:
        print(json.dumps(result))
    else:
        _print_human(args, result, summary, mpc.summary)
    return EXIT_OK if seen["duplicates"] == 0 else EXIT_NOT_ALL_OK


def _print_human(args: Any, result: dict[str, Any], calls: Summary, mpc: Summary) -> None:
    seen, table = result["emulator"], result["dispositions"]
    print_summary(f"{args.calls} calls, each followed to its end", calls)
    found, not_placed = calls.reconciled["found"], calls.reconciled["not_placed"]
    print(
        f"\nreconciliation: {result['reconciliation']['unknown_before']} create(s) failed "
        "ambiguously (unknown before: the call may or may not exist); the API showed "
        f"{found} placed (found) and {not_placed} not placed (sent again): "
        f"{calls.unknown} unknown after, {calls.lookups} lookups"
    )
    print("\ndispositions: what the emulator was scripted to do -> what the client reported")
    width = max(len(row["expected"]) for row in table) if table else 0
    for row in table:
        shown = "no disposition" if row["disposition"] == "None" else row["disposition"]
        mark = "" if row["expected"] == row["disposition"] else "   <- differs"
        print(f"  {row['expected']:<{width}} -> {shown:<10} {row['rows']:>5}{mark}")
    print(
        f"  {calls.redials} redial(s) of busy rows, {REDIAL.after:g} s after the call ended, "
        f"{REDIAL.attempts} dials per row at most"
    )
    print_summary(f"{args.mpc} MPC actions (add user, warm and cold transfer)", mpc)
    print(
        f"\nthe emulator saw {seen['calls_placed']} calls placed, "
        f"{seen['duplicates']} destination(s) dialled more often than their row dialled "
        f"({seen['dialled_more_than_once']} dialled twice: the redials); faults injected: "
        f"{seen['faults'] or 'none'}"
    )
    print(
        f"the client: {calls.placed + mpc.placed} placed for sure, "
        f"{calls.unknown} call row(s) and {mpc.unknown} MPC action(s) unknown "
        "(MPC actions are not reconciled). Unknown rows are never re-sent: nobody was "
        "dialled more often than their row asked for."
    )
